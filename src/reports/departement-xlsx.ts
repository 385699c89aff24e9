/**
 * The State pilot's départemental view as an XLSX workbook (issue 14 item 3): one sheet per table —
 * bailleurs (the State's share, CCH R.441-5-2 I), communes (R.441-5-2 II), conventions, missing or
 * caduque conventions, drafts awaiting the CIL's review or signature. French headers, set widths,
 * the header row frozen, rates as percentages.
 */
import ExcelJS from 'exceljs';
import type { VueDepartementaleApi } from '../contracts/territoire.ts';

export { TYPE_XLSX } from './qualite-xlsx.ts';

/** « vue-departementale-45-2026.xlsx ». */
export function nomFichierDepartement(departement: string, annee: number): string {
  return `vue-departementale-${departement.replace(/[^A-Za-z0-9]/g, '_')}-${annee}.xlsx`;
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

export async function classeurDepartement(v: VueDepartementaleApi): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);

  const b = feuille(wb, 'Bailleurs', [
    { header: 'Bailleur', key: 'nom', width: 36 },
    { header: 'Logements', key: 'logements', width: 12 },
    { header: `Flux annuel ${v.annee}`, key: 'flux', width: 14 },
    { header: 'Conventions', key: 'conventions', width: 13 },
    { header: 'Taux de l’État', key: 'taux', width: 14 },
    { header: 'dont agents de l’État', key: 'agents', width: 14 },
    { header: `Droit de l’État ${v.annee}`, key: 'droit', width: 16 },
    { header: 'Décomptés', key: 'decomptes', width: 12 },
    { header: 'Part du flux orientée à l’État', key: 'part', width: 18 },
  ]);
  for (const x of v.bailleurs)
    b.addRow({
      nom: x.bailleur.nom,
      logements: x.logements,
      flux: x.fluxAnnuel,
      conventions: x.conventions,
      taux: x.etat?.taux ?? 'aucune convention',
      agents: x.etat?.tauxAgents ?? '',
      droit: x.etat?.droit ?? '',
      decomptes: x.etat?.decomptes ?? '',
      part: x.partEtatRealisee ?? '',
    });
  for (const k of ['taux', 'agents', 'part']) b.getColumn(k).numFmt = '0.0%';
  b.getColumn('droit').numFmt = '0.0';

  const c = feuille(wb, 'Communes', [
    { header: 'Commune', key: 'nom', width: 30 },
    { header: 'Code INSEE', key: 'code', width: 12 },
    { header: `Flux orienté ${v.annee}`, key: 'flux', width: 14 },
    { header: 'Orientés à l’État', key: 'etat', width: 14 },
    { header: 'Part de l’État', key: 'part', width: 14 },
    { header: 'Taux de l’État attendu', key: 'attendu', width: 18 },
  ]);
  for (const x of v.communes)
    c.addRow({
      nom: x.nom,
      code: x.commune,
      flux: x.fluxAnnuel,
      etat: x.orientesEtat,
      part: x.partEtat ?? '',
      attendu: x.tauxEtatAttendu ?? '',
    });
  for (const k of ['part', 'attendu']) c.getColumn(k).numFmt = '0.0%';

  const cv = feuille(wb, 'Conventions', [
    { header: 'Bailleur', key: 'bailleur', width: 32 },
    { header: 'Réservataire', key: 'reservataire', width: 32 },
    { header: 'Taux en vigueur', key: 'taux', width: 14 },
    { header: 'Forme', key: 'forme', width: 16 },
    { header: 'Statut', key: 'statut', width: 22 },
  ]);
  for (const x of v.conventions)
    cv.addRow({
      bailleur: x.bailleur.nom,
      reservataire: x.reservataire.nom,
      taux: x.taux ?? '',
      forme: x.forme,
      statut: x.statut,
    });
  cv.getColumn('taux').numFmt = '0.0%';

  const m = feuille(wb, 'À régulariser', [
    { header: 'Bailleur', key: 'bailleur', width: 32 },
    { header: 'Réservataire', key: 'reservataire', width: 32 },
    { header: 'Constat', key: 'message', width: 90 },
  ]);
  for (const x of v.manques)
    m.addRow({ bailleur: x.bailleur.nom, reservataire: x.reservataire?.nom ?? 'État', message: x.message });
  m.getColumn('message').alignment = { wrapText: true, vertical: 'top' };

  const p = feuille(wb, 'Projets', [
    { header: 'Bailleur', key: 'bailleur', width: 32 },
    { header: 'Réservataire', key: 'reservataire', width: 32 },
    { header: 'Taux proposé', key: 'taux', width: 14 },
    { header: 'Date d’effet', key: 'effet', width: 14 },
    { header: 'Statut', key: 'statut', width: 34 },
    { header: 'Avis des CIL', key: 'avis', width: 60 },
  ]);
  for (const x of v.projets)
    p.addRow({
      bailleur: x.bailleur.nom,
      reservataire: x.reservataire.nom,
      taux: x.taux,
      effet: x.effectifLe,
      statut: x.statut,
      avis: x.avisCil
        .map(
          (a) =>
            `${a.epciNom} : ${a.avis === null ? 'attendu' : a.avis === 'favorable' ? 'favorable' : `réservé (${a.motifs ?? ''})`}`,
        )
        .join(' ; '),
    });
  p.getColumn('taux').numFmt = '0.0%';
  return Buffer.from(await wb.xlsx.writeBuffer());
}
