/**
 * The synthetic rules of the demo data: a seeded PRNG, the calendar of a year, the unit
 * characteristics the public counts do not give, and the events of a letting. They mirror
 * `examples/lib/synthetic.ts` (same PRNG, same shares, same lifecycle) but live in `src/` because
 * the product runs without `examples/` (and the repository reads no data outside itself).
 *
 * Every probability below is a synthetic order of magnitude, NOT measured data, except where a
 * comment names a source.
 */
import type {
  DecisionCal,
  Evenement,
  Exclusion,
  Financement,
  HorsFlux,
  Logement,
  MenageSaisi,
  TypeReservataire,
  Typologie,
} from '../domain/types.ts';

// ───────────────────────────── seeded randomness ─────────────────────────────

import { Rng } from '../domain/aleatoire.ts';

export { Rng };

/** FNV-1a hash of a string, to derive independent seeds. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Systematic proportional rounding of a sequence of real amounts: integers whose running sums stay
 * within one unit of the real running sums (a seeded start decides where the fractions fall).
 */
export function arrondiSystematique(montants: readonly number[], rng: Rng): number[] {
  const depart = rng.next();
  let cumul = 0;
  return montants.map((x) => {
    const avant = Math.floor(cumul + depart);
    cumul += x;
    return Math.floor(cumul + depart) - avant;
  });
}

// ───────────────────────────── calendar ─────────────────────────────

/** Days of a year as indices from 1 January (0), with working days (Mon–Fri, not 1 Jan nor 25 Dec). */
export class Calendrier {
  readonly jours: number;
  private readonly iso: string[] = [];
  private readonly ouvre: boolean[] = [];

  constructor(readonly annee: number) {
    const debut = Date.UTC(annee, 0, 1);
    this.jours = Math.round((Date.UTC(annee + 1, 0, 1) - debut) / 86_400_000);
    // A margin after 31 December so that shifting a late date forward never runs out of days.
    for (let j = 0; j < this.jours + 15; j++) {
      const d = new Date(debut + j * 86_400_000);
      this.iso.push(d.toISOString().slice(0, 10));
      const mmdd = this.iso[j]!.slice(5);
      const weekday = d.getUTCDay();
      this.ouvre.push(weekday !== 0 && weekday !== 6 && mmdd !== '01-01' && mmdd !== '12-25');
    }
  }

  /** The first working day at or after `jour`. */
  jourOuvre(jour: number): number {
    let j = jour;
    while (j < this.ouvre.length && !this.ouvre[j]) j++;
    return j;
  }

  /** A working day of the year drawn uniformly. */
  jourOuvreAuHasard(rng: Rng): number {
    for (;;) {
      const j = rng.int(0, this.jours - 1);
      if (this.ouvre[j]) return j;
    }
  }

  dansAnnee(jour: number): boolean {
    return jour >= 0 && jour < this.jours;
  }

  date(jour: number): string {
    const d = this.iso[jour];
    if (d === undefined) throw new Error(`jour ${jour} hors du calendrier ${this.annee}`);
    return d;
  }

  /** Index of an ISO date in the year (may be < 0 or ≥ jours). */
  jourDe(date: string): number {
    return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.UTC(this.annee, 0, 1)) / 86_400_000);
  }
}

// ───────────────────────────── units ─────────────────────────────

/** National shares of the social stock by typology (order of magnitude of RPLS: T3 most frequent). */
export const PARTS_TYPOLOGIE: Readonly<Record<Typologie, number>> = {
  T1: 0.06,
  T2: 0.2,
  T3: 0.38,
  T4: 0.27,
  T5: 0.08,
  T6: 0.01,
};

/**
 * Construction decades of the Loiret's social stock: shares by decade of the RPLS 2019 counts of
 * the Loiret (SDES, RPLS 2019, via MaelTheuliere/rrrpls; 50,770 units), rounded, with a share for
 * 2019–2023 added (the 2024 stock is about 1,100 units larger). Orders of magnitude only.
 */
