import type { Actor, Actors } from './actors';
import type { Answer, SiraHttp } from './http';
import type { Ledger } from './ledger';
import type { LiaisonMailbox } from './mailbox';
import type { Programme } from './programme';
import type { RunStats } from './run-stats';

/** Everything a running simulation shares: Sira's API, the people's tokens, the mailbox, what was done. */
export interface SimulationContext {
  http: SiraHttp;
  actors: Actors;
  stats: RunStats;
  ledger: Ledger;
  mailbox: LiaisonMailbox;
  programme: Programme;
  runTag: string;
  vendorIds: string[];
}

export const excerpt = (body: unknown) =>
  (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 600);

/**
 * Sends one step as `actor`, with its Idempotency-Key. A 2xx is a step taken; anything else is counted
 * (a refusal, or an answer that stayed unavailable after every retry) and undefined comes back, so the
 * journey stops there.
 */
export async function send(
  ctx: SimulationContext,
  what: { journey: string; step: string },
  actor: Actor,
  method: string,
  path: string,
  body: unknown,
  key?: string,
): Promise<Answer | undefined> {
  const answer = await ctx.http.request(method, path, { token: await ctx.actors.token(actor), body, key });
  if (answer.status >= 200 && answer.status < 300) {
    ctx.stats.stepsTaken += 1;
    return answer;
  }
  ctx.stats.refuse(
    {
      status: answer.status,
      journey: what.journey,
      step: `${what.step} ${method} ${path}`,
      body: excerpt(answer.body),
    },
    answer.gaveUp,
  );
  return undefined;
}

/** An Idempotency-Key for one intent of this run: the same on every retry of it. */
export const keyOf = (ctx: SimulationContext, ...parts: (string | number)[]) =>
  [ctx.runTag, ...parts].join(':');
