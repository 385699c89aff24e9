/**
 * Small builders of `Scenario` objects for tests. Every builder returns a complete, valid value
 * with neutral defaults; pass overrides for what the test is about.
 *
 * Defaults: year 2025, département 45 (Loiret), commune 45234, units outside QPV, conventions on
 * the whole département, counted at orientation, failures consuming the right, no carry-over.
 */
import fc from 'fast-check';
import {
  FINANCEMENTS,
  TYPOLOGIES,
  type Convention,
  type DecisionCal,
  type Evenement,
  type Exclusion,
  type Logement,
  type MenageSaisi,
  type Reservataire,
  type Scenario,
  type TypeReservataire,
} from '../../src/domain/types.ts';

export const ANNEE = 2025;
export const DEPARTEMENT = '45';
/** Three communes of the Loiret, for perimeter and uniformity tests. */
export const COMMUNES = ['45234', '45147', '45284'] as const;

/** A scenario with the State and Action Logement as réservataires and nothing else. */
export function unScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    annee: ANNEE,
    departement: DEPARTEMENT,
    bailleur: { id: 'B1', nom: 'Office de test' },
    logements: [],
    reservataires: [reservataire('ETAT', 'etat'), reservataire('AL', 'action_logement')],
    conventions: [],
    evenements: [],
    ...overrides,
  };
}

export function reservataire(id: string, type: TypeReservataire, overrides: Partial<Reservataire> = {}): Reservataire {
  return { id, type, nom: `Réservataire ${id}`, ...overrides };
}

export function logement(id: string, overrides: Partial<Logement> = {}): Logement {
  return {
    id,
    commune: COMMUNES[0],
    qpv: null,
    typologie: 'T3',
    financement: 'PLUS',
    construction: 1975,
    horsFlux: null,
    ...overrides,
  };
}

/** `n` units named `${prefix}1` … `${prefix}n`, all with the same overrides. */
export function logements(prefix: string, n: number, overrides: Partial<Logement> = {}): Logement[] {
  return Array.from({ length: n }, (_, i) => logement(`${prefix}${i + 1}`, overrides));
}

/**
 * The settings every test, bench and example convention starts from, in the order a scenario file
 * writes them: the whole département, counted at the mise à disposition with failures counted,
 * 30 days to propose 3 candidates, direct management, no carry-over.
 */
export function conventionDeBase() {
  return {
    perimetre: { departement: DEPARTEMENT } as Convention['perimetre'],
    decompte: 'mise_a_disposition',
    echecDecompte: true,
    delaiPropositionJours: 30,
    candidatsDemandes: 3,
    gestion: 'directe',
    report: 0,
  } as const satisfies Partial<Convention>;
}

export function convention(
  id: string,
  reservataire: string,
  taux: number,
  overrides: Partial<Convention> = {},
): Convention {
  return { id, reservataire, taux, ...conventionDeBase(), ...overrides };
}

/** The ISO date of the k-th day of the test year (k = 0 is 1 January; k ≤ 364). */
export function jour(k: number): string {
  const d = new Date(Date.UTC(ANNEE, 0, 1 + k));
  if (d.getUTCFullYear() !== ANNEE) throw new Error(`jour(${k}) is outside ${ANNEE}`);
  return d.toISOString().slice(0, 10);
}

// ─── events ───

export function liberation(
  date: string,
  logement: string,
  extra: { exclusion?: Exclusion; premiereMiseEnLocation?: boolean } = {},
): Evenement {
  return { date, type: 'liberation', logement, ...extra };
}

export function orientationForcee(date: string, logement: string, reservataire: string, motif = 'test'): Evenement {
  return { date, type: 'orientation_forcee', logement, reservataire, motif };
}

export function orientationMultiple(
  date: string,
  logement: string,
  reservataires: string[],
  motif = 'test',
): Evenement {
  return { date, type: 'orientation_multiple', logement, reservataires, motif };
}

export function candidats(date: string, logement: string, nombre = 3): Evenement {
  return { date, type: 'candidats', logement, nombre };
}

