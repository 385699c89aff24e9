/**
 * The annual bilan (CCH R.441-5-1) as a PDF (pdfkit, A4, standard fonts, in French): title,
 * bailleur, département, year and date of edition; the flow of the year and its exclusions; the
 * ledger per line; two charts drawn as vector graphics (per line, the entitlement beside the units
 * counted; per line, the typology mix received beside the mix of the flow); the breakdowns by
 * dimension (units proposed / allocated per line and value); the rehousing results and the
 * allocation objectives. Every block checks the room left on the page first.
 */
import { DIMENSIONS_BILAN, LIBELLES_DIMENSIONS_BILAN, type BilanAnnuel } from '../domain/bilan.ts';
import { TYPOLOGIES } from '../domain/types.ts';
import { fondDeLigne, ouvrirPdf } from './pdf.ts';
import { dateFrancaise, mentionStatut, type StatutDocument } from './statut-document.ts';
import { fluxAutresValeurs, LIBELLE_AUTRES_VALEURS, objectifsLibelles } from './bilan-xlsx.ts';

export { TYPE_PDF } from './pdf.ts';

const nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pourcent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 });
const COULEURS = [
  '#000091',
  '#6a6af4',
  '#e1000f',
  '#009081',
  '#c3992a',
  '#a558a0',
  '#ff9575',
  '#417dc4',
  '#7f7f7f',
  '#ce614a',
  '#34cb6a',
  '#fcc63a',
];

