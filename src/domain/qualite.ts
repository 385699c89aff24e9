/**
 * The data-quality report of a bailleur's stock (issue « Patrimoine », item 3; rules.md §7 « état
 * des lieux » and §9): missing or invalid fields, duplicate RPLS identifiers, units without commune
 * or financing, QPV inconsistencies, units whose stock reservation cannot be known, units absent
 * from the last RPLS import — and the seed's indicator, the share of last year's allocations with a
 * known réservataire (49 % in Loiret, 5–12 % elsewhere).
 *
 * Pure: plain rows in, a report out. The COG lookup (an impure dependency) comes in the input.
 */
import { BAILLEUR } from './types.ts';

/** One unit, as read from `logements` (every field may be missing in a doubtful file). */
export interface LogementQualite {
  id: string;
  rpls: string | null;
  departement: string | null;
  commune: string | null;
  qpv: string | null;
  typologie: string | null;
  financement: string | null;
  construction: number | null;
  /** Habitable surface (m²), null when the file gave none. */
  surface: number | null;
  conventionne: boolean | null;
  /** The stock reservation: 'reserve', 'droit_unique', 'aucune', or null when unknown. */
  reservationStock: string | null;
  /** The RPLS import the unit was absent from, null when present in the last one. */
  absentRplsDepuis: string | null;
}

/** One letting (letting) of the year, as read from `locations`. */
export interface LocationQualite {
  id: string;
  etat: string;
  /** "BAILLEUR", a réservataire id, or null (not oriented). */
  ligne: string | null;
}

export interface EntreeQualite {
  bailleur: { id: string; nom: string };
  logements: readonly LogementQualite[];
  /** The bailleur's lettings of `annee` (usually the previous year). */
  locations: readonly LocationQualite[];
  annee: number;
  /** The current year: a construction year after it is implausible. */
  anneeCourante: number;
  /** The current COG code of a commune code (following mergers), null when the COG does not know it. */
  communeCourante: (code: string) => string | null;
  /**
   * The official list's quarter of a QPV code: its communes, null when the code is not in the
   * list, undefined when no official list of that geography is loaded for its département (then
   * nothing is said).
   */
  quartier?: ((code: string) => { communes: readonly string[] } | null | undefined) | undefined;
}

export type Gravite = 'erreur' | 'avertissement';

export interface Controle {
  code: string;
  libelle: string;
  gravite: Gravite;
  nombre: number;
  /** Up to `MAX_EXEMPLES` unit ids (in input order). */
  exemples: string[];
}

export interface RapportQualite {
  bailleur: { id: string; nom: string };
  totalLogements: number;
  controles: Controle[];
  indicateurs: {
    partAttributionsReservataireConnu: {
      /** numerateur / denominateur, null when there was no signed lease. */
      realise: number | null;
      numerateur: number;
      denominateur: number;
      annee: number;
      reference: string;
    };
  };
}

export const MAX_EXEMPLES = 20;
export const REFERENCE_INDICATEUR = 'Loiret 49 %, 5–12 % ailleurs (séminaire)';
export const ANNEE_CONSTRUCTION_MIN = 1850;

/** A plausible habitable surface (m²) per typology; 9 m² is the decency floor (décret 2002-120). */
export const SURFACES_PLAUSIBLES: Readonly<Record<string, readonly [number, number]>> = {
  T1: [9, 60],
  T2: [20, 90],
  T3: [35, 120],
  T4: [45, 150],
  T5: [55, 200],
  T6: [65, 300],
};
const SURFACE_PAR_DEFAUT: readonly [number, number] = [9, 300];

/** INSEE commune code: 2 digits (or 2A/2B) + 3 digits; overseas 97x + 2 digits fits the same shape. */
const RE_COMMUNE = /^(\d{2}|2[AB])\d{3}$/;
/** QPV code: QP (2015) or QN (2024) + département on 3 characters (045, 02A, 971) + 3 characters. */
const RE_QPV = /^Q[PN](0\d{2}|02[AB]|97\d)[0-9A-Z]{3}$/;
/** What a file writes when it says "in a QPV" without the code (the importer stores `QPV`). */
const RE_MARQUEUR_QPV = /^(QPV|1|OUI|O|X|TRUE)$/i;

const vide = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

/** The département of a QPV code: "QN045001" → "45", "QP02A003" → "2A", "QP971001" → "971". */
export function departementDuQpv(code: string): string | null {
  if (!RE_QPV.test(code)) return null;
  const d = code.slice(2, 5);
  return d.startsWith('0') ? d.slice(1) : d;
}

/** The département of a commune code: "45234" → "45", "2A004" → "2A", "97105" → "971". */
export function departementDeCommune(code: string): string {
  return code.startsWith('97') ? code.slice(0, 3) : code.slice(0, 2);
}

interface Regle {
  code: string;
  libelle: string;
  gravite: Gravite;
}

