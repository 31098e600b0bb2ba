import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { codecLinkUrl, signCodecLinkToken } from '../platform/codec-link';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { caseWorkflowId, flightWorkflowId, travelDocumentWorkflowId } from '../workflows/ids';
import { registrationBody } from '../tests/support/fixtures';
import { freePort } from '../tests/support/free-port';
import { startTestStack, type TestStack } from '../tests/support/stack';
import { buildWorkflowBundle } from '../worker/bundle';
import { ensureTool, PINNED } from './tools';

/**
 * `npm run screenshots`: pictures of the Temporal UI for the README's runbook (docs/images/). Starts a
 * stack of its own (embedded Postgres unless DATABASE_URL, a dev server with its UI, a worker and the
 * API, with deadlines of seconds), seeds work that is overdue, suspended, late to depart, waiting on an
 * embassy and technically stuck, then photographs the UI in Debian's headless Chromium as a manager
 * who has pasted their personal codec endpoint. Fictitious people only.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '../docs/images');
const DAY = 86_400_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const stops: (() => Promise<unknown>)[] = [];
  const work = mkdtempSync(path.join(tmpdir(), 'sira-screenshots-'));
  stops.push(async () => rmSync(work, { recursive: true, force: true }));
  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      const pg = await startEmbeddedPostgres(path.join(work, 'postgres'), await freePort());
      stops.push(pg.stop);
      adminUrl = pg.url;
    }
    const temporal = await startTemporalDevServer({ cliPath: ensureTool(PINNED.cli), port: await freePort(), uiPort: await freePort() });
    stops.push(temporal.stop);
    process.env.SIRA_TEST_ADMIN_DATABASE_URL = adminUrl;
    process.env.SIRA_TEST_WORKFLOW_BUNDLE = await buildWorkflowBundle(path.join(work, 'workflow-bundle.js'));

    // Deadlines of seconds, so that the seeded work is late by the time the pictures are taken.
    const stack = await startTestStack(
      {
        TEMPORAL_UI_ORIGIN: temporal.uiUrl!,
        SLA_RECEPTION: '4s',
        FLIGHT_DEPARTURE_GRACE: '1s',
        EMBASSY_REMINDER_INTERVAL: '3s',
        EMBASSY_REMINDERS: '1',
        RATE_LIMIT_API_PER_MINUTE: '100000',
      },
      { temporalAddress: temporal.address },
    );
    stops.unshift(stack.stop);
    const api = (stack.app as unknown as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => api.once('listening', () => resolve()));
    stops.unshift(() => new Promise((resolve) => api.close(resolve)));
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

    console.log('seeding …');
    const ids = await seed(stack);
    // Overdue marks, escalations and retries happen on the workflows' own clocks: give them a moment.
    await sleep(12_000);

    const manager = await signCodecLinkToken(stack.config.AUTH_SECRET, { sub: 'amadou', role: 'manager' }, 3_600_000);
    mkdirSync(OUT, { recursive: true });
    const profile = mkdtempSync(path.join(tmpdir(), 'sira-chromium-'));
    stops.unshift(async () => rmSync(profile, { recursive: true, force: true }));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    stops.unshift(() => browser.close());
    const page = await browser.newPage();
    const ui = temporal.uiUrl!;
    await page.goto(`${ui}/namespaces/default/workflows`);
    await page.evaluate((endpoint) => {
      const storage = (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage;
      storage.setItem('endpoint', JSON.stringify(endpoint));
    }, codecLinkUrl(apiUrl, manager));

    const list = async (file: string, query: string, columns: string[]) => {
      await useColumns(page, columns);
      await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      await settle(page);
      await shoot(page, file);
    };
    const caseColumns = ['CaseCentre', 'CaseStage', 'CaseOpenTask', 'CaseDueAt', 'CaseOverdue', 'CaseSuspended', 'CaseOfficer'];
    await list('ui-overdue-cases.png', `WorkflowType = 'returneeCase' AND CaseOverdue = true AND CaseCentre = 'BKO-MMEIA' AND ExecutionStatus = 'Running'`, caseColumns);
    await list('ui-suspended-cases.png', `WorkflowType = 'returneeCase' AND CaseSuspended = true AND ExecutionStatus = 'Running'`, caseColumns);
    await list('ui-flights-past-departure.png', `WorkflowType = 'charterFlight' AND CaseOverdue = true AND ExecutionStatus = 'Running'`, ['FlightId', 'FlightStatus', 'CaseDueAt', 'CaseOverdue']);
    await list(
      'ui-waiting-on-embassy.png',
      `WorkflowType = 'travelDocument' AND TravelDocStatus IN ('sent', 'interview_scheduled', 'renewal_requested') AND ExecutionStatus = 'Running'`,
      ['TravelDocStatus', 'CaseNationality', 'CaseCentre', 'CaseDueAt', 'CaseOverdue'],
    );

    const tab = async (file: string, workflowId: string, name: string) => {
      await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
      await settle(page);
      await page.getByText(name).first().click();
      await settle(page);
      await shoot(page, file);
    };
    await tab('ui-case-cover-page.png', caseWorkflowId(ids.overdueCase), 'User Metadata');
    await tab('ui-case-decoded-input.png', caseWorkflowId(ids.overdueCase), 'Timeline');
    await tab('ui-flight-cover-page.png', flightWorkflowId(ids.flight), 'User Metadata');
    await tab('ui-technical-problem.png', travelDocumentWorkflowId(ids.stuckRequest), 'Pending Activities');
    console.log(`screenshots in ${path.relative(process.cwd(), OUT)}/`);
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => console.error(error));
  }
}

/** Lets the UI load and decode (it polls and decodes asynchronously, so the network is never quite idle). */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  await sleep(1500);
}

