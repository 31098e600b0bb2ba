import type { TestStack } from './stack';

let n = 0;

/** A vendor of the reference data, added by an admin through the API: what tranches pay. */
export async function aVendor(stack: TestStack, name = `Quincaillerie du Fleuve ${++n}`): Promise<string> {
  const admin = await stack.token('admin', { sub: 'admin-vendors' });
  const res = await stack.api.post('/v1/vendors').set('Authorization', `Bearer ${admin}`).send({ name, phone: '+223 76 00 00 00', region: 'Kayes' });
  if (res.status !== 201) throw new Error(`vendor not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.vendorId as string;
}
