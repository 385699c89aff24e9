/**
 * The year's lock (ADR 0017): once year N's bilan is issued, every write of an event of N is
 * refused unless a late-correction window is open, and each write in a window is recorded as a
 * correction. Its own module so that the lettings (src/app/locations.ts) and the bilan's issuing
 * (src/app/emission-bilan.ts) both read it without importing each other. No clock here: the day
 * comes from the caller (ADR 0030).
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { correctionsAnnee, emissionsBilan, fenetresCorrection } from '../db/schema.ts';
import { jourParis } from '../domain/calendrier.ts';
import { etatAnnee, refusEcriture, type EtatAnnee, type FenetreCorrection } from '../domain/emission-bilan.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { CleAnnee } from './annee.ts';
import { Conflit } from './errors.ts';
import type { Acteur } from './roles.ts';

/** A write refused because the year's bilan is issued and no correction window is open (409). */
export class AnneeVerrouillee extends Conflit {}

export function versFenetre(f: typeof fenetresCorrection.$inferSelect): FenetreCorrection {
  return { id: f.id, motif: f.motif, fin: f.fin, clotureeLe: f.clotureeLe?.toISOString() ?? null };
}

/** The state of year N for writes: open, locked by its issued bilan, or in a correction window. */
export async function etatDeLAnnee(tx: Tx, cle: CleAnnee, aujourdhui: string): Promise<EtatAnnee> {
  const [derniere] = await tx
    .select({ version: emissionsBilan.version, emisLe: emissionsBilan.emisLe })
    .from(emissionsBilan)
    .where(
      and(
        eq(emissionsBilan.bailleurId, cle.bailleurId),
        eq(emissionsBilan.departement, cle.departement),
        eq(emissionsBilan.annee, cle.annee),
      ),
    )
    .orderBy(desc(emissionsBilan.version))
    .limit(1);
  if (!derniere) return { etat: 'ouverte' };
  const ouvertes = await tx
    .select()
    .from(fenetresCorrection)
    .where(
      and(
        eq(fenetresCorrection.bailleurId, cle.bailleurId),
        eq(fenetresCorrection.departement, cle.departement),
        eq(fenetresCorrection.annee, cle.annee),
        isNull(fenetresCorrection.clotureeLe),
      ),
    );
  return etatAnnee(
    { version: derniere.version, emisLe: derniere.emisLe.toISOString() },
    ouvertes.map(versFenetre),
    aujourdhui,
  );
}

/** The writes of this process waiting for their turn, by key: the promise of the last one queued. */
const files = new Map<string, Promise<void>>();

/**
 * Runs `ecriture` after the writes of this process queued before it under the same key (a
 * bailleur's year: `cleFileEcritures`), one at a time. The year's advisory lock
 * (`verrouillerAnnee`) still serialises the writes across processes; this queue is taken before a
 * pool connection, so that the writes of one year waiting for each other wait here, not on a
 * connection the reads need (issue 15 item 6). A failed write lets the next one run.
 */
export async function enFileDEcriture<T>(cle: string, ecriture: () => Promise<T>): Promise<T> {
  const avant = files.get(cle);
  let liberer!: () => void;
  const tour = new Promise<void>((r) => (liberer = r));
  const suite = avant ? avant.then(() => tour) : tour;
  files.set(cle, suite);
  try {
    if (avant) await avant;
    return await ecriture();
  } finally {
    liberer();
    if (files.get(cle) === suite) files.delete(cle);
  }
}

/** Writes waiting in `enFileDEcriture`'s queues (for the tests and the metrics). */
export function ecrituresEnFile(): number {
  return files.size;
}

/**
 * The queue of a write in a bailleur's year, before its unit (hence its département) is read: a
 * bailleur × year, coarser than the advisory lock's bailleur × département × year.
 */
export function cleFileEcritures(bailleurId: string, annee: number | string): string {
  return `${bailleurId}|${annee}`;
}

/** Serialises with the letting writes of the same year (same key as src/app/locations.ts). */
export async function verrouillerAnnee(tx: Tx, cle: CleAnnee): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`flux|${cle.bailleurId}|${cle.departement}|${cle.annee}`}))`,
  );
}

/**
 * Called by every write of an event of year N (under the year's advisory lock): refuses it when
 * the year's bilan is issued and no correction window is open (409), or when a window is open but
 * the write has no reason (422); in a window, records the write as a correction. `maintenant` is
 * the caller's clock (the server's injected one): its Paris day decides whether a window is open,
 * and it dates the correction.
 */
export async function controlerEcritureAnnee(
  tx: Tx,
  cle: CleAnnee,
  e: { acteur: Acteur | null; locationId: string; action: string; motif: string | null | undefined },
  maintenant: Date,
): Promise<void> {
  const etat = await etatDeLAnnee(tx, cle, jourParis(maintenant));
  const refus = refusEcriture(etat, cle.annee, e.motif);
  if (refus?.type === 'verrouillee') throw new AnneeVerrouillee(refus.message);
  if (refus) throw new DonneesInvalides([{ chemin: 'motif', message: refus.message }]);
  if (etat.etat !== 'correction') return;
  await tx.insert(correctionsAnnee).values({
    id: randomUUID(),
    fenetreId: etat.fenetre.id,
    locationId: e.locationId,
    action: e.action,
    motif: e.motif!.trim(),
    utilisateurId: e.acteur?.utilisateurId ?? null,
    organisationId: e.acteur?.organisationId ?? null,
    corrigeLe: maintenant,
  });
}