export const REGLES = {
  RPLS_ABSENT: { code: 'RPLS_ABSENT', libelle: 'Identifiant RPLS manquant', gravite: 'erreur' },
  RPLS_DOUBLON: { code: 'RPLS_DOUBLON', libelle: 'Identifiant RPLS en double chez le bailleur', gravite: 'erreur' },
  COMMUNE_ABSENTE: { code: 'COMMUNE_ABSENTE', libelle: 'Commune manquante', gravite: 'erreur' },
  COMMUNE_FORMAT: {
    code: 'COMMUNE_FORMAT',
    libelle: 'Code commune au format invalide (5 caractères INSEE attendus)',
    gravite: 'erreur',
  },
  COMMUNE_HORS_COG: {
    code: 'COMMUNE_HORS_COG',
    libelle: 'Code commune inconnu du code officiel géographique (COG)',
    gravite: 'erreur',
  },
  COMMUNE_ANCIENNE: {
    code: 'COMMUNE_ANCIENNE',
    libelle: 'Code d’une commune fusionnée depuis (à mettre à jour)',
    gravite: 'avertissement',
  },
  FINANCEMENT_ABSENT: { code: 'FINANCEMENT_ABSENT', libelle: 'Financement manquant', gravite: 'erreur' },
  FINANCEMENT_AUTRE: {
    code: 'FINANCEMENT_AUTRE',
    libelle: 'Financement « AUTRE » (ni PLAI, PLUS, PLS ni PLI)',
    gravite: 'avertissement',
  },
  TYPOLOGIE_ABSENTE: { code: 'TYPOLOGIE_ABSENTE', libelle: 'Typologie manquante', gravite: 'erreur' },
  CONSTRUCTION_INVALIDE: {
    code: 'CONSTRUCTION_INVALIDE',
    libelle: 'Année de construction manquante ou invraisemblable (avant 1850 ou dans le futur)',
    gravite: 'erreur',
  },
  SURFACE_ABSENTE: { code: 'SURFACE_ABSENTE', libelle: 'Surface habitable manquante', gravite: 'avertissement' },
  SURFACE_IMPLAUSIBLE: {
    code: 'SURFACE_IMPLAUSIBLE',
    libelle: 'Surface habitable invraisemblable pour la typologie',
    gravite: 'avertissement',
  },
  QPV_FORMAT: {
    code: 'QPV_FORMAT',
    libelle: 'Code QPV au format invalide (QP… ou QN… sur 8 caractères attendu)',
    gravite: 'erreur',
  },
  QPV_SANS_CODE: {
    code: 'QPV_SANS_CODE',
    libelle: 'Logement marqué en QPV sans code de quartier',
    gravite: 'avertissement',
  },
  QPV_DEPARTEMENT: {
    code: 'QPV_DEPARTEMENT',
    libelle: 'Code QPV d’un autre département que celui du logement',
    gravite: 'erreur',
  },
  QPV_INCONNU: {
    code: 'QPV_INCONNU',
    libelle: 'Code QPV absent de la liste officielle chargée pour sa géographie et son département',
    gravite: 'erreur',
  },
  QPV_COMMUNE: {
    code: 'QPV_COMMUNE',
    libelle: 'Quartier prioritaire situé hors de la commune du logement (liste officielle)',
    gravite: 'avertissement',
  },
  RESERVATION_INCONNUE: {
    code: 'RESERVATION_INCONNUE',
    libelle: 'Réservation du stock inconnue : ni réservataire ni « non réservé » renseigné (import des réservations)',
    gravite: 'avertissement',
  },
  ABSENT_RPLS: { code: 'ABSENT_RPLS', libelle: 'Logement absent du dernier import RPLS', gravite: 'avertissement' },
} as const satisfies Record<string, Regle>;

export type CodeControle = keyof typeof REGLES;

