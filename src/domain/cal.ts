/**
 * The CAL's rules (CCH R.441-3; rules.md §1, §5), pure: what a session may examine, what a decision
 * must say, the applicant's delay to answer an offer, and what follows a failure.
 */
import { ajouterJours } from './calendrier.ts';
import type { Probleme } from './errors.ts';
import { valeurAu } from './legal-parameters.ts';
import { DECISIONS_POSITIVES, type DecisionCal } from './types.ts';

/** Applications examined per unit, at least, except a DALO designation (CCH R.441-3; regulation.md §2.12). */
export const CANDIDATS_MIN_CAL = 3;
/** Candidates a CAL may rank for one unit (rang 1, 2, 3). */
export const RANGS_MAX = 3;

export const SUITES_ECHEC = ['rang_suivant', 'reservataire', 'bailleur', 'maire'] as const;
export type SuiteEchec = (typeof SUITES_ECHEC)[number];

export const LIBELLES_SUITE: Record<SuiteEchec | 'bail', string> = {
  rang_suivant: 'offre au candidat classé suivant',
  reservataire: 'retour au réservataire, qui propose de nouveaux candidats',
  bailleur: 'le bailleur propose de nouveaux candidats',
  maire: 'logement en QPV : le maire devient réservataire désignataire',
  bail: 'bail signé',
};

export const LIBELLES_DECISION: Record<DecisionCal, string> = {
  attribution: 'Attribution',
  attribution_rang: 'Attribution avec classement par rang',
  attribution_condition_suspensive: 'Attribution sous condition suspensive',
  non_attribution: 'Non-attribution',
  irrecevabilite: 'Rejet pour irrecevabilité',
};

/** Problems keeping a unit from being examined with these applications (empty = fine). */
export function verifierExamen(
  candidats: readonly { dalo: boolean }[],
  motifMoinsDeTrois: string | null | undefined,
): Probleme[] {
  if (candidats.length === 0) return [{ chemin: 'candidats', message: 'aucun candidat proposé pour ce logement' }];
  if (candidats.length >= CANDIDATS_MIN_CAL || candidats.some((c) => c.dalo)) return [];
  if (motifMoinsDeTrois && motifMoinsDeTrois.trim().length >= 3) return [];
  return [
    {
      chemin: 'motifMoinsDeTrois',
      message: `la CAL examine au moins ${CANDIDATS_MIN_CAL} candidatures par logement (${candidats.length} ici), sauf désignation DALO : indiquez pourquoi il n’y en a pas davantage (CCH R.441-3)`,
    },
  ];
}

/** Problems with a decision: its ranking (candidate ids, rang 1 first) and its written reason. */
export function verifierDecision(
  decision: DecisionCal,
  classement: readonly string[],
  motif: string | null | undefined,
  candidats: readonly string[],
): Probleme[] {
  const p: Probleme[] = [];
  const inconnus = classement.filter((c) => !candidats.includes(c));
  if (inconnus.length)
    p.push({ chemin: 'classement', message: `candidat(s) inconnu(s) pour ce logement : ${inconnus.join(', ')}` });
  if (new Set(classement).size !== classement.length)
    p.push({ chemin: 'classement', message: 'un candidat figure deux fois au classement' });
  if (DECISIONS_POSITIVES.has(decision)) {
    if (decision === 'attribution_rang') {
      if (classement.length < 1 || classement.length > RANGS_MAX)
        p.push({
          chemin: 'classement',
          message: `une attribution avec classement range de 1 à ${RANGS_MAX} candidats`,
        });
    } else if (classement.length !== 1) {
      p.push({ chemin: 'classement', message: 'une attribution désigne exactement un candidat' });
    }
  } else if (classement.length > 0) {
    p.push({ chemin: 'classement', message: 'une décision négative ne classe aucun candidat' });
  }
  const motifRequis =
    decision === 'non_attribution' || decision === 'irrecevabilite' || decision === 'attribution_condition_suspensive';
  if (motifRequis && !(motif && motif.trim().length >= 3)) {
    p.push({
      chemin: 'motif',
      message:
        decision === 'attribution_condition_suspensive'
          ? 'indiquez la condition suspensive (la pièce attendue)'
          : 'une décision de non-attribution ou de rejet doit être motivée',
    });
  }
  return p;
}

/**
 * The last day to answer an offer made on `dateOffre`: the applicant's delay in force that day
 * (`delaiReponseDemandeurJours`, CCH R.441-10); silence counts as a refusal (regulation.md §2.11).
 */
export function echeanceReponse(dateOffre: string): string {
  return ajouterJours(dateOffre, valeurAu('delaiReponseDemandeurJours', dateOffre));
}

/** True once the last day to answer has passed (`aujourdhui` in Europe/Paris). */
export function offreExpiree(echeance: string, aujourdhui: string): boolean {
  return aujourdhui > echeance;
}

/**
 * What follows a failed offer or a negative decision (rules.md §5): the next ranked candidate when
 * the CAL ranked one more; otherwise, in a QPV and for a réservataire's candidate, the mayor becomes
 * the designating party; otherwise back to the réservataire (or to the bailleur for its own line).
 */
export function suiteApresEchec(e: {
  classement: readonly string[];
  rangCourant: number;
  qpv: boolean;
  reservataire: boolean;
}): SuiteEchec {
  if (e.rangCourant < e.classement.length) return 'rang_suivant';
  if (e.qpv && e.reservataire) return 'maire';
  return e.reservataire ? 'reservataire' : 'bailleur';
}
