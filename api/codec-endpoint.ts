import type { Payload } from '@temporalio/common';
import cors from 'cors';
import express, { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { createPayloadCodec } from '../platform/codec';
import { CodecLinkRefused, verifyCodecLinkToken } from '../platform/codec-link';
import type { Role } from '../domain/reference';
import { recordAccess, statusOf } from './audit';
import type { Caller } from './auth';
import type { ApiDeps } from './deps';
import { problem, validationProblem } from './problem';

/**
 * Who may read payloads in the Temporal UI. Not supervisors: a payload does not say which centre it
 * belongs to, and a supervisor may read only their own centres' cases.
 */
export const CODEC_ROLES: readonly Role[] = ['manager', 'admin'];

// A page of history can carry many payloads; still bounded.
const CODEC_BODY_LIMIT = '4mb';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** Temporal's remote codec protocol: payloads as JSON, metadata values and data in base64. */
const CodecRequest = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() }))
    .max(10_000),
});

type JsonPayload = z.infer<typeof CodecRequest>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** Browsers read a refusal as one only when they cannot read it at all: the UI treats any JSON answer as payloads. */
function hideFromBrowsers(res: Response): void {
  res.removeHeader('Access-Control-Allow-Origin');
  res.removeHeader('Access-Control-Allow-Credentials');
}

/**
 * The Temporal UI's codec endpoint, for managers and admins; everyone else sees ciphertext (and the
 * cover pages, which are never encrypted). Two doors, one protocol:
 * - `POST /codec/decode`, `/codec/encode` with `Authorization: Bearer` — the signed-in UI in
 *   production, passing the user's access token (`TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true`);
 * - `POST /codec/u/<token>/decode`, `…/encode` — a manager's personal, short-lived endpoint for a UI
 *   without sign-in (the dev server's), printed by `npm run token -- --codec`.
 * Only the UI's origins may call it from a browser (preflight included). Every call is audited with
 * who called and how many payloads, never what they hold; the token never reaches the logs.
 */
export function codecRouter(deps: ApiDeps): Router {
  const codec = createPayloadCodec(deps.config);
  const router = Router();
  router.use(
    cors({
      origin: deps.config.temporalUiOrigins,
      methods: ['POST'],
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
      credentials: true,
      maxAge: 600,
    }),
  );
  router.use(express.json({ limit: CODEC_BODY_LIMIT, strict: true }));

  const endpoint = (operation: 'decode' | 'encode', door: 'bearer' | 'link'): RequestHandler => {
    const path = door === 'bearer' ? `/codec/${operation}` : `/codec/u/:token/${operation}`;
    const spec = { method: 'post' as const, path, summary: `${operation[0].toUpperCase()}${operation.slice(1)} payloads` };
    const target = { object: 'temporal_payload' };
    return async (req, res) => {
      let caller: Caller | undefined;
      let payloadCount: number | undefined;
      // Which namespace's payloads (the UI says so in X-Namespace): the row's object id.
      const namespace = typeof req.headers['x-namespace'] === 'string' ? req.headers['x-namespace'] : undefined;
      try {
        caller = door === 'bearer' ? await authenticate(deps, req) : await holderOfLink(deps, req.params.token as string);
        if (!CODEC_ROLES.includes(caller.role)) throw problem(403, `the ${caller.role} role may not read Temporal payloads`);
        const parsed = CodecRequest.safeParse(req.body ?? {});
        if (!parsed.success) throw validationProblem(parsed.error, 'body');
        const payloads = parsed.data.payloads.map(fromJson);
        payloadCount = payloads.length;
        let result: Payload[];
        try {
          result = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        } catch {
          throw problem(422, 'a payload could not be decrypted (unknown key id or altered data)');
        }
        await recordAccess(deps, req, spec, target, 200, { caller, objectId: namespace, payloadCount });
        res.json({ payloads: result.map(toJson) });
      } catch (error) {
        const status = statusOf(error, req);
        if (status === 401 || status === 403) hideFromBrowsers(res);
        await recordAccess(deps, req, spec, target, status, { caller, objectId: namespace, payloadCount }).catch((auditError) =>
          req.log?.error({ err: auditError }, 'audit row not written'),
        );
        throw error;
      }
    };
  };
  router.post('/decode', endpoint('decode', 'bearer'));
  router.post('/encode', endpoint('encode', 'bearer'));
  router.post('/u/:token/decode', endpoint('decode', 'link'));
  router.post('/u/:token/encode', endpoint('encode', 'link'));
  return router;
}

async function authenticate(deps: ApiDeps, req: Request): Promise<Caller> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) throw problem(401, 'a bearer token is required');
  return deps.verifyToken(match[1]);
}

/** The manager a personal codec link belongs to; a 401 that says why (expired, not valid). */
async function holderOfLink(deps: ApiDeps, token: string): Promise<Caller> {
  try {
    const holder = await verifyCodecLinkToken(deps.config.AUTH_SECRET, token);
    return { sub: holder.sub, role: holder.role, centres: [] };
  } catch (error) {
    if (error instanceof CodecLinkRefused) throw problem(401, error.message);
    throw error;
  }
}
