import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startApi } from '../api/main';
import { signToken } from '../api/auth';
import { prepareDatabase } from '../db/migrate';
import { ConfigError, loadConfig } from '../platform/config';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { startSmtpCatcher } from '../platform/smtp-catcher';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { installRuntime, startWorker } from '../worker/main';
import { ensureTool, PINNED } from './tools';

/** Relative to the current folder when inside it. */
const shortPath = (file: string) => (file.startsWith(`${process.cwd()}${path.sep}`) ? path.relative(process.cwd(), file) : file);

/**
 * `npm start`: the whole stack on one machine. Postgres, Temporal and SMTP are started only when
 * their URL is not configured; then the worker and the API. Ctrl-C stops everything it started.
 */
async function main() {
  const config = loadConfig();
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping …');
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(String(e)));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    await mkdir(config.dataDir, { recursive: true });
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), config.EMBEDDED_PG_PORT);
      stops.push(pg.stop);
      databaseUrl = pg.url;
      console.log(`postgres     ${pg.url.replace(/:[^:@/]+@/, ':***@')} (embedded, data in ${shortPath(pg.dataDir)})`);
    }
    await prepareDatabase(databaseUrl);

    let uiUrl = process.env.TEMPORAL_UI_URL;
    if (!config.TEMPORAL_ADDRESS) {
      const temporal = await startTemporalDevServer({
        cliPath: ensureTool(PINNED.cli),
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        namespace: config.TEMPORAL_NAMESPACE,
        retentionMs: config.TEMPORAL_NAMESPACE_RETENTION,
        // No codec endpoint for everyone: this UI has no sign-in, so each manager pastes their own
        // (npm run token -- --codec) into the UI's data-encoder setting and decodes as themselves.
      });
      stops.push(temporal.stop);
      uiUrl = temporal.uiUrl;
      console.log(`temporal     ${temporal.address} (dev server, data in ${path.join(config.DATA_DIR, 'temporal.db')})`);
    }

    let smtpUrl = config.SMTP_URL;
    if (!smtpUrl) {
      const mailDir = path.join(config.dataDir, 'mail');
      const catcher = await startSmtpCatcher({ port: config.SMTP_CATCHER_PORT, dir: mailDir });
      stops.push(catcher.close);
      smtpUrl = catcher.url;
      console.log(`smtp         ${catcher.url} (catcher: every message kept in ${path.join(config.DATA_DIR, 'mail')})`);
    }

    installRuntime({ metricsPort: config.worker.metricsPort });
    const worker = await startWorker(config, { databaseUrl, smtpUrl });
    stops.push(worker.shutdown);
    worker.done.catch((error) => {
      console.error('worker stopped:', error);
      void stopAll(1);
    });
    const api = await startApi(config, databaseUrl);
    stops.push(api.close);

    const token = await signToken(config, { sub: 'dev-officer', role: 'case_officer', centres: ['BKO-MMEIA'] });
    console.log(`
Sira is running.
  API          ${api.url}
  OpenAPI      ${api.url}/openapi.json
  Temporal UI  ${uiUrl ?? '(external Temporal: open your own UI)'}
  Sample token (case officer at BKO-MMEIA):
    ${token}
  More tokens: npm run token -- --role supervisor --centre BKO-MMEIA --sub sup1
  Read payloads in the UI as a manager: npm run -s token -- --codec --role manager --sub amadou
    and paste the address it prints into the UI's Codec Server setting (the </> icon, top right).
Ctrl-C stops everything.`);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await stopAll(1);
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
