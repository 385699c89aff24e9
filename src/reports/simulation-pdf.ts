/**
 * The Monte Carlo year as a PDF to attach to a convention draft (issue 18 item 3, ADR 0049): the
 * assumptions, then for each option its assumptions in words, a table per line (units, leases,
 * balance at 31 December and the carry-over it leaves, as median and 10–90 % band, the chance of
 * ending behind by more than k, the files instructed over the year) and the fan charts (units
 * received since 1 January, month by month, median and 10–90 % band), one small chart per line.
 * pdfkit, A4 landscape, standard fonts, French. The API (`documentDeReponse`) and the command line
 * (`flux simulate --monte-carlo N --pdf FICHIER`) give it the same shape.
 */
import type { ReponseSimulation } from '../contracts/simulation.ts';
import { DESCRIPTION_TELLES_QUELLES } from '../domain/options-comparees.ts';
import type { LignePlan } from '../domain/planification.ts';
import { fondDeLigne, ouvrirPdf } from './pdf.ts';
import { dateFrancaise } from './statut-document.ts';

export { TYPE_PDF } from './pdf.ts';

interface Fourchette {
  p10: number;
  mediane: number;
  p90: number;
}

/** What the PDF prints: the API's answer and the command's result both give it. */
export interface DocumentSimulation {
  titre: string;
  /** Who, where, which year: one line under the title. */
  contexte: string;
  tirages: number;
  graine: number;
  seuilRetard: number;
  /** The assumptions as label → value in words. */
  hypotheses: [string, string][];
  options: {
    nom: string;
    description: string;
    fluxAnnuel: Fourchette;
    lignes: {
      nom: string;
      misADisposition: Fourchette;
      bauxSignes: Fourchette;
      solde: Fourchette;
      reportAnneeSuivante: Fourchette;
      probabiliteRetard: number;
      cumulMensuel: Fourchette[];
      /** Files the line instructs over the year (sum of the monthly medians). */
      dossiers: number;
    }[];
    /** CAL examinations over the year (sum of the monthly medians). */
    examensCal: number;
  }[];
  optionsAbsentes: { nom: string; raison: string }[];
}

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const pourcent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const MOIS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

