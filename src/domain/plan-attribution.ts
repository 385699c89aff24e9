/**
 * The allocation plan (issue 18 item 1, ADR 0042): before signing, how many units of each segment
 * of the forecast flow (commune × typology × financing × QPV) each convention should receive, as a
 * linear program. Every convention gets its droit (taux × the forecast flow of its perimeter +
 * report); its mix stays close to the mix of the flow it could receive, or within its qualitative
 * terms where the convention states some (typology and financing ranges; the State's defaults:
 * its rate in every commune, 30 % of its units outside QPV); an explicit fairness term shares the
 * cheapest units (PLAI, rent at or under the APL ceiling) across réservataires in proportion to
 * each one's flow. Every term is elastic (goal programming): a slack variable, with a cost that
 * ranks the terms, measures by how many units it is missed, so the program always has an answer
 * and a missed term says by how much. Which terms conflict is found by solving again without
 * each missed term.
 *
 * Pure: this module builds the model and reads a solution; the solver is passed in (`Solveur`),
 * HiGHS being an adapter outside the domain (src/app/solveur-lineaire.ts).
 */
import { contient } from './perimeter.ts';
import { valeurAu } from './legal-parameters.ts';
import type { HypothesesAnnee } from './planification.ts';
import { BAILLEUR, type Financement, type Logement, type Scenario, type Typologie } from './types.ts';

/** One cell of the forecast flow: units expected to be freed (and in the flow) in the year. */
export interface Segment {
  commune: string;
  typologie: Typologie;
  financement: Financement;
  /** In a QPV. */
  qpv: boolean;
  /** EPCI of the commune, when known (EPCI perimeters). */
  epci?: string;
  /** Forecast units of the flow (may be fractional: an expectation). */
  flux: number;
  /**
   * Share of these units whose rent is at or under the APL ceiling (0 to 1). PLAI units count as
   * cheap whatever this says.
   */
  partSousPlafondApl?: number;
}

/** Identifies a segment in the output and in the model's variable names. */
export const cleSegment = (s: Pick<Segment, 'commune' | 'typologie' | 'financement' | 'qpv'>): string =>
  `${s.commune}|${s.typologie}|${s.financement}|${s.qpv ? 'QPV' : 'horsQPV'}`;

/** The share of a segment's units counted as cheap (the fairness term). */
export const partBonMarche = (s: Segment): number =>
  s.financement === 'PLAI' ? 1 : Math.min(1, Math.max(0, s.partSousPlafondApl ?? 0));

/**
 * The expected flow by segment under the Monte Carlo year's assumptions (`tirerAnnee` in
 * planification.ts): each unit in the flow is freed with the turnover of its typology (the past
 * years' spread averages out), and the PRU volume, the middle of its range, leaves every segment
 * in proportion. `sousPlafondApl`: the units whose rent is at or under the APL ceiling.
 */
export function fluxPrevuParSegment(
  s: Pick<Scenario, 'logements'>,
  h: Pick<HypothesesAnnee, 'rotation' | 'rotationParTypologie' | 'pru'>,
  sousPlafondApl: ReadonlySet<string> = new Set(),
): Segment[] {
  const parCle = new Map<string, Segment & { bonMarche: number }>();
  const unites = [...s.logements].filter((l) => l.horsFlux === null).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const l of unites) {
    const p = Math.min(1, h.rotationParTypologie?.[l.typologie] ?? h.rotation);
    const cle = cleSegment({ ...l, qpv: l.qpv !== null });
    let seg = parCle.get(cle);
    if (!seg) {
      seg = {
        commune: l.commune,
        typologie: l.typologie,
        financement: l.financement,
        qpv: l.qpv !== null,
        ...(l.epci ? { epci: l.epci } : {}),
        flux: 0,
        bonMarche: 0,
      };
      parCle.set(cle, seg);
    }
    seg.flux += p;
    if (sousPlafondApl.has(l.id)) seg.bonMarche += p;
  }
  const total = [...parCle.values()].reduce((n, x) => n + x.flux, 0);
  const pru = h.pru ? Math.min(total, (h.pru[0] + h.pru[1]) / 2) : 0;
  const facteur = total > 0 ? (total - pru) / total : 0;
  return [...parCle.values()]
    .filter((x) => x.flux > 0)
    .sort((a, b) => (cleSegment(a) < cleSegment(b) ? -1 : 1))
    .map(({ bonMarche, ...seg }) => ({
      ...seg,
      flux: arrondi6(seg.flux * facteur),
      ...(bonMarche > 0 ? { partSousPlafondApl: arrondi6(bonMarche / seg.flux) } : {}),
    }));
}

