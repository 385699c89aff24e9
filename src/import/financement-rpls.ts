/**
 * The RPLS financing codes (variable FINAN, « financement initial du logement ») and the Flux
 * category each is mapped to (PLAI, PLUS, PLS, PLI, AUTRE). Data, not logic: every code carries its
 * official label, the category, and how sure the mapping is.
 *
 * Codes and labels: arrêté du 5 janvier 2010 pris en application de l'article R. 411-3 du CCH
 * (NOR DEVU0929020A), article 3, tableau 2, position 32, and its annexe (II, 32). Read in the copy
 * of Etalab's « lois non codifiées et règlements français » (GitHub
 * etalab/lois-non-codifiees-et-reglements-francais, arrete/2010/arrete-du-5-janvier-2010-devu0929020a,
 * commit 978482b). The same coding is used by the public RPLS files (the Narbonne extract of
 * data-ref/rpls-narbonne has codes 10, 11, 12, 13, 14, 49, 51, 52 and 99, and 271 of its 274 rows coded 99
 * were built before 1977, as the text's « avant 1977 » heading implies).
 *
 * The category is NOT in that text. `fondement` says where it comes from:
 * - `texte`: the label names the category itself (PLUS, PLS, PLI) or its direct former name
 *   (PLA d'intégration = PLAI);
 * - `equivalence`: a predecessor loan whose tenants fall under that category's income ceiling
 *   (PLA ordinaire → PLUS, which replaced it in 1999; PLA très social → PLAI). Corroborated by the
 *   Narbonne file's CUS column (« plafond de ressources correspondant au titre de la CUS »): FINAN
 *   12 → CUS 13 (PLUS) on 106 of 106 filled rows, FINAN 10 and 11 → CUS 10 (PLAI-type) on 18 of 18;
 * - `incertain`: our reading, not checked against a text; see `note`. Review before relying on it.
 *
 * Note: an earlier brief listed « 11 PLUS, 12 PLA très social, 13 PLS, 14 PLI, 99 non renseigné »;
 * the arrêté says otherwise (13 = PLUS, 14 = PLS, 16 = PLI, 99 = autre financement avant 1977),
 * and the arrêté wins.
 */
import type { Financement } from '../domain/types.ts';

export type FondementCategorie = 'texte' | 'equivalence' | 'incertain';

export interface CodeFinancementRpls {
  code: string;
  /** The arrêté's label. */
  libelle: string;
  /** The arrêté splits codes by the date of the financing: before or from 1977 (1983 in the DOM). */
  periode: 'avant_1977' | 'depuis_1977';
  financement: Financement;
  fondement: FondementCategorie;
  note?: string;
}

export const SOURCE_FINANCEMENT_RPLS =
  'Arrêté du 5 janvier 2010 pris en application de l’article R. 411-3 du CCH (NOR DEVU0929020A), art. 3, tableau 2, ' +
  'position 32 « Financement initial du logement locatif social », et son annexe (II, 32) ; copie Etalab ' +
  '(etalab/lois-non-codifiees-et-reglements-francais, commit 978482b). Catégories Flux : voir `fondement` de chaque code.';

