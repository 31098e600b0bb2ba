import type { VersioningBehavior } from '@temporalio/common';
import { execFileSync } from 'node:child_process';
import { createHmac, createPrivateKey, X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type CasePolicy, SLA_KEYS, type SlaKey } from '../domain/case-policy';
import { parseDuration } from '../domain/duration';
import { ceilingXof } from '../domain/money';
import type { FlightPolicy } from '../domain/flight';
import type { TravelDocumentPolicy } from '../domain/travel-document';
import { HOST_COUNTRY } from '../domain/reference';
import { REPORT_LANGUAGES } from '../domain/report';
import { parseCodecKeys } from './codec';

/** A duration setting; `allowZero` for a margin that may be none at all (e.g. `0s`). */
const duration = (fallback: string, { allowZero = false } = {}) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      if (allowZero && /^\s*0+(\.0+)?\s*(ms|s|m|h|d|w)?\s*$/.test(text)) return 0;
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 30d, 72h, 20s or 500ms` });
        return z.NEVER;
      }
      return ms;
    });

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const optionalPort = z.coerce.number().int().min(1).max(65535).optional();
const optionalCount = (min: number) => z.coerce.number().int().min(min).optional();

/**
 * PEM material for the Temporal connection: the text itself (starting with `-----BEGIN`, newlines
 * as is or written `\n`) or the path of a file holding it. Read and parsed at start-up, so a wrong
 * path or a key given for a certificate stops the process with the variable's name.
 */
const pem = <T>(kind: string, parse: (pem: Buffer) => T) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const inline = value.trimStart().startsWith('-----BEGIN');
      let text: Buffer;
      try {
        text = inline ? Buffer.from(value.replace(/\\n/g, '\n')) : readFileSync(value);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
        ctx.addIssue({ code: 'custom', message: `cannot read ${value} (${why})` });
        return z.NEVER;
      }
      try {
        return { pem: text, parsed: parse(text) };
      } catch {
        ctx.addIssue({ code: 'custom', message: `${inline ? 'the value' : value} is not a PEM ${kind}` });
        return z.NEVER;
      }
    });

/** Worker Versioning names: no spaces; a deployment name has no dot either (the server joins it to the build id with one). */
const deploymentName = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][\w\-+@:/]*$/, 'letters, digits and - _ + @ : / only (no dots, no spaces)')
  .optional();
const buildId = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][\w\-+@:/.]*$/, 'letters, digits and . - _ + @ : / only (no spaces)')
  .optional();
const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  PORT: port(3000),
  PUBLIC_URL: optionalUrl,
  DATABASE_URL: optionalUrl,
  EMBEDDED_PG_PORT: port(5433),
  TEMPORAL_ADDRESS: z.string().min(3).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('sira'),
  TEMPORAL_DEV_PORT: port(7233),
  /** How long the dev server's namespace keeps closed workflow histories (compose: deploy/temporal/setup-namespace.sh). */
  TEMPORAL_NAMESPACE_RETENTION: duration('30d'),
  TEMPORAL_UI_PORT: port(8233),
  SMTP_URL: optionalUrl,
  SMTP_CATCHER_PORT: port(2525),
  MAIL_FROM: z.string().email().default('sira@localhost'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** Payload codec keys, `id:base64key` separated by commas; the first encrypts, all decrypt. */
  SIRA_CODEC_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      if (text === undefined) return;
      try {
        parseCodecKeys(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Origins of the Temporal UI allowed to call the codec endpoint, separated by commas. */
  TEMPORAL_UI_ORIGIN: z.string().optional(),
  /** How long a personal codec endpoint (`npm run token -- --codec`) stays valid. */
  CODEC_LINK_TTL: duration('8h'),
  /** An activity retrying for longer than this is stuck technical work (`GET /v1/cases/stuck?kind=technical`). */
  STUCK_ACTIVITY_AFTER: duration('15m'),
  /** Requests per minute per bearer token on /v1 and per client address on /liaison. */
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_LIAISON_PER_MINUTE: z.coerce.number().int().positive().default(30),
  PROGRAMME_MANAGER_EMAIL: z.string().email().default('programme.manager@sira.local'),
  /** The language of the programme report e-mailed to the programme manager each month. */
  REPORT_LANGUAGE: z.enum(REPORT_LANGUAGES).default('fr'),
  /** Signs the embassy liaisons' links; derived from AUTH_SECRET when unset. */
  LIAISON_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LIAISON_LINK_TTL: duration('30d'),
  /** How long the API waits for a workflow to take a step (or a case to be registered) before answering 503. */
  UPDATE_DEADLINE: duration('30s'),
  /** How long the answer to a request with an Idempotency-Key is kept for its retries. */
  IDEMPOTENCY_KEY_TTL: duration('24h'),
  EMBASSY_REMINDER_INTERVAL: duration('7d'),
  EMBASSY_REMINDERS: z.coerce.number().int().min(0).max(20).default(3),
  /** After the first escalation, how often the programme manager hears again while the embassy does not answer. */
  EMBASSY_ESCALATION_INTERVAL: duration('14d'),
  /** How long before an issued travel document lapses its renewal is asked for, if the person is still here. */
  TRAVEL_DOCUMENT_RENEWAL_LEAD: duration('7d'),
  /** Who hears of a renewal; the case's centre (its supervisor address) when unset. */
  TRAVEL_DOCUMENT_NOTIFY_EMAIL: z.string().email().optional(),
  REINTEGRATION_CEILING_EUR: z.coerce.number().positive().default(3000),
  ARRIVAL_CASH_GRANT_XOF: z.coerce.number().int().nonnegative().default(52_000),
  /** An arrival cash grant above this needs a supervisor's approval (by default: above the standard grant). */
  ARRIVAL_CASH_GRANT_CAP_XOF: z.coerce.number().int().nonnegative().default(52_000),
  /** Returns from this day count as within the programme; until PROGRAMME_ENDS_ON when it has ended. */
  PROGRAMME_STARTS_ON: z.iso.date().default('2017-05-17'),
  PROGRAMME_ENDS_ON: z.iso.date().optional(),
  /**
   * How long after its closure a case's personal data is kept before the daily retention sweep erases
   * it: a duration (`30d`) or whole years (`5y`, 365 days each); unset or empty: kept until an admin erases it.
   */
  RETENTION_AFTER_CLOSURE: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return undefined;
      const years = /^\s*(\d+)\s*y\s*$/.exec(text);
      const ms = years ? Number(years[1]) * 365 * 86_400_000 : parseDuration(text);
      if (!ms) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a retention period such as 5y, 180d or 72h` });
        return z.NEVER;
      }
      return ms;
    }),
  /** How early a monitoring visit may come before its scheduled offset and still count. */
  MONITORING_EARLY_WINDOW: duration('14d', { allowZero: true }),
  SUSTAINABILITY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.66),
  MONITORING_VISITS: z
    .string()
    .default('90d,180d,365d')
    .transform((text, ctx) => {
      const offsets = text.split(',').map((part) => parseDuration(part));
      if (offsets.some((o) => o === undefined) || offsets.some((o, i) => i > 0 && o! <= offsets[i - 1]!)) {
        ctx.addIssue({ code: 'custom', message: 'must be increasing durations separated by commas, e.g. 90d,180d,365d' });
        return z.NEVER;
      }
      return offsets as number[];
    }),
  SLA_RECEPTION: duration('3d'),
  SLA_COUNSELLING: duration('14d'),
  SLA_ELIGIBILITY: duration('14d'),
  SLA_PLANNING: duration('30d'),
  SLA_APPROVAL: duration('7d'),
  SLA_DISBURSING: duration('60d'),
  SLA_TRAVEL_DOCUMENT: duration('30d'),
  /** A passenger's fit-to-travel check may be at most this old at the flight's scheduled departure. */
  FIT_TO_TRAVEL_WINDOW: duration('72h'),
  /** A flight not departed this long after its scheduled time is flagged overdue. */
  FLIGHT_DEPARTURE_GRACE: duration('6h'),

  /** `json` (one object a line, for collectors) or `pretty` (lines for a terminal); by default pretty only on a terminal outside production. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

  /** TLS to the Temporal frontend: mTLS client certificate and key, the CA that signed the server's certificate, its name. */
  TEMPORAL_TLS_CERT: pem('certificate', (text) => new X509Certificate(text)),
  TEMPORAL_TLS_KEY: pem('private key', (text) => createPrivateKey(text)),
  TEMPORAL_TLS_CA: pem('certificate', (text) => new X509Certificate(text)),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** TLS on or off explicitly; by default on when any TEMPORAL_TLS_* or TEMPORAL_API_KEY is set. */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  /** A Temporal Cloud API key (sent as a bearer token; TLS on). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),

  /** Where the worker serves the Temporal SDK's Prometheus metrics (`temporal_*`); none when unset. */
  WORKER_METRICS_PORT: optionalPort,
  /** How long running activities get to finish after SIGTERM/SIGINT before they are cancelled. */
  WORKER_SHUTDOWN_GRACE: duration('30s', { allowZero: true }),
  /**
   * Workflows kept in the worker's sticky cache (about 0.5 MB each). Bounded, so the worker's memory
   * stays flat however many cases are open: a workflow evicted replays its history when it next steps.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(50),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: optionalCount(1),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalCount(1),
  /** Worker Versioning (opt-in): the deployment this worker belongs to. */
  WORKER_DEPLOYMENT_NAME: deploymentName,
  /** This worker's build; defaults to SIRA_BUILD_ID (the image's build argument), then the git commit. */
  WORKER_BUILD_ID: buildId,
  /** Set by the Dockerfile from its SIRA_BUILD_ID build argument. */
  SIRA_BUILD_ID: buildId,
  /** What a workflow started on this version does when a newer version becomes current. */
  WORKER_VERSIONING_BEHAVIOR: z.enum(['AUTO_UPGRADE', 'PINNED']).default('AUTO_UPGRADE'),
  /** A prebuilt workflow bundle; by default dist/workflow-bundle.js when it exists (the image builds it). */
  WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

