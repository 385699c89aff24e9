/**
 * The cotation of demands (CCH L.441-2-8, décret 2019-1378): an EPCI's grid gives each demand a note,
 * criterion by criterion, as an aid to the decision — never an automatic one (the CAL decides, a
 * choice against the order is allowed and its reason recorded). This module is the grid as dated,
 * versioned data, its statement in plain French (the PPGD's transparency), the note of a demand with
 * its breakdown, its position among similar demands and their average wait, and the trial of a draft
 * grid against the grid in force on the current demands (who moves up or down, by priority category
 * and quartile). Pure: the caller gives the date and the demands.
 */
import { dateCourte, joursEntre } from './calendrier.ts';
import { estPremierQuartile } from './menage.ts';
import type { Typologie } from './types.ts';

/** One criterion of a grid and its points. */
export type Critere =
  /** Seniority of the demand: points per full month, up to a ceiling. */
  | { type: 'anciennete'; pointsParMois: number; plafond: number }
  /** A priority category (DALO, each L.441-1 category), by its code. */
  | { type: 'categorie'; categorie: string; libelle: string; points: number }
  /** A situation of the demand (sans logement, hébergé, sur-occupation, violences…), by its code. */
  | { type: 'situation'; situation: string; libelle: string; points: number }
  /** Resources per consumption unit strictly below an amount (€ per UC and per year). */
  | { type: 'ressources'; plafondParUc: number; points: number }
  /** The household's size fits the smallest typology wished (persons − 1 ≤ rooms ≤ persons + 1). */
  | { type: 'adequation'; points: number }
  /** Works or lives in the EPCI. */
  | { type: 'lienLocal'; points: number };

export interface GrilleCotation {
  /** SIREN of the EPCI whose PPGD sets the grid. */
  epci: string;
  version: number;
  /** In force from this date (YYYY-MM-DD). */
  enVigueurDu: string;
  /** Adopted by whom (the EPCI's deliberation) and when. */
  adoption: { par: string; le: string; acte: string };
  criteres: Critere[];
  /** Points taken off for each suitable unit refused in the last `dureeMois` months (≥ 0). */
  refusAdapte: { points: number; dureeMois: number };
  /** Internal mutations: rated like the others, or with extra points. */
  mutationsInternes: { points: number };
}

/**
 * A situation's code as the demands file and the grid both write it: lower case, no accents, words
 * joined by « _ » (« Hébergé chez un tiers » → « heberge_chez_un_tiers »), so that an EPCI's grid
 * and a réservataire's file meet on the same code whatever their spelling.
 */
