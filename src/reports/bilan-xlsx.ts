/**
 * The annual bilan (CCH R.441-5-1) as an XLSX workbook: « Synthèse » (the flow of the year, the
 * ledger per line, the rehousing results, the allocation objectives), one sheet per dimension
 * (values in rows, each line's figures in a group of columns, and the flow's units per value) and
 * « Détail » (one row per letting, no personal data). Numbers stay numbers; rates are formatted.
 * The workbook holds what the bilan holds: a réservataire's bilan has only its own line.
 */
import ExcelJS from 'exceljs';
import {
  COMPTEURS,
  DIMENSIONS_BILAN,
  LIBELLES_COMPTEURS,
  LIBELLES_DIMENSIONS_BILAN,
  LIBELLES_STATUT,
  type BilanAnnuel,
  type DimensionDuBilan,
} from '../domain/bilan.ts';
import { DEFINITIONS_COMPTEURS, TITRES_COMPTEURS } from '../domain/compteurs.ts';
import { dateFrancaise, mentionStatut, type StatutDocument } from './statut-document.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';
import type { Indicateur } from '../domain/engine.ts';

export { TYPE_XLSX } from './qualite-xlsx.ts';

/** bilan-2025-HLD-45.xlsx (ASCII; the French name goes in filename*). */
export function nomFichierBilan(
  b: Pick<BilanAnnuel, 'annee' | 'departement' | 'bailleur'>,
  extension: 'xlsx' | 'csv' | 'pdf' | 'json',
): string {
  return `bilan-${b.annee}-${b.bailleur.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${b.departement.replace(/[^A-Za-z0-9_-]/g, '_')}.${extension}`;
}

/** A signed number with the typographic minus sign (U+2212), one decimal kept to two. */
const SIGNE = '0.00;"\u2212"0.00;0.00';

/** A day as an Excel date (shown 07/12/2026, sortable), from "2026-12-07". */
function jourExcel(iso: string): Date {
  const [a, m, j] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(a, m - 1, j));
}

/** The CAL's decisions, in words. */
const LIBELLES_DECISION_CAL: Readonly<Record<string, string>> = {
  attribution: 'attribution',
  attribution_rang: 'attribution avec classement',
  attribution_condition_suspensive: 'attribution sous condition suspensive',
  non_attribution: 'non-attribution',
  irrecevabilite: 'irrecevabilité',
};

/** The counters' words (the glossary, src/domain/compteurs.ts). */
export { TITRES_COMPTEURS };

/** The objectives of the year, labelled (R.441-5 / L.441-1 targets), each with a stable code, for every renderer. */
export function objectifsLibelles(b: BilanAnnuel): { code: string; libelle: string; indicateur: Indicateur }[] {
  const nom = new Map(b.lignes.map((l) => [l.ligne, l.nom]));
  return [
    {
      code: 'quartile1_hors_qpv',
      libelle: 'Attributions hors QPV à des ménages du 1er quartile',
      indicateur: b.objectifs.quartile1HorsQpv,
    },
    {
      code: 'hors_quartile1_en_qpv',
      libelle: 'Attributions en QPV à des ménages hors 1er quartile',
      indicateur: b.objectifs.nonQuartile1EnQpv,
    },
    ...Object.entries(b.objectifs.prioritaires).map(([l, indicateur]) => ({
      code: `prioritaires:${l}`,
      libelle: `Ménages prioritaires — ${nom.get(l) ?? l}`,
      indicateur,
    })),
    // Per EPCI, against its CIA's targets where it set them (ADR 0038), else the law's.
    ...Object.entries(b.objectifs.parEpci).flatMap(([e, o]) => {
      const epci = b.nomsEpci?.[e] ?? `EPCI (SIREN ${e})`;
      return [
        {
          code: `epci:${e}:quartile1_hors_qpv`,
          libelle: `${epci} — hors QPV, 1er quartile ou relogés ANRU/ORCOD`,
          indicateur: o.quartile1HorsQpv,
        },
        {
          code: `epci:${e}:hors_quartile1_en_qpv`,
          libelle: `${epci} — en QPV, ménages hors 1er quartile`,
          indicateur: o.nonQuartile1EnQpv,
        },
      ];
    }),
  ];
}

/**
 * Units of the flow whose value no line shown received (a réservataire's bilan lists only the values
 * of its line; the flow's other units go in one row, so the flow column still sums to the flux).
 */
export function fluxAutresValeurs(D: DimensionDuBilan): number {
  const vues = new Set(D.valeurs);
  return Object.entries(D.flux).reduce((t, [v, n]) => (vues.has(v) ? t : t + n), 0);
}
export const LIBELLE_AUTRES_VALEURS = 'Autres valeurs du flux (non reçues)';

