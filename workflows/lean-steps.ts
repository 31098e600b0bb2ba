import { patched } from '@temporalio/workflow';

/**
 * Patch: a step costs the engine less. Its Postgres write runs as a local activity inside the
 * Update's own workflow task, a deadline's timer keeps running while the deadline holds, and search
 * attributes are upserted only when they change. Decided once, when a run starts: runs begun before
 * the patch replay their remote activities and restarted timers to the end. A lean run began after
 * every earlier patch, so its one marker stands for them all (each costs a marker and a search
 * attribute upsert in every history).
 */
const LEAN_STEPS = 'lean-steps';

/** Call first thing in a step workflow: true for every run that starts under this code. */
export function leanSteps(): boolean {
  return patched(LEAN_STEPS);
}

/** Short Postgres writes: the same retries whether they run as local or as remote activities. */
export const RECORD_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
} as const;
