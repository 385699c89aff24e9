/**
 * Routes of the annual bilan (CCH R.441-5-1; issue 7): the bilans an actor may read, and one bilan
 * as JSON, XLSX, CSV or PDF. Each validates with the contracts and calls `lireBilan`, which scopes
 * the bilan to the actor (a réservataire gets its own line and its own lettings only).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bilansAccessibles, lireBilan, scenarioDuBilan } from '../app/bilan.ts';
import { statutBilan } from '../app/documents-bilan.ts';
import { avecBailleur, memoiserJson, porteeActeur } from '../app/memo.ts';
import { erreurSchema } from '../contracts/api.ts';
import { bilanQuerySchema, bilanSchema, bilansAccessiblesSchema } from '../contracts/bilan.ts';
import { csvBilan } from '../reports/bilan-csv.ts';
import { pdfBilan } from '../reports/bilan-pdf.ts';
import { classeurBilan, nomFichierBilan } from '../reports/bilan-xlsx.ts';
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

/** Sends an answer already checked against its contract and serialised (see `memoiserJson`). */
const json = (reply: FastifyReply, texte: string): FastifyReply =>
  reply
    .type('application/json; charset=utf-8')
    .serializer((x: unknown) => x as string)
    .send(texte);

export async function enregistrerRoutesBilan(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/bilans',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['bilan'],
        summary: 'Les bilans annuels que vous pouvez lire : un par bailleur et département',
        response: { 200: bilansAccessiblesSchema, ...erreurs },
      },
    },
    async (request) => ({ bilans: await db.transaction((tx) => bilansAccessibles(tx, acteur(request))) }),
  );

  app.get(
    '/bilan',
    {
      config: { acces: [...LECTEURS] },
      schema: {
        tags: ['bilan'],
        summary:
          'Bilan annuel R.441-5-1 d’un bailleur dans un département : logements proposés et attribués par réservataire et par dimension, droits, décomptes, soldes et reports, exclusions, objectifs, détail',
        querystring: bilanQuerySchema,
        response: { 200: bilanSchema, ...erreurs },
      },
    },
    // Checked against the contract and serialised once per data version (ADR 0010): the bilan of a
    // département's bailleur is a few hundred kilobytes, read by every party.
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      const texte = await memoiserJson(
        db,
        `bilan|${a.organisationId}|${a.role}|${q.annee}|${q.bailleur ?? ''}|${q.departement ?? ''}`,
        bilanSchema,
        () =>
          db.transaction((tx) =>
            lireBilan(tx, a, { annee: q.annee, bailleurId: q.bailleur, departement: q.departement }),
          ),
        avecBailleur(await porteeActeur(db, a), q.bailleur),
        a.utilisateurId,
      );
      return json(reply, texte);
    },
  );

  app.get(
    '/bilan/scenario',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['bilan'],
        summary:
          'Les événements de l’année en scénario de `flux simulate` : `flux simulate FICHIER --bilan` en recalcule le bilan à l’identique',
        querystring: bilanQuerySchema,
        response: { 200: z.string().describe('scénario JSON (schemas/scenario.schema.json)'), ...erreurs },
      },
    },
    async (request, reply) => {
      const s = await db.transaction((tx) =>
        scenarioDuBilan(tx, acteur(request), {
          annee: request.query.annee,
          bailleurId: request.query.bailleur,
          departement: request.query.departement,
        }),
      );
      const nom = `scenario-${s.annee}-${s.bailleur.id}-${s.departement}.json`;
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', pieceJointe(nom, nom))
        .serializer((x: unknown) => x as string)
        .send(`${JSON.stringify(s, null, 2)}\n`);
    },
  );

  for (const format of ['xlsx', 'csv', 'pdf'] as const) {
    app.get(
      `/bilan.${format}`,
      {
        config: { acces: [...LECTEURS] },
        schema: {
          tags: ['bilan'],
          summary: `Bilan annuel R.441-5-1, au format ${format.toUpperCase()}`,
          querystring: bilanQuerySchema,
          response: {
            200: z.string().describe(`${FORMATS_BILAN[format].description} (${FORMATS_BILAN[format].type})`),
            ...erreurs,
          },
        },
      },
      async (request, reply) => {
        const { b, statut } = await db.transaction(async (tx) => {
          const a = acteur(request);
          const b = await lireBilan(tx, a, {
            annee: request.query.annee,
            bailleurId: request.query.bailleur,
            departement: request.query.departement,
          });
          return { b, statut: await statutBilan(tx, a, b) };
        });
        const edite = aujourdhui();
        const corps =
          format === 'xlsx'
            ? await classeurBilan(b, edite, statut)
            : format === 'pdf'
              ? await pdfBilan(b, edite, { statut })
              : csvBilan(b);
        return reply
          .type(FORMATS_BILAN[format].type)
          .header(
            'content-disposition',
            pieceJointe(
              nomFichierBilan(b, format),
              `Bilan ${b.annee} — ${b.bailleur.nom} — ${b.departement}.${format}`,
            ),
          )
          .send(corps as unknown as string);
      },
    );
  }
}
