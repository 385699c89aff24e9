/**
 * The dashboards' figures (issue 7 item 4), made of the engine's own: the ledger of each line over
 * the months of the year, the mix of the units a line received against the mix of the flow vacated,
 * and the deadlines missed. Pure: the engine's result (run with `detail`) in, figures out.
 *
 * The ledger over time. At the end of month m, a line's entitlement is its carry-over (the
 * bailleur's line: minus the others' carry-overs, as in the engine) plus Σ of the parts of the flow
 * units liberated up to that day (`DetailLocation.parts`, exact to 1e-6, summed in millionths). Its
 * counted units are the lettings the engine counts for it at year end, each from the date its
 * convention's rule counts it: at the orientation (`mise_a_disposition`, and every letting of the
 * bailleur's own line), at the CAL's positive decision (`attribution`, or the end of a counted
 * failure without one), at the lease (`bail_signe`, or the end of a counted failure); a letting let
 * by the bailleur « pour un tour » counts on the bailleur's line at the end of the failure, and on
 * the réservataire's between the date its rule counted it (orientation, positive decision) and that
 * failure. The December point is therefore the engine's year-end `droit` and `decomptes`, to the unit.
 */
import { bilanAnnuel, type BilanAnnuel } from './bilan.ts';
import type { DetailLocation, ResultatSimulation } from './engine.ts';
import { fromMicro, toMicro } from './exact.ts';
import { BAILLEUR, type Logement, type RegleDecompte, type Scenario } from './types.ts';

export const MOIS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** The dimensions whose mix a dashboard compares (received by a line vs vacated in the flow). */
export const DIMENSIONS_MIX = ['typologie', 'financement', 'qpv'] as const;
export type DimensionMix = (typeof DIMENSIONS_MIX)[number];
export const LIBELLES_DIMENSIONS_MIX: Readonly<Record<DimensionMix, string>> = {
  typologie: 'Typologie',
  financement: 'Financement',
  qpv: 'Quartier prioritaire (QPV)',
};

/** Counts by dimension and value. */
export type Repartition = Record<DimensionMix, Record<string, number>>;

export interface PointRegistre {
  /** 1 = January … 12 = December: the figures at the end of that month. */
  mois: number;
  droit: number;
  decomptes: number;
}

export interface LigneTableau {
  ligne: string;
  nom: string;
  /** The réservataire's type (`etat`, `action_logement`…), null for the bailleur's own line. */
  type: string | null;
  /** The convention's rate (the bailleur's line: its effective share); null for a sum of lines. */
  taux: number | null;
  /** Year-end figures of the engine. */
  droit: number;
  decomptes: number;
  solde: number;
  /** Twelve points, January to December (the ledger over time). */
  points: PointRegistre[];
  /** Lettings of the line ended without candidate (deadline missed), by month (12 values). */
  sansCandidat: number[];
  /** Units the line holds at year end, by dimension value (the mix received). */
  recus: Repartition;
}

export interface TableauBailleur {
  fluxAnnuel: number;
  /** The flow's units by dimension value (the mix vacated). */
  flux: Repartition;
  lignes: LigneTableau[];
}

const moisDe = (date: string): number => Number(date.slice(5, 7)) - 1;
const repartitionVide = (): Repartition => ({ typologie: {}, financement: {}, qpv: {} });

/** The date the convention's rule counts a letting counted at year end (see the module's comment). */
export function dateDeDecompte(d: DetailLocation, regle: RegleDecompte | null): string {
  if (regle === null || regle === 'mise_a_disposition') return d.date;
  if (regle === 'attribution' && d.attribue && d.dates.decision) return d.dates.decision;
  return d.dates.fin ?? d.dates.decision ?? d.date;
}

/** A letting ended without any candidate proposed: the réservataire let its deadline pass. */
export const sansCandidat = (d: DetailLocation): boolean => d.echec && !d.propose && d.ligne !== null;

