import type { Principal } from './roles.ts';

/**
 * Turns a presented API key (from `Authorization: Bearer`, `x-api-key` or the visualizer's cookie) into the
 * principal it belongs to. Unknown, malformed and revoked keys resolve to undefined, never an error: the caller
 * answers UNAUTHORIZED without saying which it was.
 */
export interface Authenticator {
  authenticate(presentedKey: string): Promise<Principal | undefined>;
}
