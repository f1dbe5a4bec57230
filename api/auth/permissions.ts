import type { Role } from './roles.ts';

/**
 * Who may call what: every procedure of the API, by path, and the roles allowed to call it (`public`: anyone,
 * with or without a key). The one place access is decided; api/auth/authorize.ts applies it to every call, and
 * api/auth/permissions.test.ts fails when a procedure has no entry, so none is added without a decision.
 *
 * - admin: everything.
 * - operator: reads everything; redrives dead letters, replays, sends events to actors (`actors.send`).
 * - service: creates and updates orders and inventory, and reads them.
 * - customer: creates orders for its own customer, and reads, tracks and cancels only those (orders.ts scopes).
 */
export type Access = 'public' | readonly Role[];

const ADMIN = ['admin'] as const satisfies readonly Role[];
const OPERATIONS = ['admin', 'operator'] as const satisfies readonly Role[];
const WRITERS = ['admin', 'service'] as const satisfies readonly Role[];
const READERS = ['admin', 'operator', 'service'] as const satisfies readonly Role[];
const CUSTOMER_READERS = ['admin', 'operator', 'service', 'customer'] as const satisfies readonly Role[];
const CUSTOMER_WRITERS = ['admin', 'service', 'customer'] as const satisfies readonly Role[];

export const permissions: Readonly<Record<string, Access>> = {
  'health.live': 'public',
  'health.ready': 'public',

  'orders.create': CUSTOMER_WRITERS,
  'orders.get': CUSTOMER_READERS,
  'orders.list': CUSTOMER_READERS,
  'orders.items': CUSTOMER_READERS,
  'orders.track': CUSTOMER_READERS,
  'orders.awaitStatus': CUSTOMER_READERS,
  'orders.cancel': CUSTOMER_WRITERS,
  'orders.updateStatus': WRITERS,

  'inventory.items.create': WRITERS,
  'inventory.items.update': WRITERS,
  'inventory.items.delete': WRITERS,
  'inventory.items.get': READERS,
  'inventory.items.list': READERS,
  'inventory.reservations.list': READERS,
  'inventory.lowStock': READERS,

  'dlq.list': OPERATIONS,
  'dlq.redrive': OPERATIONS,
  'replay.run': OPERATIONS,

  'actors.types': OPERATIONS,
  'actors.list': OPERATIONS,
  'actors.inspect': OPERATIONS,
  'actors.journal': OPERATIONS,
  'actors.at': OPERATIONS,
  'actors.trace': OPERATIONS,
  'actors.watch': OPERATIONS,
  'actors.send': OPERATIONS,

  'machines.list': OPERATIONS,
  'machines.graph': OPERATIONS,
  'machines.export': OPERATIONS,

  'keys.create': ADMIN,
  'keys.list': ADMIN,
  'keys.revoke': ADMIN,
};

/** What a procedure missing from the table gets: admin only (the unit test keeps the table complete). */
const UNLISTED: Access = ADMIN;

export const accessTo = (path: string): Access =>
  Object.hasOwn(permissions, path) ? (permissions[path] ?? UNLISTED) : UNLISTED;

export const isAllowed = (access: Access, role: Role): boolean =>
  access === 'public' || access.includes(role);
