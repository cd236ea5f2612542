/** Kernel entry point: the event heap and seeded RNG streams. Domain-free. */
export { EventKernel, type EventHandler, type EventHandle, type HandlerId } from './event-kernel.js';
export { rngStream, RngStreams, type RngStream } from './rng.js';