const arrondi6 = (x: number) => Math.round(x * 1e6) / 1e6;

// ——— The terms ———

/** What a slack measures: a missed term of a line, or a deviation from the mix, in units. */
export type Terme =
  | { type: 'droit'; ligne: string; cible: number }
  | {
      type: 'fourchette';
      ligne: string;
      dimension: 'typologie' | 'financement';
      valeur: string;
      borne: 'min' | 'max';
      part: number;
      cible: number;
    }
  | { type: 'horsQpv'; ligne: string; part: number; cible: number }
  | { type: 'uniformite'; ligne: string; commune: string; taux: number; cible: number }
  | { type: 'melange'; ligne: string; dimension: Dimension; valeur: string; cible: number }
  | { type: 'bonMarche'; ligne: string; cible: number };

export type Dimension = 'typologie' | 'financement' | 'qpv' | 'commune';
const DIMENSIONS: readonly Dimension[] = ['typologie', 'financement', 'qpv', 'commune'];
const valeurDe = (s: Segment, d: Dimension): string =>
  d === 'qpv'
    ? s.qpv
      ? 'QPV'
      : 'horsQPV'
    : d === 'commune'
      ? s.commune
      : d === 'typologie'
        ? s.typologie
        : s.financement;

/**
 * Costs per unit of slack: they rank the terms. A droit outweighs every commitment (100 units of
 * commitment for one unit of droit), a commitment (range, State default) every mix deviation; the
 * fairness of cheap units weighs 10 mix units: capturing cheap units costs more than a skewed mix.
 */
export const POIDS = { droit: 10_000, engagement: 100, bonMarche: 10, melange: 1 } as const;

/** A term is an « engagement » (reported as held or missed), the others are measured deviations. */
export const estEngagement = (t: Terme): boolean =>
  t.type === 'droit' || t.type === 'fourchette' || t.type === 'horsQpv' || t.type === 'uniformite';

// ——— The model ———

export interface Colonne {
  nom: string;
  cout: number;
  /** Lower bound 0, no upper bound. */
}

export interface Contrainte {
  nom: string;
  /** Σ coef × column, compared with `valeur`. */
  termes: [colonne: number, coef: number][];
  sens: '=' | '>=' | '<=';
  valeur: number;
}

/** A linear program: minimise Σ cost × column, every column ≥ 0. */
export interface ModeleLineaire {
  colonnes: Colonne[];
  contraintes: Contrainte[];
}

/**
 * A solver: the columns' values at an optimum, in the model's column order — for the model, then
 * for the same model under each of `couts` (other costs per column, same constraints).
 */
export type Solveur = (m: ModeleLineaire, couts?: readonly (readonly number[])[]) => number[][];

export interface LignePlanifiee {
  /** The réservataire's id, or BAILLEUR. */
  ligne: string;
  nom: string;
  taux: number;
  /** Forecast flow of its perimeter. */
  fluxPerimetre: number;
  /** taux × fluxPerimetre + report (BAILLEUR: the rest). */
  droit: number;
  /** Segments (indexes) the line may receive. */
  segments: number[];
}

export interface EntreePlan {
  annee: number;
  segments: Segment[];
  lignes: LignePlanifiee[];
  /** Each convention's terms, resolved (State defaults applied). */
  engagements: Map<
    string,
    {
      uniformiteCommunale: boolean;
      partHorsQpvMin: number;
      typologie: Partial<Record<Typologie, [number, number]>>;
      financement: Partial<Record<Financement, [number, number]>>;
    }
  >;
}

