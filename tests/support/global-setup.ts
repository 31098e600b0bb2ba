import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { startTemporalDevServer } from '../../platform/temporal-dev-server';
import { ensureTool, PINNED } from '../../scripts/tools';
import { buildWorkflowBundle } from '../../worker/bundle';
import { freePort } from './free-port';

/**
 * Starts the servers once per run: Postgres (embedded unless DATABASE_URL is set) and a Temporal
 * dev server; bundles the workflows once. Each test file then takes its own database and task queue.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const dir = path.join(root, '.data', 'test');
  await mkdir(dir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];

  process.env.SIRA_TEST_TEMPORAL_CLI = ensureTool(PINNED.cli);
  process.env.SIRA_TEST_TEST_SERVER = ensureTool(PINNED.testServer);

  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pgDir = path.join(dir, `postgres-${process.pid}`);
    await rm(pgDir, { recursive: true, force: true });
    const pg = await startEmbeddedPostgres(pgDir, await freePort());
    adminUrl = pg.url;
    stops.push(async () => {
      await pg.stop();
      // As root in a folder the postgres user cannot enter, the data was kept elsewhere.
      for (const dir of new Set([pgDir, pg.dataDir])) await rm(dir, { recursive: true, force: true });
    });
  }
  process.env.SIRA_TEST_ADMIN_DATABASE_URL = adminUrl;

  const [temporal, bundle] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ cliPath: process.env.SIRA_TEST_TEMPORAL_CLI!, port })),
    buildWorkflowBundle(path.join(dir, 'workflow-bundle.js')),
  ]);
  stops.push(temporal.stop);
  process.env.SIRA_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.SIRA_TEST_WORKFLOW_BUNDLE = bundle;

  (globalThis as { __siraStops?: typeof stops }).__siraStops = stops;
}
