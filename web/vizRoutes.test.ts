import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../api/auth/authenticator.ts';
import { serveVisualizer } from './vizRoutes.ts';

/** The visualizer's login, against an in-memory authenticator: which requests get the page, a session, or 401. */
const VALID = 'tko_k1_valid-secret-valid-secret-valid-secret';
const CUSTOMER = 'tko_k2_customer-secret-customer-secret';
const auth: Authenticator = {
  authenticate: async (key) =>
    key === VALID
      ? { keyId: 'k1', role: 'operator' }
      : key === CUSTOMER
        ? { keyId: 'k2', role: 'customer', customerId: 'c-1' }
        : undefined,
};

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (!serveVisualizer(req, res, auth)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers, redirect: 'manual' });
const logIn = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/viz/session`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    redirect: 'manual',
  });

describe('the visualizer login', () => {
  it('without a session, /viz is the login form (a password field, same CSP), and its assets are 401', async () => {
    const page = await get('/viz');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/viz/session"');
    expect(html).toMatch(/<input[^>]+type="password"/);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await get('/viz/app.js')).status).toBe(401);
  });

  it('a valid key becomes an HttpOnly, SameSite=Strict cookie on / and a 303 to /viz', async () => {
    const response = await logIn(`key=${encodeURIComponent(VALID)}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/viz');
    expect(response.headers.get('set-cookie')).toBe(
      `trackops_api_key=${VALID}; HttpOnly; SameSite=Strict; Path=/`,
    );
    const secure = await logIn(`key=${VALID}`, { 'x-forwarded-proto': 'https' });
    expect(secure.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('with the cookie, /viz is the visualizer', async () => {
    const page = await get('/viz', { cookie: `other=1; trackops_api_key=${VALID}` });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/viz/app.js">');
    expect((await get('/viz/session', { cookie: `trackops_api_key=${VALID}` })).status).toBe(204);
  });

  it('a wrong key is the login form again, 401, with a message and no cookie', async () => {
    for (const body of ['key=tko_k1_wrong', 'key=', 'key=%3Cscript%3E', 'nokey=1']) {
      const response = await logIn(body);
      expect(response.status, body).toBe(401);
      expect(response.headers.get('set-cookie'), body).toBeNull();
      expect(await response.text(), body).toContain('That key was refused');
    }
  });

  it("a valid key whose role may not watch actors (a customer's) cannot log in: 403 and no cookie", async () => {
    const response = await logIn(`key=${CUSTOMER}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('admin or operator key');
    expect((await get('/viz', { cookie: `trackops_api_key=${CUSTOMER}` })).status).toBe(403);
  });

  it('a refused cookie (a revoked key) gets the login form, 401, and the cookie is dropped', async () => {
    const page = await get('/viz', { cookie: 'trackops_api_key=tko_k1_revoked' });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Log in again');
    expect(page.headers.get('set-cookie')).toMatch(/^trackops_api_key=; .*Max-Age=0$/);
    expect((await get('/viz/session', { cookie: 'trackops_api_key=tko_k1_revoked' })).status).toBe(401);
  });

  it('refuses oversized bodies, other content types and cross-site posts', async () => {
    expect((await logIn(`key=${'x'.repeat(5000)}`)).status).toBe(413);
    const json = await fetch(`${base}/viz/session`, {
      method: 'POST',
      body: JSON.stringify({ key: VALID }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    const crossSite = await logIn(`key=${VALID}`, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('logging out clears the cookie (POST /viz/session/logout or DELETE /viz/session)', async () => {
    const post = await fetch(`${base}/viz/session/logout`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/viz?logged-out');
    expect(post.headers.get('set-cookie')).toMatch(
      /^trackops_api_key=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/,
    );
    const del = await fetch(`${base}/viz/session`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect(await (await get('/viz?logged-out')).text()).toContain('Logged out.');
  });
});
