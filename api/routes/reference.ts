import { z } from 'zod';
import { listCentres, listEmbassies, setEmbassy } from '../../db/queries/reference';
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
      return { status: 200, body: await listCentres(deps.db) };
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
      return { status: 200, body: await listEmbassies(deps.db) };
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
      await setEmbassy(deps.db, { country: params.country, ...body });
      return { status: 200, body: { country: params.country, ...body } };
    },
  }),
];
