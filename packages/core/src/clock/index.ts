export { type Clock, type TimerHandle, type TimerOptions } from './clock.js';
export { systemClock } from './system-clock.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
