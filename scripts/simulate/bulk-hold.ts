import type { Actor } from './actors';
import { keyOf, send, type SimulationContext } from './context';

const MANAGER: Actor = { role: 'manager' };
const PAGE = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BulkHoldTiming {
  cases: number;
  /** From sending the request until Sira answered it (202). */
  answeredSeconds: number;
  /** From sending the request until every targeted case reads as held (or released). */
  settledSeconds: number;
  answer: unknown;
}

/** The cases among `caseIds` that Sira lists as suspended now (the Postgres projection, as a manager reads it). */
async function suspendedAmong(ctx: SimulationContext, caseIds: Set<string>): Promise<number> {
  const token = await ctx.actors.token(MANAGER);
  let found = 0;
  for (let page = 1; ; page++) {
    const answer = await ctx.http.request('GET', `/v1/cases?suspended=true&pageSize=${PAGE}&page=${page}`, {
      token,
    });
    const body = answer.body as { items?: { caseId: string }[]; total?: number };
    if (answer.status !== 200 || !body.items) return -1;
    found += body.items.filter((c) => caseIds.has(c.caseId)).length;
    if (page * PAGE >= (body.total ?? 0)) return found;
  }
}

/**
 * The programme manager holds many pending cases at once (`POST /v1/cases/suspensions`) to re-verify
 * their eligibility, or releases them (`DELETE`); timed from the request until every one of them
 * reads as held (released).
 */
export async function bulkHold(
  ctx: SimulationContext,
  caseIds: string[],
  hold: boolean,
  reason: string,
  /** The hold's business date (`occurredAt`): the programme's, not the day the simulation runs. */
  occurredAt: string,
  timeoutMs = 15 * 60_000,
): Promise<BulkHoldTiming | undefined> {
  if (caseIds.length === 0) return undefined;
  const targets = new Set(caseIds);
  const sent = Date.now();
  const answer = await send(
    ctx,
    { journey: 'bulk hold', step: hold ? 'suspension' : 'resumption' },
    MANAGER,
    hold ? 'POST' : 'DELETE',
    '/v1/cases/suspensions',
    { caseIds, reason, occurredAt },
    keyOf(ctx, 'bulk', hold ? 'suspension' : 'resumption'),
  );
  if (!answer) return undefined;
  const answeredSeconds = (Date.now() - sent) / 1000;
  while (Date.now() - sent < timeoutMs) {
    const held = await suspendedAmong(ctx, targets);
    if (held === (hold ? targets.size : 0))
      return {
        cases: targets.size,
        answeredSeconds,
        settledSeconds: (Date.now() - sent) / 1000,
        answer: answer.body,
      };
    await sleep(250);
  }
  ctx.stats.refuse({
    status: 0,
    journey: 'bulk hold',
    step: hold ? 'suspension' : 'resumption',
    body: `not every one of the ${targets.size} cases read as ${hold ? 'suspended' : 'resumed'} within ${timeoutMs / 60_000} minutes`,
  });
  return undefined;
}
