import type { Db } from '..';

export interface RateLimitWindow {
  hits: number;
  resetsAt: Date;
}

/**
 * Counts one request in the key's current window, opening a new window when the last one has
 * ended. One statement, so concurrent requests on any API instance are each counted once; the
 * database's clock decides when a window ends, so instances with skewed clocks agree.
 */
export async function countRequest(db: Db, key: string, windowMs: number): Promise<RateLimitWindow> {
  const { rows } = await db.raw(
    `insert into rate_limit_windows (key, hits, resets_at)
     values (?, 1, now() + make_interval(secs => ?))
     on conflict (key) do update
       set hits = case when rate_limit_windows.resets_at <= now() then 1 else rate_limit_windows.hits + 1 end,
           resets_at = case when rate_limit_windows.resets_at <= now() then excluded.resets_at else rate_limit_windows.resets_at end
     returning hits, resets_at`,
    [key, windowMs / 1000],
  );
  return { hits: rows[0].hits, resetsAt: new Date(rows[0].resets_at) };
}

/** The key's current window, if one is open. */
export async function currentWindow(db: Db, key: string): Promise<RateLimitWindow | undefined> {
  const row = await db('rate_limit_windows').where({ key }).andWhere('resets_at', '>', db.fn.now()).first('hits', 'resets_at');
  return row ? { hits: row.hits, resetsAt: new Date(row.resets_at) } : undefined;
}

/** Takes one request back (a request the limiter is told not to count after all). */
export async function uncountRequest(db: Db, key: string): Promise<void> {
  await db('rate_limit_windows').where({ key }).andWhere('hits', '>', 0).andWhere('resets_at', '>', db.fn.now()).decrement('hits', 1);
}

export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db('rate_limit_windows').where({ key }).delete();
}

/** Forgets windows that have ended. */
export async function purgeRateLimitWindows(db: Db): Promise<number> {
  return db('rate_limit_windows').where('resets_at', '<=', db.fn.now()).delete();
}
