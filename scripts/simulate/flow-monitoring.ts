import { keyOf, send, type SimulationContext } from './context';
import type { FlowObservationPlan } from './journey';

/** A flow monitor records the day's count at their point; what Sira took goes into the ledger. */
export async function recordFlowObservations(
  ctx: SimulationContext,
  observations: FlowObservationPlan[],
): Promise<void> {
  for (const o of observations) {
    const answer = await send(
      ctx,
      { journey: `flow ${o.point}`, step: o.date },
      { role: 'flow_monitor' },
      'POST',
      '/v1/flow-monitoring/observations',
      o,
      keyOf(ctx, 'flow', o.point, o.date),
    );
    if (answer) ctx.ledger.flowObservations.push(o);
  }
}
