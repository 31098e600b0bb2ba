/**
 * What a run has done so far, for the progress bar and the end: steps sent and taken, steps refused
 * (a bug of the simulator or of Sira), retries of answers that were not final (429, 5xx).
 */
export interface Refusal {
  status: number;
  journey: string;
  step: string;
  body: string;
}

export class RunStats {
  readonly startedAt = Date.now();
  journeysTotal = 0;
  journeysDone = 0;
  casesOpened = 0;
  stepsTaken = 0;
  /** Planned steps never sent because an earlier step of the same journey was refused. */
  stepsAbandoned = 0;
  /** Safeguards not sent because the child has since turned 18 by the real calendar (see README). */
  safeguardsSkipped = 0;
  readonly refusals: Refusal[] = [];
  refused = 0;
  readonly retries: Record<string, number> = {};
  rateLimited = 0;
  /** Answers that stayed unavailable after every retry. */
  failures = 0;

  /** A step Sira refused (a bug of the simulator or of Sira), or one that stayed unavailable after every retry. */
  refuse(refusal: Refusal, gaveUp = false): void {
    if (gaveUp) this.failures += 1;
    else this.refused += 1;
    if (this.refusals.length < 20) this.refusals.push(refusal);
  }

  retried(status: number | 'network'): void {
    this.retries[String(status)] = (this.retries[String(status)] ?? 0) + 1;
    if (status === 429) this.rateLimited += 1;
  }

  get errors(): number {
    return this.refused + this.failures;
  }

  get retriesTotal(): number {
    return Object.values(this.retries).reduce((a, b) => a + b, 0);
  }

  elapsedSeconds(now = Date.now()): number {
    return (now - this.startedAt) / 1000;
  }
}