export const DECENNIES_CONSTRUCTION: readonly { de: number; a: number; part: number }[] = [
  { de: 1920, a: 1949, part: 0.017 },
  { de: 1950, a: 1959, part: 0.05 },
  { de: 1960, a: 1969, part: 0.19 },
  { de: 1970, a: 1979, part: 0.19 },
  { de: 1980, a: 1989, part: 0.12 },
  { de: 1990, a: 1999, part: 0.2 },
  { de: 2000, a: 2009, part: 0.088 },
  { de: 2010, a: 2018, part: 0.098 },
  { de: 2019, a: 2023, part: 0.047 },
];

export function constructionAuHasard(rng: Rng): number {
  const poids = Object.fromEntries(DECENNIES_CONSTRUCTION.map((d, i) => [String(i), d.part]));
  const d = DECENNIES_CONSTRUCTION[Number(rng.weighted(poids))]!;
  return rng.int(d.de, d.a);
}

/**
 * Financing shares by construction period (copied from examples/lib/synthetic.ts): APPROXIMATIONS
 * of the national stock by initial financing and of the 2010s agréments, respecting the products'
 * dates (PLAI since 1990, PLS since 1977, PLI since 1987; pre-1977 HLM-O counted as PLUS/AUTRE).
 */
export const PARTS_FINANCEMENT: readonly { avant: number; parts: Partial<Record<Financement, number>> }[] = [
  { avant: 1977, parts: { PLUS: 0.9, AUTRE: 0.1 } },
  { avant: 1987, parts: { PLUS: 0.88, PLS: 0.05, AUTRE: 0.07 } },
  { avant: 1990, parts: { PLUS: 0.85, PLS: 0.05, PLI: 0.04, AUTRE: 0.06 } },
  { avant: 2000, parts: { PLUS: 0.8, PLAI: 0.06, PLS: 0.06, PLI: 0.04, AUTRE: 0.04 } },
  { avant: 2010, parts: { PLUS: 0.7, PLAI: 0.1, PLS: 0.13, PLI: 0.04, AUTRE: 0.03 } },
  { avant: Infinity, parts: { PLUS: 0.52, PLAI: 0.24, PLS: 0.2, PLI: 0.02, AUTRE: 0.02 } },
];

export function financementOf(construction: number, rng: Rng): Financement {
  const period =
    PARTS_FINANCEMENT.find((p) => construction < p.avant) ?? PARTS_FINANCEMENT[PARTS_FINANCEMENT.length - 1]!;
  return rng.weighted(period.parts);
}

/** Units kept as identified stock outside the flow (defence, internal security, EPS): ≈ 0.3 %. */
export const PART_HORS_FLUX = 0.003;
export const PARTS_HORS_FLUX: Readonly<Record<HorsFlux, number>> = { defense: 0.4, securite_interieure: 0.4, eps: 0.2 };

// ───────────────────────────── events ─────────────────────────────

/** Exclusions from the flow among liberations (≈ 12 % in all). */
export const PARTS_EXCLUSION: Readonly<Record<Exclusion | 'aucune', number>> = {
  aucune: 0.88,
  mutation_interne: 0.09,
  relogement_anru: 0.02,
  relogement_insalubrite: 0.0045,
  relogement_vente: 0.004,
  relogement_orcod: 0.0015,
};
export const PART_ORIENTATION_FORCEE = 0.01;
export const PART_ORIENTATION_MULTIPLE = 0.02;
export const PART_CANDIDATS = 0.9;
export const PART_UN_SEUL_CANDIDAT = 0.08;
export const PART_ATTRIBUTION = 0.85;
export const PART_BAIL_APRES_ATTRIBUTION = 0.9;
export const PART_QUARTILE1 = 0.27;
export const PART_PRIORITAIRE = 0.3;
export const PART_RELOGEMENT_ANRU = 0.02;

