import { type Payload, defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../platform/config';
import { codecKeysFromConfig, EncryptionCodec, ENCRYPTED_ENCODING, parseCodecKeys } from '../../platform/codec';

const key = () => randomBytes(32).toString('base64');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const person = { familyName: 'Diarra', givenName: 'Fatoumata', dateOfBirth: '2009-06-14', phone: '+22376000001' };

describe('EncryptionCodec', () => {
  const keys = parseCodecKeys(`k1:${key()}`);
  const codec = new EncryptionCodec(keys);
  const plain: Payload = defaultPayloadConverter.toPayload(person)!;

  it('round-trips a payload, metadata included', async () => {
    const [encrypted] = await codec.encode([plain]);
    const [decrypted] = await codec.decode([encrypted]);
    expect(text(decrypted.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decrypted)).toEqual(person);
  });

  it('stores neither the data nor its encoding in the clear, and names the key', async () => {
    const [encrypted] = await codec.encode([plain]);
    expect(text(encrypted.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata?.['encryption-key-id'])).toBe('k1');
    const bytes = Buffer.from(encrypted.data!).toString('latin1');
    for (const value of [...Object.values(person), 'json/plain']) expect(bytes).not.toContain(value);
  });

  it('uses a fresh IV each time', async () => {
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('passes payloads that are not encrypted through unchanged (histories from before the codec)', async () => {
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses altered data and a swapped key id', async () => {
    const [encrypted] = await codec.encode([plain]);
    const altered = Buffer.from(encrypted.data!);
    altered[altered.length - 20] ^= 1;
    await expect(codec.decode([{ ...encrypted, data: altered }])).rejects.toThrow();
    const two = new EncryptionCodec(parseCodecKeys(`k2:${key()},k1:${keys[0].key.toString('base64')}`));
    const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, 'encryption-key-id': Buffer.from('k2') } };
    await expect(two.decode([relabelled])).rejects.toThrow();
  });
});

describe('key rotation', () => {
  const oldKey = key();
  const newKey = key();

  it('the first key encrypts, every listed key decrypts', async () => {
    const before = new EncryptionCodec(parseCodecKeys(`k1:${oldKey}`));
    const after = new EncryptionCodec(parseCodecKeys(`k2:${newKey},k1:${oldKey}`));
    const payload = defaultPayloadConverter.toPayload(person)!;
    const [old] = await before.encode([payload]);
    const [fresh] = await after.encode([payload]);
    expect(text(fresh.metadata?.['encryption-key-id'])).toBe('k2');
    const decoded = await after.decode([old, fresh]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([person, person]);
  });

  it('a payload whose key was dropped cannot be read, and says which key is missing', async () => {
    const [old] = await new EncryptionCodec(parseCodecKeys(`k1:${oldKey}`)).encode([defaultPayloadConverter.toPayload(person)!]);
    await expect(new EncryptionCodec(parseCodecKeys(`k2:${newKey}`)).decode([old])).rejects.toThrow(/"k1"/);
  });
});

describe('keys from the configuration', () => {
  it('parses id:base64 pairs and refuses malformed ones without echoing key material', () => {
    expect(parseCodecKeys(`a:${key()}, b:${key()}`).map((k) => k.id)).toEqual(['a', 'b']);
    expect(() => parseCodecKeys('nokey')).toThrow(/id:base64key/);
    expect(() => parseCodecKeys(`k1:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
    expect(() => parseCodecKeys(`k1:${key()},k1:${key()}`)).toThrow(/distinct/);
  });

  it('derives the same development key everywhere when none is set, and requires keys in production', () => {
    const a = codecKeysFromConfig({ NODE_ENV: 'development' });
    const b = codecKeysFromConfig({ NODE_ENV: 'test' });
    expect(a[0].key.equals(b[0].key)).toBe(true);
    expect(() => codecKeysFromConfig({ NODE_ENV: 'production' })).toThrow(/SIRA_CODEC_KEYS/);
  });

  it('loadConfig refuses production without keys, and bad keys anywhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) })).toThrow(ConfigError);
    const secretish = Buffer.alloc(8, 1).toString('base64');
    let message = '';
    try {
      loadConfig({ SIRA_CODEC_KEYS: `k1:${secretish}` });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SIRA_CODEC_KEYS/);
    expect(message).not.toContain(secretish);
  });
});
