import type { Count } from './ground-truth';
import { atScale, type Programme } from './programme';

/** One row of the table: a figure of the report next to the seed, the seed at scale and what the simulation did. */
export interface FigureRow {
  key: string;
  seed?: Count;
  seedAtScale?: Count;
  truth: Count;
  /** The report's value, less what the period held before the run (when it held anything; not for medians and shares). */
  report: Count;
  /** `match`, `differs`, or `n/c` (a median cannot be told apart from what the stack held before). */
  verdict: 'match' | 'differs' | 'n/c';
  note?: string;
}

export interface ReportFigures {
  figures: Record<string, Count & { definition?: string }>;
}

const PARTS = ['value', 'women', 'girls', 'boys'] as const;
/** Figures that are not counts: a median or a share, not additive over runs. */
const NOT_ADDITIVE = new Set([
  'planning.medianDaysFromArrivalToApprovedPlan',
  'planning.shareWithinOneMonth',
  'travelDocuments.medianDaysToAnswer',
]);
/**
 * Days from a request to the embassy's answer: the simulation reads the answer's moment on its own
 * clock, Sira on its own, a second apart at most; the median is given to a tenth of a day.
 */
const TOLERANCE: Record<string, number> = { 'travelDocuments.medianDaysToAnswer': 0.1 };

const SIMULATION_NOTES: Record<string, string> = {
  'travelDocuments.medianDaysToAnswer':
    'Embassies answer on the real calendar (a liaison link records its answer as it comes, with no business date): from requests dated in the period to answers given during the run.',
  'returns.second': 'Each person of the simulated programme returns once.',
};

function difference(after: Count, before: Count | undefined): Count {
  if (!before) return after;
  const out: Count = {
    value: after.value === null || before.value === null ? after.value : after.value - (before.value ?? 0),
  };
  for (const part of ['women', 'girls', 'boys'] as const)
    if (after[part] !== undefined) out[part] = after[part]! - (before[part] ?? 0);
  return out;
}

/** Whether the period held nothing before the run: then the report's figures are the run's alone. */
export function isEmptyPeriod(before: ReportFigures): boolean {
  return Object.entries(before.figures).every(([key, f]) => NOT_ADDITIVE.has(key) || !f.value);
}

/**
 * The report's figures against the ground truth. When the stack held records of the period before the
 * run, counts are compared by what the run added, and medians cannot be (n/c).
 */
export function compareWithReport(
  programme: Programme,
  scale: number,
  truth: Record<string, Count>,
  after: ReportFigures,
  before?: ReportFigures,
): FigureRow[] {
  const baseline = before && !isEmptyPeriod(before) ? before : undefined;
  return Object.keys(after.figures).map((key) => {
    // A median or a share is shown as the report gives it: it cannot be split into before and after.
    const reported = NOT_ADDITIVE.has(key)
      ? after.figures[key]
      : difference(after.figures[key], baseline?.figures[key]);
    const t = truth[key] ?? { value: null };
    const seed = programme.figures[key];
    const seedAtScale = seed && {
      value: atScale(seed.value, scale),
      ...(seed.women !== undefined ? { women: atScale(seed.women, scale) } : {}),
      ...(seed.girls !== undefined ? { girls: atScale(seed.girls, scale) } : {}),
      ...(seed.boys !== undefined ? { boys: atScale(seed.boys, scale) } : {}),
    };
    const tolerance = TOLERANCE[key] ?? 0;
    const equal = (a: number | null | undefined, b: number | null | undefined) =>
      a === null || a === undefined || b === null || b === undefined
        ? (a ?? null) === (b ?? null)
        : Math.abs(a - b) <= tolerance + 1e-9;
    // The value always; women, girls and boys where both give them.
    const same = PARTS.every(
      (part) =>
        (part !== 'value' && (t[part] === undefined || reported[part] === undefined)) ||
        equal(t[part], reported[part]),
    );
    const verdict = baseline && NOT_ADDITIVE.has(key) ? 'n/c' : same ? 'match' : 'differs';
    const note = programme.notes[key] ?? SIMULATION_NOTES[key];
    return { key, seed, seedAtScale, truth: t, report: reported, verdict, ...(note ? { note } : {}) };
  });
}

const fmt = (n: number | null | undefined) =>
  n === null || n === undefined
    ? '–'
    : Number.isInteger(n)
      ? n.toLocaleString('en-GB')
      : n.toLocaleString('en-GB', { maximumFractionDigits: 1 });

function cell(c: Count | undefined): string {
  if (!c) return '';
  const parts: string[] = [];
  if (c.women !== undefined) parts.push(`${fmt(c.women)} F`);
  if (c.girls !== undefined) parts.push(`${fmt(c.girls)} girls`);
  if (c.boys !== undefined) parts.push(`${fmt(c.boys)} boys`);
  return parts.length ? `${fmt(c.value)} (${parts.join(', ')})` : fmt(c.value);
}

/** The comparison as a text table, one row per figure, then the notes that explain a row. */
export function renderComparison(rows: FigureRow[], scale: number): string {
  const noted = rows.filter((r) => r.note);
  const marker = (r: FigureRow) => (r.note ? ` [${noted.indexOf(r) + 1}]` : '');
  const header = ['figure', 'seed', `seed × ${scale}`, 'simulated', 'report', ''];
  const body = rows.map((r) => [
    `${r.key}${marker(r)}`,
    cell(r.seed),
    cell(r.seedAtScale),
    cell(r.truth),
    cell(r.report),
    r.verdict === 'match' ? '✓' : r.verdict === 'n/c' ? 'n/c' : '✗ differs',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const notes = noted.map((r, i) => `  [${i + 1}] ${r.note}`);
  return [
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...body.map(line),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}
