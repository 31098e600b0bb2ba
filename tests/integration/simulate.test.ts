import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simulate, type SimulationResult } from '../../scripts/simulate/simulate';
import { startTestStack, TEST_SECRET, type TestStack } from '../support/stack';

/**
 * The programme simulator at a tiny scale (one charter, about eighty cases) against a real stack:
 * every step it plans is taken, the embassies answer through the links in the caught e-mails, the
 * pending cases are held and released at once, and the programme report matches what it did.
 */

let stack: TestStack;
let server: Server;
let mailDir: string;
let mailCopier: NodeJS.Timeout;
let result: SimulationResult;

beforeAll(async () => {
  stack = await startTestStack({
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    RATE_LIMIT_LIAISON_PER_MINUTE: '1000000',
  });
  // The embassies read their e-mails where the dev stack keeps them: an .eml file each in a folder.
  mailDir = mkdtempSync(path.join(os.tmpdir(), 'sira-simulate-mail-'));
  let copied = 0;
  mailCopier = setInterval(() => {
    for (; copied < stack.smtp.messages.length; copied++)
      writeFileSync(path.join(mailDir, `${copied}.eml`), stack.smtp.messages[copied].raw);
  }, 100);
  server = (stack.app as unknown as { listen(port: number, host: string): Server }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  result = await simulate({
    url: `http://127.0.0.1:${port}`,
    secret: TEST_SECRET,
    scale: 0.005,
    seed: 3,
    concurrency: 8,
    mailDir,
    progress: false,
    log: () => undefined,
  });
}, 180_000);

afterAll(async () => {
  clearInterval(mailCopier);
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
  rmSync(mailDir, { recursive: true, force: true });
});

it('takes every planned step: nothing refused, nothing abandoned', () => {
  expect(result.stats.refusals).toEqual([]);
  expect(result.stats.errors).toBe(0);
  expect(result.stats.stepsAbandoned).toBe(0);
  expect(result.stats.casesOpened).toBe(result.stats.journeysTotal);
});

it('the programme report matches the simulation, figure by figure', () => {
  const differing = result.rows
    .filter((r) => r.verdict !== 'match')
    .map((r) => `${r.key}: simulated ${JSON.stringify(r.truth)}, report ${JSON.stringify(r.report)}`);
  expect(differing).toEqual([]);
  expect(result.matched).toBe(true);
});

it('plays the whole programme: a charter, both tracks, embassies, plans paid and completed', () => {
  const value = (key: string) => result.truth[key]?.value ?? 0;
  expect(value('charters.arrived')).toBe(1);
  expect(value('returns.malians')).toBeGreaterThan(40);
  expect(value('returns.nonMalians')).toBeGreaterThan(10);
  expect(value('travelDocuments.issued')).toBeGreaterThan(10);
  expect(value('reintegration.started')).toBeGreaterThan(10);
  expect(value('disbursed.xof')).toBeGreaterThan(0);
  expect(value('reintegration.completed')).toBeGreaterThan(0);
  expect(value('flowMonitoring.observed')).toBeGreaterThan(0);
});

it('holds the pending cases of mid-January 2019 together, then releases them', () => {
  expect(result.bulkSuspension?.cases).toBeGreaterThan(0);
  expect(result.bulkResumption?.cases).toBe(result.bulkSuspension?.cases);
});
