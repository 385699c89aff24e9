/**
 * The convention document as an editable DOCX (WordprocessingML, ADR 0043): the same title,
 * articles and annexes as the PDF, with Word's built-in heading styles so the parties can rework it
 * in their word processor. Written by hand (a handful of XML parts in a ZIP): no dependency.
 */
import type { DocumentConvention } from '../domain/convention-document.ts';
import { zip } from './zip.ts';

export const TYPE_DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function paragraphe(texte: string, style?: string, italique = false): string {
  const pPr = style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : '';
  const rPr = italique ? '<w:rPr><w:i/></w:rPr>' : '';
  return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${xml(texte)}</w:t></w:r></w:p>`;
}

function tableau(colonnes: string[], lignes: string[][]): string {
  const cellule = (t: string, gras: boolean) =>
    `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p><w:r>${gras ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${xml(t)}</w:t></w:r></w:p></w:tc>`;
  const bord = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
    .map((b) => `<w:${b} w:val="single" w:sz="4" w:space="0" w:color="808080"/>`)
    .join('');
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>${bord}</w:tblBorders></w:tblPr>${[
    `<w:tr>${colonnes.map((c) => cellule(c, true)).join('')}</w:tr>`,
    ...lignes.map((l) => `<w:tr>${l.map((c) => cellule(c, false)).join('')}</w:tr>`),
  ].join('')}</w:tbl>`;
}

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Marianne" w:hAnsi="Marianne" w:cs="Arial"/><w:sz w:val="21"/><w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="left"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:jc w:val="left"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
</w:styles>`;

export function docxConvention(d: DocumentConvention, empreinte: string): Buffer {
  const corps = [
    paragraphe(d.titre, 'Title'),
    ...d.entete.map((l) => paragraphe(l)),
    paragraphe(`Empreinte SHA-256 du document signé par les parties : ${empreinte}`, undefined, true),
    ...d.articles.flatMap((a) => [
      paragraphe(`Article ${a.numero} — ${a.titre}`, 'Heading1'),
      ...a.alineas.map((al) => paragraphe(al)),
      paragraphe(`Textes appliqués : ${a.references.join(', ')}`, undefined, true),
    ]),
    ...d.annexes.flatMap((x) => [
      paragraphe(x.titre, 'Heading1'),
      ...x.alineas.map((al) => paragraphe(al)),
      ...(x.tableau ? [tableau(x.tableau.colonnes, x.tableau.lignes), paragraphe('')] : []),
    ]),
  ].join('');
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${corps}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>`;
  const types = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`;
  const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`;
  const docRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
  const core = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${xml(d.titre)}</dc:title><dc:creator>Flux</dc:creator><dc:language>fr-FR</dc:language></cp:coreProperties>`;
  const b = (s: string) => Buffer.from(s, 'utf8');
  return zip([
    { nom: '[Content_Types].xml', contenu: b(types) },
    { nom: '_rels/.rels', contenu: b(rels) },
    { nom: 'word/document.xml', contenu: b(document) },
    { nom: 'word/_rels/document.xml.rels', contenu: b(docRels) },
    { nom: 'word/styles.xml', contenu: b(STYLES) },
    { nom: 'docProps/core.xml', contenu: b(core) },
  ]);
}

/** A file name for the document (no internal id: the parties and the department). */
export function nomFichierConvention(d: { bailleur: string; reservataire: string; departement: string }, ext: string) {
  const mot = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase();
  return `convention-${mot(d.bailleur)}-${mot(d.reservataire)}-${d.departement}.${ext}`;
}
