import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { openApiPath, type RouteSpec } from './route';
import { ProblemSchema } from './schemas/common';

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
      },
      responses,
    });
  }
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
