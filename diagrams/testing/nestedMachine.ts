import { and, not, or, setup, stateIn } from 'xstate';

/**
 * For diagram tests only: every shape the registry's flat machines lack. Nested and parallel states, a deep
 * history, a transition on the machine itself, a wildcard, a re-entering one, higher-order and parameterised
 * guards, a literal and a named delay, and a key that markup must escape.
 */
export const nestedMachine = setup({
  guards: {
    isReady: () => true,
    isJammed: () => false,
    isAbove: (_, params: { limit: number }) => params.limit > 0,
  },
  actions: { track: () => {}, notify: () => {} },
  delays: { retryDelay: 1_000 },
}).createMachine({
  id: 'door',
  version: '2',
  initial: 'closed',
  on: { 'door.reset': { target: '.closed', actions: 'notify' } },
  states: {
    closed: {
      initial: 'unlocked',
      states: {
        unlocked: { on: { lock: 'locked' } },
        locked: {
          on: { unlock: { target: 'unlocked', guard: not('isJammed') } },
          after: { 500: 'unlocked' },
        },
        hist: { type: 'history', history: 'deep' },
      },
      on: {
        open: { target: 'opened', guard: and(['isReady', { type: 'isAbove', params: { limit: 3 } }]) },
      },
    },
    opened: {
      type: 'parallel',
      states: {
        light: {
          initial: 'on',
          states: { on: { on: { toggle: 'off' } }, off: { on: { toggle: 'on' } } },
        },
        alarm: {
          initial: 'quiet',
          states: {
            quiet: { after: { retryDelay: 'ringing' } },
            ringing: { always: { target: 'quiet', guard: or(['isReady', stateIn('#door.closed')]) } },
          },
        },
      },
      on: {
        close: { target: 'closed.hist', actions: ['track', 'notify'] },
        open: { target: 'opened', reenter: true },
        '*': { actions: 'track' },
        broken: 'R&D <"draft">',
      },
    },
    'R&D <"draft">': { type: 'final' },
  },
});
