/**
 * The figures bench:programme records, one row each: a stable key, a number and its unit (so that a
 * later run can be compared with a baseline, key by key), and what it means.
 */
export interface BenchFigure {
  key: string;
  value: number;
  unit: 's' | 'steps/s' | 'events' | 'MiB' | 'cases' | 'steps' | 'ratio';
  meaning: string;
}

const show = (f: BenchFigure) => {
  const digits = f.unit === 's' || f.unit === 'ratio' ? (f.value < 10 ? 3 : 1) : f.unit === 'steps/s' || f.unit === 'MiB' ? 1 : 0;
  return `${f.value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${f.unit}`;
};

export function renderBenchFigures(figures: BenchFigure[]): string {
  const key = Math.max(...figures.map((f) => f.key.length), 'figure'.length);
  const value = Math.max(...figures.map((f) => show(f).length), 'value'.length);
  return [
    `${'figure'.padEnd(key)}  ${'value'.padStart(value)}  meaning`,
    `${'─'.repeat(key)}  ${'─'.repeat(value)}  ${'─'.repeat(40)}`,
    ...figures.map((f) => `${f.key.padEnd(key)}  ${show(f).padStart(value)}  ${f.meaning}`),
  ].join('\n');
}
