import type { RunStats } from './run-stats';

const WIDTH = 28;
const LINE_EVERY_MS = 5_000;

const duration = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/**
 * The run on the terminal: cases opened, steps taken and their rate, errors, retries, time left. On a
 * TTY one line redrawn with \r; otherwise a line every few seconds (CI logs, pipes).
 */
export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private lastLine = 0;
  private readonly samples: { at: number; steps: number }[] = [];
  private phase = '';

  constructor(
    private readonly stats: RunStats,
    private readonly stepsPlanned: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly enabled = true,
  ) {}

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.draw(), this.out.isTTY ? 250 : 1_000);
    this.timer.unref();
  }

  /** What the run is doing now (phase 1, the bulk hold, …), shown at the end of the line. */
  setPhase(phase: string): void {
    this.phase = phase;
  }

  /** A message above the bar (the bar is redrawn under it). */
  note(message: string): void {
    if (!this.enabled) return;
    if (this.out.isTTY) this.out.write(`\r\x1b[K${message}\n`);
    else this.out.write(`${message}\n`);
    this.draw(true);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (!this.enabled) return;
    this.draw(true);
    if (this.out.isTTY) this.out.write('\n');
  }

  line(now = Date.now()): string {
    const s = this.stats;
    this.samples.push({ at: now, steps: s.stepsTaken });
    while (this.samples.length > 2 && now - this.samples[0].at > 15_000) this.samples.shift();
    const first = this.samples[0];
    const rate = now > first.at ? ((s.stepsTaken - first.steps) * 1000) / (now - first.at) : 0;
    // Planned steps not sent (abandoned after a refusal, safeguards no longer needed) are behind us too.
    const behind = s.stepsTaken + s.stepsAbandoned + s.safeguardsSkipped;
    const done = Math.min(1, behind / Math.max(1, this.stepsPlanned));
    const filled = Math.round(done * WIDTH);
    const left = Math.max(0, this.stepsPlanned - behind);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    return (
      `${bar} ${(done * 100).toFixed(1).padStart(5)}% │ cases ${s.casesOpened}/${s.journeysTotal} │ steps ${s.stepsTaken}/${this.stepsPlanned}` +
      ` │ ${rate.toFixed(1)} steps/s │ errors ${s.errors} │ retries ${s.retriesTotal} │ ${duration(s.elapsedSeconds(now))} elapsed, ETA ${rate > 0 ? duration(left / rate) : '--:--'}` +
      (this.phase ? ` │ ${this.phase}` : '')
    );
  }

  private draw(force = false): void {
    const now = Date.now();
    if (this.out.isTTY) {
      const columns = this.out.columns ?? 200;
      this.out.write(`\r\x1b[K${this.line(now).slice(0, columns - 1)}`);
    } else if (force || now - this.lastLine >= LINE_EVERY_MS) {
      this.lastLine = now;
      this.out.write(`${this.line(now)}\n`);
    }
  }
}
