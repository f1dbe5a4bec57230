import { describe, expect, it } from 'vitest';
import {
  type ActorInspection,
  renderActorInspection,
  renderActorList,
  renderSendResult,
} from './actorViews.ts';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

function inspection(overrides: Partial<ActorInspection> = {}): ActorInspection {
  return {
    type: 'order',
    id: 'o-1',
    state: 'CONFIRMED',
    status: 'active',
    version: 2,
    updatedAt: '2026-05-01T11:55:00.000Z',
    createdAt: '2026-05-01T11:50:00.000Z',
    stateValue: 'CONFIRMED',
    context: { orderId: 'o-1' },
    machineVersion: '1',
    host: 'node-a',
    timers: [],
    journal: [
      {
        version: 2,
        messageId: 'm2',
        messageType: 'order.confirm',
        correlationId: 'c',
        causationId: null,
        sentBy: 'cli:alice',
        stateBefore: 'PENDING',
        stateAfter: 'CONFIRMED',
        emitted: [],
        nodeId: 'node-a',
        durationMs: 3.21,
        at: '2026-05-01T11:55:00.000Z',
      },
      {
        version: 1,
        messageId: 'm1',
        messageType: 'order.create',
        correlationId: 'c',
        causationId: null,
        sentBy: null,
        stateBefore: null,
        stateAfter: 'PENDING',
        emitted: ['order.created'],
        nodeId: 'node-a',
        durationMs: 12,
        at: '2026-05-01T11:50:00.000Z',
      },
    ],
    unpublished: [],
    deadLetters: [],
    ...overrides,
  } as ActorInspection;
}

describe('renderActorInspection', () => {
  it('shows the header fields, the context and every section with its count', () => {
    const text = renderActorInspection(inspection(), NOW);
    expect(text).toContain('order o-1\n');
    expect(text).toMatch(/ {2}state {6}CONFIRMED \(active\)/);
    expect(text).toMatch(/ {2}host node {2}node-a/);
    expect(text).toContain('updated    2026-05-01 11:55:00Z (5m ago)');
    expect(text).toContain('Context\n  {\n    "orderId": "o-1"\n  }');
    for (const title of [
      'Pending timers (0)',
      'Journal (last 2, newest first)',
      'Unpublished outbox events (0)',
      'Dead letters (0)',
    ]) {
      expect(text).toContain(title);
    }
  });

  it('lists the journal newest first: version, message, before -> after, node, duration, time, sender', () => {
    const lines = renderActorInspection(inspection(), NOW).split('\n');
    const header = lines.findIndex((line) => line.includes('VERSION'));
    expect(lines[header]).toMatch(/VERSION +MESSAGE +BEFORE -> AFTER +NODE +DURATION +AT +SENT BY/);
    expect(lines[header + 1]).toMatch(
      /2 +order\.confirm +PENDING -> CONFIRMED +node-a +3\.2 ms +2026-05-01 11:55:00Z +cli:alice/,
    );
    expect(lines[header + 2]).toMatch(
      /1 +order\.create +\(new\) -> PENDING +node-a +12 ms +2026-05-01 11:50:00Z +-/,
    );
  });

  it('says when no node holds the actor, and lists pending timers', () => {
    const text = renderActorInspection(
      inspection({
        host: null,
        timers: [
          {
            timerId: 't1',
            eventType: 'xstate.after.reservationTimeout',
            dueAt: '2026-05-01T12:00:30.000Z',
            attempts: 0,
            lastError: null,
          },
        ],
      }),
      NOW,
    );
    expect(text).toContain('(no node holds its shard now)');
    expect(text).toContain('Pending timers (1)');
    expect(text).toMatch(/xstate\.after\.reservationTimeout +2026-05-01 12:00:30Z \(in 30s\) +0 +-/);
  });
});

describe('renderActorList and renderSendResult', () => {
  it('lists actors with their age', () => {
    const text = renderActorList(
      [
        {
          type: 'order',
          id: 'o-1',
          state: 'PENDING',
          status: 'active',
          version: 1,
          updatedAt: '2026-05-01T10:00:00Z',
        },
      ],
      NOW,
    );
    expect(text).toMatch(
      /^TYPE +ID +STATE +STATUS +VERSION +UPDATED\norder +o-1 +PENDING +active +1 +2h ago\n$/,
    );
    expect(renderActorList([], NOW)).toBe('no actors match\n');
  });

  it('tells whether the event applied or was a duplicate', () => {
    const result = {
      messageId: 'm3',
      status: 'persisted',
      duplicate: false,
      version: 3,
      state: 'PROCESSING',
      context: {},
    } as const;
    const ref = { type: 'order', id: 'o-1', eventType: 'order.process', sentBy: 'ops:alice' };
    expect(renderSendResult(ref, result)).toBe(
      [
        'order o-1: order.process applied',
        '  state       PROCESSING',
        '  version     3',
        '  sent by     ops:alice',
        '  message id  m3',
        '',
      ].join('\n'),
    );
    expect(renderSendResult(ref, { ...result, duplicate: true })).toContain('was already applied');
  });
});