const DEV_AUTH_SECRET = 'sira-development-secret-change-me-0123456789';

/** Its own key, or one derived from AUTH_SECRET: a bearer token never verifies as a liaison link. */
function liaisonLinkSecret(own: string | undefined, authSecret: string | undefined): string | undefined {
  if (own) return own;
  return authSecret && createHmac('sha256', authSecret).update('sira liaison links').digest('base64url');
}

/** The worker's operational settings, ready for Worker.create. */
export interface WorkerSettings {
  metricsPort?: number;
  shutdownGraceMs: number;
  tuning: {
    maxConcurrentActivityTaskExecutions: number;
    maxConcurrentLocalActivityExecutions?: number;
    maxConcurrentWorkflowTaskExecutions?: number;
    maxCachedWorkflows?: number;
  };
  /** Present when Worker Versioning is on. */
  deployment?: { deploymentName: string; buildId: string; defaultVersioningBehavior: VersioningBehavior };
  workflowBundle?: string;
}

export interface Config extends Env {
  worker: WorkerSettings;
  /** Where the API is reached from outside (links in e-mails). */
  publicUrl: string;
  /** Where the Temporal UI runs: the only origins the codec endpoint answers cross-origin. */
  temporalUiOrigins: string[];
  dataDir: string;
  casePolicy: CasePolicy;
  travelDocumentPolicy: TravelDocumentPolicy;
  flightPolicy: FlightPolicy;
  /** The HMAC key of liaison links; undefined only when neither it nor AUTH_SECRET is set. */
  liaisonLinkSecret?: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means unset (as in `DATABASE_URL= npm start`).
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.AUTH_SECRET && !e.AUTH_JWKS_URL) {
    throw new ConfigError([{ variable: 'AUTH_SECRET', message: 'set AUTH_SECRET or AUTH_JWKS_URL in production' }]);
  }
  if (e.NODE_ENV === 'production' && !e.SIRA_CODEC_KEYS) {
    throw new ConfigError([{ variable: 'SIRA_CODEC_KEYS', message: 'set the payload encryption keys in production' }]);
  }
  const issues: ConfigError['issues'] = [];
  checkTemporalConnection(e, issues);
  const worker = workerSettings(e, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const slaMs = Object.fromEntries(
    SLA_KEYS.map((key) => [key, e[`SLA_${key.toUpperCase()}` as keyof Env] as number]),
  ) as Record<SlaKey, number>;
  return {
    ...e,
    worker,
    // Development default only: production must bring its own (checked above).
    AUTH_SECRET: e.AUTH_SECRET ?? (e.AUTH_JWKS_URL ? undefined : DEV_AUTH_SECRET),
    temporalUiOrigins: (e.TEMPORAL_UI_ORIGIN ?? `http://localhost:${e.TEMPORAL_UI_PORT},http://127.0.0.1:${e.TEMPORAL_UI_PORT}`)
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter(Boolean),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    flightPolicy: { fitToTravelWindowMs: e.FIT_TO_TRAVEL_WINDOW, departureGraceMs: e.FLIGHT_DEPARTURE_GRACE },
    travelDocumentPolicy: {
      reminderIntervalMs: e.EMBASSY_REMINDER_INTERVAL,
      maxReminders: e.EMBASSY_REMINDERS,
      escalationIntervalMs: e.EMBASSY_ESCALATION_INTERVAL,
      renewalLeadMs: e.TRAVEL_DOCUMENT_RENEWAL_LEAD,
    },
    liaisonLinkSecret: liaisonLinkSecret(e.LIAISON_LINK_SECRET, e.AUTH_SECRET ?? (e.AUTH_JWKS_URL ? undefined : DEV_AUTH_SECRET)),
    casePolicy: {
      hostCountry: HOST_COUNTRY,
      ceilingXof: ceilingXof(e.REINTEGRATION_CEILING_EUR),
      defaultCashGrantXof: e.ARRIVAL_CASH_GRANT_XOF,
      slaMs,
      monitoringVisitOffsetsMs: e.MONITORING_VISITS,
      sustainabilityThreshold: e.SUSTAINABILITY_THRESHOLD,
      monitoringEarlyWindowMs: e.MONITORING_EARLY_WINDOW,
      programmeWindow: { startsOn: e.PROGRAMME_STARTS_ON, ...(e.PROGRAMME_ENDS_ON ? { endsOn: e.PROGRAMME_ENDS_ON } : {}) },
      cashGrantCapXof: e.ARRIVAL_CASH_GRANT_CAP_XOF,
    },
  };
}

