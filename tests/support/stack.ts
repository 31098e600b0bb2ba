import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApp } from '../../api/app';
import { createTokenVerifier, signToken } from '../../api/auth';
import { createMailer } from '../../activities/mailer';
import { createDb, type Db } from '../../db';
import { prepareDatabase } from '../../db/migrate';
import type { Role } from '../../domain/reference';
import { dataConverter } from '../../platform/codec';
import { type Config, loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { type SmtpCatcher, startSmtpCatcher } from '../../platform/smtp-catcher';
import { createWorker } from '../../worker/create-worker';

export const TEST_SECRET = 'sira-test-secret-0123456789abcdefghijklmnop';

export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
}

/** A fresh database on the run's Postgres server (or the one named), migrated and seeded; dropped by `drop`. */
export async function freshDatabase(adminUrl = process.env.SIRA_TEST_ADMIN_DATABASE_URL): Promise<{ url: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error('SIRA_TEST_ADMIN_DATABASE_URL is not set: run through jest (global setup)');
  const name = `sira_t_${randomBytes(5).toString('hex')}`;
  const admin = createDb(adminUrl, { max: 1 });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const a = createDb(adminUrl, { max: 1 });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}

export interface TestStack {
  config: Config;
  db: Db;
  client: Client;
  smtp: SmtpCatcher;
  api: ReturnType<typeof request>;
  app: App;
  taskQueue: string;
  token(role: Role, options?: { centres?: string[]; sub?: string }): Promise<string>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Servers of a test file's own, for a test that stops them; the run's servers otherwise. */
export interface StackServers {
  temporalAddress?: string;
  adminDatabaseUrl?: string;
}

/**
 * Everything a test file needs against real servers: its own database, its own task queue on the
 * run's Temporal server, an in-process worker, the API app and a real SMTP catcher.
 */
export async function startTestStack(env: Record<string, string> = {}, servers: StackServers = {}): Promise<TestStack> {
  quietTemporalLogs();
  const address = servers.temporalAddress ?? process.env.SIRA_TEST_TEMPORAL_ADDRESS!;
  const database = await freshDatabase(servers.adminDatabaseUrl);
  const smtp = await startSmtpCatcher();
  const taskQueue = `test-${randomBytes(5).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: smtp.url,
    AUTH_SECRET: TEST_SECRET,
    PUBLIC_URL: 'http://sira.test',
    ...env,
  });
  const db = createDb(database.url);
  const mailer = createMailer(smtp.url, config.MAIL_FROM);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
  const nativeConnection = await NativeConnection.connect({ address });

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createWorker({
      connection: nativeConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue,
      db,
      mailer,
      config,
      temporal: client,
      workflowBundle: { codePath: process.env.SIRA_TEST_WORKFLOW_BUNDLE! },
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();

  const app = createApp({
    db,
    temporal: client,
    config,
    logger: createLogger('silent'),
    verifyToken: createTokenVerifier(config),
  });
  return {
    config,
    db,
    client,
    smtp,
    app,
    api: request(app),
    taskQueue,
    token: (role, options = {}) =>
      signToken(config, {
        role,
        sub: options.sub ?? `${role}-1`,
        centres: options.centres ?? (role === 'case_officer' || role === 'supervisor' ? ['BKO-MMEIA'] : []),
      }),
    stopWorker,
    startWorker,
    async stop() {
      await stopWorker();
      await nativeConnection.close();
      await connection.close();
      mailer.close();
      await db.destroy();
      await smtp.close();
      await database.drop();
    },
  };
}
