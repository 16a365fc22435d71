// The web pages as served: every page shares its head links, NHS header and
// footer through web/partials, expanded by the server (no marker left behind).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, ROOT } from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('every page arrives with the shared head, header and footer, and no include marker', async () => {
  const pages = fs.readdirSync(path.join(ROOT, 'web')).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length >= 19, `pages found: ${pages.length}`);
  const base = new URL(srv.base);
  for (const page of pages) {
    const res = await fetch(new URL(`/${page}`, base));
    const text = await res.text();
    assert.equal(res.status, 200, page);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/, page);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/, page);
    assert.ok(!text.includes('<!--#include'), `${page}: an include marker was left in the page`);
    assert.match(text, /nhsuk-frontend\.min\.css/, `${page}: the NHS.UK stylesheet`);
    assert.match(text, /class="nhsuk-header"/, `${page}: the NHS header`);
    assert.match(text, /class="nhsuk-footer"/, `${page}: the footer`);
    assert.match(text, /id="maincontent"/, `${page}: the main content the skip link points to`);
  }
});