/** TLS and API key for the Temporal frontend: the combinations that cannot work are added to `issues`. */
function checkTemporalConnection(e: Env, issues: ConfigError['issues']): void {
  const { TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: serverName } = e;
  if (cert && !key) issues.push({ variable: 'TEMPORAL_TLS_KEY', message: "set it with TEMPORAL_TLS_CERT: the client certificate's private key" });
  if (key && !cert) issues.push({ variable: 'TEMPORAL_TLS_CERT', message: 'set it with TEMPORAL_TLS_KEY: the client certificate the key belongs to' });
  if (cert && key && !cert.parsed.checkPrivateKey(key.parsed)) {
    issues.push({ variable: 'TEMPORAL_TLS_KEY', message: 'is not the private key of TEMPORAL_TLS_CERT' });
  }
  if (cert && new Date(cert.parsed.validTo) < new Date()) {
    issues.push({ variable: 'TEMPORAL_TLS_CERT', message: `expired on ${new Date(cert.parsed.validTo).toISOString()}` });
  }
  const tlsMaterial = Boolean(cert || key || ca || serverName);
  if (e.TEMPORAL_TLS === 'false' && tlsMaterial) {
    issues.push({ variable: 'TEMPORAL_TLS', message: 'is false while TEMPORAL_TLS_CERT, _KEY, _CA or _SERVER_NAME is set' });
  }
  if (!e.TEMPORAL_ADDRESS && (tlsMaterial || e.TEMPORAL_API_KEY || e.TEMPORAL_TLS === 'true')) {
    issues.push({
      variable: 'TEMPORAL_ADDRESS',
      message: 'TLS and API keys are for a Temporal server of your own or Temporal Cloud: set its address (the dev server runs without them)',
    });
  }
}

