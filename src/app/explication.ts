/**
 * The engine's orientation explained to officers, in plain French and with names (issue 12 item 6).
 * The engine (src/domain/engine.ts) gives structured data — per eligible line its exact droit, the
 * units it holds, its échéance, its qualitative need, whether it was chosen — and a motif written
 * for the command line (`flux simulate`), with line identifiers. Officers never read those: every
 * sentence they read is rendered here from the structured data, with the réservataires' names.
 *
 * The words are the counters' glossary's (docs/glossaire-compteurs.md): a line « a reçu » the units
 * put at its disposal (mis à disposition), against its droit (« dus »).
 */
import type { CandidatExplication, Orientation } from '../domain/engine.ts';
import { BAILLEUR, type Scenario } from '../domain/types.ts';

/** The bailleur's own line, as officers read it. */
export const NOM_PART_BAILLEUR = 'la part non réservée du bailleur';

/** Names of the ledger lines of a scenario (its réservataires, and the bailleur's own line). */
export function nomsDesLignes(scenario: Pick<Scenario, 'reservataires'>): Map<string, string> {
  const m = new Map<string, string>([[BAILLEUR, NOM_PART_BAILLEUR]]);
  for (const r of scenario.reservataires) m.set(r.id, r.nom);
  return m;
}

/** 1 234,5 — at most one decimal, the typographic minus (U+2212). */
export function chiffre(n: number): string {
  return n.toLocaleString('fr-FR', { maximumFractionDigits: 1 }).replace('-', '\u2212');
}

function logements(n: number): string {
  return `${chiffre(n)} logement${Math.abs(n) >= 2 ? 's' : ''}`;
}

/** « X a reçu 462 logements pour 463,5 dus : en retard de 1,5 » (retard = droit − reçus). */
export function phraseDroit(nom: string, droitExact: number, recus: number): string {
  const retard = Math.round((droitExact - recus) * 10) / 10;
  const ecart =
    retard > 0 ? `en retard de ${chiffre(retard)}` : retard < 0 ? `en avance de ${chiffre(-retard)}` : 'à jour';
  const phrase = `${nom} a reçu ${logements(recus)} pour ${chiffre(droitExact)} dus : ${ecart}`;
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/**
 * The échéance in words, never negative: how soon the line's lag reaches one whole unit. At or
 * below zero it already has: the line should already have received one more unit.
 */
export function phraseEcheance(echeance: number | null): string {
  if (echeance === null) return '';
  if (echeance <= 1e-9) return 'il devrait déjà avoir reçu un logement de plus';
  if (echeance <= 1) return 'un logement lui sera dû dès le prochain logement libéré de son périmètre';
  return `un logement lui sera dû d’ici ${Math.ceil(echeance - 1e-9)} logements libérés de son périmètre`;
}

/** Why a line was or was not chosen, from the structured explanation (not the engine's wording). */
export function raisonCandidat(
  c: CandidatExplication,
  candidats: readonly CandidatExplication[],
  nom: (ligne: string) => string,
  /** A person decided (forced or pooled orientation): the line the engine recommended. */
  humaine?: { recommande: string | null },
): string {
  if (humaine) {
    const parLeMoteur = candidats.map((x) => ({ ...x, retenu: x.reservataire === humaine.recommande }));
    const raisonMoteur = raisonCandidat(
      parLeMoteur.find((x) => x.reservataire === c.reservataire) ?? c,
      parLeMoteur,
      nom,
    );
    if (c.retenu)
      return c.reservataire === humaine.recommande
        ? 'retenu par le bailleur, conformément à la recommandation'
        : 'retenu par décision du bailleur (voir son motif)';
    if (c.reservataire === humaine.recommande)
      return `recommandé par Flux (${raisonMoteur.replace(/^retenu : /, '')}), écarté par le bailleur`;
    return raisonMoteur;
  }
  const retenu = candidats.find((x) => x.retenu);
  const enRetard = candidats.filter((x) => x.droitExact - x.oriente > 1e-9 && x.echeance !== null);
  const plusProche = enRetard.reduce<CandidatExplication | undefined>(
    (m, x) => (m === undefined || x.echeance! < m.echeance! ? x : m),
    undefined,
  );
  const qualitatif = retenu !== undefined && plusProche !== undefined && retenu !== plusProche;
  if (c.retenu)
    return qualitatif
      ? `retenu : il manque davantage de logements de ce type que ${nom(plusProche.reservataire)}, dont les droits restent tenus`
      : 'retenu : c’est la ligne à qui un logement sera dû le plus tôt';
  if (c.droitExact - c.oriente <= 1e-9) return 'non retenu : il a déjà reçu ce qui lui est dû';
  if (c === plusProche && retenu)
    return `non retenu : un logement lui sera dû le plus tôt, mais ce logement manque davantage à ${nom(retenu.reservataire)} et ses droits restent tenus`;
  return 'non retenu : en retard, mais un logement sera dû plus tôt à une autre ligne';
}

/**
 * A motif the engine composed around a person's reason (a pooled orientation, a confirmation after
 * later events): the ledger lines it names by identifier are given their names.
 */
export function nommerLignes(texte: string, noms: ReadonlyMap<string, string>): string {
  const ids = [...noms.keys()].sort((a, b) => b.length - a.length);
  if (ids.length === 0) return texte;
  const echappe = ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return texte.replace(new RegExp(`(^|[^\\w-])(${echappe})(?![\\w-])`, 'g'), (_, avant: string, id: string) => {
    return `${avant}${noms.get(id) ?? id}`;
  });
}

/**
 * The motif stored on an orientation, for officers: who the engine chose and why, with names. A
 * forced or pooled orientation keeps the bailleur's own written reason, its lines named.
 */
export function motifOrientation(o: Orientation, noms: ReadonlyMap<string, string>): string {
  const nom = (ligne: string) => noms.get(ligne) ?? ligne;
  const c =
    o.reservataire === null ? undefined : o.explication.candidats.find((x) => x.reservataire === o.reservataire);
  const automatique = !o.forcee && !o.pool && o.reservataire !== null && o.recommandation === undefined;
  if (!automatique || !c) return nommerLignes(o.motif, noms);
  const confirmee = /recommandation confirmée par le bailleur$/.test(o.motif)
    ? ' ; recommandation confirmée par le bailleur'
    : '';
  return `Orienté vers ${nom(o.reservataire!)}, ${raisonCandidat(c, o.explication.candidats, nom).replace(/^retenu : /, '')} (${phraseDroit(nom(c.reservataire), c.droitExact, c.oriente).replace(/^.* a reçu /, 'avait reçu ')})${confirmee}`;
}

/** A letting's state as officers read it (the web's ETATS_LOCATION, for the server's messages). */
export const LIBELLES_ETAT_LOCATION: Record<string, string> = {
  liberee: 'libérée',
  orientee: 'orientée',
  candidats: 'candidats proposés',
  decision_cal: 'décision de la CAL',
  bail_signe: 'bail signé',
  refus: 'refus',
  sans_candidat: 'sans candidat',
  exclue: 'hors du flux, en attente de candidats',
};

/** The bailleur's orientation decision, in words. */
export const LIBELLES_DECISION_ORIENTATION: Record<string, string> = {
  confirmee: 'recommandation confirmée',
  forcee: 'orientée autrement, avec un motif',
  pool: 'proposée à plusieurs réservataires',
};