/**
 * Each line's ledger at the end of each month, in the order of the engine's bilan. Lines are the
 * conventions' réservataires and `BAILLEUR`.
 */
export function registreMensuel(
  scenario: Scenario,
  resultat: ResultatSimulation,
): { ligne: string; points: PointRegistre[]; sansCandidat: number[] }[] {
  if (!resultat.detail) throw new Error('registreMensuel : le moteur doit être lancé avec { detail: true }');
  const ids = resultat.bilan.map((b) => b.reservataire);
  const index = new Map(ids.map((id, i) => [id, i]));
  const regles = new Map(scenario.conventions.map((c) => [c.reservataire, c.decompte]));
  // Per line, per month: entitlement added (millionths) and units counted in that month.
  const droits = ids.map(() => new Array<number>(12).fill(0));
  const comptes = ids.map(() => new Array<number>(12).fill(0));
  const manques = ids.map(() => new Array<number>(12).fill(0));
  const reports = ids.map(() => 0);
  let sommeReports = 0;
  for (const c of scenario.conventions) {
    const i = index.get(c.reservataire);
    if (i === undefined) continue;
    const r = toMicro(c.report) ?? 0;
    reports[i] = r;
    sommeReports += r;
  }
  const b = index.get(BAILLEUR);
  if (b !== undefined) reports[b] = -sommeReports;

  for (const d of resultat.detail) {
    const m = moisDe(d.date);
    for (const [ligne, part] of Object.entries(d.parts)) {
      const i = index.get(ligne);
      if (i !== undefined) droits[i]![m]! += toMicro(part) ?? 0;
    }
    if (d.ligne === null) continue;
    const i = index.get(d.ligne)!;
    const regle = d.ligne === BAILLEUR ? null : (regles.get(d.ligne) ?? null);
    if (d.decompte) comptes[i]![moisDe(dateDeDecompte(d, regle))]! += 1;
    if (d.pourUnTour) {
      // Counted for the réservataire from the date its rule counted it until the failure handed the
      // unit back: +1 then −1 (a lease rule never counted it); then on the bailleur's line.
      const compteAvant =
        regle === 'mise_a_disposition' || (regle === 'attribution' && d.attribue && d.dates.decision !== null);
      if (compteAvant) {
        comptes[i]![moisDe(dateDeDecompte(d, regle))]! += 1;
        comptes[i]![moisDe(d.dates.fin ?? d.date)]! -= 1;
      }
      if (b !== undefined) comptes[b]![moisDe(d.dates.fin ?? d.date)]! += 1;
    }
    if (sansCandidat(d)) manques[i]![moisDe(d.dates.fin ?? d.date)]! += 1;
  }

  return ids.map((ligne, i) => {
    let droit = reports[i]!;
    let decomptes = 0;
    const points = MOIS.map((_, m): PointRegistre => {
      droit += droits[i]![m]!;
      decomptes += comptes[i]![m]!;
      return { mois: m + 1, droit: fromMicro(droit), decomptes };
    });
    return { ligne, points, sansCandidat: manques[i]! };
  });
}

function valeurMix(dim: DimensionMix, l: Logement): string {
  if (dim === 'qpv') return l.qpv === null ? 'hors_qpv' : 'qpv';
  return l[dim];
}

/**
 * A bailleur's year as its dashboard shows it: each line's ledger over the months, its year-end
 * figures, the mix it received and the flow's mix, from the engine's run with `detail` (and its
 * bilan, when already computed).
 */
