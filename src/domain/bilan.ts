/**
 * The annual bilan of a bailleur's year in a département (CCH R.441-5-1; rules.md §7): for each
 * convention's line, the units put at its disposal ("proposés"), those with candidates, allocated,
 * let, failed and let by the bailleur "pour un tour", broken down by typology, financing, in/out
 * QPV, commune and construction period; its entitlement, counted units, balance and carry-over;
 * the units excluded from the flow by category and the bilan of rehousing allocations (the lettings
 * outside the flow by category: freed, leased, open, against the forecast PRU volume); the allocation
 * objectives. Pure, and made of the engine's own figures: the lines are the engine's `bilan`, the
 * breakdowns are Σ of its per-letting `detail` (Σ over a dimension's values = the line, always).
 */
import type { DetailLocation, LigneBilan, Objectifs, ResultatSimulation } from './engine.ts';
import { periodeDe, PERIODES } from './etat-des-lieux.ts';
import { COMPTEURS, type Compteur } from './compteurs.ts';
import { LIBELLES_EXCLUSION, type FluxAnnuel, type MotifExclusion } from './flow.ts';
import {
  BAILLEUR,
  EXCLUSIONS,
  FINANCEMENTS,
  TYPOLOGIES,
  type Exclusion,
  type Logement,
  type Scenario,
} from './types.ts';

export const DIMENSIONS_BILAN = ['typologie', 'financement', 'qpv', 'commune', 'periode'] as const;
export type DimensionBilan = (typeof DIMENSIONS_BILAN)[number];

export const LIBELLES_DIMENSIONS_BILAN: Readonly<Record<DimensionBilan, string>> = {
  typologie: 'Typologie',
  financement: 'Financement',
  qpv: 'Quartier prioritaire (QPV)',
  commune: 'Commune',
  periode: 'Période de construction',
};

/** The figures counted for a line, in total or for one value of a dimension. */
export { COMPTEURS, LIBELLES_COMPTEURS, type Compteur } from './compteurs.ts';
export type Compteurs = Record<Compteur, number>;

export interface LigneBilanAnnuel extends Compteurs {
  /** Réservataire id, or "BAILLEUR" for the bailleur's own share. */
  ligne: string;
  nom: string;
  taux: number;
  /** Exact entitlement of the year (carry-over included). */
  droit: number;
  /** Counted − entitlement. */
  solde: number;
  reportAnneeSuivante: number;
}

export interface DimensionDuBilan {
  /** The dimension's values in display order (only those met this year). */
  valeurs: string[];
  libelles: Record<string, string>;
  /** Line → value → figures; a value a line never received is absent. */
  parLigne: Record<string, Record<string, Compteurs>>;
  /** Units of the flow by value (the mix vacated, to compare with each line's mix received). */
  flux: Record<string, number>;
}

/** One letting of the year, as the bilan's unit-level detail lists it (no personal data). */
export interface LigneDetailBilan {
  logement: string;
  commune: string;
  typologie: string;
  financement: string;
  qpv: string | null;
  periode: string;
  date: string;
  exclusion: MotifExclusion | null;
  ligne: string | null;
  pool: string[] | null;
  statut: StatutLocation;
  decision: string | null;
  dateFin: string | null;
  decompte: boolean;
  pourUnTour: boolean;
  quartile1: boolean | null;
  prioritaire: boolean | null;
  relogementAnru: boolean | null;
}

export type StatutLocation = 'exclue' | 'bail_signe' | 'echec' | 'en_cours';
export const LIBELLES_STATUT: Readonly<Record<StatutLocation, string>> = {
  exclue: 'Hors flux',
  bail_signe: 'Bail signé',
  echec: 'Échec',
  en_cours: 'En cours',
};

export interface BilanAnnuel {
  annee: number;
  departement: string;
  bailleur: { id: string; nom: string };
  flux: FluxAnnuel;
  lignes: LigneBilanAnnuel[];
  dimensions: Record<DimensionBilan, DimensionDuBilan>;
  /** Excluded units by category. */
  exclusions: { motif: MotifExclusion; libelle: string; logements: number }[];
  /** The bilan of rehousing allocations (R.441-5, before 28 February): the lettings outside the flow. */
  relogements: BilanRelogements;
  objectifs: Objectifs;
  /** The names of the EPCIs of `objectifs.parEpci`, by SIREN, when the caller knows them (the server). */
  nomsEpci?: Record<string, string>;
  detail: LigneDetailBilan[];
}