export function codeSituation(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A demand as the grid reads it (the demand side's file, docs/demandes.md). */
export interface DemandeCotee {
  numero: string;
  /** Date of the demand (seniority runs from it). */
  dateDemande: string;
  personnes: number;
  enfantsMoins14: number;
  ressourcesAnnuelles: number | null;
  categories: string[];
  situations: string[];
  communesSouhaitees: string[];
  typologiesSouhaitees: Typologie[];
  lienLocal: boolean;
  /** Dates of the suitable units the household refused. */
  refusAdaptes: string[];
  mutationInterne: boolean;
}

export interface LigneNote {
  critere: string;
  points: number;
}

export interface Note {
  numero: string;
  total: number;
  detail: LigneNote[];
}

const TYPOLOGIE_PIECES: Record<Typologie, number> = { T1: 1, T2: 2, T3: 3, T4: 4, T5: 5, T6: 6 };
const arrondi = (x: number) => Math.round(x * 100) / 100;
/** 10 000 (a plain space between thousands, as the officers' documents write it). */
const nombre = (x: number) => x.toLocaleString('fr-FR').replace(/\u202f/g, ' ');
const points = (x: number) => `${nombre(x)} point${Math.abs(x) >= 2 ? 's' : ''}`;

/** Full months from `de` to `a` (a demand of 2025-01-15 is 3 months old on 2025-04-15). */
export function moisEntre(de: string, a: string): number {
  const mois = (+a.slice(0, 4) - +de.slice(0, 4)) * 12 + (+a.slice(5, 7) - +de.slice(5, 7));
  return Math.max(0, mois - (+a.slice(8, 10) < +de.slice(8, 10) ? 1 : 0));
}

/** The criterion's name as the breakdown shows it. */
function libelleCritere(c: Critere): string {
  switch (c.type) {
    case 'anciennete':
      return 'ancienneté de la demande';
    case 'categorie':
      return c.libelle;
    case 'situation':
      return c.libelle;
    case 'ressources':
      return `ressources sous ${nombre(c.plafondParUc)} € par unité de consommation`;
    case 'adequation':
      return 'taille du ménage adaptée au logement demandé';
    case 'lienLocal':
      return 'lien avec le territoire (emploi ou résidence)';
  }
}

/** The note of a demand on `date`, criterion by criterion (criteria that give nothing are left out). */
export function noter(d: DemandeCotee, g: GrilleCotation, date: string): Note {
  const detail: LigneNote[] = [];
  return { numero: d.numero, total: calculer(d, g, date, detail), detail };
}

/** The note's total alone (what a list sorts by): the same sum as `noter`, without the labels. */
export function noterTotal(d: DemandeCotee, g: GrilleCotation, date: string): number {
  return calculer(d, g, date, null);
}

function calculer(d: DemandeCotee, g: GrilleCotation, date: string, detail: LigneNote[] | null): number {
  let total = 0;
  const ajouter = (critere: () => string, p: number) => {
    if (p === 0) return;
    const a = arrondi(p);
    total += a;
    detail?.push({ critere: critere(), points: a });
  };
  for (const c of g.criteres) {
    switch (c.type) {
      case 'anciennete': {
        const mois = moisEntre(d.dateDemande, date);
        ajouter(() => `${libelleCritere(c)} (${mois} mois)`, Math.min(c.plafond, c.pointsParMois * mois));
        break;
      }
      case 'categorie':
        if (d.categories.includes(c.categorie)) ajouter(() => libelleCritere(c), c.points);
        break;
      case 'situation':
        if (d.situations.includes(c.situation)) ajouter(() => libelleCritere(c), c.points);
        break;
      case 'ressources':
        if (
          d.ressourcesAnnuelles !== null &&
          estPremierQuartile(d.ressourcesAnnuelles, d.personnes, d.enfantsMoins14, c.plafondParUc, date)
        )
          ajouter(() => libelleCritere(c), c.points);
        break;
      case 'adequation': {
        let pieces = Infinity;
        for (const t of d.typologiesSouhaitees) pieces = Math.min(pieces, TYPOLOGIE_PIECES[t]);
        if (Number.isFinite(pieces) && pieces >= d.personnes - 1 && pieces <= d.personnes + 1)
          ajouter(() => libelleCritere(c), c.points);
        break;
      }
      case 'lienLocal':
        if (d.lienLocal) ajouter(() => libelleCritere(c), c.points);
        break;
    }
  }
  if (d.refusAdaptes.length > 0) {
    const refus = d.refusAdaptes.filter((r) => r <= date && moisEntre(r, date) < g.refusAdapte.dureeMois).length;
    if (refus > 0)
      ajouter(
        () => `${refus} refus de logement adapté depuis moins de ${g.refusAdapte.dureeMois} mois`,
        -refus * g.refusAdapte.points,
      );
  }
  if (d.mutationInterne) ajouter(() => 'mutation interne', g.mutationsInternes.points);
  return arrondi(total);
}

/** Whether two demands are similar: a commune and a typology wished in common. */
export function similaires(a: DemandeCotee, b: DemandeCotee): boolean {
  return (
    a.communesSouhaitees.some((c) => b.communesSouhaitees.includes(c)) &&
    a.typologiesSouhaitees.some((t) => b.typologiesSouhaitees.includes(t))
  );
}

export interface Positionnement {
  /** 1 = the highest note among the similar demands (ties share the better rank). */
  rang: number;
  /** Similar demands, this one included. */
  sur: number;
  /** Average seniority of the similar demands, in days. */
  dureeMoyenneAttenteJours: number;
}

/** The demand's rank among the similar ones and their average wait. */
export function positionner(
  d: DemandeCotee,
  demandes: readonly DemandeCotee[],
  g: GrilleCotation,
  date: string,
): Positionnement {
  const groupe = demandes.filter((x) => x.numero === d.numero || similaires(d, x));
  const note = noter(d, g, date).total;
  const devant = groupe.filter((x) => noter(x, g, date).total > note).length;
  const attente = groupe.reduce((s, x) => s + Math.max(0, joursEntre(x.dateDemande, date)), 0);
  return { rang: devant + 1, sur: groupe.length, dureeMoyenneAttenteJours: Math.round(attente / groupe.length) };
}

/** The grid in plain French, one sentence per rule, for the public page (no sign-in). */
export function enoncer(g: GrilleCotation): string[] {
  const phrases = [
    `Grille de cotation de l’EPCI ${g.epci}, version ${g.version}, en vigueur depuis le ${dateCourte(g.enVigueurDu)} (${g.adoption.acte}, adoptée par ${g.adoption.par} le ${dateCourte(g.adoption.le)}).`,
    'La note aide la commission d’attribution sans la lier : la CAL décide, et peut s’écarter de l’ordre des notes en motivant son choix.',
  ];
  for (const c of g.criteres) {
    switch (c.type) {
      case 'anciennete':
        phrases.push(
          `Ancienneté : ${points(c.pointsParMois)} par mois depuis le dépôt de la demande, ${points(c.plafond)} au plus.`,
        );
        break;
      case 'categorie':
      case 'situation':
        phrases.push(`${c.libelle} : ${points(c.points)}.`);
        break;
      default:
        phrases.push(`${libelleCritere(c).replace(/^./, (x) => x.toUpperCase())} : ${points(c.points)}.`);
    }
  }
  if (g.refusAdapte.points > 0)
    phrases.push(
      `Refus d’un logement adapté : ${points(-g.refusAdapte.points)} par refus pendant ${g.refusAdapte.dureeMois} mois.`,
    );
  phrases.push(
    g.mutationsInternes.points > 0
      ? `Demandes de mutation interne : ${points(g.mutationsInternes.points)} en plus.`
      : 'Les demandes de mutation interne sont cotées comme les autres.',
  );
  return phrases;
}

/** How a group of demands moves from the grid in force to the draft. */
export interface MouvementGroupe {
  groupe: string;
  demandes: number;
  /** Average rank change (positive: moves up). */
  rangMoyen: number;
  montent: number;
  descendent: number;
}

export interface EssaiGrille {
  /** Notes by bands of 10 points: "0–9" → count, for each grid. */
  distribution: { tranche: string; enVigueur: number; brouillon: number }[];
  /** By priority category (each code, and « sans catégorie ») and by quartile (1er / autres / inconnu). */
  groupes: MouvementGroupe[];
  /** The demands that move the most, up then down (at most 20 each). */
  mouvements: {
    numero: string;
    rangEnVigueur: number;
    rangBrouillon: number;
    noteEnVigueur: number;
    noteBrouillon: number;
  }[];
}

/** How many of the sorted (ascending) `notes` are strictly above `n`. */
function auDessus(tries: Float64Array, n: number): number {
  let lo = 0;
  let hi = tries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tries[mid]! <= n) lo = mid + 1;
    else hi = mid;
  }
  return tries.length - lo;
}

