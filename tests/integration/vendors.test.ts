import { randomUUID } from 'node:crypto';
import { createVendor } from '../../db/queries/vendors';
import { startTestStack, type TestStack } from '../support/stack';

/** Vendors as reference data: admins keep the list, officers read it to name a tranche's vendor. */

let stack: TestStack;
let admin: string;
let officer: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await stack.token('admin');
  officer = await stack.token('case_officer');
});

afterAll(async () => {
  await stack?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function addVendor(body: object): Promise<string> {
  const res = await stack.api.post('/v1/vendors').set(auth(admin)).send(body);
  if (res.status !== 201) throw new Error(`add vendor: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.vendorId as string;
}

const errorPaths = (body: { errors?: { path: string }[] }) => body.errors?.map((e) => e.path);

test('an admin adds a vendor; an officer reads it back', async () => {
  const res = await stack.api
    .post('/v1/vendors')
    .set(auth(admin))
    .send({ name: '  Quincaillerie Diarra ', phone: '+223 76 12 34 56', region: 'Kayes' });
  expect(res.status).toBe(201);
  expect(res.headers.location).toBe(`/v1/vendors/${res.body.vendorId}`);
  const read = await stack.api.get(res.headers.location).set(auth(officer));
  expect(read.status).toBe(200);
  expect(read.body).toEqual({
    vendorId: res.body.vendorId,
    name: 'Quincaillerie Diarra',
    phone: '+223 76 12 34 56',
    region: 'Kayes',
    active: true,
    createdBy: 'admin-1',
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  });
});

test('a retried creation with the same Idempotency-Key adds the vendor once', async () => {
  const key = randomUUID();
  const body = { name: 'Moulin Coulibaly', region: 'Ségou' };
  const first = await stack.api.post('/v1/vendors').set(auth(admin)).set('Idempotency-Key', key).send(body);
  const retry = await stack.api.post('/v1/vendors').set(auth(admin)).set('Idempotency-Key', key).send(body);
  expect([first.status, retry.status]).toEqual([201, 201]);
  expect(retry.headers['idempotent-replayed']).toBe('true');
  expect(retry.body.vendorId).toBe(first.body.vendorId);
  const listed = await stack.api.get('/v1/vendors').query({ q: 'moulin coulibaly' }).set(auth(officer));
  expect(listed.body.items.map((v: { vendorId: string }) => v.vendorId)).toEqual([first.body.vendorId]);
});

test('a creation run again under the same id (its first answer lost) adds nothing and is no error', async () => {
  const vendorId = randomUUID();
  const vendor = { vendorId, name: 'Élevage Diallo', region: 'Mopti' as const, createdBy: 'admin-1' };
  await createVendor(stack.db, vendor);
  await createVendor(stack.db, vendor);
  expect(
    await stack.db('vendors').where({ vendor_id: vendorId }).count<{ count: number }[]>({ count: '*' }),
  ).toEqual([{ count: 1 }]);
});

test('the list filters by region, by active and by part of the name, and pages', async () => {
  const ids = {
    sikasso: await addVendor({ name: 'Boutique Sanogo', region: 'Sikasso' }),
    mopti: await addVendor({ name: 'Boutique Sanogo', region: 'Mopti' }),
    other: await addVendor({ name: 'Atelier Keïta', region: 'Sikasso' }),
    percent: await addVendor({ name: 'Tissus 100% coton', region: 'Sikasso' }),
  };
  const list = (query: Record<string, string | number>) =>
    stack.api.get('/v1/vendors').query(query).set(auth(officer));
  const idsOf = (body: { items: { vendorId: string }[] }) => body.items.map((v) => v.vendorId);

  const sikasso = await list({ region: 'Sikasso' });
  expect(sikasso.status).toBe(200);
  // By name, whatever the letter case: Atelier, Boutique, Tissus.
  expect(idsOf(sikasso.body)).toEqual([ids.other, ids.sikasso, ids.percent]);
  expect(sikasso.body).toMatchObject({ total: 3, page: 1, pageSize: 50 });

  expect(idsOf((await list({ q: 'SANOGO' })).body).sort()).toEqual([ids.mopti, ids.sikasso].sort());
  expect(idsOf((await list({ q: 'sanogo', region: 'Mopti' })).body)).toEqual([ids.mopti]);
  // `%` and `_` are searched for as themselves.
  expect(idsOf((await list({ q: '100%' })).body)).toEqual([ids.percent]);
  expect(idsOf((await list({ q: '_' })).body)).toEqual([]);

  const page2 = await list({ region: 'Sikasso', pageSize: 2, page: 2 });
  expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
  expect(idsOf(page2.body)).toEqual([ids.percent]);
});

test('an admin changes a vendor: the answer is the vendor as stored; null clears the phone', async () => {
  const vendorId = await addVendor({ name: 'Garage Touré', phone: '70 00 00 01', region: 'Gao' });
  const moved = await stack.api
    .put(`/v1/vendors/${vendorId}`)
    .set(auth(admin))
    .send({ name: 'Garage Touré et Fils', region: 'Tombouctou' });
  expect(moved.status).toBe(200);
  expect(moved.body).toMatchObject({
    vendorId,
    name: 'Garage Touré et Fils',
    phone: '70 00 00 01',
    region: 'Tombouctou',
    active: true,
  });
  expect(Date.parse(moved.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(moved.body.createdAt));

  const cleared = await stack.api.put(`/v1/vendors/${vendorId}`).set(auth(admin)).send({ phone: null });
  expect(cleared.status).toBe(200);
  expect(cleared.body).toMatchObject({ name: 'Garage Touré et Fils', phone: null, region: 'Tombouctou' });
  expect((await stack.api.get(`/v1/vendors/${vendorId}`).set(auth(officer))).body).toEqual(cleared.body);
});

test('an inactive vendor is still listed, with active: false', async () => {
  const vendorId = await addVendor({ name: 'Menuiserie Dembélé', region: 'Koulikoro' });
  const off = await stack.api.put(`/v1/vendors/${vendorId}`).set(auth(admin)).send({ active: false });
  expect(off.status).toBe(200);
  expect(off.body.active).toBe(false);

  const all = await stack.api.get('/v1/vendors').query({ region: 'Koulikoro' }).set(auth(officer));
  expect(all.body.items).toEqual([expect.objectContaining({ vendorId, active: false })]);
  const inactive = await stack.api.get('/v1/vendors').query({ active: 'false' }).set(auth(officer));
  expect(inactive.body.items.map((v: { vendorId: string }) => v.vendorId)).toEqual([vendorId]);
  const active = await stack.api
    .get('/v1/vendors')
    .query({ active: 'true', region: 'Koulikoro' })
    .set(auth(officer));
  expect(active.body.items).toEqual([]);
});

test('only admins write: officers, supervisors and managers read, movement officers do neither', async () => {
  const vendorId = await addVendor({ name: 'Pharmacie Maïga', region: 'Bamako' });
  expect(
    (await stack.api.post('/v1/vendors').set(auth(officer)).send({ name: 'Pharmacie Maïga Bis' })).status,
  ).toBe(403);
  expect(
    (await stack.api.put(`/v1/vendors/${vendorId}`).set(auth(officer)).send({ active: false })).status,
  ).toBe(403);
  const manager = await stack.token('manager');
  expect(
    (await stack.api.put(`/v1/vendors/${vendorId}`).set(auth(manager)).send({ active: false })).status,
  ).toBe(403);
  expect((await stack.api.get(`/v1/vendors/${vendorId}`).set(auth(manager))).status).toBe(200);
  const supervisor = await stack.token('supervisor');
  expect((await stack.api.get('/v1/vendors').set(auth(supervisor))).status).toBe(200);
  const movement = await stack.token('movement_officer');
  expect((await stack.api.get('/v1/vendors').set(auth(movement))).status).toBe(403);
  // The refused changes changed nothing.
  expect((await stack.api.get(`/v1/vendors/${vendorId}`).set(auth(officer))).body.active).toBe(true);
});

test('a name already listed in the region is a 409 naming that vendor, on creation and on change', async () => {
  const first = await addVendor({ name: 'Boulangerie Cissé', region: 'Bamako' });
  const again = await stack.api
    .post('/v1/vendors')
    .set(auth(admin))
    .send({ name: 'BOULANGERIE CISSÉ', region: 'Bamako' });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ status: 409, vendorId: first });
  expect(again.body.detail).toMatch(/already listed in Bamako/);

  // The same name elsewhere is another vendor; moving it to Bamako, or renaming a Bamako one, collides.
  const elsewhere = await addVendor({ name: 'Boulangerie Cissé', region: 'Kayes' });
  const moved = await stack.api.put(`/v1/vendors/${elsewhere}`).set(auth(admin)).send({ region: 'Bamako' });
  expect(moved.status).toBe(409);
  expect(moved.body.vendorId).toBe(first);
  const other = await addVendor({ name: 'Boulangerie Sidibé', region: 'Bamako' });
  const renamed = await stack.api
    .put(`/v1/vendors/${other}`)
    .set(auth(admin))
    .send({ name: 'boulangerie cissé' });
  expect(renamed.status).toBe(409);
  expect(renamed.body.vendorId).toBe(first);

  // Vendors without a region are one list too.
  const unplaced = await addVendor({ name: 'Transport Sangaré' });
  const twice = await stack.api.post('/v1/vendors').set(auth(admin)).send({ name: 'transport sangaré' });
  expect(twice.status).toBe(409);
  expect(twice.body.vendorId).toBe(unplaced);
  expect(twice.body.detail).toMatch(/without a region/);
});

test('an unknown vendor is a 404, to read and to change', async () => {
  const unknown = randomUUID();
  expect((await stack.api.get(`/v1/vendors/${unknown}`).set(auth(officer))).status).toBe(404);
  expect(
    (await stack.api.put(`/v1/vendors/${unknown}`).set(auth(admin)).send({ active: false })).status,
  ).toBe(404);
  const malformed = await stack.api.get('/v1/vendors/not-a-uuid').set(auth(officer));
  expect([malformed.status, errorPaths(malformed.body)]).toEqual([400, ['params.vendorId']]);
});

test('bad input is a 422 naming each field', async () => {
  const bad = await stack.api
    .post('/v1/vendors')
    .set(auth(admin))
    .send({ name: '   ', phone: 'call me', region: 'Paris' });
  expect(bad.status).toBe(422);
  expect(errorPaths(bad.body)?.sort()).toEqual(['name', 'phone', 'region']);
  const missing = await stack.api.post('/v1/vendors').set(auth(admin)).send({ phone: '+223 76 00 00 00' });
  expect([missing.status, errorPaths(missing.body)]).toEqual([422, ['name']]);

  const vendorId = await addVendor({ name: 'Forge Konaté', region: 'Mopti' });
  const badChange = await stack.api
    .put(`/v1/vendors/${vendorId}`)
    .set(auth(admin))
    .send({ name: '', phone: '12', region: 'Dakar', active: 'no' });
  expect(badChange.status).toBe(422);
  expect(errorPaths(badChange.body)?.sort()).toEqual(['active', 'name', 'phone', 'region']);
  const nothing = await stack.api.put(`/v1/vendors/${vendorId}`).set(auth(admin)).send({});
  expect(nothing.status).toBe(422);
  expect(nothing.body.detail).toMatch(/at least one of name, phone, region, active/);

  const badFilter = await stack.api
    .get('/v1/vendors')
    .query({ region: 'Paris', active: 'maybe' })
    .set(auth(officer));
  expect(badFilter.status).toBe(400);
  expect(errorPaths(badFilter.body)?.sort()).toEqual(['query.active', 'query.region']);
});
