/**
 * Reconciliation of a year's allocations as recorded elsewhere (an SNE export: numéro unique, the
 * unit's RPLS number, the lease's date, the réservataire as recorded there) with Flux's leases, and
 * the meeting's indicator: the share of allocations with a known réservataire, per bailleur and
 * département, the file's figure beside Flux's (ADR 0036). Pure: the caller reads the file and the
 * leases.
 *
 * Matching, in this order, each Flux lease used at most once:
 * 1. **numéro unique**: a lease whose signing household's SNE number equals the line's (the closest
 *    date first when a household signed twice);
 * 2. **RPLS + date**: a lease of the unit with that RPLS number (of the line's bailleur when the file
 *    names it) dated within `TOLERANCE_RAPPROCHEMENT_JOURS` days of the line's date, the closest.
 * A line left over is « absent de Flux »; a lease of the year left over is « absent du fichier ».
 */

/** Days between the file's date and Flux's lease date that still match by RPLS number (ADR 0036). */
export const TOLERANCE_RAPPROCHEMENT_JOURS = 30;

/** What Flux's ledger says of a lease's réservataire. */
export type AttributionFlux =
  | { genre: 'reservataire'; id: string; nom: string; type: string }
  | { genre: 'bailleur' }
  | { genre: 'hors_flux'; categorie: string };

export interface BailFlux {
  /** Internal key (never shown). */
  cle: string;
  bailleurId: string;
  bailleurNom: string;
  departement: string;
  rpls: string;
  commune: string;
  /** ISO date of the lease. */
  date: string;
  /** SNE number of the household that signed, when Flux knows it. */
  numeroUnique: string | null;
  /** Null: no réservataire known in Flux for this lease. */
  attribution: AttributionFlux | null;
}

export interface LigneAllocation {
  /** Physical line of the file. */
  ligne: number;
  numeroUnique: string | null;
  rpls: string | null;
  date: string;
  /** As written in the file; null or empty = not filled in. */
  reservataire: string | null;
  /** The file's bailleur column resolved to a Flux organisation id, when given and known. */
  bailleurId: string | null;
  /** The file's bailleur column as written (shown when unknown to Flux). */
  bailleurTexte: string | null;
}

export interface OrganisationConnue {
  id: string;
  nom: string;
  siren: string | null;
  /** typeReservataire, « bailleur » for a bailleur. */
  type: string;
}

export const GENRES_ECART = [
  'inconnu_flux',
  'inconnu_sne',
  'reservataire_different',
  'absent_flux',
  'absent_fichier',
] as const;
export type GenreEcart = (typeof GENRES_ECART)[number];

export const LIBELLES_ECART: Record<GenreEcart, string> = {
  inconnu_flux: 'Réservataire inconnu dans Flux',
  inconnu_sne: 'Réservataire non renseigné dans le fichier',
  reservataire_different: 'Réservataire différent',
  absent_flux: 'Attribution absente de Flux',
  absent_fichier: 'Bail absent du fichier',
};

export interface Ecart {
  genre: GenreEcart;
  ligne: LigneAllocation | null;
  bail: BailFlux | null;
}

export interface Compte {
  total: number;
  avecReservataire: number;
}

export interface GroupeIndicateur {
  bailleurId: string | null;
  bailleur: string;
  departement: string | null;
  /** The file's allocations of the group, and those whose réservataire is filled in. */
  fichier: Compte;
  /** Flux's leases of the year of the group, and those whose réservataire Flux knows. */
  flux: Compte;
  rapprocheesParNumero: number;
  rapprocheesParRpls: number;
  ecarts: Record<GenreEcart, number>;
}

export interface ResultatRapprochement {
  groupes: GroupeIndicateur[];
  total: GroupeIndicateur;
  ecarts: Ecart[];
}

// ───────────────────────────── the réservataire as written ─────────────────────────────