/** Standard PDF fonts write WinAnsi: narrow spaces and the minus sign are replaced. */
const pdfTexte = (s: string): string =>
  s
    .replace(/[\u202f\u2009]/g, '\u00a0')
    .replace(/\u2212/g, '\u2013')
    .replace(/(^|[\s([;:=×+/])-(?=\d)/g, '$1\u2013')
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=');

export const fourchetteTexte = (f: Fourchette): string =>
  `${decimal.format(f.mediane)} (${decimal.format(f.p10)} à ${decimal.format(f.p90)})`;

export function titreSimulation(annee: number): string {
  return `Simulation de l’année ${annee} avant signature : options côte à côte`;
}

export function nomFichierSimulationPdf(r: Pick<ReponseSimulation, 'annee' | 'departement' | 'graine'>): string {
  return `simulation-${r.annee}-${r.departement}-graine-${r.graine}.pdf`;
}

const somme = (xs: readonly number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 10) / 10;

/** An option's figures as the engine's plan gives them, in the API's answer and in the command's result. */
interface OptionCalculee<L> {
  nom: string;
  description?: string | undefined;
  fluxAnnuel: Fourchette;
  lignes: readonly L[];
  charge: readonly { examensCal: number; dossiers: Readonly<Record<string, number>> }[];
}

/** A line's ranges, as the plan computes them (the API's answer adds the réservataire's name). */
type LigneCalculee = Omit<LignePlan, 'droit'>;

/**
 * The options as the PDF prints them — each line's ranges and files over the year, the CAL's
 * examinations — for the page (lines by their réservataire's name) and the command (by their id).
 */
export function optionsDuDocument<L extends LigneCalculee>(
  options: readonly OptionCalculee<L>[],
  nomLigne: (l: L) => string,
): DocumentSimulation['options'] {
  return options.map((o) => ({
    nom: o.nom,
    description: o.description ?? DESCRIPTION_TELLES_QUELLES,
    fluxAnnuel: o.fluxAnnuel,
    lignes: o.lignes.map((l) => ({
      nom: nomLigne(l),
      misADisposition: l.misADisposition,
      bauxSignes: l.bauxSignes,
      solde: l.solde,
      reportAnneeSuivante: l.reportAnneeSuivante,
      probabiliteRetard: l.probabiliteRetard,
      cumulMensuel: l.cumulMensuel,
      dossiers: somme(o.charge.map((m) => m.dossiers[l.reservataire] ?? 0)),
    })),
    examensCal: somme(o.charge.map((m) => m.examensCal)),
  }));
}

/** The API's answer as the PDF's document (the lines the reader sees, their names). */
export function documentDeReponse(r: ReponseSimulation): DocumentSimulation {
  const h = r.hypotheses;
  return {
    titre: titreSimulation(r.annee),
    contexte: `${r.bailleur.nom} — département ${r.departement} — année observée ${r.annee} — ${decimal.format(r.parc)} logements dans le flux`,
    tirages: r.tirages,
    graine: r.graine,
    seuilRetard: r.seuilRetard,
    hypotheses: [
      [
        'Rotation (part du parc libérée dans l’année)',
        `${pourcent.format(h.rotation)} (observée ${pourcent.format(r.observees.rotation)})`,
      ],
      ['Refus (part des locations)', pourcent.format(h.refus)],
      ['Délais manqués (part des locations)', pourcent.format(h.sansCandidat)],
      ['Relogements PRU (hors flux)', `de ${decimal.format(h.pru[0])} à ${decimal.format(h.pru[1])} logements`],
      ['Visites par candidat examiné en CAL', decimal.format(h.visitesParCandidat)],
      ['Délais manqués en gestion déléguée', pourcent.format(h.sansCandidatDelegue)],
      ['Plafond du report plafonné', `${decimal.format(h.plafondReport)} logement(s)`],
      [
        'Historique de rotation',
        h.historique
          ? `${h.historique.annees.map((a, i) => `${a} : ${pourcent.format(h.historique!.rotations[i]!)}`).join(' ; ')} (${h.historique.source === 'stockee' ? 'événements stockés' : 'saisi'})`
          : 'l’année observée seule',
      ],
    ],
    options: optionsDuDocument(r.options, (l) => l.nom),
    optionsAbsentes: r.optionsAbsentes,
  };
}

export interface OptionsPdfSimulation {
  /** Uncompressed content streams (tests read the text); default compressed. */
  compresser?: boolean;
}

export function pdfSimulation(
  d: DocumentSimulation,
  editeLe: string,
  options: OptionsPdfSimulation = {},
): Promise<Buffer> {
  const marge = 36;
  const { doc, terminer } = ouvrirPdf({
    titre: `${d.titre} — ${d.contexte}`,
    marge,
    paysage: true,
    compresser: options.compresser,
  });
  const largeur = doc.page.width - 2 * marge;
  const bas = () => doc.page.height - marge;
  const place = (h: number) => {
    if (doc.y + h > bas()) doc.addPage();
  };
  const t = (s: string, o?: PDFKit.Mixins.TextOptions) => doc.text(pdfTexte(s), o);

  const tableau = (entetes: string[], lignes: string[][], largeurs: number[]) => {
    const ecrire = (cells: string[], gras: boolean, fond: string | null) => {
      doc.font(gras ? 'Helvetica-Bold' : 'Helvetica');
      const hauteur = Math.max(
        12,
        ...cells.map((c, i) => doc.heightOfString(pdfTexte(c), { width: largeurs[i]! - 4 }) + 3),
      );
      if (doc.y + hauteur > bas()) doc.addPage();
      const y = doc.y;
      if (fond) fondDeLigne(doc, marge, y, largeurs, hauteur, fond);
      doc.fillColor('#000000');
      let x = marge;
      cells.forEach((c, i) => {
        doc.text(pdfTexte(c), x + 2, y + 1, { width: largeurs[i]! - 4, align: i === 0 ? 'left' : 'right' });
        x += largeurs[i]!;
      });
      doc.x = marge;
      doc.y = y + hauteur;
    };
    doc.fontSize(7.5);
    place(40);
    ecrire(entetes, true, '#e3e3fd');
    lignes.forEach((l, i) => ecrire(l, false, i % 2 ? '#f6f6f6' : null));
    doc.fontSize(8).moveDown(0.4);
  };

  /** A fan chart: units since 1 January by month, the 10–90 % band shaded and the median drawn. */
  const eventail = (x0: number, y0: number, w: number, h: number, titre: string, mois: Fourchette[]) => {
    doc.font('Helvetica-Bold').fontSize(7).fillColor('#000000');
    doc.text(pdfTexte(titre), x0, y0, { width: w, height: 18, ellipsis: true });
    const gx = x0 + 20;
    const gy = y0 + 18;
    const gw = w - 24;
    const gh = h - 30;
    const max = Math.max(1, ...mois.map((m) => m.p90));
    const px = (i: number) => gx + (i / 11) * gw;
    const py = (v: number) => gy + gh - (v / max) * gh;
    doc
      .lineWidth(0.4)
      .strokeColor('#929292')
      .moveTo(gx, gy)
      .lineTo(gx, gy + gh)
      .lineTo(gx + gw, gy + gh)
      .stroke();
    if (mois.length === 12) {
      doc.moveTo(px(0), py(mois[0]!.p90));
      for (let i = 1; i < 12; i++) doc.lineTo(px(i), py(mois[i]!.p90));
      for (let i = 11; i >= 0; i--) doc.lineTo(px(i), py(mois[i]!.p10));
      doc.closePath().fillOpacity(0.25).fill('#6a6af4').fillOpacity(1);
      doc.lineWidth(1.2).strokeColor('#000091').moveTo(px(0), py(mois[0]!.mediane));
      for (let i = 1; i < 12; i++) doc.lineTo(px(i), py(mois[i]!.mediane));
      doc.stroke();
    }
    doc.font('Helvetica').fontSize(6).fillColor('#3a3a3a');
    doc.text(decimal.format(max), x0, gy - 3, { width: 18, align: 'right' });
    doc.text('0', x0, gy + gh - 4, { width: 18, align: 'right' });
    for (const i of [0, 3, 6, 9, 11])
      doc.text(pdfTexte(MOIS[i]!), px(i) - 12, gy + gh + 2, { width: 24, align: 'center' });
    doc.fillColor('#000000');
  };

  // ——— title and assumptions ———
  doc.font('Helvetica-Bold').fontSize(15);
  t(d.titre);
  doc.font('Helvetica').fontSize(9.5).fillColor('#3a3a3a');
  t(d.contexte);
  t(
    `Édité le ${dateFrancaise(editeLe)} par Flux, à joindre au projet de convention. ${decimal.format(d.tirages)} années tirées (graine ${d.graine}) ; ` +
      'chaque tirage passe par le moteur d’orientation, et toutes les options rejouent les mêmes tirages : elles ne diffèrent que par leur règle. ' +
      'Chaque chiffre : médiane (10 % à 90 % des tirages).',
  );
  doc.fillColor('#000000').moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(11).fillColor('#000091');
  t('Hypothèses');
  doc.fillColor('#000000');
  tableau(['Hypothèse', 'Valeur retenue'], d.hypotheses, [260, largeur - 260]);

  // ——— the table of every option ———
  doc.font('Helvetica-Bold').fontSize(11).fillColor('#000091');
  place(60);
  t('Options côte à côte');
  doc.font('Helvetica').fontSize(8).fillColor('#000000');
  t(
    `Solde au 31 décembre = logements décomptés − droit (négatif : la ligne attend des logements) ; report = ce que la règle garde du solde pour l’année suivante ; retard : solde sous −${decimal.format(d.seuilRetard)} logement(s) ; dossiers : candidats instruits sur l’année (somme des médianes mensuelles).`,
  );
  doc.moveDown(0.3);
  const largeurs = [150, 160, 95, 110, 95, 60, 55];
  largeurs.push(largeur - largeurs.reduce((a, b) => a + b, 0));
  tableau(
    ['Option', 'Ligne', 'Logements', 'Baux signés', 'Solde au 31/12', 'Report', 'Retard', 'Dossiers'],
    d.options.flatMap((o) =>
      o.lignes.map((l) => [
        o.nom,
        l.nom,
        fourchetteTexte(l.misADisposition),
        fourchetteTexte(l.bauxSignes),
        fourchetteTexte(l.solde),
        decimal.format(l.reportAnneeSuivante.mediane),
        pourcent.format(l.probabiliteRetard),
        decimal.format(l.dossiers),
      ]),
    ),
    largeurs,
  );
  if (d.optionsAbsentes.length) {
    t(`Options non calculées : ${d.optionsAbsentes.map((a) => `« ${a.nom} » (${a.raison})`).join(' ; ')}.`);
    doc.moveDown(0.3);
  }

  // ——— each option: its assumptions and its fan charts ———
  const parRangee = 4;
  const w = (largeur - (parRangee - 1) * 10) / parRangee;
  const h = 110;
  for (const o of d.options) {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12).fillColor('#000091');
    t(`Option « ${o.nom} »`);
    doc.font('Helvetica').fontSize(8.5).fillColor('#000000');
    t(o.description);
    t(
      `Flux annuel ${fourchetteTexte(o.fluxAnnuel)} logements ; ${decimal.format(o.examensCal)} examens en CAL sur l’année. Éventails : logements reçus depuis le 1er janvier, médiane (trait) et 10 % – 90 % (bande).`,
    );
    doc.moveDown(0.5);
    o.lignes.forEach((l, i) => {
      const col = i % parRangee;
      if (col === 0) place(h + 6);
      const y = doc.y;
      eventail(marge + col * (w + 10), y, w, h, l.nom, l.cumulMensuel);
      doc.x = marge;
      doc.y = col === parRangee - 1 || i === o.lignes.length - 1 ? y + h + 8 : y;
    });
  }

  return terminer();
}
