/**
 * Issuing the annual bilan and the year lock (issue 7 items 2–3; CCH R.441-5-1; ADR 0015). Pure:
 * - when a bilan may be issued (year N is over), and the state of year N for writes: open (never
 *   issued), locked (issued), or in a late-correction window (each write then carries a reason);
 * - the rules of a correction window (written reason, end date within `FENETRE_MAX_JOURS`);
 * - the reminder stages before the legal deadline (28 February of N+1);
 * - what changed between two issued versions of a bilan (`differenceBilans`): per line and counter,
 *   per dimension value and counter, the flow's figures and the lettings — before → after.
 */
import {
  COMPTEURS,
  DIMENSIONS_BILAN,
  type BilanAnnuel,
  type Compteurs,
  type DimensionBilan,
  type LigneDetailBilan,
} from './bilan.ts';
import { ajouterJours } from './calendrier.ts';
import type { Probleme } from './errors.ts';
import { valeurAu } from './legal-parameters.ts';

/** Longest late-correction window, in days from the day it opens. */
export const FENETRE_MAX_JOURS = 30;
/** Shortest written reason of a window or of a correction. */
export const MOTIF_FENETRE_MIN = 10;
export const MOTIF_CORRECTION_MIN = 3;

/** The first day the bilan of `annee` may be issued: the year is over. */
export function premierJourEmission(annee: number): string {
  return `${annee + 1}-01-01`;
}

export function peutEmettre(annee: number, aujourdhui: string): boolean {
  return aujourdhui >= premierJourEmission(annee);
}

export interface FenetreCorrection {
  id: string;
  motif: string;
  /** Last day (inclusive, Europe/Paris) writes are accepted. */
  fin: string;
  clotureeLe: string | null;
}

export type EtatAnnee =
  | { etat: 'ouverte' }
  | { etat: 'verrouillee'; version: number; emisLe: string }
  | { etat: 'correction'; version: number; emisLe: string; fenetre: FenetreCorrection };

/** A window is open from its opening until it is closed or its end day is over. */
export function fenetreOuverte(f: FenetreCorrection, aujourdhui: string): boolean {
  return f.clotureeLe === null && aujourdhui <= f.fin;
}

/** The state of year N: the last issued version (if any) and the windows opened since. */
export function etatAnnee(
  derniere: { version: number; emisLe: string } | null,
  fenetres: readonly FenetreCorrection[],
  aujourdhui: string,
): EtatAnnee {
  if (!derniere) return { etat: 'ouverte' };
  const ouverte = fenetres.find((f) => fenetreOuverte(f, aujourdhui));
  return ouverte ? { etat: 'correction', ...derniere, fenetre: ouverte } : { etat: 'verrouillee', ...derniere };
}

/**
 * May an event of year N be written? `null` when yes; else why not, in French: the year is locked,
 * or a correction window is open but the write has no written reason.
 */
export function refusEcriture(
  e: EtatAnnee,
  annee: number,
  motif: string | null | undefined,
): { type: 'verrouillee' | 'motif_requis'; message: string } | null {
  if (e.etat === 'ouverte') return null;
  if (e.etat === 'verrouillee') {
    return {
      type: 'verrouillee',
      message: `l’année ${annee} est verrouillée : son bilan annuel a été émis (version ${e.version}, le ${e.emisLe.slice(0, 10)}). Pour corriger un événement de ${annee}, le bailleur ouvre une fenêtre de correction tardive avec un motif écrit.`,
    };
  }
  if ((motif ?? '').trim().length < MOTIF_CORRECTION_MIN) {
    return {
      type: 'motif_requis',
      message: `correction tardive de l’année ${annee} (fenêtre ouverte jusqu’au ${e.fenetre.fin}) : indiquez le motif de cette correction (au moins ${MOTIF_CORRECTION_MIN} caractères)`,
    };
  }
  return null;
}