export function exclusionOf(rng: Rng): Exclusion | null {
  const e = rng.weighted(PARTS_EXCLUSION);
  return e === 'aucune' ? null : e;
}

/** French reasons for a forced orientation, by type of réservataire. */
export const MOTIFS_ORIENTATION_FORCEE: Readonly<Partial<Record<TypeReservataire, readonly string[]>>> = {
  etat: [
    'Ménage reconnu prioritaire et urgent (DALO) à reloger sans délai',
    'Sortie d’hébergement demandée par le SIAO',
  ],
  action_logement: ['Salarié en mobilité professionnelle, demande d’Action Logement'],
  commune: ['Relogement urgent demandé par la commune', 'Ménage sinistré (incendie) relogé à la demande du maire'],
  epci: ['Relogement demandé par l’intercommunalité (opération d’aménagement)'],
  departement: ['Jeune sortant de l’aide sociale à l’enfance, demande du département'],
};

export const MOTIFS_ORIENTATION_MULTIPLE: readonly string[] = [
  'Logement peu demandé : proposé à plusieurs réservataires',
  'Vacance prolongée, mise en commun pour accélérer la relocation',
  'Grand logement : mise en commun pour trouver un ménage adapté',
];

/** An event with its day, before dates are written. */
export interface EvenementDate {
  jour: number;
  evenement: Evenement;
}

/** A réservataire that may receive a given unit (its convention's perimeter contains it). */
export interface Eligible {
  id: string;
  type: TypeReservataire;
}

/**
 * The letting that follows a liberation, in order: candidates (or none in time), the CAL's
 * decision, then a signed lease or a refusal (as examples/lib/synthetic.ts). Events after the
 * cut-off day are dropped by the caller.
 */
export function cycleDeLocation(
  rng: Rng,
  cal: Calendrier,
  logement: string,
  jourLiberation: number,
  pool: readonly string[] | null,
): EvenementDate[] {
  const out: EvenementDate[] = [];
  const at = (j: number): { jour: number; date: string } => {
    const jour = cal.jourOuvre(j);
    return { jour, date: cal.dansAnnee(jour) ? cal.date(jour) : '' };
  };
  if (!rng.chance(PART_CANDIDATS)) {
    const t = at(jourLiberation + rng.int(30, 40));
    out.push({ jour: t.jour, evenement: { date: t.date, type: 'sans_candidat', logement } });
    return out;
  }
  const tCand = at(jourLiberation + rng.int(10, 35));
  const nombre = rng.chance(PART_UN_SEUL_CANDIDAT) ? 1 : 3;
  out.push({ jour: tCand.jour, evenement: { date: tCand.date, type: 'candidats', logement, nombre } });
  const tCal = at(tCand.jour + rng.int(5, 20));
  if (!rng.chance(PART_ATTRIBUTION)) {
    const decision: DecisionCal = rng.chance(0.6) ? 'non_attribution' : 'irrecevabilite';
    out.push({ jour: tCal.jour, evenement: { date: tCal.date, type: 'decision_cal', logement, decision } });
    const tRefus = at(tCal.jour + rng.int(2, 7));
    out.push({ jour: tRefus.jour, evenement: { date: tRefus.date, type: 'refus', logement } });
    return out;
  }
  out.push({
    jour: tCal.jour,
    evenement: { date: tCal.date, type: 'decision_cal', logement, decision: 'attribution' },
  });
  if (!rng.chance(PART_BAIL_APRES_ATTRIBUTION)) {
    // The household declines the offer (10 days to answer, silence counts as a refusal).
    const tRefus = at(tCal.jour + rng.int(5, 15));
    out.push({ jour: tRefus.jour, evenement: { date: tRefus.date, type: 'refus', logement } });
    return out;
  }
  const tBail = at(tCal.jour + rng.int(10, 40));
  const menage: MenageSaisi = {
    quartile1: rng.chance(PART_QUARTILE1),
    prioritaire: rng.chance(PART_PRIORITAIRE),
    relogementAnru: rng.chance(PART_RELOGEMENT_ANRU),
  };
  const bail: Evenement = pool
    ? { date: tBail.date, type: 'bail_signe', logement, reservataire: rng.pick(pool), menage }
    : { date: tBail.date, type: 'bail_signe', logement, menage };
  out.push({ jour: tBail.jour, evenement: bail });
  return out;
}

