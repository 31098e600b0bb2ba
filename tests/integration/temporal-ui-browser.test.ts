import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { codecLinkUrl, signCodecLinkToken } from '../../platform/codec-link';
import { type RunningTemporal, startTemporalDevServer } from '../../platform/temporal-dev-server';
import { caseWorkflowId } from '../../workflows/ids';
import { registrationBody } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * A manager in the development UI (the Temporal CLI dev server's, no sign-in): they paste their
 * personal codec endpoint into the UI's settings (kept in the browser's localStorage), open a case's
 * workflow and read the registration, decoded, next to the case's current details. A case officer's
 * endpoint is refused, and the UI says so. Needs Debian's chromium, as the other browser tests.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
const maybe = available ? test : test.skip;
if (!available) console.warn(`skipping the Temporal UI browser test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

let temporal: RunningTemporal;
let stack: TestStack;
let api: Server;
let apiUrl: string;
let browser: BrowserContext | undefined;
let profile: string;
let caseId: string;

const FAMILY_NAME = 'Dembélé-Quivanne';

beforeAll(async () => {
  // A dev server of this file's own, with its UI (the run's shared server is headless), and no codec
  // endpoint configured for everyone: each manager brings their own.
  temporal = await startTemporalDevServer({ cliPath: process.env.SIRA_TEST_TEMPORAL_CLI!, port: await freePort(), uiPort: await freePort() });
  stack = await startTestStack({ TEMPORAL_UI_ORIGIN: temporal.uiUrl!, RATE_LIMIT_API_PER_MINUTE: '10000' }, { temporalAddress: temporal.address });
  api = (stack.app as unknown as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => api.once('listening', () => resolve()));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

  const officer = await stack.token('case_officer', { sub: 'awa' });
  const created = await stack.api
    .post('/v1/cases')
    .set('Authorization', `Bearer ${officer}`)
    .send(registrationBody({ person: { familyName: FAMILY_NAME } }))
    .expect(201);
  caseId = created.body.caseId;
  if (available) {
    profile = mkdtempSync(path.join(tmpdir(), 'sira-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise((resolve) => api?.close(resolve));
  await stack?.stop();
  await temporal?.stop();
});

/** The UI's data-encoder setting, as the UI itself keeps it (localStorage `endpoint`, a JSON string). */
async function useCodecEndpoint(page: Page, endpoint: string) {
  await page.goto(`${temporal.uiUrl}/namespaces/default/workflows`);
  // Runs in the page: its localStorage, which Node's types do not know of.
  await page.evaluate((value) => {
    const storage = (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage;
    storage.setItem('endpoint', JSON.stringify(value));
    storage.setItem('overrideRemoteCodecConfiguration', 'true');
  }, endpoint);
}

/** Everything the page says, its frames included (the UI renders summaries and details as Markdown in frames). */
async function pageText(page: Page): Promise<string> {
  const texts = await Promise.all(page.frames().map((frame) => frame.locator('body').innerText().catch(() => '')));
  return texts.join('\n').replace(/\s+/g, ' ');
}

async function eventuallyText(page: Page, ok: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await pageText(page);
    if (ok(text)) return text;
    if (Date.now() > deadline) {
      await page.screenshot({ path: path.join(tmpdir(), 'sira-temporal-ui-failure.png'), fullPage: true });
      return text;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The case workflow's page: its input (Timeline), then its cover page (User Metadata). */
async function openCase(page: Page, waitForInput: (text: string) => boolean): Promise<{ input: string; cover: string }> {
  await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(caseWorkflowId(caseId))}`);
  const input = await eventuallyText(page, waitForInput);
  await page.getByText('User Metadata').first().click();
  const cover = await eventuallyText(page, (text) => text.includes('Waiting for'));
  return { input, cover };
}

maybe("a manager's personal endpoint decodes the case's registration, next to its current details", async () => {
  const token = await signCodecLinkToken(stack.config.AUTH_SECRET, { sub: 'amadou', role: 'manager' }, 3_600_000);
  const page = await browser!.newPage();
  await useCodecEndpoint(page, codecLinkUrl(apiUrl, token));
  // The input is decoded through the codec: the registration's name appears on the page.
  const { input, cover } = await openCase(page, (text) => text.includes('"policy"') && text.includes(FAMILY_NAME));
  expect(input).toContain(FAMILY_NAME);
  expect(cover).toContain('Returnee case · reintegration · centre BKO-MMEIA · nationality MLI');
  expect(cover).toContain('Waiting for: Record reception');
  expect(cover).toContain('Due:');
  // No codec error banner ("Codec Server could not connect"), nor any other word of the codec failing.
  for (const text of [input, cover]) expect(text).not.toMatch(/codec server|data encoder/i);
  const decodes = await stack.db('audit_log').where({ object_type: 'temporal_payload', actor_sub: 'amadou', outcome: 'succeeded' });
  expect(decodes.length).toBeGreaterThan(0);
  await page.close();
}, 120_000);

maybe("a case officer's endpoint is refused: the registration stays unreadable and the UI says the codec failed", async () => {
  const token = await signCodecLinkToken(stack.config.AUTH_SECRET, { sub: 'awa', role: 'case_officer' }, 3_600_000);
  const page = await browser!.newPage();
  await useCodecEndpoint(page, codecLinkUrl(apiUrl, token));
  const { input, cover } = await openCase(page, (text) => text.includes('Codec Server could not connect'));
  expect(input).toContain('Codec Server could not connect');
  expect(input).not.toContain(FAMILY_NAME);
  // The cover page needs no decoding: what the case waits for is there all the same.
  expect(cover).toContain('Waiting for: Record reception');
  const refused = await stack.db('audit_log').where({ object_type: 'temporal_payload', actor_sub: 'awa' });
  expect(refused.map((r) => r.outcome)).toContain('denied');
  await page.close();
}, 120_000);
