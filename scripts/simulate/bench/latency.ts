/** Timings of a repeated call: the first (cold), then the median and the slowest of the others, in seconds. */
export interface Latency {
  first: number;
  median: number;
  max: number;
  runs: number;
}

export async function timeRepeatedly(call: () => Promise<unknown>, runs = 5): Promise<Latency> {
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const rest = seconds.slice(1).sort((a, b) => a - b);
  return {
    first: seconds[0],
    median: rest[Math.floor(rest.length / 2)] ?? seconds[0],
    max: rest[rest.length - 1] ?? seconds[0],
    runs,
  };
}
