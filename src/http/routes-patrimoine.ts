/**
 * Routes of the état des lieux of reservations (live picture, XLSX, locked versions, signatures)
 * and of the stock-reservation import. Each validates with the contracts and calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  lireEtatDesLieux,
  lireVersionEtat,
  listerVersionsEtat,
  signerEtatDesLieux,
  verrouillerEtatDesLieux,
} from '../app/etat-des-lieux.ts';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { enregistrerFichierErreurs, lienFichierErreurs } from '../app/fichiers-erreurs.ts';
import { importerReservationsStock, ReservationsRefusees } from '../app/reservations-stock.ts';
import {
  erreurTeleversementSchema,
  libelleTaille,
  PROBLEMES_MAX_TELEVERSEMENT,
  TAILLE_MAX_RESERVATIONS,
} from '../contracts/televersement.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { supprimerTemporaire } from '../import/fichier-temporaire.ts';
import { accepterTeleversements, estTeleversement } from './televersement.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  etatDesLieuxSchema,
  etatQuerySchema,
  reservationsQuerySchema,
  resumeReservationsSchema,
  signatureSchema,
  verrouillageSchema,
  versionEtatDetailSchema,
  versionEtatSchema,
} from '../contracts/etat-des-lieux.ts';
import type { EtatDesLieux } from '../domain/etat-des-lieux.ts';
import { classeurEtatDesLieux, nomFichierEtat, TYPE_XLSX } from '../reports/etat-des-lieux-xlsx.ts';
import { acteur, horlogeServeur, pieceJointe, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

/** The JSON form: the unit-level detail is replaced by its size (it is in the XLSX). */
const resume = (e: EtatDesLieux) => ({ ...e, unites: e.unites.length });

/** Who may read an état des lieux (the use case narrows to the actor's bailleurs and scope). */
const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] as const;

export async function enregistrerRoutesPatrimoine(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/patrimoine/etat-des-lieux',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'État des lieux des réservations du stock d’un bailleur dans un département (photographie du jour ou à une date)',
        querystring: etatQuerySchema,
        response: { 200: etatDesLieuxSchema, ...erreurs },
      },
    },
    async (request) =>
      resume(
        await db.transaction((tx) =>
          lireEtatDesLieux(tx, acteur(request), request.query, request.query.date ?? aujourdhui()),
        ),
      ),
  );

  app.get(
    '/patrimoine/etat-des-lieux.xlsx',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'État des lieux des réservations, au format tableur (XLSX : synthèse, une feuille par dimension, détail des logements)',
        querystring: etatQuerySchema,
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const date = request.query.date ?? aujourdhui();
      const etat = await db.transaction((tx) => lireEtatDesLieux(tx, acteur(request), request.query, date));
      const classeur = await classeurEtatDesLieux(etat, null);
      return reply
        .type(TYPE_XLSX)
        .header(
          'content-disposition',
          pieceJointe(
            nomFichierEtat(etat.bailleur.id, etat.departement, date),
            `État des lieux — ${etat.bailleur.nom} — ${etat.departement} — ${date}.xlsx`,
          ),
        )
        .send(classeur as unknown as string);
    },
  );

  app.get(
    '/patrimoine/etats-des-lieux',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Versions verrouillées de l’état des lieux d’un bailleur (photo de départ) et leurs signatures',
        querystring: etatQuerySchema.omit({ date: true }),
        response: { 200: z.array(versionEtatSchema), ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerVersionsEtat(tx, acteur(request), request.query)),
  );

  app.post(
    '/patrimoine/etats-des-lieux',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'Verrouiller la photographie du jour comme nouvelle version (immuable), à faire signer par chaque partie',
        body: verrouillageSchema,
        response: { 201: versionEtatSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => verrouillerEtatDesLieux(tx, acteur(request), request.body, aujourdhui()))),
  );

  app.get(
    '/patrimoine/etats-des-lieux/:id',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Une version verrouillée de l’état des lieux',
        params: idParamSchema,
        response: { 200: versionEtatDetailSchema, ...erreurs },
      },
    },
    async (request) => {
      const r = await db.transaction((tx) => lireVersionEtat(tx, acteur(request), request.params.id));
      return { version: r.version, etat: resume(r.etat) };
    },
  );

  app.get(
    '/patrimoine/etats-des-lieux/:id/xlsx',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Une version verrouillée de l’état des lieux, au format tableur (XLSX)',
        params: idParamSchema,
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const r = await db.transaction((tx) => lireVersionEtat(tx, acteur(request), request.params.id));
      const classeur = await classeurEtatDesLieux(r.etat, r.version);
      return reply
        .type(TYPE_XLSX)
        .header(
          'content-disposition',
          pieceJointe(
            nomFichierEtat(r.etat.bailleur.id, r.etat.departement, `v${r.version.version}`),
            `État des lieux — ${r.etat.bailleur.nom} — version ${r.version.version}.xlsx`,
          ),
        )
        .send(classeur as unknown as string);
    },
  );

  app.post(
    '/patrimoine/etats-des-lieux/:id/signatures',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Signer une version verrouillée pour son organisation (avec l’empreinte de la version lue)',
        params: idParamSchema,
        body: signatureSchema,
        response: { 201: versionEtatSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            signerEtatDesLieux(tx, acteur(request), request.params.id, request.body.empreinte),
          ),
        ),
  );

  // The raw reservations file: its own scope, so only this route reads CSV bodies (streamed to a
  // temporary file, read from there once the size is known to be within the limit).
  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, ['text/csv', 'application/octet-stream'], TAILLE_MAX_RESERVATIONS);
    route.post(
      '/patrimoine/reservations',
      {
        config: { acces: ['agent_bailleur'] },
        schema: {
          tags: ['patrimoine'],
          summary: `Importer les réservations du stock (corps : CSV RPLS ; RESERVATAIRE ; TYPE ; ${libelleTaille(TAILLE_MAX_RESERVATIONS)} au plus) — tout ou rien`,
          description:
            'Refusé (422) : le résumé, les premiers problèmes et, pour les lignes rejetées, le lien du fichier d’erreurs (GET /api/fichiers-erreurs/{id}, 24 heures, organisation qui a téléversé).',
          querystring: reservationsQuerySchema,
          response: {
            200: resumeReservationsSchema,
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
        const nom = request.query.nom ?? 'reservations.csv';
        const octets = await readFile(request.body.chemin);
        try {
          return await db.transaction((tx) =>
            importerReservationsStock(tx, a, { bailleur: a.organisationId, fichier: nom, octets }),
          );
        } catch (err) {
          if (err instanceof ReservationsRefusees) {
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
              message: `${n} problème${n > 1 ? 's' : ''} sur ${err.rejetes} ligne${err.rejetes > 1 ? 's' : ''} rejetée${err.rejetes > 1 ? 's' : ''} : rien n’a été modifié. Corrigez le fichier et importez-le de nouveau.`,
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
          // A file whose shape is wrong (header, field counts): the first problems only, never all of them.
          if (err instanceof DonneesInvalides && err.problemes.length > PROBLEMES_MAX_TELEVERSEMENT) {
            const n = err.problemes.length;
            return reply.status(422).send({
              erreur: err.code,
              message: `${n} problèmes dans le fichier : rien n’a été modifié (les ${PROBLEMES_MAX_TELEVERSEMENT} premiers ci-dessous).`,
              nombreProblemes: n,
              problemes: err.problemes.slice(0, PROBLEMES_MAX_TELEVERSEMENT),
            });
          }
          throw err;
        }
      },
    );
  });
}
