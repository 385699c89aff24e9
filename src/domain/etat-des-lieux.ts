/**
 * The état des lieux of a bailleur's reservations in a département (rules.md §7, issue
 * « Patrimoine » item 4): for each réservataire (its units reserved for the convention's term),
 * for the non-reserved stock and for the units whose reservation is unknown, the number of units
 * and their mix — typology, financing, in/out QPV, commune, EPCI, construction period,
 * individual/collective, and the affordable share (rent at or under the APL ceiling) — side by side
 * with the bailleur's whole stock. One-shot rights (droits uniques) are counted apart.
 *
 * Pure: plain rows in, a picture out. Every figure is a count of units (integers), so a locked
 * version is exact and its fingerprint stable; shares are computed for display only.
 * Invariant: ENSEMBLE = Σ réservataires + Σ droits uniques + NON_RESERVE + INCONNUE, in every
 * dimension.
 */
import { baremeAu, estAbordable, MENAGE_PAR_TYPOLOGIE, type ZoneApl } from './plafonds-apl.ts';
import { FINANCEMENTS, TYPOLOGIES, type Typologie } from './types.ts';

export type Reservation = 'aucune' | 'reserve' | 'droit_unique' | null;

export interface LogementEtat {
  id: string;
  rpls: string;
  programme: string | null;
  commune: string;
  epci: string | null;
  typologie: Typologie;
  financement: string;
  qpv: boolean;
  construction: number;
  individuel: boolean;
  /** Monthly principal rent (€), null when unknown. */
  loyer: number | null;
  reservation: Reservation;
  reservataire: string | null;
}

export interface EntreeEtatDesLieux {
  bailleur: { id: string; nom: string };
  departement: string;
  /** The picture's date (ISO): the APL barème in force that day applies. */
  date: string;
  logements: readonly LogementEtat[];
  /** Names of the réservataires (id → name); an id missing here is shown by its id. */
  reservataires: ReadonlyMap<string, string>;
  communes: ReadonlyMap<string, string>;
  epcis: ReadonlyMap<string, string>;
  /** The commune's APL zone on the date, null when no zoning is known for it. */
  zoneApl: (commune: string) => ZoneApl | null;
}

