import { parseArgs } from 'node:util';
import { signToken } from '../api/auth';
import { CENTRE_CODES, type Role, ROLES } from '../domain/reference';
import { loadConfigOrExit } from '../platform/config';

/** `npm run token -- --role case_officer --centre BKO-MMEIA --sub awa` prints a signed token. */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'case_officer' },
      centre: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const unknown = values.centre.filter((c) => !(CENTRE_CODES as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`unknown centre ${unknown.join(', ')}; known: ${CENTRE_CODES.join(', ')}`);
  if ((role === 'case_officer' || role === 'supervisor') && values.centre.length === 0) {
    throw new Error(`a ${role} needs at least one --centre`);
  }
  console.log(await signToken(loadConfigOrExit(), { sub: values.sub, role, centres: values.centre }, values.ttl));
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