export function decisionCal(date: string, logement: string, decision: DecisionCal = 'attribution'): Evenement {
  return { date, type: 'decision_cal', logement, decision };
}

export function bailSigne(
  date: string,
  logement: string,
  extra: { menage?: MenageSaisi; reservataire?: string } = {},
): Evenement {
  return { date, type: 'bail_signe', logement, ...extra };
}

export function refus(date: string, logement: string): Evenement {
  return { date, type: 'refus', logement };
}

export function sansCandidat(date: string, logement: string): Evenement {
  return { date, type: 'sans_candidat', logement };
}

export function menage(overrides: MenageSaisi = {}): MenageSaisi {
  return { quartile1: false, prioritaire: false, relogementAnru: false, ...overrides };
}

/**
 * A whole letting after a liberation: candidates, a positive CAL decision and a signed lease,
 * on the given day and the two following ones.
 */
export function locationComplete(
  k: number,
  logement: string,
  extra: { menage?: MenageSaisi; reservataire?: string } = {},
): Evenement[] {
  return [candidats(jour(k), logement), decisionCal(jour(k + 1), logement), bailSigne(jour(k + 2), logement, extra)];
}

// ─── random lettings (property tests) ───

/** How far a random letting goes after its liberation. */
export const ETAPES_LOCATION = [
  'rien',
  'candidats',
  'attribution',
  'bail',
  'refus',
  'sans_candidat',
  'non_attribution',
] as const;
export type EtapeLocation = (typeof ETAPES_LOCATION)[number];

/**
 * The random fields of one letting shared by the property tests (spread into `fc.record`): the
 * unit's mix, its exclusion from the flow, how far it goes, the line it is forced to (null: the
 * engine's choice).
 */
export const LOCATION_ALEATOIRE = {
  typologie: fc.constantFrom(...TYPOLOGIES),
  financement: fc.constantFrom(...FINANCEMENTS),
  qpv: fc.boolean(),
  commune: fc.constantFrom(...COMMUNES),
  exclusion: fc.option(fc.constantFrom('mutation_interne' as const, 'relogement_anru' as const), { freq: 6 }),
  etape: fc.constantFrom(...ETAPES_LOCATION),
  ligne: fc.constantFrom('AL', 'ETAT', 'BAILLEUR', null),
};

/**
 * The events of one random letting of unit `id`, up to `u.etape`: the liberation on
 * `dates.liberation` (out of the flow with `u.exclusion`: no orientation, no « sans candidat »), the
 * orientation forced to `u.ligne` the same day when given; candidates and the CAL's decision on `dates.suite`;
 * a refusal or the signed lease on `dates.fin` (default: `dates.suite`).
 */
export function evenementsDeLocation(
  id: string,
  u: { exclusion: Exclusion | null; ligne: string | null; etape: EtapeLocation },
  dates: { liberation: string; suite: string; fin?: string },
): Evenement[] {
  const evenements = [liberation(dates.liberation, id, u.exclusion ? { exclusion: u.exclusion } : {})];
  // Outside the flow, a letting has no orientation and never ends « sans candidat », but lives the rest.
  if (u.ligne && !u.exclusion) evenements.push(orientationForcee(dates.liberation, id, u.ligne));
  const a = dates.suite;
  const b = dates.fin ?? dates.suite;
  if (u.etape === 'rien' || (u.exclusion && u.etape === 'sans_candidat')) return evenements;
  if (u.etape === 'sans_candidat') return [...evenements, sansCandidat(a, id)];
  evenements.push(candidats(a, id));
  if (u.etape === 'candidats') return evenements;
  if (u.etape === 'refus') return [...evenements, refus(b, id)];
  evenements.push(decisionCal(a, id, u.etape === 'non_attribution' ? 'non_attribution' : 'attribution'));
  if (u.etape === 'non_attribution') return [...evenements, refus(b, id)];
  if (u.etape === 'bail') evenements.push(bailSigne(b, id));
  return evenements;
}
