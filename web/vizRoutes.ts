import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Authenticator } from '../api/auth/authenticator.ts';
import { accessTo, isAllowed } from '../api/auth/permissions.ts';
import type { Principal } from '../api/auth/roles.ts';
import { type LoginNotice, renderLoginPage } from './loginPage.ts';
import {
  clearedSessionCookie,
  type FormBody,
  isPlausibleKey,
  isSameOrigin,
  readFormBody,
  sessionCookie,
  sessionKeyOf,
} from './vizSession.ts';

/**
 * The visualizer at `/viz`: the static shell (`index.html`) and `/viz/app.js`, which esbuild bundles from
 * `viz.ts` in memory the first time it is asked for, then serves from memory (ADR 0001: still no build step, no
 * generated files). Everything the page runs is bundled, so it works offline; the CSP keeps it that way.
 * With an authenticator, a browser logs in first (web/loginPage.ts, web/vizSession.ts): the session is the API key
 * in an HttpOnly cookie, which the page's own tRPC calls carry to the API.
 */
export const VIZ_PATH = '/viz';

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

const webFile = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Only this origin: no CDN can sneak in. Inline styles for the page's and the diagram's own `<style>`. Forms post
 * only here, and no other site may frame the page (or its login form).
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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

/** What the page does most (api/auth/permissions.ts): a key whose role may not call it cannot log in. */
const VIZ_PROCEDURE = 'actors.watch';

/** POST a form with `key` to log in; POST `/logout` (or DELETE the session) to log out; GET checks the session. */
export const SESSION_PATH = `${VIZ_PATH}/session`;
export const LOGOUT_PATH = `${SESSION_PATH}/logout`;

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
} as const;

/**
 * Answers the visualizer's paths and returns true; returns false (and leaves `res` alone) for any other path.
 * With an authenticator, the page and its assets need a session (a valid key in the `trackops_api_key` cookie):
 * without one, the login page is served instead. Without an authenticator, nothing is checked.
 */
export function serveVisualizer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  auth?: Authenticator,
): boolean {
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  if (path === SESSION_PATH || path === LOGOUT_PATH) {
    serveSession(req, res, { path, auth });
    return true;
  }
  const route = ROUTES[path];
  if (!route) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    return true;
  }
  if (!auth) {
    serveAsset(req, res, route);
    return true;
  }
  const key = sessionKeyOf(req);
  const isPage = route === shell;
  if (key === undefined) {
    sendLoginPage(req, res, {
      status: isPage ? 200 : 401,
      ...(new URLSearchParams(query).has('logged-out') ? { notice: 'loggedOut' } : {}),
    });
    return true;
  }
  void check(auth, key).then((verdict) => {
    if (verdict === 'valid') serveAsset(req, res, route);
    else if (verdict === 'unavailable') sendLoginPage(req, res, { status: 503, notice: 'unavailable' });
    else if (verdict === 'forbidden')
      sendLoginPage(req, res, { status: 403, notice: 'forbidden', clearCookie: true });
    // A refused cookie (a revoked key) is dropped, so the login form is what the browser sees from now on.
    else sendLoginPage(req, res, { status: 401, notice: 'expired', clearCookie: true });
  });
  return true;
}

type Verdict = 'valid' | 'refused' | 'forbidden' | 'unavailable';

/**
 * Never throws: an authenticator that fails (its database is down) is `unavailable`, not a refusal. A valid key
 * whose role may not watch actors (service, customer) is `forbidden`: the page would show nothing but errors.
 */
async function check(auth: Authenticator, key: string): Promise<Verdict> {
  if (!isPlausibleKey(key)) return 'refused';
  let principal: Principal | undefined;
  try {
    principal = await auth.authenticate(key);
  } catch {
    return 'unavailable';
  }
  if (!principal) return 'refused';
  return isAllowed(accessTo(VIZ_PROCEDURE), principal.role) ? 'valid' : 'forbidden';
}

