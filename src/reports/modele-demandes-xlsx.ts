/**
 * The demands template as an Excel workbook (docs/demandes.md): « Demandes », the template's
 * columns and its example row to replace — the numéro unique and the communes as text (their
 * leading zeros kept), the dates as dates, the counts as numbers, the same types given to the cells
 * the officer fills below — and « Mode d’emploi », what each column holds. The import reads the
 * first sheet only, so the instructions never travel as demands.
 */
import ExcelJS from 'exceljs';
import { MODELE_DEMANDES } from '../contracts/demandes.ts';
export const NOM_MODELE_DEMANDES_XLSX = 'modele-demandes.xlsx';

type Colonne = (typeof MODELE_DEMANDES)[number]['colonne'];

const DATES: ReadonlySet<Colonne> = new Set(['DATE_DEMANDE', 'DATE_RENOUVELLEMENT']);
const NOMBRES: ReadonlySet<Colonne> = new Set(['PERSONNES', 'ENFANTS_MOINS_14', 'RESSOURCES_ANNUELLES']);

/** A cell of the example row in its column's type: a JJ/MM/AAAA date as a date, a count as a number. */
function valeurExemple(colonne: Colonne, exemple: string): string | number | Date | null {
  if (exemple === '') return null;
  if (DATES.has(colonne)) {
    const [j, m, a] = exemple.split('/').map(Number);
    return new Date(Date.UTC(a!, m! - 1, j!));
  }
  return NOMBRES.has(colonne) ? Number(exemple) : exemple;
}

const format = (colonne: Colonne): string => (DATES.has(colonne) ? 'dd/mm/yyyy' : NOMBRES.has(colonne) ? '0' : '@');

function entete(ws: ExcelJS.Worksheet): void {
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

export async function classeurModeleDemandes(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const demandes = wb.addWorksheet('Demandes', { views: [{ state: 'frozen', ySplit: 1 }] });
  demandes.columns = MODELE_DEMANDES.map((c) => ({
    header: c.colonne,
    key: c.colonne,
    width: Math.max(14, c.colonne.length + 4),
    style: { numFmt: format(c.colonne) },
  }));
  entete(demandes);
  demandes.addRow(Object.fromEntries(MODELE_DEMANDES.map((c) => [c.colonne, valeurExemple(c.colonne, c.exemple)])));

  const aide = wb.addWorksheet('Mode d’emploi');
  aide.columns = [
    { header: 'Colonne', key: 'colonne', width: 24 },
    { header: 'Obligatoire', key: 'obligatoire', width: 12 },
    { header: 'Ce qu’elle contient', key: 'contenu', width: 90 },
    { header: 'Exemple', key: 'exemple', width: 20 },
  ];
  entete(aide);
  for (const c of MODELE_DEMANDES)
    aide.addRow({
      colonne: c.colonne,
      obligatoire: c.obligatoire ? 'oui' : 'non',
      contenu: c.contenu,
      exemple: c.exemple,
    });
  aide.addRow([]);
  aide.addRow([
    'Une ligne par demande, sur la première feuille, à la place de la ligne d’exemple. Une seule ligne invalide et rien n’est importé ; les autres colonnes (noms, adresses…) sont ignorées.',
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
