/**
 * Routes of the photos and plans of a letting (issue 6 item 2). The upload is the raw file as the
 * body with its own Content-Type (name and description as query parameters), in its own scope so
 * only this route reads binary bodies; a file is served with its stored type, never sniffed, in a
 * sandbox (Content-Security-Policy), inline for an image and as a download for a PDF.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ajouterPiece, listerPieces, lirePiece, messageTaille, supprimerPiece } from '../app/pieces.ts';
import { erreurSchema, idParamSchema } from '../contracts/api.ts';
import {
  ajoutPieceQuerySchema,
  pieceParamsSchema,
  pieceSchema,
  piecesSchema,
  TAILLE_MAX_PIECE,
} from '../contracts/pieces.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { gestionnaireErreurs } from './errors.ts';
import { acteur, nomAscii, pieceJointe, type OptionsServeur } from './commun.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
};

/** The file responses: nothing in them may run or load anything. */
const CSP_FICHIER = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

export async function enregistrerRoutesPieces(api: FastifyInstance, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;

  app.get(
    '/locations/:id/pieces',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary: 'Photos et plans joints à une location',
        params: idParamSchema,
        response: { 200: piecesSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerPieces(tx, acteur(request), request.params.id)),
  );

  app.get(
    '/locations/:id/pieces/:piece',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary: 'Le fichier d’une photo (affichée) ou d’un plan PDF (téléchargé)',
        params: pieceParamsSchema,
        response: {
          200: z.string().describe('le fichier, avec son type (image/jpeg, image/png, image/webp, application/pdf)'),
          ...erreurs,
        },
      },
    },
    async (request, reply) => {
      const p = await db.transaction((tx) => lirePiece(tx, acteur(request), request.params.id, request.params.piece));
      return reply
        .type(p.type)
        .header(
          'content-disposition',
          pieceJointe(nomAscii(p.nom), p.nom, p.type === 'application/pdf' ? 'attachment' : 'inline'),
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CSP_FICHIER)
        .header('cache-control', 'private, no-cache')
        .header('etag', `"${p.empreinte}"`)
        .send(p.contenu as unknown as string); // a Buffer is sent as is, never serialised
    },
  );

  app.delete(
    '/locations/:id/pieces/:piece',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['locations'],
        summary: 'Supprimer une photo ou un plan d’une location (journalisé)',
        params: pieceParamsSchema,
        response: { 204: z.null(), ...erreurs },
      },
    },
    async (request, reply) => {
      await db.transaction((tx) => supprimerPiece(tx, acteur(request), request.params.id, request.params.piece));
      return reply.status(204).send(null);
    },
  );

  // The raw file: its own scope reads any non-JSON body as a Buffer, up to 5 MiB, and says a larger
  // one is too large in French, naming the field.
  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    route.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: TAILLE_MAX_PIECE }, (_request, corps, fini) =>
      fini(null, corps),
    );
    route.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const taille = Number(request.headers['content-length']);
        const message = messageTaille(Number.isFinite(taille) && taille > 0 ? taille : undefined);
        return reply.status(413).send({
          erreur: 'FICHIER_TROP_VOLUMINEUX',
          message: `fichier : ${message}`,
          problemes: [{ chemin: 'fichier', message }],
        });
      }
      return gestionnaireErreurs(error, request, reply);
    });
    route.post(
      '/locations/:id/pieces',
      {
        bodyLimit: TAILLE_MAX_PIECE,
        config: { acces: ['agent_bailleur'] },
        schema: {
          tags: ['locations'],
          summary:
            'Joindre une photo (JPEG, PNG, WebP) ou un plan (PDF) à une location : le fichier brut en corps, avec son Content-Type ; 5 Mo au plus, 10 par location',
          params: idParamSchema,
          querystring: ajoutPieceQuerySchema,
          response: { 201: pieceSchema, ...erreurs, 413: erreurSchema },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          throw new DonneesInvalides([
            {
              chemin: 'fichier',
              message:
                'envoyez le fichier lui-même en corps de requête, avec son type (image/jpeg, image/png, image/webp ou application/pdf)',
            },
          ]);
        }
        const corps = request.body;
        const p = await db.transaction((tx) =>
          ajouterPiece(tx, acteur(request), request.params.id, {
            nom: request.query.nom,
            description: request.query.description,
            typeDeclare: request.headers['content-type'] ?? '',
            contenu: corps,
          }),
        );
        return reply.status(201).send(p);
      },
    );
  });
}
