/**
 * The annual bilan as one long CSV table a spreadsheet can pivot: a row per dimension × value ×
 * line with the line's counters for that value, and the line totals as dimension « ensemble » (with
 * taux, droit, solde and carry-over, empty on the other rows), then the bilan of rehousing
 * allocations (R.441-5) as dimension « relogement », one row per exclusion category with its own
 * columns (freed, leases signed, in progress; the forecast PRU volume on the ANRU row), empty on the
 * other rows; last, the allocation objectives (L.441-1, per EPCI and per line, as the XLSX and the
 * PDF give them) as dimension « objectif », each with its achieved share, target, leases retained
 * and counted, and those whose household's quartile is unknown. French conventions: `;` separator,
 * UTF-8 with BOM, CRLF line ends, decimal comma; fields quoted when they need it.
 */
import { COMPTEURS, DIMENSIONS_BILAN, type BilanAnnuel } from '../domain/bilan.ts';
import { objectifsLibelles, TITRES_COMPTEURS } from './bilan-xlsx.ts';

export const TYPE_CSV = 'text/csv; charset=utf-8';

/** A field as a French spreadsheet reads it: numbers with a decimal comma, text quoted if needed. */
export function champCsv(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6))).replace('.', ',');
  return /[";\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export const COLONNES_CSV = [
  'dimension',
  'valeur',
  'libellé',
  'réservataire',
  ...COMPTEURS.map((c) => TITRES_COMPTEURS[c]),
  'taux',
  'droit',
  'solde',
  'report N+1',
  'relogements libérés',
  'relogements baux signés',
  'relogements en cours',
  'volume PRU prévu',
  'objectif réalisé',
  'objectif cible',
  'objectif baux retenus',
  'objectif baux comptés',
  'objectif quartile inconnu',
] as const;

/** Empty cells for the objectives' columns, on the rows that are not objectives. */
const SANS_OBJECTIF = Array<null>(5).fill(null);

export function csvBilan(b: BilanAnnuel): string {
  const lignes: (string | number | null)[][] = [[...COLONNES_CSV]];
  for (const l of b.lignes)
    lignes.push([
      'ensemble',
      'ensemble',
      'Ensemble',
      l.nom,
      ...COMPTEURS.map((c) => l[c]),
      l.taux,
      l.droit,
      l.solde,
      l.reportAnneeSuivante,
      null,
      null,
      null,
      null,
      ...SANS_OBJECTIF,
    ]);
  for (const dim of DIMENSIONS_BILAN) {
    const D = b.dimensions[dim];
    for (const v of D.valeurs) {
      for (const l of b.lignes) {
        const c = D.parLigne[l.ligne]?.[v];
        if (!c) continue;
        lignes.push([
          dim,
          v,
          D.libelles[v] ?? v,
          l.nom,
          ...COMPTEURS.map((k) => c[k]),
          ...Array<null>(8).fill(null),
          ...SANS_OBJECTIF,
        ]);
      }
    }
  }
  for (const r of b.relogements.categories)
    lignes.push([
      'relogement',
      r.motif,
      r.libelle,
      'hors du flux (aucune ligne)',
      ...COMPTEURS.map(() => null),
      null,
      null,
      null,
      null,
      r.liberes,
      r.bauxSignes,
      r.enCours,
      r.motif === 'relogement_anru' ? b.relogements.volumePru : null,
      ...SANS_OBJECTIF,
    ]);
  for (const { code, libelle, indicateur: i } of objectifsLibelles(b))
    lignes.push([
      'objectif',
      code,
      libelle,
      code.startsWith('prioritaires:') ? libelle.replace(/^Ménages prioritaires — /, '') : null,
      ...COMPTEURS.map(() => null),
      ...Array<null>(8).fill(null),
      i.realise,
      i.cible,
      i.numerateur,
      i.denominateur,
      i.inconnus ?? null,
    ]);
  return `\ufeff${lignes.map((r) => r.map(champCsv).join(';')).join('\r\n')}\r\n`;
}
