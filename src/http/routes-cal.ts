/**
 * Routes of the CAL sessions (issue 6 item 4) and of the live allocation objectives (item 6). Each
 * validates with the contracts of src/contracts/cal.ts and calls one use case.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  aExaminer,
  ajouterExamen,
  annulerSession,
  creerSession,
  deciderExamen,
  expirerOffres,
  lireSession,
  listerSessions,
  repondreOffre,
  retirerExamen,
  signerBailOffre,
} from '../app/cal.ts';
import { nomsDesOrganisations } from '../app/listes.ts';
import { memoiserJson, porteeActeur } from '../app/memo.ts';
import { lireBauxObjectifs, lireObjectifs } from '../app/objectifs.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  aExaminerSchema,
  ajoutExamenSchema,
  annulationSessionSchema,
  bailOffreSchema,
  decisionExamenSchema,
  expirationSchema,
  nouvelleSessionSchema,
  bauxObjectifsQuerySchema,
  bauxObjectifsSchema,
  objectifsQuerySchema,
  objectifsSchema,
  pageSessionsCalSchema,
  reponseOffreSchema,
  retraitExamenSchema,
  sessionCalDetailSchema,
  sessionCalSchema,
  sessionsCalQuerySchema,
} from '../contracts/cal.ts';
import { nomFichierProcesVerbal, pdfProcesVerbal, TYPE_PDF } from '../reports/proces-verbal.ts';
import { acteur, horlogeServeur, pieceJointe, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

/** Who reads CAL sessions: the bailleur (its own) and the State pilot (a CAL member, its département). */
const LECTEURS_CAL = ['agent_bailleur', 'pilote_etat'] as const;