function serveSession(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { path, auth }: { path: string; auth: Authenticator | undefined },
): void {
  if (path === SESSION_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
    void probeSession(req, res, auth);
    return;
  }
  const isLogin = path === SESSION_PATH && req.method === 'POST';
  const isLogout =
    (path === LOGOUT_PATH && req.method === 'POST') || (path === SESSION_PATH && req.method === 'DELETE');
  if (!isLogin && !isLogout) {
    sendText(res, 405, 'method not allowed\n', {
      allow: path === SESSION_PATH ? 'GET, HEAD, POST, DELETE' : 'POST',
    });
    return;
  }
  if (!isSameOrigin(req)) {
    sendText(res, 403, 'cross-site request refused\n');
    return;
  }
  if (isLogout) {
    const cookie = { 'set-cookie': clearedSessionCookie(req) };
    if (req.method === 'DELETE') res.writeHead(204, cookie).end();
    else res.writeHead(303, { ...cookie, location: `${VIZ_PATH}?logged-out` }).end();
    return;
  }
  void logIn(req, res, auth);
}

/**
 * `GET /viz/session`: 204 while this browser's key is valid, 401 once it is not (revoked), 503 when it cannot be
 * checked. The page asks when its live connection fails, since a refused EventSource does not say why.
 */
async function probeSession(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  auth: Authenticator | undefined,
): Promise<void> {
  const key = sessionKeyOf(req);
  const verdict: Verdict = !auth ? 'valid' : key === undefined ? 'refused' : await check(auth, key);
  const status = { valid: 204, refused: 401, forbidden: 403, unavailable: 503 }[verdict];
  res.writeHead(status, { 'cache-control': 'no-store' }).end();
}

/** A valid key becomes the session cookie (303 to the page); anything else is the login page again, 401. */
async function logIn(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  auth: Authenticator | undefined,
): Promise<void> {
  let body: FormBody;
  try {
    body = await readFormBody(req);
  } catch {
    if (!res.headersSent) sendText(res, 400, 'could not read the form\n');
    return;
  }
  if (!body.ok) {
    if (body.status === 413) sendLoginPage(req, res, { status: 413, notice: 'tooLarge', close: true });
    else sendText(res, 415, 'send the key as a form (application/x-www-form-urlencoded)\n');
    return;
  }
  if (!auth) {
    // Nothing to check a key against: the page is open.
    res.writeHead(303, { location: VIZ_PATH }).end();
    return;
  }
  const key = body.fields.get('key')?.trim() ?? '';
  const verdict = await check(auth, key);
  if (verdict === 'valid') {
    res.writeHead(303, {
      'set-cookie': sessionCookie(req, key),
      location: VIZ_PATH,
      'cache-control': 'no-store',
    });
    res.end();
  } else if (verdict === 'unavailable') {
    sendLoginPage(req, res, { status: 503, notice: 'unavailable' });
  } else if (verdict === 'forbidden') {
    sendLoginPage(req, res, { status: 403, notice: 'forbidden' });
  } else {
    sendLoginPage(req, res, { status: 401, notice: 'refused' });
  }
}

function sendLoginPage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: { status: number; notice?: LoginNotice; clearCookie?: boolean; close?: boolean },
): void {
  const body = Buffer.from(renderLoginPage(options.notice));
  res.writeHead(options.status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': body.length,
    ...(options.clearCookie ? { 'set-cookie': clearedSessionCookie(req) } : {}),
    ...(options.close ? { connection: 'close' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendText(
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function serveAsset(req: http.IncomingMessage, res: http.ServerResponse, route: () => Promise<Asset>): void {
  route().then(
    (found) => {
      const headers = {
        ...SECURITY_HEADERS,
        'content-type': found.contentType,
        'cache-control': 'no-cache',
        etag: found.etag,
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
      sendText(res, 500, `visualizer: ${error instanceof Error ? error.message : String(error)}\n`);
    },
  );
}
