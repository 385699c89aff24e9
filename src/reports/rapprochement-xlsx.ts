/**
 * The reconciliation as an XLSX workbook (ADR 0036): « Indicateur » (per bailleur and département,
 * the file's share of allocations with a known réservataire beside Flux's, the matches and the
 * mismatches by kind) and « Écarts » (every mismatch, what the file says and what Flux holds).
 * French headers, shares as percentages, dates as dates, the header row frozen; no internal id.
 */
import ExcelJS from 'exceljs';
import type { RapprochementApi } from '../contracts/demandes.ts';
import { GENRES_ECART, LIBELLES_ECART } from '../domain/rapprochement.ts';

export const TYPE_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const nomFichierRapprochement = (annee: number, departement: string | null): string =>
  `rapprochement-attributions-${annee}${departement ? `-${departement.replace(/[^0-9AB]/g, '')}` : ''}.xlsx`;

function entete(ws: ExcelJS.Worksheet): void {
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

const date = (iso: string | null | undefined): Date | null => (iso ? new Date(`${iso}T00:00:00Z`) : null);

export async function classeurRapprochement(r: RapprochementApi): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const ind = wb.addWorksheet('Indicateur', { views: [{ state: 'frozen', ySplit: 1 }] });
  ind.columns = [
    { header: 'Bailleur', key: 'bailleur', width: 36 },
    { header: 'Département', key: 'departement', width: 12 },
    { header: 'Attributions du fichier', key: 'ft', width: 14 },
    { header: 'dont réservataire renseigné', key: 'fa', width: 16 },
    { header: 'Part (fichier)', key: 'fp', width: 12, style: { numFmt: '0.0 %' } },
    { header: 'Baux dans Flux', key: 'xt', width: 12 },
    { header: 'dont réservataire connu', key: 'xa', width: 16 },
    { header: 'Part (Flux)', key: 'xp', width: 12, style: { numFmt: '0.0 %' } },
    { header: 'Rapprochées par numéro unique', key: 'rn', width: 16 },
    { header: 'Rapprochées par RPLS et date', key: 'rr', width: 16 },
    ...GENRES_ECART.map((g) => ({ header: LIBELLES_ECART[g], key: g, width: 16 })),
  ];
  entete(ind);
  for (const g of [...r.groupes, r.total]) {
    const row = ind.addRow({
      bailleur: g.bailleur,
      departement: g.departement ?? '',
      ft: g.fichier.total,
      fa: g.fichier.avecReservataire,
      fp: g.fichier.part,
      xt: g.flux.total,
      xa: g.flux.avecReservataire,
      xp: g.flux.part,
      rn: g.rapprocheesParNumero,
      rr: g.rapprocheesParRpls,
      ...Object.fromEntries(GENRES_ECART.map((k) => [k, g.ecarts[k] ?? 0])),
    });
    if (g === r.total) row.font = { bold: true };
  }
  ind.addRow([]);
  ind.addRow([
    `Année ${r.annee}${r.departement ? `, département ${r.departement}` : ''} — fichier ${r.fichier} ; ` +
      `rapprochement par numéro unique, sinon par numéro RPLS et date du bail à ${r.toleranceJours} jours près.`,
  ]);

  const ec = wb.addWorksheet('Écarts', { views: [{ state: 'frozen', ySplit: 1 }] });
  ec.columns = [
    { header: 'Écart', key: 'libelle', width: 34 },
    { header: 'Bailleur', key: 'bailleur', width: 30 },
    { header: 'Département', key: 'departement', width: 12 },
    { header: 'Ligne du fichier', key: 'ligne', width: 10 },
    { header: 'Numéro unique (fichier)', key: 'fn', width: 20 },
    { header: 'RPLS (fichier)', key: 'fr', width: 24 },
    { header: 'Date du bail (fichier)', key: 'fd', width: 14, style: { numFmt: 'dd/mm/yyyy' } },
    { header: 'Réservataire (fichier)', key: 'fres', width: 28 },
    { header: 'RPLS (Flux)', key: 'xr', width: 24 },
    { header: 'Commune (Flux)', key: 'xc', width: 12 },
    { header: 'Date du bail (Flux)', key: 'xd', width: 14, style: { numFmt: 'dd/mm/yyyy' } },
    { header: 'Numéro unique (Flux)', key: 'xn', width: 20 },
    { header: 'Réservataire (Flux)', key: 'xres', width: 30 },
  ];
  entete(ec);
  for (const e of r.ecarts)
    ec.addRow({
      libelle: e.libelle,
      bailleur: e.bailleur,
      departement: e.departement ?? '',
      ligne: e.fichier?.ligne ?? null,
      fn: e.fichier?.numeroUnique ?? '',
      fr: e.fichier?.rpls ?? '',
      fd: date(e.fichier?.date),
      fres: e.fichier?.reservataire ?? '',
      xr: e.flux?.rpls ?? '',
      xc: e.flux?.commune ?? '',
      xd: date(e.flux?.date),
      xn: e.flux?.numeroUnique ?? '',
      xres: e.flux?.reservataire ?? '',
    });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
