import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where a caller's API key is read from, first found wins: `Authorization: Bearer <key>`, then `x-api-key`, then
 * the visualizer's session cookie. The key is only read here, never logged (logger.ts redacts these headers).
 */
export const API_KEY_HEADER = 'x-api-key';
/** The visualizer's session cookie (HttpOnly, SameSite=Strict), holding the key it logged in with. */
export const API_KEY_COOKIE = 'trackops_api_key';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = BEARER.exec(headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = headers[API_KEY_HEADER];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value) return value;
  return cookieValue(headers.cookie, API_KEY_COOKIE);
}

/** One cookie's value from a `Cookie` header (`a=1; b=2`), percent-decoded when it was encoded. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    const raw = pair.slice(separator + 1).trim();
    try {
      return decodeURIComponent(raw) || undefined;
    } catch {
      return raw || undefined;
    }
  }
  return undefined;
}
