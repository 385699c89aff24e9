/**
 * Route of « À traiter » (issue 12 item 1): what waits for the signed-in person, checked against
 * its contract (src/contracts/a-traiter.ts) and cached under the data version and the day, like
 * the other read pages (ADR 0010).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { lireATraiter, ROLES_A_TRAITER } from '../app/a-traiter.ts';
import { memoiserJson } from '../app/memo.ts';
import { aTraiterSchema } from '../contracts/a-traiter.ts';
import { erreurSchema } from '../contracts/api.ts';
import { acteur, horlogeServeur, type OptionsServeur } from './commun.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 422: erreurSchema };

export async function enregistrerRoutesATraiter(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { aujourdhui } = horlogeServeur(options);

  app.get(
    '/a-traiter',
    {
      config: { acces: [...ROLES_A_TRAITER] },
      schema: {
        tags: ['accueil'],
        summary:
          'À traiter : ce qui attend la personne connectée selon son rôle, le plus urgent d’abord, avec son échéance et la page où agir',
        response: { 200: aTraiterSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const jour = aujourdhui();
      const texte = await memoiserJson(db, `a-traiter|${a.organisationId}|${a.role}|${jour}`, aTraiterSchema, () =>
        db.transaction((tx) => lireATraiter(tx, a, jour)),
      );
      // Already checked against the contract and serialised once (see `memoiserJson`).
      return (reply as FastifyReply)
        .type('application/json; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(texte);
    },
  );
}
