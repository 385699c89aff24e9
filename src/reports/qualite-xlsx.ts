/**
 * The data-quality report as an XLSX workbook: a « Synthèse » sheet (the controls and the indicator)
 * and one sheet per control that found units, listing them. French headers, set column widths, the
 * header row frozen.
 */
import ExcelJS from 'exceljs';
import { REGLES, type CodeControle, type QualiteComplete } from '../domain/qualite.ts';

export const TYPE_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The headers of the « Synthèse » sheet, in order. */
export const ENTETES_SYNTHESE = [
  'Contrôle',
  'Libellé',
  'Gravité',
  'Logements concernés',
  'Part du parc',
  'Exemples (identifiants)',
] as const;

const GRAVITES = { erreur: 'Erreur', avertissement: 'Avertissement' } as const;

/** "Qualité des données — HLD — 2026-11-29.xlsx" without characters a file system may refuse. */
export function nomFichierQualite(bailleurId: string, jour: string): string {
  return `qualite-des-donnees-${bailleurId.replace(/[^A-Za-z0-9_-]/g, '_')}-${jour}.xlsx`;
}

function entete(ws: ExcelJS.Worksheet): void {
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

export async function classeurQualite(q: QualiteComplete): Promise<Buffer> {
  const { rapport } = q;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);

  const synthese = wb.addWorksheet('Synthèse', { views: [{ state: 'frozen', ySplit: 1 }] });
  synthese.columns = [
    { header: ENTETES_SYNTHESE[0], key: 'code', width: 24 },
    { header: ENTETES_SYNTHESE[1], key: 'libelle', width: 70 },
    { header: ENTETES_SYNTHESE[2], key: 'gravite', width: 16 },
    { header: ENTETES_SYNTHESE[3], key: 'nombre', width: 20 },
    { header: ENTETES_SYNTHESE[4], key: 'part', width: 14 },
    { header: ENTETES_SYNTHESE[5], key: 'exemples', width: 60 },
  ];
  entete(synthese);
  for (const c of rapport.controles) {
    synthese.addRow({
      code: c.code,
      libelle: c.libelle,
      gravite: GRAVITES[c.gravite],
      nombre: c.nombre,
      part: rapport.totalLogements ? c.nombre / rapport.totalLogements : 0,
      exemples: c.exemples.join(', '),
    });
  }
  synthese.getColumn('part').numFmt = '0.0%';
  synthese.getColumn('libelle').alignment = { wrapText: true, vertical: 'top' };
  const i = rapport.indicateurs.partAttributionsReservataireConnu;
  synthese.addRow([]);
  synthese.addRow(['Bailleur', `${rapport.bailleur.nom} (${rapport.bailleur.id})`]);
  synthese.addRow(['Logements contrôlés', rapport.totalLogements]);
  const ligneIndicateur = synthese.addRow([
    'Indicateur',
    `Part des attributions ${i.annee} (baux signés) dont le réservataire est connu`,
    '',
    `${i.numerateur} / ${i.denominateur}`,
    i.realise ?? 'sans objet',
  ]);
  if (i.realise !== null) ligneIndicateur.getCell(5).numFmt = '0.0%';
  synthese.addRow(['Référence', i.reference]);

  const colonnesDetail: Partial<ExcelJS.Column>[] = [
    { header: 'Identifiant', key: 'id', width: 22 },
    { header: 'N° RPLS', key: 'rpls', width: 18 },
    { header: 'Département', key: 'departement', width: 13 },
    { header: 'Commune (INSEE)', key: 'commune', width: 16 },
    { header: 'QPV', key: 'qpv', width: 12 },
    { header: 'Typologie', key: 'typologie', width: 11 },
    { header: 'Financement', key: 'financement', width: 13 },
    { header: 'Construction', key: 'construction', width: 13 },
    { header: 'Surface (m²)', key: 'surface', width: 13 },
    { header: 'Conventionné', key: 'conventionne', width: 14 },
    { header: 'Absent du RPLS depuis l’import', key: 'absent', width: 30 },
  ];
  for (const code of Object.keys(REGLES) as CodeControle[]) {
    const ids = q.enDefaut.get(code) ?? [];
    if (ids.length === 0) continue;
    // A sheet name: at most 31 characters (the codes are shorter).
    const ws = wb.addWorksheet(code.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = colonnesDetail;
    entete(ws);
    for (const id of ids) {
      const l = q.logements.get(id);
      ws.addRow({
        id,
        rpls: l?.rpls ?? '',
        departement: l?.departement ?? '',
        commune: l?.commune ?? '',
        qpv: l?.qpv ?? '',
        typologie: l?.typologie ?? '',
        financement: l?.financement ?? '',
        construction: l?.construction ?? '',
        surface: l?.surface ?? '',
        conventionne: l?.conventionne === true ? 'oui' : l?.conventionne === false ? 'non' : 'non renseigné',
        absent: l?.absentRplsDepuis ?? '',
      });
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