/**
 * All events of one liberation (as examples/lib/synthetic.ts): the liberation (with its exclusion,
 * if any), a forced or multiple orientation the same day for a few, then the letting's lifecycle.
 * Units outside the flow and excluded units get the liberation only; first lettings are never
 * excluded. Nothing is cut here: the caller keeps the events up to its cut-off day, so that the
 * random draws do not depend on it (a later cut-off gives a superset of the same story).
 */
export function evenementsDeLiberation(
  rng: Rng,
  cal: Calendrier,
  logement: Pick<Logement, 'id' | 'horsFlux'>,
  jour: number,
  eligibles: readonly Eligible[],
  premiereMiseEnLocation = false,
): EvenementDate[] {
  const date = cal.date(jour);
  const id = logement.id;
  const liberation: Evenement = premiereMiseEnLocation
    ? { date, type: 'liberation', logement: id, premiereMiseEnLocation: true }
    : { date, type: 'liberation', logement: id };
  if (logement.horsFlux !== null) return [{ jour, evenement: liberation }];
  const exclusion = premiereMiseEnLocation ? null : exclusionOf(rng);
  if (exclusion !== null) return [{ jour, evenement: { ...liberation, exclusion } }];

  const out: EvenementDate[] = [{ jour, evenement: liberation }];
  let pool: string[] | null = null;
  const u = rng.next();
  if (u < PART_ORIENTATION_FORCEE && eligibles.length > 0) {
    const r = rng.pick(eligibles);
    const motif = rng.pick(MOTIFS_ORIENTATION_FORCEE[r.type] ?? ['Orientation décidée par le bailleur']);
    out.push({ jour, evenement: { date, type: 'orientation_forcee', logement: id, reservataire: r.id, motif } });
  } else if (u < PART_ORIENTATION_FORCEE + PART_ORIENTATION_MULTIPLE && eligibles.length >= 2) {
    // Action Logement and the State pool most often; sometimes a third réservataire joins.
    const base = eligibles.filter((r) => r.type === 'action_logement' || r.type === 'etat').map((r) => r.id);
    const others = eligibles.filter((r) => !base.includes(r.id)).map((r) => r.id);
    pool = base.length >= 2 ? base : eligibles.slice(0, 2).map((r) => r.id);
    const extra = others.filter((o) => !pool!.includes(o));
    if (extra.length > 0 && rng.chance(0.3)) pool = [...pool, rng.pick(extra)];
    const motif = rng.pick(MOTIFS_ORIENTATION_MULTIPLE);
    out.push({ jour, evenement: { date, type: 'orientation_multiple', logement: id, reservataires: pool, motif } });
  }
  out.push(...cycleDeLocation(rng, cal, id, jour, pool));
  return out;
}

/** Keeps the events up to day `jusqua` included (a letting stays in progress after it). */
export function jusquAu(jusqua: number, events: readonly EvenementDate[]): EvenementDate[] {
  const premierApres = events.findIndex((e) => e.jour > jusqua);
  return premierApres < 0 ? [...events] : events.slice(0, premierApres);
}

/** Sorts dated events by day, keeping generation order within a day (stable). */
export function trierEvenements(events: readonly EvenementDate[]): EvenementDate[] {
  return events
    .map((e, seq) => ({ e, seq }))
    .sort((a, b) => a.e.jour - b.e.jour || a.seq - b.seq)
    .map(({ e }) => e);
}
