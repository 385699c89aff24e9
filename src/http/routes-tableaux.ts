/**
 * Route of the dashboards (issue 7 item 4): one answer per role, checked against its contract
 * (src/contracts/tableaux.ts), cached under the data version like the other read pages (ADR 0010).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { memoiserJson, porteeActeur } from '../app/memo.ts';
import { lireTableau, ROLES_TABLEAU } from '../app/tableaux.ts';
import { erreurSchema } from '../contracts/api.ts';
import { tableauQuerySchema, tableauSchema } from '../contracts/tableaux.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema, 422: erreurSchema };

export async function enregistrerRoutesTableaux(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/tableau',
    {
      config: { acces: [...ROLES_TABLEAU] },
      schema: {
        tags: ['tableaux de bord'],
        summary:
          'Tableau de bord de l’année selon le rôle : registre de chaque ligne mois par mois (droit et décomptés), mix reçu et mix du flux, ' +
          'objectifs et leur tendance, délais manqués ; usage du contingent préfectoral (pilote de l’État), territoire (EPCI)',
        querystring: tableauQuerySchema,
        response: { 200: tableauSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const jour = aujourdhui();
      const annee = request.query.annee ?? Number(jour.slice(0, 4));
      const texte = await memoiserJson(
        db,
        `tableau|${a.organisationId}|${a.role}|${annee}|${jour}`,
        tableauSchema,
        () => db.transaction((tx) => lireTableau(tx, a, annee, jour)),
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
}
