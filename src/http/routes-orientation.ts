/**
 * Routes of the orientation decision, the réservataire's inbox and the notifications (issue 6).
 * Each validates with the contracts and calls one use case in one transaction; the e-mails of the
 * notifications it stored go after the commit (SMTP from configuration, off when unset).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { boiteEnCache, porteeBoite, proposerCandidats } from '../app/boite.ts';
import { pageBoite } from '../app/listes.ts';
import { memoiser } from '../app/memo.ts';
import { expedierNotifications, listerNotifications, marquerLue } from '../app/notifications.ts';
import { deciderOrientation, recommandation } from '../app/orientation.ts';
import { erreurSchema, idParamSchema, locationSchema } from '../contracts/api.ts';
import {
  decisionOrientationCorpsSchema,
  notificationsSchema,
  propositionCorpsSchema,
  recommandationSchema,
} from '../contracts/orientation.ts';
import { boiteQuerySchema, pageBoiteSchema } from '../contracts/listes.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

export async function enregistrerRoutesOrientation(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { maintenant, aujourdhui } = horlogeServeur(options);
  const expedier = async (log: { error: (o: unknown, m: string) => void }) => {
    try {
      await (options.expedier ? options.expedier() : expedierNotifications(db, options.expediteur ?? null));
    } catch (e) {
      log.error(e, 'envoi des notifications par courriel');
    }
  };

  app.get(
    '/locations/:id/recommandation',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary:
          'Recommandation d’orientation du moteur et son explication : qui est dû, de combien, les écarts qualitatifs, pourquoi pas les autres',
        params: idParamSchema,
        response: { 200: recommandationSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => recommandation(tx, acteur(request), request.params.id)),
  );

  app.post(
    '/locations/:id/orientation',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['locations'],
        summary:
          'Décision du bailleur : confirmer la recommandation (sans motif), ou orienter autrement ou vers plusieurs réservataires (motif écrit obligatoire)',
        params: idParamSchema,
        body: decisionOrientationCorpsSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) => {
      const r = await db.transaction((tx) =>
        deciderOrientation(tx, acteur(request), request.params.id, request.body, maintenant()),
      );
      await expedier(request.log);
      return r;
    },
  );

  app.get(
    '/boite',
    {
      config: { acces: ['agent_reservataire', 'pilote_etat', 'agent_bailleur'] },
      schema: {
        tags: ['boîte de réception'],
        summary:
          'Logements orientés au réservataire (ou, en gestion déléguée, au bailleur pour son compte) avec le compte à rebours du délai de proposition : une page (100 au plus), filtrée, les plus urgents d’abord',
        querystring: boiteQuerySchema,
        response: { 200: pageBoiteSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const jour = aujourdhui();
      // The whole inbox is computed once per scope change (boiteEnCache, ADR 0023); each page asked
      // for is checked against its contract and serialised once too, until a write in its scope.
      const texte = await memoiser(
        db,
        `json|boite|${a.organisationId}|${a.role}|${jour}|${JSON.stringify(request.query)}`,
        async () => {
          const boite = await boiteEnCache(db, a, jour);
          const page = { aujourdhui: boite.aujourdhui, ...(await pageBoite(db, boite.elements, request.query)) };
          return JSON.stringify(pageBoiteSchema.parse(page));
        },
        // The page's scope is its inbox's: a delegatee's pages follow the State's units too.
        await porteeBoite(db, a, jour),
        a.utilisateurId,
      );
      return (reply as FastifyReply)
        .type('application/json; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(texte);
    },
  );

  app.post(
    '/boite/:id/candidats',
    {
      config: { acces: ['agent_reservataire', 'pilote_etat', 'agent_bailleur'] },
      schema: {
        tags: ['boîte de réception'],
        summary: 'Proposer des candidats par numéro unique SNE, avec seulement ce dont la CAL a besoin',
        params: idParamSchema,
        body: propositionCorpsSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => proposerCandidats(tx, acteur(request), request.params.id, request.body, maintenant())),
  );

  app.get(
    '/notifications',
    {
      config: { acces: 'connecte' },
      schema: {
        tags: ['notifications'],
        summary: 'Notifications de votre organisation (les 50 dernières) et le nombre de non lues',
        response: { 200: notificationsSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerNotifications(tx, acteur(request))),
  );

  app.post(
    '/notifications/:id/lue',
    {
      config: { acces: 'connecte' },
      schema: {
        tags: ['notifications'],
        summary: 'Marquer une notification comme lue',
        params: idParamSchema,
        response: { 200: z.object({ ok: z.literal(true) }), ...erreurs },
      },
    },
    async (request) => {
      await db.transaction((tx) => marquerLue(tx, acteur(request), request.params.id));
      return { ok: true as const };
    },
  );
}
