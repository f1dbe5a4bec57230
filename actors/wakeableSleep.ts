/**
 * A sleep that a notification cuts short: the outbox relay and the timer service sleep until their next poll and are
 * woken when a commit notifies them. A wake-up that comes while they are busy is remembered, so none is missed.
 */
export interface WakeableSleep {
  wake(): void;
  /** Resolves after `ms`, or at once if woken since the last `reset()`. */
  sleep(ms: number): Promise<void>;
  /** Forgets earlier wake-ups: call it before a pass that will see everything committed so far. */
  reset(): void;
}

export function createWakeableSleep(): WakeableSleep {
  let pending = false;
  let cutShort: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      cutShort?.();
    },
    sleep(ms) {
      if (pending) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          cutShort = undefined;
          resolve();
        }
        cutShort = done;
      });
    },
    reset() {
      pending = false;
    },
  };
}
