/**
 * The occupancy template of a bailleur (docs/occupation.md, ADR 0044): one row per unit occupied,
 * the household in place as the CALEOL's review (CCH L.442-5-2) needs it — the unit's RPLS number,
 * the lease date, the persons, the annual resources and the ceiling applicable (the SLS survey's),
 * a disability needing an adapted unit, the unit's adaptation, and optionally the rooms and the
 * surface. Pure: each problem names its line and column. Columns the template does not list (names,
 * tenant numbers of a management extract) are never read.
 */
import type { Probleme } from '../domain/errors.ts';
import type { Enregistrement } from './rpls-csv.ts';
import { chemin, lireDate, valeurs, type DefinitionColonne, type Entete } from './demandes.ts';
import { dateCourte } from '../domain/calendrier.ts';

export const COLONNES_OCCUPATION = {
  rpls: { noms: ['RPLS', 'NUMERO_RPLS', 'IDENT_REP', 'RPLS_ID', 'IDENTIFIANT_RPLS'], obligatoire: true },
  dateBail: { noms: ['DATE_BAIL', 'DATE_SIGNATURE_BAIL', 'DATE_SIGNATURE', 'DATE_ENTREE'], obligatoire: true },
  personnes: { noms: ['PERSONNES', 'NB_PERSONNES', 'NOMBRE_PERSONNES', 'TAILLE_MENAGE'], obligatoire: true },
  ressources: {
    noms: ['RESSOURCES_ANNUELLES', 'RESSOURCES', 'REVENU_FISCAL_REFERENCE', 'RFR'],
    obligatoire: false,
  },
  plafond: { noms: ['PLAFOND_RESSOURCES', 'PLAFOND', 'PLAFOND_APPLICABLE'], obligatoire: false },
  handicap: { noms: ['HANDICAP', 'HANDICAP_LOGEMENT_ADAPTE', 'PERTE_AUTONOMIE'], obligatoire: false },
  logementAdapte: { noms: ['LOGEMENT_ADAPTE', 'ADAPTE', 'LOGEMENT_ADAPTE_HANDICAP'], obligatoire: false },
  pieces: { noms: ['PIECES', 'NB_PIECES', 'NBPIECE', 'PIECES_HABITABLES'], obligatoire: false },
  surface: { noms: ['SURFACE', 'SURFACE_HABITABLE', 'SURFHAB'], obligatoire: false },
} as const satisfies Record<string, DefinitionColonne>;
export type ChampOccupation = keyof typeof COLONNES_OCCUPATION;

export const PERSONNES_MAX_OCCUPATION = 20;
export const MONTANT_MAX_OCCUPATION = 1_000_000;

export interface FicheOccupation {
  rpls: string;
  dateBail: string;
  personnes: number;
  ressources: number | null;
  plafond: number | null;
  handicap: boolean | null;
  logementAdapte: boolean | null;
  pieces: number | null;
  surface: number | null;
}

/** The fields a re-import compares. */
export const CHAMPS_OCCUPATION = [
  'dateBail',
  'personnes',
  'ressources',
  'plafond',
  'handicap',
  'logementAdapte',
  'pieces',
  'surface',
] as const satisfies readonly (keyof FicheOccupation)[];

const OUI = /^(oui|o|1|x|vrai|true|yes)$/i;
const NON = /^(non|n|0|faux|false|no)$/i;

function nombre(s: string): number | null {
  const t = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : null;
}

/** One row of the occupancy template: its household, or its problems. Dates are not in the future. */
export function lireOccupation(
  entete: Entete<ChampOccupation>,
  e: Enregistrement,
  aujourdhui: string,
): { v: Record<ChampOccupation, string>; fiche: FicheOccupation | null; problemes: Probleme[] } {
  const v = valeurs(entete, e);
  const problemes: Probleme[] = [];
  const ici = (c: ChampOccupation, message: string) =>
    problemes.push({ chemin: chemin(e.ligne, entete.nom[c]), message });
  if (e.guillemetNonFerme) ici('rpls', 'guillemet ouvert jamais fermé (fichier tronqué ?)');
  const rpls = v.rpls.toUpperCase();
  if (!rpls) ici('rpls', 'numéro RPLS du logement manquant');
  const dateBail = v.dateBail ? lireDate(v.dateBail) : null;
  if (!v.dateBail) ici('dateBail', 'date de signature du bail manquante (JJ/MM/AAAA)');
  else if (!dateBail) ici('dateBail', `date « ${v.dateBail} » invalide (JJ/MM/AAAA attendu)`);
  else if (dateBail > aujourdhui) ici('dateBail', `date du ${dateCourte(dateBail)} dans le futur`);
  const personnes = /^\s*\d+\s*$/.test(v.personnes) ? Number(v.personnes) : null;
  if (!v.personnes) ici('personnes', 'nombre de personnes manquant');
  else if (personnes === null || personnes < 1 || personnes > PERSONNES_MAX_OCCUPATION)
    ici('personnes', `« ${v.personnes} » : un nombre entier de personnes de 1 à ${PERSONNES_MAX_OCCUPATION} attendu`);
  const montant = (c: 'ressources' | 'plafond', quoi: string): number | null => {
    if (!v[c]) return null;
    const n = nombre(v[c]);
    if (n === null || n > MONTANT_MAX_OCCUPATION) {
      ici(c, `« ${v[c]} » : ${quoi} annuel en euros attendu (par exemple 24 300), vide si inconnu`);
      return null;
    }
    return Math.round(n);
  };
  const ressources = montant('ressources', 'un montant de ressources');
  const plafond = montant('plafond', 'un plafond');
  if (plafond === 0) ici('plafond', 'un plafond de 0 € n’existe pas (vide si inconnu)');
  const ouiNon = (c: 'handicap' | 'logementAdapte'): boolean | null => {
    if (!v[c]) return null;
    if (OUI.test(v[c])) return true;
    if (NON.test(v[c])) return false;
    ici(c, `« ${v[c]} » : « oui » ou « non » attendu (vide si non renseigné)`);
    return null;
  };
  const handicap = ouiNon('handicap');
  const logementAdapte = ouiNon('logementAdapte');
  let pieces: number | null = null;
  if (v.pieces) {
    pieces = /^\s*\d+\s*$/.test(v.pieces) ? Number(v.pieces) : null;
    if (pieces === null || pieces < 1 || pieces > 20) {
      ici('pieces', `« ${v.pieces} » : un nombre entier de pièces habitables de 1 à 20 attendu (cuisine non comprise)`);
      pieces = null;
    }
  }
  let surface: number | null = null;
  if (v.surface) {
    surface = nombre(v.surface);
    if (surface === null || surface < 1 || surface > 1000) {
      ici('surface', `« ${v.surface} » : une surface habitable en m² attendue (par exemple 54,5)`);
      surface = null;
    } else surface = Math.round(surface * 100) / 100;
  }
  if (problemes.length || !dateBail || personnes === null) return { v, fiche: null, problemes };
  return {
    v,
    problemes,
    fiche: { rpls, dateBail, personnes, ressources, plafond, handicap, logementAdapte, pieces, surface },
  };
}
