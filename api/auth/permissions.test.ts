import { describe, expect, it } from 'vitest';
import { appRouter } from '../routers/appRouter.ts';
import { accessTo, isAllowed, permissions } from './permissions.ts';
import { roles } from './roles.ts';

/** Every procedure has a decision in the permissions table, so none can be added without one. */
const procedures = Object.keys(appRouter._def.procedures).sort();

describe('the permissions table', () => {
  it('names every procedure of appRouter, and nothing else', () => {
    expect(procedures.filter((path) => !Object.hasOwn(permissions, path))).toEqual([]);
    expect(Object.keys(permissions).filter((path) => !procedures.includes(path))).toEqual([]);
  });

  it('lets admin call everything', () => {
    for (const path of procedures) expect(isAllowed(accessTo(path), 'admin'), path).toBe(true);
  });

  it('leaves only the health probes callable without a key', () => {
    expect(procedures.filter((path) => accessTo(path) === 'public')).toEqual(['health.live', 'health.ready']);
  });

  it('gives customer keys only the orders procedures it scopes, and never updateStatus', () => {
    expect(
      procedures.filter((path) => isAllowed(accessTo(path), 'customer') && accessTo(path) !== 'public'),
    ).toEqual([
      'orders.awaitStatus',
      'orders.cancel',
      'orders.create',
      'orders.get',
      'orders.items',
      'orders.list',
      'orders.track',
    ]);
  });

  it('keeps keys.* for admin, and actors, dlq, machines and replay away from service keys', () => {
    for (const path of procedures.filter((p) => p.startsWith('keys.')))
      expect(accessTo(path), path).toEqual(['admin']);
    for (const path of procedures.filter((p) => /^(actors|dlq|machines|replay)\./.test(p)))
      expect(isAllowed(accessTo(path), 'service'), path).toBe(false);
  });

  it('refuses a path missing from the table to every role but admin', () => {
    expect(roles.filter((role) => isAllowed(accessTo('orders.somethingNew'), role))).toEqual(['admin']);
    expect(roles.filter((role) => isAllowed(accessTo('constructor'), role))).toEqual(['admin']);
  });
});
