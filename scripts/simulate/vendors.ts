import { keyOf, type SimulationContext } from './context';
import type { VendorPlan } from './journey';

/**
 * The vendors in-kind help is paid to, as an admin lists them in the reference data. A vendor the
 * stack already lists under the same name and region (a run before this one) is used as it is.
 */
export async function listVendors(ctx: SimulationContext, vendors: VendorPlan[]): Promise<string[]> {
  const token = await ctx.actors.token({ role: 'admin' });
  const ids: string[] = [];
  for (const [i, vendor] of vendors.entries()) {
    const answer = await ctx.http.request('POST', '/v1/vendors', {
      token,
      body: vendor,
      key: keyOf(ctx, 'vendor', i),
    });
    const body = answer.body as { vendorId?: string };
    if ((answer.status === 201 || answer.status === 409) && body.vendorId) {
      ids.push(body.vendorId);
      ctx.stats.stepsTaken += 1;
    } else {
      ctx.stats.refuse(
        {
          status: answer.status,
          journey: 'reference data',
          step: `vendor ${vendor.name}`,
          body: JSON.stringify(answer.body).slice(0, 600),
        },
        answer.gaveUp,
      );
    }
  }
  return ids;
}
