/**
 * A closed loop: `concurrency` clients, each starting its next task only when its previous one finished, until
 * `count` tasks are done. Task i is handed to whichever client is free, so a slow order never idles the others.
 */
export async function runClosedLoop(
  count: number,
  concurrency: number,
  task: (index: number, client: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const client = async (clientIndex: number) => {
    for (let index = next++; index < count; index = next++) await task(index, clientIndex);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, index) => client(index)));
}