/** Ranks of the demands by note, highest first (ties share the better rank). O(n log n). */
function rangs(notes: readonly number[]): number[] {
  const tries = Float64Array.from(notes).sort();
  return notes.map((n) => auDessus(tries, n) + 1);
}

/** A demand's note and its position among the similar demands, as the lists show them. */
export interface NotePositionnee {
  numero: string;
  /** The note's total (its breakdown: `noter`). */
  note: number;
  positionnement: Positionnement;
}

/** Sets of at most `max` of the `items` (none empty), each with its size. */
function sousEnsembles<T>(items: readonly T[], max: number): { cle: string; taille: number }[] {
  const r: { cle: string; taille: number }[] = [];
  const aller = (debut: number, pris: T[]) => {
    for (let i = debut; i < items.length; i++) {
      pris.push(items[i]!);
      r.push({ cle: pris.join(','), taille: pris.length });
      if (pris.length < max) aller(i + 1, pris);
      pris.pop();
    }
  };
  aller(0, []);
  return r;
}

/** Communes and typologies up to which a demand is positioned by inclusion–exclusion. */
const LIMITE_COMMUNES = 4;
const LIMITE_TYPOLOGIES = 3;

/**
 * The note and position of every demand at once — the same answers as `noter` and `positionner`
 * for each, without comparing every pair. Two demands are similar when they have a commune AND a
 * typology wished in common, so by inclusion–exclusion over the sets A of the demand's communes and
 * B of its typologies, the similar demands number Σ (−1)^(|A|+|B|) · #{x : A ⊆ communes(x),
 * B ⊆ typologies(x)}; each (A, B) keeps the sorted notes and the summed wait of the demands that
 * wish all of it, so the count above a note is a binary search. A demand wishing more than
 * `LIMITE_COMMUNES` communes or `LIMITE_TYPOLOGIES` typologies is positioned by a plain union of
 * the demands sharing one of its (commune, typology) pairs.
 */
