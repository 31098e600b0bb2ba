import {
  createVendor,
  DuplicateVendorError,
  getVendor,
  listVendors,
  updateVendor,
} from '../../db/queries/vendors';
import { problem } from '../problem';
import { route } from '../route';
import {
  CreatedVendor,
  NewVendorSchema,
  VendorChangesSchema,
  VendorIdParams,
  VendorListQuery,
  VendorPage,
  VendorSchema,
} from '../schemas/vendors';

const READERS = ['case_officer', 'supervisor', 'manager', 'admin'] as const;
const WRITERS = ['admin'] as const;

const DUPLICATE = {
  description:
    'Another vendor has this name in this region (`vendorId` names it), or the first request with this Idempotency-Key is still running',
};

/** A name taken in the region is a 409 naming the vendor that has it, so the caller can use that one. */
function duplicateProblem(error: unknown): unknown {
  if (!(error instanceof DuplicateVendorError)) return error;
  return problem(409, error.message, error.existingVendorId ? { vendorId: error.existingVendorId } : {});
}

// Vendors hold no returnee's personal data, so their routes write no audit row (`audit: false`).
export const vendorRoutes = [
  route({
    method: 'get',
    path: '/v1/vendors',
    summary: 'List vendors',
    tag: 'reference data',
    roles: READERS,
    audit: false,
    query: VendorListQuery,
    responses: {
      200: {
        description: 'A page of vendors by name, inactive ones included unless `active` filters them',
        schema: VendorPage,
      },
    },
    async handler({ query, deps }) {
      const { items, total } = await listVendors(deps.db, query);
      return { status: 200, body: { items, total, page: query.page, pageSize: query.pageSize } };
    },
  }),

  route({
    method: 'get',
    path: '/v1/vendors/:vendorId',
    summary: 'Read a vendor',
    tag: 'reference data',
    roles: READERS,
    audit: false,
    params: VendorIdParams,
    responses: {
      200: { description: 'The vendor', schema: VendorSchema },
      404: { description: 'No such vendor' },
    },
    async handler({ params, deps }) {
      const vendor = await getVendor(deps.db, params.vendorId);
      if (!vendor) throw problem(404, `no vendor ${params.vendorId}`);
      return { status: 200, body: vendor };
    },
  }),

  route({
    method: 'post',
    path: '/v1/vendors',
    summary: 'Add a vendor',
    tag: 'reference data',
    roles: WRITERS,
    audit: false,
    body: NewVendorSchema,
    responses: {
      201: { description: 'The vendor is listed, active', schema: CreatedVendor },
      409: DUPLICATE,
    },
    async handler({ body, caller, deps, operation }) {
      // With an Idempotency-Key the vendor id is the operation's: a retry finds the vendor it added.
      const vendorId = operation.id;
      await createVendor(deps.db, { vendorId, ...body, createdBy: caller.sub }).catch((error: unknown) => {
        throw duplicateProblem(error);
      });
      return { status: 201, headers: { Location: `/v1/vendors/${vendorId}` }, body: { vendorId } };
    },
  }),

  route({
    method: 'put',
    path: '/v1/vendors/:vendorId',
    summary: 'Change a vendor',
    tag: 'reference data',
    roles: WRITERS,
    audit: false,
    params: VendorIdParams,
    body: VendorChangesSchema,
    responses: {
      200: { description: 'The vendor as stored', schema: VendorSchema },
      404: { description: 'No such vendor' },
      409: DUPLICATE,
    },
    async handler({ params, body, deps }) {
      const vendor = await updateVendor(deps.db, params.vendorId, body).catch((error: unknown) => {
        throw duplicateProblem(error);
      });
      if (!vendor) throw problem(404, `no vendor ${params.vendorId}`);
      return { status: 200, body: vendor };
    },
  }),
];
