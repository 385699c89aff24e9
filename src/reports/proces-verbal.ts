/**
 * The minutes (procès-verbal) of a CAL session as a PDF (pdfkit, standard fonts): for each unit
 * examined, its characteristics, the candidates on the table (SNE number and the flags the CAL
 * needs only), the decision with its reasons and the CAL's ranking, the offers and what followed.
 */
import type { SessionCalDetailApi } from '../contracts/cal.ts';
import { ouvrirPdf } from './pdf.ts';
import { dateFrancaise } from './statut-document.ts';

export { TYPE_PDF } from './pdf.ts';

export function nomFichierProcesVerbal(s: SessionCalDetailApi): string {
  return `proces-verbal-cal-${s.date}-${s.bailleurId.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;
}

/**
 * Standard PDF fonts write WinAnsi: narrow spaces and signs outside it are replaced (the same
 * cleaning as src/reports/previsionnel.ts, which keeps its own private copy).
 */
const pdfTexte = (s: string): string =>
  s
    .replace(/[\u202f\u2009]/g, '\u00a0')
    .replace(/\u2212/g, '\u2013')
    // A negative number: the en dash stands for the minus sign (WinAnsi has no U+2212).
    .replace(/(^|[\s([;:=×+/])-(?=\d)/g, '$1\u2013')
    .replace(/[≤]/g, '<=')
    .replace(/[≥]/g, '>=')
    .replace(/[→]/g, '->');

const REPONSES: Record<string, string> = {
  acceptee: 'acceptée',
  refusee: 'refusée',
  silence: 'sans réponse dans les 10 jours (vaut refus)',
};

export function pdfProcesVerbal(
  s: SessionCalDetailApi,
  noms: Readonly<Record<string, string>>,
  genereLe: string,
): Promise<Buffer> {
  const { doc, terminer } = ouvrirPdf({
    titre: `Procès-verbal de la CAL du ${dateFrancaise(s.date)} — ${s.bailleur}`,
    marge: 48,
  });
  const t = (texte: string, options?: PDFKit.Mixins.TextOptions) => doc.text(pdfTexte(texte), options);
  const nom = (id: string | null) => (id === null ? 'part propre du bailleur' : (noms[id] ?? id));

  doc.font('Helvetica-Bold').fontSize(16);
  t('Procès-verbal de la commission d’attribution des logements et d’examen de l’occupation des logements (CALEOL)');
  doc.font('Helvetica').fontSize(10).fillColor('#3a3a3a');
  t(`${s.bailleur} — séance du ${dateFrancaise(s.date)}${s.lieu ? ` — ${s.lieu}` : ''} — département ${s.departement}`);
  t(
    `${s.examens} logement(s) examiné(s), ${s.decides} décision(s). Décisions prises en application de l’article R.441-3 du CCH. Établi le ${dateFrancaise(genereLe)}.`,
  );
  doc.fillColor('#000000').moveDown();

  for (const e of s.liste) {
    if (doc.y > doc.page.height - 180) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(12);
    t(
      `${e.ordre}. Logement ${e.logementId} — ${e.typologie}, ${e.financement}, ${e.nomCommune ? `${e.nomCommune} (${e.commune})` : `commune ${e.commune}`}${e.qpv ? `, en QPV (${e.qpv})` : ', hors QPV'}`,
    );
    doc.font('Helvetica').fontSize(9);
    t(
      `Orienté vers : ${e.pool ? `plusieurs réservataires (${e.pool.map(nom).join(', ')})` : nom(e.ligne === 'BAILLEUR' ? null : (e.reservataireId ?? e.ligne))}`,
    );
    if (e.motifMoinsDeTrois) t(`Moins de trois candidatures examinées : ${e.motifMoinsDeTrois}`);
    t('Candidatures examinées :');
    for (const c of e.candidats) {
      const categories = [
        c.dalo ? 'DALO' : null,
        c.pdalhpd ? 'PDALHPD' : null,
        c.autreL4411 ? 'autre L.441-1' : null,
      ].filter(Boolean);
      const drapeaux = [
        ...(categories.length ? categories : [c.prioritaire ? 'prioritaire' : null]),
        c.quartile1 ? '1er quartile' : null,
      ]
        .filter(Boolean)
        .join(', ');
      t(
        `  • n° unique ${c.numeroSne}${c.tailleMenage ? ` — ménage de ${c.tailleMenage} personne(s)` : ''}${drapeaux ? ` — ${drapeaux}` : ''}${c.reservataireId ? ` — proposé par ${nom(c.reservataireId)}` : ''}`,
      );
    }
    if (e.decision) {
      doc.font('Helvetica-Bold');
      t(`Décision : ${e.decision.libelle}`);
      doc.font('Helvetica');
      if (e.decision.classement.length) {
        const sne = new Map(e.candidats.map((c) => [c.id, c.numeroSne]));
        t(`Classement : ${e.decision.classement.map((id, i) => `rang ${i + 1} n° ${sne.get(id) ?? id}`).join(' ; ')}`);
      }
      if (e.decision.motif) t(`Motif : ${e.decision.motif}`);
    } else {
      doc.font('Helvetica-Oblique');
      t('Décision : non encore enregistrée');
      doc.font('Helvetica');
    }
    for (const o of e.offres) {
      t(
        `Offre au rang ${o.rang} (n° ${o.numeroSne}) le ${dateFrancaise(o.dateOffre)}, réponse attendue au plus tard le ${dateFrancaise(o.echeance)} : ${o.reponse ? `${REPONSES[o.reponse]} le ${dateFrancaise(o.dateReponse ?? '')}` : 'en attente'}`,
      );
    }
    if (e.libelleSuite) t(`Suite : ${e.libelleSuite}`);
    doc.moveDown();
  }
  if (s.liste.length === 0) t('Aucun logement inscrit à cette séance.');
  doc.moveDown();
  doc.fontSize(8).fillColor('#3a3a3a');
  t(
    'Les candidats sont identifiés par leur numéro unique d’enregistrement (SNE) ; aucune autre donnée personnelle ne figure au procès-verbal.',
  );
  return terminer();
}
