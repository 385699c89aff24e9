/**
 * First-quartile thresholds (ADR 0034): GET /api/quartiles (the year's amounts per EPCI) and
 * POST /api/quartiles (the CSV itself, streamed to a temporary file then read as a stream; all or
 * nothing). Thin: validation by the contracts, the work in src/app/quartiles.ts.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { importerSeuils, lireSeuils, lireSeuilsAnnee } from '../app/quartiles.ts';
import { erreurSchema } from '../contracts/api.ts';
import {
  importQuartilesQuerySchema,
  quartilesQuerySchema,
  resumeImportQuartilesSchema,
  seuilsAnneeSchema,
  TAILLE_MAX_QUARTILES,
} from '../contracts/quartiles.ts';
import { accepterTeleversements, estTeleversement } from './televersement.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 422: erreurSchema };

export async function enregistrerRoutesQuartiles(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { anneeCourante } = horlogeServeur(options);

  app.get(
    '/quartiles',
    {
      config: { acces: ['pilote_etat', 'lecteur_epci', 'administrateur', 'agent_bailleur'] },
      schema: {
        tags: ['referentiels'],
        summary: 'Seuils du premier quartile de l’année, par EPCI (€ par unité de consommation)',
        querystring: quartilesQuerySchema,
        response: { 200: seuilsAnneeSchema, ...erreurs },
      },
    },
    async (request) => {
      const a = acteur(request);
      const annee = request.query.annee ?? anneeCourante();
      return db.transaction((tx) => lireSeuilsAnnee(tx, a, annee));
    },
  );

  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, ['text/csv', 'application/octet-stream'], TAILLE_MAX_QUARTILES);
    route.post(
      '/quartiles',
      {
        config: { acces: ['pilote_etat', 'administrateur'] },
        schema: {
          tags: ['referentiels'],
          summary: 'Importer les seuils du premier quartile d’une année (corps : CSV SIREN ; MONTANT) — tout ou rien',
          querystring: importQuartilesQuerySchema,
          response: { 200: resumeImportQuartilesSchema, ...erreurs, 413: erreurSchema, 415: erreurSchema },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body))
          return reply.status(415).send({
            erreur: 'TYPE_NON_PRIS_EN_CHARGE',
            message: 'envoyez le fichier CSV lui-même (content-type text/csv)',
          });
        const a = acteur(request);
        const nom = request.query.nom ?? 'quartiles.csv';
        const seuils = await lireSeuils(createReadStream(request.body.chemin), nom);
        return db.transaction((tx) =>
          importerSeuils(tx, a, { annee: request.query.annee, fichier: nom, source: request.query.source, seuils }),
        );
      },
    );
  });
}
