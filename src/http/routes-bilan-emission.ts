/**
 * Routes of the annual bilan's issuing and sending and of the year lock's late corrections
 * (issue 7 items 2–3). Each validates with the contracts and calls one use case in one transaction;
 * the server's clock (`horloge`, fixed by the tests) dates every write and decides "today".
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cloturerFenetre,
  emettreBilan,
  lireEmissions,
  marquerEnvoye,
  ouvrirFenetre,
  telechargerVersion,
} from '../app/emission-bilan.ts';
import { jourParis } from '../domain/calendrier.ts';
import { csvBilan } from '../reports/bilan-csv.ts';
import { pdfBilan } from '../reports/bilan-pdf.ts';
import { classeurBilan, nomFichierBilan } from '../reports/bilan-xlsx.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  emettreSchema,
  emissionQuerySchema,
  emissionsAnneeSchema,
  emissionDocumentParamsSchema,
  emissionVersionParamsSchema,
  envoiSchema,
  fenetreSchema,
  versionEmiseSchema,
} from '../contracts/emission-bilan.ts';
import { acteur, FORMATS_BILAN, horlogeServeur, pieceJointe, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};
const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

export async function enregistrerRoutesBilanEmission(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { maintenant } = horlogeServeur(options);

  app.post(
    '/bilan/emissions',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['bilan'],
        summary:
          'Émettre le bilan annuel de l’année N (une fois N terminée) : version immuable, empreinte SHA-256 ; l’année est verrouillée',
        body: emettreSchema,
        response: { 201: emissionsAnneeSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => emettreBilan(tx, acteur(request), request.body, maintenant()))),
  );

  app.get(
    '/bilan/emissions',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['bilan'],
        summary:
          'Émissions du bilan annuel : versions, destinataires, envois et téléchargements, verrou de l’année, corrections et ce qui a changé',
        querystring: emissionQuerySchema,
        response: { 200: emissionsAnneeSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lireEmissions(tx, acteur(request), request.query, maintenant())),
  );

  app.post(
    '/bilan/emissions/envois',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['bilan'],
        summary: 'Marquer une version émise du bilan comme envoyée à un destinataire (réservataire ou EPCI)',
        body: envoiSchema,
        response: { 201: emissionsAnneeSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => marquerEnvoye(tx, acteur(request), request.body, maintenant()))),
  );

  app.get(
    '/bilan/emissions/:version',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['bilan'],
        summary:
          'Télécharger une version émise (JSON) ; un réservataire reçoit ses seules lignes ; le téléchargement est enregistré',
        params: emissionVersionParamsSchema,
        querystring: emissionQuerySchema,
        response: { 200: versionEmiseSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const v = await db.transaction((tx) =>
        telechargerVersion(tx, acteur(request), { ...request.query, version: request.params.version }, maintenant()),
      );
      const b = v.bilan;
      return reply
        .header(
          'content-disposition',
          pieceJointe(
            `bilan-${b.annee}-${b.departement}-${b.bailleur.id}-v${v.version}.json`,
            `Bilan ${b.annee} — ${b.bailleur.nom} — ${b.departement} — version ${v.version}.json`,
          ),
        )
        .send({ ...v, bilan: b as unknown as Record<string, unknown> });
    },
  );

  // An issued version as the documents officers file and forward: XLSX, PDF or CSV, with its
  // number, date and fingerprint; the download is recorded like the JSON one.
  app.get(
    '/bilan/emissions/:version/:format',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['bilan'],
        summary:
          'Télécharger une version émise au format XLSX, PDF ou CSV ; un réservataire reçoit ses seules lignes ; le téléchargement est enregistré',
        params: emissionDocumentParamsSchema,
        querystring: emissionQuerySchema,
        response: { 200: z.string().describe('le document de la version émise'), ...erreurs },
      },
    },
    async (request, reply) => {
      const { format, version } = request.params;
      const v = await db.transaction((tx) =>
        telechargerVersion(tx, acteur(request), { ...request.query, version }, maintenant()),
      );
      const b = v.bilan;
      const emisLe = jourParis(new Date(v.emisLe));
      const statut = { etat: 'emis', version: v.version, emisLe, empreinte: v.empreinte } as const;
      const corps =
        format === 'xlsx'
          ? await classeurBilan(b, emisLe, statut)
          : format === 'pdf'
            ? await pdfBilan(b, emisLe, { statut })
            : csvBilan(b);
      const base = nomFichierBilan(b, format).replace(new RegExp(`\\.${format}$`), `-v${v.version}.${format}`);
      return reply
        .type(FORMATS_BILAN[format].type)
        .header(
          'content-disposition',
          pieceJointe(base, `Bilan ${b.annee} — ${b.bailleur.nom} — ${b.departement} — version ${v.version}.${format}`),
        )
        .send(corps as unknown as string);
    },
  );

  app.post(
    '/annees/corrections',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['bilan'],
        summary:
          'Ouvrir une fenêtre de correction tardive sur une année verrouillée (motif écrit, fin dans 30 jours au plus)',
        body: fenetreSchema,
        response: { 201: emissionsAnneeSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await db.transaction((tx) => ouvrirFenetre(tx, acteur(request), request.body, maintenant()))),
  );

  app.post(
    '/annees/corrections/:id/cloture',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['bilan'],
        summary: 'Clôturer la fenêtre de correction tardive : l’année est de nouveau verrouillée',
        params: idParamSchema,
        response: { 200: emissionsAnneeSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => cloturerFenetre(tx, acteur(request), request.params.id, maintenant())),
  );
}
