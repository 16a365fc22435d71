// Starts a real Seam server on a temporary demo database for a test, and
// cleans it up afterwards.
//
//   const server = await startSeam();        // in before()
//   server.url                               // "http://127.0.0.1:PORT"
//   await server.api('/referrals', {token})  // JSON API helper
//   await server.stop();                     // in after(); safe to call twice
//
// SEAM_BIN overrides the binary (default build/seam at the repo root).
// SEAM_TEMPLATE_DB (set by scripts/run-tests.sh): a demo database made once
// by `seam demo`, copied for each server instead of generating it again.

import { spawn, spawnSync, execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SEAM_BIN = process.env.SEAM_BIN || path.join(REPO_ROOT, 'build/seam');

// A port nobody is listening on right now: bind port 0, read it, close.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, ...opts }, (err, stdout, stderr) => {
      if (err) {
        err.message += `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
        reject(err);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers still running if the test process ends abruptly.
const live = new Set();
process.once('exit', () => {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Creates a temp dir, runs `seam demo --db DIR/seam.db` (or copies
 * SEAM_TEMPLATE_DB there), then
 * `seam serve --db DIR/seam.db --listen 127.0.0.1:PORT --dev`, and waits
 * until GET /api/v1/dev/personas answers 200.  With {dev: false} the
 * server runs without --dev and any answer (a 404) will do.
 */
export async function startSeam({ dev = true, timeoutMs = 60000, demoTimeoutMs = 300000, extraArgs = [] } = {}) {
  if (!existsSync(SEAM_BIN)) {
    throw new Error(`${SEAM_BIN} does not exist: run \`make\` at the repository root first`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seam-browser-'));
  const db = path.join(dir, 'seam.db');
  let child = null;
  let output = '';
  let exited = null;

  const server = {
    dir,
    db,
    url: null,
    port: null,
    get output() {
      return output;
    },
    async stop() {
      if (child && exited === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => {
          if (exited === null) child.kill('SIGKILL');
        }, 5000);
        await done;
        clearTimeout(t);
      }
      const started = child !== null;
      child = null;
      // Every handoff the journey made must have exactly one owner.
      const check = started && existsSync(db) ? spawnSync(SEAM_BIN, ['check', '--db', db], { encoding: 'utf8' }) : null;
      await rm(dir, { recursive: true, force: true });
      if (check && check.status !== 0) {
        throw new Error(`seam check --db ${db} exited ${check.status}:\n${check.stdout}${check.stderr}`);
      }
    },
    // JSON API helper for test set-up: returns {status, body}.
    async api(p, { method = 'GET', token, body, headers = {} } = {}) {
      const res = await fetch(`${server.url}/api/v1${p}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, body: json, headers: res.headers };
    },
    // A bearer token: from the dev sign-in, or `seam token` without --dev.
    async token(username) {
      if (!dev) {
        const { stdout } = await run(SEAM_BIN, ['token', '--db', db, username]);
        return stdout.trim();
      }
      const r = await server.api('/dev/token', { method: 'POST', body: { username } });
      if (r.status !== 200 && r.status !== 201) {
        throw new Error(`POST /dev/token ${username} -> ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.body.token;
    },
  };

  try {
    const template = process.env.SEAM_TEMPLATE_DB;
    if (template && existsSync(template)) {
      await copyFile(template, db);
      for (const ext of ['-wal', '-shm']) {
        if (existsSync(template + ext)) await copyFile(template + ext, db + ext);
      }
    } else {
      await run(SEAM_BIN, ['demo', '--db', db], { timeout: demoTimeoutMs });
    }

    server.port = await freePort();
    server.url = `http://127.0.0.1:${server.port}`;
    const args = ['serve', '--db', db, '--listen', `127.0.0.1:${server.port}`, ...(dev ? ['--dev'] : []), ...extraArgs];
    child = spawn(SEAM_BIN, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk) => {
      output += chunk.toString();
      if (output.length > 200000) output = output.slice(-100000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    live.add(child);
    const me = child;
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(me);
    });

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) {
        throw new Error(`seam serve exited early (${JSON.stringify(exited)}):\n${output}`);
      }
      try {
        const res = await fetch(`${server.url}/api/v1/dev/personas`);
        await res.arrayBuffer();
        if (res.ok || !dev) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`seam serve did not answer GET /api/v1/dev/personas within ${timeoutMs} ms:\n${output}`);
      }
      await sleep(100);
    }
    return server;
  } catch (e) {
    await server.stop().catch(() => {});
    throw e;
  }
}
