import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createMailer } from '../activities/mailer';
import { createDb } from '../db';
import { type Config, loadConfigOrExit } from '../platform/config';
import { createLogger } from '../platform/logger';
import { upsertMonthlyReportSchedule } from '../platform/report-schedule';
import { connectTemporal, temporalAddress } from '../platform/temporal';
import { createWorker } from './create-worker';

export const BUNDLE_PATH = path.resolve(__dirname, '../dist/workflow-bundle.js');

export interface RunningWorker {
  done: Promise<void>;
  shutdown(): Promise<void>;
}

/** Starts a worker on the configured task queue; `shutdown` drains it and closes its connections. */
export async function startWorker(config: Config, urls: { databaseUrl: string; smtpUrl: string }): Promise<RunningWorker> {
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const db = createDb(urls.databaseUrl, { max: 20 });
  const mailer = createMailer(urls.smtpUrl, config.MAIL_FROM);
  const connection = await NativeConnection.connect({ address: temporalAddress(config) });
  const { connection: clientConnection, client } = await connectTemporal(config);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
    mailer,
    config,
    temporal: client,
    workflowBundle: existsSync(BUNDLE_PATH) ? { codePath: BUNDLE_PATH } : undefined,
  });
  // The worker is what runs the report, so it is the one that keeps the monthly Schedule in place.
  const schedule = await upsertMonthlyReportSchedule(client, config);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, monthlyReportSchedule: schedule }, 'worker started');
  const done = worker.run().finally(async () => {
    mailer.close();
    await db.destroy();
    await clientConnection.close();
    await connection.close();
  });
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** Keeps the SDK's own logs (bundler output, state changes) at warnings and above. */
export function quietRuntime(level: 'WARN' | 'ERROR' = 'WARN') {
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level }), forward: {} } },
  });
}

if (require.main === module) {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL || !config.SMTP_URL) {
    console.error('npm run worker needs DATABASE_URL and SMTP_URL (npm start runs the whole stack with embedded defaults)');
    process.exit(1);
  }
  // The Runtime wires SIGINT/SIGTERM to a graceful worker shutdown.
  quietRuntime();
  startWorker(config, { databaseUrl: config.DATABASE_URL, smtpUrl: config.SMTP_URL })
    .then((w) => w.done)
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
