import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createMailer } from '../activities/mailer';
import { createDb } from '../db';
import { type Config, loadConfigOrExit } from '../platform/config';
import { createLogger } from '../platform/logger';
import { upsertMonthlyReportSchedule } from '../platform/report-schedule';
import { upsertRetentionSchedule } from '../platform/retention-schedule';
import { connectTemporal, temporalConnectionOptions } from '../platform/temporal';
import { createWorker } from './create-worker';

export const BUNDLE_PATH = path.resolve(__dirname, '../dist/workflow-bundle.js');

export interface RunningWorker {
  done: Promise<void>;
  shutdown(): Promise<void>;
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Starts a worker on the configured task queue with the configured tuning, shutdown grace and
 * (opt-in) Worker Versioning; `shutdown` drains it and closes its connections. SIGINT and SIGTERM
 * reach it through the Temporal runtime, which shuts every worker down: running activities then
 * get WORKER_SHUTDOWN_GRACE to finish.
 */
export async function startWorker(config: Config, urls: { databaseUrl: string; smtpUrl: string }): Promise<RunningWorker> {
  const logger = createLogger(config.LOG_LEVEL, 'worker', config.LOG_FORMAT);
  const db = createDb(urls.databaseUrl, { max: 20 });
  const mailer = createMailer(urls.smtpUrl, config.MAIL_FROM);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const { connection: clientConnection, client } = await connectTemporal(config);
  const bundle = config.worker.workflowBundle ?? (existsSync(BUNDLE_PATH) ? BUNDLE_PATH : undefined);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db,
    mailer,
    config,
    temporal: client,
    workflowBundle: bundle ? { codePath: bundle } : undefined,
    tuning: config.worker.tuning,
    shutdownGraceTime: config.worker.shutdownGraceMs,
    deployment: config.worker.deployment,
  });
  // The worker is what runs the report, so it is the one that keeps the monthly Schedule in place.
  const schedule = await upsertMonthlyReportSchedule(client, config);
  // And the daily retention sweep, when a retention period is configured (removed when it no longer is).
  const retentionSchedule = await upsertRetentionSchedule(client, config);
  logger.info(
    {
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deployment: config.worker.deployment ?? 'unversioned',
      metricsPort: config.worker.metricsPort,
      shutdownGraceMs: config.worker.shutdownGraceMs,
      monthlyReportSchedule: schedule,
      retentionSchedule,
    },
    'worker started',
  );
  const onSignal = (signal: NodeJS.Signals) =>
    logger.info({ signal, shutdownGraceMs: config.worker.shutdownGraceMs }, 'worker shutting down: no new tasks, running activities may finish');
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, onSignal);
  const done = worker.run().finally(async () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    mailer.close();
    await db.destroy();
    await clientConnection.close();
    await connection.close();
    logger.info('worker stopped');
  });
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/**
 * Installs the Temporal runtime, once per process and before any connection: the SDK's own logs
 * (bundler output, state changes) at warnings and above, and, with a metrics port, its Prometheus
 * endpoint serving the `temporal_*` series (task latencies, slots, polls, cache, requests).
 */
export function installRuntime(options: { metricsPort?: number } = {}): void {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(options.metricsPort ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${options.metricsPort}` } } } : {}),
    },
  });
}

if (require.main === module) {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL || !config.SMTP_URL) {
    console.error('npm run worker needs DATABASE_URL and SMTP_URL (npm start runs the whole stack with embedded defaults)');
    process.exit(1);
  }
  installRuntime({ metricsPort: config.worker.metricsPort });
  startWorker(config, { databaseUrl: config.DATABASE_URL, smtpUrl: config.SMTP_URL })
    .then((w) => w.done)
    .then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
}