export function positionnerTout(demandes: readonly DemandeCotee[], g: GrilleCotation, date: string): NotePositionnee[] {
  const n = demandes.length;
  const notes = demandes.map((d) => noterTotal(d, g, date));
  const attente = new Float64Array(n);
  const aujourdhui = Date.parse(`${date}T00:00:00Z`);
  const communes: string[][] = [];
  const typologies: string[][] = [];
  demandes.forEach((d, i) => {
    attente[i] = Math.max(0, Math.round((aujourdhui - Date.parse(`${d.dateDemande}T00:00:00Z`)) / 86_400_000));
    communes.push([...new Set(d.communesSouhaitees)].sort());
    typologies.push([...new Set<string>(d.typologiesSouhaitees)].sort());
  });
  const combinaisons = (i: number) => {
    const r: { cle: string; signe: number }[] = [];
    const bs = sousEnsembles(typologies[i]!, LIMITE_TYPOLOGIES);
    for (const a of sousEnsembles(communes[i]!, LIMITE_COMMUNES))
      for (const b of bs) r.push({ cle: `${a.cle}/${b.cle}`, signe: (a.taille + b.taille) % 2 === 0 ? 1 : -1 });
    return r;
  };
  // Each (A, B) gets a number; each demand keeps its numbers and signs.
  const numeros = new Map<string, number>();
  const membres: number[][] = [];
  const sommes: number[] = [];
  const cles: Int32Array[] = [];
  const signes: Int8Array[] = [];
  const paires = new Map<string, number[]>();
  const parSignature = new Map<string, { ks: Int32Array; ss: Int8Array }>();
  for (let i = 0; i < n; i++) {
    const signature = `${communes[i]!.join(',')}/${typologies[i]!.join(',')}`;
    let sig = parSignature.get(signature);
    if (!sig) {
      const c = combinaisons(i);
      sig = { ks: new Int32Array(c.length), ss: new Int8Array(c.length) };
      for (let x = 0; x < c.length; x++) {
        let k = numeros.get(c[x]!.cle);
        if (k === undefined) {
          k = membres.length;
          numeros.set(c[x]!.cle, k);
          membres.push([]);
          sommes.push(0);
        }
        sig.ks[x] = k;
        sig.ss[x] = c[x]!.signe;
      }
      parSignature.set(signature, sig);
    }
    for (let x = 0; x < sig.ks.length; x++) {
      membres[sig.ks[x]!]!.push(notes[i]!);
      sommes[sig.ks[x]!]! += attente[i]!;
    }
    cles.push(sig.ks);
    signes.push(sig.ss);
    if (communes[i]!.length > LIMITE_COMMUNES || typologies[i]!.length > LIMITE_TYPOLOGIES)
      for (const c of communes[i]!)
        for (const t of typologies[i]!) {
          const p = paires.get(`${c}/${t}`);
          if (p) p.push(i);
          else paires.set(`${c}/${t}`, [i]);
        }
  }
  const tries = membres.map((m) => Float64Array.from(m).sort());
  // The fallback needs every demand of each pair it reads, not only the large ones.
  if (paires.size > 0)
    for (let i = 0; i < n; i++)
      if (communes[i]!.length <= LIMITE_COMMUNES && typologies[i]!.length <= LIMITE_TYPOLOGIES)
        for (const c of communes[i]!) for (const t of typologies[i]!) paires.get(`${c}/${t}`)?.push(i);
  const marque = new Int32Array(n).fill(-1);
  return demandes.map((_, i): NotePositionnee => {
    const note = notes[i]!;
    if (communes[i]!.length === 0 || typologies[i]!.length === 0)
      return {
        numero: demandes[i]!.numero,
        note,
        positionnement: { rang: 1, sur: 1, dureeMoyenneAttenteJours: attente[i]! },
      };
    let sur = 0;
    let devant = 0;
    let somme = 0;
    if (communes[i]!.length <= LIMITE_COMMUNES && typologies[i]!.length <= LIMITE_TYPOLOGIES) {
      const ks = cles[i]!;
      const ss = signes[i]!;
      for (let x = 0; x < ks.length; x++) {
        const t = tries[ks[x]!]!;
        sur += ss[x]! * t.length;
        devant += ss[x]! * auDessus(t, note);
        somme += ss[x]! * sommes[ks[x]!]!;
      }
    } else {
      for (const c of communes[i]!)
        for (const t of typologies[i]!)
          for (const j of paires.get(`${c}/${t}`) ?? [])
            if (marque[j] !== i) {
              marque[j] = i;
              sur += 1;
              somme += attente[j]!;
              if (notes[j]! > note) devant += 1;
            }
    }
    return {
      numero: demandes[i]!.numero,
      note,
      positionnement: { rang: devant + 1, sur, dureeMoyenneAttenteJours: Math.round(somme / sur) },
    };
  });
}

