import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.ts';

describe('the logger', () => {
  it('censors API keys, their hashes, cookies and authorization headers wherever a log line carries them', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { LOG_LEVEL: 'info', NODE_ID: 'n1' },
      { write: (line: string) => lines.push(line) },
    );
    logger.info(
      {
        authorization: 'Bearer top-secret-1',
        'x-api-key': 'top-secret-2',
        req: {
          headers: {
            authorization: 'Bearer top-secret-3',
            'x-api-key': 'top-secret-4',
            cookie: 'trackops_api_key=top-secret-6',
          },
        },
        res: { headers: { 'set-cookie': 'trackops_api_key=top-secret-7; HttpOnly' } },
        row: { keyHash: 'top-secret-8', key_hash: 'top-secret-9' },
        key: { apiKey: 'top-secret-5' },
        orderId: 'kept',
      },
      'a request',
    );
    const line = lines.join('');
    expect(line).not.toMatch(/top-secret/);
    expect(line).toContain('[redacted]');
    expect(JSON.parse(line)).toMatchObject({ orderId: 'kept', msg: 'a request', node: 'n1' });
  });

  it('logs a failed statement without the values knex inlined into its message', () => {
    const lines: string[] = [];
    const logger = createLogger(
      { LOG_LEVEL: 'info', NODE_ID: 'n1' },
      { write: (line: string) => lines.push(line) },
    );
    const error = new Error(
      `insert into orders (id, street) values ('5c1e', 'top-secret ''quoted''')\n on conflict do nothing - duplicate key`,
    );
    logger.error({ err: error }, 'turn failed');
    const { err } = JSON.parse(lines.join('')) as { err: { message: string } };
    expect(err.message).not.toMatch(/top-secret|5c1e/);
    expect(err.message).toMatch(/^insert into orders .* - duplicate key$/s);
  });
});
