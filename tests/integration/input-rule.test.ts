import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Role } from '../../domain/reference';
import { IsoDate, IsoDateTime } from '../../api/schemas/common';
import { ROUTES } from '../../api/routes';
import type { RouteSpec } from '../../api/route';
import { findUnstorable } from '../../platform/storable';
import { registrationBody } from '../support/fixtures';
import {
  anyString,
  dateParts,
  dateText,
  dateTimeParts,
  dateTimeText,
  instantOf,
  jsonTree,
  poisonedBody,
  storableString,
  wellFormedDateTimeParts,
} from '../support/input-arbitraries';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The input rule against the real thing (issue 9): what the rule lets through, Postgres stores as it
 * was sent; what it refuses, every route refuses with 4xx before any workflow hears of it.
 */

let stack: TestStack;
const tokens = new Map<Role, string>();
/** Real objects for the path parameters, so that a poisoned body reaches validation instead of a 404. */
const params: Record<string, string> = {};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  // Hundreds of requests from one token in a few seconds: the rate limit is not what is tested here.
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '100000' });
  for (const role of ['case_officer', 'supervisor', 'manager', 'movement_officer', 'admin'] as const) tokens.set(role, await stack.token(role));
  const officer = { Authorization: `Bearer ${tokens.get('case_officer')}` };

  const malian = await stack.api.post('/v1/cases').set(officer).send(registrationBody());
  expect(malian.status).toBe(201);
  params.caseId = malian.body.caseId;

  // A live travel-document request: an onward-return case, received and counselled.
  const guinean = await stack.api
    .post('/v1/cases')
    .set(officer)
    .send(registrationBody({ person: { nationality: 'GIN' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }));
  expect(guinean.status).toBe(201);
  const onward = guinean.body.caseId as string;
  expect((await stack.api.post(`/v1/cases/${onward}/reception`).set(officer).send({ centreCode: 'BKO-MMEIA' })).status).toBe(200);
  expect((await stack.api.post(`/v1/cases/${onward}/counselling-sessions`).set(officer).send({ heldAt: new Date().toISOString() })).status).toBe(200);
  const requested = await stack.api
    .post(`/v1/cases/${onward}/travel-documents`)
    .set(officer)
    .send({ documentType: 'laissez_passer', plannedDeparture: new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10) });
  expect(requested.status).toBe(201);
  params.requestId = requested.body.requestId;

  const flight = await stack.api
    .post('/v1/flights')
    .set({ Authorization: `Bearer ${tokens.get('movement_officer')}` })
    .send({ flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 2 * HOUR).toISOString(), capacity: 10 });
  expect(flight.status).toBe(201);
  params.flightId = flight.body.flightId;
  // Not on the manifest: the checks route validates its body before it looks for the passenger.
  params.passengerId = randomUUID();
  // Like the passenger: the vendor routes validate the body before they look the vendor up.
  params.vendorId = randomUUID();
  params.n = '1';
  params.country = 'GIN';
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const sql = async <T>(query: string, value: string): Promise<T> => (await stack.db.raw(query, [value])).rows[0] as T;
const settle = <T>(promise: Promise<T>) => promise.then(
  (value) => ({ ok: true as const, value }),
  (error: { code?: string }) => ({ ok: false as const, code: error.code }),
);

