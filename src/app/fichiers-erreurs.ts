/**
 * The error files of refused uploads (issue 15 item 1): an upload's rejected rows, with their
 * `Erreur` column, are written once to a temporary file as the upload is read, then stored here
 * gzip-compressed by chunks of at most `MORCEAU_MAX` bytes, and downloaded by their own link —
 * never carried in the 422 itself. Memory stays flat whatever the file's size: one chunk at a time
 * on the way in and on the way out.
 *
 * Only the organisation that uploaded reads a file, until it expires (`DUREE_FICHIER_ERREURS_MS`);
 * anyone else, and anyone after that, is told it does not exist (404). Expired files are purged
 * each time a new one is stored. In the database, not on a server's disk: any instance serves the
 * link.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { lignes, type Db, type Tx } from '../db/client.ts';
import { fichiersErreurs, fichiersErreursMorceaux } from '../db/schema.ts';
import type { FichierTemporaire } from '../import/fichier-temporaire.ts';
import { Introuvable } from './errors.ts';

/** How long an error file can be downloaded. */
export const DUREE_FICHIER_ERREURS_MS = 24 * 3600_000;
/** Compressed bytes per stored chunk. */
export const MORCEAU_MAX = 1 << 20;

/** What the 422 says of a stored error file. */
export interface FichierErreursStocke {
  id: string;
  nom: string;
  /** Uncompressed size, in bytes. */
  taille: number;
  lignes: number;
  expireLe: Date;
}

/** The download link of a stored error file (relative to the site). */
export const lienFichierErreurs = (id: string): string => `/api/fichiers-erreurs/${id}`;

/**
 * Stores a temporary error file for an organisation (in one transaction: a file is there whole or
 * not at all) and purges the expired ones. The temporary file is left to the caller.
 */
export async function enregistrerFichierErreurs(
  db: Db,
  auteur: { organisationId: string; utilisateurId: string | null },
  fichier: FichierTemporaire,
  nom: string,
  maintenant = new Date(),
): Promise<FichierErreursStocke> {
  const id = randomUUID();
  const expireLe = new Date(maintenant.getTime() + DUREE_FICHIER_ERREURS_MS);
  await db.transaction(async (tx) => {
    await purgerFichiersErreurs(tx, maintenant);
    await tx.insert(fichiersErreurs).values({
      id,
      organisationId: auteur.organisationId,
      utilisateurId: auteur.utilisateurId,
      nom,
      taille: fichier.octets,
      lignes: fichier.lignes,
      creeLe: maintenant,
      expireLe,
    });
    let rang = 0;
    let morceau: Buffer[] = [];
    let taille = 0;
    const ecrire = async (): Promise<void> => {
      if (taille === 0) return;
      const octets = Buffer.concat(morceau, taille);
      morceau = [];
      taille = 0;
      await tx.insert(fichiersErreursMorceaux).values({ fichierId: id, rang: rang++, octets });
    };
    await pipeline(createReadStream(fichier.chemin, { highWaterMark: 1 << 16 }), createGzip(), async (gzip) => {
      for await (const b of gzip as AsyncIterable<Buffer>) {
        morceau.push(b);
        taille += b.length;
        if (taille >= MORCEAU_MAX) await ecrire();
      }
      await ecrire();
    });
  });
  return { id, nom, taille: fichier.octets, lignes: fichier.lignes, expireLe };
}

/**
 * An error file of the reader's organisation, not expired: its name, and its content as a stream
 * (decompressed, one stored chunk read at a time). `Introuvable` otherwise.
 */
export async function lireFichierErreurs(
  db: Db,
  lecteur: { organisationId: string },
  id: string,
  maintenant = new Date(),
): Promise<{ nom: string; taille: number; contenu: Readable }> {
  const [f] = await db
    .select({ nom: fichiersErreurs.nom, taille: fichiersErreurs.taille })
    .from(fichiersErreurs)
    .where(
      and(
        eq(fichiersErreurs.id, id),
        eq(fichiersErreurs.organisationId, lecteur.organisationId),
        gt(fichiersErreurs.expireLe, maintenant),
      ),
    );
  if (!f)
    throw new Introuvable(
      'fichier d’erreurs introuvable ou expiré (il reste disponible 24 heures) : téléversez de nouveau le fichier',
    );
  async function* morceaux(): AsyncGenerator<Buffer> {
    for (let rang = 0; ; rang++) {
      const [m] = await morceau(db, id, rang);
      if (!m) return;
      yield m.octets;
    }
  }
  const gunzip = createGunzip();
  const contenu = Readable.from(morceaux()).pipe(gunzip);
  return { nom: f.nom, taille: Number(f.taille), contenu };
}

const morceau = (db: Tx, id: string, rang: number) =>
  db
    .select({ octets: fichiersErreursMorceaux.octets })
    .from(fichiersErreursMorceaux)
    .where(and(eq(fichiersErreursMorceaux.fichierId, id), eq(fichiersErreursMorceaux.rang, rang)));

/** Deletes the expired error files (their chunks go with them); how many. */
export async function purgerFichiersErreurs(db: Tx, maintenant = new Date()): Promise<number> {
  const r = await db
    .delete(fichiersErreurs)
    .where(lt(fichiersErreurs.expireLe, maintenant))
    .returning({ id: fichiersErreurs.id });
  return r.length;
}

/** Stored bytes (compressed) of a file: what the bench and the tests look at. */
export async function tailleStockee(db: Tx, id: string): Promise<number> {
  const [r] = await lignes<{ n: number }>(
    db,
    sql`select coalesce(sum(octet_length(octets)), 0)::bigint as n from fichiers_erreurs_morceaux where fichier_id = ${id}`,
  );
  return Number(r?.n ?? 0);
}