/** The lines of a scenario's conventions over a forecast flow, with their droits and terms. */
export function preparerPlan(
  s: Pick<Scenario, 'annee' | 'reservataires' | 'conventions'>,
  segments: Segment[],
): EntreePlan {
  const reservataires = new Map(s.reservataires.map((r) => [r.id, r]));
  const defautHorsQpvEtat = valeurAu('partHorsQpvMinEtat', `${s.annee}-01-01`);
  const total = segments.reduce((n, x) => n + x.flux, 0);
  const lignes: LignePlanifiee[] = [];
  const engagements: EntreePlan['engagements'] = new Map();
  for (const c of s.conventions) {
    const r = reservataires.get(c.reservataire);
    const estEtat = r?.type === 'etat';
    const dans = segments
      .map((seg, i) => [seg, i] as const)
      .filter(([seg]) => contient(c.perimetre, seg as Pick<Logement, 'commune' | 'epci'>))
      .map(([, i]) => i);
    const fluxPerimetre = dans.reduce((n, i) => n + segments[i]!.flux, 0);
    lignes.push({
      ligne: c.reservataire,
      nom: r?.nom ?? c.reservataire,
      taux: c.taux,
      fluxPerimetre: arrondi6(fluxPerimetre),
      droit: arrondi6(c.taux * fluxPerimetre + c.report),
      segments: dans,
    });
    engagements.set(c.reservataire, {
      uniformiteCommunale: c.contraintes?.uniformiteCommunale ?? estEtat,
      partHorsQpvMin: c.contraintes?.partHorsQpvMin ?? (estEtat ? defautHorsQpvEtat : 0),
      typologie: c.contraintes?.typologie ?? {},
      financement: c.contraintes?.financement ?? {},
    });
  }
  const droits = lignes.reduce((n, l) => n + l.droit, 0);
  lignes.push({
    ligne: BAILLEUR,
    nom: 'le bailleur (part propre)',
    taux: total > 0 ? arrondi6(Math.max(0, total - droits) / total) : 0,
    fluxPerimetre: arrondi6(total),
    droit: arrondi6(total - droits),
    segments: segments.map((_, i) => i),
  });
  return { annee: s.annee, segments, lignes, engagements };
}

/** The model and what each of its columns means. */
export interface ModelePlan {
  modele: ModeleLineaire;
  /** x[l][k]: column of line l's units in its k-th segment (`lignes[l].segments[k]`). */
  x: number[][];
  /** Slack columns: the term, and +1 for units above the target, −1 for units under it. */
  ecarts: { colonne: number; terme: Terme; sens: 1 | -1 }[];
}

