/**
 * Routes of conventions kept as versions (avenants): the register, one convention with its history
 * and its ledger line, a new convention, a new version, the préfet's reprise of a caduque convention
 * (State pilot). GET /api/conventions (the ledger lines of
 * the home page) stays in routes.ts. Each route validates with the contracts and calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ajouterAvenant,
  creerConvention,
  enregistrerReprisePrefet,
  lireConvention,
  listerConventions,
  type Quand,
} from '../app/conventions.ts';
import { pageRegistre } from '../app/listes.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  anneeConventionQuerySchema,
  avenantSchema,
  conventionDetailSchema,
  nouvelleConventionSchema,
  registreConventionsSchema,
  registreQuerySchema,
  repriseEntreeSchema,
} from '../contracts/conventions.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

/** Today (Europe/Paris, from the server's clock) and the year asked, this year by default. */
function quand(annee: number | undefined, aujourdhui: string): Quand {
  return { annee: annee ?? Number(aujourdhui.slice(0, 4)), aujourdhui };
}

export async function enregistrerRoutesConventions(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/conventions/registre',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['conventions'],
        summary:
          'Registre des conventions visibles : version en vigueur, forme (stock, conversion, flux), échéance de conversion et solde de l’année',
        querystring: registreQuerySchema,
        response: { 200: registreConventionsSchema, ...erreurs },
      },
    },
    async (request) => {
      const registre = await db.transaction((tx) =>
        listerConventions(
          tx,
          acteur(request),
          { bailleur: request.query.bailleur },
          quand(request.query.annee, aujourdhui()),
        ),
      );
      return { ...registre, ...pageRegistre(registre.conventions, request.query) };
    },
  );

  app.get(
    '/conventions/:id',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['conventions'],
        summary:
          'Une convention : ses versions (avenants), la version en vigueur, sa forme et sa ligne du bilan de l’année',
        params: idParamSchema,
        querystring: anneeConventionQuerySchema,
        response: { 200: conventionDetailSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) =>
        lireConvention(tx, acteur(request), request.params.id, quand(request.query.annee, aujourdhui())),
      ),
  );

  app.post(
    '/conventions',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Créer une convention du bailleur avec un réservataire dans un département, et sa première version (contrôles légaux)',
        body: nouvelleConventionSchema,
        response: { 201: conventionDetailSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            creerConvention(tx, acteur(request), request.body, quand(undefined, aujourdhui())),
          ),
        ),
  );

  app.post(
    '/conventions/:id/versions',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Ajouter un avenant : une nouvelle version datée, contrôlée avec les conventions en vigueur à sa date (409 si une autre version a été écrite depuis versionLue)',
        params: idParamSchema,
        body: avenantSchema,
        response: { 201: conventionDetailSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            ajouterAvenant(tx, acteur(request), request.params.id, request.body, quand(undefined, aujourdhui())),
          ),
        ),
  );

  app.post(
    '/conventions/:id/reprise-prefet',
    {
      config: { acces: ['pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Enregistrer la décision du préfet reprenant les droits d’une convention caduque (date, acte, commentaire) : une fois, irréversible, auditée',
        params: idParamSchema,
        body: repriseEntreeSchema,
        response: { 201: conventionDetailSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            enregistrerReprisePrefet(
              tx,
              acteur(request),
              request.params.id,
              request.body,
              quand(undefined, aujourdhui()),
            ),
          ),
        ),
  );
}
