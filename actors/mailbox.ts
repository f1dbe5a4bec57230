/**
 * One message at a time, in arrival order: each task starts only after the previous one settled.
 * A failing task does not poison the queue; its caller gets the rejection.
 */
export class Mailbox {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  get pending(): number {
    return this.#pending;
  }

  get idle(): boolean {
    return this.#pending === 0;
  }

  enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const run = this.#tail.then(task).finally(() => {
      this.#pending -= 1;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything enqueued so far has settled. */
  async drained(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }
}