/** Builds the elastic linear program of the plan. `abandonnes`: terms (by key) left out of the cost. */
export function construireModele(e: EntreePlan, abandonnes: ReadonlySet<string> = new Set()): ModelePlan {
  const colonnes: Colonne[] = [];
  const contraintes: Contrainte[] = [];
  const ecarts: ModelePlan['ecarts'] = [];
  const col = (nom: string, cout: number) => colonnes.push({ nom, cout }) - 1;
  const x = e.lignes.map((l, il) => l.segments.map((s) => col(`x_${il}_${s}`, 0)));
  // Each segment's forecast units all go to some line (BAILLEUR may take any).
  const parSegment = new Map<number, [number, number][]>();
  e.lignes.forEach((l, il) =>
    l.segments.forEach((s, k) => {
      const t = parSegment.get(s) ?? [];
      t.push([x[il]![k]!, 1]);
      parSegment.set(s, t);
    }),
  );
  e.segments.forEach((seg, s) =>
    contraintes.push({ nom: `seg_${s}`, termes: parSegment.get(s) ?? [], sens: '=', valeur: seg.flux }),
  );

  /** An elastic row: Σ termes (+ under − over) sens cible, the slacks costed. */
  const elastique = (terme: Terme, termes: [number, number][], sens: '=' | '>=' | '<=', poids: number) => {
    const n = contraintes.length;
    const cout = abandonnes.has(cleTerme(terme)) ? 0 : poids;
    const t = [...termes];
    if (sens !== '<=') {
      const sous = col(`e_${n}_m`, cout);
      t.push([sous, 1]);
      ecarts.push({ colonne: sous, terme, sens: -1 });
    }
    if (sens !== '>=') {
      const sur = col(`e_${n}_p`, cout);
      t.push([sur, -1]);
      ecarts.push({ colonne: sur, terme, sens: 1 });
    }
    contraintes.push({ nom: `t_${n}`, termes: t, sens, valeur: terme.cible });
  };

  e.lignes.forEach((l, il) => {
    if (l.ligne === BAILLEUR) return;
    const eng = e.engagements.get(l.ligne)!;
    const xs = x[il]!;
    const de = (f: (s: Segment) => boolean): [number, number][] =>
      l.segments.flatMap((s, k): [number, number][] => (f(e.segments[s]!) ? [[xs[k]!, 1]] : []));
    const fluxDe = (f: (s: Segment) => boolean) =>
      l.segments.reduce((n, s) => n + (f(e.segments[s]!) ? e.segments[s]!.flux : 0), 0);
    const droit = Math.max(0, l.droit);
    elastique(
      { type: 'droit', ligne: l.ligne, cible: droit },
      de(() => true),
      '=',
      POIDS.droit,
    );
    const fourchettes = { typologie: eng.typologie, financement: eng.financement } as const;
    for (const dim of ['typologie', 'financement'] as const) {
      for (const [v, f] of Object.entries(fourchettes[dim]) as [string, [number, number] | undefined][]) {
        if (!f) continue;
        const lesV = de((s) => valeurDe(s, dim) === v);
        if (f[0] > 0)
          elastique(
            {
              type: 'fourchette',
              ligne: l.ligne,
              dimension: dim,
              valeur: v,
              borne: 'min',
              part: f[0],
              cible: f[0] * droit,
            },
            lesV,
            '>=',
            POIDS.engagement,
          );
        if (f[1] < 1)
          elastique(
            {
              type: 'fourchette',
              ligne: l.ligne,
              dimension: dim,
              valeur: v,
              borne: 'max',
              part: f[1],
              cible: f[1] * droit,
            },
            lesV,
            '<=',
            POIDS.engagement,
          );
      }
    }
    if (eng.partHorsQpvMin > 0)
      elastique(
        { type: 'horsQpv', ligne: l.ligne, part: eng.partHorsQpvMin, cible: eng.partHorsQpvMin * droit },
        de((s) => !s.qpv),
        '>=',
        POIDS.engagement,
      );
    const communes = [...new Set(l.segments.map((s) => e.segments[s]!.commune))].sort();
    if (eng.uniformiteCommunale && l.fluxPerimetre > 0)
      for (const c of communes)
        elastique(
          {
            type: 'uniformite',
            ligne: l.ligne,
            commune: c,
            taux: l.taux,
            cible: (droit * fluxDe((s) => s.commune === c)) / l.fluxPerimetre,
          },
          de((s) => s.commune === c),
          '=',
          POIDS.engagement,
        );
    // The mix: every value of every dimension the convention states no term for.
    if (l.fluxPerimetre > 0)
      for (const dim of DIMENSIONS) {
        if (dim === 'commune' && eng.uniformiteCommunale) continue;
        const valeurs = [...new Set(l.segments.map((s) => valeurDe(e.segments[s]!, dim)))].sort();
        for (const v of valeurs) {
          if ((dim === 'typologie' || dim === 'financement') && (fourchettes[dim] as Record<string, unknown>)[v])
            continue;
          const f = (s: Segment) => valeurDe(s, dim) === v;
          elastique(
            {
              type: 'melange',
              ligne: l.ligne,
              dimension: dim,
              valeur: v,
              cible: (droit * fluxDe(f)) / l.fluxPerimetre,
            },
            de(f),
            '=',
            POIDS.melange,
          );
        }
      }
    // Fairness: the cheap units in proportion to the line's flow, neither fewer nor more.
    const bonMarche = l.segments.reduce((n, s) => n + e.segments[s]!.flux * partBonMarche(e.segments[s]!), 0);
    if (bonMarche > 0 && l.fluxPerimetre > 0)
      elastique(
        { type: 'bonMarche', ligne: l.ligne, cible: (droit * bonMarche) / l.fluxPerimetre },
        l.segments.flatMap((s, k): [number, number][] => {
          const a = partBonMarche(e.segments[s]!);
          return a > 0 ? [[xs[k]!, a]] : [];
        }),
        '=',
        POIDS.bonMarche,
      );
  });
  return { modele: { colonnes, contraintes }, x, ecarts };
}

