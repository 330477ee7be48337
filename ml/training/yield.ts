/**
 * Lets timers and I/O (Temporal heartbeats among them) run between synchronous tfjs steps,
 * which otherwise hold Node's event loop for the whole training.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
