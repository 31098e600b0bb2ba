import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { IDEMPOTENCY_HEADER, IDEMPOTENT_METHODS } from './idempotency';
import { openApiPath, type RouteSpec } from './route';
import { ProblemSchema } from './schemas/common';

const IdempotencyKeyHeader = z.object({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        'IETF Idempotency-Key: a retry with the same key and body returns the first answer (header Idempotent-Replayed: true) ' +
        'and has one effect; the same key with another body is 422; answers are kept for IDEMPOTENCY_KEY_TTL (24 h).',
      example: '7f6d2a4e-0c1b-4f5e-9a8d-3b2c1d0e9f8a',
    }),
});

/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function buildOpenApi(routes: RouteSpec[]) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
  for (const r of routes) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const isProblem = Number(status) >= 400;
      responses[status] = {
        description: res.description,
        content: isProblem ? problemContent : res.schema ? { 'application/json': { schema: res.schema } } : undefined,
      };
    }
    responses['401'] ??= { description: 'No valid bearer token', content: problemContent };
    responses['403'] ??= { description: `Allowed to: ${r.roles.join(', ')}`, content: problemContent };
    if (IDEMPOTENT_METHODS.includes(r.method)) {
      responses['409'] ??= { description: 'The first request with this Idempotency-Key is still running', content: problemContent };
      responses['422'] ??= { description: 'Invalid body, or an Idempotency-Key already used with another request', content: problemContent };
    }
    responses['503'] ??= { description: 'Temporal, Postgres or the worker is unavailable; see Retry-After', content: problemContent };
    if (r.body) responses['422'] ??= { description: 'The body is invalid; errors name each field', content: problemContent };
    registry.registerPath({
      method: r.method,
      path: openApiPath(r.path),
      summary: r.summary,
      tags: [r.tag],
      security: [{ [bearer.name]: [] }],
      request: {
        params: r.params as z.ZodObject | undefined,
        query: r.query as z.ZodObject | undefined,
        body: r.body ? { content: { 'application/json': { schema: r.body } } } : undefined,
        headers: IDEMPOTENT_METHODS.includes(r.method) ? IdempotencyKeyHeader : undefined,
      },
      responses,
    });
  }
  registerOutsideV1(registry, problemContent);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Sira API',
      version: '1.0.0',
      description: 'Assisted voluntary return and reintegration: cases, charter flights and travel documents as durable workflows.',
    },
    servers: [{ url: '/' }],
  });
}

/** The routes outside /v1: the embassy liaison page (signed link, no bearer token) and the Temporal codec. */
function registerOutsideV1(registry: OpenAPIRegistry, problemContent: Record<string, { schema: z.ZodType }>) {
  const params = z.object({ requestId: z.uuid() });
  const query = z.object({ token: z.string().meta({ description: 'The signed, expiring token from the e-mailed link' }) });
  const html = { 'text/html': { schema: z.string() } };
  registry.registerPath({
    method: 'get',
    path: '/liaison/requests/{requestId}',
    summary: "The embassy liaison's page: the request and a form (HTML, works without JavaScript)",
    tags: ['liaison'],
    request: { params, query },
    responses: {
      200: { description: "The request in the embassy's language", content: html },
      403: { description: 'Tampered, foreign or expired link', content: html },
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/liaison/requests/{requestId}',
    summary: "The embassy's answer (form or JSON)",
    tags: ['liaison'],
    request: {
      params,
      query,
      body: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: z.object({
              decision: z.enum(['issued', 'interview', 'refused']),
              documentNumber: z.string().optional(),
              validUntil: z.iso.date().optional(),
              interviewAt: z.string().optional(),
              reason: z.string().optional(),
            }),
          },
        },
      },
    },
    responses: {
      200: { description: 'Answer recorded (a document that lapses before the planned departure too, with a note)', content: html },
      403: { description: 'Tampered, foreign or expired link', content: html },
      409: { description: 'Already answered', content: html },
      410: { description: 'A link from an earlier round', content: html },
      422: { description: 'The answer breaks a rule (a validity date already past, a renewal that ends no later than the current document)', content: html },
      429: { description: 'Too many requests from this address', content: problemContent },
    },
  });
  const payloads = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })) });
  for (const op of ['encode', 'decode'] as const) {
    registry.registerPath({
      method: 'post',
      path: `/codec/${op}`,
      summary: `Temporal remote codec: ${op} payloads (for the Temporal UI and CLI)`,
      tags: ['codec'],
      security: [{ bearer: [] }],
      request: { body: { content: { 'application/json': { schema: payloads } } } },
      responses: {
        200: { description: `The ${op}d payloads`, content: { 'application/json': { schema: payloads } } },
        401: { description: 'No valid bearer token', content: problemContent },
        403: { description: 'Allowed to: manager, admin', content: problemContent },
      },
    });
    registry.registerPath({
      method: 'post',
      path: `/codec/u/{token}/${op}`,
      summary: `Temporal remote codec: ${op} payloads through a manager's personal endpoint (a UI without sign-in)`,
      description:
        'The address `/codec/u/{token}` printed by `npm run token -- --codec --role manager --sub <you>` goes into the ' +
        "Temporal UI's data-encoder setting; the UI posts to `…/decode`. The token expires after CODEC_LINK_TTL and is never logged.",
      tags: ['codec'],
      request: {
        params: z.object({ token: z.string().meta({ description: 'The personal, signed, expiring codec token' }) }),
        body: { content: { 'application/json': { schema: payloads } } },
      },
      responses: {
        200: { description: `The ${op}d payloads`, content: { 'application/json': { schema: payloads } } },
        401: { description: 'Expired, altered or unknown link (or personal links are off: no AUTH_SECRET)', content: problemContent },
        403: { description: 'The link is not a manager\'s or an admin\'s', content: problemContent },
      },
    });
  }
}
