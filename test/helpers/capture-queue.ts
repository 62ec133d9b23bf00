/**
 * Requests a test server captured, in arrival order: `next()` resolves with the next one not yet
 * taken, at once or when it arrives (event-driven, no polling).
 */
export function createCaptureQueue<T>(what: string) {
  const captured: T[] = [];
  const waiters: Array<(item: T) => void> = [];
  let taken = 0;
  return {
    captured,
    push(item: T): void {
      captured.push(item);
      waiters.shift()?.(item);
    },
    next(timeoutMs = 5_000): Promise<T> {
      const ready = captured[taken];
      if (ready !== undefined) {
        taken += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`No ${what} arrived within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((item) => {
          clearTimeout(timer);
          taken += 1;
          resolve(item);
        });
      });
    },
  };
}