/** A term's stable key (to leave it out of a re-solve, to name it in the output). */
export function cleTerme(t: Terme): string {
  switch (t.type) {
    case 'droit':
    case 'bonMarche':
      return `${t.type}:${t.ligne}`;
    case 'fourchette':
      return `fourchette:${t.ligne}:${t.dimension}:${t.valeur}:${t.borne}`;
    case 'horsQpv':
      return `horsQpv:${t.ligne}`;
    case 'uniformite':
      return `uniformite:${t.ligne}:${t.commune}`;
    case 'melange':
      return `melange:${t.ligne}:${t.dimension}:${t.valeur}`;
  }
}

// ——— Reading the solution ———

/** Below this many units a slack is rounding, not a missed term. */
export const TOLERANCE = 0.01;
/** Missed terms explained (each costs re-solves), and terms tried against each. */
const ANALYSES_MAX = 12;
const CANDIDATS_MAX = 30;

export interface TermeManque {
  cle: string;
  terme: Terme;
  /** Units under (−) or above (+) the term's target. */
  ecart: number;
  /** The plan's units on the term. */
  obtenu: number;
  /**
   * The commitments (keys; `uniformite:LIGNE` for a rate in every commune) that, left out, would let
   * this one hold or come closer: the other missed terms and the line's own.
   */
  enConflitAvec: string[];
  /** Dropping every other commitment would not make it hold: the flow cannot give it. */
  intenableSeul: boolean;
  message: string;
}

export interface ResultatLignePlan {
  ligne: string;
  nom: string;
  taux: number;
  fluxPerimetre: number;
  droit: number;
  /** Units the plan gives the line (= droit when it holds). */
  logements: number;
  /** Units by segment (key → units), segments with more than 0.0005 unit only. */
  parSegment: Record<string, number>;
  /** The line's mix against its perimeter's flow, by dimension and value: plan share, flow share. */
  melange: Record<Dimension, Record<string, { logements: number; part: number; partFlux: number }>>;
  /** Cheap units (PLAI, rent at or under the APL ceiling): the plan's, and its fair share. */
  bonMarche: { logements: number; part: number; partFlux: number };
}

export interface ResultatPlanAttribution {
  annee: number;
  fluxPrevu: number;
  segments: (Segment & { cle: string })[];
  lignes: ResultatLignePlan[];
  /** True when every commitment holds. */
  tenable: boolean;
  /** The missed commitments, at most 12 explained (`manquesNonAnalyses` says how many more). */
  manques: TermeManque[];
  manquesNonAnalyses: number;
  /** Objective value and the solver's columns × rows, for the record. */
  modele: { variables: number; contraintes: number; objectif: number };
}

const fmt = (x: number) => {
  const r = Math.round(x * 10) / 10;
  return r.toLocaleString('fr-FR', { maximumFractionDigits: 1 }).replace(/\u202f/g, ' ');
};
const pct = (x: number) => `${fmt(x * 100)} %`;
const logementsMot = (x: number) => `${fmt(x)} logement${Math.abs(Math.round(x * 10) / 10) >= 2 ? 's' : ''}`;

/** « A », « A et B », « A, B et C ». */
const liste = (t: string[]) => (t.length <= 1 ? t.join('') : `${t.slice(0, -1).join(', ')} et ${t.at(-1)}`);

/**
 * A term in French words, owned by its line: « son droit (2 logements) » when the line is the one
 * spoken of (`proprietaire`), else « Action Logement : son droit (2 logements) » — names are
 * quoted as written, never declined.
 */
export function libelleTerme(
  t: Terme,
  nom: (ligne: string) => string,
  commune: (c: string) => string,
  proprietaire: string | null = null,
): string {
  const qui = t.ligne === proprietaire ? '' : `${nom(t.ligne)} : `;
  switch (t.type) {
    case 'droit':
      return `${qui}son droit (${logementsMot(t.cible)})`;
    case 'fourchette':
      return `${qui}son engagement d’${t.borne === 'min' ? 'au moins' : 'au plus'} ${pct(t.part)} de logements ${t.valeur} (${logementsMot(t.cible)})`;
    case 'horsQpv':
      return `${qui}son engagement d’au moins ${pct(t.part)} de logements hors QPV (${logementsMot(t.cible)})`;
    case 'uniformite':
      return `${qui}son taux de ${pct(t.taux)} à ${commune(t.commune)} (${logementsMot(t.cible)})`;
    case 'melange':
      return `${qui}sa part de ${t.valeur}`;
    case 'bonMarche':
      return `${qui}sa part de logements bon marché`;
  }
}