describe('what the rule accepts, Postgres stores unchanged', () => {
  test('a string is accepted exactly when Postgres keeps it unchanged, as text and inside jsonb', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, async (s) => {
        const accepted = findUnstorable(s).length === 0;
        const text = await settle(sql<{ t: string }>('select ?::text as t', s));
        // Inside jsonb a string is a value and a field name; the rule checks both.
        const doc = { note: s, items: [s], [`k${s}`]: true };
        const json = await settle(sql<{ j: unknown }>('select ?::jsonb as j', JSON.stringify(doc)));
        expect({ s, text: text.ok && text.value.t === s, jsonb: json.ok && isDeepStrictEqual(json.value.j, doc) }).toEqual({
          s,
          text: accepted,
          jsonb: accepted,
        });
      }),
      { numRuns: 300 },
    );
  });

  test('a body the rule accepts is stored whole as jsonb', async () => {
    await fc.assert(
      fc.asyncProperty(jsonTree, async (tree) => {
        const body = JSON.parse(JSON.stringify({ tree })) as unknown;
        fc.pre(findUnstorable(body).length === 0);
        const { j } = await sql<{ j: unknown }>('select ?::jsonb as j', JSON.stringify(body));
        expect(j).toEqual(body);
      }),
      { numRuns: 150 },
    );
  });

  test('every date-time IsoDateTime accepts is stored by timestamptz as the same instant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(wellFormedDateTimeParts, dateTimeParts), async (p) => {
        const text = dateTimeText(p);
        fc.pre(IsoDateTime.safeParse(text).success);
        // Epoch seconds as text: Postgres keeps microseconds, JavaScript milliseconds.
        const { e } = await sql<{ e: string }>('select extract(epoch from ?::timestamptz)::text as e', text);
        expect(Math.abs(Number(e) * 1000 - instantOf(p))).toBeLessThan(1);
      }),
      { numRuns: 300 },
    );
  });

  test('every date IsoDate accepts is stored by date as the same day', async () => {
    await fc.assert(
      fc.asyncProperty(dateParts, async (p) => {
        const text = dateText(p);
        fc.pre(IsoDate.safeParse(text).success);
        const { d } = await sql<{ d: string }>("select to_char(?::date, 'YYYY-MM-DD') as d", text);
        expect(d).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  test('the poison of issue 9 is what Postgres refuses: the offset, the NUL, the lone surrogate in jsonb', async () => {
    expect(await settle(sql('select ?::timestamptz as t', '2026-11-20T10:00:00+23:59'))).toEqual({ ok: false, code: '22009' });
    expect(await settle(sql('select ?::text as t', 'a\u0000b'))).toMatchObject({ ok: false });
    expect(await settle(sql('select ?::jsonb as j', JSON.stringify({ v: '\ud800x' })))).toMatchObject({ ok: false });
  });
});

/** A role the route admits; officers and supervisors are of BKO-MMEIA, where the test's case is. */
const roleFor = (spec: RouteSpec): Role =>
  (['case_officer', 'supervisor', 'movement_officer', 'manager', 'admin'] as const).find((r) => spec.roles.includes(r))!;

function pathOf(spec: RouteSpec, override: Record<string, string> = {}): string {
  return spec.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = override[name] ?? params[name];
    if (value === undefined) throw new Error(`${spec.method} ${spec.path}: no test object for :${name}; add one to the setup`);
    return encodeURIComponent(value);
  });
}

const label = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;
type Problem = { errors?: { path: string }[] };

describe('every route refuses what the rule refuses', () => {
  const withBody = ROUTES.filter((spec) => spec.body);
  const withQuery = ROUTES.filter((spec) => spec.query);
  const withParams = ROUTES.filter((spec) => spec.params);

  test('the route table has the routes this test is about', () => {
    // A filter that matched nothing would make the properties below pass vacuously.
    expect(withBody.length).toBeGreaterThanOrEqual(20);
    expect(withQuery.length).toBeGreaterThanOrEqual(4);
    expect(withParams.length).toBeGreaterThanOrEqual(15);
  });

  test.each(withBody.map((spec) => [label(spec), spec] as const))('%s: a body with poisoned strings is 422 naming each one', async (_, spec) => {
    const url = pathOf(spec);
    const token = tokens.get(roleFor(spec))!;
    await fc.assert(
      fc.asyncProperty(poisonedBody, async (body) => {
        const res = await stack.api[spec.method](url).set('Authorization', `Bearer ${token}`).send(body);
        // What the server parsed: the body after JSON (which drops undefined, orders integer keys first).
        const expected = findUnstorable(JSON.parse(JSON.stringify(body))).map((f) => f.path);
        expect(expected.length).toBeGreaterThan(0);
        expect({ status: res.status, paths: (res.body as Problem).errors?.map((e) => e.path) }).toEqual({ status: 422, paths: expected });
      }),
      { numRuns: 20 },
    );
  });

  test.each(withQuery.map((spec) => [label(spec), spec] as const))('%s: a query value with a NUL is 400 naming it', async (_, spec) => {
    const url = pathOf(spec);
    const token = tokens.get(roleFor(spec))!;
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z]{1,10}$/), storableString, storableString, async (name, before, after) => {
        const value = `${before}\u0000${after}`;
        const res = await stack.api.get(`${url}?${name}=${encodeURIComponent(value)}`).set('Authorization', `Bearer ${token}`);
        expect({ status: res.status, paths: (res.body as Problem).errors?.map((e) => e.path) }).toEqual({ status: 400, paths: [`query.${name}`] });
      }),
      { numRuns: 10 },
    );
  });

  test.each(withParams.map((spec) => [label(spec), spec] as const))('%s: a path parameter with a NUL is 400 naming it', async (_, spec) => {
    const token = tokens.get(roleFor(spec))!;
    for (const name of [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1])) {
      const url = pathOf(spec, { [name]: `${params[name]}\u0000` });
      const req = stack.api[spec.method](url).set('Authorization', `Bearer ${token}`);
      const res = await (spec.body ? req.send({}) : req);
      expect({ name, status: res.status, paths: (res.body as Problem).errors?.map((e) => e.path) }).toEqual({ name, status: 400, paths: [`params.${name}`] });
    }
  });

  test('a path parameter that is not UTF-8 at all is a 4xx, not a server error', async () => {
    const res = await stack.api.get('/v1/cases/%ED%A0%80').set('Authorization', `Bearer ${tokens.get('case_officer')}`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  test('nothing reached the workflows: the case, the request and the flight are as they were set up', async () => {
    const officer = { Authorization: `Bearer ${tokens.get('case_officer')}` };
    const kase = await stack.api.get(`/v1/cases/${params.caseId}`).set(officer);
    expect(kase.body.history.map((h: { step: string }) => h.step)).toEqual(['registered']);
    // The manifest's passengers are for movement officers (and managers, admins) only.
    const flight = await stack.api.get(`/v1/flights/${params.flightId}`).set({ Authorization: `Bearer ${tokens.get('movement_officer')}` });
    expect(flight.body.status).toBe('planned');
    expect(flight.body.passengers).toEqual([]);
    const request = await stack.api.get(`/v1/travel-documents/${params.requestId}`).set(officer);
    expect(['requested', 'sent']).toContain(request.body.status);
    const embassy = await stack.db('embassies').where({ country: 'GIN' }).first('name');
    expect(findUnstorable(embassy.name)).toEqual([]);
  });
});
