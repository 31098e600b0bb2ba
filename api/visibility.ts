import type { Caller } from './auth';
import { seesAllCentres } from './auth';
import type { Config } from '../platform/config';

const quote = (value: string) => `'${value.replace(/[^A-Za-z0-9_:.-]/g, '')}'`;

/**
 * Visibility-query clauses that keep a caller to this deployment's task queue and to their centres;
 * null when the requested centre is outside the caller's scope.
 */
export function visibilityScope(config: Config, caller: Caller, centre?: string): string[] | null {
  const clauses = [`TaskQueue = ${quote(config.TEMPORAL_TASK_QUEUE)}`];
  if (centre) {
    if (!seesAllCentres(caller) && !caller.centres.includes(centre)) return null;
    clauses.push(`CaseCentre = ${quote(centre)}`);
  } else if (!seesAllCentres(caller)) {
    clauses.push(`CaseCentre IN (${caller.centres.map(quote).join(', ')})`);
  }
  return clauses;
}
