import { DAY_MS, isoDay } from './calendar';
import type { FlowObservationPlan } from './journey';
import type { Programme } from './programme';
import type { Random } from './random';

/** Integer parts of `total` in proportion to `weights` (largest remainders), in the weights' order. */
export function apportion(total: number, weights: Record<string, number>): Record<string, number> {
  const entries = Object.entries(weights);
  const sum = entries.reduce((a, [, w]) => a + w, 0);
  const exact = entries.map(([k, w]) => [k, (total * w) / sum] as const);
  const out = Object.fromEntries(exact.map(([k, x]) => [k, Math.floor(x)]));
  let left = total - Object.values(out).reduce((a, b) => a + b, 0);
  for (const [k] of [...exact].sort((a, b) => (b[1] % 1) - (a[1] % 1))) {
    if (left-- <= 0) break;
    out[k] += 1;
  }
  return out;
}

/**
 * Flow monitoring: the migrants counted at the programme's points, `observed` in all, on as many days
 * per point as the scale gives (at least one), by nationality in the seed's shares.
 */
export function planFlowObservations(
  rng: Random,
  programme: Programme,
  observed: number,
  scale: number,
  start: number,
  end: number,
): FlowObservationPlan[] {
  if (observed <= 0) return [];
  const days = Math.floor((end - start) / DAY_MS) + 1;
  const perPoint = Math.max(1, Math.min(days, Math.round(days * scale)));
  const slots = programme.flowMonitoring.points.flatMap((point) =>
    rng
      .sample(
        Array.from({ length: days }, (_, d) => d),
        perPoint,
      )
      .map((d) => ({ point, date: isoDay(start + d * DAY_MS) })),
  );
  const totals = apportion(
    observed,
    Object.fromEntries(slots.map((_, i) => [String(i), rng.between(0.5, 1.5)])),
  );
  return slots.map((slot, i) => ({
    ...slot,
    counts: apportion(totals[String(i)], programme.flowMonitoring.nationalities),
  }));
}
