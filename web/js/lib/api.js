// api.js - the one place the pages talk to the Seam JSON API (docs/api.md).
//
// Every call sends the bearer token kept in sessionStorage.  A failed call
// throws an ApiError carrying the API's {code, message, field}; a 401 also
// sends the browser back to the sign-in page.

const TOKEN_KEY = 'seam.token';
const USER_KEY = 'seam.user';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;   // HTTP status, 0 when the server could not be reached
    this.code = code;       // machine code, e.g. "missing_field"
    this.field = field || null;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// Keeps the token and a little about who it belongs to ({username, role}).
export function setSession(token, user) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user || {}));
}

export function getSessionUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
}

// A fresh idempotency key.  crypto.randomUUID needs a secure context
// (https or localhost); fall back to getRandomValues elsewhere.
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function signInUrl(reason) {
  return `index.html${reason ? `?${reason}=1` : ''}`;
}

// Builds "/api/v1/path?a=1&b=2", leaving out empty query values.
export function apiUrl(path, query) {
  let url = API_BASE + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    }
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  return url;
}

/**
 * Calls the API and returns the parsed JSON body.
 *
 *   api('/referrals', {query: {status: 'returned'}})
 *   api('/referrals', {method: 'POST', body: {...}, idempotencyKey: key})
 *
 * options.auth = false sends no token (development sign-in endpoints).
 * options.redirectOn401 = false leaves the page where it is on a 401.
 */
export async function api(path, options = {}) {
  const res = await send(path, options);
  return readJson(res, options);
}

/**
 * Sends a file as the raw request body (attachments) and returns the parsed
 * JSON answer:  apiUpload('/advice/7/attachments', file, {query: {filename}})
 * options.contentType overrides the file's own type.
 */
export async function apiUpload(path, blob, options = {}) {
  const contentType = options.contentType || blob.type || 'application/octet-stream';
  const res = await send(path, { ...options, method: options.method || 'POST', rawBody: blob, contentType });
  return readJson(res, options);
}

/**
 * Fetches a file that needs the bearer token (an attachment) and returns
 * {blob, contentType}.  Errors are ApiErrors, as for api().
 */
export async function apiBlob(path, options = {}) {
  const res = await send(path, { ...options, accept: '*/*' });
  if (!res.ok) return readJson(res, options); // throws
  const blob = await res.blob();
  return { blob, contentType: res.headers.get('Content-Type') || blob.type || '' };
}

async function send(path, options) {
  const {
    method = 'GET', body, query, idempotencyKey, auth = true, rawBody, contentType, accept = 'application/json',
  } = options;
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (rawBody !== undefined) headers['Content-Type'] = contentType;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (auth) {
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }

  try {
    return await fetch(apiUrl(path, query), {
      method,
      headers,
      body: rawBody !== undefined ? rawBody : body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'network_error', 'Seam could not be reached. Check your connection and try again.');
  }
}

// The JSON body of a response; throws an ApiError for a failure (and on a
// 401 sends the browser back to sign in).
async function readJson(res, options) {
  const { auth = true, redirectOn401 = true } = options;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!res.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(
      res.status,
      err.code || `http_${res.status}`,
      err.message || `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.',
      err.field,
    );
    if (res.status === 401 && auth && redirectOn401) {
      clearSession();
      window.location.assign(signInUrl('expired'));
    }
    throw e;
  }
  return data;
}

export { signInUrl };
