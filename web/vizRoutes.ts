import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The visualizer at `/viz`: the static shell (`index.html`) and `/viz/app.js`, which esbuild bundles from
 * `viz.ts` in memory the first time it is asked for, then serves from memory (ADR 0001: still no build step, no
 * generated files). Everything the page runs is bundled, so it works offline; the CSP keeps it that way.
 */
export const VIZ_PATH = '/viz';

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const webFile = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Only this origin: no CDN can sneak in. Inline styles for the page's and the diagram's own `<style>`. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

const asset = (body: string | Uint8Array, contentType: string): Asset => {
  const bytes = Buffer.from(body);
  return { body: bytes, contentType, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"` };
};

/** One promise per asset, shared by concurrent requests; forgotten on failure, so the next request retries. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

const shell = once(async () => asset(await readFile(webFile('index.html')), 'text/html; charset=utf-8'));

const bundle = once(async () => {
  const result = await build({
    entryPoints: [webFile('viz.ts')],
    outfile: 'app.js',
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = (extension: string) => {
    const output = result.outputFiles.find((candidate) => candidate.path.endsWith(extension));
    if (!output) throw new Error(`esbuild produced no ${extension}`);
    return output.contents;
  };
  return {
    js: asset(file('.js'), 'text/javascript; charset=utf-8'),
    map: asset(file('.js.map'), 'application/json'),
  };
});

const ROUTES: Record<string, () => Promise<Asset>> = {
  [VIZ_PATH]: shell,
  [`${VIZ_PATH}/`]: shell,
  [`${VIZ_PATH}/app.js`]: async () => (await bundle()).js,
  [`${VIZ_PATH}/app.js.map`]: async () => (await bundle()).map,
};

/** Answers the visualizer's paths and returns true; returns false (and leaves `res` alone) for any other path. */
export function serveVisualizer(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const route = ROUTES[path];
  if (!route) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return true;
  }
  route().then(
    (found) => {
      const headers = {
        'content-type': found.contentType,
        'cache-control': 'no-cache',
        etag: found.etag,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      };
      if (req.headers['if-none-match'] === found.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-length': found.body.length });
      res.end(req.method === 'HEAD' ? undefined : found.body);
    },
    (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`visualizer: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  );
  return true;
}
