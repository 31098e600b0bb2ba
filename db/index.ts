import knex, { type Knex, KnexTimeoutError } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

export type Db = Knex;

// Dates stay strings in ISO form when read back as DATE (not shifted by the local time zone).
pg.types.setTypeParser(1082, (value: string) => value);
// BIGINT counts fit comfortably in a JS number here (row counts, XOF amounts).
pg.types.setTypeParser(20, (value: string) => Number(value));

// Bounds every wait for a connection, so that a Postgres that is down or unreachable is a quick 503
// (or a retried activity), never a request left hanging.
const CONNECT_TIMEOUT_MS = 5_000;

export function createDb(connectionString: string, pool: { min?: number; max?: number } = {}): Db {
  return knex({
    client: 'pg',
    connection: { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

/** True when no pooled connection came in time: Postgres is down, unreachable or overwhelmed. */
export const isConnectionTimeout = (error: unknown): boolean => error instanceof KnexTimeoutError;

export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest();
}

/** True when Postgres answers a trivial query. */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}