/** One exclusion category's lettings outside the flow in the year: freed, leased, still open. */
export interface RelogementDuBilan {
  motif: Exclusion;
  libelle: string;
  liberes: number;
  bauxSignes: number;
  enCours: number;
}

export interface BilanRelogements {
  /** Every exclusion category, in the law's order (the engine's `relogements`). */
  categories: RelogementDuBilan[];
  /** The volume reserved for PRU/ANRU rehousing in the year's forecast; null without a forecast. */
  volumePru: number | null;
}

/** The figures of a ledger line every screen shows (the registry, the home page, a convention). */
export function chiffresLigne(b: LigneBilan) {
  return {
    taux: b.taux,
    droit: b.droit,
    misADisposition: b.misADisposition,
    proposes: b.proposes,
    attribues: b.attribues,
    bauxSignes: b.bauxSignes,
    echecs: b.echecs,
    decomptes: b.decomptes,
    solde: b.solde,
  };
}

export function compteursVides(): Compteurs {
  return {
    misADisposition: 0,
    proposes: 0,
    attribues: 0,
    bauxSignes: 0,
    echecs: 0,
    pourUnTour: 0,
    decomptes: 0,
    enCours: 0,
  };
}

function ajouter(c: Compteurs, d: DetailLocation): void {
  c.misADisposition += 1;
  if (d.propose) c.proposes += 1;
  if (d.attribue) c.attribues += 1;
  if (d.bail) c.bauxSignes += 1;
  if (d.echec) c.echecs += 1;
  if (d.decompte) c.decomptes += 1;
  if (d.enCours) c.enCours += 1;
}

function valeurDe(dim: DimensionBilan, l: Logement): string {
  switch (dim) {
    case 'typologie':
      return l.typologie;
    case 'financement':
      return l.financement;
    case 'qpv':
      return l.qpv === null ? 'hors_qpv' : 'qpv';
    case 'commune':
      return l.commune;
    case 'periode':
      return periodeDe(l.construction);
  }
}

function statutDe(d: DetailLocation): StatutLocation {
  if (d.ligne === null) return 'exclue';
  if (d.bail) return 'bail_signe';
  if (d.echec) return 'echec';
  return 'en_cours';
}

/**
 * The bilan of a year from the engine's run over its scenario (run with `detail`). `noms` names the
 * réservataires and communes (code → name) for the labels; a code without a name stays a code.
 */
