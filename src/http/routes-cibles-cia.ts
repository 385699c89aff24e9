/**
 * An EPCI's CIA targets (ADR 0038): GET /api/cibles-cia (in force for the year, the law's, every
 * version, whether the reform binds the EPCI) and POST /api/cibles-cia (the EPCI enters a new
 * version of its own). Thin: validation by the contract, the work in src/app/cibles-cia.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enregistrerCiblesCia, lireCiblesCia } from '../app/cibles-cia.ts';
import { erreurSchema } from '../contracts/api.ts';
import { ciblesCiaQuerySchema, ciblesCiaSchema, saisieCiblesCiaSchema } from '../contracts/cibles-cia.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema, 422: erreurSchema };

export async function enregistrerRoutesCiblesCia(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { anneeCourante, aujourdhui } = horlogeServeur(options);

  app.get(
    '/cibles-cia',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['objectifs'],
        summary:
          'Objectifs de la CIA d’un EPCI pour l’année (ou ceux de la loi), leurs versions, et si la réforme des attributions s’applique à l’EPCI',
        querystring: ciblesCiaQuerySchema,
        response: { 200: ciblesCiaSchema, ...erreurs },
      },
    },
    async (request) => {
      const a = acteur(request);
      const annee = request.query.annee ?? anneeCourante();
      return db.transaction((tx) => lireCiblesCia(tx, a, { epci: request.query.epci, annee }));
    },
  );

  app.post(
    '/cibles-cia',
    {
      config: { acces: ['lecteur_epci'] },
      schema: {
        tags: ['objectifs'],
        summary: 'Saisir une nouvelle version des objectifs de la CIA de son EPCI (réservé à l’EPCI)',
        body: saisieCiblesCiaSchema,
        response: { 200: z.object({ version: z.number() }), ...erreurs, 409: erreurSchema },
      },
    },
    async (request) => {
      const a = acteur(request);
      return db.transaction((tx) => enregistrerCiblesCia(tx, a, request.body, aujourdhui()));
    },
  );
}
