import type { Db } from '../db';
import { returneeOf } from '../db/queries/cases';
import { vendorForTranche } from '../db/queries/vendors';
import { problem } from './problem';

const digits = (phone: string | null | undefined) => (phone ?? '').replace(/\D/g, '').replace(/^00/, '');
const words = (name: string) => name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/\s+/).filter(Boolean).sort().join(' ');

/**
 * The vendor a tranche pays: one of the reference data, active, and never the returnee (in-kind help
 * goes to a supplier, not as cash to the person), recognised by the same phone number or full name.
 */
export async function trancheVendor(db: Db, caseId: string, vendorId: string): Promise<{ name: string }> {
  const vendor = await vendorForTranche(db, vendorId);
  const refuse = (detail: string, message: string) => problem(422, detail, { errors: [{ path: 'vendorId', message }] });
  if (!vendor) throw refuse(`no vendor ${vendorId}; an admin adds vendors with POST /v1/vendors`, 'no such vendor');
  if (!vendor.active) throw refuse(`vendor ${vendor.name} is no longer active`, 'inactive vendor');
  const person = await returneeOf(db, caseId);
  const samePhone = digits(vendor.phone).length >= 6 && digits(vendor.phone) === digits(person?.phone);
  const sameName = person && words(vendor.name) === words(`${person.givenName} ${person.familyName}`);
  if (samePhone || sameName) {
    throw refuse('the vendor is the returnee: in-kind help is paid to a supplier, never to the person', 'must not be the returnee');
  }
  return { name: vendor.name };
}
