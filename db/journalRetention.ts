import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../actors/ports.ts';
import { createWakeableSleep } from '../actors/wakeableSleep.ts';

/**
 * Deletes journal entries older than the retention, in small batches so a large backlog never holds long locks.
 * Every node may run it at once: the deletes are idempotent and batches skip rows another node has locked.
 */
export interface JournalRetentionOptions {
  readonly orm: MikroORM;
  readonly retentionHours: number;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly batchSize?: number;
}

export function createJournalRetention(options: JournalRetentionOptions) {
  const { orm, logger } = options;
  const batchSize = options.batchSize ?? 5000;
  const sleep = createWakeableSleep();
  let running: Promise<void> | undefined;
  let stopped = false;

  /** One pass; resolves with how many entries it removed. */
  async function prune(): Promise<number> {
    let removed = 0;
    for (;;) {
      const deleted = (await orm.em.fork().execute(
        `delete from actor_journal where id in (
           select id from actor_journal where at < now() - make_interval(hours => ?)
           order by id limit ? for update skip locked)`,
        [options.retentionHours, batchSize],
        'run',
      )) as { affectedRows?: number };
      const count = deleted.affectedRows ?? 0;
      removed += count;
      if (count < batchSize || stopped) return removed;
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        const removed = await prune();
        if (removed > 0) logger.info({ removed }, 'journal entries past retention removed');
      } catch (error) {
        logger.warn({ err: error }, 'journal retention pass failed; trying again later');
      }
      sleep.reset();
      await sleep.sleep(options.intervalMs);
    }
  }

  return {
    prune,
    async start() {
      stopped = false;
      running = loop();
    },
    async stop() {
      stopped = true;
      sleep.wake();
      await running;
    },
  };
}