export const DIMENSIONS = [
  'typologie',
  'financement',
  'qpv',
  'commune',
  'epci',
  'periode',
  'habitat',
  'abordable',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const LIBELLES_DIMENSIONS: Readonly<Record<Dimension, string>> = {
  typologie: 'Typologie',
  financement: 'Financement',
  qpv: 'Quartier prioritaire',
  commune: 'Commune',
  epci: 'EPCI',
  periode: 'Période de construction',
  habitat: 'Type d’habitat',
  abordable: 'Loyer et plafond APL',
};

/** Construction periods (years inclusive), as in the bilan's « période de construction ». */
export const PERIODES = [
  { code: 'avant-1949', libelle: 'Avant 1949', jusqua: 1948 },
  { code: '1949-1974', libelle: '1949 – 1974', jusqua: 1974 },
  { code: '1975-1989', libelle: '1975 – 1989', jusqua: 1989 },
  { code: '1990-2004', libelle: '1990 – 2004', jusqua: 2004 },
  { code: '2005-2014', libelle: '2005 – 2014', jusqua: 2014 },
  { code: 'depuis-2015', libelle: 'Depuis 2015', jusqua: Number.POSITIVE_INFINITY },
] as const;

export const MODALITES_ABORDABLE = [
  { code: 'abordable', libelle: 'Loyer au plus au plafond APL' },
  { code: 'au-dessus', libelle: 'Loyer au-dessus du plafond APL' },
  { code: 'loyer-inconnu', libelle: 'Loyer inconnu' },
  { code: 'zone-inconnue', libelle: 'Zone APL inconnue' },
] as const;

export type NatureGroupe = 'ensemble' | 'reservataire' | 'non_reserve' | 'inconnue' | 'autres';

export interface Groupe {
  /** 'ENSEMBLE', 'NON_RESERVE', 'INCONNUE', 'AUTRES' or the réservataire's id. */
  id: string;
  nature: NatureGroupe;
  libelle: string;
  /** Units in the group (for a réservataire: reserved for the term, droits uniques excluded). */
  logements: number;
  /** One-shot rights held (réservataires) or in the stock (ENSEMBLE); 0 elsewhere. */
  droitsUniques: number;
  /** Count of units per modality code, per dimension. */
  mixes: Record<Dimension, Record<string, number>>;
}

export interface EtatDesLieux {
  bailleur: { id: string; nom: string };
  departement: string;
  date: string;
  /** The APL barème used (its source and first day), null when none was in force on the date. */
  bareme: { source: string; du: string } | null;
  /** The household assumed per typology for the affordable share. */
  menages: Record<string, string>;
  groupes: Groupe[];
  /** Modality codes per dimension, in display order; and their labels. */
  modalites: Record<Dimension, string[]>;
  libelles: Record<Dimension, Record<string, string>>;
  /**
   * Unit-level reservations, the input of the conversion (issue 5):
   * [id, rpls, reservation, réservataire, programme, commune, typologie, financement, qpv 0/1].
   */
  unites: UniteEtat[];
}

export type UniteEtat = [string, string, Reservation, string | null, string | null, string, Typologie, string, 0 | 1];

export function periodeDe(annee: number): string {
  return PERIODES.find((p) => annee <= p.jusqua)!.code;
}

function mixVide(): Record<Dimension, Record<string, number>> {
  return { typologie: {}, financement: {}, qpv: {}, commune: {}, epci: {}, periode: {}, habitat: {}, abordable: {} };
}

function groupe(id: string, nature: NatureGroupe, libelle: string): Groupe {
  return { id, nature, libelle, logements: 0, droitsUniques: 0, mixes: mixVide() };
}

const ajouter = (m: Record<string, number>, k: string, n = 1): void => {
  m[k] = (m[k] ?? 0) + n;
};

/** Builds the état des lieux. Groups: ENSEMBLE, each réservataire (by name), NON_RESERVE, INCONNUE. */
export function etatDesLieux(e: EntreeEtatDesLieux): EtatDesLieux {
  const bareme = baremeAu(e.date);
  const ensemble = groupe('ENSEMBLE', 'ensemble', 'Ensemble du parc');
  const nonReserve = groupe('NON_RESERVE', 'non_reserve', 'Non réservé');
  const inconnue = groupe('INCONNUE', 'inconnue', 'Réservation inconnue');
  const parReservataire = new Map<string, Groupe>();
  const reservataire = (id: string): Groupe => {
    let g = parReservataire.get(id);
    if (!g) parReservataire.set(id, (g = groupe(id, 'reservataire', e.reservataires.get(id) ?? id)));
    return g;
  };
  const unites: UniteEtat[] = [];
  for (const u of e.logements) {
    const zone = e.zoneApl(u.commune);
    const abordable = zone === null || bareme === null ? null : estAbordable(u.loyer, bareme.valeur, zone, u.typologie);
    const codes: Record<Dimension, string> = {
      typologie: u.typologie,
      financement: u.financement,
      qpv: u.qpv ? 'qpv' : 'hors-qpv',
      commune: u.commune,
      epci: u.epci ?? 'sans-epci',
      periode: periodeDe(u.construction),
      habitat: u.individuel ? 'individuel' : 'collectif',
      abordable:
        zone === null || bareme === null
          ? 'zone-inconnue'
          : abordable === null
            ? 'loyer-inconnu'
            : abordable
              ? 'abordable'
              : 'au-dessus',
    };
    const cibles: Groupe[] = [ensemble];
    if (u.reservation === 'reserve' && u.reservataire) cibles.push(reservataire(u.reservataire));
    else if (u.reservation === 'droit_unique' && u.reservataire) {
      reservataire(u.reservataire).droitsUniques++;
      ensemble.droitsUniques++;
    } else if (u.reservation === 'aucune') cibles.push(nonReserve);
    else cibles.push(inconnue);
    for (const g of cibles) {
      g.logements++;
      for (const d of DIMENSIONS) ajouter(g.mixes[d], codes[d]);
    }
    unites.push([
      u.id,
      u.rpls,
      u.reservation,
      u.reservataire,
      u.programme,
      u.commune,
      u.typologie,
      u.financement,
      u.qpv ? 1 : 0,
    ]);
  }
  const reservataires = [...parReservataire.values()].sort(
    (a, b) => a.libelle.localeCompare(b.libelle, 'fr') || a.id.localeCompare(b.id),
  );
  const groupes = [ensemble, ...reservataires, nonReserve, inconnue];
  const parNombre = (m: Record<string, number>) => Object.keys(m).sort((a, b) => m[b]! - m[a]! || a.localeCompare(b));
  const modalites: Record<Dimension, string[]> = {
    typologie: TYPOLOGIES.filter((t) => t in ensemble.mixes.typologie),
    financement: [
      ...FINANCEMENTS.filter((f) => f in ensemble.mixes.financement),
      ...Object.keys(ensemble.mixes.financement)
        .filter((f) => !(FINANCEMENTS as readonly string[]).includes(f))
        .sort(),
    ],
    qpv: ['qpv', 'hors-qpv'].filter((q) => q in ensemble.mixes.qpv),
    commune: parNombre(ensemble.mixes.commune),
    epci: parNombre(ensemble.mixes.epci),
    periode: PERIODES.map((p) => p.code).filter((p) => p in ensemble.mixes.periode),
    habitat: ['collectif', 'individuel'].filter((h) => h in ensemble.mixes.habitat),
    abordable: MODALITES_ABORDABLE.map((m) => m.code).filter((m) => m in ensemble.mixes.abordable),
  };
  const libelles: Record<Dimension, Record<string, string>> = {
    typologie: Object.fromEntries(modalites.typologie.map((t) => [t, t])),
    financement: Object.fromEntries(modalites.financement.map((f) => [f, f === 'AUTRE' ? 'Autre' : f])),
    qpv: { qpv: 'En QPV', 'hors-qpv': 'Hors QPV' },
    commune: Object.fromEntries(modalites.commune.map((c) => [c, e.communes.get(c) ?? c])),
    epci: Object.fromEntries(modalites.epci.map((c) => [c, c === 'sans-epci' ? 'Sans EPCI' : (e.epcis.get(c) ?? c)])),
    periode: Object.fromEntries(PERIODES.map((p) => [p.code, p.libelle])),
    habitat: { collectif: 'Collectif', individuel: 'Individuel' },
    abordable: Object.fromEntries(MODALITES_ABORDABLE.map((m) => [m.code, m.libelle])),
  };
  return {
    bailleur: e.bailleur,
    departement: e.departement,
    date: e.date,
    bareme: bareme ? { source: bareme.source, du: bareme.du } : null,
    menages: Object.fromEntries(Object.entries(MENAGE_PAR_TYPOLOGIE).map(([t, m]) => [t, m.libelle])),
    groupes,
    modalites,
    libelles,
    unites,
  };
}

/** The réservataires holding units (term reservations or one-shot rights), in display order. */
export function reservatairesDe(etat: EtatDesLieux): string[] {
  return etat.groupes.filter((g) => g.nature === 'reservataire').map((g) => g.id);
}

/**
 * What a réservataire may see of an état des lieux: the whole stock, its own group, the other
 * réservataires summed into AUTRES, the non-reserved and unknown stock, and its own units only.
 */
export function vueReservataire(etat: EtatDesLieux, reservataireId: string): EtatDesLieux {
  const autres = groupe('AUTRES', 'autres', 'Autres réservataires');
  const groupes: Groupe[] = [];
  for (const g of etat.groupes) {
    if (g.nature !== 'reservataire' || g.id === reservataireId) {
      groupes.push(g);
      continue;
    }
    autres.logements += g.logements;
    autres.droitsUniques += g.droitsUniques;
    for (const d of DIMENSIONS) for (const [k, n] of Object.entries(g.mixes[d])) ajouter(autres.mixes[d], k, n);
  }
  if (autres.logements > 0 || autres.droitsUniques > 0)
    groupes.splice(
      groupes.findIndex((g) => g.nature === 'non_reserve'),
      0,
      autres,
    );
  return { ...etat, groupes, unites: etat.unites.filter((u) => u[3] === reservataireId) };
}

/** The share of units of a group that are affordable among those whose rent and zone are known (null when none). */
export function partAbordable(g: Groupe): number | null {
  const m = g.mixes.abordable;
  const connus = (m['abordable'] ?? 0) + (m['au-dessus'] ?? 0);
  return connus === 0 ? null : (m['abordable'] ?? 0) / connus;
}

/** A party to a locked version of the état des lieux, and whether it has signed. */
export interface PartieSignataire {
  organisationId: string;
  nom: string;
  signeLe: string | null;
  signataire: string | null;
}

/** A locked version of the état des lieux: who locked it, its fingerprint, its parties' signatures. */
export interface VersionEtat {
  id: string;
  bailleurId: string;
  departement: string;
  version: number;
  verrouilleLe: string;
  verrouillePar: string;
  empreinte: string;
  parties: PartieSignataire[];
  /** 'en_signature' until every party has signed, then 'signe'. */
  statut: 'en_signature' | 'signe';
}
