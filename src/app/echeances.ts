/**
 * Proposal deadlines (issue 6): the réservataire has the convention's `delaiPropositionJours` from
 * the bailleur's orientation decision to propose candidates; dates are Europe/Paris days. The
 * scheduled check (`verifierEcheances`, run by the server on an interval and by tests with their own
 * "now") reminds two days before, and at the deadline without candidates ends the letting
 * `sans_candidat`: the unit goes back to the bailleur for this letting (« pour un tour »), counted
 * against the réservataire or not per the convention's `echecDecompte` (the engine's bilan).
 * Running it twice changes nothing more: expired lettings are final, notifications have unique keys.
 */
import { and, eq, isNotNull, lte } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { delaisProposition, locations, logements } from '../db/schema.ts';
import { ajouterJours, dateLongue, jourParis, joursEntre } from '../domain/calendrier.ts';
import type { Convention } from '../domain/types.ts';
import { conventionsEnVigueur, type CleAnnee } from './annee.ts';
import { Conflit } from './errors.ts';
import { constaterSansCandidatSysteme } from './locations.ts';
import { notifier } from './notifications.ts';
import { AnneeVerrouillee } from './verrou-annee.ts';

/** Days to propose candidates when the convention does not say (CONTEXT.md, délai de proposition). */
export const DELAI_PROPOSITION_DEFAUT = 30;

/**
 * The proposal deadline of an orientation decided on `orienteeLe` (Europe/Paris day) for holders
 * with these delays (`delaiPropositionJours`, 30 by default): the shortest one for a pool; null
 * without a réservataire to wait for (the bailleur's own line).
 */
export function echeanceProposition(orienteeLe: string, delais: readonly (number | undefined)[]): string | null {
  return delais.length ? ajouterJours(orienteeLe, Math.min(...delais.map((d) => d ?? DELAI_PROPOSITION_DEFAUT))) : null;
}

/** Reminder before the deadline, in days. */
export const RAPPEL_JOURS = 2;

export type ParametresConvention = Pick<
  Convention,
  'delaiPropositionJours' | 'candidatsDemandes' | 'gestion' | 'echecDecompte'
>;

/** The parameters of the conventions in force for a bailleur's year, by réservataire. */
export async function parametresConventions(tx: Tx, cle: CleAnnee): Promise<Map<string, ParametresConvention>> {
  const m = new Map<string, ParametresConvention>();
  for (const { convention, version } of await conventionsEnVigueur(tx, cle)) {
    const p = version.parametres as Partial<ParametresConvention>;
    m.set(convention.reservataireId, {
      delaiPropositionJours: p.delaiPropositionJours ?? DELAI_PROPOSITION_DEFAUT,
      candidatsDemandes: p.candidatsDemandes ?? 3,
      gestion: p.gestion ?? 'directe',
      echecDecompte: p.echecDecompte ?? false,
    });
  }
  return m;
}

export interface BilanVerification {
  aujourdhui: string;
  /** Lettings ended `sans_candidat` by this run. */
  expirees: string[];
  /** Reminders stored by this run or earlier ones (J-2 and closer). */
  rappels: number;
  /** Expired lettings left as they are: ending them now would move a decided letting (ADR 0018), or the year is locked. */
  bloquees: { locationId: string; raison: string }[];
}

/** The scheduled check. Each expired letting is handled in its own transaction. */
export async function verifierEcheances(db: Db, maintenant: Date): Promise<BilanVerification> {
  const aujourdhui = jourParis(maintenant);
  const rows = await db
    .select({ d: delaisProposition, l: locations, commune: logements.commune, typologie: logements.typologie })
    .from(delaisProposition)
    .innerJoin(locations, eq(locations.id, delaisProposition.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(
      and(
        eq(locations.etat, 'orientee'),
        isNotNull(delaisProposition.echeance),
        lte(delaisProposition.echeance, ajouterJours(aujourdhui, RAPPEL_JOURS)),
      ),
    );
  const bilan: BilanVerification = { aujourdhui, expirees: [], rappels: 0, bloquees: [] };
  for (const r of rows) {
    const echeance = r.d.echeance!;
    const destinataires = [
      ...new Set([...(r.l.reservataireId ? [r.l.reservataireId] : []), ...((r.l.pool as string[] | null) ?? [])]),
    ];
    const unite = `le logement ${r.l.logementId} (${r.typologie}, commune ${r.commune})`;
    if (echeance >= aujourdhui) {
      const reste = joursEntre(aujourdhui, echeance);
      await db.transaction(async (tx) => {
        for (const organisationId of destinataires) {
          await notifier(
            tx,
            {
              organisationId,
              type: 'echeance_proche',
              locationId: r.l.id,
              titre: `Délai de proposition : ${reste === 0 ? 'dernier jour' : `plus que ${reste} jour${reste > 1 ? 's' : ''}`}`,
              message: `Le délai pour proposer des candidats sur ${unite} expire le ${dateLongue(echeance)} au soir. Sans proposition, le logement revient au bailleur pour un tour.`,
              cle: `echeance_proche|${r.l.id}|${echeance}|${organisationId}`,
            },
            maintenant,
          );
        }
      });
      bilan.rappels++;
      continue;
    }
    // Deadline passed: the event is dated the day after the deadline, within the letting's year.
    const cle: CleAnnee = { bailleurId: r.l.bailleurId, departement: r.l.departement, annee: r.l.annee };
    const date = [ajouterJours(echeance, 1), r.d.orienteeLe, r.l.dateLiberation].sort().at(-1)!;
    const dateEvenement = date > `${r.l.annee}-12-31` ? `${r.l.annee}-12-31` : date;
    // A letting of a year whose bilan is issued (locked, no correction window) is left as it is.
    const fait = await db
      .transaction(async (tx) => {
        const parametres = await parametresConventions(tx, cle);
        // A pooled letting fails for its provisional holder (ADR 0006), which `reservataireId` names.
        const decompte = r.l.reservataireId !== null && parametres.get(r.l.reservataireId)?.echecDecompte === true;
        const consequence = decompte
          ? 'le logement revient au bailleur pour un tour ; selon la convention, cet échec est décompté du droit du réservataire'
          : 'le logement revient au bailleur pour un tour ; selon la convention, cet échec n’est pas décompté : le réservataire reste créancier d’un logement';
        const apres = await constaterSansCandidatSysteme(
          tx,
          r.l.id,
          dateEvenement,
          `délai de proposition expiré le ${dateLongue(echeance)} sans candidat : ${consequence}`,
          maintenant,
        );
        if (!apres) return false;
        for (const organisationId of [...destinataires, r.l.bailleurId]) {
          await notifier(
            tx,
            {
              organisationId,
              type: 'echeance_depassee',
              locationId: r.l.id,
              titre: 'Délai de proposition dépassé : logement rendu au bailleur pour un tour',
              message: `Aucun candidat n’a été proposé pour ${unite} avant le ${dateLongue(echeance)} : ${consequence}.`,
              cle: `echeance_depassee|${r.l.id}|${organisationId}`,
            },
            maintenant,
          );
        }
        return true;
      })
      .catch((e: unknown) => {
        // One letting that cannot end now never stops the others' check; it is reported.
        if (e instanceof AnneeVerrouillee) return false;
        if (e instanceof Conflit) {
          bilan.bloquees.push({ locationId: r.l.id, raison: e.message });
          return false;
        }
        throw e;
      });
    if (fait) bilan.expirees.push(r.l.id);
  }
  return bilan;
}
