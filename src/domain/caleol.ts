/**
 * The CALEOL's occupancy review (CCH L.442-5-2, ADR 0044), pure. In the zones of the article,
 * « tous les trois ans à compter de la date de signature du contrat de location », the bailleur
 * sends the commission the files of the tenants in one of five situations:
 *
 * 1. **sur-occupation** (L.822-10): habitable surface strictly below 9 m² for one person, 16 m² for
 *    two, + 9 m² per further person, at most 70 m² (eight persons and more) — dated parameters;
 * 2. **sous-occupation** (L.621-2): habitable rooms, kitchens not counted, more than the persons
 *    by MORE than one (a T3 for two persons is not under-occupied, a T4 is);
 * 3. **logement adapté quitté** par l'occupant présentant un handicap: an adapted unit whose
 *    household no longer counts a person needing it;
 * 4. **handicap nécessitant un logement adapté**: a recognised disability or loss of autonomy
 *    needing an adapted unit, in a unit that is not;
 * 5. **dépassement du plafond de ressources** applicable to the unit: resources strictly above the
 *    ceiling (the SLS survey's figures, as imported).
 *
 * A household is due on each anniversary (lease + 3k years, k ≥ 1) that falls while its commune
 * is in the zones (dated reference data), and stays due until a CALEOL avis is recorded on or
 * after that anniversary. The list shows households due up to `horizonJours` ahead (a choice).
 * A datum left unknown never makes a case: it is counted as missing, and said.
 */
import { DonneesInvalides } from './errors.ts';
import { ajouterJours } from './calendrier.ts';
import { valeurAu } from './legal-parameters.ts';

export const CAS_CALEOL = [
  'sur_occupation',
  'sous_occupation',
  'adapte_quitte',
  'handicap_non_adapte',
  'depassement_plafond',
] as const;
export type CasCaleol = (typeof CAS_CALEOL)[number];

/** The cases as the screens name them, with the text that defines each. */
export const LIBELLES_CAS: Readonly<Record<CasCaleol, { libelle: string; texte: string }>> = {
  sur_occupation: { libelle: 'Sur-occupation', texte: 'CCH L.442-5-2 1° et L.822-10' },
  sous_occupation: { libelle: 'Sous-occupation', texte: 'CCH L.442-5-2 2° et L.621-2' },
  adapte_quitte: {
    libelle: 'Logement adapté quitté par l’occupant handicapé',
    texte: 'CCH L.442-5-2 3°',
  },
  handicap_non_adapte: {
    libelle: 'Handicap ou perte d’autonomie nécessitant un logement adapté',
    texte: 'CCH L.442-5-2 4°',
  },
  depassement_plafond: { libelle: 'Dépassement du plafond de ressources', texte: 'CCH L.442-5-2 5°' },
};

/** A household in place, as the occupancy file or the unit's page records it. */
export interface OccupationCaleol {
  id: string;
  /** INSEE code of the unit's commune. */
  commune: string;
  /** Signature of the lease (ISO). */
  dateBail: string;
  personnes: number;
  /** Habitable rooms, kitchens not counted (the unit's typology, unless the file says otherwise). */
  pieces: number | null;
  /** Habitable surface, m². */
  surface: number | null;
  /** Annual resources of the household (SLS survey), € ; null = unknown. */
  ressources: number | null;
  /** The ceiling applicable to the unit and household (SLS survey), € ; null = unknown. */
  plafond: number | null;
  /** A person of the household has a recognised disability or loss of autonomy needing an adapted unit. */
  handicap: boolean | null;
  /** The unit is adapted to persons with disabilities. */
  logementAdapte: boolean | null;
}

/** A commune's period in the zones of L.442-5-2: from `du` (inclusive) to `au` (exclusive; null = in force). */
export interface PeriodeZone {
  commune: string;
  du: string;
  au: string | null;
}

export interface ConstatCas {
  cas: CasCaleol;
  /** Why, in French, with the figures and the threshold. */
  motif: string;
}

export interface EvaluationOccupation {
  cas: ConstatCas[];
  /** Data the review lacks (in French), e.g. « surface inconnue » : no case can be said for them. */
  manquants: string[];
}

const jourValide = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};

/** `iso` + `ans` years; a 29 February falls on the 28th in a common year. */
export function ajouterAns(iso: string, ans: number): string {
  const a = Number(iso.slice(0, 4)) + ans;
  const m = Number(iso.slice(5, 7));
  const j = Number(iso.slice(8, 10));
  const dernier = new Date(Date.UTC(a, m, 0)).getUTCDate();
  return `${String(a).padStart(4, '0')}-${iso.slice(5, 7)}-${String(Math.min(j, dernier)).padStart(2, '0')}`;
}

