import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';
import { aVendor } from '../support/vendors';

/**
 * A small programme with known outcomes, driven through the HTTP API with business dates, then read
 * back as the programme report in JSON, CSV and HTML (the page in headless Chromium when present).
 */

const DAY = 86_400_000;
const HOME = 'BKO-MMEIA';
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const FROM = isoDate(Date.now() - 100 * DAY);
const TO = isoDate(Date.now() - 20 * DAY);
const START = Date.parse(`${FROM}T00:00:00Z`);
const at = (days: number) => new Date(START + days * DAY).toISOString();
const criteria = { returnedThroughProgramme: true, withinProgrammeWindow: true, notPreviouslyAssisted: true, vulnerabilityScreeningDone: true };

const CHROMIUM = '/usr/bin/chromium';
const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);

let stack: TestStack;
let officer: string;
let supervisor: string;
let manager: string;

beforeAll(async () => {
  // One monitoring visit a day after the help is delivered completes a case: the journey fits the period.
  stack = await startTestStack({ RATE_LIMIT_API_PER_MINUTE: '100000', RATE_LIMIT_LIAISON_PER_MINUTE: '10000', MONITORING_VISITS: '1d', MONITORING_EARLY_WINDOW: '0d' });
  officer = await stack.token('case_officer', { centres: [HOME], sub: 'awa' });
  supervisor = await stack.token('supervisor', { centres: [HOME], sub: 'sidi' });
  manager = await stack.token('manager', { sub: 'mariam' });
  await buildProgramme();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function register(overrides: Record<string, unknown>) {
  const res = await stack.api.post('/v1/cases').set('Authorization', `Bearer ${officer}`).send(registrationBody(overrides));
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.caseId as string;
}

async function ok(caseId: string, path: string, body: object, token = officer) {
  const res = await stack.api.post(`/v1/cases/${caseId}${path}`).set('Authorization', `Bearer ${token}`).send(body);
  if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const malian = (sex: 'F' | 'M', arrivedAt: string, extra: Record<string, unknown> = {}) =>
  register({ person: { sex, nationality: 'MLI', dateOfBirth: '1990-05-05' }, arrival: { mode: 'commercial', arrivedAt, fromCountry: 'LBY' }, ...extra });

/** Received, counselled and found eligible at `day` (days after FROM), all with business dates. */
async function eligible(caseId: string, day: number) {
  await ok(caseId, '/reception', { centreCode: HOME, occurredAt: at(day) });
  await ok(caseId, '/counselling-sessions', { heldAt: at(day + 1) });
  const state = await ok(caseId, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion', occurredAt: at(day + 2) });
  expect(state.stage).toBe('planning');
}

async function approvedPlan(caseId: string, day: number, plan: object) {
  await ok(caseId, '/plan', { sector: 'poultry', budgetXof: 300_000, dimensions: ['economic'], occurredAt: at(day), ...plan });
  await ok(caseId, '/approvals', { subject: 'plan', decision: 'approved', occurredAt: at(day + 1) }, supervisor);
}

async function answerThroughLink(requestId: string, answer: Record<string, string>) {
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId));
  const link = /http:\/\/sira\.test(\/liaison\/requests\/[0-9a-f-]+\?token=[A-Za-z0-9._-]+)/.exec(mail.text)![1];
  expect((await stack.api.post(link).type('form').send(answer)).status).toBe(200);
  for (let i = 0; i < 100; i++) {
    const row = await stack.db('travel_documents').where({ request_id: requestId }).first('answered_at');
    if (row?.answered_at) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`request ${requestId} was not answered`);
}

async function buildProgramme() {
  // A: a woman arrived on the first day of the period (midnight): medical care and first aid at reception,
  // an individual plan, 300,000 XOF paid, one visit that completes her reintegration.
  const a = await malian('F', `${FROM}T00:00:00Z`);
  await ok(a, '/reception', { centreCode: HOME, occurredAt: at(1), medical: { provided: true }, psychologicalFirstAid: true });
  await ok(a, '/counselling-sessions', { heldAt: at(2) });
  await ok(a, '/counselling-sessions', { heldAt: at(3) });
  await ok(a, '/eligibility', { decision: 'eligible', criteria, reason: 'meets every criterion', occurredAt: at(4) });
  await approvedPlan(a, 5, { type: 'individual' });
  const vendorId = await aVendor(stack);
  await ok(a, '/tranches', { amountXof: 300_000, vendorId, items: [{ description: 'coop', quantity: 1, unitCostXof: 300_000 }], occurredAt: at(7) });
  await ok(a, '/approvals', { subject: 'tranche', ref: 1, decision: 'approved', occurredAt: at(8) }, supervisor);
  await ok(a, '/tranches/1/payment', { reference: 'PAY-1', paidAt: at(9) });
  const done = await ok(a, '/monitoring-visits', { visitedAt: at(11), scores: { economic: 0.8, social: 0.8, psychosocial: 0.8 } });
  expect(done.stage).toBe('completed');

  // B: arrived the day after the period: counted nowhere.
  const b = await malian('M', new Date(Date.parse(`${TO}T00:00:00Z`) + DAY).toISOString());
  await ok(b, '/reception', { centreCode: HOME, medical: { provided: true } });

  // C: found eligible, then withdrew: started, in none of the three categories.
  const c = await malian('M', at(5));
  await eligible(c, 6);
  await ok(c, '/closure', { reason: 'withdrew', occurredAt: at(10) }, supervisor);

  // D and E: one collective project, two cases.
  for (const sex of ['M', 'F'] as const) {
    const id = await malian(sex, at(10));
    await eligible(id, 11);
    await approvedPlan(id, 15, { type: 'collective', projectId: 'PRJ-POULTRY-1' });
  }

  // G: found eligible, no plan yet: being prepared.
  const g = await malian('M', at(20));
  await eligible(g, 21);

  // F: a girl of 16 on her arrival.
  const f = await register({ person: { sex: 'F', nationality: 'MLI', dateOfBirth: isoDate(START + 30 * DAY - 16 * 365.25 * DAY) }, arrival: { mode: 'commercial', arrivedAt: at(30), fromCountry: 'LBY' } });
  await ok(f, '/reception', { centreCode: HOME, occurredAt: at(31) });

  // I: an unaccompanied boy from Guinea.
  await register({ person: { sex: 'M', nationality: 'GIN', dateOfBirth: isoDate(Date.now() - 15 * 365.25 * DAY) }, arrival: { mode: 'in_transit', arrivedAt: at(12), fromCountry: 'DZA' }, unaccompaniedMinor: true });

  // H and K: two travel-document requests of the period, one issued 50 days after it was made, one refused after 40.
  for (const [nationality, sex, day, answer] of [
    ['GIN', 'F', 50, { decision: 'issued', documentNumber: 'LP-GIN-9', validUntil: isoDate(Date.now() + 60 * DAY) }],
    ['CIV', 'M', 60, { decision: 'refused', reason: 'identity not established' }],
  ] as const) {
    const id = await register({ person: { sex, nationality }, arrival: { mode: 'in_transit', arrivedAt: at(day - 3), fromCountry: 'DZA' } });
    await ok(id, '/reception', { centreCode: HOME, occurredAt: at(day - 2), medical: { provided: true } });
    const requested = await ok(id, '/travel-documents', { documentType: 'laissez_passer', plannedDeparture: isoDate(Date.now() + 30 * DAY), occurredAt: at(day) });
    await answerThroughLink(requested.requestId, answer);
  }

  // An officer elsewhere: a return at another centre, which a supervisor of BKO-MMEIA never sees.
  const elsewhere = await stack.token('case_officer', { centres: ['GAO-PC'], sub: 'issa' });
  const res = await stack.api
    .post('/v1/cases')
    .set('Authorization', `Bearer ${elsewhere}`)
    .send(registrationBody({ centreCode: 'GAO-PC', arrival: { mode: 'commercial', arrivedAt: at(15), fromCountry: 'NER' } }));
  expect(res.status).toBe(201);
}

const report = (query: Record<string, string>, token = manager) =>
  stack.api.get('/v1/reports/programme').query({ from: FROM, to: TO, ...query }).set('Authorization', `Bearer ${token}`);

test('the programme report counts the known outcomes by their business dates', async () => {
  const res = await report({ lang: 'en', centre: HOME });
  expect(res.status).toBe(200);
  expect(res.body.period).toEqual({ from: FROM, to: TO });
  expect(res.body.centre).toBe(HOME);
  const f = res.body.figures;
  const v = (key: string) => [key, f[key].value];
  expect(v('returns.malians')).toEqual(['returns.malians', 6]); // A, C, D, E, G, F (not B)
  expect(f['returns.malians'].women).toBe(3); // A, E, F
  expect(v('returns.nonMalians')).toEqual(['returns.nonMalians', 0]);
  expect(v('returns.total')).toEqual(['returns.total', 6]);
  expect(f['minors.malian']).toMatchObject({ value: 1, girls: 1, boys: 0 });
  expect(f['minors.nonMalianUnaccompanied']).toMatchObject({ value: 1, girls: 0, boys: 1 });
  expect(f['medical.malian']).toMatchObject({ value: 1, women: 1 }); // A (B's reception is after the period)
  expect(f['medical.nonMalian']).toMatchObject({ value: 2, women: 1 });
  expect(f.psychologicalFirstAid).toMatchObject({ value: 1, women: 1 });
  expect(f['counselling.attended']).toMatchObject({ value: 5, women: 2 }); // A (twice), C, D, E, G
  expect(f['reintegration.started']).toMatchObject({ value: 5, women: 2 });
  expect(v('reintegration.beingPrepared')).toEqual(['reintegration.beingPrepared', 1]);
  expect(f['reintegration.collective']).toMatchObject({ value: 2, women: 1 });
  expect(v('reintegration.individual')).toEqual(['reintegration.individual', 1]);
  expect(f['reintegration.completed']).toMatchObject({ value: 1, women: 1 });
  expect(v('disbursed.xof')).toEqual(['disbursed.xof', 300_000]);
  expect(v('sustainability.surveyed')).toEqual(['sustainability.surveyed', 1]);
  expect(v('sustainability.sustainable')).toEqual(['sustainability.sustainable', 1]);
  expect(v('travelDocuments.requested')).toEqual(['travelDocuments.requested', 2]);
  expect(v('travelDocuments.issued')).toEqual(['travelDocuments.issued', 1]);
  expect(v('travelDocuments.refused')).toEqual(['travelDocuments.refused', 1]);
  // Answered now, asked 100 − 50 and 100 − 60 days ago (in whole days of the period): a median of about 45 days.
  const expected = ((Date.now() - Date.parse(at(50))) / DAY + (Date.now() - Date.parse(at(60))) / DAY) / 2;
  expect(Math.abs(f['travelDocuments.medianDaysToAnswer'].value - expected)).toBeLessThan(0.2);
  expect(f['planning.shareWithinOneMonth'].value).toBe(100);
  expect(f['reintegration.started'].definition).toMatch(/eligib/i);
  expect(res.body.breakdowns['returns.byCentre'].rows).toEqual([{ label: HOME, value: 6, women: 3 }]);
  for (const figure of Object.values(f) as { definition: string }[]) expect(figure.definition.length).toBeGreaterThan(10);
});

test('a period of one day counts its edges: an arrival at midnight on `from` counts, not one the day after', async () => {
  const res = await report({ to: FROM, centre: HOME });
  expect(res.status).toBe(200);
  expect(res.body.figures['returns.malians'].value).toBe(1);
  expect(res.body.figures['returns.malians'].definition).toMatch(/période/);
});

test('a bad period or parameter is refused, naming it', async () => {
  const after = await report({ from: TO, to: FROM });
  expect(after.status).toBe(422);
  expect(after.body.errors).toEqual([expect.objectContaining({ path: 'query.from' })]);
  const bad = await report({ to: '2019-02-30' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors[0].path).toBe('query.to');
  expect((await report({ lang: 'de' })).status).toBe(400);
  expect((await report({ format: 'pdf' })).status).toBe(400);
});

test('scopes: managers see the programme, a supervisor their centre, officers nothing', async () => {
  const all = await report({});
  expect(all.body.figures['returns.malians'].value).toBe(7); // the Gao return too
  const own = await report({}, supervisor);
  expect(own.status).toBe(200);
  expect(own.body.centre).toBe(HOME);
  expect(own.body.figures['returns.malians'].value).toBe(6);
  expect((await report({ centre: 'GAO-PC' }, supervisor)).status).toBe(403);
  const gaoSupervisor = await stack.token('supervisor', { centres: ['GAO-TRANSIT'], sub: 'oumar' });
  const gao = await report({}, gaoSupervisor);
  expect(gao.status).toBe(200);
  expect(gao.body.figures['returns.malians'].value).toBe(0);
  expect((await report({}, officer)).status).toBe(403);
  expect((await report({ centre: 'NOWHERE-1' })).status).toBe(404);
});

test('the CSV reads back as one row per figure', async () => {
  const res = await report({ format: 'csv', lang: 'fr', centre: HOME }).buffer(true).parse((r, done) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => (text += chunk));
    r.on('end', () => done(null, text));
  });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  const lines = (res.body as string).trim().split('\r\n');
  expect(lines[0]).toBe('key,value,women,girls,boys,definition');
  const rows = new Map(lines.slice(1).map((line) => [line.split(',')[0], line]));
  expect(rows.get('disbursed.xof')).toMatch(/^disbursed\.xof,300000,,,,/);
  expect(rows.get('minors.malian')).toMatch(/^minors\.malian,1,,1,0,/);
  expect(rows.get('reintegration.started')).toMatch(/^reintegration\.started,5,2,,,"?Cas distincts/);
});

(browserAvailable ? test : test.skip)('the printable page shows its charts in Chromium, without any script', async () => {
  const res = await report({ format: 'html', lang: 'fr', centre: HOME });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.text).not.toContain('<script');
  const server = (stack.app as unknown as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ extraHTTPHeaders: { Authorization: `Bearer ${manager}` } });
    // The page's styles and inline SVG pass the API's Content-Security-Policy (a refusal is logged to the console).
    const violations: string[] = [];
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/v1/reports/programme?from=${FROM}&to=${TO}&centre=${HOME}&lang=fr&format=html`);
    await page.locator('h1', { hasText: 'Bilan du programme' }).waitFor();
    const charts = page.locator('svg');
    expect(await charts.count()).toBe(5);
    for (let i = 0; i < 5; i++) expect(await charts.nth(i).isVisible()).toBe(true);
    expect(await page.locator('svg rect').count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
