// GET /t/{reference}, /ops/live and /assets/{file}: the two web pages and their assets, built by scripts/pages/build.ts.
// Static files only, no data and no SDK: this Lambda carries the built pages as package files, not in its code bundle.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadConcerns } from '#shared/config/concern.js';
import { pagesConcern } from './pages-config.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

export interface PageSettings {
  /** Where the built pages are (dist/pages under the project or the Lambda task root). */
  root: string;
  /** Optional {z}/{x}/{y} tile layer for this stage; without one the maps draw the shipped outline only. */
  mapTileUrl?: string;
  /** The Cognito hosted sign-in for /ops/live in AWS; locally the page asks for an `npm run token` token instead. */
  opsSignInUrl?: string;
}

const tileOrigin = (url?: string) => (url ? ` ${new URL(url.replace(/\{[a-z]\}/g, '0')).origin}` : '');
// The live view swaps its sign-in code for tokens at the hosted sign-in's own token endpoint.
const signInOrigin = (url?: string) => (url ? ` ${new URL(url).origin}` : '');

function pageHeaders(settings: PageSettings): Record<string, string> {
  return {
    // Scripts and styles from this origin only; map tiles from the configured tile server, if any.
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:${tileOrigin(settings.mapTileUrl)}; connect-src 'self'${signInOrigin(settings.opsSignInUrl)}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  };
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function makeHandler(settings: PageSettings) {
  const cache = new Map<string, Buffer>();
  const read = (file: string): Buffer | undefined => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(path.join(settings.root, file)));
      } catch {
        return undefined;
      }
    }
    return cache.get(file);
  };

  const respond = (
    event: APIGatewayProxyEvent,
    status: number,
    type: string,
    body: Buffer,
    cacheControl: string,
  ): APIGatewayProxyResult => {
    const gzip = /\bgzip\b/.test(event.headers?.['accept-encoding'] ?? event.headers?.['Accept-Encoding'] ?? '');
    const headers = {
      ...pageHeaders(settings),
      'content-type': type,
      'cache-control': cacheControl,
      vary: 'accept-encoding',
    };
    // Compressed here rather than by API Gateway, so the page stays small on every stage and locally too.
    if (gzip)
      return {
        statusCode: status,
        headers: { ...headers, 'content-encoding': 'gzip' },
        body: gzipSync(body).toString('base64'),
        isBase64Encoded: true,
      };
    return { statusCode: status, headers, body: body.toString('utf8') };
  };

  const notFound = (event: APIGatewayProxyEvent) =>
    respond(event, 404, 'text/plain; charset=utf-8', Buffer.from('Not found'), 'no-store');

  const serve = (event: APIGatewayProxyEvent): APIGatewayProxyResult => {
    const route = event.resource ?? event.path;
    if (route.startsWith('/assets/')) {
      const file = event.pathParameters?.file ?? '';
      // Only the flat list of built files: no directories, no dot files.
      if (!/^[a-z-]+\.[A-Z0-9]{8}\.(js|css|json)$/.test(file)) return notFound(event);
      const body = read(`assets/${file}`);
      // Names carry a content hash, so a file never changes under its name.
      return body
        ? respond(event, 200, contentTypes[path.extname(file)]!, body, 'public, max-age=31536000, immutable')
        : notFound(event);
    }
    const page = route.startsWith('/t/') ? 'track.html' : route === '/ops/live' ? 'ops-live.html' : undefined;
    const html = page ? read(page) : undefined;
    if (!html) return notFound(event);
    const filled = html
      .toString('utf8')
      .replace('%MAP_TILE_URL%', escapeAttribute(settings.mapTileUrl ?? ''))
      .replace('%OPS_SIGN_IN_URL%', escapeAttribute(settings.opsSignInUrl ?? ''));
    return respond(event, 200, contentTypes['.html']!, Buffer.from(filled), 'no-cache');
  };
  return (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => Promise.resolve(serve(event));
}

// In AWS the package files sit in the task root; serverless-offline (npm start) reports /var/task but runs in the project.
const roots = [process.env.LAMBDA_TASK_ROOT, process.cwd()]
  .filter((r): r is string => Boolean(r))
  .map((r) => path.join(r, 'dist/pages'));
const { pages } = loadConcerns([pagesConcern]);
export const handler = makeHandler({ root: roots.find((r) => existsSync(r)) ?? roots[0]!, ...pages });
