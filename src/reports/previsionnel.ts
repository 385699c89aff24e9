/**
 * The prévisionnel sent to the réservataires before 28 February (CCH R.441-5 I; issue 5 item 2):
 * the forecast flow, the forecast exclusions by category, each réservataire's entitlement with its
 * carry-over, the past flows and last year's results (exclusions and rehousing). As an XLSX workbook
 * and as a PDF (pdfkit, standard fonts, a bar chart of the past flows and the forecast).
 */
import ExcelJS from 'exceljs';
import type { ReponsePrevision } from '../contracts/prevision.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';
import { ouvrirPdf } from './pdf.ts';
import { dateFrancaise } from './statut-document.ts';

export { TYPE_XLSX } from './qualite-xlsx.ts';
export { TYPE_PDF } from './pdf.ts';

export function nomFichierPrevisionnel(p: ReponsePrevision, extension: 'xlsx' | 'pdf'): string {
  return `previsionnel-${p.annee}-${p.bailleur.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${p.departement}.${extension}`;
}

const nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const pourcent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 });

function entete(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
  row.alignment = { vertical: 'middle', wrapText: true };
}

export async function classeurPrevisionnel(p: ReponsePrevision): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);
  const s = wb.addWorksheet('Prévisionnel');
  s.columns = [{ width: 44 }, { width: 16 }, { width: 90 }];
  s.addRow([`Prévisionnel de flux ${p.annee}`]).font = { bold: true, size: 14 };
  s.addRow(['Bailleur', `${p.bailleur.nom} (${p.bailleur.id})`]);
  s.addRow(['Département', p.departement]);
  s.addRow(['Fenêtre d’observation', `${p.parametres.fenetre} an(s)`]);
  s.addRow(['Parc au 1er janvier (logements)', p.parc]);
  for (const prev of p.previsions) {
    s.addRow([]);
    entete(s.addRow([prev.libelle, 'Logements', 'Calcul']));
    s.addRow(['Remises en location', prev.remisesEnLocation.valeur, prev.remisesEnLocation.explication]);
    s.addRow([
      'Premières mises en location',
      prev.premieresMisesEnLocation.valeur,
      prev.premieresMisesEnLocation.explication,
    ]);
    s.addRow(['Flux brut', prev.fluxBrut.valeur, prev.fluxBrut.explication]).font = { bold: true };
    for (const e of prev.exclusions) s.addRow([`Exclusion prévue : ${e.libelle}`, e.valeur, e.explication]);
    s.addRow(['Total des exclusions', prev.totalExclusions.valeur, prev.totalExclusions.explication]);
    s.addRow(['Volume réservé aux relogements PRU/ANRU', prev.volumePru.valeur, prev.volumePru.explication]);
    s.addRow(['Flux net (base des droits)', prev.fluxNet.valeur, prev.fluxNet.explication]).font = { bold: true };
    for (const a of prev.avertissements) s.addRow(['Avertissement', '', a]);
  }
  s.getColumn(3).alignment = { wrapText: true, vertical: 'top' };

  const d = wb.addWorksheet('Droits');
  d.columns = [
    { width: 30 },
    { width: 40 },
    { width: 10 },
    { width: 14 },
    { width: 14 },
    { width: 14 },
    { width: 14 },
    { width: 80 },
  ];
  entete(
    d.addRow(['Périmètre', 'Réservataire', 'Taux', 'Droit du flux', 'Report', 'Droit prévu', 'Dont agents', 'Calcul']),
  );
  for (const prev of p.previsions) {
    for (const l of [...prev.droits.filter((x) => x.applicable), prev.bailleur]) {
      d.addRow([
        prev.libelle,
        l.nom,
        l.taux,
        l.droitFlux.valeur,
        l.report.valeur,
        l.droit.valeur,
        l.droitAgents?.valeur ?? null,
        l.droit.explication,
      ]);
    }
  }
  d.getColumn(3).numFmt = '0.00%';

  const h = wb.addWorksheet('Historique');
  const motifs = Object.keys(LIBELLES_EXCLUSION) as MotifExclusion[];
  h.columns = [
    { width: 10 },
    { width: 14 },
    { width: 14 },
    { width: 14 },
    ...motifs.map(() => ({ width: 16 })),
    { width: 14 },
  ];
  entete(
    h.addRow([
      'Année',
      'Source',
      'Disponibles',
      'Premières mises en location',
      ...motifs.map((m) => `Exclus : ${LIBELLES_EXCLUSION[m]}`),
      'Flux annuel',
    ]),
  );
  for (const a of p.historique) {
    h.addRow([
      a.annee,
      a.source === 'flux' ? (a.incomplete ? 'Flux (année en cours)' : 'Flux') : 'Saisi',
      a.disponibles,
      a.premieresMisesEnLocation,
      ...motifs.map((m) => a.exclus[m] ?? 0),
      a.fluxAnnuel,
    ]);
  }
  if (p.suiviPru.volume > 0 || p.suiviPru.realises > 0) {
    const r = wb.addWorksheet('Relogements PRU');
    r.columns = [{ width: 30 }, { width: 14 }, { width: 14 }];
    entete(r.addRow(['Qualification', 'Prévus', 'Réalisés']));
    r.addRow(['Volume total', p.suiviPru.volume, p.suiviPru.realises]).font = { bold: true };
    for (const t of p.suiviPru.parTypologie) r.addRow([`Typologie ${t.typologie}`, t.prevus, t.realises]);
    for (const c of p.suiviPru.parCommune) r.addRow([c.nom, c.prevus, c.realises]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Standard PDF fonts write WinAnsi: narrow spaces and the true minus sign are replaced. */
const pdfTexte = (s: string): string =>
  s
    .replace(/[\u202f\u2009]/g, '\u00a0')
    .replace(/\u2212/g, '\u2013')
    // A negative number: the en dash stands for the minus sign (WinAnsi has no U+2212).
    .replace(/(^|[\s([;:=×+/])-(?=\d)/g, '$1\u2013')
    .replace(/[≤]/g, '<=')
    .replace(/[≥]/g, '>=');

export function pdfPrevisionnel(p: ReponsePrevision, genereLe: string): Promise<Buffer> {
  const { doc, terminer } = ouvrirPdf({ titre: `Prévisionnel de flux ${p.annee} — ${p.bailleur.nom}`, marge: 48 });
  const t = (s: string, options?: PDFKit.Mixins.TextOptions) => doc.text(pdfTexte(s), options);
  const largeur = doc.page.width - 96;

  doc.font('Helvetica-Bold').fontSize(16);
  t(`Prévisionnel de flux ${p.annee}`);
  doc.font('Helvetica').fontSize(10).fillColor('#3a3a3a');
  t(
    `${p.bailleur.nom} — département ${p.departement} — établi le ${dateFrancaise(genereLe)} (CCH R.441-5 I : à transmettre aux réservataires avant le 28 février)`,
  );
  doc.moveDown();

  // Chart: the past flows (flux annuel) and the forecast net flow.
  const dep = p.previsions[0];
  const barres = [
    ...p.historique.map((a) => ({
      libelle: `${a.annee}${a.incomplete ? '*' : ''}`,
      valeur: a.fluxAnnuel,
      prevu: false,
    })),
    ...(dep ? [{ libelle: `${p.annee} (prévu)`, valeur: dep.fluxNet.valeur, prevu: true }] : []),
  ];
  if (barres.length) {
    doc.font('Helvetica-Bold').fontSize(12).fillColor('#000000');
    t('Flux annuel observé et flux net prévu');
    const haut = 120;
    const y0 = doc.y + 8;
    const max = Math.max(1, ...barres.map((b) => b.valeur));
    const pas = Math.min(80, largeur / barres.length);
    barres.forEach((b, i) => {
      const h = (b.valeur / max) * haut;
      const x = 48 + i * pas + 8;
      doc.rect(x, y0 + haut - h, pas - 16, h).fill(b.prevu ? '#6a6af4' : '#000091');
      doc.fillColor('#000000').font('Helvetica').fontSize(8);
      doc.text(pdfTexte(nombre.format(b.valeur)), x - 4, y0 + haut - h - 11, { width: pas - 8, align: 'center' });
      doc.text(pdfTexte(b.libelle), x - 4, y0 + haut + 3, { width: pas - 8, align: 'center' });
    });
    doc.x = 48;
    doc.y = y0 + haut + 18;
    if (p.historique.some((a) => a.incomplete)) {
      doc.fontSize(8);
      t('* année en cours : événements enregistrés à ce jour.');
    }
    doc.moveDown();
  }

  for (const prev of p.previsions) {
    doc.font('Helvetica-Bold').fontSize(12).fillColor('#000000');
    t(prev.libelle);
    doc.font('Helvetica').fontSize(9);
    const lignes: [string, number][] = [
      ['Remises en location', prev.remisesEnLocation.valeur],
      ['Premières mises en location', prev.premieresMisesEnLocation.valeur],
      ['Flux brut', prev.fluxBrut.valeur],
      ...prev.exclusions
        .filter((e) => e.valeur > 0)
        .map((e): [string, number] => [
          `Exclusion prévue : ${e.libelle} (${e.source === 'saisie' ? 'saisie' : 'moyenne'})`,
          e.valeur,
        ]),
      ['Volume réservé aux relogements PRU/ANRU', prev.volumePru.valeur],
      ['Flux net (base des droits)', prev.fluxNet.valeur],
    ];
    for (const [libelle, v] of lignes) {
      const y = doc.y;
      t(libelle, { width: largeur - 100 });
      doc.text(pdfTexte(nombre.format(v)), 48 + largeur - 90, y, { width: 90, align: 'right' });
      doc.x = 48;
    }
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold');
    t('Droits prévus par réservataire');
    doc.font('Helvetica');
    for (const l of [...prev.droits.filter((x) => x.applicable), prev.bailleur]) {
      const y = doc.y;
      t(`${l.nom} — ${pourcent.format(l.taux)}`, { width: largeur - 220 });
      doc.text(
        pdfTexte(
          `${nombre.format(l.droitFlux.valeur)} + report ${nombre.format(l.report.valeur)} = ${nombre.format(l.droit.valeur)}`,
        ),
        48 + largeur - 210,
        y,
        { width: 210, align: 'right' },
      );
      doc.x = 48;
    }
    for (const a of prev.avertissements) {
      doc.fillColor('#b34000');
      t(`Avertissement : ${a}`);
      doc.fillColor('#000000');
    }
    doc.moveDown();
  }

  const precedente = p.historique.find((a) => a.annee === p.annee - 1);
  if (precedente) {
    doc.font('Helvetica-Bold').fontSize(12);
    t(`Résultats ${precedente.annee} : logements exclus du flux et relogements`);
    doc.font('Helvetica').fontSize(9);
    t(
      `${nombre.format(precedente.disponibles)} logements disponibles, dont ${nombre.format(precedente.premieresMisesEnLocation)} premières mises en location ; flux annuel ${nombre.format(precedente.fluxAnnuel)}.`,
    );
    for (const [m, n] of Object.entries(precedente.exclus))
      if (n > 0) t(`${LIBELLES_EXCLUSION[m as MotifExclusion] ?? m} : ${nombre.format(n)}`);
  }
  return terminer();
}
