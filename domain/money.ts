import { XOF_PER_EUR } from './reference';

/** The reintegration ceiling in XOF for a ceiling in euros, rounded down so it is never exceeded. */
export function ceilingXof(ceilingEur: number): number {
  return Math.floor(ceilingEur * XOF_PER_EUR);
}