/** The commit this checkout is at, for a build id outside an image; undefined outside git. */
function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

function workerSettings(e: Env, issues: ConfigError['issues']): WorkerSettings {
  if ((e.WORKER_MAX_CACHED_WORKFLOWS ?? 1) > 0 && e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS === 1) {
    issues.push({ variable: 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', message: 'must be at least 2 while workflows are cached (WORKER_MAX_CACHED_WORKFLOWS=0 turns the cache off)' });
  }
  let deployment: WorkerSettings['deployment'];
  if (e.WORKER_DEPLOYMENT_NAME) {
    const buildId = e.WORKER_BUILD_ID ?? e.SIRA_BUILD_ID ?? gitCommit();
    if (!buildId) issues.push({ variable: 'WORKER_BUILD_ID', message: 'Worker Versioning needs a build id: set WORKER_BUILD_ID (or build the image with SIRA_BUILD_ID)' });
    else deployment = { deploymentName: e.WORKER_DEPLOYMENT_NAME, buildId, defaultVersioningBehavior: e.WORKER_VERSIONING_BEHAVIOR };
  } else if (e.WORKER_BUILD_ID) {
    issues.push({ variable: 'WORKER_BUILD_ID', message: 'takes effect with WORKER_DEPLOYMENT_NAME: set both to turn Worker Versioning on' });
  }
  if (e.WORKER_WORKFLOW_BUNDLE) {
    try {
      accessSync(e.WORKER_WORKFLOW_BUNDLE, constants.R_OK);
    } catch {
      issues.push({ variable: 'WORKER_WORKFLOW_BUNDLE', message: `cannot read ${e.WORKER_WORKFLOW_BUNDLE}` });
    }
  }
  return {
    metricsPort: e.WORKER_METRICS_PORT,
    shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE,
    tuning: {
      maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      ...(e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES ? { maxConcurrentLocalActivityExecutions: e.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES } : {}),
      ...(e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS ? { maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS } : {}),
      ...(e.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    },
    ...(deployment ? { deployment } : {}),
    ...(e.WORKER_WORKFLOW_BUNDLE ? { workflowBundle: path.resolve(e.WORKER_WORKFLOW_BUNDLE) } : {}),
  };
}

/** For entry points: the configuration, or a message naming each bad variable and exit code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
