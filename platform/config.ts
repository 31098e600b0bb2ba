import { createHmac } from 'node:crypto';
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
});

export type Env = z.infer<typeof EnvSchema>;

const DEV_AUTH_SECRET = 'sira-development-secret-change-me-0123456789';

/** Its own key, or one derived from AUTH_SECRET: a bearer token never verifies as a liaison link. */
function liaisonLinkSecret(own: string | undefined, authSecret: string | undefined): string | undefined {
  if (own) return own;
  return authSecret && createHmac('sha256', authSecret).update('sira liaison links').digest('base64url');
}

export interface Config extends Env {
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
  const slaMs = Object.fromEntries(
    SLA_KEYS.map((key) => [key, e[`SLA_${key.toUpperCase()}` as keyof Env] as number]),
  ) as Record<SlaKey, number>;
  return {
    ...e,
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
