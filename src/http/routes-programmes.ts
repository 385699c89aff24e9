/**
 * New programmes and the rights negotiated at their financing (ADR 0035, 0047): GET /api/programmes
 * (a bailleur's programmes, units, first lettings and rights in force) and
 * PUT /api/programmes/:id/droits (the bailleur enters a new version of a programme's rights).
 * Thin: validation by the contract, the work in src/app/programmes.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enregistrerDroitsProgramme, listerProgrammes } from '../app/programmes.ts';
import { erreurSchema } from '../contracts/api.ts';
import { programmesQuerySchema, programmesSchema, saisieDroitsProgrammeSchema } from '../contracts/programmes.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema, 422: erreurSchema };

export async function enregistrerRoutesProgrammes(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/programmes',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Programmes neufs d’un bailleur : logements, premières mises en location et droits négociés au financement en vigueur',
        querystring: programmesQuerySchema,
        response: { 200: programmesSchema, ...erreurs },
      },
    },
    async (request) => {
      const a = acteur(request);
      return db.transaction((tx) =>
        listerProgrammes(tx, a, { bailleur: request.query.bailleur, recherche: request.query.recherche }),
      );
    },
  );

  app.put(
    '/programmes/:id/droits',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary: 'Saisir une nouvelle version des droits négociés au financement d’un programme (réservé au bailleur)',
        params: z.strictObject({ id: z.string().min(1).max(200) }),
        body: saisieDroitsProgrammeSchema,
        response: { 200: z.object({ version: z.number() }), ...erreurs, 409: erreurSchema },
      },
    },
    async (request) => {
      const a = acteur(request);
      return db.transaction((tx) => enregistrerDroitsProgramme(tx, a, request.params.id, request.body, aujourdhui()));
    },
  );
}
