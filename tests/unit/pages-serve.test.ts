// The pages function: the two pages and their hashed assets, with a strict CSP, and nothing else. Its routes are web
// pages, not API operations, so they are not in the OpenAPI document (docs/web-pages.md, "Web pages"); they take no body and
// no query, so their bad-input corpus is here: hostile paths, queries and bodies are a 404 or ignored, never a 500.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeHandler } from '#functions/platform/pages.js';
import { apiEvent } from '../support/events.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-pages-serve-'));
mkdirSync(path.join(root, 'assets'));
writeFileSync(path.join(root, 'track.html'), '<meta name="map-tile-url" content="%MAP_TILE_URL%"><p>track</p>');
writeFileSync(path.join(root, 'ops-live.html'), '<meta name="ops-sign-in-url" content="%OPS_SIGN_IN_URL%"><p>ops</p>');
writeFileSync(path.join(root, 'assets', 'track.ABCDEFGH.js'), 'console.log(1)');
writeFileSync(path.join(root, '.env'), 'SECRET=1');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const serve = makeHandler({
  root,
  mapTileUrl: 'https://tiles.example.test/{z}/{x}/{y}.png',
  opsSignInUrl: 'https://sign-in.example.test/login?client_id=a&redirect_uri="x"',
});
const get = (
  resource: string,
  pathParameters: Record<string, string>,
  extra: { headers?: Record<string, string>; body?: string; query?: Record<string, string> } = {},
) =>
  serve({
    ...apiEvent({
      method: 'GET',
      path: resource.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? ''),
      pathParameters,
      headers: extra.headers,
      body: extra.body,
    }),
    resource,
    queryStringParameters: extra.query ?? null,
  });

describe('the pages function', () => {
  it('serves the tracking page for any reference, with the stage settings filled in and escaped', async () => {
    const page = await get('/t/{reference}', { reference: 'TH-7K3Q9P' });
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(page.body).toContain('content="https://tiles.example.test/{z}/{x}/{y}.png"');
    // Scripts from this origin only; images from the tile server too, and nothing may frame the page.
    expect(page.headers!['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tiles.example.test; connect-src 'self' https://sign-in.example.test; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    const ops = await get('/ops/live', {});
    expect(ops.body).toContain(
      'content="https://sign-in.example.test/login?client_id=a&amp;redirect_uri=&quot;x&quot;"',
    );
  });

  it('compresses for a browser that accepts gzip', async () => {
    const page = await get(
      '/t/{reference}',
      { reference: 'TH-7K3Q9P' },
      { headers: { 'accept-encoding': 'gzip, deflate, br' } },
    );
    expect(page).toMatchObject({
      statusCode: 200,
      isBase64Encoded: true,
      headers: { 'content-encoding': 'gzip', vary: 'accept-encoding' },
    });
    expect(gunzipSync(Buffer.from(page.body, 'base64')).toString()).toContain('<p>track</p>');
  });

  it('serves a built asset as immutable, named by its content hash', async () => {
    const asset = await get('/assets/{file}', { file: 'track.ABCDEFGH.js' });
    expect(asset).toMatchObject({
      statusCode: 200,
      body: 'console.log(1)',
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=31536000, immutable',
      },
    });
  });

  it.each([
    ['a parent folder', '../track.html'],
    ['an encoded parent folder', '..%2F..%2Fetc%2Fpasswd'],
    ['a dot file', '.env'],
    ['a source map', 'track.ABCDEFGH.js.map'],
    ['an unbuilt asset', 'track.ZZZZZZZZ.js'],
    ['a huge name', `${'a'.repeat(10_000)}.ABCDEFGH.js`],
    ['an injection string', "x' OR '1'='1.ABCDEFGH.js"],
    ['a NUL byte', 'track.ABCDEFGH.js\u0000.html'],
    ['an empty name', ''],
  ])('answers %s as an asset with a plain 404', async (_, file) => {
    const answer = await get('/assets/{file}', { file });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers!['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toBe('Not found');
  });

  it('ignores hostile queries, headers and bodies: the pages take no input but their path', async () => {
    const page = await get(
      '/t/{reference}',
      { reference: '<script>alert(1)</script>' },
      {
        query: { q: "' OR 1=1 --", huge: 'x'.repeat(100_000) },
        headers: { 'content-type': 'application/json', cookie: 'a=b' },
        body: '{"malformed": ',
      },
    );
    expect(page.statusCode).toBe(200);
    // The reference is read by the page's script from the address bar, never written into the HTML by the server.
    expect(page.body).not.toContain('<script>alert(1)</script>');
  });

  it('answers an unknown route, or a page missing from the build, with a 404 rather than an error', async () => {
    expect((await get('/somewhere', {})).statusCode).toBe(404);
    const empty = makeHandler({ root: path.join(root, 'missing') });
    expect((await empty({ ...apiEvent({ method: 'GET', path: '/ops/live' }), resource: '/ops/live' })).statusCode).toBe(
      404,
    );
  });
});