/** Lower case, no accents, words separated by one space. */
export function normaliserTexte(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Values that say « not filled in ». */
const VIDES = new Set([
  '',
  'nc',
  'nr',
  'na',
  'n a',
  'inconnu',
  'inconnue',
  'non renseigne',
  'non renseignee',
  'sans objet',
  'aucun',
  'aucune',
  'null',
]);

/** Whether the file's réservataire is filled in. */
export const reservataireRenseigne = (s: string | null): boolean => s !== null && !VIDES.has(normaliserTexte(s));

/** Spellings of each kind of réservataire in SNE exports (normalised; a value may also start with one and a space). */
const SYNONYMES: readonly (readonly [string, readonly string[]])[] = [
  [
    'bailleur',
    [
      'bailleur',
      'non reserve',
      'contingent bailleur',
      'contingent propre',
      'hors contingent',
      'reservation bailleur',
      'organisme',
      'organisme hlm',
      'libre',
    ],
  ],
  [
    'etat',
    [
      'etat',
      'prefet',
      'prefecture',
      'prefectoral',
      'contingent prefectoral',
      'reservation prefectorale',
      'etat fonctionnaires',
      'fonctionnaires',
      'ddets',
      'ddcs',
    ],
  ],
  ['action_logement', ['action logement', 'action logement services', 'als', '1 logement', 'collecteur', 'cil']],
  ['commune', ['commune', 'mairie', 'ville']],
  [
    'epci',
    [
      'epci',
      'intercommunalite',
      'communaute de communes',
      'communaute d agglomeration',
      'communaute urbaine',
      'agglomeration',
      'metropole',
    ],
  ],
  ['ept', ['ept', 'etablissement public territorial']],
  ['departement', ['departement', 'conseil departemental', 'conseil general']],
  ['region', ['region', 'conseil regional']],
  ['employeur', ['employeur', 'entreprise']],
  ['organisme_desinteresse', ['organisme desinteresse', 'organisme a caractere desinteresse']],
];

export type ReservataireLu =
  { genre: 'organisation'; id: string } | { genre: 'type'; type: string } | { genre: 'inconnu'; texte: string };

/**
 * The file's réservataire read against Flux's organisations: a SIREN or an exact name (accents and
 * case aside) names one organisation; otherwise a kind (« Préfecture », « Action Logement »,
 * « Commune de … »); otherwise unknown.
 */
export function lireReservataire(texte: string, organisations: readonly OrganisationConnue[]): ReservataireLu {
  const n = normaliserTexte(texte);
  const chiffres = texte.replace(/\s/g, '');
  if (/^\d{9}$/.test(chiffres)) {
    const o = organisations.find((x) => x.siren === chiffres);
    if (o) return { genre: 'organisation', id: o.id };
  }
  const parNom = organisations.find((x) => normaliserTexte(x.nom) === n);
  if (parNom) return { genre: 'organisation', id: parNom.id };
  for (const [type, noms] of SYNONYMES)
    if (noms.some((s) => n === s || n.startsWith(`${s} `))) return { genre: 'type', type };
  return { genre: 'inconnu', texte: texte.trim() };
}

/** Whether the file's réservataire and Flux's say the same. */
export function memeReservataire(lu: ReservataireLu, flux: AttributionFlux, bailleurId: string): boolean {
  const cote = flux.genre === 'reservataire' ? flux : null;
  switch (lu.genre) {
    case 'organisation':
      return cote ? cote.id === lu.id : lu.id === bailleurId;
    case 'type':
      return cote ? cote.type === lu.type : lu.type === 'bailleur';
    case 'inconnu':
      return false;
  }
}

// ───────────────────────────── matching ─────────────────────────────

const JOUR_MS = 86_400_000;
const ecartJours = (a: string, b: string): number => Math.abs(Date.parse(a) - Date.parse(b)) / JOUR_MS;

const vide = (): Record<GenreEcart, number> =>
  Object.fromEntries(GENRES_ECART.map((g) => [g, 0])) as Record<GenreEcart, number>;

function groupe(bailleurId: string | null, bailleur: string, departement: string | null): GroupeIndicateur {
  return {
    bailleurId,
    bailleur,
    departement,
    fichier: { total: 0, avecReservataire: 0 },
    flux: { total: 0, avecReservataire: 0 },
    rapprocheesParNumero: 0,
    rapprocheesParRpls: 0,
    ecarts: vide(),
  };
}

/** The closest lease to `date` among `candidats` not used yet (the earliest on a tie). */
function plusProche(candidats: readonly BailFlux[] | undefined, utilises: Set<string>, date: string, max: number) {
  let meilleur: BailFlux | null = null;
  let distance = Infinity;
  for (const b of candidats ?? []) {
    if (utilises.has(b.cle)) continue;
    const d = ecartJours(b.date, date);
    if (d > max) continue;
    if (d < distance || (d === distance && meilleur !== null && b.date < meilleur.date)) {
      meilleur = b;
      distance = d;
    }
  }
  return meilleur;
}

/**
 * Matches the file's lines (of the year and the scope) with Flux's leases (those of the year, and
 * those within the tolerance of its ends, which only match), and computes the indicator.
 * `departementDefaut`: the département of lines that match nothing (the run's, when it has one).
 */
export function rapprocher(entree: {
  annee: number;
  lignes: readonly LigneAllocation[];
  baux: readonly BailFlux[];
  organisations: readonly OrganisationConnue[];
  departementDefaut: string | null;
  toleranceJours?: number;
}): ResultatRapprochement {
  const tolerance = entree.toleranceJours ?? TOLERANCE_RAPPROCHEMENT_JOURS;
  const dansAnnee = (d: string) => d.startsWith(`${entree.annee}-`);
  const parNumero = new Map<string, BailFlux[]>();
  const parRpls = new Map<string, BailFlux[]>();
  for (const b of entree.baux) {
    if (b.numeroUnique) parNumero.set(b.numeroUnique, [...(parNumero.get(b.numeroUnique) ?? []), b]);
    parRpls.set(b.rpls, [...(parRpls.get(b.rpls) ?? []), b]);
  }
  const utilises = new Set<string>();
  const paires = new Map<number, { bail: BailFlux; par: 'numero' | 'rpls' }>();
  const duBailleur = (l: LigneAllocation, b: BailFlux) => l.bailleurId === null || l.bailleurId === b.bailleurId;
  // 1. By SNE number, whatever the date (the number names the household).
  for (const l of entree.lignes) {
    if (!l.numeroUnique) continue;
    const b = plusProche(
      parNumero.get(l.numeroUnique)?.filter((x) => duBailleur(l, x)),
      utilises,
      l.date,
      Infinity,
    );
    if (b) {
      utilises.add(b.cle);
      paires.set(l.ligne, { bail: b, par: 'numero' });
    }
  }
  // 2. By the unit's RPLS number and a date within the tolerance.
  for (const l of entree.lignes) {
    if (paires.has(l.ligne) || !l.rpls) continue;
    const b = plusProche(
      parRpls.get(l.rpls)?.filter((x) => duBailleur(l, x)),
      utilises,
      l.date,
      tolerance,
    );
    if (b) {
      utilises.add(b.cle);
      paires.set(l.ligne, { bail: b, par: 'rpls' });
    }
  }

  const groupes = new Map<string, GroupeIndicateur>();
  const nomOrganisation = new Map(entree.organisations.map((o) => [o.id, o.nom]));
  const groupeDe = (bailleurId: string | null, nom: string, departement: string | null) => {
    const cle = `${bailleurId ?? `?${nom}`}|${departement ?? ''}`;
    let g = groupes.get(cle);
    if (!g) groupes.set(cle, (g = groupe(bailleurId, nom, departement)));
    return g;
  };
  const ecarts: Ecart[] = [];
  for (const l of entree.lignes) {
    const p = paires.get(l.ligne);
    const renseigne = reservataireRenseigne(l.reservataire);
    const g = p
      ? groupeDe(p.bail.bailleurId, p.bail.bailleurNom, p.bail.departement)
      : groupeDe(
          l.bailleurId,
          l.bailleurId
            ? (nomOrganisation.get(l.bailleurId) ?? l.bailleurTexte ?? 'Bailleur non précisé')
            : (l.bailleurTexte ?? 'Bailleur non précisé'),
          entree.departementDefaut,
        );
    g.fichier.total++;
    if (renseigne) g.fichier.avecReservataire++;
    if (!p) {
      g.ecarts.absent_flux++;
      ecarts.push({ genre: 'absent_flux', ligne: l, bail: null });
      continue;
    }
    if (p.par === 'numero') g.rapprocheesParNumero++;
    else g.rapprocheesParRpls++;
    const flux = p.bail.attribution;
    let genre: GenreEcart | null = null;
    if (!flux) genre = 'inconnu_flux';
    else if (!renseigne) genre = 'inconnu_sne';
    else if (!memeReservataire(lireReservataire(l.reservataire!, entree.organisations), flux, p.bail.bailleurId))
      genre = 'reservataire_different';
    if (genre) {
      g.ecarts[genre]++;
      ecarts.push({ genre, ligne: l, bail: p.bail });
    }
  }
  for (const b of entree.baux) {
    if (!dansAnnee(b.date)) continue;
    const g = groupeDe(b.bailleurId, b.bailleurNom, b.departement);
    g.flux.total++;
    if (b.attribution) g.flux.avecReservataire++;
    if (!utilises.has(b.cle)) {
      g.ecarts.absent_fichier++;
      ecarts.push({ genre: 'absent_fichier', ligne: null, bail: b });
    }
  }
  const liste = [...groupes.values()].sort(
    (a, b) => a.bailleur.localeCompare(b.bailleur, 'fr') || (a.departement ?? '').localeCompare(b.departement ?? ''),
  );
  const total = groupe(null, 'Total', null);
  for (const g of liste) {
    total.fichier.total += g.fichier.total;
    total.fichier.avecReservataire += g.fichier.avecReservataire;
    total.flux.total += g.flux.total;
    total.flux.avecReservataire += g.flux.avecReservataire;
    total.rapprocheesParNumero += g.rapprocheesParNumero;
    total.rapprocheesParRpls += g.rapprocheesParRpls;
    for (const k of GENRES_ECART) total.ecarts[k] += g.ecarts[k];
  }
  const ordre = (e: Ecart) => GENRES_ECART.indexOf(e.genre);
  ecarts.sort(
    (a, b) =>
      ordre(a) - ordre(b) ||
      (a.ligne?.ligne ?? Infinity) - (b.ligne?.ligne ?? Infinity) ||
      (a.bail?.date ?? '').localeCompare(b.bail?.date ?? '') ||
      (a.bail?.rpls ?? '').localeCompare(b.bail?.rpls ?? ''),
  );
  return { groupes: liste, total, ecarts };
}

/** A share as a fraction, null when there is nothing to divide. */
export const part = (c: Compte): number | null => (c.total === 0 ? null : c.avecReservataire / c.total);
