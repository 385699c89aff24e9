/**
 * The « Simulation » page as an XLSX workbook (issue 18 item 3), to attach to a convention draft:
 * « Hypothèses » (observed and used), « Options » (one row per option × line: units, leases and
 * balance at 31 December as median and 10–90 % band, the carry-over, the chance of ending behind),
 * « Options décrites » (each option's assumptions in words), « Charge » (one
 * row per option × month: files per line, CAL examinations, visits). French headers, names only.
 */
import ExcelJS from 'exceljs';
import type { ReponseSimulation } from '../contracts/simulation.ts';

export const TYPE_XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ENTETES_OPTIONS = [
  'Option',
  'Ligne',
  'Logements (médiane)',
  'Logements (10 %)',
  'Logements (90 %)',
  'Baux signés (médiane)',
  'Solde au 31/12 (médiane)',
  'Solde au 31/12 (10 %)',
  'Solde au 31/12 (90 %)',
  'Report sur l’année suivante (médiane)',
  'Probabilité de retard',
] as const;

export function nomFichierSimulation(r: ReponseSimulation): string {
  return `simulation-${r.annee}-${r.departement}-graine-${r.graine}.xlsx`;
}

function entete(ws: ExcelJS.Worksheet): void {
  const row = ws.getRow(1);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE3E3FD' } };
}

export async function classeurSimulation(r: ReponseSimulation): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Flux';
  wb.created = new Date(0);

  const h = wb.addWorksheet('Hypothèses', { views: [{ state: 'frozen', ySplit: 1 }] });
  h.columns = [
    { header: 'Hypothèse', key: 'nom', width: 44 },
    { header: `Observée en ${r.annee}`, key: 'observee', width: 20 },
    { header: 'Retenue', key: 'retenue', width: 20 },
  ];
  entete(h);
  const pct = '0.0 %';
  for (const [nom, observee, retenue, format] of [
    ['Bailleur', r.bailleur.nom, r.bailleur.nom, undefined],
    ['Département', r.departement, r.departement, undefined],
    ['Logements du parc dans le flux', r.parc, r.parc, undefined],
    ['Rotation (part du parc libérée dans l’année)', r.observees.rotation, r.hypotheses.rotation, pct],
    ['Refus (part des locations)', r.observees.refus, r.hypotheses.refus, pct],
    ['Délais manqués (part des locations)', r.observees.sansCandidat, r.hypotheses.sansCandidat, pct],
    ['Relogements PRU, minimum', r.observees.pru[0], r.hypotheses.pru[0], undefined],
    ['Relogements PRU, maximum', r.observees.pru[1], r.hypotheses.pru[1], undefined],
    ['Visites par candidat examiné en CAL', '', r.hypotheses.visitesParCandidat, undefined],
    ['Tirages', '', r.tirages, undefined],
    ['Graine', '', r.graine, undefined],
    ['Seuil de retard (logements)', '', r.seuilRetard, undefined],
    ['Délais manqués en gestion déléguée (part)', '', r.hypotheses.sansCandidatDelegue, pct],
    ['Plafond du report plafonné (logements)', '', r.hypotheses.plafondReport, undefined],
    [
      'Historique de rotation',
      '',
      r.hypotheses.historique
        ? `${r.hypotheses.historique.annees.map((a, i) => `${a} : ${Math.round(r.hypotheses.historique!.rotations[i]! * 1000) / 10} %`).join(' ; ')} (${r.hypotheses.historique.source === 'stockee' ? 'événements stockés' : 'saisi'})`
        : 'l’année observée seule',
      undefined,
    ],
  ] as const) {
    const row = h.addRow({ nom, observee, retenue });
    if (format) {
      row.getCell('observee').numFmt = format;
      row.getCell('retenue').numFmt = format;
    }
  }

  const o = wb.addWorksheet('Options', { views: [{ state: 'frozen', ySplit: 1 }] });
  o.columns = ENTETES_OPTIONS.map((header, i) => ({ header, key: `c${i}`, width: i < 2 ? 34 : 16 }));
  entete(o);
  for (const opt of r.options)
    for (const l of opt.lignes) {
      const row = o.addRow([
        opt.nom,
        l.nom,
        l.misADisposition.mediane,
        l.misADisposition.p10,
        l.misADisposition.p90,
        l.bauxSignes.mediane,
        l.solde.mediane,
        l.solde.p10,
        l.solde.p90,
        l.reportAnneeSuivante.mediane,
        l.probabiliteRetard,
      ]);
      row.getCell(11).numFmt = '0 %';
    }

  const d = wb.addWorksheet('Options décrites', { views: [{ state: 'frozen', ySplit: 1 }] });
  d.columns = [
    { header: 'Option', key: 'nom', width: 44 },
    { header: 'Hypothèses de l’option', key: 'description', width: 120 },
  ];
  entete(d);
  for (const opt of r.options) d.addRow({ nom: opt.nom, description: opt.description }).alignment = { wrapText: true };
  for (const a of r.optionsAbsentes) d.addRow({ nom: a.nom, description: `Non calculée : ${a.raison}.` });

  const c = wb.addWorksheet('Charge', { views: [{ state: 'frozen', ySplit: 1 }] });
  const lignes = r.options[0]?.lignes ?? [];
  const ids = Object.keys(r.options[0]?.charge[0]?.dossiers ?? {});
  const nomDe = new Map(lignes.map((l) => [l.reservataire, l.nom]));
  c.columns = [
    { header: 'Option', key: 'option', width: 34 },
    { header: 'Mois', key: 'mois', width: 10 },
    ...ids.map((id, i) => ({ header: `Dossiers — ${nomDe.get(id) ?? ''}`, key: `d${i}`, width: 22 })),
    { header: 'Examens en CAL', key: 'cal', width: 16 },
    { header: 'Visites', key: 'visites', width: 12 },
  ];
  entete(c);
  for (const opt of r.options)
    for (const m of opt.charge)
      c.addRow({
        option: opt.nom,
        mois: m.mois,
        ...Object.fromEntries(ids.map((id, i) => [`d${i}`, m.dossiers[id] ?? 0])),
        cal: m.examensCal,
        visites: m.visites,
      });

  return Buffer.from(await wb.xlsx.writeBuffer());
}
