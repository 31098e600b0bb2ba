import { createHash } from 'node:crypto';

/**
 * A name-based UUID (v5, RFC 9562): the same namespace and name always give the same UUID, so an
 * operation retried after a failure names the same object (a case opened by an arrival, a request
 * sent again with its Idempotency-Key) instead of a new one.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
