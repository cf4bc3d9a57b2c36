// @strata/conformance/browser: the static server serves only what it is told to, cross-origin
// isolated, and a module page reports its result (or its import error) to the test in Chromium.
import { get } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, modulePage, pageResult, serveFolders, withChromiumPage } from '../src/browser.js';
import type { StaticServer } from '../src/browser.js';

const root = mkdtempSync(join(tmpdir(), 'strata-serve-'));
const pkg = join(root, 'pkg');
mkdirSync(join(pkg, 'dist'), { recursive: true });
writeFileSync(join(pkg, 'dist', 'answer.js'), 'export const answer = 6 * 7;\n');
writeFileSync(join(pkg, 'dist', 'page.js'), "import { answer } from 'answer';\nexport async function run(params) { return { answer, q: params.get('q'), isolated: globalThis.crossOriginIsolated }; }\n");
writeFileSync(join(pkg, 'secret.txt'), 'not for the page');
writeFileSync(join(root, 'outside.txt'), 'not for the page either');

/** A GET with the path sent exactly as written (fetch would normalise `..` away first). */
function rawGet(origin: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((ok, fail) => {
    get({ hostname, port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

let server: StaticServer;
beforeAll(async () => {
  server = await serveFolders({ pkg: { dir: pkg, allow: ['dist/'] } }, {
    '/ok.html': modulePage('ok', { answer: '/pkg/dist/answer.js' }, '/pkg/dist/page.js', 'result'),
    '/broken.html': modulePage('broken', {}, '/pkg/dist/missing.js', 'result'),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('serveFolders', () => {
  it('serves allowed files with their type and cross-origin isolation headers', async () => {
    const res = await fetch(`${server.origin}/pkg/dist/answer.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await res.text()).toContain('6 * 7');
    const page = await fetch(`${server.origin}/ok.html`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('"answer":"/pkg/dist/answer.js"');
  });

  it('refuses everything else: other sub-paths, unknown prefixes, `..` escapes, missing files', async () => {
    for (const path of ['/pkg/secret.txt', '/other/dist/answer.js', '/pkg/dist/../secret.txt', '/pkg/dist/../../outside.txt', '/pkg/dist/%2e%2e/%2e%2e/outside.txt', '/pkg/dist/nope.js', '/']) {
      const res = await rawGet(server.origin, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toMatch(/not for the page/);
    }
  });
});

const missing = chromiumMissing();
describe.skipIf(missing !== undefined)(`modulePage in headless Chromium${missing !== undefined ? ` (skipped: ${missing})` : ''}`, () => {
  it("resolves to the module's run() result, with the query string and cross-origin isolation", async () => {
    const result = await withChromiumPage({}, (page) => pageResult<{ answer: number; q: string; isolated: boolean }>(page, `${server.origin}/ok.html?q=hello`, 'result'));
    expect(result).toEqual({ answer: 42, q: 'hello', isolated: true });
  }, 60_000);

  it('turns a failed import into { error } and logs it, instead of never answering', async () => {
    const [result, log] = await withChromiumPage({}, async (page, log) => [await pageResult<{ error?: string }>(page, `${server.origin}/broken.html`, 'result'), log] as const);
    expect(result.error).toMatch(/missing\.js|Failed to fetch/);
    expect(log.join('\n')).toMatch(/404/);
  }, 60_000);
});
