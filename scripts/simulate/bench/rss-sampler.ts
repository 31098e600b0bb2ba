import { readFileSync } from 'node:fs';

/** The resident memory of a process now, in bytes (Linux /proc), or undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Polls a process's RSS; `stop` gives the first, the peak and the last sample. */
export function sampleRss(
  pid: number,
  everyMs = 250,
): { stop(): { first: number; peak: number; last: number; samples: number } } {
  let first = residentBytes(pid) ?? 0;
  let peak = first;
  let last = first;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = residentBytes(pid);
    if (rss === undefined) return;
    first ||= rss;
    peak = Math.max(peak, rss);
    last = rss;
    samples += 1;
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return { first, peak, last, samples };
    },
  };
}