/**
 * Solves the plan: once with every term, then, for each missed commitment, once without it (which
 * others would then hold: they conflict) and once with it alone (does the flow allow it at all).
 * `commune` names a commune for the messages (the caller knows the names; the domain does not).
 */
export function planifierAttribution(
  e: EntreePlan,
  resoudre: Solveur,
  commune: (code: string) => string = (c) => `la commune ${c}`,
): ResultatPlanAttribution {
  const mp = construireModele(e);
  const valeurs = resoudre(mp.modele)[0]!;
  const nom = (id: string) => e.lignes.find((l) => l.ligne === id)?.nom ?? id;
  const manquesDe = (m: ModelePlan, v: number[]) => {
    const par = new Map<string, { terme: Terme; ecart: number }>();
    for (const ec of m.ecarts) {
      if (!estEngagement(ec.terme)) continue;
      const val = v[ec.colonne] ?? 0;
      if (val <= TOLERANCE) continue;
      const cle = cleTerme(ec.terme);
      const prec = par.get(cle);
      // A slack « under » (−1) means the plan's units fall short: ecart = −val.
      par.set(cle, { terme: ec.terme, ecart: (prec?.ecart ?? 0) + ec.sens * val });
    }
    return par;
  };
  const manques = manquesDe(mp, valeurs);
  const engagements = [...new Set(mp.ecarts.filter((x) => estEngagement(x.terme)).map((x) => cleTerme(x.terme)))];
  const termeDe = new Map(mp.ecarts.map((x) => [cleTerme(x.terme), x.terme]));
  /** A term's group: the State's rate in every commune is one, the others stand alone. */
  const groupe = (cle: string) => (cle.startsWith('uniformite:') ? cle.slice(0, cle.lastIndexOf(':')) : cle);
  const libelleGroupe = (g: string, proprietaire: string) => {
    if (!g.startsWith('uniformite:') || termeDe.has(g))
      return libelleTerme(termeDe.get(g)!, nom, commune, proprietaire);
    const ligne = e.lignes.find((l) => l.ligne === g.slice('uniformite:'.length))!;
    const qui = ligne.ligne === proprietaire ? '' : `${ligne.nom} : `;
    return `${qui}son taux de ${pct(ligne.taux)} dans chaque commune`;
  };
  // Who stands in the way of each missed term: the other missed terms, then its line's own droit
  // and commitments; the State's rate in every commune is tried as one commitment (one commune
  // alone cannot move a unit without breaking another). Then: alone with the droits (the law's
  // quantities), does the flow allow it? Every variant is the same model with some slacks free,
  // solved in one call so the solver starts each from the last basis.
  const analyses = [...manques.entries()].slice(0, ANALYSES_MAX).map(([cle, { terme, ecart }]) => {
    const candidats = [
      ...new Set([
        ...[...manques.keys()].filter((k) => k !== cle).map(groupe),
        ...engagements.filter((k) => k !== cle && !manques.has(k) && termeDe.get(k)!.ligne === terme.ligne).map(groupe),
      ]),
    ]
      .filter((g) => g !== groupe(cle))
      .slice(0, CANDIDATS_MAX);
    return { cle, terme, ecart, candidats };
  });
  const variantes: ReadonlySet<string>[] = analyses.flatMap(({ cle, candidats }) => [
    ...candidats.map((g) => new Set(engagements.filter((k) => groupe(k) === g))),
    new Set(engagements.filter((k) => k !== cle && termeDe.get(k)!.type !== 'droit')),
  ]);
  const couts = variantes.map((libres) => {
    const c = mp.modele.colonnes.map((col) => col.cout);
    for (const ec of mp.ecarts) if (libres.has(cleTerme(ec.terme))) c[ec.colonne] = 0;
    return c;
  });
  const solutions = variantes.length > 0 ? resoudre(mp.modele, couts).slice(1) : [];
  let v = 0;
  const resultatManques: TermeManque[] = analyses.map(({ cle, terme, ecart, candidats }) => {
    const enConflitAvec = candidats.filter(() => {
      const apres = manquesDe(mp, solutions[v++]!).get(cle);
      return !apres || Math.abs(apres.ecart) < Math.abs(ecart) - TOLERANCE;
    });
    const intenableSeul = manquesDe(mp, solutions[v++]!).has(cle);
    const obtenu = terme.cible + ecart;
    const mesure =
      ecart < 0
        ? `manque de ${logementsMot(-ecart)} (${fmt(obtenu)} au plan)`
        : `est dépassé de ${logementsMot(ecart)} (${fmt(obtenu)} au plan)`;
    const raison = [
      ...(intenableSeul ? ['le flux prévu ne le permet pas, même sans les autres engagements'] : []),
      ...(enConflitAvec.length > 0
        ? [`en conflit avec ${liste(enConflitAvec.map((g) => libelleGroupe(g, terme.ligne)))}`]
        : []),
    ];
    if (raison.length === 0) raison.push('en conflit avec plusieurs engagements à la fois');
    return {
      cle,
      terme,
      ecart: arrondi6(ecart),
      obtenu: arrondi6(obtenu),
      enConflitAvec,
      intenableSeul,
      message: `${libelleTerme(terme, nom, commune)} ${mesure} — ${raison.join(' ; ')}`,
    };
  });

  const fluxPrevu = e.segments.reduce((n, s) => n + s.flux, 0);
  const lignes = e.lignes.map((l, il): ResultatLignePlan => {
    const parSegment: Record<string, number> = {};
    let logements = 0;
    let bonMarche = 0;
    const melange = { typologie: {}, financement: {}, qpv: {}, commune: {} } as ResultatLignePlan['melange'];
    const fluxValeur = new Map<string, number>();
    let bonMarcheFlux = 0;
    l.segments.forEach((s, k) => {
      const seg = e.segments[s]!;
      const u = Math.max(0, valeurs[mp.x[il]![k]!] ?? 0);
      logements += u;
      bonMarche += u * partBonMarche(seg);
      bonMarcheFlux += seg.flux * partBonMarche(seg);
      if (u > 0.0005) parSegment[cleSegment(seg)] = arrondi6(u);
      for (const d of DIMENSIONS) {
        const v = valeurDe(seg, d);
        const m = (melange[d][v] ??= { logements: 0, part: 0, partFlux: 0 });
        m.logements += u;
        fluxValeur.set(`${d}|${v}`, (fluxValeur.get(`${d}|${v}`) ?? 0) + seg.flux);
      }
    });
    for (const d of DIMENSIONS)
      for (const [v, m] of Object.entries(melange[d])) {
        m.part = logements > 0 ? arrondi6(m.logements / logements) : 0;
        m.partFlux = l.fluxPerimetre > 0 ? arrondi6((fluxValeur.get(`${d}|${v}`) ?? 0) / l.fluxPerimetre) : 0;
        m.logements = arrondi6(m.logements);
      }
    return {
      ligne: l.ligne,
      nom: l.nom,
      taux: l.taux,
      fluxPerimetre: l.fluxPerimetre,
      droit: l.droit,
      logements: arrondi6(logements),
      parSegment,
      melange,
      bonMarche: {
        logements: arrondi6(bonMarche),
        part: logements > 0 ? arrondi6(bonMarche / logements) : 0,
        partFlux: l.fluxPerimetre > 0 ? arrondi6(bonMarcheFlux / l.fluxPerimetre) : 0,
      },
    };
  });
  const objectif = mp.modele.colonnes.reduce((n, c, j) => n + c.cout * (valeurs[j] ?? 0), 0);
  return {
    annee: e.annee,
    fluxPrevu: arrondi6(fluxPrevu),
    segments: e.segments.map((s) => ({ cle: cleSegment(s), ...s })),
    lignes,
    tenable: manques.size === 0,
    manques: resultatManques,
    manquesNonAnalyses: Math.max(0, manques.size - ANALYSES_MAX),
    modele: {
      variables: mp.modele.colonnes.length,
      contraintes: mp.modele.contraintes.length,
      objectif: arrondi6(objectif),
    },
  };
}
