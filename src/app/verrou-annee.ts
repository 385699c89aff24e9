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

/** Turns of the event loop a batch lets pass before it starts (`vider`). */
const TOURS_AVANT_LOT = 2;

/** A request waiting in `enLot`: what it asks, and how to answer it. */
interface EnAttente<E, R> {
  element: E;
  ok: (r: R) => void;
  ko: (e: unknown) => void;
}

/** What became of one element of a batch: its result, or the error it alone gets. */
export type Issue<R> = { ok: R } | { erreur: unknown };

/** The requests of this process waiting for their key's next batch (a key is listed while its batches run). */
const lots = new Map<string, unknown[]>();

/**
 * Runs `element` in a batch with the others of its key (a bailleur's year: `cleFileEcritures`),
 * one batch at a time per key: what arrived together makes a batch (at most `max`), and what
 * arrives while it runs makes the next one, in arrival order. A group commit (issue 15 item 6): one
 * transaction and one engine run for what arrived together, instead of each waiting for the
 * others one by one. `traiter` answers each element in order; if it throws, every element of its
 * batch gets that error, and the next batch runs. The year's advisory lock (`verrouillerAnnee`)
 * still serialises the writes across processes; here they wait before taking a pool connection.
 */
export function enLot<E, R>(
  cle: string,
  element: E,
  traiter: (elements: E[]) => Promise<Issue<R>[]>,
  max = 50,
): Promise<R> {
  return new Promise<R>((ok, ko) => {
    const attente = lots.get(cle) as EnAttente<E, R>[] | undefined;
    if (attente) {
      attente.push({ element, ok, ko });
      return;
    }
    const nouvelle: EnAttente<E, R>[] = [{ element, ok, ko }];
    lots.set(cle, nouvelle);
    void vider(cle, nouvelle, traiter, max);
  });
}

async function vider<E, R>(
  cle: string,
  attente: EnAttente<E, R>[],
  traiter: (elements: E[]) => Promise<Issue<R>[]>,
  max: number,
): Promise<void> {
  while (attente.length > 0) {
    // The requests already received finish reading their bodies first (I/O callbacks, which an
    // embedded database's transaction, run in microtasks, would hold back until it ends): those
    // that ask for this key join this batch instead of each waiting for a batch of its own.
    for (let i = 0; i < TOURS_AVANT_LOT; i++) await new Promise((r) => setImmediate(r));
    const lot = attente.splice(0, max);
    try {
      const issues = await traiter(lot.map((a) => a.element));
      lot.forEach((a, i) => {
        const issue = issues[i];
        if (issue && 'ok' in issue) a.ok(issue.ok);
        else a.ko(issue ? issue.erreur : new Error('lot : aucune réponse pour cette demande'));
      });
    } catch (err) {
      for (const a of lot) a.ko(err);
    }
  }
  lots.delete(cle);
}

/** Keys (bailleurs' years) with a batch running or waiting in `enLot` (for the tests and the metrics). */
export function ecrituresEnFile(): number {
  return lots.size;
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
export async function controlerEcritureAnnee(tx: Tx, cle: CleAnnee, e: EcritureAnnee, maintenant: Date): Promise<void> {
  const etat = await etatDeLAnnee(tx, cle, jourParis(maintenant));
  refuserEcriture(etat, cle, e.motif);
  await noterCorrection(tx, etat, e, maintenant);
}

/** A write of an event of year N, as `controlerEcritureAnnee` checks and records it. */
export interface EcritureAnnee {
  acteur: Acteur | null;
  locationId: string;
  action: string;
  motif: string | null | undefined;
}

/** The refusal of `controlerEcritureAnnee`, before anything is written (`etat`: `etatDeLAnnee`'s). */
export function refuserEcriture(etat: EtatAnnee, cle: CleAnnee, motif: string | null | undefined): void {
  const refus = refusEcriture(etat, cle.annee, motif);
  if (refus?.type === 'verrouillee') throw new AnneeVerrouillee(refus.message);
  if (refus) throw new DonneesInvalides([{ chemin: 'motif', message: refus.message }]);
}

/** In a correction window, the write recorded as a correction (after `refuserEcriture`). */
export async function noterCorrection(tx: Tx, etat: EtatAnnee, e: EcritureAnnee, maintenant: Date): Promise<void> {
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
