// npm start's front door: Swagger UI (from the swagger-ui-dist package, no network) at /docs rendering /openapi.json,
// and every other request passed through unchanged to serverless-offline, a bounded number at a time.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './engines.js';

const assetsDir = path.join(projectRoot, 'node_modules', 'swagger-ui-dist');
const assets: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

// The same document the API serves; validatorUrl null keeps Swagger UI from calling validator.swagger.io.
const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

async function serveDocs(file: string, res: http.ServerResponse): Promise<void> {
  if (file === 'swagger-initializer.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(initializer);
    return;
  }
  const type = assets[file || 'index.html'];
  if (!type) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, { 'content-type': type });
  res.end(await readFile(path.join(assetsDir, file || 'index.html')));
}

/**
 * serverless-offline starts a fresh worker thread (a cold Lambda container) for every request that finds no idle one,
 * and its 10 s timeout counts the cold start. In AWS each container has its own CPU; here they share this machine's
 * cores, so a burst of 30 at once spent over 10 s starting containers and most answers were 504 (timed out workers are
 * killed, so the next burst starts cold again). Like a function's concurrency limit with the caller waiting its turn,
 * the front door lets this many requests in at a time and queues the rest in arrival order.
 */
const maxInFlight = 4 * os.availableParallelism();

function admitted(): { enter: () => Promise<void>; leave: () => void } {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    enter: () => {
      if (inFlight < maxInFlight) {
        inFlight++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    // The slot passes straight to the next in line, so inFlight never exceeds the limit.
    leave: () => {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    },
  };
}

function passThrough(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstreamPort: number,
  leave: () => void,
): void {
  // A caller who gave up while queued gets no upstream call; the slot is handed on.
  if (res.destroyed) return leave();
  res.once('close', leave);
  const upstream = http.request(
    { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      // Hop-by-hop headers belong to each connection, not to the answer.
      const {
        connection: _connection,
        'keep-alive': _keepAlive,
        'transfer-encoding': _encoding,
        ...headers
      } = answer.headers;
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'https://tyrehero.example/problems/gateway',
        title: 'Bad gateway',
        status: 502,
        detail: 'The local API is not answering yet; retry in a moment.',
      }),
    );
  });
  req.pipe(upstream);
}

/** Listens on `port`; resolves once listening. */
export async function startFrontDoor(port: number, upstreamPort: number): Promise<http.Server> {
  const gate = admitted();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/docs') {
      res.writeHead(302, { location: '/docs/' });
      res.end();
    } else if (url.pathname.startsWith('/docs/')) {
      serveDocs(url.pathname.slice('/docs/'.length), res).catch(() => {
        res.writeHead(500);
        res.end();
      });
    } else {
      void gate.enter().then(() => passThrough(req, res, upstreamPort, gate.leave));
    }
  });
  // Longer than Node's 5 s default, so a client that pauses between calls (curl scripts, the e2e test minting a
  // token) does not reuse a connection the front door has just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return server;
}
