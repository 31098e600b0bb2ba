/**
 * Runs async handler bodies one at a time, in arrival order, so a step awaiting its activity
 * never interleaves with another (Temporal's safe-message-handlers pattern, without a dependency).
 */
export class Exclusive {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(body: () => Promise<T>): Promise<T> {
    const result = this.tail.then(body);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