export function tableauBailleur(
  scenario: Scenario,
  resultat: ResultatSimulation,
  bilan: BilanAnnuel = bilanAnnuel(scenario, resultat),
): TableauBailleur {
  const registres = new Map(registreMensuel(scenario, resultat).map((r) => [r.ligne, r]));
  const types = new Map(scenario.reservataires.map((r) => [r.id, r.type as string]));
  const flux = repartitionVide();
  const recus = new Map(bilan.lignes.map((l) => [l.ligne, repartitionVide()]));
  for (const dim of DIMENSIONS_MIX) {
    const D = bilan.dimensions[dim];
    for (const v of D.valeurs) flux[dim][v] = D.flux[v] ?? 0;
    for (const [ligne, parValeur] of Object.entries(D.parLigne)) {
      const r = recus.get(ligne);
      if (!r) continue;
      for (const [v, c] of Object.entries(parValeur)) if (c.misADisposition > 0) r[dim][v] = c.misADisposition;
    }
  }
  return {
    fluxAnnuel: bilan.flux.fluxAnnuel,
    flux,
    lignes: bilan.lignes.map((l) => {
      const r = registres.get(l.ligne)!;
      return {
        ligne: l.ligne,
        nom: l.nom,
        type: l.ligne === BAILLEUR ? null : (types.get(l.ligne) ?? null),
        taux: l.taux,
        droit: l.droit,
        decomptes: l.decomptes,
        solde: l.solde,
        points: r.points,
        sansCandidat: r.sansCandidat,
        recus: recus.get(l.ligne)!,
      };
    }),
  };
}

/** Σ of repartitions. */
export function sommerRepartitions(rs: readonly Repartition[]): Repartition {
  const t = repartitionVide();
  for (const r of rs)
    for (const dim of DIMENSIONS_MIX) for (const [v, n] of Object.entries(r[dim])) t[dim][v] = (t[dim][v] ?? 0) + n;
  return t;
}

/**
 * Several lines as one (a réservataire's lines with every bailleur, the State's contingent of a
 * département): Σ of the entitlements (in millionths, exact), of the counted units, month by month.
 */
export function sommerLignes(ligne: string, nom: string, lignes: readonly LigneTableau[]): LigneTableau {
  const micro = (x: number) => toMicro(x) ?? Math.round(x * 1e6);
  const somme = (f: (l: LigneTableau) => number) => fromMicro(lignes.reduce((s, l) => s + micro(f(l)), 0));
  const droit = somme((l) => l.droit);
  const decomptes = lignes.reduce((s, l) => s + l.decomptes, 0);
  const types = new Set(lignes.map((l) => l.type));
  return {
    ligne,
    nom,
    type: types.size === 1 ? [...types][0]! : null,
    // Lines of several bailleurs have several rates: a sum has none of its own.
    taux: lignes.length === 1 ? lignes[0]!.taux : null,
    droit,
    decomptes,
    solde: fromMicro(decomptes * 1e6 - micro(droit)),
    points: MOIS.map((_, m) => ({
      mois: m + 1,
      droit: somme((l) => l.points[m]!.droit),
      decomptes: lignes.reduce((s, l) => s + l.points[m]!.decomptes, 0),
    })),
    sansCandidat: MOIS.map((_, m) => lignes.reduce((s, l) => s + (l.sansCandidat[m] ?? 0), 0)),
    recus: sommerRepartitions(lignes.map((l) => l.recus)),
  };
}

export interface ValeurMix {
  code: string;
  libelle: string;
  /** Units the line received with this value. */
  recus: number;
  /** Their share of the line's units (0 when it received none). */
  partRecue: number;
  /** Units of the flow vacated with this value, and their share of the flow. */
  flux: number;
  partFlux: number;
}

export interface MixDimension {
  dimension: DimensionMix;
  libelle: string;
  valeurs: ValeurMix[];
}

const ORDRE: Readonly<Record<DimensionMix, readonly string[]>> = {
  typologie: ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'],
  financement: ['PLAI', 'PLUS', 'PLS', 'PLI', 'AUTRE'],
  qpv: ['hors_qpv', 'qpv'],
};
const arrondi = (x: number) => Math.round(x * 1e6) / 1e6;

