/**
 * `flux import occupation FICHIER --bailleur ID`: a bailleur's occupancy file (docs/occupation.md,
 * ADR 0044), all or nothing, the error file next to the input. Thin: opens the base (DATABASE_URL,
 * else the PGlite folder `--data`) and calls one use case.
 */
import type { Command } from 'commander';
import { jourParis } from '../domain/calendrier.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';
const PROBLEMES_AFFICHES = 20;

/** Today in Europe/Paris (YYYY-MM-DD), by the machine's clock (a command runs now). */
const aujourdhui = (): string => jourParis(new Date());

export function ajouterOccupation(importer: Command, io: Sorties, fin: (code: number) => void): void {
  importer
    .command('occupation')
    .description(
      'Importe l’occupation du patrimoine d’un bailleur pour l’examen de la CALEOL (modèle CSV de docs/occupation.md) : tout ou rien, fichier d’erreurs sinon',
    )
    .argument('<fichier>', 'CSV « ; » ou « , », UTF-8 ou Latin-1')
    .requiredOption('--bailleur <id>', 'identifiant Flux ou SIREN du bailleur')
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, o: { bailleur: string; json?: boolean; data: string }) => {
      const { access, copyFile } = await import('node:fs/promises');
      const { basename, dirname, extname, join } = await import('node:path');
      try {
        await access(fichier);
      } catch {
        io.err(`${fichier} : fichier illisible\n`);
        return fin(2);
      }
      const { importerOccupation, OccupationRefusee, resumeOccupationFrancais } = await import('../app/caleol.ts');
      const { sourceFichierDemandes } = await import('../app/demandes.ts');
      const { ouvrirBase } = await import('../app/base.ts');
      const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: o.data });
      let r;
      try {
        await base.migrer();
        r = await importerOccupation(base.db, null, {
          source: sourceFichierDemandes(fichier, basename(fichier)),
          bailleur: o.bailleur,
          aujourdhui: aujourdhui(),
        });
      } catch (err) {
        if (!(err instanceof OccupationRefusee)) throw err;
        const { tmpdir } = await import('node:os');
        const { supprimerTemporaire } = await import('../import/fichier-temporaire.ts');
        const nom = `${basename(fichier, extname(fichier))}.erreurs.csv`;
        let chemin = join(dirname(fichier), nom);
        try {
          await copyFile(err.erreurs.chemin, chemin).catch(() =>
            copyFile(err.erreurs.chemin, (chemin = join(tmpdir(), nom))),
          );
        } finally {
          await supprimerTemporaire(err.erreurs.chemin);
        }
        for (const p of err.problemes.slice(0, PROBLEMES_AFFICHES)) io.err(`${p.chemin} : ${p.message}\n`);
        if (err.nombreProblemes > PROBLEMES_AFFICHES)
          io.err(`… et ${err.nombreProblemes - PROBLEMES_AFFICHES} autres problèmes\n`);
        io.err(`${err.rejetes} ligne(s) rejetée(s), rien n’a été importé ; fichier d’erreurs : ${chemin}\n`);
        return fin(2);
      } finally {
        await base.fermer();
      }
      io.out(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${resumeOccupationFrancais(r)}\n`);
      fin(0);
    });
}
