import pg from 'pg';

/**
 * A dedicated connection LISTENing on one channel: turns NOTIFY inside their transaction, so a listener wakes
 * exactly when something committed (the outbox relay, the timer service). Reconnecting is the caller's business.
 */
export async function listenForNotifications(
  databaseUrl: string,
  channel: string,
  handlers: { onNotify: (payload: string | undefined) => void; onError: (error: Error) => void },
): Promise<{ close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('notification', (message) => handlers.onNotify(message.payload));
  client.on('error', handlers.onError);
  await client.connect();
  await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  return {
    async close() {
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
    },
  };
}