/**
 * The last anniversary of the review on or before `date` (lease + 3k years, k ≥ 1, the period in
 * force at the lease), or null before the first one. The lease day itself is not an anniversary.
 */
export function dernierAnniversaire(dateBail: string, date: string): string | null {
  if (!jourValide(dateBail)) throw new DonneesInvalides([{ chemin: 'dateBail', message: 'date du bail invalide' }]);
  const p = valeurAu('periodiciteExamenOccupationAns', maxDate(dateBail, '2018-11-25'));
  let dernier: string | null = null;
  for (let k = 1; ; k++) {
    const a = ajouterAns(dateBail, k * p);
    if (a > date) return dernier;
    dernier = a;
  }
}

/** The first anniversary strictly after `date`. */
export function prochainAnniversaire(dateBail: string, date: string): string {
  const p = valeurAu('periodiciteExamenOccupationAns', maxDate(dateBail, '2018-11-25'));
  for (let k = 1; ; k++) {
    const a = ajouterAns(dateBail, k * p);
    if (a > date) return a;
  }
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

/** The least habitable surface (m²) for `personnes`, on `date`: below it the unit is over-occupied. */
export function surfaceMinimale(personnes: number, date: string): number {
  if (personnes <= 1) return valeurAu('surfaceMinUnePersonne', date);
  return Math.min(
    valeurAu('surfaceMinDeuxPersonnes', date) + (personnes - 2) * valeurAu('surfaceMinParPersonneEnPlus', date),
    valeurAu('surfaceMinPlafond', date),
  );
}

const fmt = (n: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(n);
const euros = (n: number) => `${fmt(n)} €`;
const pers = (n: number) => `${n} personne${n > 1 ? 's' : ''}`;

/** The cases of one household on `date` (the anniversary): each case with its reason, and the data missing. */
export function evaluerOccupation(o: OccupationCaleol, date: string): EvaluationOccupation {
  const cas: ConstatCas[] = [];
  const manquants: string[] = [];
  if (o.surface === null) manquants.push('surface habitable inconnue');
  else {
    const min = surfaceMinimale(o.personnes, date);
    if (o.surface < min)
      cas.push({
        cas: 'sur_occupation',
        motif: `${fmt(o.surface)} m² pour ${pers(o.personnes)} : moins que les ${fmt(min)} m² requis`,
      });
  }
  if (o.pieces === null) manquants.push('nombre de pièces inconnu');
  else {
    const marge = valeurAu('sousOccupationPiecesEnPlus', date);
    if (o.pieces > o.personnes + marge)
      cas.push({
        cas: 'sous_occupation',
        motif: `${o.pieces} pièces pour ${pers(o.personnes)} : plus de ${o.personnes + marge} pièces`,
      });
  }
  if (o.handicap === null || o.logementAdapte === null) {
    if (o.logementAdapte === null) manquants.push('adaptation du logement inconnue');
    if (o.handicap === null) manquants.push('handicap ou perte d’autonomie non renseigné');
  }
  if (o.logementAdapte === true && o.handicap === false)
    cas.push({
      cas: 'adapte_quitte',
      motif: 'logement adapté ; plus aucun occupant ne présente de handicap le nécessitant',
    });
  if (o.handicap === true && o.logementAdapte === false)
    cas.push({
      cas: 'handicap_non_adapte',
      motif: 'handicap ou perte d’autonomie reconnu nécessitant un logement adapté ; le logement ne l’est pas',
    });
  if (o.ressources === null || o.plafond === null) manquants.push('ressources ou plafond inconnus');
  else if (o.ressources > o.plafond)
    cas.push({
      cas: 'depassement_plafond',
      motif: `ressources ${euros(o.ressources)} au-dessus du plafond de ${euros(o.plafond)} (${fmt(Math.round((o.ressources / o.plafond) * 1000) / 10)} %)`,
    });
  return { cas, manquants };
}

/** Whether `commune` is in the zones of L.442-5-2 on `date`. */
export function enZone(zones: readonly PeriodeZone[], commune: string, date: string): boolean {
  return zones.some((z) => z.commune === commune && z.du <= date && (z.au === null || date < z.au));
}

export interface MenageAExaminer {
  occupation: OccupationCaleol;
  /** The anniversary the review is due for. */
  echeance: string;
  /** Whether the anniversary is already past (else within the horizon). */
  echu: boolean;
  cas: ConstatCas[];
  manquants: string[];
}

export interface ListeCaleol {
  date: string;
  horizonJours: number;
  /** Households due with at least one case, soonest anniversary first. */
  aExaminer: MenageAExaminer[];
  /** Per case, the households due (a household may be in several). */
  parCas: Record<CasCaleol, number>;
  /** Households due whose review found no case (nothing to send to the commission). */
  sansCas: number;
  /** Households due with missing data (some cases could not be said). */
  incomplets: number;
  /** Households whose commune is outside the zones on their anniversary. */
  horsZone: number;
  /** Households with no anniversary due (before the first, or already examined since). */
  nonDus: number;
}

/**
 * The households to examine on `date`: those whose last anniversary up to `date + horizon` fell
 * while their commune was in the zones, and that have no CALEOL avis since it
 * (`dernierAvis`: occupation id → date of its last avis).
 */
export function menagesAExaminer(entree: {
  occupations: readonly OccupationCaleol[];
  zones: readonly PeriodeZone[];
  date: string;
  horizonJours?: number;
  dernierAvis?: ReadonlyMap<string, string>;
}): ListeCaleol {
  const horizon = entree.horizonJours ?? valeurAu('horizonExamenOccupationJours', entree.date);
  const limite = ajouterJours(entree.date, horizon);
  const parCas = Object.fromEntries(CAS_CALEOL.map((c) => [c, 0])) as Record<CasCaleol, number>;
  const liste: ListeCaleol = {
    date: entree.date,
    horizonJours: horizon,
    aExaminer: [],
    parCas,
    sansCas: 0,
    incomplets: 0,
    horsZone: 0,
    nonDus: 0,
  };
  for (const o of entree.occupations) {
    const echeance = dernierAnniversaire(o.dateBail, limite);
    const avis = entree.dernierAvis?.get(o.id);
    if (!echeance || (avis && avis >= echeance)) {
      liste.nonDus++;
      continue;
    }
    if (!enZone(entree.zones, o.commune, echeance)) {
      liste.horsZone++;
      continue;
    }
    const ev = evaluerOccupation(o, echeance);
    if (ev.manquants.length) liste.incomplets++;
    if (ev.cas.length === 0) {
      liste.sansCas++;
      continue;
    }
    for (const c of ev.cas) parCas[c.cas]++;
    liste.aExaminer.push({ occupation: o, echeance, echu: echeance <= entree.date, ...ev });
  }
  liste.aExaminer.sort(
    (a, b) => a.echeance.localeCompare(b.echeance) || a.occupation.id.localeCompare(b.occupation.id),
  );
  return liste;
}

/** Habitable rooms of a typology T1…T6 (T6 = six and more: six). */
export function piecesDeTypologie(typologie: string): number | null {
  const m = /^T(\d)$/.exec(typologie);
  return m ? Number(m[1]) : null;
}

// ───────────────────────────── avis and follow-up ─────────────────────────────

/** The CALEOL's avis on a household (what it « constate » and advises). */
export const AVIS_CALEOL = [
  /** The situation is confirmed; a unit matching the characteristics given is to be proposed. */
  'proposition_mutation',
  /** Social home ownership advised (L.442-5-2 : « conseiller l'accession sociale »). */
  'accession_sociale',
  /** The situation is confirmed, no proposal for now (the household's choice, no unit). */
  'maintien',
  /** The situation is not confirmed (data out of date, …). */
  'situation_non_constatee',
] as const;
export type AvisCaleol = (typeof AVIS_CALEOL)[number];

export const LIBELLES_AVIS: Readonly<Record<AvisCaleol, string>> = {
  proposition_mutation: 'Proposer un logement adapté (mutation)',
  accession_sociale: 'Conseiller l’accession sociale',
  maintien: 'Situation constatée, maintien dans les lieux',
  situation_non_constatee: 'Situation non constatée',
};

/** The follow-up of a proposal made after an avis. */
export const SUIVIS_PROPOSITION = ['en_attente', 'proposee', 'acceptee', 'refusee', 'abandonnee'] as const;
export type SuiviProposition = (typeof SUIVIS_PROPOSITION)[number];

const TRANSITIONS_SUIVI: Readonly<Record<SuiviProposition, readonly SuiviProposition[]>> = {
  en_attente: ['proposee', 'abandonnee'],
  proposee: ['acceptee', 'refusee', 'abandonnee'],
  refusee: ['proposee', 'abandonnee'],
  acceptee: [],
  abandonnee: [],
};

/** Whether a proposal may move from `de` to `vers` (an accepted or abandoned one is closed). */
export const suiviPossible = (de: SuiviProposition, vers: SuiviProposition): boolean =>
  TRANSITIONS_SUIVI[de].includes(vers);
