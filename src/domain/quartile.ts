/**
 * A candidate's first quartile at the CAL decision, and how it is said in French (CCH L.441-1):
 * resources per consumption unit **strictly below** the threshold of the unit's EPCI (`menage.ts`),
 * unless a quartile was declared with a motif (an override, counted apart). Pure.
 */
import { estPremierQuartile, unitesDeConsommation } from './menage.ts';
import type { Probleme } from './errors.ts';

export interface SaisieQuartile {
  ressourcesAnnuelles: number | null;
  personnes: number | null;
  enfantsMoins14: number | null;
  quartile1Declare: boolean | null;
}

export interface QuartileDecide {
  quartile1: boolean | null;
  origine: 'calcule' | 'declare' | null;
  /** € per UC of the threshold used (null: none known, or declared). */
  seuil: number | null;
  source: string | null;
}

/** The quartile at the decision, from what was entered and the EPCI's threshold (null: none for that EPCI and year). */
export function quartileALaDecision(
  c: SaisieQuartile,
  seuil: { montant: number; source: string } | null,
): QuartileDecide {
  if (c.quartile1Declare !== null)
    return { quartile1: c.quartile1Declare, origine: 'declare', seuil: null, source: null };
  if (c.ressourcesAnnuelles === null || c.personnes === null || seuil === null)
    return { quartile1: null, origine: null, seuil: seuil?.montant ?? null, source: seuil?.source ?? null };
  return {
    quartile1: estPremierQuartile(c.ressourcesAnnuelles, c.personnes, c.enfantsMoins14 ?? 0, seuil.montant),
    origine: 'calcule',
    seuil: seuil.montant,
    source: seuil.source,
  };
}

const euros = (n: number) => `${Math.floor(n).toLocaleString('fr-FR')} €`;

/** « 1er quartile : oui — 7 889 € par UC, seuil 10 000 € (arrêté …) » and its unknown and declared forms. */
export function libelleQuartile(
  c: SaisieQuartile & { motifQuartile1: string | null },
  d: QuartileDecide | null,
): string {
  if (c.quartile1Declare !== null)
    return `1er quartile : ${c.quartile1Declare ? 'oui' : 'non'} (déclaré : ${c.motifQuartile1 ?? 'sans motif'})`;
  if (d === null) return '1er quartile : calculé à la décision de la CAL';
  if (d.quartile1 === null) {
    if (c.ressourcesAnnuelles === null || c.personnes === null)
      return '1er quartile : inconnu — ressources ou composition du ménage non renseignées';
    return '1er quartile : inconnu — pas de seuil pour cet EPCI';
  }
  const parUc = c.ressourcesAnnuelles! / unitesDeConsommation(c.personnes!, c.enfantsMoins14 ?? 0);
  return `1er quartile : ${d.quartile1 ? 'oui' : 'non'} — ${euros(parUc)} par UC, seuil ${euros(d.seuil!)} (${d.source})`;
}

/** What a candidate's household entry must satisfy beyond its types; `chemin` names the field. */
export function problemesMenage(
  c: {
    tailleMenage?: number | undefined;
    enfantsMoins14?: number | undefined;
    quartile1Declare?: boolean | null | undefined;
    motifQuartile1?: string | undefined;
    agentEtat?: boolean | undefined;
  },
  chemin: string,
  ligneEtat: boolean,
): Probleme[] {
  const p: Probleme[] = [];
  const personnes = c.tailleMenage ?? 1;
  if ((c.enfantsMoins14 ?? 0) > personnes - 1)
    p.push({
      chemin: `${chemin}.enfantsMoins14`,
      message: `enfants de moins de 14 ans : au plus ${personnes - 1} pour un ménage de ${personnes} personne${personnes > 1 ? 's' : ''} (le demandeur compte pour une)`,
    });
  if (c.quartile1Declare != null && (c.motifQuartile1 ?? '').trim().length < 3)
    p.push({
      chemin: `${chemin}.motifQuartile1`,
      message: 'premier quartile déclaré : le motif est obligatoire (sinon il est calculé sur les ressources)',
    });
  if (c.agentEtat === true && !ligneEtat)
    p.push({
      chemin: `${chemin}.agentEtat`,
      message: 'agent de l’État : seulement pour un logement orienté vers l’État (contingent des agents)',
    });
  return p;
}
