/**
 * Routes of the demand side (ADR 0036): a réservataire's (or a bailleur's) demands file, uploaded
 * raw and imported all or nothing, its list; the reconciliation of a year's allocations recorded
 * elsewhere, answered as JSON for the page or as an XLSX workbook. Thin: each calls one use case.
 */
import { basename, extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionOuverte } from '../app/auth.ts';
import {
  DemandesRefusees,
  importerDemandes,
  lireDemandes,
  ROLES_DEMANDES,
  sourceFichierDemandes,
} from '../app/demandes.ts';
import { enregistrerFichierErreurs, lienFichierErreurs } from '../app/fichiers-erreurs.ts';
import { executerRapprochement, rapprochementApi, ROLES_RAPPROCHEMENT } from '../app/rapprochement.ts';
import { erreurSchema } from '../contracts/api.ts';
import {
  demandesQuerySchema,
  demandesUploadQuerySchema,
  ECARTS_MAX_REPONSE,
  pageDemandesSchema,
  rapprochementQuerySchema,
  rapprochementSchema,
  resumeDemandesSchema,
  TAILLE_MAX_DEMANDES,
  TAILLE_MAX_RAPPROCHEMENT,
} from '../contracts/demandes.ts';
import { erreurTeleversementSchema, libelleTaille, PROBLEMES_MAX_TELEVERSEMENT } from '../contracts/televersement.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { supprimerTemporaire } from '../import/fichier-temporaire.ts';
import { classeurModeleDemandes, NOM_MODELE_DEMANDES_XLSX } from '../reports/modele-demandes-xlsx.ts';
import { classeurRapprochement, nomFichierRapprochement, TYPE_XLSX } from '../reports/rapprochement-xlsx.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';
import { accepterTeleversements, estTeleversement } from './televersement.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema, 422: erreurSchema };
const TYPES_CSV = ['text/csv', 'application/octet-stream', 'text/plain'];
const nomDeFichier = (nom: string | undefined, defaut: string) => basename(nom ?? defaut).slice(0, 200) || defaut;

const pasUnFichier = {
  erreur: 'TYPE_NON_PRIS_EN_CHARGE',
  message: 'envoyez le fichier CSV lui-même (content-type text/csv)',
};

/** A file refused for its shape (header): the first problems only. */
function refusForme(err: DonneesInvalides) {
  const n = (err as DonneesInvalides & { nombreProblemes?: number }).nombreProblemes ?? err.problemes.length;
  return {
    erreur: err.code,
    message: `${n} problème${n > 1 ? 's' : ''} dans le fichier : rien n’a été fait${n > PROBLEMES_MAX_TELEVERSEMENT ? ` (les ${PROBLEMES_MAX_TELEVERSEMENT} premiers ci-dessous)` : ''}. Corrigez-le et recommencez.`,
    nombreProblemes: n,
    problemes: err.problemes.slice(0, PROBLEMES_MAX_TELEVERSEMENT),
  };
}

