/**
 * Routes of the flow forecast (prévisionnel: JSON, XLSX, PDF; the bailleur's inputs) and of the
 * stock → flow conversion workbench. Each validates with the contracts and calls one use case.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { creerAvenantsDeConversion, lireConversion } from '../app/conversion.ts';
import { enregistrerPrevision, lirePrevision } from '../app/prevision.ts';
import {
  cadreSimulation,
  cleSimulation,
  lireSimulation,
  pourLecteur,
  simulationComplete,
  type DemandeSimulation,
  type SimulationPreparee,
} from '../app/simulation.ts';
import { memoiser } from '../app/memo.ts';
import type { Acteur } from '../app/roles.ts';
import { reponseSimulationSchema, simulationQuerySchema } from '../contracts/simulation.ts';
import { documentDeReponse, nomFichierSimulationPdf, pdfSimulation } from '../reports/simulation-pdf.ts';
import { classeurSimulation, nomFichierSimulation } from '../reports/simulation-xlsx.ts';
import { erreurSchema } from '../contracts/api.ts';
import {
  avenantsConversionSchema,
  conversionQuerySchema,
  enregistrementPrevisionSchema,
  previsionQuerySchema,
  reponsePrevisionSchema,
} from '../contracts/prevision.ts';
import {
  classeurPrevisionnel,
  nomFichierPrevisionnel,
  pdfPrevisionnel,
  TYPE_PDF,
  TYPE_XLSX,
} from '../reports/previsionnel.ts';
import { acteur, horlogeServeur, pieceJointe, type OptionsServeur } from './commun.ts';
import { TropDeTentatives } from './limites.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};
const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] as const;

/** Simulations computed at once by this server; one more is told to come back (429). */
export const SIMULATIONS_SIMULTANEES = 2;

