/**
 * Business dates of the simulated programme: every step happens on a day of its period, at a whole
 * minute, in the programme's time zone (Africa/Bamako = UTC).
 */
export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface Period {
  from: string;
  to: string;
}

/** The period's first instant and the last whole minute of its last day. */
export function periodBounds(period: Period): { start: number; end: number } {
  return { start: Date.parse(`${period.from}T00:00:00Z`), end: Date.parse(`${period.to}T23:59:00Z`) };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const atMinute = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
export const addDays = (ms: number, days: number): number => atMinute(ms + days * DAY_MS);

/** Office hours: a day's instant between 08:00 and 17:00. */
export function officeHours(dayMs: number, fraction: number): number {
  const midnight = Math.floor(dayMs / DAY_MS) * DAY_MS;
  return atMinute(midnight + 8 * 3_600_000 + fraction * 9 * 3_600_000);
}

/** The date of birth of someone `years` old (and `days` more) on a given day. */
export function dateOfBirthFor(onMs: number, years: number, extraDays: number): string {
  const on = new Date(onMs);
  const birth = new Date(
    Date.UTC(on.getUTCFullYear() - years, on.getUTCMonth(), on.getUTCDate()) - extraDays * DAY_MS,
  );
  return isoDay(birth.getTime());
}

/** Completed years of age on a day, as a birth certificate counts them. */
export function ageOn(dateOfBirth: string, onMs: number): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const on = new Date(onMs);
  const [y, m, d] = [on.getUTCFullYear(), on.getUTCMonth() + 1, on.getUTCDate()];
  return y - by - (m > bm || (m === bm && d >= bd) ? 0 : 1);
}
