/**
 * The convention document as a PDF (pdfkit, standard fonts; ADR 0043): the title, the preamble, the
 * ten articles with the texts they apply, the two annexes, and the fingerprint the parties sign.
 * Deterministic (no creation date inside): the same document gives the same bytes.
 */
import { ouvrirPdf } from './pdf.ts';
import type { DocumentConvention } from '../domain/convention-document.ts';

export { TYPE_PDF } from './pdf.ts';

/** Standard PDF fonts write WinAnsi: narrow spaces and signs outside it are replaced. */
const pdfTexte = (s: string): string =>
  s
    .replace(/[\u202f\u2009]/g, '\u00a0')
    .replace(/\u2212/g, '\u2013')
    .replace(/[≤]/g, '<=')
    .replace(/[≥]/g, '>=')
    .replace(/[→]/g, '->');

export function pdfConvention(d: DocumentConvention, empreinte: string): Promise<Buffer> {
  const { doc, terminer } = ouvrirPdf({ titre: pdfTexte(d.titre), marge: 56 });
  const t = (texte: string, options?: PDFKit.Mixins.TextOptions) => doc.text(pdfTexte(texte), options);

  doc.font('Helvetica-Bold').fontSize(16);
  t(d.titre);
  doc.font('Helvetica').fontSize(10).fillColor('#3a3a3a');
  for (const l of d.entete) t(l);
  t(`Empreinte SHA-256 du document signé par les parties : ${empreinte}`);
  doc.fillColor('#000000').moveDown();
  for (const a of d.articles) {
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12);
    t(`Article ${a.numero} — ${a.titre}`);
    doc.font('Helvetica').fontSize(10);
    for (const al of a.alineas) t(al, { align: 'justify', paragraphGap: 3 });
    doc.font('Helvetica-Oblique').fontSize(8).fillColor('#3a3a3a');
    t(`Textes appliqués : ${a.references.join(', ')}`);
    doc.fillColor('#000000').moveDown(0.6);
  }
  for (const x of d.annexes) {
    if (doc.y > doc.page.height - 160) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12);
    t(x.titre);
    doc.font('Helvetica').fontSize(10);
    for (const al of x.alineas) t(al, { paragraphGap: 3 });
    if (x.tableau) {
      doc.font('Helvetica-Bold');
      t(x.tableau.colonnes.join(' — '));
      doc.font('Helvetica');
      for (const l of x.tableau.lignes) t(l.join(' : '));
    }
    doc.moveDown(0.6);
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(11);
  t('Signatures des parties');
  doc.font('Helvetica').fontSize(9);
  t(
    'Chaque partie signe dans Flux l’empreinte du document qu’elle a lu ; le registre du projet dit qui a signé quelle empreinte, et quand.',
  );
  return terminer();
}
