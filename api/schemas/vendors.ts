import { z } from 'zod';
import { REGIONS } from '../../domain/reference';
import { Page, Phone, Text, Uuid } from './common';

export const VendorIdParams = z.object({ vendorId: Uuid });

export const NewVendorSchema = z
  .object({
    name: Text(200),
    phone: Phone.optional(),
    region: z.enum(REGIONS).optional(),
  })
  .meta({ id: 'NewVendor' });

/** Absent fields stay as they are; `null` clears the phone or the region. */
export const VendorChangesSchema = z
  .object({
    name: Text(200).optional(),
    phone: Phone.nullable().optional(),
    region: z.enum(REGIONS).nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((value) => value !== undefined), {
    message: 'give at least one of name, phone, region, active',
  })
  .meta({ id: 'VendorChanges' });

export const VendorSchema = z
  .object({
    vendorId: z.uuid(),
    name: z.string(),
    phone: z.string().nullable(),
    region: z.enum(REGIONS).nullable(),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Vendor' });

export const VendorPage = z.object({
  items: z.array(VendorSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const CreatedVendor = z.object({ vendorId: z.uuid() });

export const VendorListQuery = Page.extend({
  region: z.enum(REGIONS).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  q: Text(200).optional(),
});
