import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { isCoverText } from '../domain/cover-page';
import type { Config } from './config';

/**
 * AES-256-GCM payload codec: workflow inputs, results, update and signal arguments and activity
 * payloads are stored in Temporal encrypted. Each encrypted payload names its key id in its
 * metadata, so keys can rotate: the first key encrypts, every listed key decrypts.
 *
 * Runs outside the workflow sandbox (client, worker, codec endpoint), so Node's crypto is fine here.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const METADATA_ENCODING = 'encoding';
const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  key: Buffer;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `k2:base64,k1:base64` → keys, first one first; throws a message naming what is wrong. */
export function parseCodecKeys(text: string): CodecKey[] {
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      if (colon <= 0) throw new Error('each key is written id:base64key');
      const id = part.slice(0, colon);
      if (!/^[\w.-]{1,64}$/.test(id)) throw new Error(`key id "${id}" may hold only letters, digits, "-", "_" and "."`);
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes (base64 of 32 random bytes), not ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('at least one key is needed');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be distinct');
  return keys;
}

/**
 * The configured keys; outside production, without SIRA_CODEC_KEYS, one development key derived
 * from a fixed label so that every local process (API, worker, tests) agrees on it.
 */
export function codecKeysFromConfig(config: Pick<Config, 'NODE_ENV' | 'SIRA_CODEC_KEYS'>): CodecKey[] {
  if (config.SIRA_CODEC_KEYS) return parseCodecKeys(config.SIRA_CODEC_KEYS);
  if (config.NODE_ENV === 'production') throw new Error('SIRA_CODEC_KEYS is required in production');
  return [{ id: 'dev', key: createHash('sha256').update('sira development payload key (not a secret)').digest() }];
}

/**
 * A workflow's cover page (static summary and details, and the current details the UI reads with
 * the `__temporal_workflow_metadata` query) is written for everyone who opens the UI, without
 * decoding: built by domain/cover-page.ts from codes and dates only, and marked there. Such payloads
 * are stored as they are; everything else is encrypted.
 */
export function isCoverPayload(payload: Payload): boolean {
  if (decoder.decode(payload.metadata?.[METADATA_ENCODING] ?? new Uint8Array()) !== 'json/plain' || !payload.data) return false;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload.data));
  } catch {
    return false;
  }
  if (isCoverText(value)) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { definition, currentDetails, ...rest } = value as Record<string, unknown>;
  // The metadata query's answer: the workflow's handler names and its current details.
  return Object.keys(rest).length === 0 && typeof definition === 'object' && isCoverText(currentDetails);
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (isCoverPayload(payload)) return payload;
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      // The key id is authenticated too: swapping it in the metadata makes decryption fail.
      cipher.setAAD(encoder.encode(this.current.id));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING]: encoder.encode(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: encoder.encode(this.current.id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING];
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[METADATA_KEY_ID];
      if (!idBytes) throw new Error('an encrypted payload has no key id');
      const id = decoder.decode(idBytes);
      const key = this.byId.get(id);
      if (!key) throw new Error(`no payload key with id "${id}" is configured`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('an encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(idBytes);
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

export function createPayloadCodec(config: Pick<Config, 'NODE_ENV' | 'SIRA_CODEC_KEYS'>): EncryptionCodec {
  return new EncryptionCodec(codecKeysFromConfig(config));
}

export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter for clients and workers: every payload, failure messages included, goes through the codec. */
export function dataConverter(config: Pick<Config, 'NODE_ENV' | 'SIRA_CODEC_KEYS'>) {
  return { payloadCodecs: [createPayloadCodec(config)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
