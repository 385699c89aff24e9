/**
 * The glossary of the counters of a ledger line (issue 12 item 6; docs/glossaire-compteurs.md): one
 * word per counter, the same on every page, export and document — the home page, a convention, the
 * bilan and its XLSX / CSV / PDF, the dashboards. Pure data (the web imports it too).
 *
 * « Mis à disposition » is the engine's `misADisposition` (its `detenus`): the units oriented to
 * the line that it still holds (a failure handed back « pour un tour » leaves it). The
 * recommendation's « a reçu » is the same count, on the day of the unit's liberation.
 */
export const COMPTEURS = [
  'misADisposition',
  'proposes',
  'attribues',
  'bauxSignes',
  'echecs',
  'pourUnTour',
  'decomptes',
  'enCours',
] as const;
export type Compteur = (typeof COMPTEURS)[number];

/** The word of each counter: a column title, a key figure's label. */
export const TITRES_COMPTEURS: Readonly<Record<Compteur, string>> = {
  misADisposition: 'Mis à disposition',
  proposes: 'Avec candidats',
  attribues: 'Attribués',
  bauxSignes: 'Baux signés',
  echecs: 'Échecs',
  pourUnTour: 'Pour un tour',
  decomptes: 'Décomptés',
  enCours: 'En cours',
};

/** The same word, spelt out where there is room (a chooser, a sheet's legend). */
export const LIBELLES_COMPTEURS: Readonly<Record<Compteur, string>> = {
  misADisposition: 'Logements mis à disposition',
  proposes: 'Logements avec candidats',
  attribues: 'Logements attribués en CAL',
  bauxSignes: 'Baux signés',
  echecs: 'Échecs (refus, sans candidat)',
  pourUnTour: 'Pour un tour (loués par le bailleur)',
  decomptes: 'Logements décomptés du droit',
  enCours: 'En cours au 31 décembre',
};

/** What each word counts, in one sentence (legends, the glossary). */
export const DEFINITIONS_COMPTEURS: Readonly<Record<Compteur, string>> = {
  misADisposition:
    'logements orientés vers la ligne dans l’année et qu’elle détient (un échec rendu au bailleur pour un tour n’y est plus)',
  proposes: 'parmi eux, ceux pour lesquels des candidats ont été proposés',
  attribues: 'parmi eux, ceux que la CAL a attribués (décision positive)',
  bauxSignes: 'parmi eux, ceux dont le bail est signé',
  echecs: 'parmi eux, ceux dont la location a échoué (refus, aucun candidat dans le délai)',
  pourUnTour:
    'logements rendus au bailleur pour un tour après un échec, sans consommer le droit du réservataire (ligne du bailleur)',
  decomptes: 'logements imputés sur le droit, selon la règle de décompte de la convention',
  enCours: 'mis à disposition dont la location n’est ni signée ni en échec au 31 décembre',
};
