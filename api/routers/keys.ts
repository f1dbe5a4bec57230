import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { text } from '../../machines/shared/text.ts';
import { roleSchema } from '../auth/roles.ts';
import { publicProcedure, router } from '../trpc.ts';

/**
 * API keys (admin only, see api/auth/permissions.ts): create one (the only answer that holds its secret), list
 * them (ids, names, roles, never a secret or hash) and revoke one, which every node refuses from its next call on.
 */
export const createKeyInput = z
  .object({
    /** What the key is for: a person, a service, a shop front. */
    name: text(100),
    role: roleSchema,
    /** The customer a `customer` key acts for; required for that role and refused for the others. */
    customerId: z.uuid().optional(),
  })
  .refine((input) => (input.role === 'customer') === (input.customerId !== undefined), {
    message: 'a customer key needs a customerId, and only a customer key may have one',
    path: ['customerId'],
  });

export const keyIdInput = z.object({ id: text(100) });

export const keysRouter = router({
  create: publicProcedure.input(createKeyInput).mutation(({ ctx, input }) => ctx.deps.apiKeys.create(input)),

  list: publicProcedure.query(({ ctx }) => ctx.deps.apiKeys.list()),

  /** Idempotent: revoking a revoked key answers its first revocation time. */
  revoke: publicProcedure.input(keyIdInput).mutation(async ({ ctx, input }) => {
    const revoked = await ctx.deps.apiKeys.revoke(input.id);
    if (!revoked) throw new TRPCError({ code: 'NOT_FOUND', message: `API key ${input.id} does not exist` });
    return revoked;
  }),
});
