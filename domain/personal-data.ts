import { CLOSURE_REASONS } from './stages';

/**
 * What of a case survives its erasure: codes, amounts, dates and staff ids, never the person or
 * free text someone typed about them. `anonymised` walks any recorded value (a step's detail, the
 * case's state, a request's state) and keeps only what it is sure says nothing of the person:
 * numbers and booleans; strings under keys that hold codes (stage, decision, centre, …); dates; and
 * the ids of staff and records. Everything else (names, notes, comments, reasons in words, referral
 * addressees, escort names, document and payment numbers) is dropped.
 */

/** Keys whose strings are codes, ids or staff subjects, never words about the person. */
const CODE_KEYS = new Set([
  'caseId',
  'requestId',
  'flightId',
  'projectId',
  'vendorId',
  'vendor',
  'previousCaseId',
  'track',
  'stage',
  'stageAfter',
  'centreCode',
  'nationality',
  'country',
  'status',
  'type',
  'planType',
  'documentType',
  'arrivalMode',
  'decision',
  'subject',
  'kind',
  'outcome',
  'sector',
  'dimensions',
  'key',
  'label',
  'officer',
  'actor',
  'role',
  'sub',
  'by',
]);

/** Keys that identify the person whatever their value looks like (a date of birth is a date). */
const PERSONAL_KEYS = new Set(['familyName', 'givenName', 'dateOfBirth', 'adultOn', 'phone', 'biometricRef', 'documentNumber', 'number', 'escort']);

const DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const isStaffKey = (key: string) => /By$/.test(key);
const CLOSURE = new Set<string>(CLOSURE_REASONS);

function keepString(key: string | undefined, value: string): boolean {
  if (key === undefined) return false;
  if (PERSONAL_KEYS.has(key)) return false;
  if (CODE_KEYS.has(key) || isStaffKey(key)) return true;
  // A closure's reason is one of the closure codes; any other reason is words.
  if (key === 'reason') return CLOSURE.has(value);
  return DATE.test(value);
}

/** The value with everything that could describe the person removed (see above). */
export function anonymised(value: unknown, key?: string): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return key && PERSONAL_KEYS.has(key) ? undefined : value;
  if (typeof value === 'string') return keepString(key, value) ? value : undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => anonymised(item, typeof item === 'object' ? undefined : key)).filter((item) => item !== undefined);
    return items;
  }
  if (typeof value === 'object') {
    if (key && PERSONAL_KEYS.has(key)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const kept = anonymised(v, k);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return undefined;
}

/** Retention: a case closed before this instant is erased by the daily sweep (undefined: never). */
export function retentionCutoff(now: number, retentionMs: number | undefined): Date | undefined {
  return retentionMs === undefined ? undefined : new Date(now - retentionMs);
}

/** How many cases one sweep erases at most; the next day's sweep takes the rest. */
export const RETENTION_BATCH = 200;
