import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { projectPath } from '../project-root.js';

/** Where `npm run web:build` writes the web app's bundle. */
export const WEB_APP_DIST = projectPath('web', 'dist');

/** Paths the gateway answers itself: never the web app's, whatever `web/dist` holds. */
const API_PATHS = /^\/(graphql|webhooks|healthz|readyz|metrics|dev|sandbox)(\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = 'The web app is not built yet: run `npm run web:build`, then reload this page.\n';

export type WebAppRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Serves the built web app: its files as they are (vite's hashed `assets/` cached for a year),
 * `index.html` for `/` and any other non-API page a browser loads (the app routes on the client), a short text
 * page when the bundle is missing. Answers false for what is not its own (API paths, other methods).
 */
export function webAppRoute(distDir: string = WEB_APP_DIST): WebAppRoute {
  const root = resolve(distDir);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = decodedPath(req.url);
    if (path === undefined) return sendText(res, 400, 'bad path\n');
    if (API_PATHS.test(path)) return false;
    const file = resolve(root, `.${path}`);
    // A path that climbs out of the bundle (`..`, encoded or not) is refused, not mapped to index.html.
    if (file !== root && !file.startsWith(root + sep)) return sendText(res, 404, 'not found\n');
    if (path !== '/' && (await isFile(file))) {
      sendFile(req, res, file, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return true;
    }
    // A missing asset is a 404 (a stale bundle), not the app's page in its place; so is any path a
    // program asks for: only a browser's page load (Accept: text/html) gets the app's page.
    if (path.startsWith('/assets/') || extname(path) !== '') return sendText(res, 404, 'not found\n');
    if (path !== '/' && !acceptsHtml(req)) return false;
    const index = join(root, 'index.html');
    if (!(await isFile(index))) return sendText(res, 200, NOT_BUILT);
    sendFile(req, res, index, 'no-cache');
    return true;
  };
}

function decodedPath(url: string | undefined): string | undefined {
  const raw = (url ?? '/').split('?')[0] ?? '/';
  try {
    const path = decodeURIComponent(raw);
    return path.includes('\0') || !path.startsWith('/') ? undefined : path;
  } catch {
    return undefined;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): void {
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

function sendText(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
  return true;
}
