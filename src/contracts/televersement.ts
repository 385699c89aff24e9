/**
 * Contracts of the file uploads that answer with an error file (RPLS, stock reservations): their
 * size limits (checked on Content-Length before reading, and again while the body streams), and the
 * refusal (422) that carries a summary, the first problems and the link of the error file — never
 * the file itself. Shared by the server and the web app.
 */
import { z } from 'zod';
import { erreurSchema } from './erreur.ts';

/** The largest RPLS file accepted by the upload (a big bailleur's national file is a few hundred MB). */
export const TAILLE_MAX_RPLS = 300 * 1024 * 1024;
/** The largest stock-reservations file (one short row per unit: a few MB for the largest bailleur). */
export const TAILLE_MAX_RESERVATIONS = 20 * 1024 * 1024;
/** Problems listed in a refused upload's answer (the error file has them all). */
export const PROBLEMES_MAX_TELEVERSEMENT = 50;

/** A size for an officer: « 300 Mo », « 5 Mo », « 12,5 Ko ». */
export function libelleTaille(octets: number): string {
  const [unite, valeur] =
    octets >= 1024 * 1024
      ? ['Mo', octets / (1024 * 1024)]
      : octets >= 1024
        ? ['Ko', octets / 1024]
        : ['octets', octets];
  const arrondi = Math.round(valeur * 10) / 10;
  return `${String(arrondi).replace('.', ',')} ${unite}`;
}

/** The French message of a file above its limit (with its size when it is known). */
export function messageTropVolumineux(limite: number, taille?: number): string {
  return `fichier trop volumineux${taille !== undefined ? ` (${libelleTaille(taille)})` : ''} : ${libelleTaille(limite)} au plus`;
}

/** A stored error file, downloaded by its own link by the organisation that uploaded, until it expires. */
export const fichierErreursSchema = z.object({
  /** The download link (GET, same site). */
  url: z.string(),
  /** The file name offered (`patrimoine.erreurs.csv`). */
  nom: z.string(),
  /** Rejected rows in the file. */
  lignes: z.number(),
  /** Uncompressed size, in bytes. */
  taille: z.number(),
  /** ISO date-time after which the link answers 404. */
  expireLe: z.string(),
});
export type FichierErreursApi = z.infer<typeof fichierErreursSchema>;

/** A refused upload (422): the summary, the first problems, and the error file's link when rows were rejected. */
export const erreurTeleversementSchema = erreurSchema.extend({
  /** Rejected rows, all of them. */
  rejetes: z.number().optional(),
  /** Problems, all of them (`problemes` lists the first `PROBLEMES_MAX_TELEVERSEMENT`). */
  nombreProblemes: z.number().optional(),
  fichierErreurs: fichierErreursSchema.optional(),
});
export type ErreurTeleversementApi = z.infer<typeof erreurTeleversementSchema>;