export function bilanAnnuel(
  scenario: Scenario,
  resultat: ResultatSimulation,
  noms: {
    communes?: ReadonlyMap<string, string>;
    volumePru?: number | null;
    epcis?: ReadonlyMap<string, string>;
  } = {},
): BilanAnnuel {
  if (!resultat.detail) throw new Error('bilanAnnuel : le moteur doit être lancé avec { detail: true }');
  const logements = new Map(scenario.logements.map((l) => [l.id, l]));
  const nomsReservataires = new Map(scenario.reservataires.map((r) => [r.id, r.nom]));
  const lignes: LigneBilanAnnuel[] = resultat.bilan.map(({ reservataire, ...chiffres }) => ({
    ligne: reservataire,
    nom:
      reservataire === BAILLEUR
        ? `${scenario.bailleur.nom} (contingent propre)`
        : (nomsReservataires.get(reservataire) ?? reservataire),
    ...chiffres,
  }));

  const dimensions = {} as Record<DimensionBilan, DimensionDuBilan>;
  for (const dim of DIMENSIONS_BILAN) dimensions[dim] = { valeurs: [], libelles: {}, parLigne: {}, flux: {} };
  for (const l of lignes) for (const dim of DIMENSIONS_BILAN) dimensions[dim].parLigne[l.ligne] = {};

  const detail: LigneDetailBilan[] = [];
  for (const d of resultat.detail) {
    const logement = logements.get(d.logement)!;
    detail.push({
      logement: d.logement,
      commune: logement.commune,
      typologie: logement.typologie,
      financement: logement.financement,
      qpv: logement.qpv,
      periode: periodeDe(logement.construction),
      date: d.date,
      exclusion: d.exclusion,
      ligne: d.ligne,
      pool: d.pool,
      statut: statutDe(d),
      decision: d.decision,
      dateFin: d.dates.fin,
      decompte: d.decompte,
      pourUnTour: d.pourUnTour,
      quartile1: d.menage?.quartile1 ?? null,
      prioritaire: d.menage?.prioritaire ?? null,
      relogementAnru: d.menage?.relogementAnru ?? null,
    });
    if (d.ligne === null) continue;
    for (const dim of DIMENSIONS_BILAN) {
      const v = valeurDe(dim, logement);
      const D = dimensions[dim];
      D.flux[v] = (D.flux[v] ?? 0) + 1;
      const parValeur = (D.parLigne[d.ligne] ??= {});
      ajouter((parValeur[v] ??= compteursVides()), d);
      if (d.pourUnTour) {
        // Let by the bailleur for one letting: counted on its own line (the engine's `pourUnTour`).
        const b = ((D.parLigne[BAILLEUR] ??= {})[v] ??= compteursVides());
        b.pourUnTour += 1;
        b.decomptes += 1;
      }
    }
  }

  const ordre: Record<DimensionBilan, readonly string[]> = {
    typologie: TYPOLOGIES,
    financement: FINANCEMENTS,
    qpv: ['hors_qpv', 'qpv'],
    commune: [],
    periode: PERIODES.map((p) => p.code),
  };
  for (const dim of DIMENSIONS_BILAN) {
    const D = dimensions[dim];
    const vues = new Set(Object.keys(D.flux));
    const connus = ordre[dim].filter((v) => vues.has(v));
    const autres = [...vues].filter((v) => !ordre[dim].includes(v)).sort();
    D.valeurs = [...connus, ...autres];
    for (const v of D.valeurs) D.libelles[v] = libelle(dim, v, noms.communes);
  }

  const exclusions = (Object.entries(resultat.flux.exclus) as [MotifExclusion, number][])
    .filter(([, n]) => n > 0)
    .map(([motif, n]) => ({ motif, libelle: LIBELLES_EXCLUSION[motif], logements: n }));
  const categories = EXCLUSIONS.map((motif) => ({
    motif,
    libelle: LIBELLES_EXCLUSION[motif],
    ...resultat.relogements[motif],
  }));

  return {
    annee: scenario.annee,
    departement: scenario.departement,
    bailleur: scenario.bailleur,
    flux: resultat.flux,
    lignes,
    dimensions,
    exclusions,
    relogements: { categories, volumePru: noms.volumePru ?? null },
    objectifs: resultat.objectifs,
    ...(noms.epcis ? { nomsEpci: Object.fromEntries(noms.epcis) } : {}),
    detail,
  };
}

function libelle(dim: DimensionBilan, v: string, communes?: ReadonlyMap<string, string>): string {
  if (dim === 'qpv') return v === 'qpv' ? 'En QPV' : 'Hors QPV';
  if (dim === 'periode') return PERIODES.find((p) => p.code === v)?.libelle ?? v;
  if (dim === 'commune') {
    const nom = communes?.get(v);
    return nom ? `${nom} (${v})` : v;
  }
  return v;
}

/**
 * What one réservataire receives: its own line(s) only — no other réservataire's figures, no
 * letting held by another — with the year's flow and the département's objectives, which are public
 * to the parties of the bilan.
 */
export function bilanDuReservataire(b: BilanAnnuel, reservataire: string): BilanAnnuel {
  const garder = (ligne: string) => ligne === reservataire;
  const dimensions = {} as Record<DimensionBilan, DimensionDuBilan>;
  for (const dim of DIMENSIONS_BILAN) {
    const D = b.dimensions[dim];
    const parLigne = Object.fromEntries(Object.entries(D.parLigne).filter(([l]) => garder(l)));
    const vues = new Set(Object.values(parLigne).flatMap((p) => Object.keys(p)));
    const valeurs = D.valeurs.filter((v) => vues.has(v));
    dimensions[dim] = {
      valeurs,
      libelles: Object.fromEntries(valeurs.map((v) => [v, D.libelles[v]!])),
      parLigne,
      flux: D.flux,
    };
  }
  const prioritaires = Object.fromEntries(Object.entries(b.objectifs.prioritaires).filter(([l]) => garder(l)));
  return {
    ...b,
    lignes: b.lignes.filter((l) => garder(l.ligne)),
    dimensions,
    objectifs: { ...b.objectifs, prioritaires },
    detail: b.detail.filter((d) => d.ligne === reservataire),
  };
}

/** Σ of the figures of a line over a dimension's values (equals the line's own figures). */
export function totalDimension(d: DimensionDuBilan, ligne: string): Compteurs {
  const t = compteursVides();
  for (const c of Object.values(d.parLigne[ligne] ?? {})) for (const k of COMPTEURS) t[k] += c[k];
  return t;
}
