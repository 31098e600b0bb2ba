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
