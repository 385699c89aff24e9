/**
 * The PDF documents' common setup (bilan, simulation, prévisionnel, procès-verbal, convention): an
 * A4 PDFKit document whose bytes depend on its content only — the creation date is the epoch, the
 * author « Flux » — and its bytes gathered as it is written, handed back once it is ended.
 */
import PDFDocument from 'pdfkit';

export const TYPE_PDF = 'application/pdf';

export interface OuverturePdf {
  /** The document's title (its metadata, shown by a reader's window). */
  titre: string;
  /** The page margin, in points. */
  marge: number;
  paysage?: boolean | undefined;
  /** Compressed content streams (default); tests read the text of uncompressed ones. */
  compresser?: boolean | undefined;
  /** Keeps the pages in memory until the end (to write on every page afterwards). */
  pagesEnMemoire?: boolean | undefined;
}

export interface DocumentPdf {
  doc: PDFKit.PDFDocument;
  /** Ends the document; resolves with its bytes. */
  terminer(): Promise<Buffer>;
}

export function ouvrirPdf(o: OuverturePdf): DocumentPdf {
  const doc = new PDFDocument({
    size: 'A4',
    ...(o.paysage ? { layout: 'landscape' as const } : {}),
    margin: o.marge,
    compress: o.compresser ?? true,
    ...(o.pagesEnMemoire ? { bufferPages: true } : {}),
    info: { Title: o.titre, Author: 'Flux', CreationDate: new Date(0) },
  });
  const morceaux: Buffer[] = [];
  doc.on('data', (x: Buffer) => morceaux.push(x));
  const fini = new Promise<Buffer>((ok) => doc.on('end', () => ok(Buffer.concat(morceaux))));
  return {
    doc,
    terminer: () => {
      doc.end();
      return fini;
    },
  };
}

/** A table row's background: from `x`, across the columns' widths, one point above `y`. */
export function fondDeLigne(
  doc: PDFKit.PDFDocument,
  x: number,
  y: number,
  largeurs: readonly number[],
  hauteur: number,
  couleur: string,
): void {
  doc
    .rect(
      x,
      y - 1,
      largeurs.reduce((a, l) => a + l, 0),
      hauteur,
    )
    .fill(couleur);
}
