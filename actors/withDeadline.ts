/**
 * `promise`'s outcome, or `onTimeout`'s (its return value, or what it throws) when `promise` has not settled within
 * `ms`. The caller stops waiting; the work goes on. The project's one timeout helper, in place of p-timeout: that
 * builds an Error with a stack trace on every call whether it times out or not, which cost 1.5 % of a node's CPU
 * under load on the hot paths (every local delivery, every step of a streamed subscription; ADR 0007), and this
 * builds nothing unless time runs out.
 */
export function withDeadline<T, F>(promise: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  return new Promise<T | F>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
