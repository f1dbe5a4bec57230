/** Channel a turn notifies when it sets a timer, so the timer service re-plans its next wake-up at once. */
export const TIMER_CHANNEL = 'trackops_timers';
