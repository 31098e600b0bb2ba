import { randomUUID } from 'node:crypto';
import { ROUTES } from '../../api/routes';
import type { RouteSpec } from '../../api/route';
import { type Role, ROLES } from '../../domain/reference';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Every route × every role × a case in the caller's centre and a case in another centre, generated
 * from the route table: a new route is in the matrix the moment it is in ROUTES. The point is the
 * access decision, not the business outcome: an allowed caller sends `{}` and may well get a 4xx
 * for its content or the case's stage, but never 401 or 403, and never 404 for a case it may see.
 */

const HOME = 'BKO-MMEIA';
const ELSEWHERE = 'GAO-PC';
const CENTRE_SCOPED: readonly Role[] = ['case_officer', 'supervisor'];

let stack: TestStack;
const tokens = new Map<Role, string>();
const caseIds = { in: '', out: '' };
const requestIds = { in: '', out: '' };

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '100000' });
  for (const role of ROLES) tokens.set(role, await stack.token(role, { centres: CENTRE_SCOPED.includes(role) ? [HOME] : [] }));
  for (const [where, centre] of [['in', HOME], ['out', ELSEWHERE]] as const) {
    const officer = await stack.token('case_officer', { centres: [centre], sub: `officer-${centre}` });
    const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(registrationBody({ centreCode: centre }));
    expect(res.status).toBe(201);
    caseIds[where] = res.body.caseId;
    // A travel-document request of an onward-return case at the same centre.
    const transit = await stack.api
      .post('/v1/cases')
      .set('Authorization', `Bearer ${officer}`)
      .send(registrationBody({ centreCode: centre, person: { nationality: 'GIN' } }));
    const transitId = transit.body.caseId;
    await stack.api.post(`/v1/cases/${transitId}/reception`).set('Authorization', `Bearer ${officer}`).send({ centreCode: centre }).expect(200);
    const request = await stack.api
      .post(`/v1/cases/${transitId}/travel-documents`)
      .set('Authorization', `Bearer ${officer}`)
      .send({ documentType: 'laissez_passer', plannedDeparture: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10) });
    expect(request.status).toBe(201);
    requestIds[where] = request.body.requestId;
  }
});

afterAll(async () => {
  await stack?.stop();
});

/** A concrete URL for a route: the case under test for :caseId, something well-formed for the rest. */
function urlFor(spec: RouteSpec, where: 'in' | 'out'): string {
  return spec.path.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'caseId') return caseIds[where];
    if (name === 'requestId') return requestIds[where];
    if (name === 'n') return '1';
    if (name === 'country') return 'GHA';
    return randomUUID();
  });
}

const SCOPE_PARAMS = [':caseId', ':requestId'];
const extraParams = (spec: RouteSpec) => (spec.path.match(/:\w+/g) ?? []).filter((p) => !SCOPE_PARAMS.includes(p)).length > 0;

function call(spec: RouteSpec, url: string, token?: string) {
  const req = stack.api[spec.method](url);
  if (token) req.set('Authorization', `Bearer ${token}`);
  return spec.method === 'get' ? req : req.send({});
}

const label = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;

describe('the route table', () => {
  it('has routes, each with roles, and every route taking a :caseId is checked against the caller’s centres', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
    for (const spec of ROUTES) {
      expect([label(spec), spec.roles.length > 0]).toEqual([label(spec), true]);
      if (spec.path.includes(':caseId')) expect([label(spec), spec.scope]).toEqual([label(spec), 'case']);
      if (spec.path.includes(':requestId')) expect([label(spec), spec.scope]).toEqual([label(spec), 'travel_document']);
    }
  });

  it('is the only way a /v1 route gets into the app, so the matrix below covers every one', () => {
    const router = (stack.app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
    const registered = router.stack
      .filter((layer) => layer.route && String(layer.route.path).startsWith('/v1'))
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`));
    expect(registered.sort()).toEqual(ROUTES.map(label).sort());
  });
});

describe.each(ROUTES.map((spec) => [label(spec), spec] as const))('%s', (_name, spec) => {
  it('is refused without a token or with a forged one (401)', async () => {
    const url = urlFor(spec, 'in');
    expect((await call(spec, url)).status).toBe(401);
    expect((await call(spec, url, `${tokens.get('manager')!.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  const cases = ROLES.flatMap((role) => (['in', 'out'] as const).map((where) => [role, where] as const));
  it.each(cases)('as %s, case %s of scope', async (role, where) => {
    const res = await call(spec, urlFor(spec, where), tokens.get(role));
    const seen = [role, where, res.status];
    if (!spec.roles.includes(role)) {
      expect(seen).toEqual([role, where, 403]);
      return;
    }
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);
    expect(res.status).toBeLessThan(500);
    if (!spec.scope) return;
    if (where === 'out' && CENTRE_SCOPED.includes(role)) expect(seen).toEqual([role, where, 404]);
    else if (!extraParams(spec)) expect(seen).not.toEqual([role, where, 404]);
  });
});

describe('GET /v1/cases/stuck?kind=technical (the same row, another kind)', () => {
  const stuck = ROUTES.find((spec) => spec.method === 'get' && spec.path === '/v1/cases/stuck')!;
  it.each(ROLES)('as %s: the route’s roles, in their centres', async (role) => {
    const res = await stack.api.get('/v1/cases/stuck?kind=technical').set('Authorization', `Bearer ${tokens.get(role)}`);
    expect([role, res.status]).toEqual([role, stuck.roles.includes(role) ? 200 : 403]);
    if (res.status === 200) expect(res.body).toMatchObject({ items: expect.any(Array), scanned: expect.any(Number), truncated: false });
  });
});

describe('GET /v1/flights/:flightId (need to know)', () => {
  it('names the manifest’s passengers only to movement officers, managers and admins; others read the flight without them', async () => {
    const movement = tokens.get('movement_officer')!;
    const planned = await stack.api
      .post('/v1/flights')
      .set('Authorization', `Bearer ${movement}`)
      .send({ flightNumber: '5A 1041', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 7_200_000).toISOString(), capacity: 5 });
    expect(planned.status).toBe(201);
    const { person, biometricRef } = registrationBody({ person: { familyName: 'Passagerra' } });
    const added = await stack.api
      .post(`/v1/flights/${planned.body.flightId}/passengers`)
      .set('Authorization', `Bearer ${movement}`)
      .send({ person, biometricRef, vulnerabilities: [], unaccompaniedMinor: false, consentSignedAt: new Date(Date.now() - 86_400_000).toISOString(), fitToTravelAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(added.status).toBe(201);
    for (const role of ROLES) {
      const res = await stack.api.get(`/v1/flights/${planned.body.flightId}`).set('Authorization', `Bearer ${tokens.get(role)}`);
      const named = JSON.stringify(res.body).includes('Passagerra');
      const expected = ['movement_officer', 'manager', 'admin'].includes(role) ? [role, 200, true, false] : [role, 200, false, true];
      expect([role, res.status, named, res.body.manifestWithheld === true]).toEqual(expected);
    }
  });
});