/** Standard PDF fonts write WinAnsi: narrow spaces, the true minus sign and ≤ ≥ are replaced. */
const pdfTexte = (s: string): string =>
  s
    .replace(/[\u202f\u2009]/g, '\u00a0')
    .replace(/\u2212/g, '\u2013')
    // A negative number: the en dash stands for the minus sign (WinAnsi has no U+2212).
    .replace(/(^|[\s([;:=×+/])-(?=\d)/g, '$1\u2013')
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=');

export interface OptionsPdf {
  /** Uncompressed content streams (tests read the text); default compressed. */
  compresser?: boolean;
  /** Issued version or provisional figures; without it, the document is « provisoire ». */
  statut?: StatutDocument;
}

export function titreBilan(b: Pick<BilanAnnuel, 'annee'>): string {
  return `Bilan annuel ${b.annee} des logements proposés et attribués`;
}

export function pdfBilan(b: BilanAnnuel, editeLe: string, options: OptionsPdf = {}): Promise<Buffer> {
  const statut: StatutDocument = options.statut ?? { etat: 'provisoire', derniere: null };
  const provisoire = statut.etat === 'provisoire';
  const marge = 42;
  const { doc, terminer } = ouvrirPdf({
    titre: `${titreBilan(b)} — ${b.bailleur.nom} — ${b.departement}${provisoire ? ' (provisoire)' : ''}`,
    marge,
    compresser: options.compresser,
    pagesEnMemoire: true,
  });
  const largeur = doc.page.width - 2 * marge;
  const bas = () => doc.page.height - marge;
  /** Starts a new page when fewer than `h` points are left. */
  const place = (h: number) => {
    if (doc.y + h > bas()) doc.addPage();
  };
  const t = (s: string, o?: PDFKit.Mixins.TextOptions) => doc.text(pdfTexte(s), o);
  const titre2 = (s: string) => {
    place(60);
    doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor('#000091');
    doc.x = marge;
    t(s);
    doc.font('Helvetica').fontSize(8).fillColor('#000000').moveDown(0.3);
  };

  /** A table: the first column left-aligned, the others right-aligned; the header repeats on a new page. */
  const tableau = (
    entetes: string[],
    lignes: string[][],
    largeurs: number[],
    gras: (i: number) => boolean = () => false,
  ) => {
    const hLigne = 12;
    const ecrireLigne = (cells: string[], enGras: boolean, fond: string | null) => {
      const y = doc.y;
      const hauteur = Math.max(
        hLigne,
        ...cells.map(
          (c, i) =>
            doc.font(enGras ? 'Helvetica-Bold' : 'Helvetica').heightOfString(pdfTexte(c), { width: largeurs[i]! - 4 }) +
            3,
        ),
      );
      if (fond) fondDeLigne(doc, marge, y, largeurs, hauteur, fond);
      doc.fillColor('#000000').font(enGras ? 'Helvetica-Bold' : 'Helvetica');
      let x = marge;
      cells.forEach((c, i) => {
        doc.text(pdfTexte(c), x + 2, y + 1, { width: largeurs[i]! - 4, align: i === 0 ? 'left' : 'right' });
        x += largeurs[i]!;
      });
      doc.x = marge;
      doc.y = y + hauteur;
    };
    doc.fontSize(7.5);
    place(2 * hLigne + 14);
    ecrireLigne(entetes, true, '#e3e3fd');
    lignes.forEach((l, i) => {
      if (doc.y + hLigne + 12 > bas()) {
        doc.addPage();
        doc.fontSize(7.5);
        ecrireLigne(entetes, true, '#e3e3fd');
      }
      ecrireLigne(l, gras(i), i % 2 ? '#f6f6f6' : null);
    });
    doc.fontSize(8).moveDown(0.3);
  };

  // ——— title ———
  doc.font('Helvetica-Bold').fontSize(16).fillColor('#000000');
  t(titreBilan(b));
  doc.font('Helvetica').fontSize(10).fillColor('#3a3a3a');
  t(`${b.bailleur.nom} — département ${b.departement} — année ${b.annee}`);
  t(
    `Édité le ${dateFrancaise(editeLe)} par Flux. CCH R.441-5-1 : bilan transmis par le bailleur à chaque réservataire avant le 28 février.`,
  );
  doc.font('Helvetica-Bold').fillColor(provisoire ? '#ce0500' : '#18753c');
  t(mentionStatut(statut));
  doc.font('Helvetica').fillColor('#3a3a3a');
  if (b.lignes.length === 1 && b.lignes[0]!.ligne !== 'BAILLEUR')
    t(`Bilan restreint à la ligne de ${b.lignes[0]!.nom}.`);
  doc.fillColor('#000000');

  // ——— flow and exclusions ———
  titre2('Flux de l’année et logements exclus');
  const lignesFlux: string[][] = [
    ['Logements disponibles (remises en location et premières mises en location)', nombre.format(b.flux.disponibles)],
    ['dont premières mises en location', nombre.format(b.flux.premieresMisesEnLocation)],
    ...b.exclusions.map((e) => [`Exclus : ${e.libelle}`, nombre.format(e.logements)]),
    ['Flux annuel (base des droits)', nombre.format(b.flux.fluxAnnuel)],
  ];
  tableau(['Catégorie', 'Logements'], lignesFlux, [largeur - 90, 90], (i) => i === lignesFlux.length - 1);
  if (!b.exclusions.length) t('Aucun logement exclu du flux cette année.');

  // ——— ledger ———
  titre2('Bilan par ligne (réservataire)');
  // Short headers (≈ 33 points a column on A4 portrait), spelt out in the note under the table.
  const colonnes = [
    'Taux',
    'Droit',
    'Prop.',
    'Cand.',
    'Attr.',
    'Baux',
    'Échecs',
    'Tour',
    'Décpt.',
    'En cours',
    'Solde',
    'Report',
  ];
  const lc = (largeur - 120) / colonnes.length;
  tableau(
    ['Ligne', ...colonnes],
    b.lignes.map((l) => [
      l.nom,
      pourcent.format(l.taux),
      decimal.format(l.droit),
      ...[l.misADisposition, l.proposes, l.attribues, l.bauxSignes, l.echecs, l.pourUnTour, l.decomptes, l.enCours].map(
        (n) => nombre.format(n),
      ),
      decimal.format(l.solde),
      decimal.format(l.reportAnneeSuivante),
    ]),
    [120, ...colonnes.map(() => lc)],
  );
  t(
    'Prop. : logements proposés (mis à disposition de la ligne) ; Cand. : avec candidats proposés ; Attr. : attribués en CAL ; Baux : baux signés ; Tour : loués par le bailleur pour un tour ; ' +
      'Décpt. : décomptés du droit selon la règle de la convention ; En cours : au 31 décembre ; solde = décomptés − droit ; report : sur l’année suivante.',
  );

  // ——— chart 1: entitlement vs counted, per line ———
  if (b.lignes.length) {
    titre2('Droit et logements décomptés, par ligne');
    const pas = 26;
    const hauteur = b.lignes.length * pas + 24;
    place(hauteur);
    const y0 = doc.y;
    const gauche = marge + 150;
    const w = largeur - 150 - 40;
    const max = Math.max(1, ...b.lignes.flatMap((l) => [l.droit, l.decomptes]));
    b.lignes.forEach((l, i) => {
      const y = y0 + i * pas;
      doc
        .fillColor('#000000')
        .fontSize(7.5)
        .text(pdfTexte(l.nom), marge, y + 4, { width: 145, height: 20, ellipsis: true });
      doc.rect(gauche, y, (l.droit / max) * w, 9).fill('#6a6af4');
      doc.rect(gauche, y + 10, (l.decomptes / max) * w, 9).fill('#000091');
      doc.fillColor('#000000').fontSize(7);
      doc.text(decimal.format(l.droit), gauche + (l.droit / max) * w + 3, y + 1, { lineBreak: false });
      doc.text(nombre.format(l.decomptes), gauche + (l.decomptes / max) * w + 3, y + 11, { lineBreak: false });
    });
    const yl = y0 + b.lignes.length * pas + 4;
    doc.rect(gauche, yl, 8, 8).fill('#6a6af4');
    doc
      .fillColor('#000000')
      .fontSize(7.5)
      .text('Droit', gauche + 12, yl, { lineBreak: false });
    doc.rect(gauche + 70, yl, 8, 8).fill('#000091');
    doc.fillColor('#000000').text('Décomptés', gauche + 82, yl, { lineBreak: false });
    doc.x = marge;
    doc.y = yl + 16;
  }

  // ——— chart 2: typology mix received per line vs the flow's mix ———
  const typo = b.dimensions.typologie;
  // Every typology of the flow (a réservataire's bilan lists only those it received).
  const typologies = [
    ...TYPOLOGIES.filter((v) => v in typo.flux),
    ...Object.keys(typo.flux).filter((v) => !(TYPOLOGIES as readonly string[]).includes(v)),
  ];
  if (typologies.length) {
    titre2('Typologies reçues par chaque ligne et typologies du flux (en % des logements)');
    const series = [
      { nom: 'Flux de l’année (libérés)', valeurs: typo.flux },
      ...b.lignes.map((l) => ({
        nom: l.nom,
        valeurs: Object.fromEntries(
          Object.entries(typo.parLigne[l.ligne] ?? {}).map(([v, c]) => [v, c.misADisposition]),
        ),
      })),
    ];
    const pas = 18;
    place(series.length * pas + 30);
    const y0 = doc.y;
    const gauche = marge + 150;
    const w = largeur - 150;
    series.forEach((s, i) => {
      const y = y0 + i * pas;
      const total = typologies.reduce((a, v) => a + (s.valeurs[v] ?? 0), 0);
      doc
        .fillColor('#000000')
        .fontSize(7.5)
        .text(pdfTexte(s.nom), marge, y + 3, { width: 145, height: 12, ellipsis: true });
      let x = gauche;
      if (total === 0) doc.rect(gauche, y, w, 12).dash(3, { space: 2 }).stroke('#929292').undash();
      typologies.forEach((v, j) => {
        const n = s.valeurs[v] ?? 0;
        if (!n || !total) return;
        const lw = (n / total) * w;
        doc.rect(x, y, lw, 12).fill(COULEURS[j % COULEURS.length]!);
        if (lw > 22)
          doc
            .fillColor('#ffffff')
            .fontSize(6.5)
            .text(pourcent.format(n / total), x + 1, y + 3, { width: lw - 2, align: 'center', lineBreak: false });
        x += lw;
      });
    });
    let x = gauche;
    const yl = y0 + series.length * pas + 4;
    typologies.forEach((v, j) => {
      doc.rect(x, yl, 8, 8).fill(COULEURS[j % COULEURS.length]!);
      doc
        .fillColor('#000000')
        .fontSize(7.5)
        .text(pdfTexte(typo.libelles[v] ?? v), x + 11, yl, { lineBreak: false });
      x += 45;
    });
    doc.x = marge;
    doc.y = yl + 16;
  }

  // ——— breakdowns ———
  for (const dim of DIMENSIONS_BILAN) {
    const D = b.dimensions[dim];
    if (!D.valeurs.length) continue;
    titre2(`${LIBELLES_DIMENSIONS_BILAN[dim]} : logements proposés / attribués par ligne`);
    const lw = Math.min(70, (largeur - 180) / Math.max(1, b.lignes.length));
    tableau(
      [LIBELLES_DIMENSIONS_BILAN[dim], 'Flux', ...b.lignes.map((l) => l.nom)],
      [
        ...D.valeurs.map((v) => [
          D.libelles[v] ?? v,
          nombre.format(D.flux[v] ?? 0),
          ...b.lignes.map((l) => {
            const c = D.parLigne[l.ligne]?.[v];
            return c ? `${nombre.format(c.misADisposition)} / ${nombre.format(c.attribues)}` : '—';
          }),
        ]),
        ...(fluxAutresValeurs(D) > 0
          ? [[LIBELLE_AUTRES_VALEURS, nombre.format(fluxAutresValeurs(D)), ...b.lignes.map(() => '—')]]
          : []),
        [
          'Total',
          nombre.format(Object.values(D.flux).reduce((t, n) => t + n, 0)),
          ...b.lignes.map((l) => `${nombre.format(l.misADisposition)} / ${nombre.format(l.attribues)}`),
        ],
      ],
      [140, 40, ...b.lignes.map(() => lw)],
      (i) => i === D.valeurs.length + (fluxAutresValeurs(D) > 0 ? 1 : 0),
    );
  }

  // ——— rehousing and objectives ———
  titre2('Bilan des relogements (CCH R.441-5)');
  tableau(
    ['Catégorie (hors du flux)', 'Libérés', 'Baux signés', 'En cours', 'Volume PRU prévu'],
    b.relogements.categories.map((r) => [
      r.libelle,
      nombre.format(r.liberes),
      nombre.format(r.bauxSignes),
      nombre.format(r.enCours),
      r.motif !== 'relogement_anru'
        ? ''
        : b.relogements.volumePru === null
          ? 'sans prévision'
          : nombre.format(b.relogements.volumePru),
    ]),
    [largeur - 300, 70, 75, 70, 85],
  );
  titre2('Objectifs d’attribution');
  tableau(
    ['Objectif', 'Réalisé', 'Cible', 'Retenues / comptées', 'Atteint'],
    objectifsLibelles(b).map(({ libelle, indicateur: i }) => [
      libelle,
      i.realise === null ? '—' : pourcent.format(i.realise),
      pourcent.format(i.cible),
      `${nombre.format(i.numerateur)} / ${nombre.format(i.denominateur)}`,
      i.realise === null ? 'sans attribution' : i.realise >= i.cible ? 'oui' : 'non',
    ]),
    [largeur - 250, 55, 55, 80, 60],
  );

  // Page numbers, once every page exists.
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    doc.page.margins.bottom = 0; // the footer sits in the margin: no automatic new page
    if (provisoire) {
      // A watermark across every page: figures not issued are never taken for the bilan.
      doc.save();
      doc.rotate(-40, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc
        .font('Helvetica-Bold')
        .fontSize(96)
        .fillColor('#ce0500')
        .fillOpacity(0.12)
        .text('PROVISOIRE', 0, doc.page.height / 2 - 48, { width: doc.page.width, align: 'center', lineBreak: false });
      doc.restore();
      doc.font('Helvetica').fillOpacity(1);
    }
    doc
      .fontSize(7)
      .fillColor('#666666')
      .text(
        pdfTexte(
          `${b.bailleur.nom} — bilan ${b.annee}${provisoire ? ' — PROVISOIRE' : ` — version ${statut.etat === 'emis' ? statut.version : ''}`} — page ${i + 1} / ${pages.count}`,
        ),
        marge,
        doc.page.height - marge + 12,
        { width: largeur, align: 'right', lineBreak: false },
      );
  }
  return terminer();
}