export async function enregistrerRoutesDemandes(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/demandes',
    {
      config: { acces: [...ROLES_DEMANDES] },
      schema: {
        tags: ['demandes'],
        summary: 'Les demandes de logement importées par votre organisation (elle seule les lit), par page',
        querystring: demandesQuerySchema,
        response: { 200: pageDemandesSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => lireDemandes(tx, acteur(request), { ...request.query, aujourdhui: aujourdhui() })),
  );

  app.get(
    '/demandes/modele.xlsx',
    {
      config: { acces: [...ROLES_DEMANDES] },
      schema: {
        tags: ['demandes'],
        summary:
          'Le modèle du fichier de demandes au format tableur (XLSX) : les colonnes du modèle CSV, une ligne d’exemple, le mode d’emploi',
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (_request, reply) =>
      reply
        .type(TYPE_XLSX)
        .header('content-disposition', `attachment; filename="${NOM_MODELE_DEMANDES_XLSX}"`)
        .send((await classeurModeleDemandes()) as unknown as string), // bytes sent as they are, never serialised
  );

  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, TYPES_CSV, TAILLE_MAX_DEMANDES);
    route.post(
      '/demandes',
      {
        config: { acces: [...ROLES_DEMANDES] },
        schema: {
          tags: ['demandes'],
          summary: `Importer les demandes de votre organisation (corps : CSV du modèle docs/demandes.md ; ${libelleTaille(TAILLE_MAX_DEMANDES)} au plus) — tout ou rien`,
          description:
            'Refusé (422) : les premiers problèmes (« ligne 12, colonne PERSONNES : … ») et le lien du fichier d’erreurs (GET /api/fichiers-erreurs/{id}, 24 heures).',
          querystring: demandesUploadQuerySchema,
          response: {
            200: resumeDemandesSchema,
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurTeleversementSchema,
          },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body)) return reply.status(415).send(pasUnFichier);
        const a = acteur(request);
        const nom = nomDeFichier(request.query.nom, 'demandes.csv');
        try {
          return await importerDemandes(db, a, {
            source: sourceFichierDemandes(request.body.chemin, nom),
            aujourdhui: aujourdhui(),
          });
        } catch (err) {
          if (err instanceof DemandesRefusees) {
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
              message: `${n} problème${n > 1 ? 's' : ''} sur ${err.rejetes} ligne${err.rejetes > 1 ? 's' : ''} rejetée${err.rejetes > 1 ? 's' : ''} : aucune demande n’a été importée. Corrigez le fichier et importez-le de nouveau.`,
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
          if (err instanceof DonneesInvalides) return reply.status(422).send(refusForme(err));
          throw err;
        }
      },
    );
  });

  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, TYPES_CSV, TAILLE_MAX_RAPPROCHEMENT);
    const executer = async (request: {
      body: unknown;
      session: SessionOuverte | null;
      query: z.infer<typeof rapprochementQuerySchema>;
    }) => {
      const a = acteur(request);
      const chemin = (request.body as { chemin: string }).chemin;
      return executerRapprochement(db, a, {
        source: sourceFichierDemandes(chemin, nomDeFichier(request.query.nom, 'attributions.csv')),
        annee: request.query.annee,
        departement: request.query.departement,
      });
    };
    route.post(
      '/rapprochements',
      {
        config: { acces: [...ROLES_RAPPROCHEMENT] },
        schema: {
          tags: ['demandes'],
          summary: `Rapprocher les attributions d’une année enregistrées ailleurs (export SNE : NUMERO_UNIQUE ; RPLS ; DATE_BAIL ; RESERVATAIRE ; ${libelleTaille(TAILLE_MAX_RAPPROCHEMENT)} au plus) des baux de Flux`,
          description: `Part des attributions dont le réservataire est connu (fichier et Flux), par bailleur et département, et les écarts (les ${ECARTS_MAX_REPONSE} premiers ; tous dans le XLSX). Rien du fichier n’est conservé.`,
          querystring: rapprochementQuerySchema,
          response: {
            200: rapprochementSchema,
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurTeleversementSchema,
          },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body)) return reply.status(415).send(pasUnFichier);
        try {
          return rapprochementApi(await executer(request), ECARTS_MAX_REPONSE);
        } catch (err) {
          if (err instanceof DonneesInvalides) return reply.status(422).send(refusForme(err));
          throw err;
        }
      },
    );
    route.post(
      '/rapprochements.xlsx',
      {
        config: { acces: [...ROLES_RAPPROCHEMENT] },
        schema: {
          tags: ['demandes'],
          summary: 'Le même rapprochement au format tableur (XLSX) : indicateur et tous les écarts',
          querystring: rapprochementQuerySchema,
          response: {
            200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`),
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurTeleversementSchema,
          },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body)) return reply.status(415).send(pasUnFichier);
        let r;
        try {
          r = rapprochementApi(await executer(request));
        } catch (err) {
          if (err instanceof DonneesInvalides) return reply.status(422).send(refusForme(err));
          throw err;
        }
        const nom = nomFichierRapprochement(r.annee, r.departement);
        return reply
          .type(TYPE_XLSX)
          .header('content-disposition', `attachment; filename="${nom}"`)
          .send((await classeurRapprochement(r)) as unknown as string); // bytes sent as they are, never serialised
      },
    );
  });
}
