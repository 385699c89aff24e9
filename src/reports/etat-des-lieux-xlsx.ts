/**
 * The état des lieux of reservations as an XLSX workbook: « Synthèse » (the groups side by side with
 * the whole stock, the affordable share, the signatures of a locked version), one sheet per
 * dimension (counts and shares of each group), and « Logements » (the unit-level reservations).
 */
import ExcelJS from 'exceljs';
import {
  DIMENSIONS,
  LIBELLES_DIMENSIONS,
  partAbordable,
  type EtatDesLieux,
  type VersionEtat,
} from '../domain/etat-des-lieux.ts';
import { dateFrancaise } from './statut-document.ts';

export { TYPE_XLSX } from './qualite-xlsx.ts';

const NATURES_RESERVATION: Record<string, string> = {
  reserve: 'Réservé',
  droit_unique: 'Droit unique',
  aucune: 'Non réservé',
};

export function nomFichierEtat(bailleurId: string, departement: string, suffixe: string): string {
  return `etat-des-lieux-${bailleurId.replace(/[^A-Za-z0-9_-]/g, '_')}-${departement}-${suffixe.replace(/[^A-Za-z0-9_-]/g, '_')}.xlsx`;
}

function entete(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

export async function classeurEtatDesLieux(etat: EtatDesLieux, version: VersionEtat | null): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const ensemble = etat.groupes.find((g) => g.nature === 'ensemble')!;

  const s = wb.addWorksheet('Synthèse');
  s.columns = [{ width: 34 }, { width: 16 }, { width: 14 }, { width: 16 }, { width: 22 }, { width: 16 }];
  s.addRow(['État des lieux des réservations']).font = { bold: true, size: 14 };
  s.addRow(['Bailleur', `${etat.bailleur.nom} (${etat.bailleur.id})`]);
  s.addRow(['Département', etat.departement]);
  s.addRow(['Date de la photographie', dateFrancaise(etat.date)]);
  s.addRow([
    'Version',
    version
      ? `version ${version.version} verrouillée le ${version.verrouilleLe.slice(0, 10)} par ${version.verrouillePar}`
      : 'non verrouillée (photographie du jour)',
  ]);
  if (version) s.addRow(['Empreinte (SHA-256)', version.empreinte]);
  s.addRow([
    'Plafonds APL',
    etat.bareme
      ? `${etat.bareme.source}, depuis le ${dateFrancaise(etat.bareme.du)}`
      : 'aucun barème en vigueur à cette date',
  ]);
  s.addRow([
    'Ménage retenu par typologie',
    Object.entries(etat.menages)
      .map(([t, m]) => `${t} : ${m}`)
      .join(' ; '),
  ]);
  s.addRow([]);
  const h = s.addRow([
    'Groupe',
    'Logements',
    'Part du parc',
    'Droits uniques',
    'Part abordable (loyer ≤ plafond APL)',
    'Loyer ou zone inconnus',
  ]);
  entete(h);
  for (const g of etat.groupes) {
    const inconnus = (g.mixes.abordable['loyer-inconnu'] ?? 0) + (g.mixes.abordable['zone-inconnue'] ?? 0);
    s.addRow([
      g.libelle,
      g.logements,
      ensemble.logements ? g.logements / ensemble.logements : 0,
      g.droitsUniques,
      partAbordable(g),
      inconnus,
    ]);
  }
  s.getColumn(3).numFmt = '0.0%';
  s.getColumn(5).numFmt = '0.0%';
  if (version) {
    s.addRow([]);
    entete(s.addRow(['Partie', 'Signée le', 'Par']));
    for (const p of version.parties)
      s.addRow([p.nom, p.signeLe ? p.signeLe.slice(0, 10) : 'en attente', p.signataire ?? '']);
  }

  for (const d of DIMENSIONS) {
    const ws = wb.addWorksheet(LIBELLES_DIMENSIONS[d].slice(0, 31), {
      views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
    });
    ws.columns = [{ width: 36 }, ...etat.groupes.flatMap(() => [{ width: 14 }, { width: 10 }])];
    entete(ws.addRow([LIBELLES_DIMENSIONS[d], ...etat.groupes.flatMap((g) => [g.libelle, '%'])]));
    for (const m of etat.modalites[d]) {
      ws.addRow([
        etat.libelles[d][m] ?? m,
        ...etat.groupes.flatMap((g) => [g.mixes[d][m] ?? 0, g.logements ? (g.mixes[d][m] ?? 0) / g.logements : 0]),
      ]);
    }
    const total = ws.addRow(['Total', ...etat.groupes.flatMap((g) => [g.logements, g.logements ? 1 : 0])]);
    total.font = { bold: true };
    etat.groupes.forEach((_, i) => (ws.getColumn(3 + 2 * i).numFmt = '0.0%'));
  }

  const noms = new Map(etat.groupes.map((g) => [g.id, g.libelle]));
  const ul = wb.addWorksheet('Logements', { views: [{ state: 'frozen', ySplit: 1 }] });
  ul.columns = [
    { width: 40 },
    { width: 16 },
    { width: 16 },
    { width: 34 },
    { width: 22 },
    { width: 10 },
    { width: 10 },
    { width: 12 },
    { width: 8 },
  ];
  entete(
    ul.addRow([
      'Logement',
      'RPLS',
      'Réservation',
      'Réservataire',
      'Programme',
      'Commune',
      'Typologie',
      'Financement',
      'QPV',
    ]),
  );
  for (const [id, rpls, reservation, reservataire, programme, commune, typologie, financement, qpv] of etat.unites) {
    ul.addRow([
      id,
      rpls,
      reservation ? NATURES_RESERVATION[reservation] : 'Inconnue',
      reservataire ? (noms.get(reservataire) ?? reservataire) : '',
      programme ?? '',
      commune,
      typologie,
      financement,
      qpv ? 'oui' : 'non',
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
