/**
 * What Postgres can store. A string with a NUL character or a lone UTF-16 surrogate cannot be kept
 * in a text or jsonb column, so such a value is refused at every edge (HTTP bodies, queries, path
 * parameters, the liaison form) before it can reach a workflow and be retried forever.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableReason(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (a lone surrogate was found)';
  return undefined;
}

/** No body Sira takes nests this deep; deeper is refused rather than left unchecked. */
const MAX_DEPTH = 64;

export interface UnstorableField {
  path: string;
  message: string;
}

/** Every string (and object key) in a JSON-like value that cannot be stored, with its dotted path. */
export function findUnstorable(value: unknown, prefix: string[] = []): UnstorableField[] {
  const found: UnstorableField[] = [];
  const walk = (v: unknown, path: string[], depth: number) => {
    if (depth > MAX_DEPTH) {
      found.push({ path: path.join('.'), message: `is nested more than ${MAX_DEPTH} levels deep` });
      return;
    }
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason) found.push({ path: path.join('.') || '(root)', message: reason });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, String(i)], depth + 1));
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        const reason = unstorableReason(key);
        if (reason) found.push({ path: [...path, '(key)'].join('.'), message: `a field name ${reason}` });
        else walk(item, [...path, key], depth + 1);
      }
    }
  };
  walk(value, prefix, 0);
  return found;
}

/** A copy of a string that can be stored, for logs and audit rows that must record what was refused. */
export const storableCopy = (value: string): string =>
  value.replaceAll('\u0000', '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