/** The list's columns, as the UI keeps them once chosen under "Configure columns": Status and ID pinned, then these. */
async function useColumns(page: Page, attributes: string[]) {
  const columns = [
    { label: 'Status', pinned: true },
    { label: 'Workflow ID', pinned: true },
    ...attributes.map((label) => ({ label, pinned: false })),
  ];
  await page.evaluate((value) => {
    const storage = (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage;
    storage.setItem('namespace-workflow-table-columns', JSON.stringify({ default: value }));
  }, columns);
}

async function shoot(page: Page, file: string) {
  await page.screenshot({ path: path.join(OUT, file) });
  console.log(`  ${file}`);
}

/** Fictitious work in every state the runbook talks about. */
async function seed(stack: TestStack) {
  const officer = await stack.token('case_officer', { sub: 'awa', centres: ['BKO-MMEIA', 'GAO-PC'] });
  const supervisor = await stack.token('supervisor', { sub: 'fatoumata', centres: ['BKO-MMEIA'] });
  const movement = await stack.token('movement_officer', { sub: 'moussa' });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const register = async (body: object) => (await stack.api.post('/v1/cases').set(as(officer)).send(body).expect(201)).body.caseId as string;

  // Overdue: nobody recorded the reception in time (twice the time: the programme manager hears too).
  const overdueCase = await register(registrationBody({ person: { familyName: 'Coulibaly', givenName: 'Mariam' } }));
  await register(registrationBody({ person: { familyName: 'Diallo', givenName: 'Ousmane' } }));
  // Suspended: the clocks stop.
  const held = await register(registrationBody({ person: { familyName: 'Keïta', givenName: 'Sékou' } }));
  await stack.api.post(`/v1/cases/${held}/reception`).set(as(officer)).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  await stack.api.post(`/v1/cases/${held}/suspension`).set(as(supervisor)).send({ reason: 'hospitalised; resume on discharge' }).expect(200);
  // On time.
  const onTime = await register(registrationBody({ centreCode: 'GAO-PC', person: { familyName: 'Maïga', givenName: 'Aïssata' } }));
  await stack.api.post(`/v1/cases/${onTime}/reception`).set(as(officer)).send({ centreCode: 'GAO-PC' }).expect(200);

  // Waiting on an embassy: reminders, then an escalation to the programme manager.
  const transit = await register(
    registrationBody({ person: { nationality: 'GIN', familyName: 'Camara', givenName: 'Ibrahima' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }),
  );
  await stack.api.post(`/v1/cases/${transit}/reception`).set(as(officer)).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  const departure = new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10);
  await stack.api.post(`/v1/cases/${transit}/travel-documents`).set(as(officer)).send({ documentType: 'laissez_passer', plannedDeparture: departure }).expect(201);

  // A charter flight that does not depart on time.
  const flight = await stack.api
    .post('/v1/flights')
    .set(as(movement))
    .send({ flightNumber: '5A 1033', origin: 'LBY-TIP', destination: 'MLI-BKO', scheduledDeparture: new Date(Date.now() + 3000).toISOString(), capacity: 160 })
    .expect(201);

  // Technical: the mail server goes away, and the next request's e-mail keeps failing.
  const ivorian = await register(
    registrationBody({ person: { nationality: 'CIV', familyName: "N'Guessan", givenName: 'Aya' }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }),
  );
  await stack.api.post(`/v1/cases/${ivorian}/reception`).set(as(officer)).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  // After the Guinean request's reminder and escalation have gone out.
  await sleep(9000);
  await stack.smtp.close();
  const stuck = await stack.api
    .post(`/v1/cases/${ivorian}/travel-documents`)
    .set(as(officer))
    .send({ documentType: 'emergency_travel_certificate', plannedDeparture: departure })
    .expect(201);
  return { overdueCase, flight: flight.body.flightId as string, stuckRequest: stuck.body.requestId as string };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
