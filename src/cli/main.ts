/**
 * The `flux` command line. Each command validates its input and calls one use case; domain
 * errors become exit status 2 with one line per problem, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { simulerTexte } from '../app/scenario.ts';
import { FluxError, DonneesInvalides } from '../domain/errors.ts';
import { resumeFrancais } from './format.ts';

export const EXIT_ENTREE_INVALIDE = 2;
/** `flux audit verify` found an altered or deleted event. */
export const EXIT_AUDIT_ALTERE = 3;

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const sortiesStandard: Sorties = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

async function simulate(fichier: string, options: { json?: boolean }, io: Sorties): Promise<number> {
  let texte: string;
  try {
    texte = await readFile(fichier, 'utf8');
  } catch (err) {
    io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
    return EXIT_ENTREE_INVALIDE;
  }
  const resultat = simulerTexte(texte);
  if (options.json) io.out(`${JSON.stringify(resultat, null, 2)}\n`);
  else io.out(`${resumeFrancais(resultat, `Simulation de ${fichier}`)}\n`);
  return 0;
}

async function auditVerify(dossier: string, io: Sorties): Promise<number> {
  const { ouvrirBase } = await import('../db/client.ts');
  const { verifierAudit } = await import('../app/audit.ts');
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier });
  try {
    await base.migrer();
    const v = await verifierAudit(base.db);
    if (v.ok) {
      io.out(`Journal d’audit intègre : ${v.evenements} événements, chaîne d’empreintes vérifiée.\n`);
      return 0;
    }
    io.err(`Journal d’audit ALTÉRÉ : événement n° ${v.anomalie!.seq} — ${v.anomalie!.message} (${v.evenements} événements lus).\n`);
    return EXIT_AUDIT_ALTERE;
  } finally {
    await base.fermer();
  }
}

/** Runs the CLI with these arguments; resolves to the exit status. */
export async function main(argv: string[], io: Sorties = sortiesStandard): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('flux')
    .description('Flux — gestion en flux des droits de réservation du logement social')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(flux --help pour l’aide)');
  program
    .command('simulate')
    .description('Rejoue une année de flux d’un bailleur (fichier scénario JSON) avec le moteur et affiche le bilan')
    .argument('<fichier>', 'scénario JSON (voir schemas/scenario.schema.json)')
    .option('--json', 'sortie JSON complète (orientations expliquées, bilan, objectifs, écarts)')
    .action(async (fichier: string, options: { json?: boolean }) => {
      code = await simulate(fichier, options, io);
    });
  program
    .command('audit')
    .description('Journal d’audit')
    .command('verify')
    .description('Vérifie la chaîne d’empreintes du journal d’audit (base DATABASE_URL, sinon ./data/flux)')
    .option('--data <dossier>', 'dossier PGlite', process.env.FLUX_DATA_DIR ?? 'data/flux')
    .action(async (options: { data: string }) => {
      code = await auditVerify(options.data, io);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_ENTREE_INVALIDE;
    if (err instanceof DonneesInvalides) {
      for (const p of err.problemes) io.err(`${p.chemin}: ${p.message}\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    if (err instanceof FluxError) {
      io.err(`${err.message}\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    io.err(`erreur interne : ${(err as Error).message}\n`);
    return 1;
  }
  return code;
}
