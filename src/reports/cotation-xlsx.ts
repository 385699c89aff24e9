/**
 * The trial of a draft cotation grid as an XLSX workbook (issue 17 item 3): « Distribution » (notes
 * by bands of 10 points under each grid), « Groupes » (by priority category and quartile: how many
 * move up or down, the average rank change), « Mouvements » (the demands that move most, by their
 * profile — never a numéro unique), and « Grille » (the draft in plain French). French headers, set
 * widths, the header row frozen, as the other workbooks (src/reports/qualite-xlsx.ts).
 */
import ExcelJS from 'exceljs';
import type { EssaiApi } from '../contracts/cotation.ts';

export const TYPE_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function nomFichierEssai(epci: string, jour: string): string {
  return `essai-grille-cotation-${epci.replace(/[^A-Za-z0-9_-]/g, '_')}-${jour}.xlsx`;
}

function feuille(wb: ExcelJS.Workbook, nom: string, colonnes: Partial<ExcelJS.Column>[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(nom, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = colonnes;
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
  return ws;
}

export async function classeurEssai(e: EssaiApi, nomEpci: string, enonce: string[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const comparee =
    e.versionEnVigueur === null ? 'aucune grille (0 point)' : `grille en vigueur (version ${e.versionEnVigueur})`;
  const d = feuille(wb, 'Distribution', [
    { header: 'Notes', key: 'tranche', width: 14 },
    { header: `Demandes — ${comparee}`, key: 'enVigueur', width: 34 },
    { header: 'Demandes — projet de grille', key: 'brouillon', width: 28 },
  ]);
  for (const t of e.distribution) d.addRow(t);
  d.addRow([]);
  d.addRow(['EPCI', nomEpci]);
  d.addRow(['Demandes notées', e.demandes]);
  d.addRow(['Date de calcul', e.date.split('-').reverse().join('/')]);
  d.addRow(['Seuil du 1er quartile (€ par UC)', e.seuilQuartile ?? 'non renseigné']);
  const g = feuille(wb, 'Groupes', [
    { header: 'Groupe', key: 'groupe', width: 36 },
    { header: 'Demandes', key: 'demandes', width: 12 },
    { header: 'Montent', key: 'montent', width: 12 },
    { header: 'Descendent', key: 'descendent', width: 12 },
    { header: 'Évolution moyenne du rang (places gagnées)', key: 'rangMoyen', width: 24 },
  ]);
  for (const x of e.groupes) g.addRow(x);
  const m = feuille(wb, 'Mouvements', [
    { header: 'Demande (profil)', key: 'profil', width: 60 },
    { header: 'Note actuelle', key: 'noteEnVigueur', width: 14 },
    { header: 'Note du projet', key: 'noteBrouillon', width: 14 },
    { header: 'Rang actuel', key: 'rangEnVigueur', width: 12 },
    { header: 'Rang du projet', key: 'rangBrouillon', width: 14 },
  ]);
  for (const x of e.mouvements) m.addRow(x);
  const gr = feuille(wb, 'Grille', [{ header: 'Projet de grille', key: 'p', width: 120 }]);
  for (const p of enonce) gr.addRow({ p });
  gr.getColumn('p').alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
