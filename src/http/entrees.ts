/**
 * Hostile input, refused before any route sees it (issue 15 item 3): every string of a request's
 * path parameters, query string and JSON body is checked for control characters — NUL and the
 * other C0 characters, DEL, the C1 range, and UTF-16 halves without their pair, which PostgreSQL
 * cannot store or which no officer types — and the request is answered with a French 400 naming
 * the field (`corps.motif`, `paramètres.nom`, `chemin.id`). Line breaks and tabs are allowed in
 * a body's text (a written reason has paragraphs), never in a path or a query parameter. A body
 * nested deeper than `PROFONDEUR_MAX` is refused the same way, without recursion.
 *
 * The session cookie is not a field: a value that cannot be a session (`flux_session=%00`) is
 * treated as no session at all, so a route answers as it would to a signed-out visitor.
 * CSV cells are cleaned where they are read instead (`src/import/rpls-csv.ts`): the format allows it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';

/** Deepest JSON nesting accepted in a body (the contracts need far less). */
export const PROFONDEUR_MAX = 32;

/** Control characters refused everywhere but in a body's text, where \t, \n and \r are allowed. */
const CONTROLE_CORPS =
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROLE_LIGNE =
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A session id as the server makes them (`randomBytes(32)` in hex). */
const FORME_SESSION = /^[0-9a-f]{64}$/;

/** The French message of a refused character. */
function messageCaractere(texte: string, motif: RegExp): string {
  const m = motif.exec(texte)!;
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return m[0] === '\u0000'
    ? 'caractère nul (U+0000) interdit'
    : `caractère de contrôle ou invalide interdit (U+${code})`;
}

function cheminDe(racine: string, cles: readonly (string | number)[]): string {
  let out = racine;
  for (const c of cles) out += typeof c === 'number' ? `[${c}]` : `.${c}`;
  return out;
}

/**
 * The problems of one part of a request: its strings (keys included) checked against `motif`, its
 * depth against `PROFONDEUR_MAX`; walked with an explicit stack (a hostile depth cannot overflow it).
 */
export function problemesEntree(racine: string, valeur: unknown, motif: RegExp, max = 5): Probleme[] {
  const problemes: Probleme[] = [];
  const pile: { v: unknown; cles: (string | number)[] }[] = [{ v: valeur, cles: [] }];
  while (pile.length > 0 && problemes.length < max) {
    const { v, cles } = pile.pop()!;
    if (typeof v === 'string') {
      if (motif.test(v)) problemes.push({ chemin: cheminDe(racine, cles), message: messageCaractere(v, motif) });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (cles.length >= PROFONDEUR_MAX) {
      problemes.push({
        chemin: cheminDe(racine, cles),
        message: `imbrication trop profonde (${PROFONDEUR_MAX} niveaux au plus)`,
      });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pile.push({ v: v[i], cles: [...cles, i] });
      continue;
    }
    const entrees = Object.entries(v as Record<string, unknown>);
    for (let i = entrees.length - 1; i >= 0; i--) {
      const [cle, sous] = entrees[i]!;
      if (motif.test(cle)) {
        problemes.push({ chemin: cheminDe(racine, cles), message: `nom de champ : ${messageCaractere(cle, motif)}` });
        continue;
      }
      pile.push({ v: sous, cles: [...cles, cle] });
    }
  }
  return problemes;
}

/** Thrown to answer 400 (`REQUETE_INVALIDE`), like a contract's validation. */
export class EntreeInvalide extends DonneesInvalides {}

/** A parsed JSON body (a raw file's Buffer or an upload on disk is not one: its bytes are the file's). */
function estJson(corps: unknown): boolean {
  if (typeof corps === 'string') return true;
  if (corps === null || typeof corps !== 'object' || Buffer.isBuffer(corps)) return false;
  const proto = Object.getPrototypeOf(corps) as unknown;
  return Array.isArray(corps) || proto === Object.prototype || proto === null;
}

/** The problems of a request's path parameters, query string and body. */
export function problemesRequete(request: FastifyRequest): Probleme[] {
  return [
    ...problemesEntree('chemin', request.params, CONTROLE_LIGNE),
    ...problemesEntree('paramètres', request.query, CONTROLE_LIGNE),
    ...(estJson(request.body) ? problemesEntree('corps', request.body, CONTROLE_CORPS) : []),
  ];
}

/**
 * Registers the checks on the root instance: the session cookie's shape on request (after the
 * cookie plugin, before the access check), the fields before validation.
 */
export function controlerEntrees(app: FastifyInstance, cookieSession: string): void {
  app.addHook('onRequest', async (request) => {
    const id = request.cookies?.[cookieSession];
    if (id !== undefined && !FORME_SESSION.test(id)) request.cookies[cookieSession] = undefined;
  });
  app.addHook('preValidation', async (request) => {
    const problemes = problemesRequete(request);
    if (problemes.length > 0) throw new EntreeInvalide(problemes);
  });
}
