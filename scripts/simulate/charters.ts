import { atMinute, DAY_MS } from './calendar';
import type { CharterPlan } from './journey';
import type { Programme } from './programme';
import type { Random } from './random';

/**
 * The charters from Libya: `count` flights spread over the period (a few days either side of an even
 * spacing), each bringing its share of the boarded passengers; the manifests themselves are filled by
 * the caller. A flight lands at least two days before the period ends.
 */
export function planCharters(
  rng: Random,
  programme: Programme,
  count: number,
  start: number,
  end: number,
): Omit<CharterPlan, 'passengers' | 'noShows'>[] {
  const c = programme.charters;
  const last = end - 2 * DAY_MS;
  const span = last - start;
  return Array.from({ length: count }, (_, i) => {
    const even = start + ((i + 0.5) / count) * span;
    const jitter = rng.between(-c.jitterDays, c.jitterDays) * DAY_MS;
    const arrivedAt = atMinute(Math.min(last, Math.max(start + DAY_MS, even + jitter)));
    const departedAt = atMinute(arrivedAt - rng.between(c.flightHours[0], c.flightHours[1]) * 3_600_000);
    const consentSignedAt = atMinute(
      departedAt - rng.between(c.consentDaysBeforeDeparture[0], c.consentDaysBeforeDeparture[1]) * DAY_MS,
    );
    return {
      ref: `F${String(i + 1).padStart(3, '0')}`,
      flightNumber: `${c.flightNumberPrefix} ${1001 + i}`,
      origin: rng.weighted(c.origins),
      destination: c.destination,
      capacity: c.capacity,
      consentSignedAt,
      departedAt,
      arrivedAt,
      centreCode: c.arrivalCentre,
    };
  });
}

/** How many of `total` boarded passengers each of `count` charters carries (as even as can be). */
export function boardedPerCharter(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0));
}
