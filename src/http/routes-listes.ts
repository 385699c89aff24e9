/**
 * Routes of the work-queue lists (issue 12): the unit search of the declaration form and the
 * letting page. Each validates with the contracts of src/contracts/listes.ts and calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { dossierLocation } from '../app/dossier.ts';
import { rechercherCommunes, rechercherLogements } from '../app/listes.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  communesTrouveesSchema,
  dossierLocationSchema,
  rechercheLogementsSchema,
  rechercheQuerySchema,
} from '../contracts/listes.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema };

export async function enregistrerRoutesListes(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { maintenant } = horlogeServeur(options);

  app.get(
    '/logements/recherche',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'Trouver un logement par son numéro RPLS, son identifiant interne ou son adresse (10 au plus, les correspondances exactes d’abord)',
        querystring: rechercheQuerySchema,
        response: { 200: rechercheLogementsSchema, ...erreurs },
      },
    },
    async (request) => rechercherLogements(db, acteur(request), request.query.q),
  );

  app.get(
    '/communes/recherche',
    {
      config: { acces: 'connecte' },
      schema: {
        tags: ['référentiels'],
        summary: 'Trouver une commune par son nom ou son code INSEE (10 au plus, celles de votre département d’abord)',
        querystring: rechercheQuerySchema,
        response: { 200: communesTrouveesSchema, ...erreurs },
      },
    },
    async (request) => rechercherCommunes(db, acteur(request), request.query.q),
  );

  app.get(
    '/locations/:id/dossier',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary:
          'La page d’une location : le logement, son orientation, ses candidats, la CAL, les offres, le bail, la chronologie (qui, quand, pourquoi) et les actions possibles',
        params: idParamSchema,
        response: { 200: dossierLocationSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => dossierLocation(tx, acteur(request), request.params.id, maintenant())),
  );
}
