import { parseArgs } from 'node:util';
import { signToken } from '../api/auth';
import { CODEC_ROLES } from '../api/codec-endpoint';
import { codecLinkUrl, signCodecLinkToken } from '../platform/codec-link';
import { parseDuration } from '../domain/duration';
import { CENTRE_CODES, type Role, ROLES } from '../domain/reference';
import { loadConfigOrExit } from '../platform/config';

/**
 * `npm run token -- --role case_officer --centre BKO-MMEIA --sub awa` prints a signed token.
 * `npm run token -- --codec --role manager --sub amadou` prints a manager's personal codec endpoint
 * for the Temporal UI's data-encoder setting (valid CODEC_LINK_TTL, or --ttl).
 */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'case_officer' },
      centre: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string' },
      codec: { type: 'boolean', default: false },
    },
  });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const unknown = values.centre.filter((c) => !(CENTRE_CODES as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown centre ${unknown.join(', ')}; known: ${CENTRE_CODES.join(', ')}`);
  const config = loadConfigOrExit();
  if (values.codec) {
    if (!CODEC_ROLES.includes(role)) throw new Error(`a ${role} may not decode payloads; codec endpoints are for ${CODEC_ROLES.map((r) => `${r}s`).join(' and ')}`);
    const ttlMs = values.ttl === undefined ? config.CODEC_LINK_TTL : parseDuration(values.ttl);
    if (ttlMs === undefined) throw new Error(`--ttl ${values.ttl} is not a duration such as 8h`);
    console.log(codecLinkUrl(config.publicUrl, await signCodecLinkToken(config.AUTH_SECRET, { sub: values.sub, role }, ttlMs)));
    return;
  }
  if ((role === 'case_officer' || role === 'supervisor') && values.centre.length === 0) {
    throw new Error(`a ${role} needs at least one --centre`);
  }
  console.log(await signToken(config, { sub: values.sub, role, centres: values.centre }, values.ttl ?? '12h'));
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