export async function enregistrerRoutesFlux(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui, anneeCourante } = horlogeServeur(options);
  let simulationsEnCours = 0;
  /** The Monte Carlo runs, at most `SIMULATIONS_SIMULTANEES` at a time (each gives the loop back as it goes). */
  const executer = async (p: SimulationPreparee) => {
    if (simulationsEnCours >= SIMULATIONS_SIMULTANEES)
      throw new TropDeTentatives(
        'des simulations sont déjà en cours sur le serveur : réessayez dans quelques secondes',
        Date.now() + 5_000,
      );
    simulationsEnCours++;
    try {
      return await simulationComplete(p);
    } finally {
      simulationsEnCours--;
    }
  };
  /**
   * A simulation as its reader may see it. The whole answer is kept until the bailleur's data
   * change (`memoiser`, scope: the bailleur): the page, then its XLSX and PDF, and the other readers
   * of the same year and assumptions share one computation, which a cached answer does not count
   * against the limit above.
   */
  const simuler = async (lecteur: Acteur, demande: DemandeSimulation) => {
    const cadre = await db.transaction((tx) => cadreSimulation(tx, lecteur, demande, anneeCourante()));
    const complete = await memoiser(
      db,
      cleSimulation(cadre, demande),
      async () => executer(await db.transaction((tx) => lireSimulation(tx, lecteur, demande, cadre))),
      { bailleurs: [cadre.bailleur.id] },
    );
    return pourLecteur(complete, lecteur);
  };

  app.get(
    '/flux/prevision',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['flux'],
        summary:
          'Prévision du flux d’un bailleur dans un département (année suivante par défaut) : flux brut, exclusions, flux net, droits prévus et reports',
        querystring: previsionQuerySchema,
        response: { 200: reponsePrevisionSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => lirePrevision(tx, acteur(request), request.query, anneeCourante())),
  );

  app.put(
    '/flux/prevision',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['flux'],
        summary:
          'Enregistrer les hypothèses de la prévision (fenêtre, livraisons, démolitions, ventes, exclusions prévues, volume PRU, flux passés saisis)',
        body: enregistrementPrevisionSchema,
        response: { 200: reponsePrevisionSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => enregistrerPrevision(tx, acteur(request), request.body, anneeCourante())),
  );

  for (const format of ['xlsx', 'pdf'] as const) {
    app.get(
      `/flux/prevision.${format}`,
      {
        config: { acces: [...LECTEURS] },
        schema: {
          tags: ['flux'],
          summary: `Le prévisionnel à transmettre aux réservataires avant le 28 février, au format ${format.toUpperCase()}`,
          querystring: previsionQuerySchema,
          response: {
            200: z.string().describe(format === 'xlsx' ? `classeur XLSX (${TYPE_XLSX})` : `document PDF (${TYPE_PDF})`),
            ...erreurs,
          },
        },
      },
      async (request, reply) => {
        const p = await db.transaction((tx) => lirePrevision(tx, acteur(request), request.query, anneeCourante()));
        const corps = format === 'xlsx' ? await classeurPrevisionnel(p) : await pdfPrevisionnel(p, aujourdhui());
        return reply
          .type(format === 'xlsx' ? TYPE_XLSX : TYPE_PDF)
          .header(
            'content-disposition',
            pieceJointe(
              nomFichierPrevisionnel(p, format),
              `Prévisionnel ${p.annee} — ${p.bailleur.nom} — ${p.departement}.${format}`,
            ),
          )
          .send(corps as unknown as string);
      },
    );
  }

  app.get(
    '/flux/simulation',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['flux'],
        summary:
          'Année de Monte Carlo d’une année stockée (hypothèses observées, modifiables) : par option de décompte et par ligne, logements et solde au 31 décembre en médiane et fourchette 10–90 %, probabilité de retard, charge de travail par mois ; un réservataire ne voit que sa ligne',
        querystring: simulationQuerySchema,
        response: { 200: reponseSimulationSchema, ...erreurs, 429: erreurSchema },
      },
    },
    async (request) => simuler(acteur(request), request.query),
  );

  app.get(
    '/flux/simulation.xlsx',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['flux'],
        summary: 'La simulation de Monte Carlo au format XLSX (hypothèses, options côte à côte, charge par mois)',
        querystring: simulationQuerySchema,
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs, 429: erreurSchema },
      },
    },
    async (request, reply) => {
      const r = await simuler(acteur(request), request.query);
      return reply
        .type(TYPE_XLSX)
        .header(
          'content-disposition',
          pieceJointe(nomFichierSimulation(r), `Simulation ${r.annee} — ${r.bailleur.nom} — ${r.departement}.xlsx`),
        )
        .send((await classeurSimulation(r)) as unknown as string);
    },
  );

  app.get(
    '/flux/simulation.pdf',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['flux'],
        summary:
          'La simulation de Monte Carlo au format PDF, à joindre à un projet de convention (hypothèses, tableau des options, éventails par ligne)',
        querystring: simulationQuerySchema,
        response: { 200: z.string().describe(`document PDF (${TYPE_PDF})`), ...erreurs, 429: erreurSchema },
      },
    },
    async (request, reply) => {
      const r = await simuler(acteur(request), request.query);
      return reply
        .type(TYPE_PDF)
        .header(
          'content-disposition',
          pieceJointe(nomFichierSimulationPdf(r), `Simulation ${r.annee} — ${r.bailleur.nom} — ${r.departement}.pdf`),
        )
        .send((await pdfSimulation(documentDeReponse(r), aujourdhui())) as unknown as string);
    },
  );

  app.get(
    '/flux/conversion',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['flux'],
        summary:
          'Conversion des réservations du stock en taux de flux, à partir du dernier état des lieux signé : méthodes côte à côte et projets de conventions',
        querystring: conversionQuerySchema,
        // The result is large and typed in src/domain/conversion.ts; the contract checks its envelope.
        response: {
          200: z.looseObject({
            bailleur: z.object({ id: z.string(), nom: z.string() }),
            annee: z.number(),
            resultat: z.unknown(),
            projets: z.unknown(),
          }),
          ...erreurs,
        },
      },
    },
    async (request) => db.transaction((tx) => lireConversion(tx, acteur(request), request.query, anneeCourante())),
  );

  app.post(
    '/flux/conversion/avenants',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['flux'],
        summary:
          'Transformer les projets d’une méthode de conversion en avenants (ou nouvelles conventions), effectifs au 1er janvier, en une fois : tout ou rien',
        body: avenantsConversionSchema,
        response: {
          201: z.object({
            conventions: z.array(z.string()),
            avertissements: z.array(z.object({ chemin: z.string(), message: z.string() })),
          }),
          ...erreurs,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await db.transaction((tx) =>
            creerAvenantsDeConversion(tx, acteur(request), request.body, anneeCourante(), aujourdhui()),
          ),
        ),
  );
}
