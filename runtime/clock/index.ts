/** runtime/clock — the wall clock (the only real-time reader under runtime/). */
export { WallClock, sleepMs, holdMs, type HostClock } from './wall-clock.js';
