import { z } from 'zod';

/**
 * Who a caller is, once its API key is verified. `customer` keys carry the customer they act for; the other
 * roles act for the system. See api/auth/permissions.ts for what each role may call.
 */
export const roles = ['admin', 'operator', 'service', 'customer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export interface Principal {
  /** The key's public id (never the secret): what logs, metrics and the rate limiter name. */
  readonly keyId: string;
  readonly role: Role;
  /** Set for `customer` keys only: the one customer whose orders the key may see and act on. */
  readonly customerId?: string;
}
