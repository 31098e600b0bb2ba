import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { countRequest, currentWindow, purgeRateLimitWindows, resetRateLimit, uncountRequest } from '../db/queries/rate-limits';

/**
 * An express-rate-limit store in Postgres, so that a limit holds across every API instance: a
 * client sending to two instances is counted once. Keys are stored hashed with the limit's name (no
 * token or address in the table). Ended windows are purged at most once per window by each instance.
 */
export class PostgresRateLimitStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private nextPurgeAt = 0;

  constructor(
    private readonly db: Db,
    name: string,
  ) {
    this.prefix = `${name}:`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const window = await countRequest(this.db, this.stored(key), this.windowMs);
    this.purgeNowAndThen();
    return { totalHits: window.hits, resetTime: window.resetsAt };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await currentWindow(this.db, this.stored(key));
    return window && { totalHits: window.hits, resetTime: window.resetsAt };
  }

  async decrement(key: string): Promise<void> {
    await uncountRequest(this.db, this.stored(key));
  }

  async resetKey(key: string): Promise<void> {
    await resetRateLimit(this.db, this.stored(key));
  }

  private stored(key: string): string {
    return createHash('sha256').update(this.prefix + key).digest('base64url');
  }

  private purgeNowAndThen(): void {
    if (Date.now() < this.nextPurgeAt) return;
    this.nextPurgeAt = Date.now() + this.windowMs;
    // Best effort: a failed purge is retried a window later, and costs nothing but a few rows.
    purgeRateLimitWindows(this.db).catch(() => undefined);
  }
}