/** The mix a line received beside the mix of the flow, value by value, in every dimension. */
export function comparerMix(recus: Repartition, flux: Repartition): MixDimension[] {
  return DIMENSIONS_MIX.map((dim) => {
    const vues = new Set([...Object.keys(flux[dim]), ...Object.keys(recus[dim])]);
    const codes = [
      ...ORDRE[dim].filter((v) => vues.has(v)),
      ...[...vues].filter((v) => !ORDRE[dim].includes(v)).sort(),
    ];
    const totalRecus = Object.values(recus[dim]).reduce((s, n) => s + n, 0);
    const totalFlux = Object.values(flux[dim]).reduce((s, n) => s + n, 0);
    return {
      dimension: dim,
      libelle: LIBELLES_DIMENSIONS_MIX[dim],
      valeurs: codes.map((code) => {
        const r = recus[dim][code] ?? 0;
        const f = flux[dim][code] ?? 0;
        return {
          code,
          libelle: dim === 'qpv' ? (code === 'qpv' ? 'En QPV' : 'Hors QPV') : code,
          recus: r,
          partRecue: totalRecus > 0 ? arrondi(r / totalRecus) : 0,
          flux: f,
          partFlux: totalFlux > 0 ? arrondi(f / totalFlux) : 0,
        };
      }),
    };
  });
}

/** A territory's lettings by month (an EPCI's, for its CIL). */
export interface MoisTerritoire {
  mois: number;
  /** Units of the flow liberated in the territory that month. */
  flux: number;
  /** Positive CAL decisions, leases signed, lettings ended without candidate that month. */
  attribues: number;
  baux: number;
  sansCandidat: number;
}

export interface Territoire {
  mois: MoisTerritoire[];
  /** Flow units of the territory held by each line at year end. */
  parLigne: Record<string, number>;
  /** The flow's mix in the territory. */
  flux: Repartition;
}

/** The lettings of the units for which `dans` holds (a territory), by month and by line. */
export function territoire(
  scenario: Scenario,
  resultat: ResultatSimulation,
  dans: (l: Logement) => boolean,
): Territoire {
  if (!resultat.detail) throw new Error('territoire : le moteur doit être lancé avec { detail: true }');
  const logements = new Map(scenario.logements.map((l) => [l.id, l]));
  const mois = MOIS.map((_, m): MoisTerritoire => ({ mois: m + 1, flux: 0, attribues: 0, baux: 0, sansCandidat: 0 }));
  const parLigne: Record<string, number> = {};
  const flux = repartitionVide();
  for (const d of resultat.detail) {
    const l = logements.get(d.logement)!;
    if (d.ligne === null || !dans(l)) continue;
    mois[moisDe(d.date)]!.flux += 1;
    if (d.attribue && d.dates.decision) mois[moisDe(d.dates.decision)]!.attribues += 1;
    if (d.bail && d.dates.fin) mois[moisDe(d.dates.fin)]!.baux += 1;
    if (sansCandidat(d)) mois[moisDe(d.dates.fin ?? d.date)]!.sansCandidat += 1;
    parLigne[d.ligne] = (parLigne[d.ligne] ?? 0) + 1;
    for (const dim of DIMENSIONS_MIX) {
      const v = valeurMix(dim, l);
      flux[dim][v] = (flux[dim][v] ?? 0) + 1;
    }
  }
  return { mois, parLigne, flux };
}

/** Σ of territories' months. */
export function sommerTerritoires(ts: readonly Territoire[]): Territoire {
  const mois = MOIS.map((_, m): MoisTerritoire => ({ mois: m + 1, flux: 0, attribues: 0, baux: 0, sansCandidat: 0 }));
  const parLigne: Record<string, number> = {};
  for (const t of ts) {
    t.mois.forEach((x, m) => {
      const y = mois[m]!;
      y.flux += x.flux;
      y.attribues += x.attribues;
      y.baux += x.baux;
      y.sansCandidat += x.sansCandidat;
    });
    for (const [l, n] of Object.entries(t.parLigne)) parLigne[l] = (parLigne[l] ?? 0) + n;
  }
  return { mois, parLigne, flux: sommerRepartitions(ts.map((t) => t.flux)) };
}
