/**
 * The audit trail: every write records who, which organisation, when, what, on what, before/after
 * and why, in the same transaction. Events are hash-chained: each stores the SHA-256 of the
 * previous event's hash and its own canonical content, so altering or deleting one breaks the
 * chain from there on (`verifierAudit`). The table also refuses UPDATE/DELETE (migration 0001).
 */
import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { evenementsAudit } from '../db/schema.ts';

export const HASH_ORIGINE = '0'.repeat(64);

/** JSON with keys sorted at every level: the same bytes however PostgreSQL's jsonb reorders them. */
export function canonique(valeur: unknown): string {
  if (valeur === null || typeof valeur !== 'object') return JSON.stringify(valeur ?? null);
  if (Array.isArray(valeur)) return `[${valeur.map(canonique).join(',')}]`;
  const objet = valeur as Record<string, unknown>;
  return `{${Object.keys(objet)
    .filter((k) => objet[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonique(objet[k])}`)
    .join(',')}}`;
}

export interface ContenuAudit {
  horodatage: string;
  utilisateurId: string | null;
  organisationId: string | null;
  action: string;
  cibleType: string;
  cibleId: string;
  avant: unknown;
  apres: unknown;
  motif: string | null;
}

export function hacher(hashPrecedent: string, contenu: ContenuAudit): string {
  return createHash('sha256').update(hashPrecedent).update('\n').update(canonique(contenu)).digest('hex');
}

/**
 * Audit actions renamed since events were written under them (migration 0017, ADR 0041): a letting
 * was once called « vacance » in the code. Stored events keep their bytes — the chain hashes them —
 * and every reader takes the action through `actionCourante`; no new event is written under an old
 * name (`journaliser` refuses it).
 */
export const ACTIONS_RENOMMEES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'declarer',
    'orientation_provisoire',
    'confirmer_orientation',
    'orienter',
    'orienter_multiple',
    'proposer_candidats',
    'decider',
    'signer_bail',
    'refuser',
    'constater_sans_candidat',
    'clore_hors_flux',
    'piece.ajouter',
    'piece.supprimer',
  ].map((a) => [`vacance.${a}`, `location.${a}`]),
);

/** The action's current name, whatever name the event was written under. */
export function actionCourante(action: string): string {
  return ACTIONS_RENOMMEES[action] ?? action;
}

/** A lock key that serialises appends to the chain across connections (PostgreSQL advisory lock). */
const VERROU_AUDIT = 7_201_202;

export async function journaliser(
  tx: Tx,
  acteur: { utilisateurId: string | null; organisationId: string | null } | null,
  evenement: EvenementAJournaliser,
  maintenant: Date = new Date(),
): Promise<void> {
  await journaliserTout(tx, [{ acteur, evenement, maintenant }]);
}

/** What `journaliser` records of one write. */
export interface EvenementAJournaliser {
  action: string;
  cibleType: string;
  cibleId: string;
  avant?: unknown;
  apres?: unknown;
  motif?: string | null;
}

/**
 * Several audit events appended in order, chained as `journaliser` chains them one by one, in
 * three statements whatever their number (the declarations of one batch: `declarerLocations`).
 */
export async function journaliserTout(
  tx: Tx,
  ecritures: readonly {
    acteur: { utilisateurId: string | null; organisationId: string | null } | null;
    evenement: EvenementAJournaliser;
    maintenant?: Date;
  }[],
): Promise<void> {
  if (ecritures.length === 0) return;
  for (const { evenement } of ecritures)
    if (evenement.action in ACTIONS_RENOMMEES)
      throw new Error(`action d’audit renommée : écrire « ${ACTIONS_RENOMMEES[evenement.action]} »`);
  await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_AUDIT})`);
  const [dernier] = await tx
    .select({ hash: evenementsAudit.hash })
    .from(evenementsAudit)
    .orderBy(desc(evenementsAudit.seq))
    .limit(1);
  let hashPrecedent = dernier?.hash ?? HASH_ORIGINE;
  const lignes = ecritures.map(({ acteur, evenement, maintenant = new Date() }) => {
    const contenu: ContenuAudit = {
      horodatage: maintenant.toISOString(),
      utilisateurId: acteur?.utilisateurId ?? null,
      organisationId: acteur?.organisationId ?? null,
      action: evenement.action,
      cibleType: evenement.cibleType,
      cibleId: evenement.cibleId,
      avant: normaliser(evenement.avant),
      apres: normaliser(evenement.apres),
      motif: evenement.motif ?? null,
    };
    const ligne = { ...contenu, hashPrecedent, hash: hacher(hashPrecedent, contenu) };
    hashPrecedent = ligne.hash;
    return ligne;
  });
  // One statement: its rows take their sequence numbers in this order, the chain's.
  await tx.insert(evenementsAudit).values(lignes);
}

/** What jsonb gives back: undefined fields dropped, dates as strings. */
function normaliser(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

export interface VerificationAudit {
  ok: boolean;
  evenements: number;
  /** The first broken event and why (altered content, broken link, missing event). */
  anomalie: { seq: number; message: string } | null;
}

export async function verifierAudit(tx: Tx): Promise<VerificationAudit> {
  const lignes = await tx.select().from(evenementsAudit).orderBy(asc(evenementsAudit.seq));
  let precedent = HASH_ORIGINE;
  let seqPrecedent: number | null = null;
  for (const l of lignes) {
    if (l.hashPrecedent !== precedent) {
      const manque = seqPrecedent !== null && l.seq !== seqPrecedent + 1;
      return {
        ok: false,
        evenements: lignes.length,
        anomalie: {
          seq: l.seq,
          message: manque
            ? `chaîne rompue : événement(s) ${seqPrecedent! + 1}${l.seq - 1 > seqPrecedent! + 1 ? `…${l.seq - 1}` : ''} supprimé(s) ou altéré(s)`
            : 'chaîne rompue : le lien vers l’événement précédent ne correspond pas (événement précédent altéré ou supprimé)',
        },
      };
    }
    const contenu: ContenuAudit = {
      horodatage: l.horodatage,
      utilisateurId: l.utilisateurId,
      organisationId: l.organisationId,
      action: l.action,
      cibleType: l.cibleType,
      cibleId: l.cibleId,
      avant: l.avant,
      apres: l.apres,
      motif: l.motif,
    };
    if (hacher(precedent, contenu) !== l.hash) {
      return {
        ok: false,
        evenements: lignes.length,
        anomalie: { seq: l.seq, message: 'contenu altéré : son empreinte ne correspond plus' },
      };
    }
    precedent = l.hash;
    seqPrecedent = l.seq;
  }
  return { ok: true, evenements: lignes.length, anomalie: null };
}
