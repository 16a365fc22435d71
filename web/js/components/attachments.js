// attachments.js - files on an advice and guidance request: which types
// Seam takes, uploading one (raw body, its content type) and downloading
// one with the bearer token (as a blob, offered through an object URL).

import { apiBlob, apiUpload } from '../lib/api.js';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

const BY_EXTENSION = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  txt: 'text/plain',
};

export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'];

// The content type to send for a chosen file, or null when Seam does not
// take that kind of file.  Browsers leave file.type empty for some files, so
// the extension decides then.
export function attachmentType(file) {
  if (!file) return null;
  const t = String(file.type || '').toLowerCase();
  if (ATTACHMENT_TYPES.includes(t)) return t;
  const m = /\.([a-z0-9]+)$/i.exec(file.name || '');
  const byExt = m ? BY_EXTENSION[m[1].toLowerCase()] : null;
  if (byExt && (!t || t === 'application/octet-stream')) return byExt;
  return null;
}

// A problem with the chosen file, as a sentence, or null.
export function attachmentProblem(file) {
  if (!file) return 'Choose a file to attach';
  if (!attachmentType(file)) return 'The file must be a PDF, JPEG, PNG or text file';
  if (file.size > MAX_ATTACHMENT_BYTES) return 'The file must be smaller than 5 MB';
  if (file.size === 0) return 'The file is empty';
  return null;
}

export function formatBytes(n) {
  const v = Number(n) || 0;
  if (v < 1024) return `${v} bytes`;
  if (v < 1024 * 1024) return `${Math.round(v / 1024)} KB`;
  return `${(v / (1024 * 1024)).toFixed(1)} MB`;
}

export function typeLabel(contentType) {
  const t = String(contentType || '').split(';')[0].trim().toLowerCase();
  return { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG image', 'image/png': 'PNG image', 'text/plain': 'Text' }[t] || t;
}

// POST /advice/{id}/attachments?filename=NAME with the file as the body.
export function uploadAttachment(adviceId, file, idempotencyKey) {
  return apiUpload(`/advice/${encodeURIComponent(adviceId)}/attachments`, file, {
    query: { filename: file.name || 'attachment' },
    contentType: attachmentType(file) || file.type,
    idempotencyKey,
  });
}

// GET /advice/{id}/attachments/{aid} -> an object URL for the file (the
// caller revokes it when done with it).
export async function attachmentUrl(adviceId, attachmentId) {
  const { blob } = await apiBlob(`/advice/${encodeURIComponent(adviceId)}/attachments/${encodeURIComponent(attachmentId)}`);
  return URL.createObjectURL(blob);
}