/** Which controls a unit fails (duplicates aside: they need the whole stock). */
export function controlesDuLogement(
  l: LogementQualite,
  entree: Pick<EntreeQualite, 'anneeCourante' | 'communeCourante' | 'quartier'>,
): CodeControle[] {
  const codes: CodeControle[] = [];
  if (vide(l.rpls)) codes.push('RPLS_ABSENT');

  const commune = l.commune?.trim().toUpperCase() ?? '';
  if (commune === '') codes.push('COMMUNE_ABSENTE');
  else if (!RE_COMMUNE.test(commune)) codes.push('COMMUNE_FORMAT');
  else {
    const courante = entree.communeCourante(commune);
    if (courante === null) codes.push('COMMUNE_HORS_COG');
    else if (courante !== commune) codes.push('COMMUNE_ANCIENNE');
  }

  if (vide(l.financement)) codes.push('FINANCEMENT_ABSENT');
  else if (l.financement!.trim().toUpperCase() === 'AUTRE') codes.push('FINANCEMENT_AUTRE');

  const typologie = l.typologie?.trim().toUpperCase() ?? '';
  if (typologie === '') codes.push('TYPOLOGIE_ABSENTE');

  if (
    l.construction === null ||
    !Number.isInteger(l.construction) ||
    l.construction < ANNEE_CONSTRUCTION_MIN ||
    l.construction > entree.anneeCourante
  )
    codes.push('CONSTRUCTION_INVALIDE');

  if (l.surface === null || l.surface === undefined) codes.push('SURFACE_ABSENTE');
  else {
    const [min, max] = SURFACES_PLAUSIBLES[typologie] ?? SURFACE_PAR_DEFAUT;
    if (!Number.isFinite(l.surface) || l.surface < min || l.surface > max) codes.push('SURFACE_IMPLAUSIBLE');
  }

  const qpv = l.qpv?.trim() ?? '';
  if (qpv !== '') {
    if (RE_MARQUEUR_QPV.test(qpv)) codes.push('QPV_SANS_CODE');
    else {
      const dep = departementDuQpv(qpv.toUpperCase());
      if (dep === null) codes.push('QPV_FORMAT');
      else {
        // The unit's département, else the one of its commune.
        const depLogement = !vide(l.departement)
          ? l.departement!.trim().toUpperCase()
          : RE_COMMUNE.test(commune)
            ? departementDeCommune(commune)
            : null;
        if (depLogement !== null && depLogement !== dep) codes.push('QPV_DEPARTEMENT');
        else {
          const q = entree.quartier?.(qpv.toUpperCase());
          if (q === null) codes.push('QPV_INCONNU');
          else if (
            q &&
            RE_COMMUNE.test(commune) &&
            !q.communes.includes(entree.communeCourante(commune) ?? commune) &&
            !q.communes.includes(commune)
          )
            codes.push('QPV_COMMUNE');
        }
      }
    }
  }

  if (l.reservationStock === null || l.reservationStock === undefined) codes.push('RESERVATION_INCONNUE');
  if (l.absentRplsDepuis !== null) codes.push('ABSENT_RPLS');
  return codes;
}

/** Share of the year's signed leases whose line is a réservataire (not the bailleur's own, not none). */
export function partAttributionsReservataireConnu(locations: readonly LocationQualite[]): {
  numerateur: number;
  denominateur: number;
  realise: number | null;
} {
  const signes = locations.filter((l) => l.etat === 'bail_signe');
  const numerateur = signes.filter((l) => l.ligne !== null && l.ligne.trim() !== '' && l.ligne !== BAILLEUR).length;
  const denominateur = signes.length;
  return { numerateur, denominateur, realise: denominateur === 0 ? null : numerateur / denominateur };
}

/** Every unit failing each control (all of them, in input order): the detail sheets of the XLSX. */
export function logementsParControle(
  entree: Pick<EntreeQualite, 'logements' | 'anneeCourante' | 'communeCourante' | 'quartier'>,
): Map<CodeControle, string[]> {
  const trouves = new Map<CodeControle, string[]>();
  for (const code of Object.keys(REGLES) as CodeControle[]) trouves.set(code, []);
  const parRpls = new Map<string, number>();
  for (const l of entree.logements)
    if (!vide(l.rpls)) parRpls.set(l.rpls!.trim(), (parRpls.get(l.rpls!.trim()) ?? 0) + 1);
  for (const l of entree.logements) {
    for (const code of controlesDuLogement(l, entree)) trouves.get(code)!.push(l.id);
    // Duplicates: every unit that shares its identifier with another.
    if (!vide(l.rpls) && (parRpls.get(l.rpls!.trim()) ?? 0) > 1) trouves.get('RPLS_DOUBLON')!.push(l.id);
  }
  return trouves;
}

export function rapportQualite(entree: EntreeQualite): RapportQualite {
  const trouves = logementsParControle(entree);
  const controles: Controle[] = (Object.keys(REGLES) as CodeControle[]).map((code) => {
    const ids = trouves.get(code)!;
    const r: Regle = REGLES[code];
    return {
      code: r.code,
      libelle: r.libelle,
      gravite: r.gravite,
      nombre: ids.length,
      exemples: ids.slice(0, MAX_EXEMPLES),
    };
  });
  return {
    bailleur: entree.bailleur,
    totalLogements: entree.logements.length,
    controles,
    indicateurs: {
      partAttributionsReservataireConnu: {
        ...partAttributionsReservataireConnu(entree.locations),
        annee: entree.annee,
        reference: REFERENCE_INDICATEUR,
      },
    },
  };
}

/** The report with what its XLSX details: the units read and the units failing each control. */
export interface QualiteComplete {
  rapport: RapportQualite;
  /** The units read, by id, and every unit failing each control (for the XLSX's detail sheets). */
  logements: Map<string, LogementQualite>;
  enDefaut: Map<CodeControle, string[]>;
}
