import { describe, expect, it } from 'vitest';
import { Mailbox } from './mailbox.ts';

describe('Mailbox', () => {
  it('runs one task at a time, in arrival order, even when earlier tasks are slower', async () => {
    const mailbox = new Mailbox();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ticks: number) => async () => {
      running += 1;
      expect(running).toBe(1);
      for (let i = 0; i < ticks; i += 1) await Promise.resolve();
      log.push(name);
      running -= 1;
      return name;
    };
    const results = await Promise.all([
      mailbox.enqueue(task('a', 5)),
      mailbox.enqueue(task('b', 0)),
      mailbox.enqueue(task('c', 2)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(mailbox.idle).toBe(true);
  });

  it('a failing task rejects its own caller and does not stop the next one', async () => {
    const mailbox = new Mailbox();
    const failed = mailbox.enqueue(async () => {
      throw new Error('boom');
    });
    const next = mailbox.enqueue(async () => 'still runs');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('still runs');
  });

  it('counts pending tasks and drains', async () => {
    const mailbox = new Mailbox();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = mailbox.enqueue(() => gate);
    const second = mailbox.enqueue(async () => 2);
    expect(mailbox.pending).toBe(2);
    release();
    await mailbox.drained();
    expect(mailbox.pending).toBe(0);
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, 2]);
  });
});
