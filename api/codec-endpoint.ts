import type { Payload } from '@temporalio/common';
import cors from 'cors';
import express, { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { createPayloadCodec } from '../platform/codec';
import type { Role } from '../domain/reference';
import { recordAccess, statusOf } from './audit';
import type { Caller } from './auth';
import type { ApiDeps } from './deps';
import { problem, validationProblem } from './problem';

/** Who may read payloads in the Temporal UI. */
export const CODEC_ROLES: readonly Role[] = ['manager', 'admin', 'supervisor'];

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

/**
 * `POST /codec/decode` and `POST /codec/encode` for the Temporal UI: signed-in managers, admins and
 * supervisors read payloads there; everyone else sees ciphertext. Only the UI's origin may call it
 * from a browser. Every call is audited: decoding reveals personal data.
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

  const endpoint = (operation: 'decode' | 'encode'): RequestHandler => {
    const spec = { method: 'post' as const, path: `/codec/${operation}`, summary: `${operation[0].toUpperCase()}${operation.slice(1)} payloads` };
    const target = { object: 'temporal_payload' };
    return async (req, res) => {
      let caller: Caller | undefined;
      try {
        caller = await authenticate(deps, req);
        if (!CODEC_ROLES.includes(caller.role)) throw problem(403, `the ${caller.role} role may not read Temporal payloads`);
        const parsed = CodecRequest.safeParse(req.body ?? {});
        if (!parsed.success) throw validationProblem(parsed.error, 'body');
        const payloads = parsed.data.payloads.map(fromJson);
        let result: Payload[];
        try {
          result = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        } catch {
          throw problem(422, 'a payload could not be decrypted (unknown key id or altered data)');
        }
        await recordAccess(deps, req, spec, target, 200, { caller });
        res.json({ payloads: result.map(toJson) });
      } catch (error) {
        await recordAccess(deps, req, spec, target, statusOf(error, req), { caller }).catch((auditError) =>
          req.log?.error({ err: auditError }, 'audit row not written'),
        );
        throw error;
      }
    };
  };
  router.post('/decode', endpoint('decode'));
  router.post('/encode', endpoint('encode'));
  return router;
}

async function authenticate(deps: ApiDeps, req: Request): Promise<Caller> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) throw problem(401, 'a bearer token is required');
  return deps.verifyToken(match[1]);
}
