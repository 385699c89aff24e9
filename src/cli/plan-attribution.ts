/**
 * `flux plan FICHIER`: the allocation plan of a set of conventions before signing
 * (docs/planification.md, « Le plan d’attribution »): each convention's units by segment of the
 * forecast flow, its mix against the flow's, its share of the cheap units, and the commitments
 * that cannot all hold, in French words. Exit 0 when a plan is computed (held or not: `tenable`
 * says it), 2 on a bad file, 1 on an internal failure — as the other commands.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { planAttributionTexte } from '../app/plan-attribution.ts';
import { nomDeCommune } from '../import/cog.ts';
import type { ResultatLignePlan, ResultatPlanAttribution } from '../domain/plan-attribution.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const nombre = (x: number) =>
  (Math.round(x * 10) / 10).toLocaleString('fr-FR', { maximumFractionDigits: 1 }).replace(/\u202f/g, ' ');
const pct = (x: number) => `${nombre(x * 100)} %`;
const unites = (x: number) => `${nombre(x)} logement${Math.abs(Math.round(x * 10) / 10) >= 2 ? 's' : ''}`;
const DIMENSIONS = { typologie: '', financement: '', qpv: '', commune: 'à ' } as const;

/** The value whose share in the plan is furthest from its share in the flow. */
function plusGrandEcart(l: ResultatLignePlan): string | null {
  let pire: { texte: string; ecart: number } | null = null;
  for (const [d, prefixe] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, string][])
    for (const [v, m] of Object.entries(l.melange[d])) {
      const ecart = Math.abs(m.part - m.partFlux);
      const valeur =
        v === 'horsQPV'
          ? 'hors QPV'
          : v === 'QPV'
            ? 'en QPV'
            : d === 'commune'
              ? `${prefixe}${nomDeCommune(v) ?? v}`
              : v;
      if (!pire || ecart > pire.ecart)
        pire = { ecart, texte: `${valeur} ${pct(m.part)} du plan contre ${pct(m.partFlux)} du flux` };
    }
  return pire && pire.ecart >= 0.0005 ? pire.texte : null;
}

/** The plan as French lines. */
export function resumePlanAttribution(r: ResultatPlanAttribution): string {
  const out = [
    `Plan d’attribution ${r.annee} — flux prévu ${unites(r.fluxPrevu)} en ${r.segments.length} segment(s) (commune × typologie × financement × QPV)`,
    '',
  ];
  if (r.tenable) out.push('Tous les engagements tiennent ensemble.');
  else {
    out.push(`Les engagements ne peuvent pas tous tenir (${r.manques.length + r.manquesNonAnalyses} manqué(s)) :`);
    for (const m of r.manques) out.push(`  – ${m.message}`);
    if (r.manquesNonAnalyses > 0) out.push(`  … et ${r.manquesNonAnalyses} autre(s), détaillé(s) dans --json`);
  }
  out.push('', 'Par ligne (droit = taux × flux prévu de son périmètre + report) :');
  for (const l of r.lignes) {
    const ecart = plusGrandEcart(l);
    out.push(
      `  ${l.nom} : ${pct(l.taux)}, droit ${unites(l.droit)}, plan ${unites(l.logements)} ; ` +
        `bon marché (PLAI, loyer sous le plafond APL) ${unites(l.bonMarche.logements)}, ${pct(l.bonMarche.part)} contre ${pct(l.bonMarche.partFlux)} du flux` +
        (ecart ? ` ; plus grand écart : ${ecart}` : ' ; mélange du flux suivi'),
    );
  }
  out.push('', 'Les logements de chaque ligne par segment : --json.');
  return out.join('\n');
}

export function ajouterPlanAttribution(program: Command, io: Sorties, fin: (code: number) => void): void {
  program
    .command('plan')
    .description(
      'Plan d’attribution avant signature : les logements de chaque convention par segment du flux prévu (programme linéaire), les engagements en conflit (fichier plan JSON)',
    )
    .argument('<fichier>', 'plan JSON (voir docs/planification.md)')
    .option('--json', 'sortie JSON (le plan complet)')
    .action(async (fichier: string, options: { json?: boolean }) => {
      let texte: string;
      try {
        texte = await readFile(fichier, 'utf8');
      } catch (err) {
        io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
        return fin(2);
      }
      const r = await planAttributionTexte(texte);
      io.out(options.json ? `${JSON.stringify(r)}\n` : `${resumePlanAttribution(r)}\n`);
      fin(0);
    });
}
