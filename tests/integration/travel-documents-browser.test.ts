import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { registrationBody } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * A real browser follows the link from the captured e-mail and answers the form, without any
 * script on the page. Needs Debian's chromium: `apt-get install -y chromium` (CI installs it).
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
const maybe = available ? test : test.skip;
if (!available) console.warn(`skipping the browser test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

let stack: TestStack;
let server: Server;
let browser: BrowserContext | undefined;
let profile: string;
const DAY = 86_400_000;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_LIAISON_PER_MINUTE: '10000' });
  // The stack's app is an Express app; supertest's type only says it can be served.
  server = (stack.app as unknown as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

maybe('a liaison opens the e-mailed link in Chromium, issues the document, and the case is ready to depart', async () => {
  const officer = await stack.token('case_officer', { sub: 'awa' });
  const auth = { Authorization: `Bearer ${officer}` };
  const created = await stack.api
    .post('/v1/cases')
    .set(auth)
    .send(registrationBody({ person: { nationality: 'CIV', familyName: "N'Guessan" }, arrival: { mode: 'in_transit', fromCountry: 'DZA' } }));
  const caseId = created.body.caseId as string;
  await stack.api.post(`/v1/cases/${caseId}/reception`).set(auth).send({ centreCode: 'BKO-MMEIA' }).expect(200);
  await stack.api.post(`/v1/cases/${caseId}/counselling-sessions`).set(auth).send({ heldAt: new Date().toISOString() }).expect(200);
  const departure = new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10);
  const requested = await stack.api
    .post(`/v1/cases/${caseId}/travel-documents`)
    .set(auth)
    .send({ documentType: 'emergency_travel_certificate', plannedDeparture: departure })
    .expect(201);
  const requestId = requested.body.requestId as string;
  const mail = await stack.smtp.waitFor((m) => m.text.includes(requestId));
  // The e-mail's link names the public URL; the browser reaches the same path on this test's port.
  const link = /https?:\/\/\S+(\/liaison\/requests\/\S+)/.exec(mail.text)![1];
  const { port } = server.address() as AddressInfo;

  profile = mkdtempSync(path.join(tmpdir(), 'sira-chromium-'));
  // A fresh profile each run (playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    javaScriptEnabled: false,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}${link}`);
  expect(await page.locator('html').getAttribute('lang')).toBe('fr');
  expect(await page.textContent('body')).toContain("N'Guessan");

  const validUntil = new Date(Date.now() + 45 * DAY).toISOString().slice(0, 10);
  await page.fill('#documentNumber', 'ETC-CIV-0042');
  await page.fill('#validUntil', validUntil);
  await Promise.all([page.waitForNavigation(), page.click('#issued-form button[type=submit]')]);
  expect(await page.textContent('body')).toContain('votre réponse est enregistrée');
  expect(await page.textContent('#answer')).toContain('ETC-CIV-0042');

  let stage = '';
  for (let i = 0; i < 100 && stage !== 'ready_to_depart'; i++) {
    stage = (await stack.api.get(`/v1/cases/${caseId}`).set(auth)).body.stage;
    if (stage !== 'ready_to_depart') await new Promise((r) => setTimeout(r, 100));
  }
  expect(stage).toBe('ready_to_depart');
}, 90_000);
