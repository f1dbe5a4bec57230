import { describe, expect, it } from 'vitest';
import { coresUsed, parseMachineTicks, parseProcStat, TickLedger } from './procStat.ts';

const stat = (pid: number, command: string, utime: number, stime: number, start = 1000) =>
  `${pid} (${command}) S 1 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 4 0 ${start} 123 456 0`;

describe('/proc/<pid>/stat', () => {
  it('reads utime + stime and the start time', () => {
    expect(parseProcStat(stat(42, 'node', 150, 50))).toStrictEqual({
      pid: 42,
      command: 'node',
      cpuTicks: 200,
      startTicks: 1000,
    });
  });

  it('counts fields from the last parenthesis, so a command name with spaces and ")" does not shift them', () => {
    expect(parseProcStat(stat(7, 'postgres: 15/main: w) (x', 30, 12)).cpuTicks).toBe(42);
  });

  it('reads a real line of the kernel', () => {
    const line =
      '8563 (cat) R 8519 8519 6722 0 -1 4194304 99 0 0 0 3 2 0 0 20 0 1 0 247239 3133440 410 18446744073709551615';
    expect(parseProcStat(line)).toMatchObject({ cpuTicks: 5, startTicks: 247239 });
  });
});

describe('CPU accounting over a run', () => {
  it('counts the ticks each process used between its first and last sighting', () => {
    const ledger = new TickLedger();
    ledger.observe(parseProcStat(stat(1, 'a', 100, 0)), false);
    ledger.observe(parseProcStat(stat(2, 'b', 500, 0)), false);
    ledger.observe(parseProcStat(stat(1, 'a', 250, 50)), false);
    ledger.observe(parseProcStat(stat(2, 'b', 600, 0)), false);
    expect(ledger.ticks).toBe(200 + 100);
  });

  it('counts a process born during the run from zero', () => {
    const ledger = new TickLedger();
    ledger.observe(parseProcStat(stat(3, 'backend', 20, 5)), true);
    expect(ledger.ticks).toBe(25);
  });

  it('keeps the share of a process that exited and tells a reused pid apart', () => {
    const ledger = new TickLedger();
    ledger.observe(parseProcStat(stat(4, 'old', 10, 0, 1000)), false);
    ledger.observe(parseProcStat(stat(4, 'old', 40, 0, 1000)), false);
    ledger.observe(parseProcStat(stat(4, 'new', 7, 0, 5000)), false);
    expect(ledger.ticks).toBe(30 + 7);
  });

  it('turns ticks into cores: 200 ticks in 2 s at 100 Hz is one core', () => {
    expect(coresUsed(200, 2)).toBe(1);
    expect(coresUsed(50, 1)).toBe(0.5);
  });

  it('reads busy and total ticks of the machine from /proc/stat', () => {
    const text = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n';
    expect(parseMachineTicks(text)).toStrictEqual({ busy: 160, total: 980 });
  });
});
