/**
 * Routes of the territory's consolidation (issue 14 items 3 and 5, ADR 0040): drafts of conventions
 * and the CIL's review, the EPCI's consolidation, the State pilot's départemental view (and its
 * XLSX), the delegation of the State's contingent. Each route validates with the contracts and
 * calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enregistrerDelegation, listerDelegations, terminerDelegation } from '../app/delegations.ts';
import {
  documentProjet,
  documentVersion,
  lireProjetEtDocument,
  signerDocumentProjet,
} from '../app/document-convention.ts';
import {
  creerProjet,
  enregistrerAvisCil,
  lireProjets,
  modifierClauses,
  signerProjet,
} from '../app/projets-conventions.ts';
import { consolidationEpci, vueDepartementale } from '../app/territoire.ts';
import type { Quand } from '../app/conventions.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  anneeQuerySchema,
  avisCilEntreeSchema,
  consolidationEpciSchema,
  delegationEntreeSchema,
  delegationsApiSchema,
  finDelegationSchema,
  modificationClausesSchema,
  nouveauProjetSchema,
  projetApiSchema,
  projetAvenantSchema,
  projetsApiSchema,
  signatureDocumentSchema,
  signatureProjetSchema,
  vueDepartementaleSchema,
} from '../contracts/territoire.ts';
import { docxConvention, nomFichierConvention, TYPE_DOCX } from '../reports/convention-docx.ts';
import { pdfConvention, TYPE_PDF } from '../reports/convention-pdf.ts';
import { classeurDepartement, nomFichierDepartement, TYPE_XLSX } from '../reports/departement-xlsx.ts';
import { acteur, horlogeServeur, pieceJointe, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

export async function enregistrerRoutesTerritoire(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui, maintenant } = horlogeServeur(options);
  const quand = (annee?: number): Quand => {
    const jour = aujourdhui();
    return { annee: annee ?? Number(jour.slice(0, 4)), aujourdhui: jour };
  };

  app.get(
    '/conventions/projets',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['conventions'],
        summary: 'Projets de conventions et d’avenants visibles, avec l’avis de chaque CIL (CCH L.441-1-5)',
        response: { 200: projetsApiSchema, ...erreurs },
      },
    },
    async (request) => ({ projets: await db.transaction((tx) => lireProjets(tx, acteur(request))) }),
  );

  app.get(
    '/conventions/projets/:id',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['conventions'],
        summary: 'Un projet de convention : ses termes, l’avis de chaque CIL concernée, son statut',
        params: idParamSchema,
        response: { 200: projetApiSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lireProjetEtDocument(tx, acteur(request), request.params.id)),
  );

  app.post(
    '/conventions/projets',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary: 'Préparer le projet d’une nouvelle convention (contrôles légaux ; rien n’entre en vigueur)',
        body: nouveauProjetSchema,
        response: { 201: projetApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await db.transaction((tx) => creerProjet(tx, acteur(request), null, request.body))),
  );

  app.post(
    '/conventions/:id/projets',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary: 'Préparer le projet d’un avenant, à présenter aux CIL avant signature',
        params: idParamSchema,
        body: projetAvenantSchema,
        response: { 201: projetApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => creerProjet(tx, acteur(request), request.params.id, request.body))),
  );

  app.post(
    '/conventions/projets/:id/avis-cil',
    {
      config: { acces: ['lecteur_epci'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Enregistrer l’avis de la CIL sur un projet (séance, favorable ou réservé avec ses raisons) : une fois, avant la signature, audité',
        params: idParamSchema,
        body: avisCilEntreeSchema,
        response: { 201: projetApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            enregistrerAvisCil(tx, acteur(request), request.params.id, request.body, quand()),
          ),
        ),
  );

  app.post(
    '/conventions/projets/:id/signature',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary: 'Les parties ont signé le projet : sa version est écrite (mêmes contrôles qu’un avenant)',
        params: idParamSchema,
        body: signatureProjetSchema,
        response: { 201: projetApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) => signerProjet(tx, acteur(request), request.params.id, request.body, quand())),
        ),
  );

  app.put(
    '/conventions/projets/:id/clauses',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Modifier les clauses d’un projet (fondement, durée, catégories prioritaires, échanges d’information, CIA et CIL, évaluation) : audité ; les signatures déjà données ne correspondent plus',
        params: idParamSchema,
        body: modificationClausesSchema,
        response: { 200: projetApiSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => modifierClauses(tx, acteur(request), request.params.id, request.body)),
  );

  for (const [format, type, description] of [
    ['pdf', TYPE_PDF, 'document PDF'],
    ['docx', TYPE_DOCX, 'document DOCX modifiable'],
  ] as const)
    app.get(
      `/conventions/projets/:id/document.${format}`,
      {
        config: { acces: [...LECTEURS] },
        schema: {
          tags: ['conventions'],
          summary: `Le document de la convention (${format.toUpperCase()}) écrit depuis les termes enregistrés : articles du modèle de convention, annexes, empreinte à signer`,
          params: idParamSchema,
          response: { 200: z.string().describe(`${description} (${type})`), ...erreurs },
        },
      },
      async (request, reply) => {
        const { projet, document, empreinte } = await db.transaction((tx) =>
          documentProjet(tx, acteur(request), request.params.id),
        );
        const nom = nomFichierConvention(
          { bailleur: projet.bailleur.nom, reservataire: projet.reservataire.nom, departement: projet.departement },
          format,
        );
        const contenu =
          format === 'pdf' ? await pdfConvention(document, empreinte) : docxConvention(document, empreinte);
        return reply
          .type(type)
          .header('x-empreinte', empreinte)
          .header('content-disposition', pieceJointe(nom, nom))
          .send(contenu as unknown as string);
      },
    );

  for (const [format, type, description] of [
    ['pdf', TYPE_PDF, 'document PDF'],
    ['docx', TYPE_DOCX, 'document DOCX modifiable'],
  ] as const)
    app.get(
      `/conventions/:id/document.${format}`,
      {
        config: { acces: [...LECTEURS] },
        schema: {
          tags: ['conventions'],
          summary: `Le document (${format.toUpperCase()}) d’une version de la convention — celle en vigueur, ou ?version=N — écrit depuis ses termes et les clauses signées avec elle (à défaut, celles que Flux propose, signalées)`,
          params: idParamSchema,
          querystring: z.strictObject({ version: z.coerce.number().int().min(1).max(10_000).optional() }),
          response: { 200: z.string().describe(`${description} (${type})`), ...erreurs },
        },
      },
      async (request, reply) => {
        const d = await db.transaction((tx) =>
          documentVersion(tx, acteur(request), request.params.id, request.query.version, aujourdhui()),
        );
        const nom = nomFichierConvention(
          { bailleur: d.bailleur, reservataire: d.reservataire, departement: d.departement },
          format,
        );
        const contenu =
          format === 'pdf' ? await pdfConvention(d.document, d.empreinte) : docxConvention(d.document, d.empreinte);
        return reply
          .type(type)
          .header('x-empreinte', d.empreinte)
          .header('content-disposition', pieceJointe(nom, nom))
          .send(contenu as unknown as string);
      },
    );

  app.post(
    '/conventions/projets/:id/signatures-document',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Signer le document lu (son empreinte SHA-256) au nom de sa partie, bailleur ou réservataire : refusé si le document a changé depuis, audité',
        params: idParamSchema,
        body: signatureDocumentSchema,
        response: { 201: projetApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            signerDocumentProjet(tx, acteur(request), request.params.id, request.body.empreinte),
          ),
        ),
  );

  app.get(
    '/territoire/epci',
    {
      config: { acces: ['lecteur_epci'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Les conventions couvrant le territoire de l’EPCI, tous bailleurs, consolidées par réservataire (taux, logements attendus, termes qualitatifs), et les projets à examiner en CIL',
        querystring: anneeQuerySchema,
        response: { 200: consolidationEpciSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => consolidationEpci(tx, acteur(request), quand(request.query.annee))),
  );

  app.get(
    '/territoire/departement',
    {
      config: { acces: ['pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Vue départementale : conventions de chaque bailleur, part de l’État par bailleur et par commune, conventions manquantes ou caduques, projets en attente',
        querystring: anneeQuerySchema,
        response: { 200: vueDepartementaleSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => vueDepartementale(tx, acteur(request), quand(request.query.annee))),
  );

  app.get(
    '/territoire/departement.xlsx',
    {
      config: { acces: ['pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary: 'La vue départementale au format tableur (XLSX)',
        querystring: anneeQuerySchema,
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const vue = await db.transaction((tx) => vueDepartementale(tx, acteur(request), quand(request.query.annee)));
      return reply
        .type(TYPE_XLSX)
        .header(
          'content-disposition',
          pieceJointe(
            nomFichierDepartement(vue.departement, vue.annee),
            `Vue départementale — ${vue.departement} — ${vue.annee}.xlsx`,
          ),
        )
        .send((await classeurDepartement(vue)) as unknown as string);
    },
  );

  app.get(
    '/delegations',
    {
      config: { acces: ['pilote_etat', 'agent_reservataire', 'lecteur_epci'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Délégations du contingent de l’État (CCH L.441-1) : celles du département (pilote de l’État) ou celles reçues par votre organisation',
        response: { 200: delegationsApiSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerDelegations(tx, acteur(request), aujourdhui())),
  );

  app.post(
    '/delegations',
    {
      config: { acces: ['pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Enregistrer la délégation du contingent de l’État à un maire ou un EPCI (communes, dates, acte) : auditée, non modifiable',
        body: delegationEntreeSchema,
        response: { 201: delegationsApiSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => enregistrerDelegation(tx, acteur(request), request.body, aujourdhui()))),
  );

  app.post(
    '/delegations/:id/fin',
    {
      config: { acces: ['pilote_etat'] },
      schema: {
        tags: ['conventions'],
        summary:
          'Mettre fin à une délégation du contingent avant son dernier jour, sur décision du préfet (auditée ; le dernier jour prévu est conservé)',
        params: z.strictObject({ id: z.string().min(1).max(200) }),
        body: finDelegationSchema,
        response: { 200: delegationsApiSchema, ...erreurs, 409: erreurSchema },
      },
    },
    async (request) =>
      db.transaction((tx) => terminerDelegation(tx, acteur(request), request.params.id, request.body, maintenant())),
  );
}