/**
 * A draft grid tried on the current demands against the grid in force: the distribution of notes,
 * who moves up or down overall, by priority category and by quartile (against `seuilQuartile`, € per
 * UC, unknown without resources or threshold).
 */
export function essayerGrille(
  brouillon: GrilleCotation,
  enVigueur: GrilleCotation,
  demandes: readonly DemandeCotee[],
  date: string,
  seuilQuartile?: number,
): EssaiGrille {
  const a = demandes.map((d) => noter(d, enVigueur, date).total);
  const b = demandes.map((d) => noter(d, brouillon, date).total);
  const ra = rangs(a);
  const rb = rangs(b);
  const tranche = (n: number) => Math.floor(n / 10) * 10;
  const tranches = [...new Set([...a, ...b].map(tranche))].sort((x, y) => x - y);
  const distribution = tranches.map((t) => ({
    tranche: `${t}–${t + 9}`,
    enVigueur: a.filter((n) => tranche(n) === t).length,
    brouillon: b.filter((n) => tranche(n) === t).length,
  }));
  const membres = new Map<string, number[]>();
  const dans = (g: string, i: number) => {
    const m = membres.get(g);
    if (m) m.push(i);
    else membres.set(g, [i]);
  };
  demandes.forEach((d, i) => {
    if (d.categories.length === 0) dans('sans catégorie prioritaire', i);
    for (const c of d.categories) dans(`catégorie ${c}`, i);
    const q =
      d.ressourcesAnnuelles === null || seuilQuartile === undefined
        ? 'quartile inconnu'
        : estPremierQuartile(d.ressourcesAnnuelles, d.personnes, d.enfantsMoins14, seuilQuartile, date)
          ? '1er quartile'
          : 'autres quartiles';
    dans(q, i);
  });
  const groupes = [...membres.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([groupe, is]): MouvementGroupe => {
      const ecarts = is.map((i) => ra[i]! - rb[i]!);
      return {
        groupe,
        demandes: is.length,
        rangMoyen: arrondi(ecarts.reduce((s, x) => s + x, 0) / is.length),
        montent: ecarts.filter((x) => x > 0).length,
        descendent: ecarts.filter((x) => x < 0).length,
      };
    });
  const tous = demandes.map((d, i) => ({
    numero: d.numero,
    rangEnVigueur: ra[i]!,
    rangBrouillon: rb[i]!,
    noteEnVigueur: a[i]!,
    noteBrouillon: b[i]!,
  }));
  const montent = tous.filter((m) => m.rangBrouillon < m.rangEnVigueur);
  montent.sort((x, y) => y.rangEnVigueur - y.rangBrouillon - (x.rangEnVigueur - x.rangBrouillon));
  const descendent = tous.filter((m) => m.rangBrouillon > m.rangEnVigueur);
  descendent.sort((x, y) => y.rangBrouillon - y.rangEnVigueur - (x.rangBrouillon - x.rangEnVigueur));
  return { distribution, groupes, mouvements: [...montent.slice(0, 20), ...descendent.slice(0, 20)] };
}

/**
 * Whether the CAL's ranking goes against the cotation's order: a ranked candidate has, among the
 * examined candidates, one with a strictly higher note that is not ranked before it. Candidates
 * without a note (no demand known, no grid) do not count. The CAL may do so — with a reason.
 */
export function contreOrdreCotation(
  classement: readonly string[],
  examines: readonly string[],
  notes: ReadonlyMap<string, number>,
): boolean {
  return classement.some((c, k) => {
    const n = notes.get(c);
    if (n === undefined) return false;
    const avant = new Set(classement.slice(0, k));
    return examines.some((x) => x !== c && !avant.has(x) && (notes.get(x) ?? -Infinity) > n);
  });
}
