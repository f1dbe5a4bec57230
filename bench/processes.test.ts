import { describe, expect, it } from 'vitest';
import { parseListeningSockets } from './processes.ts';

describe('listening sockets (ss -ltnpH)', () => {
  it('maps each port to the processes that listen on it, IPv4 and IPv6 alike', () => {
    const output = [
      'LISTEN 0      511    127.0.0.1:6379      0.0.0.0:* users:(("redis-server",pid=2211,fd=6))',
      'LISTEN 0      511        [::1]:6379         [::]:* users:(("redis-server",pid=2211,fd=7))',
      'LISTEN 0      50  [::ffff:127.0.0.1]:9092      *:* users:(("java",pid=6138,fd=95))',
      'LISTEN 0      128      0.0.0.0:2024      0.0.0.0:*',
    ].join('\n');
    const byPort = parseListeningSockets(output);
    expect(byPort.get(6379)).toStrictEqual([2211]);
    expect(byPort.get(9092)).toStrictEqual([6138]);
    expect(byPort.has(2024)).toBe(false);
  });
});
