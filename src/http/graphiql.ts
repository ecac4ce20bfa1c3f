import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { GraphiQLOptions } from 'graphql-yoga';

/**
 * GraphiQL without the internet: yoga's page loads its script, stylesheet and Monaco's workers from
 * unpkg, so offline it stays blank. Here the same page (mirroring graphql-yoga's graphiql-html) points
 * at the files of @graphql-yoga/graphiql, served by the gateway under a versioned path, so they may be
 * cached for good. Outside production only, like GraphiQL itself.
 */

const packageFile = createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json');
const distDir = join(dirname(packageFile), 'dist');
const version = (JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string }).version;

/** Where the assets live: `/graphiql/<version>/<file>`. */
export const GRAPHIQL_ASSETS_PREFIX = '/graphiql/';
const base = `${GRAPHIQL_ASSETS_PREFIX}${version}/`;

const JS = 'text/javascript; charset=utf-8';
/** The only files served: a fixed list, so no request path ever reaches the file system. */
const ASSETS: Readonly<Record<string, string>> = {
  'graphiql.css': 'text/css; charset=utf-8',
  'yoga-graphiql.umd.js': JS,
  'monacoeditorwork/editor.worker.bundle.js': JS,
  'monacoeditorwork/json.worker.bundle.js': JS,
  // Sic: the package names it with two dots.
  'monacoeditorwork/graphql.worker..bundle.js': JS,
};

/** `GET`/`HEAD /graphiql/<version>/<file>`: one of the listed files, or 404. */
export function serveGraphiQLAsset(req: IncomingMessage, res: ServerResponse, path: string): void {
  const name = path.startsWith(base) ? path.slice(base.length) : undefined;
  const type = name === undefined || !Object.hasOwn(ASSETS, name) ? undefined : ASSETS[name];
  if (name === undefined || type === undefined) return sendText(res, 404, 'not found');
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
  const file = join(distDir, name);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    // A listed file the installed package lacks (another version): a 404, not a crashed listener.
    return sendText(res, 404, 'not found');
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': size,
    // The version is in the path: a new version is a new URL.
    'cache-control': 'public, max-age=31536000, immutable',
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

/** yoga's `renderGraphiQL`: its own page, with every asset from this gateway. */
export function renderLocalGraphiQL(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? 'Yoga GraphiQL');
  // `<` escaped so that no option can close the script element.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  const workers = {
    editorWorkerService: `${base}monacoeditorwork/editor.worker.bundle.js`,
    json: `${base}monacoeditorwork/json.worker.bundle.js`,
    graphql: `${base}monacoeditorwork/graphql.worker..bundle.js`,
  };
  return `<!doctype html><html lang=en><head><meta charset=utf-8><title>${title}</title>
<link rel=icon href="data:,">
<link rel=stylesheet href="${base}graphiql.css">
</head><body id=body class=no-focus-outline><noscript>You need to enable JavaScript to run this app.</noscript><div id=root>Loading ${title}...</div>
<script>
const workers = {};
const workerUrls = ${JSON.stringify(workers)};
function prepareWorkers() {
  return Promise.all(Object.entries(workerUrls).map(async ([label, url]) => {
    const text = await (await fetch(url)).text();
    workers[label] = URL.createObjectURL(new Blob([text], { type: 'application/javascript' }));
  }));
}
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
</script>
<script src="${base}yoga-graphiql.umd.js"></script>
<script>prepareWorkers().finally(() => { YogaGraphiQL.renderYogaGraphiQL(root, ${json}) })</script>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
