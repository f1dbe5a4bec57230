import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { API_KEY_COOKIE, cookieValue } from '../api/auth/presentedKey.ts';

/**
 * The visualizer's session: the API key itself, in an HttpOnly, SameSite=Strict cookie on `/`, so the page's own
 * tRPC calls (same origin) carry it and the API checks it like any other key. Nothing is stored on the server; a
 * revoked key ends every session that uses it at once.
 */
export const SESSION_COOKIE = API_KEY_COOKIE;

/** A login form is a few hundred bytes; anything much larger is not one. */
export const MAX_LOGIN_BODY_BYTES = 4096;

/** Keys are `tko_<id>_<secret>` in base64url; a value outside these characters is no key (and no cookie value). */
const KEY_SHAPE = /^[A-Za-z0-9_-]{1,512}$/;

export function isPlausibleKey(value: string): boolean {
  return KEY_SHAPE.test(value);
}

/** The session cookie's value, if the request has one (read as the API reads it: api/auth/presentedKey.ts). */
export function sessionKeyOf(req: http.IncomingMessage): string | undefined {
  return cookieValue(req.headers.cookie, SESSION_COOKIE);
}

/** Over https, directly or behind a proxy that says so, the cookie is `Secure`. */
export function cameOverHttps(req: http.IncomingMessage): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' || (req.socket as TLSSocket).encrypted === true;
}

function cookieAttributes(req: http.IncomingMessage): string {
  return `HttpOnly; SameSite=Strict; Path=/${cameOverHttps(req) ? '; Secure' : ''}`;
}

export function sessionCookie(req: http.IncomingMessage, key: string): string {
  return `${SESSION_COOKIE}=${key}; ${cookieAttributes(req)}`;
}

export function clearedSessionCookie(req: http.IncomingMessage): string {
  return `${SESSION_COOKIE}=; ${cookieAttributes(req)}; Max-Age=0`;
}

/**
 * A POST from another site is refused: browsers send `Origin` with every form POST, and it must name this host.
 * (SameSite=Strict keeps the cookie off cross-site requests; this keeps other sites from logging a browser in or
 * out.) A request without `Origin` is not a browser's form, so it has no cookie to abuse.
 */
export function isSameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export type FormBody = { ok: true; fields: URLSearchParams } | { ok: false; status: 413 | 415 };

/** Reads a form-urlencoded body of at most MAX_LOGIN_BODY_BYTES; stops reading as soon as it is larger. */
export function readFormBody(req: http.IncomingMessage): Promise<FormBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return Promise.resolve({ ok: false, status: 415 });
  if (Number(req.headers['content-length'] ?? 0) > MAX_LOGIN_BODY_BYTES) {
    return Promise.resolve({ ok: false, status: 413 });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_LOGIN_BODY_BYTES) {
        req.off('data', onData);
        req.resume();
        resolve({ ok: false, status: 413 });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size <= MAX_LOGIN_BODY_BYTES) {
        resolve({ ok: true, fields: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
      }
    });
    req.once('error', reject);
  });
}
