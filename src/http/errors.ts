/**
 * The one error handler: every error becomes a JSON body {erreur, message, problemes?} in French
 * with the right status; never a stack trace, never a 500 for bad input.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { messageIssue } from '../contracts/issues.ts';
import { Conflit, FichierTropVolumineux, Interdit, Introuvable, NonAuthentifie } from '../app/errors.ts';
import { libelleTaille } from '../contracts/televersement.ts';
import { EntreeInvalide } from './entrees.ts';
import { DonneesInvalides, FluxError, TransitionImpossible, type Probleme } from '../domain/errors.ts';
import { erreurBaseIndisponible } from './erreurs-base.ts';
import { TropDeTentatives } from './limites.ts';

const CONTEXTES: Record<string, string> = {
  body: 'corps',
  querystring: 'paramètres',
  params: 'chemin',
  headers: 'en-têtes',
};

const SOURCES: Record<string, 'body' | 'query' | 'params' | 'headers'> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/** The value at a path of the request's input, to tell a missing field from a wrong one. */
function valeurA(racine: unknown, path: string[]): unknown {
  let v = racine;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function problemesValidation(
  error: FastifyError & {
    validation: { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }[];
  },
  request: FastifyRequest,
): Probleme[] {
  const source = (error as { validationContext?: string }).validationContext ?? 'body';
  const contexte = CONTEXTES[source] ?? 'corps';
  const entree = (request as unknown as Record<string, unknown>)[SOURCES[source] ?? 'body'];
  return error.validation.map((v) => {
    const path = v.instancePath.split('/').filter(Boolean);
    const issue = {
      code: v.keyword,
      path,
      message: v.message ?? '',
      ...v.params,
      input: valeurA(entree, path),
    } as unknown as z.core.$ZodIssue;
    if (v.keyword === 'unrecognized_keys') {
      const keys = (v.params.keys as string[] | undefined) ?? [];
      return { chemin: [contexte, ...path, ...keys].join('.'), message: 'champ inconnu' };
    }
    return { chemin: [contexte, ...path].join('.') || contexte, message: messageIssue(issue) };
  });
}

export function gestionnaireErreurs(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const problemes = problemesValidation(error as never, request);
    return reply.status(400).send({
      erreur: 'REQUETE_INVALIDE',
      message: problemes.map((p) => `${p.chemin} : ${p.message}`).join(' ; '),
      problemes,
    });
  }
  if (error instanceof EntreeInvalide) {
    return reply.status(400).send({
      erreur: 'REQUETE_INVALIDE',
      message: error.problemes.map((p) => `${p.chemin} : ${p.message}`).join(' ; '),
      problemes: error.problemes,
    });
  }
  if (error instanceof DonneesInvalides) {
    return reply.status(422).send({
      erreur: error.code,
      message: error.problemes.map((p) => `${p.chemin} : ${p.message}`).join(' ; '),
      problemes: error.problemes,
    });
  }
  if (error instanceof TropDeTentatives)
    return reply
      .status(429)
      .header('retry-after', String(Math.max(1, Math.ceil((error.reessayerA - Date.now()) / 1000))))
      .send({ erreur: error.code, message: error.message });
  if (error instanceof TransitionImpossible)
    return reply.status(409).send({ erreur: error.code, message: error.message });
  if (error instanceof NonAuthentifie) return reply.status(401).send({ erreur: error.code, message: error.message });
  if (error instanceof Interdit) return reply.status(403).send({ erreur: error.code, message: error.message });
  if (error instanceof Introuvable) return reply.status(404).send({ erreur: error.code, message: error.message });
  if (error instanceof Conflit) return reply.status(409).send({ erreur: error.code, message: error.message });
  if (error instanceof FichierTropVolumineux) {
    return reply.status(413).send({
      erreur: error.code,
      message: `fichier : ${error.message}`,
      problemes: [{ chemin: 'fichier', message: error.message }],
    });
  }
  if (error instanceof FluxError) return reply.status(422).send({ erreur: error.code, message: error.message });
  if (isResponseSerializationError(error)) {
    request.log.error(error, 'réponse non conforme au contrat');
    return reply.status(500).send({ erreur: 'ERREUR_INTERNE', message: 'erreur interne : réponse non conforme' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const messages: Record<string, string> = {
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'type de contenu non pris en charge : envoyez du JSON (application/json)',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'corps JSON vide',
      FST_ERR_CTP_BODY_TOO_LARGE: `corps de requête trop volumineux : ${libelleTaille(request.routeOptions.bodyLimit ?? 1 << 20)} au plus`,
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'longueur du corps (Content-Length) différente des octets reçus',
      FST_ERR_CTP_INVALID_CHARSET: 'jeu de caractères non pris en charge : envoyez de l’UTF-8',
      FST_ERR_CTP_INVALID_TYPE: 'type de contenu (Content-Type) invalide',
      FST_ERR_CTP_INVALID_JSON_BODY: 'JSON invalide',
    };
    const message =
      error.code && messages[error.code]
        ? messages[error.code]!
        : error instanceof SyntaxError
          ? 'JSON invalide'
          : status === 429
            ? 'trop de tentatives : réessayez dans une minute'
            : 'requête invalide';
    const erreur = status === 429 ? 'TROP_DE_REQUETES' : status === 413 ? 'CORPS_TROP_VOLUMINEUX' : 'REQUETE_INVALIDE';
    return reply.status(status).send({ erreur, message });
  }
  const base = erreurBaseIndisponible(error);
  if (base) {
    request.log.error(error, base.message);
    return reply.status(503).send(base);
  }
  request.log.error(error);
  return reply.status(500).send({ erreur: 'ERREUR_INTERNE', message: 'erreur interne du serveur' });
}
