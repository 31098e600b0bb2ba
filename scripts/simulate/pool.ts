/**
 * Runs tasks `concurrency` at a time; a task may add more (a charter's arrival adds its passengers'
 * journeys). `drain` resolves when nothing is queued or running.
 */
export class Pool {
  private readonly queue: (() => Promise<void>)[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  add(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.running += 1;
      task()
        .catch((error: unknown) => console.error('\nsimulation task failed:', error))
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) {
            for (const resolve of this.idle.splice(0)) resolve();
          }
        });
    }
  }
}
