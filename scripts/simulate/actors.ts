import { signToken } from '../../api/auth';
import type { Role } from '../../domain/reference';
import { loadConfig } from '../../platform/config';

/**
 * The people of the programme as Sira knows them: a bearer token each, signed with the stack's
 * AUTH_SECRET. One case officer and one supervisor per centre (never the same person: four eyes),
 * a movement officer, a programme manager, an admin who keeps the vendors, a flow monitor.
 */
export type Actor =
  | { role: 'case_officer' | 'supervisor'; centre: string }
  | { role: 'movement_officer' | 'manager' | 'admin' | 'flow_monitor' };

export const subOf = (actor: Actor): string =>
  actor.role === 'case_officer' || actor.role === 'supervisor'
    ? `sim-${actor.role}-${actor.centre.toLowerCase()}`
    : `sim-${actor.role}`;

export class Actors {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly config;

  /** `secret` is the stack's AUTH_SECRET; without it, the one this environment configures (or the dev default). */
  constructor(secret?: string) {
    this.config = loadConfig({
      ...process.env,
      ...(secret ? { AUTH_SECRET: secret } : {}),
      AUTH_JWKS_URL: '',
    });
  }

  token(actor: Actor): Promise<string> {
    const sub = subOf(actor);
    let token = this.tokens.get(sub);
    if (!token) {
      const centres = 'centre' in actor ? [actor.centre] : [];
      // Long enough for a whole programme at scale 1.
      token = signToken(this.config, { sub, role: actor.role as Role, centres }, '48h');
      this.tokens.set(sub, token);
    }
    return token;
  }
}
