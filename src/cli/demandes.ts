/**
 * `flux import demandes FICHIER --reservataire ID` (a réservataire's demands, all or nothing, the
 * error file next to the input) and `flux rapprochement FICHIER --annee N [--departement D]` (a
 * year's allocations recorded elsewhere against Flux's leases; `--xlsx` writes the workbook).
 * Thin: each opens the base (DATABASE_URL, else the PGlite folder `--data`) and calls one use case.
 */
import type { Command } from 'commander';
import type { Db } from '../app/base.ts';
import { jourParis } from '../domain/calendrier.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';
/** Problems printed (the error file has them all). */
const PROBLEMES_AFFICHES = 20;

/** Today in Europe/Paris (YYYY-MM-DD), by the machine's clock (a command runs now). */
const aujourdhui = (): string => jourParis(new Date());

async function avecBase<R>(data: string, action: (db: Db) => Promise<R>): Promise<R> {
  const { ouvrirBase } = await import('../app/base.ts');
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: data });
  try {
    await base.migrer();
    return await action(base.db);
  } finally {
    await base.fermer();
  }
}

export function ajouterDemandes(program: Command, importer: Command, io: Sorties, fin: (code: number) => void): void {
  importer
    .command('demandes')
    .description(
      'Importe les demandes d’un réservataire (modèle CSV de docs/demandes.md, ou son extrait SNE/Imhoweb) : tout ou rien, fichier d’erreurs sinon',
    )
    .argument('<fichier>', 'CSV « ; » ou « , », UTF-8 ou Latin-1')
    .requiredOption(
      '--reservataire <id>',
      'identifiant Flux ou SIREN du réservataire (ou du bailleur, pour les demandes qu’il désigne lui-même)',
    )
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, o: { reservataire: string; json?: boolean; data: string }) => {
      const { access } = await import('node:fs/promises');
      const { basename, dirname, extname, join } = await import('node:path');
      try {
        await access(fichier);
      } catch {
        io.err(`${fichier} : fichier illisible\n`);
        return fin(2);
      }
      const { DemandesRefusees, importerDemandes, resumeDemandesFrancais, sourceFichierDemandes } =
        await import('../app/demandes.ts');
      let r;
      try {
        r = await avecBase(o.data, (db) =>
          importerDemandes(db, null, {
            source: sourceFichierDemandes(fichier, basename(fichier)),
            organisation: o.reservataire,
            aujourdhui: aujourdhui(),
          }),
        );
      } catch (err) {
        if (!(err instanceof DemandesRefusees)) throw err;
        // The error file next to the input (the system's temporary directory when that one is read-only).
        const { copyFile } = await import('node:fs/promises');
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
        io.err(`${err.rejetes} ligne(s) rejetée(s), aucune demande importée ; fichier d’erreurs : ${chemin}\n`);
        return fin(2);
      }
      io.out(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${resumeDemandesFrancais(r)}\n`);
      fin(0);
    });

  program
    .command('rapprochement')
    .description(
      'Rapproche les attributions d’une année enregistrées ailleurs (export SNE : NUMERO_UNIQUE ; RPLS ; DATE_BAIL ; RESERVATAIRE) des baux de Flux : part des attributions au réservataire connu, écarts',
    )
    .argument('<fichier>', 'CSV « ; » ou « , », UTF-8 ou Latin-1')
    .requiredOption('--annee <annee>', 'année des attributions (date du bail)')
    .option('--departement <dd>', 'ne rapproche que les baux de ce département')
    .option('--xlsx <fichier>', 'écrit aussi le classeur (indicateur et tous les écarts)')
    .option('--json', 'résultat JSON')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(
      async (
        fichier: string,
        o: { annee: string; departement?: string; xlsx?: string; json?: boolean; data: string },
      ) => {
        const { access, writeFile } = await import('node:fs/promises');
        const { basename } = await import('node:path');
        try {
          await access(fichier);
        } catch {
          io.err(`${fichier} : fichier illisible\n`);
          return fin(2);
        }
        const { executerRapprochement, rapprochementApi, rapprochementFrancais } =
          await import('../app/rapprochement.ts');
        const { sourceFichierDemandes } = await import('../app/demandes.ts');
        const r = await avecBase(o.data, (db) =>
          executerRapprochement(db, null, {
            source: sourceFichierDemandes(fichier, basename(fichier)),
            annee: Number(o.annee),
            departement: o.departement ?? null,
          }),
        );
        const api = rapprochementApi(r);
        if (o.xlsx) {
          const { classeurRapprochement } = await import('../reports/rapprochement-xlsx.ts');
          await writeFile(o.xlsx, await classeurRapprochement(api));
        }
        io.out(o.json ? `${JSON.stringify(api, null, 2)}\n` : `${rapprochementFrancais(r)}\n`);
        if (o.xlsx && !o.json) io.out(`  classeur : ${o.xlsx}\n`);
        fin(0);
      },
    );
}
