import type { Journey } from './journey';
import type { Random } from './random';

/**
 * Immediate assistance at reception: which received cases got medical care or psychological first
 * aid, so many women and so many men among them (the seed's figures at scale).
 */
export function assignCare(
  rng: Random,
  journeys: Journey[],
  care: 'medical' | 'psychologicalFirstAid',
  quota: { value: number; women: number },
  referralShare: number,
): void {
  const received = journeys.filter((j) => j.steps.some((s) => s.kind === 'reception' && !s[care]));
  const women = rng.sample(
    received.filter((j) => j.person.sex === 'F'),
    quota.women,
  );
  const men = rng.sample(
    received.filter((j) => j.person.sex !== 'F'),
    quota.value - women.length,
  );
  for (const journey of [...women, ...men]) {
    const reception = journey.steps.find((s) => s.kind === 'reception');
    if (reception?.kind !== 'reception') continue;
    reception[care] = true;
    if (rng.chance(referralShare)) {
      reception.referrals.push(
        care === 'medical'
          ? { kind: 'health', to: 'Centre de santé de référence' }
          : { kind: 'psychosocial', to: 'Service psychosocial du centre' },
      );
    }
  }
}