/** The problems of a window request (reason, end date), none when valid. */
export function validerFenetre(d: { motif: string; fin: string }, aujourdhui: string): Probleme[] {
  const problemes: Probleme[] = [];
  if (d.motif.trim().length < MOTIF_FENETRE_MIN)
    problemes.push({ chemin: 'motif', message: `motif écrit d’au moins ${MOTIF_FENETRE_MIN} caractères obligatoire` });
  const max = ajouterJours(aujourdhui, FENETRE_MAX_JOURS);
  if (d.fin < aujourdhui)
    problemes.push({ chemin: 'fin', message: `la fin de la fenêtre ne peut pas précéder aujourd’hui (${aujourdhui})` });
  else if (d.fin > max)
    problemes.push({
      chemin: 'fin',
      message: `une fenêtre de correction dure au plus ${FENETRE_MAX_JOURS} jours : fin au plus tard le ${max}`,
    });
  return problemes;
}

// ───────────────────────────── reminder ─────────────────────────────

/** The legal deadline of the bilan of `annee`: 28 February of the next year (R.441-5-1, `echeanceBilan`). */
export function echeanceLegale(annee: number): string {
  return `${annee + 1}-${valeurAu('echeanceBilan', `${annee + 1}-01-01`)}`;
}

export type EtapeRappel = 'premier' | 'second';

/**
 * The reminder stage on `aujourdhui` (Europe/Paris day) for the bilan of the previous year: from
 * 1 February the first, from 21 February the second (a week before the deadline), both until the
 * end of February; none otherwise (a server started later in the year reminds nothing).
 */
export function etapeRappel(aujourdhui: string): { annee: number; etape: EtapeRappel } | null {
  const annee = Number(aujourdhui.slice(0, 4)) - 1;
  const mmjj = aujourdhui.slice(5);
  if (mmjj >= '03-01') return null;
  if (mmjj >= valeurAu('secondRappelBilan', aujourdhui)) return { annee, etape: 'second' };
  if (mmjj >= valeurAu('premierRappelBilan', aujourdhui)) return { annee, etape: 'premier' };
  return null;
}

// ───────────────────────────── difference ─────────────────────────────

export interface ChangementLigne {
  ligne: string;
  nom: string;
  compteur: string;
  avant: number;
  apres: number;
}

export interface ChangementDimension {
  dimension: DimensionBilan;
  valeur: string;
  libelle: string;
  ligne: string;
  nom: string;
  compteur: string;
  avant: number;
  apres: number;
}

export interface ChangementFlux {
  champ: string;
  avant: number;
  apres: number;
}

export interface ChangementLogement {
  logement: string;
  date: string;
  champ: 'ligne' | 'statut' | 'decompte' | 'presence';
  avant: string | null;
  apres: string | null;
}

export interface DifferenceBilan {
  identique: boolean;
  lignes: ChangementLigne[];
  dimensions: ChangementDimension[];
  flux: ChangementFlux[];
  logements: ChangementLogement[];
}

/** The line figures compared, beside the counters: entitlement, balance, carry-over. */
export const CHIFFRES_LIGNE = [...COMPTEURS, 'droit', 'solde', 'reportAnneeSuivante'] as const;

const arrondi = (x: number) => Math.round(x * 1e9) / 1e9;

function aplatirFlux(b: BilanAnnuel): Map<string, number> {
  const m = new Map<string, number>([
    ['disponibles', b.flux.disponibles],
    ['premieresMisesEnLocation', b.flux.premieresMisesEnLocation],
    ['fluxAnnuel', b.flux.fluxAnnuel],
  ]);
  for (const [motif, n] of Object.entries(b.flux.exclus)) m.set(`exclus.${motif}`, n);
  return m;
}

function cleDetail(d: LigneDetailBilan): string {
  return `${d.logement}|${d.date}`;
}

/**
 * What changed from `avant` to `apres` (two issued versions of one bilan): only the figures that
 * differ, in the order of the lines, dimensions, values and counters of the bilan.
 */
