import path from 'node:path';
import { z } from 'zod';
import { type CasePolicy, SLA_KEYS, type SlaKey } from '../domain/case-policy';
import { parseDuration } from '../domain/duration';
import { ceilingXof } from '../domain/money';
import { HOST_COUNTRY } from '../domain/reference';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
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
  PROGRAMME_MANAGER_EMAIL: z.string().email().default('programme.manager@sira.local'),
  REINTEGRATION_CEILING_EUR: z.coerce.number().positive().default(3000),
  ARRIVAL_CASH_GRANT_XOF: z.coerce.number().int().nonnegative().default(52_000),
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
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  /** Where the API is reached from outside (links in e-mails). */
  publicUrl: string;
  dataDir: string;
  casePolicy: CasePolicy;
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.AUTH_SECRET && !e.AUTH_JWKS_URL) {
    throw new ConfigError([{ variable: 'AUTH_SECRET', message: 'set AUTH_SECRET or AUTH_JWKS_URL in production' }]);
  }
  const slaMs = Object.fromEntries(
    SLA_KEYS.map((key) => [key, e[`SLA_${key.toUpperCase()}` as keyof Env] as number]),
  ) as Record<SlaKey, number>;
  return {
    ...e,
    // Development default only: production must bring its own (checked above).
    AUTH_SECRET: e.AUTH_SECRET ?? (e.AUTH_JWKS_URL ? undefined : 'sira-development-secret-change-me-0123456789'),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    casePolicy: {
      hostCountry: HOST_COUNTRY,
      ceilingXof: ceilingXof(e.REINTEGRATION_CEILING_EUR),
      defaultCashGrantXof: e.ARRIVAL_CASH_GRANT_XOF,
      slaMs,
      monitoringVisitOffsetsMs: e.MONITORING_VISITS,
      sustainabilityThreshold: e.SUSTAINABILITY_THRESHOLD,
    },
  };
}
