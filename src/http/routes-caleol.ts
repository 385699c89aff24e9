/**
 * Routes of the CALEOL's occupancy review (ADR 0044): the bailleur's occupancy file (uploaded raw,
 * all or nothing), the households to examine by case, the sessions and their avis, the follow-up
 * of a proposal (an accepted mutation opens a letting outside the flow). Thin: each calls one use case.
 */
import { basename, extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  creerSeanceCaleol,
  enregistrerAvisCaleol,
  importerOccupation,
  lireListeCaleol,
  OccupationRefusee,
  ROLES_CALEOL,
  saisirOccupation,
  suivreAvisCaleol,
} from '../app/caleol.ts';
import { sourceFichierDemandes } from '../app/demandes.ts';
import { enregistrerFichierErreurs, lienFichierErreurs } from '../app/fichiers-erreurs.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  avisCaleolBodySchema,
  avisCaleolSchema,
  creerSeanceCaleolSchema,
  listeCaleolQuerySchema,
  listeCaleolSchema,
  occupationUploadQuerySchema,
  resultatSaisieOccupationSchema,
  resumeOccupationSchema,
  saisieOccupationSchema,
  seanceCaleolSchema,
  suiviCaleolBodySchema,
  TAILLE_MAX_OCCUPATION,
} from '../contracts/caleol.ts';
import { erreurTeleversementSchema, libelleTaille, PROBLEMES_MAX_TELEVERSEMENT } from '../contracts/televersement.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { supprimerTemporaire } from '../import/fichier-temporaire.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';
import { accepterTeleversements, estTeleversement } from './televersement.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};
const TYPES_CSV = ['text/csv', 'application/octet-stream', 'text/plain'];
const ACCES = { acces: [...ROLES_CALEOL] };

export async function enregistrerRoutesCaleol(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui, maintenant } = horlogeServeur(options);

  app.get(
    '/caleol',
    {
      config: ACCES,
      schema: {
        tags: ['caleol'],
        summary:
          'Examen de l’occupation (CCH L.442-5-2) : les ménages à examiner par cas à la date (défaut : aujourd’hui), les séances et leurs avis',
        querystring: listeCaleolQuerySchema,
        response: { 200: listeCaleolSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lireListeCaleol(tx, acteur(request), request.query.date ?? aujourdhui())),
  );

  app.post(
    '/caleol/seances',
    {
      config: ACCES,
      schema: {
        tags: ['caleol'],
        summary: 'Créer une séance de CALEOL (examen de l’occupation)',
        body: creerSeanceCaleolSchema,
        response: { 201: seanceCaleolSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => creerSeanceCaleol(tx, acteur(request), request.body, maintenant()))),
  );

  app.post(
    '/caleol/seances/:id/avis',
    {
      config: ACCES,
      schema: {
        tags: ['caleol'],
        summary:
          'Enregistrer l’avis de la séance sur un ménage à examiner (les cas sont recalculés à son échéance et gardés avec l’avis)',
        params: idParamSchema,
        body: avisCaleolBodySchema,
        response: { 200: avisCaleolSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => enregistrerAvisCaleol(tx, acteur(request), request.params.id, request.body, maintenant())),
  );

  app.post(
    '/caleol/avis/:id/suivi',
    {
      config: ACCES,
      schema: {
        tags: ['caleol'],
        summary:
          'Suivre la proposition : logement proposé (RPLS), acceptée (ouvre la mutation interne hors flux sur le nouveau logement et le préavis du logement libéré), refusée, abandonnée',
        params: idParamSchema,
        body: suiviCaleolBodySchema,
        response: { 200: avisCaleolSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => suivreAvisCaleol(tx, acteur(request), request.params.id, request.body, maintenant())),
  );

  app.put(
    '/occupation',
    {
      config: ACCES,
      schema: {
        tags: ['caleol'],
        summary:
          'Saisir ou corriger le ménage en place dans un logement (numéro RPLS) : mêmes champs et contrôles qu’une ligne du fichier',
        body: saisieOccupationSchema,
        response: { 200: resultatSaisieOccupationSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => saisirOccupation(tx, acteur(request), request.body, aujourdhui(), maintenant())),
  );

  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, TYPES_CSV, TAILLE_MAX_OCCUPATION);
    route.post(
      '/occupation',
      {
        config: ACCES,
        schema: {
          tags: ['caleol'],
          summary: `Importer l’occupation de votre patrimoine (corps : CSV du modèle docs/occupation.md ; ${libelleTaille(TAILLE_MAX_OCCUPATION)} au plus) — tout ou rien`,
          description:
            'Refusé (422) : les premiers problèmes (« ligne 12, colonne PERSONNES : … ») et le lien du fichier d’erreurs (GET /api/fichiers-erreurs/{id}, 24 heures).',
          querystring: occupationUploadQuerySchema,
          response: {
            200: resumeOccupationSchema,
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurTeleversementSchema,
          },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body))
          return reply.status(415).send({
            erreur: 'TYPE_NON_PRIS_EN_CHARGE',
            message: 'envoyez le fichier CSV lui-même (content-type text/csv)',
          });
        const a = acteur(request);
        const nom = basename(request.query.nom ?? 'occupation.csv').slice(0, 200) || 'occupation.csv';
        try {
          return await importerOccupation(db, a, {
            source: sourceFichierDemandes(request.body.chemin, nom),
            aujourdhui: aujourdhui(),
          });
        } catch (err) {
          if (err instanceof OccupationRefusee) {
            let fichier;
            try {
              fichier = await enregistrerFichierErreurs(
                db,
                a,
                err.erreurs,
                `${basename(nom, extname(nom))}.erreurs.csv`,
              );
            } finally {
              await supprimerTemporaire(err.erreurs.chemin);
            }
            const n = err.nombreProblemes;
            return reply.status(422).send({
              erreur: 'LIGNES_INVALIDES',
              message: `${n} problème${n > 1 ? 's' : ''} sur ${err.rejetes} ligne${err.rejetes > 1 ? 's' : ''} rejetée${err.rejetes > 1 ? 's' : ''} : rien n’a été importé. Corrigez le fichier et importez-le de nouveau.`,
              rejetes: err.rejetes,
              nombreProblemes: n,
              problemes: err.problemes.slice(0, PROBLEMES_MAX_TELEVERSEMENT),
              fichierErreurs: {
                url: lienFichierErreurs(fichier.id),
                nom: fichier.nom,
                lignes: fichier.lignes,
                taille: fichier.taille,
                expireLe: fichier.expireLe.toISOString(),
              },
            });
          }
          if (err instanceof DonneesInvalides)
            return reply.status(422).send({
              erreur: err.code,
              message: 'le fichier est refusé : rien n’a été importé. Corrigez-le et recommencez.',
              nombreProblemes: err.problemes.length,
              problemes: err.problemes.slice(0, PROBLEMES_MAX_TELEVERSEMENT),
            });
          throw err;
        }
      },
    );
  });
}
