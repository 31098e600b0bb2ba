import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { google, temporal } from '@temporalio/proto';
import { TECHNICAL_PROBLEM, type TechnicalProblem } from '../domain/technical-problem';
import { createPayloadCodec } from '../platform/codec';
import { caseIdFromWorkflowId, flightIdFromWorkflowId, requestIdFromWorkflowId } from '../workflows/ids';
import type { ApiDeps } from './deps';

/**
 * Stuck technical work: running workflows whose activities have been retrying for longer than a
 * threshold (Postgres, SMTP or Temporal away, or a bug), read from each workflow's description
 * (pending activities: attempt, last failure, last start), and workflows whose own tasks keep failing,
 * which the server marks with `TemporalReportedProblems` (a nondeterminism after a bad deployment,
 * say). Visibility cannot filter on pending activities, so the running workflows in scope are
 * described a few at a time, up to `scan` of them; `truncated` says when there were more.
 */
export interface TechnicalProblemItem {
  kind: 'case' | 'flight' | 'travel_document' | 'other';
  workflowId: string;
  workflowType: string;
  caseId?: string;
  flightId?: string;
  requestId?: string;
  /** `activity`: an activity retrying; `workflow_task`: the workflow's own code failing (TemporalReportedProblems). */
  problem: 'activity' | 'workflow_task';
  activityType?: string;
  attempt?: number;
  /** When the failing activity was first scheduled (as its failure says), else when its last attempt failed. */
  failingSince?: string;
  lastStartedAt?: string | null;
  nextAttemptAt?: string | null;
  /** The last failure's message: what failed, and what to do. */
  lastFailure?: string | null;
  area?: TechnicalProblem['area'];
  whatToDo?: string;
  /** TemporalReportedProblems' values, e.g. `category=WorkflowTaskFailed`, `cause=…`. */
  reported?: string[];
}

const DESCRIBE_CONCURRENCY = 8;

type Timestamp = google.protobuf.ITimestamp | null | undefined;
const msOf = (ts: Timestamp) => (ts?.seconds == null ? undefined : Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6));
const isoOf = (ts: Timestamp) => {
  const ms = msOf(ts);
  return ms === undefined ? null : new Date(ms).toISOString();
};

function identify(workflowId: string, workflowType: string): Pick<TechnicalProblemItem, 'kind' | 'workflowId' | 'workflowType' | 'caseId' | 'flightId' | 'requestId'> {
  const caseId = caseIdFromWorkflowId(workflowId);
  if (caseId) return { kind: 'case', workflowId, workflowType, caseId };
  const flightId = flightIdFromWorkflowId(workflowId);
  if (flightId) return { kind: 'flight', workflowId, workflowType, flightId };
  const requestId = requestIdFromWorkflowId(workflowId);
  if (requestId) return { kind: 'travel_document', workflowId, workflowType, requestId };
  return { kind: 'other', workflowId, workflowType };
}

export function technicalProblemReader(deps: ApiDeps) {
  const codec = createPayloadCodec(deps.config);
  const decodeOne = async (payload: Payload | null | undefined): Promise<unknown> =>
    payload ? defaultPayloadConverter.fromPayload((await codec.decode([payload]))[0]) : undefined;

  /** The failure's message and Sira's problem details, decrypted (failure messages are stored encrypted). */
  async function readFailure(failure: temporal.api.failure.v1.IFailure | null | undefined) {
    if (!failure) return { message: null, problem: undefined };
    const attributes = (await decodeOne(failure.encodedAttributes as Payload | undefined).catch(() => undefined)) as { message?: string } | undefined;
    const info = failure.applicationFailureInfo;
    const problem =
      info?.type === TECHNICAL_PROBLEM
        ? ((await decodeOne(info.details?.payloads?.[0] as Payload | undefined).catch(() => undefined)) as TechnicalProblem | undefined)
        : undefined;
    return { message: attributes?.message ?? failure.message ?? null, problem };
  }

  async function activityProblems(workflowId: string, workflowType: string, retryingForMs: number, now: number): Promise<TechnicalProblemItem[]> {
    const description = await deps.temporal.workflow.getHandle(workflowId).describe();
    const items: TechnicalProblemItem[] = [];
    for (const pending of description.raw.pendingActivities ?? []) {
      if ((pending.attempt ?? 1) < 2 || !pending.lastFailure) continue;
      const { message, problem } = await readFailure(pending.lastFailure);
      // A pending activity's scheduledTime is its next attempt's: without Sira's details, count from the last completed attempt.
      const since = problem?.failingSince ? Date.parse(problem.failingSince) : msOf(pending.lastAttemptCompleteTime);
      if (since === undefined || now - since < retryingForMs) continue;
      items.push({
        ...identify(workflowId, workflowType),
        problem: 'activity',
        activityType: pending.activityType?.name ?? undefined,
        attempt: pending.attempt ?? undefined,
        failingSince: new Date(since).toISOString(),
        lastStartedAt: isoOf(pending.lastStartedTime),
        nextAttemptAt: isoOf(pending.nextAttemptScheduleTime),
        lastFailure: message,
        area: problem?.area,
        whatToDo: problem?.whatToDo,
      });
    }
    return items;
  }

  /** Workflows the server reports as failing their workflow tasks; none where the server does not know the attribute. */
  async function reportedProblems(scope: string[], limit: number): Promise<TechnicalProblemItem[]> {
    const items: TechnicalProblemItem[] = [];
    try {
      const query = ["ExecutionStatus = 'Running'", 'TemporalReportedProblems IS NOT NULL', ...scope].join(' AND ');
      for await (const wf of deps.temporal.workflow.list({ query })) {
        const reported = wf.searchAttributes?.TemporalReportedProblems;
        items.push({ ...identify(wf.workflowId, wf.type), problem: 'workflow_task', reported: Array.isArray(reported) ? reported.map(String) : [] });
        if (items.length >= limit) break;
      }
    } catch (error) {
      // An older server without the attribute refuses the query: it has nothing to report.
      if (!/TemporalReportedProblems/.test(String((error as Error)?.message))) throw error;
    }
    return items;
  }

  return async function listTechnicalProblems(scope: string[], options: { limit: number; scan: number; retryingForMs: number }) {
    const now = Date.now();
    const items = await reportedProblems(scope, options.limit);
    const running: { workflowId: string; type: string }[] = [];
    let truncated = false;
    for await (const wf of deps.temporal.workflow.list({ query: ["ExecutionStatus = 'Running'", ...scope].join(' AND ') })) {
      if (running.length >= options.scan) {
        truncated = true;
        break;
      }
      running.push({ workflowId: wf.workflowId, type: wf.type });
    }
    for (let i = 0; i < running.length && items.length < options.limit; i += DESCRIBE_CONCURRENCY) {
      const batch = running.slice(i, i + DESCRIBE_CONCURRENCY);
      const found = await Promise.all(
        batch.map((wf) =>
          activityProblems(wf.workflowId, wf.type, options.retryingForMs, now).catch((error: unknown) => {
            // Closed between the list and the describe: nothing pending any more.
            if ((error as { name?: string })?.name === 'WorkflowNotFoundError') return [];
            throw error;
          }),
        ),
      );
      items.push(...found.flat());
    }
    return { items: items.slice(0, options.limit), total: Math.min(items.length, options.limit), scanned: running.length, truncated };
  };
}
