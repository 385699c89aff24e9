/**
 * `flux candidats anonymiser`: erases the household data of unsuccessful candidates whose letting
 * closed more than the dated delay ago (docs/rgpd.md, ADR 0034) — what the server's scheduled check
 * does, for an operator or a cron. Audited; idempotent. `--date` sets the instant (default: now).
 */
import type { Command } from 'commander';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

export function ajouterRgpd(program: Command, io: Sorties, fin: (code: number) => void): void {
  program
    .command('candidats')
    .description('Données des candidats (RGPD)')
    .command('anonymiser')
    .description(
      'Efface les données des ménages des candidats non retenus, passé le délai de conservation (base DATABASE_URL, sinon ./data/flux)',
    )
    .option('--date <date>', 'instant de référence (AAAA-MM-JJ ; défaut : maintenant)')
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', process.env.FLUX_DATA_DIR ?? 'data/flux')
    .action(async (o: { date?: string; json?: boolean; data: string }) => {
      const maintenant = o.date ? new Date(`${o.date}T12:00:00Z`) : new Date();
      if (o.date && (!/^\d{4}-\d{2}-\d{2}$/.test(o.date) || Number.isNaN(maintenant.getTime()))) {
        io.err(`--date : « ${o.date} » invalide (AAAA-MM-JJ)\n`);
        return fin(2);
      }
      const { ouvrirBase } = await import('../app/base.ts');
      const { anonymiserCandidatsNonRetenus } = await import('../app/menages.ts');
      const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: o.data });
      try {
        await base.migrer();
        const r = await base.db.transaction((tx) => anonymiserCandidatsNonRetenus(tx, null, maintenant));
        io.out(
          o.json
            ? `${JSON.stringify(r, null, 2)}\n`
            : `${r.anonymisees} candidature(s) non retenue(s) anonymisée(s) : locations closes avant le ${r.avant.slice(0, 10)} (délai de ${r.delaiMois} mois).\n`,
        );
      } finally {
        await base.fermer();
      }
      fin(0);
    });
}