export async function enregistrerRoutesCal(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { maintenant, aujourdhui } = horlogeServeur(options);

  app.get(
    '/cal/sessions',
    {
      config: { acces: [...LECTEURS_CAL] },
      schema: {
        tags: ['cal'],
        summary:
          'Séances de CAL visibles, une page (100 au plus) : filtres (état à venir, tenue ou annulée ; période du… au…), les séances à venir les plus proches d’abord, puis les passées les plus récentes',
        querystring: sessionsCalQuerySchema,
        response: { 200: pageSessionsCalSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerSessions(tx, acteur(request), request.query, aujourdhui())),
  );

  app.post(
    '/cal/sessions',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Créer une séance de CAL (date, département)',
        body: nouvelleSessionSchema,
        response: { 201: sessionCalSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await db.transaction((tx) => creerSession(tx, acteur(request), request.body))),
  );

  app.get(
    '/cal/a-examiner',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Locations dont les candidats sont proposés, à inscrire à une séance',
        response: { 200: z.array(aExaminerSchema), ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => aExaminer(tx, acteur(request))),
  );

  app.get(
    '/cal/sessions/:id',
    {
      config: { acces: [...LECTEURS_CAL] },
      schema: {
        tags: ['cal'],
        summary: 'Une séance : logements examinés, candidats classés, décisions, offres et suites',
        params: idParamSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lireSession(tx, acteur(request), request.params.id)),
  );

  app.post(
    '/cal/sessions/:id/examens',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Inscrire une location à la séance (au moins trois candidatures, sauf désignation DALO ou motif)',
        params: idParamSchema,
        body: ajoutExamenSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => ajouterExamen(tx, acteur(request), request.params.id, request.body)),
  );

  app.post(
    '/cal/sessions/:id/retraits',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Retirer un logement de la séance avant sa décision (il revient « à examiner »)',
        params: idParamSchema,
        body: retraitExamenSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => retirerExamen(tx, acteur(request), request.params.id, request.body)),
  );

  app.post(
    '/cal/sessions/:id/annulation',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary:
          'Annuler une séance qui n’a encore rien décidé (motif écrit) ; ses logements reviennent « à examiner »',
        params: idParamSchema,
        body: annulationSessionSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => annulerSession(tx, acteur(request), request.params.id, request.body)),
  );

  app.post(
    '/cal/sessions/:id/decisions',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Enregistrer la décision de la CAL sur un logement (une des cinq décisions, motif, classement)',
        params: idParamSchema,
        body: decisionExamenSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => deciderExamen(tx, acteur(request), request.params.id, request.body, maintenant())),
  );

  app.get(
    '/cal/sessions/:id/proces-verbal.pdf',
    {
      config: { acces: [...LECTEURS_CAL] },
      schema: {
        tags: ['cal'],
        summary: 'Procès-verbal de la séance (PDF)',
        params: idParamSchema,
        response: { 200: z.string().describe(`document PDF (${TYPE_PDF})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const { s, noms } = await db.transaction(async (tx) => {
        const s = await lireSession(tx, acteur(request), request.params.id);
        return { s, noms: await nomsDesOrganisations(tx) };
      });
      const pdf = await pdfProcesVerbal(s, noms, aujourdhui());
      return reply
        .type(TYPE_PDF)
        .header(
          'content-disposition',
          pieceJointe(nomFichierProcesVerbal(s), `Procès-verbal CAL ${s.date} — ${s.bailleur}.pdf`),
        )
        .send(pdf as unknown as string);
    },
  );

  app.post(
    '/cal/offres/:id/reponse',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Réponse du candidat à l’offre (10 jours ; un refus passe au rang suivant ou à la suite prévue)',
        params: idParamSchema,
        body: reponseOffreSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => repondreOffre(tx, acteur(request), request.params.id, request.body, aujourdhui())),
  );

  app.post(
    '/cal/offres/:id/bail',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Bail signé par le candidat qui a accepté l’offre',
        params: idParamSchema,
        body: bailOffreSchema,
        response: { 200: sessionCalDetailSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => signerBailOffre(tx, acteur(request), request.params.id, request.body, maintenant())),
  );

  app.post(
    '/cal/offres/expirer',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['cal'],
        summary: 'Constater les offres sans réponse après 10 jours (le silence vaut refus) ; sans effet si déjà fait',
        response: { 200: expirationSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => expirerOffres(tx, acteur(request), aujourdhui())),
  );

  app.get(
    '/objectifs',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['objectifs'],
        summary: 'Objectifs d’attribution de l’année en cours, par EPCI et par réservataire, avec leur tendance',
        querystring: objectifsQuerySchema,
        response: { 200: objectifsSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const jour = aujourdhui();
      const annee = request.query.annee ?? Number(jour.slice(0, 4));
      // Cached by the actor's scope until a write touches it (ADR 0023): the State pilot's
      // département-wide answer is recomputed only after a change in its département.
      const texte = await memoiserJson(
        db,
        `objectifs|${a.organisationId}|${a.role}|${annee}|${jour}`,
        objectifsSchema,
        () => db.transaction((tx) => lireObjectifs(tx, a, annee, jour)),
        await porteeActeur(db, a),
        a.utilisateurId,
      );
      // Already checked against the contract and serialised once (see `memoiserJson`).
      return (reply as FastifyReply)
        .type('application/json; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(texte);
    },
  );

  app.get(
    '/objectifs/baux',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['objectifs'],
        summary:
          'Les baux de l’année derrière les objectifs d’un EPCI (dans le flux et hors du flux), ce que les objectifs en retiennent : une page (100 au plus), les plus récents d’abord',
        querystring: bauxObjectifsQuerySchema,
        response: { 200: bauxObjectifsSchema, ...erreurs },
      },
    },
    async (request) => {
      const jour = aujourdhui();
      const q = request.query;
      return db.transaction((tx) =>
        lireBauxObjectifs(
          tx,
          acteur(request),
          {
            annee: q.annee ?? Number(jour.slice(0, 4)),
            epci: q.epci === 'aucun' ? null : q.epci,
            page: q.page,
            parPage: q.parPage,
          },
          jour,
        ),
      );
    },
  );
}
