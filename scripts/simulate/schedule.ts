import { atMinute, DAY_MS } from './calendar';
import type { Random } from './random';

/**
 * The date of a step that follows another by a number of days drawn in `[min, max]`, at a whole
 * minute and strictly after it; drawn within what is left of the period when the whole range does not
 * fit, and undefined when not even `min` days are left (the step falls after the period).
 */
export function after(
  rng: Random,
  from: number | undefined,
  [min, max]: readonly [number, number],
  end: number,
): number | undefined {
  if (from === undefined) return undefined;
  const room = (end - from) / DAY_MS;
  if (room < min || room <= 0) return undefined;
  const days = rng.between(min, Math.min(max, room));
  const at = atMinute(from + days * DAY_MS);
  return at > from ? Math.min(at, end) : from + 60_000 <= end ? from + 60_000 : undefined;
}

/** `after` in hours. */
export function afterHours(
  rng: Random,
  from: number,
  [min, max]: readonly [number, number],
  end: number,
): number | undefined {
  return after(rng, from, [min / 24, max / 24], end);
}
