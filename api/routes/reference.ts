import { z } from 'zod';
import { ROLES } from '../../domain/reference';
import { problem } from '../problem';
import { route } from '../route';
import { CountryCode } from '../schemas/common';

const Embassy = z.object({
  name: z.string().trim().min(1).max(200),
  liaisonEmail: z.email(),
  language: z.enum(['fr', 'en']),
});

export const referenceRoutes = [
  route({
    method: 'get',
    path: '/v1/centres',
    summary: 'List reception and transit centres',
    tag: 'reference data',
    roles: ROLES,
    responses: { 200: { description: 'The centres' } },
    async handler({ deps }) {
      const rows = await deps.db('centres').orderBy('code');
      return {
        status: 200,
        body: rows.map((c) => ({ code: c.code, name: c.name, city: c.city, kind: c.kind, supervisorEmail: c.supervisor_email })),
      };
    },
  }),
  route({
    method: 'get',
    path: '/v1/embassies',
    summary: 'List embassy liaisons',
    tag: 'reference data',
    roles: ROLES,
    responses: { 200: { description: 'The embassy directory' } },
    async handler({ deps }) {
      const rows = await deps.db('embassies').orderBy('country');
      return {
        status: 200,
        body: rows.map((e) => ({ country: e.country, name: e.name, liaisonEmail: e.liaison_email, language: e.language })),
      };
    },
  }),
  route({
    method: 'put',
    path: '/v1/embassies/:country',
    summary: 'Set an embassy liaison',
    tag: 'reference data',
    roles: ['admin'],
    params: z.object({ country: CountryCode }),
    body: Embassy,
    responses: { 200: { description: 'The embassy as stored' } },
    async handler({ params, body, deps }) {
      if (params.country === deps.config.casePolicy.hostCountry) throw problem(422, 'the host country has no embassy here');
      await deps.db('embassies')
        .insert({ country: params.country, name: body.name, liaison_email: body.liaisonEmail, language: body.language })
        .onConflict('country')
        .merge({ name: body.name, liaison_email: body.liaisonEmail, language: body.language, updated_at: deps.db.fn.now() });
      return { status: 200, body: { country: params.country, ...body } };
    },
  }),
];
