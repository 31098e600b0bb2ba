/**
 * What an activity that keeps failing for a technical reason says in its last failure, which is what
 * a manager reads in the Temporal UI (Pending Activities) and in `GET /v1/cases/stuck?kind=technical`:
 * what failed, since when, and what to do. The activity keeps retrying by itself (its retry policy never
 * gives up: nothing is lost), so fixing the cause is usually all it takes.
 */
export type TechnicalArea = 'postgres' | 'smtp' | 'temporal' | 'unknown';

export interface TechnicalProblem {
  area: TechnicalArea;
  activityType: string;
  attempt: number;
  /** When the activity was first scheduled: it has been failing since about then. */
  failingSince: string;
  whatToDo: string;
}

/** The `type` of the failure Temporal keeps (and the API reads back). */
export const TECHNICAL_PROBLEM = 'technical_problem';

export const WHAT_TO_DO: Record<TechnicalArea, string> = {
  postgres:
    'PostgreSQL cannot be reached or refuses the connection: check the database server and DATABASE_URL (GET /ready says whether the API reaches it). The activity retries by itself; nothing else to do once the database is back.',
  smtp: 'The mail server cannot be reached or refuses the message: check SMTP_URL and the mail server. The activity retries by itself and sends each message once.',
  temporal:
    'The Temporal frontend did not answer this activity (it starts or signals another workflow): check TEMPORAL_ADDRESS and the Temporal server. The activity retries by itself.',
  unknown:
    "An unexpected error: read the worker's log for this workflow id and activity. If it needs a code fix, deploy it: the next attempt runs the new code. If the workflow can never get past it, cancel the step through the API or reset the workflow in the UI to before it (README, Find and unstick work).",
};

/** The failure's message: `<activity> failed (attempt n, failing since …): <cause>. What to do: …`. */
export function technicalMessage(problem: TechnicalProblem, cause: string): string {
  const since = `${problem.failingSince.slice(0, 16).replace('T', ' ')} UTC`;
  return `${problem.activityType} failed (attempt ${problem.attempt}, failing since ${since}): ${cause}. What to do: ${problem.whatToDo}`;
}

/** What anyone may read of a technical problem, without decoding: no cause text (it may quote a value). */
export function technicalSummary(problem: TechnicalProblem): string {
  const since = `${problem.failingSince.slice(0, 16).replace('T', ' ')} UTC`;
  return `${problem.activityType} failed (attempt ${problem.attempt}, failing since ${since}; ${problem.area}). What to do: ${problem.whatToDo}`;
}

export function isTechnicalProblem(value: unknown): value is TechnicalProblem {
  const p = value as Partial<TechnicalProblem> | null;
  return typeof p === 'object' && p !== null && typeof p.activityType === 'string' && typeof p.failingSince === 'string' && typeof p.whatToDo === 'string';
}
