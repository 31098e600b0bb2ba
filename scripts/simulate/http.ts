import type { RunStats } from './run-stats';

/** An answer of Sira: its status, its JSON (or text) body, its headers. */
export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
  /** Still not final after every retry: Sira stayed unavailable (or kept limiting the rate). */
  gaveUp?: boolean;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as the Idempotency-Key: the same key on every retry, so the step is taken once. */
  key?: string;
}

const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 75_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait from `Retry-After`, or from the `t=` of a draft-8 `RateLimit` header. */
function waitHint(headers: Headers): number | undefined {
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const reset = /;\s*t=(\d+)/.exec(headers.get('ratelimit') ?? '');
  return reset ? Number(reset[1]) : undefined;
}

/** An answer that says "not now": the same request may succeed later (a retry with the same key is safe). */
const notFinal = (a: Answer) =>
  a.status === 429 || a.status >= 500 || (a.status === 409 && a.headers.has('retry-after'));

/**
 * Sira's HTTP API as the simulation calls it: JSON, bearer tokens, Idempotency-Key on writes, and
 * retries with backoff of what is not final (429, 5xx, a key still in flight, a dropped connection),
 * each counted. A refusal (409/422) is final and goes back to the caller.
 */
export class SiraHttp {
  constructor(
    readonly baseUrl: string,
    private readonly stats: RunStats,
    private readonly onRateLimited: () => void = () => undefined,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.key) headers['Idempotency-Key'] = options.key;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let last: Answer | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const backoff = Math.min(15_000, 250 * 2 ** attempt);
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        last = { status: res.status, body: parsed, headers: res.headers };
      } catch {
        this.stats.retried('network');
        await sleep(backoff);
        continue;
      }
      if (!notFinal(last)) return last;
      this.stats.retried(last.status);
      if (last.status === 429) this.onRateLimited();
      const hint = waitHint(last.headers);
      await sleep(hint !== undefined ? Math.min(60_000, hint * 1000) : backoff);
    }
    return { ...(last ?? { status: 0, body: 'no answer (network)', headers: new Headers() }), gaveUp: true };
  }
}