function entete(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

const ouiNon = (v: boolean | null): string => (v === null ? '' : v ? 'oui' : 'non');

/** Sheet names: ≤ 31 characters, none of : \ / ? * [ ]. */
const nomFeuille = (s: string): string => s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);

export async function classeurBilan(
  b: BilanAnnuel,
  editeLe: string,
  statut: StatutDocument = { etat: 'provisoire', derniere: null },
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const nomLigne = new Map(b.lignes.map((l) => [l.ligne, l.nom]));

  // ——— Synthèse ———
  const s = wb.addWorksheet('Synthèse', { views: [{ state: 'frozen', ySplit: 1 }] });
  s.columns = [
    { width: 46 },
    { width: 10 },
    { width: 12 },
    ...COMPTEURS.map(() => ({ width: 14 })),
    { width: 12 },
    { width: 14 },
  ];
  s.addRow([`Bilan annuel ${b.annee} des logements proposés et attribués (CCH R.441-5-1)`]).font = {
    bold: true,
    size: 14,
  };
  s.addRow(['Bailleur', b.bailleur.nom]);
  s.addRow(['Département', b.departement]);
  s.addRow(['Année', b.annee]);
  s.addRow(['Édité le', dateFrancaise(editeLe)]);
  const mention = s.addRow(['Statut', mentionStatut(statut)]);
  mention.font = { bold: true, color: { argb: statut.etat === 'emis' ? 'FF18753C' : 'FFCE0500' } };
  s.addRow([]);
  entete(s.addRow(['Flux de l’année', 'Logements']));
  s.addRow(['Logements disponibles (remises en location et premières mises en location)', b.flux.disponibles]);
  s.addRow(['dont premières mises en location', b.flux.premieresMisesEnLocation]);
  for (const m of Object.keys(LIBELLES_EXCLUSION) as MotifExclusion[])
    s.addRow([`Exclus : ${LIBELLES_EXCLUSION[m]}`, b.flux.exclus[m] ?? 0]);
  s.addRow(['Flux annuel (base des droits)', b.flux.fluxAnnuel]).font = { bold: true };
  s.addRow([]);
  const enteteLignes = s.addRow([
    'Ligne (réservataire)',
    'Taux',
    'Droit',
    ...COMPTEURS.map((c) => TITRES_COMPTEURS[c]),
    'Solde',
    'Report N+1',
  ]);
  entete(enteteLignes);
  for (const l of b.lignes) {
    const r = s.addRow([l.nom, l.taux, l.droit, ...COMPTEURS.map((c) => l[c]), l.solde, l.reportAnneeSuivante]);
    r.getCell(2).numFmt = '0.00%';
    r.getCell(3).numFmt = '0.00';
    // Signed figures with the typographic minus (U+2212), as on the pages.
    for (const c of [COMPTEURS.length + 4, COMPTEURS.length + 5]) r.getCell(c).numFmt = SIGNE;
  }
  s.addRow([]);
  s.addRow(['Bilan des relogements (CCH R.441-5) : locations hors du flux, sur aucune ligne']).font = { bold: true };
  entete(s.addRow(['Catégorie', 'Logements libérés', 'Baux signés', 'En cours', 'Volume PRU prévu']));
  for (const r of b.relogements.categories)
    s.addRow([
      r.libelle,
      r.liberes,
      r.bauxSignes,
      r.enCours,
      r.motif === 'relogement_anru' ? (b.relogements.volumePru ?? 'sans prévision') : '',
    ]);
  s.addRow([]);
  entete(
    s.addRow([
      'Objectif d’attribution',
      'Réalisé',
      'Cible',
      'Attributions retenues',
      'Attributions comptées',
      'Atteint',
    ]),
  );
  for (const { libelle, indicateur: i } of objectifsLibelles(b)) {
    const r = s.addRow([
      libelle,
      i.realise,
      i.cible,
      i.numerateur,
      i.denominateur,
      i.realise === null ? 'sans attribution' : i.realise >= i.cible ? 'oui' : 'non',
    ]);
    r.getCell(2).numFmt = '0.0%';
    r.getCell(3).numFmt = '0.0%';
  }

  // ——— one sheet per dimension ———
  for (const dim of DIMENSIONS_BILAN) {
    const D = b.dimensions[dim];
    const ws = wb.addWorksheet(nomFeuille(LIBELLES_DIMENSIONS_BILAN[dim]), {
      views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }],
    });
    ws.columns = [
      { width: 32 },
      { width: 12 },
      { width: 12 },
      ...b.lignes.flatMap(() => COMPTEURS.map(() => ({ width: 12 }))),
    ];
    const haut = ws.addRow([
      LIBELLES_DIMENSIONS_BILAN[dim],
      '',
      'Flux de l’année',
      ...b.lignes.flatMap((l) => COMPTEURS.map((_, i) => (i === 0 ? l.nom : ''))),
    ]);
    const bas = ws.addRow([
      'Libellé',
      'Code',
      'Logements du flux',
      ...b.lignes.flatMap(() => COMPTEURS.map((c) => TITRES_COMPTEURS[c])),
    ]);
    entete(haut);
    entete(bas);
    b.lignes.forEach((_, i) => ws.mergeCells(1, 4 + i * COMPTEURS.length, 1, 3 + (i + 1) * COMPTEURS.length));
    for (const v of D.valeurs) {
      ws.addRow([
        D.libelles[v] ?? v,
        v,
        D.flux[v] ?? 0,
        ...b.lignes.flatMap((l) => COMPTEURS.map((c) => D.parLigne[l.ligne]?.[v]?.[c] ?? 0)),
      ]);
    }
    const autres = fluxAutresValeurs(D);
    if (autres > 0) ws.addRow([LIBELLE_AUTRES_VALEURS, '', autres, ...b.lignes.flatMap(() => COMPTEURS.map(() => 0))]);
    const total = ws.addRow([
      'Total',
      '',
      Object.values(D.flux).reduce((t, n) => t + n, 0),
      ...b.lignes.flatMap((l) => COMPTEURS.map((c) => l[c])),
    ]);
    total.font = { bold: true };
  }

  // ——— Détail ———
  const d = wb.addWorksheet('Détail', { views: [{ state: 'frozen', ySplit: 1 }] });
  d.columns = [
    { width: 22 },
    { width: 10 },
    { width: 10 },
    { width: 12 },
    { width: 12 },
    { width: 14 },
    { width: 12 },
    { width: 30 },
    { width: 36 },
    { width: 24 },
    { width: 12 },
    { width: 18 },
    { width: 12 },
    { width: 10 },
    { width: 10 },
    { width: 12 },
    { width: 12 },
    { width: 14 },
  ];
  entete(
    d.addRow([
      'Logement',
      'Commune',
      'Typologie',
      'Financement',
      'QPV',
      'Période de construction',
      'Date de libération',
      'Exclusion',
      'Ligne',
      'Orientation multiple',
      'Statut',
      'Décision CAL',
      'Date de fin',
      'Décompté',
      'Pour un tour',
      '1er quartile',
      'Prioritaire',
      'Relogement ANRU',
    ]),
  );
  for (const x of b.detail) {
    d.addRow([
      x.logement,
      x.commune,
      x.typologie,
      x.financement,
      x.qpv ?? '',
      x.periode,
      jourExcel(x.date),
      x.exclusion ? LIBELLES_EXCLUSION[x.exclusion] : '',
      x.ligne ? (nomLigne.get(x.ligne) ?? x.ligne) : '',
      x.pool ? x.pool.map((p) => nomLigne.get(p) ?? p).join(', ') : '',
      LIBELLES_STATUT[x.statut],
      x.decision ? (LIBELLES_DECISION_CAL[x.decision] ?? x.decision) : '',
      x.dateFin ? jourExcel(x.dateFin) : '',
      ouiNon(x.decompte),
      ouiNon(x.pourUnTour),
      ouiNon(x.quartile1),
      ouiNon(x.prioritaire),
      ouiNon(x.relogementAnru),
    ]);
  }
  d.getColumn(7).numFmt = 'dd/mm/yyyy';
  d.getColumn(13).numFmt = 'dd/mm/yyyy';
  d.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 18 } };

  // The long labels of the counters, for whoever opens the workbook without the interface.
  const l = wb.addWorksheet('Légende');
  l.columns = [{ width: 30 }, { width: 60 }];
  entete(l.addRow(['Colonne', 'Signification']));
  for (const c of COMPTEURS) l.addRow([TITRES_COMPTEURS[c], `${LIBELLES_COMPTEURS[c]} : ${DEFINITIONS_COMPTEURS[c]}`]);
  l.addRow(['Droit', 'Droit exact de l’année (taux × flux du périmètre + report), non arrondi']);
  l.addRow(['Solde', 'Décomptés − droit']);
  l.addRow(['Report N+1', 'Report sur l’année suivante selon la convention']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