export const CODES_FINANCEMENT_RPLS: readonly CodeFinancementRpls[] = [
  // Financed from 1977 (1983 in the DOM).
  {
    code: '10',
    libelle: 'PLA d’intégration (LLTS dans les DOM)',
    periode: 'depuis_1977',
    financement: 'PLAI',
    fondement: 'texte',
  },
  {
    code: '11',
    libelle: 'PLA loyer minoré / PLA très social / PLA insertion',
    periode: 'depuis_1977',
    financement: 'PLAI',
    fondement: 'equivalence',
    note: 'très social, prédécesseurs du PLAI ; CUS de type PLAI dans le fichier de Narbonne',
  },
  {
    code: '12',
    libelle: 'PLA ordinaire',
    periode: 'depuis_1977',
    financement: 'PLUS',
    fondement: 'equivalence',
    note: 'le PLUS a remplacé le PLA ordinaire en 1999 ; CUS 13 (PLUS) dans le fichier de Narbonne',
  },
  { code: '13', libelle: 'PLUS (LLS dans les DOM)', periode: 'depuis_1977', financement: 'PLUS', fondement: 'texte' },
  {
    code: '14',
    libelle: 'PLS / PPLS / PCLS / PLA CFF',
    periode: 'depuis_1977',
    financement: 'PLS',
    fondement: 'texte',
  },
  {
    code: '15',
    libelle: 'PAP locatif',
    periode: 'depuis_1977',
    financement: 'AUTRE',
    fondement: 'incertain',
    note: 'aucune catégorie actuelle évidente',
  },
  { code: '16', libelle: 'PLI', periode: 'depuis_1977', financement: 'PLI', fondement: 'texte' },
  {
    code: '17',
    libelle: 'PCL (conventionné ou non)',
    periode: 'depuis_1977',
    financement: 'AUTRE',
    fondement: 'incertain',
    note: 'prêt conventionné locatif : plafonds proches du PLS quand il est conventionné, non vérifié',
  },
  {
    code: '49',
    libelle: 'Autre financement (depuis 1977)',
    periode: 'depuis_1977',
    financement: 'AUTRE',
    fondement: 'texte',
  },
  // Financed before 1977 (1983 in the DOM).
  {
    code: '50',
    libelle: 'HBM',
    periode: 'avant_1977',
    financement: 'PLUS',
    fondement: 'incertain',
    note: 'ancêtre des HLM ordinaires, rangé avec eux sous les plafonds HLM ordinaires (PLUS) ; non vérifié',
  },
  {
    code: '51',
    libelle: 'PLR / PSR',
    periode: 'avant_1977',
    financement: 'PLAI',
    fondement: 'incertain',
    note: 'programmes à loyer réduit / sociaux de relogement ; CUS de type PLAI sur les 20 lignes renseignées à Narbonne ; non vérifié sur un texte',
  },
  {
    code: '52',
    libelle: 'HLM/O',
    periode: 'avant_1977',
    financement: 'PLUS',
    fondement: 'equivalence',
    note: 'HLM ordinaire : plafonds de ressources HLM ordinaires, ceux du PLUS',
  },
  {
    code: '53',
    libelle: 'ILM',
    periode: 'avant_1977',
    financement: 'AUTRE',
    fondement: 'incertain',
    note: 'immeubles à loyer moyen (intermédiaire) : peut-être PLS ou PLI, non vérifié',
  },
  {
    code: '54',
    libelle: 'ILN',
    periode: 'avant_1977',
    financement: 'AUTRE',
    fondement: 'incertain',
    note: 'immeubles à loyer normal (intermédiaire) : peut-être PLI, non vérifié',
  },
  {
    code: '55',
    libelle: 'Prêts spéciaux du CFF',
    periode: 'avant_1977',
    financement: 'AUTRE',
    fondement: 'incertain',
    note: 'non vérifié',
  },
  {
    code: '99',
    libelle: 'Autre financement (avant 1977)',
    periode: 'avant_1977',
    financement: 'AUTRE',
    fondement: 'texte',
    note: 'et non « non renseigné » : dans le fichier de Narbonne, 271 des 274 lignes codées 99 sont construites avant 1977',
  },
];

const PAR_CODE: ReadonlyMap<string, CodeFinancementRpls> = new Map(CODES_FINANCEMENT_RPLS.map((c) => [c.code, c]));

/** The entry of an RPLS FINAN code ("12", also "12.0" or " 12 "), or null when the code is unknown. */
export function codeFinancementRpls(brut: string): CodeFinancementRpls | null {
  const code = brut.trim().replace(/\.0+$/, '');
  return PAR_CODE.get(code) ?? null;
}
