import { type ActivityDeps, createCaseActivities } from './case-activities';

/** Every activity the worker registers, built from its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createCaseActivities(deps) };
}

export type { ActivityDeps };
