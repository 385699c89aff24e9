/**
 * Routes of the cotation (issue 17; ADR 0039): the EPCI's grids (read, save the draft, try it, as
 * JSON or XLSX, adopt it), and the public grids in force (no sign-in). Thin: each calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adopterBrouillon,
  enregistrerBrouillon,
  essayerBrouillon,
  lireGrillePublique,
  lireGrillesEpci,
  lireGrillesPubliques,
  ROLES_COTATION,
} from '../app/cotation.ts';
import { erreurSchema } from '../contracts/api.ts';
import {
  adoptionSchema,
  brouillonSchema,
  epciParamsSchema,
  essaiSchema,
  grillePubliqueSchema,
  grillesEpciSchema,
  grillesPubliquesSchema,
} from '../contracts/cotation.ts';
import { classeurEssai, nomFichierEssai, TYPE_XLSX } from '../reports/cotation-xlsx.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

export async function enregistrerRoutesCotation(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui, maintenant } = horlogeServeur(options);

  app.get(
    '/cotation/grilles',
    {
      config: { acces: 'public' },
      schema: {
        tags: ['cotation'],
        summary: 'Les EPCI dont une grille de cotation est en vigueur (page publique, sans connexion)',
        response: { 200: grillesPubliquesSchema },
      },
    },
    async () => db.transaction((tx) => lireGrillesPubliques(tx, aujourdhui())),
  );

  app.get(
    '/cotation/grilles/:siren',
    {
      config: { acces: 'public' },
      schema: {
        tags: ['cotation'],
        summary: 'La grille de cotation en vigueur d’un EPCI, en clair (page publique, sans connexion)',
        params: epciParamsSchema,
        response: { 200: grillePubliqueSchema, 400: erreurSchema, 404: erreurSchema },
      },
    },
    async (request) => db.transaction((tx) => lireGrillePublique(tx, request.params.siren, aujourdhui())),
  );

  app.get(
    '/cotation/epci',
    {
      config: { acces: [...ROLES_COTATION] },
      schema: {
        tags: ['cotation'],
        summary: 'Les grilles de votre EPCI : en vigueur, projet, versions antérieures',
        response: { 200: grillesEpciSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lireGrillesEpci(tx, acteur(request), aujourdhui())),
  );

  app.put(
    '/cotation/epci/brouillon',
    {
      config: { acces: [...ROLES_COTATION] },
      schema: {
        tags: ['cotation'],
        summary: 'Enregistrer le projet de grille de votre EPCI (le crée ou le remplace)',
        body: brouillonSchema,
        response: { 200: grillesEpciSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => enregistrerBrouillon(tx, acteur(request), request.body, maintenant())),
  );

  app.post(
    '/cotation/epci/adoption',
    {
      config: { acces: [...ROLES_COTATION] },
      schema: {
        tags: ['cotation'],
        summary: 'Enregistrer l’adoption du projet de grille (acte, instance, dates) : il devient la version suivante',
        body: adoptionSchema,
        response: { 200: grillesEpciSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => adopterBrouillon(tx, acteur(request), request.body, maintenant())),
  );

  app.get(
    '/cotation/epci/essai',
    {
      config: { acces: [...ROLES_COTATION] },
      schema: {
        tags: ['cotation'],
        summary: 'Essayer le projet de grille sur les demandes actuelles, comparé à la grille en vigueur',
        response: { 200: essaiSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => essayerBrouillon(tx, acteur(request), aujourdhui())),
  );

  app.get(
    '/cotation/epci/essai.xlsx',
    {
      config: { acces: [...ROLES_COTATION] },
      schema: {
        tags: ['cotation'],
        summary: 'Le même essai au format tableur (XLSX)',
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const jour = aujourdhui();
      const { essai, grilles } = await db.transaction(async (tx) => ({
        essai: await essayerBrouillon(tx, a, jour),
        grilles: await lireGrillesEpci(tx, a, jour),
      }));
      return reply
        .type(TYPE_XLSX)
        .header('content-disposition', `attachment; filename="${nomFichierEssai(grilles.epci.siren, jour)}"`)
        .send((await classeurEssai(essai, grilles.epci.nom, grilles.brouillon?.enonce ?? [])) as unknown as string); // bytes sent as they are, never serialised
    },
  );
}