export function differenceBilans(avant: BilanAnnuel, apres: BilanAnnuel): DifferenceBilan {
  const lignes: ChangementLigne[] = [];
  const nomsAvant = new Map(avant.lignes.map((l) => [l.ligne, l]));
  const nomsApres = new Map(apres.lignes.map((l) => [l.ligne, l]));
  const ordreLignes = [
    ...apres.lignes.map((l) => l.ligne),
    ...avant.lignes.map((l) => l.ligne).filter((l) => !nomsApres.has(l)),
  ];
  const nomDe = (ligne: string) => nomsApres.get(ligne)?.nom ?? nomsAvant.get(ligne)?.nom ?? ligne;
  for (const ligne of ordreLignes) {
    const a = nomsAvant.get(ligne);
    const p = nomsApres.get(ligne);
    for (const c of CHIFFRES_LIGNE) {
      const va = arrondi(a ? a[c] : 0);
      const vp = arrondi(p ? p[c] : 0);
      if (va !== vp) lignes.push({ ligne, nom: nomDe(ligne), compteur: c, avant: va, apres: vp });
    }
  }

  const dimensions: ChangementDimension[] = [];
  for (const dim of DIMENSIONS_BILAN) {
    const A = avant.dimensions[dim];
    const P = apres.dimensions[dim];
    const valeurs = [...P.valeurs, ...A.valeurs.filter((v) => !P.valeurs.includes(v))];
    for (const ligne of ordreLignes) {
      for (const v of valeurs) {
        const ca: Partial<Compteurs> = A.parLigne[ligne]?.[v] ?? {};
        const cp: Partial<Compteurs> = P.parLigne[ligne]?.[v] ?? {};
        for (const c of COMPTEURS) {
          const va = ca[c] ?? 0;
          const vp = cp[c] ?? 0;
          if (va !== vp)
            dimensions.push({
              dimension: dim,
              valeur: v,
              libelle: P.libelles[v] ?? A.libelles[v] ?? v,
              ligne,
              nom: nomDe(ligne),
              compteur: c,
              avant: va,
              apres: vp,
            });
        }
      }
    }
  }

  const flux: ChangementFlux[] = [];
  const fa = aplatirFlux(avant);
  const fp = aplatirFlux(apres);
  for (const champ of new Set([...fp.keys(), ...fa.keys()])) {
    const va = fa.get(champ) ?? 0;
    const vp = fp.get(champ) ?? 0;
    if (va !== vp) flux.push({ champ, avant: va, apres: vp });
  }

  const logements: ChangementLogement[] = [];
  const da = new Map(avant.detail.map((d) => [cleDetail(d), d]));
  const dp = new Map(apres.detail.map((d) => [cleDetail(d), d]));
  for (const d of apres.detail) {
    const a = da.get(cleDetail(d));
    if (!a) {
      logements.push({ logement: d.logement, date: d.date, champ: 'presence', avant: null, apres: d.statut });
      continue;
    }
    if (a.ligne !== d.ligne)
      logements.push({ logement: d.logement, date: d.date, champ: 'ligne', avant: a.ligne, apres: d.ligne });
    if (a.statut !== d.statut)
      logements.push({ logement: d.logement, date: d.date, champ: 'statut', avant: a.statut, apres: d.statut });
    if (a.decompte !== d.decompte)
      logements.push({
        logement: d.logement,
        date: d.date,
        champ: 'decompte',
        avant: String(a.decompte),
        apres: String(d.decompte),
      });
  }
  for (const a of avant.detail)
    if (!dp.has(cleDetail(a)))
      logements.push({ logement: a.logement, date: a.date, champ: 'presence', avant: a.statut, apres: null });

  return {
    identique: lignes.length + dimensions.length + flux.length + logements.length === 0,
    lignes,
    dimensions,
    flux,
    logements,
  };
}

/** The part of a difference one réservataire may see: its own line's changes, the flow's, its lettings. */
export function differencePourReservataire(
  d: DifferenceBilan,
  reservataire: string,
  sesLogements: ReadonlySet<string>,
): DifferenceBilan {
  const lignes = d.lignes.filter((c) => c.ligne === reservataire);
  const dimensions = d.dimensions.filter((c) => c.ligne === reservataire);
  const logements = d.logements.filter(
    (c) =>
      sesLogements.has(c.logement) || (c.champ === 'ligne' && (c.avant === reservataire || c.apres === reservataire)),
  );
  return { identique: d.identique, lignes, dimensions, flux: d.flux, logements };
}
