/**
 * `flux planifier PLAN`: the Monte Carlo year of a set of conventions before signing
 * (docs/planification.md): each line's units and balance at 31 December as a range over the runs,
 * the chance of ending behind its right, and the monthly workload, for each option.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planifierTexte, type MonteCarloScenario } from '../app/planification.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { Fourchette, ResultatPlan } from '../domain/planification.ts';
import { optionsDuDocument, titreSimulation, type DocumentSimulation } from '../reports/simulation-pdf.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const nombre = (x: number) => x.toLocaleString('fr-FR', { maximumFractionDigits: 1 }).replace(/\u202f/g, ' ');
const fourchette = (f: Fourchette) => `${nombre(f.mediane)} [${nombre(f.p10)} ; ${nombre(f.p90)}]`;

/** The plan's result as French tables. */
export function resumePlan(r: ResultatPlan): string {
  const out = [
    `${r.tirages} années tirées (graine ${r.graine}) ; médiane [10 % ; 90 %] de chaque chiffre sur les tirages.`,
  ];
  for (const o of r.options) {
    out.push('', `Option « ${o.nom} » — flux annuel ${fourchette(o.fluxAnnuel)} logements`);
    if (o.description) out.push(`  ${o.description}`);
    for (const l of o.lignes) {
      out.push(
        `  ${l.reservataire} : droit ${fourchette(l.droit)}, mis à disposition ${fourchette(l.misADisposition)}, ` +
          `baux ${fourchette(l.bauxSignes)}, solde au 31/12 ${fourchette(l.solde)}, report ${fourchette(l.reportAnneeSuivante)} ; ` +
          `en retard de plus de ${nombre(r.seuilRetard)} logement(s) dans ${Math.round(l.probabiliteRetard * 100)} % des tirages`,
      );
    }
    const pointe = [...o.charge].sort((a, b) => b.examensCal - a.examensCal)[0];
    if (pointe)
      out.push(
        `  Charge : ${nombre(o.charge.reduce((n, m) => n + m.examensCal, 0))} examens en CAL sur l’année (médianes mensuelles), au plus ${nombre(pointe.examensCal)} en ${pointe.mois} ; ` +
          `dossiers instruits : ${o.lignes.map((l) => `${l.reservataire} ${nombre(o.charge.reduce((n, m) => n + (m.dossiers[l.reservataire] ?? 0), 0))}`).join(', ')}`,
      );
  }
  return out.join('\n');
}

const pourcent = (x: number) => `${nombre(Math.round(x * 1000) / 10)} %`;

/** `flux simulate --monte-carlo`: the assumptions read in the scenario, then the plan's tables. */
export function resumeMonteCarlo(r: MonteCarloScenario, fichier: string): string {
  const h = r.hypotheses;
  const parTypologie = Object.entries(h.rotationParTypologie ?? {})
    .map(([t, x]) => `${t} ${pourcent(x)}`)
    .join(', ');
  return [
    `Monte Carlo de ${fichier}`,
    `Hypothèses observées dans le scénario : rotation ${pourcent(h.rotation)}${parTypologie ? ` (${parTypologie})` : ''}, ` +
      `refus ${pourcent(h.refus)}, délais manqués ${pourcent(h.sansCandidat)}, ` +
      `relogements PRU ${h.pru ? nombre(h.pru[0]) : 0}, préavis ${h.saisonnalite ? 'selon les mois observés' : 'répartis uniformément'}.`,
    resumePlan(r),
    ...r.optionsAbsentes.map((a) => `\nOption « ${a.nom} » non calculée : ${a.raison}.`),
  ].join('\n');
}

/** `--pdf`: the command's result as the PDF's document (the lines by their réservataire's id). */
export function documentMonteCarlo(r: MonteCarloScenario, fichier: string): DocumentSimulation {
  const h = r.hypotheses;
  const p = r.parametres;
  return {
    titre: titreSimulation(r.annee),
    contexte: `Scénario ${fichier}`,
    tirages: r.tirages,
    graine: r.graine,
    seuilRetard: r.seuilRetard,
    hypotheses: [
      ['Rotation (part du parc libérée dans l’année)', pourcent(h.rotation)],
      ['Refus (part des locations)', pourcent(h.refus)],
      ['Délais manqués (part des locations)', pourcent(h.sansCandidat)],
      ['Relogements PRU (hors flux)', h.pru ? `de ${nombre(h.pru[0])} à ${nombre(h.pru[1])} logements` : 'aucun'],
      ['Délais manqués en gestion déléguée', pourcent(Math.min(p.sansCandidatDelegue, h.sansCandidat))],
      ['Plafond du report plafonné', `${nombre(p.plafondReport)} logement(s)`],
      [
        'Historique de rotation',
        p.historique
          ? p.historique.annees.map((a, i) => `${a} : ${pourcent(p.historique!.rotations[i]!)}`).join(' ; ')
          : 'l’année observée seule',
      ],
    ],
    options: optionsDuDocument(r.options, (l) => l.reservataire),
    optionsAbsentes: r.optionsAbsentes,
  };
}

export function ajouterPlanification(program: Command, io: Sorties, fin: (code: number) => void): void {
  program
    .command('planifier')
    .description(
      'Année de Monte Carlo d’un jeu de conventions avant signature : fourchettes par réservataire, risque de retard, charge de travail (fichier plan JSON)',
    )
    .argument('<fichier>', 'plan JSON (voir docs/planification.md)')
    .option('--tirages <n>', 'nombre d’années tirées (remplace celui du fichier)')
    .option('--graine <n>', 'graine du tirage (remplace celle du fichier)')
    .option('--json', 'sortie JSON')
    .action(async (fichier: string, options: { tirages?: string; graine?: string; json?: boolean }) => {
      let texte: string;
      try {
        texte = await readFile(fichier, 'utf8');
      } catch (err) {
        io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
        return fin(2);
      }
      const entier = (v: string | undefined, nom: string, max: number) => {
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v) || Number(v) > max || (nom === '--tirages' && Number(v) < 1))
          throw new DonneesInvalides([
            { chemin: nom, message: `entier attendu, de ${nom === '--tirages' ? 1 : 0} à ${max}` },
          ]);
        return Number(v);
      };
      const surcharges = {
        ...(options.tirages !== undefined ? { tirages: entier(options.tirages, '--tirages', 2000) } : {}),
        ...(options.graine !== undefined ? { graine: entier(options.graine, '--graine', 2 ** 32 - 1) } : {}),
      };
      const r = await planifierTexte(texte, surcharges as { tirages?: number; graine?: number }, { ceFil: true });
      io.out(options.json ? `${JSON.stringify(r)}\n` : `${resumePlan(r)}\n`);
      fin(0);
    });
}
