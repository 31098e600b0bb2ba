import type { Db } from '../index';
import { page, type PageRequest } from './page';
import { iso } from './rows';

type Row = Record<string, unknown>;

/** The unique index of migration 008: one vendor per name (any letter case) and region. */
const NAME_IN_REGION = 'vendors_name_region_unique';

export interface Vendor {
  vendorId: string;
  name: string;
  phone: string | null;
  region: string | null;
  active: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewVendor {
  vendorId: string;
  name: string;
  phone?: string;
  region?: string;
  createdBy: string;
}

/** What an admin may change; `null` clears the phone or the region, an absent field keeps it. */
export interface VendorChanges {
  name?: string;
  phone?: string | null;
  region?: string | null;
  active?: boolean;
}

/** Another vendor already has this name in this region; `existingVendorId` is that vendor, when it was found. */
export class DuplicateVendorError extends Error {
  constructor(
    readonly vendorName: string,
    readonly region: string | null,
    readonly existingVendorId: string | undefined,
  ) {
    super(`a vendor named ${vendorName} is already listed ${region ? `in ${region}` : 'without a region'}`);
    this.name = 'DuplicateVendorError';
  }
}

function vendorFromRow(row: Row): Vendor {
  return {
    vendorId: row.vendor_id as string,
    name: row.name as string,
    phone: row.phone as string | null,
    region: row.region as string | null,
    active: row.active as boolean,
    createdBy: row.created_by as string,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

const isNameTaken = (error: unknown) => {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === NAME_IN_REGION;
};

/** The vendor holding a name in a region, compared as the unique index compares them. */
async function vendorIdNamed(db: Db, name: string, region: string | null): Promise<string | undefined> {
  const row = await db('vendors')
    .whereRaw('lower(name) = lower(?)', [name])
    .andWhereRaw("coalesce(region, '') = coalesce(?, '')", [region])
    .first('vendor_id');
  return row?.vendor_id;
}

/** The error for a name taken in a region, naming the vendor that holds it. */
async function duplicateVendor(db: Db, name: string, region: string | null): Promise<DuplicateVendorError> {
  return new DuplicateVendorError(name, region, await vendorIdNamed(db, name, region));
}

export interface VendorListFilter extends PageRequest {
  region?: string;
  active?: boolean;
  /** Part of the name, in any letter case. */
  q?: string;
}

/** `%` and `_` in a search are the characters themselves, not LIKE wildcards. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, '\\$&');

export async function listVendors(db: Db, f: VendorListFilter) {
  const filtered = db('vendors').where((q) => {
    if (f.region) q.where('region', f.region);
    if (f.active !== undefined) q.where('active', f.active);
    if (f.q) q.whereILike('name', `%${likeLiteral(f.q)}%`);
  });
  const { rows, total } = await page(filtered, f, (q) => q.orderByRaw('lower(name), region nulls first, vendor_id'));
  return { items: rows.map(vendorFromRow), total };
}

export async function getVendor(db: Db, vendorId: string): Promise<Vendor | undefined> {
  const row = await db('vendors').where({ vendor_id: vendorId }).first();
  return row ? vendorFromRow(row) : undefined;
}

/**
 * Adds a vendor. The id is the request's operation id, so a retried creation finds the vendor its
 * first attempt added and adds nothing; a name already listed in the region is a DuplicateVendorError.
 */
export async function createVendor(db: Db, vendor: NewVendor): Promise<void> {
  const region = vendor.region ?? null;
  try {
    await db('vendors')
      .insert({
        vendor_id: vendor.vendorId,
        name: vendor.name,
        phone: vendor.phone ?? null,
        region,
        created_by: vendor.createdBy,
      })
      .onConflict('vendor_id')
      .ignore();
  } catch (error) {
    if (!isNameTaken(error)) throw error;
    throw await duplicateVendor(db, vendor.name, region);
  }
}

/** Applies an admin's changes; undefined when there is no such vendor, a DuplicateVendorError on a name taken. */
export async function updateVendor(
  db: Db,
  vendorId: string,
  changes: VendorChanges,
): Promise<Vendor | undefined> {
  try {
    const [row] = await db('vendors')
      .where({ vendor_id: vendorId })
      .update({
        name: changes.name,
        phone: changes.phone,
        region: changes.region,
        active: changes.active,
        updated_at: db.fn.now(),
      })
      .returning('*');
    return row ? vendorFromRow(row) : undefined;
  } catch (error) {
    if (!isNameTaken(error)) throw error;
    // The collision is on the name and region the vendor would have had after the change.
    const current = (await getVendor(db, vendorId))!;
    throw await duplicateVendor(
      db,
      changes.name ?? current.name,
      changes.region === undefined ? current.region : changes.region,
    );
  }
}

/**
 * What a tranche needs to know of its vendor: that it exists, is still active, and is not the
 * returnee (its name and phone, to compare with the case's person).
 */
export async function vendorForTranche(
  db: Db,
  vendorId: string,
): Promise<{ vendorId: string; name: string; phone: string | null; active: boolean } | undefined> {
  const row = await db('vendors')
    .where({ vendor_id: vendorId })
    .first('vendor_id', 'name', 'phone', 'active');
  return row ? { vendorId: row.vendor_id, name: row.name, phone: row.phone, active: row.active } : undefined;
}
