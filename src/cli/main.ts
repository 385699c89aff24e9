/**
 * The `flux` command line. Each command validates its input and calls one use case; domain
 * errors become exit status 2 with one line per problem, never a stack trace.
 */
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { lireCiblesPlan, monteCarloTexte } from '../app/planification.ts';
import { lireScenario, simulerTexte } from '../app/scenario.ts';
import { jourParis } from '../domain/calendrier.ts';
import { bilanAnnuel } from '../domain/bilan.ts';
import { simuler, type OptionsMoteur } from '../domain/engine.ts';
import { FluxError, DonneesInvalides } from '../domain/errors.ts';
import { ajouterAdministration } from './admin.ts';
import { ajouterPlanAttribution } from './plan-attribution.ts';
import { ajouterPlanification, documentMonteCarlo, resumeMonteCarlo } from './planification.ts';
import { ajouterConventions } from './conventions.ts';
import { resumeFrancais } from './format.ts';
import { ecrireJsonEnFlux, type Ecrire } from './json-en-flux.ts';
import { ajouterImportsReferentiels } from './referentiels.ts';
import { ajouterRgpd } from './rgpd.ts';
import { ajouterOccupation } from './caleol.ts';
import { ajouterDemandes } from './demandes.ts';
import { ajouterSauvegarde } from './sauvegarde.ts';

export const EXIT_ENTREE_INVALIDE = 2;
/** `flux audit verify` found an altered or deleted event. */
export const EXIT_AUDIT_ALTERE = 3;

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Large outputs: waits for the stream to drain (backpressure); `out` when absent. */
  ecrire?: Ecrire;
  /** The standard input's text (tests inject it); process.stdin when absent. */
  entree?: () => Promise<string>;
}

const sortiesStandard: Sorties = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  ecrire: async (s) => {
    if (!process.stdout.write(s)) await once(process.stdout, 'drain');
  },
};

interface OptionsSimulate {
  json?: boolean;
  bilan?: boolean;
  /** `--no-explications` sets it false; default true. */
  explications?: boolean;
  sansExplications?: boolean;
  monteCarlo?: string;
  seed?: string;
  plan?: string;
  pdf?: string;
  historique?: string;
  plafondReport?: string;
}

/** Most runs `--monte-carlo` accepts (as `flux planifier --tirages`). */
export const TIRAGES_MAX_CLI = 2000;

/** A whole number of the CLI between `min` and `max`, else the option named in the error. */
function entierOption(v: string, nom: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new DonneesInvalides([
      { chemin: nom, message: `entier attendu, de ${min.toLocaleString('fr-FR')} à ${max.toLocaleString('fr-FR')}` },
    ]);
  return Number(v);
}

/** `--historique 0,085;0,09`: one or two past years' turnover, shares between 0 and 1. */
function rotationsSaisies(v: string): number[] {
  const parts = v.split(';').map((x) => x.trim().replace(',', '.'));
  if (parts.length > 2 || parts.some((x) => !/^\d+(\.\d+)?$/.test(x) || Number(x) > 1))
    throw new DonneesInvalides([
      {
        chemin: '--historique',
        message: 'la rotation d’une ou deux années passées, des parts séparées par « ; » (0,085;0,09)',
      },
    ]);
  return parts.map(Number);
}

/** An orientation without its `explication` (the candidates weighed), for `--sans-explications`. */
function sansExplication(_cle: string, e: unknown): unknown {
  if (_cle !== 'orientations' || e === null || typeof e !== 'object') return e;
  const reste = { ...(e as Record<string, unknown>) };
  delete reste['explication'];
  return reste;
}

async function simulate(fichier: string, options: OptionsSimulate, io: Sorties): Promise<number> {
  let texte: string;
  try {
    texte = await readFile(fichier, 'utf8');
  } catch (err) {
    io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
    return EXIT_ENTREE_INVALIDE;
  }
  let moteur: OptionsMoteur = {};
  if (options.plan !== undefined) {
    let plan: string;
    try {
      plan = await readFile(options.plan, 'utf8');
    } catch (err) {
      io.err(`${options.plan}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    if (options.bilan) throw new DonneesInvalides([{ chemin: '--plan', message: 'ne se combine pas avec --bilan' }]);
    moteur = { plan: lireCiblesPlan(plan) };
  }
  if (options.seed !== undefined && options.monteCarlo === undefined)
    throw new DonneesInvalides([{ chemin: '--seed', message: 'ne s’emploie qu’avec --monte-carlo N' }]);
  if (options.monteCarlo !== undefined) {
    if (options.bilan)
      throw new DonneesInvalides([{ chemin: '--bilan', message: 'ne se combine pas avec --monte-carlo' }]);
    const tirages = entierOption(options.monteCarlo, '--monte-carlo', 1, TIRAGES_MAX_CLI);
    const graine = options.seed === undefined ? 1 : entierOption(options.seed, '--seed', 0, 2 ** 32 - 1);
    // On every core, this thread included, when the runs are many enough (ADR 0048).
    const r = await monteCarloTexte(
      texte,
      tirages,
      graine,
      moteur,
      {
        ...(options.plafondReport !== undefined
          ? { plafondReport: entierOption(options.plafondReport, '--plafond-report', 0, 1000) }
          : {}),
        ...(options.historique !== undefined ? { historique: rotationsSaisies(options.historique) } : {}),
      },
      { ceFil: true },
    );
    if (options.pdf !== undefined) {
      const { pdfSimulation } = await import('../reports/simulation-pdf.ts');
      const corps = await pdfSimulation(documentMonteCarlo(r, fichier), jourParis(new Date()));
      try {
        await writeFile(options.pdf, corps);
      } catch (err) {
        io.err(`${options.pdf}: écriture impossible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
        return EXIT_ENTREE_INVALIDE;
      }
    }
    io.out(options.json ? `${JSON.stringify(r)}\n` : `${resumeMonteCarlo(r, fichier)}\n`);
    return 0;
  }
  for (const [o, nom] of [
    [options.pdf, '--pdf'],
    [options.historique, '--historique'],
    [options.plafondReport, '--plafond-report'],
  ] as const)
    if (o !== undefined) throw new DonneesInvalides([{ chemin: nom, message: 'ne s’emploie qu’avec --monte-carlo N' }]);
  if (options.bilan) {
    const scenario = lireScenario(texte);
    io.out(`${JSON.stringify(bilanAnnuel(scenario, simuler(scenario, { detail: true })), null, 2)}\n`);
    return 0;
  }
  const resultat = simulerTexte(texte, moteur);
  for (const a of resultat.avertissements) io.err(`avertissement : ${a.chemin} : ${a.message}\n`);
  if (options.json) {
    // Compact and streamed: a large bailleur's year is hundreds of MB of JSON, never one string.
    const explications = options.explications !== false && !options.sansExplications;
    await ecrireJsonEnFlux(resultat as unknown as Record<string, unknown>, io.ecrire ?? io.out, {
      element: explications ? undefined : sansExplication,
    });
  } else io.out(`${resumeFrancais(resultat, `Simulation de ${fichier}`)}\n`);
  return 0;
}

async function auditVerify(dossier: string, io: Sorties): Promise<number> {
  const { ouvrirBase } = await import('../app/base.ts');
  const { verifierAudit } = await import('../app/audit.ts');
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier });
  try {
    await base.migrer();
    const v = await verifierAudit(base.db);
    if (v.ok) {
      io.out(`Journal d’audit intègre : ${v.evenements} événements, chaîne d’empreintes vérifiée.\n`);
      return 0;
    }
    io.err(
      `Journal d’audit ALTÉRÉ : événement n° ${v.anomalie!.seq} — ${v.anomalie!.message} (${v.evenements} événements lus).\n`,
    );
    return EXIT_AUDIT_ALTERE;
  } finally {
    await base.fermer();
  }
}

interface OptionsImportRplsCli {
  bailleur: string;
  validesSeulement?: boolean;
  json?: boolean;
  departement?: string;
  erreurs?: string;
  data: string;
}

/** How many of the rejected rows' problems are printed (the error file has them all). */
const PROBLEMES_AFFICHES = 20;

async function importRpls(fichier: string, options: OptionsImportRplsCli, io: Sorties): Promise<number> {
  const { copyFile } = await import('node:fs/promises');
  const { supprimerTemporaire } = await import('../import/fichier-temporaire.ts');
  const { basename, dirname, extname, join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { ouvrirBase } = await import('../app/base.ts');
  const { importerRpls, resumeImportFrancais, sourceFichier } = await import('../app/import-rpls.ts');
  let source: Awaited<ReturnType<typeof sourceFichier>>;
  try {
    source = await sourceFichier(fichier);
  } catch (err) {
    io.err(`${fichier}: fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
    return EXIT_ENTREE_INVALIDE;
  }
  // A progress line on stderr, only on a terminal, rewritten in place at most five times a second.
  const tty = io === sortiesStandard && process.stderr.isTTY === true;
  let derniere = 0;
  const surProgression = tty
    ? (lus: number, total: number | null) => {
        const maintenant = Date.now();
        if (maintenant - derniere < 200 && lus !== total) return;
        derniere = maintenant;
        const part = total ? ` ${Math.floor((lus / total) * 100)} %` : '';
        io.err(`\rLecture du fichier RPLS :${part} (${(lus / 1e6).toFixed(1)} Mo)`);
      }
    : undefined;
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: options.data });
  try {
    await base.migrer();
    let r;
    try {
      r = await importerRpls(base.db, source, {
        siren: options.bailleur,
        valideSeulement: options.validesSeulement,
        departement: options.departement,
        surProgression,
      });
    } catch (err) {
      if (tty) io.err('\r\x1b[K');
      if (!(err instanceof DonneesInvalides)) throw err;
      // The file's problems read like the rejected rows': « ligne 1, colonne DEPCOM : … ».
      for (const p of err.problemes) io.err(`${p.chemin} : ${p.message}\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    if (tty) io.err('\r\x1b[K');
    if (r.erreurs !== null) {
      // The import wrote it to a temporary file as it read: copied next to the input (or to the
      // system's temporary directory when that one is read-only), never held in memory.
      let chemin = options.erreurs ?? join(dirname(fichier), `${basename(fichier, extname(fichier))}.erreurs.csv`);
      try {
        try {
          await copyFile(r.erreurs.chemin, chemin);
        } catch {
          chemin = join(tmpdir(), `${basename(fichier, extname(fichier))}.erreurs.csv`);
          await copyFile(r.erreurs.chemin, chemin);
        }
      } finally {
        await supprimerTemporaire(r.erreurs.chemin);
      }
      r.resume.fichierErreurs = chemin;
    }
    if (options.json) io.out(`${JSON.stringify(r.resume, null, 2)}\n`);
    else io.out(`${resumeImportFrancais(r.resume)}\n`);
    if (r.resume.importe) return 0;
    for (const p of r.problemes.slice(0, PROBLEMES_AFFICHES)) io.err(`${p.chemin} : ${p.message}\n`);
    if (r.nombreProblemes > PROBLEMES_AFFICHES)
      io.err(`… et ${r.nombreProblemes - PROBLEMES_AFFICHES} autres problèmes\n`);
    io.err(
      `${r.resume.rejetes} ligne(s) rejetée(s), rien n’a été importé ; fichier d’erreurs : ${r.resume.fichierErreurs}\n`,
    );
    return EXIT_ENTREE_INVALIDE;
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
    .option(
      '--json',
      'sortie JSON compacte, écrite au fil de l’eau (orientations expliquées, bilan, objectifs, écarts)',
    )
    .option('--explications', 'avec --json : les candidats pesés pour chaque orientation (par défaut)')
    .option('--no-explications', 'avec --json : sans le champ « explication » des orientations (sortie plus légère)')
    .option('--sans-explications', 'synonyme de --no-explications')
    .option(
      '--bilan',
      'sortie JSON du bilan annuel R.441-5-1 (par réservataire et par dimension, détail par logement), celui de l’API',
    )
    .option(
      '--monte-carlo <n>',
      `tire n années (1 à ${TIRAGES_MAX_CLI.toLocaleString('fr-FR')}) selon la rotation, la saisonnalité, les refus et le PRU observés dans le scénario, et rend les fourchettes par réservataire et par option (décompte, un ou tous les réservataires, gestion déléguée, report, historique)`,
    )
    .option('--seed <s>', 'avec --monte-carlo : graine du tirage (défaut 1) ; même graine, même réponse')
    .option(
      '--plan <fichier>',
      'suit les cibles par segment d’un plan d’attribution (sortie de flux plan --json), la propriété de quota restant tenue',
    )
    .option('--pdf <fichier>', 'avec --monte-carlo : écrit aussi le PDF des options (tableau et éventails)')
    .option(
      '--historique <rotations>',
      'avec --monte-carlo : rotation d’une ou deux années passées (« 0,085;0,09 ») pour l’option « historique »',
    )
    .option('--plafond-report <n>', 'avec --monte-carlo : plafond du report plafonné, en logements (défaut 2)')
    .action(async (fichier: string, options: OptionsSimulate) => {
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
  const importer = program
    .command('import')
    .description('Imports : patrimoine RPLS, réservations du stock, référentiels (QPV, zonages)');
  importer
    .command('rpls')
    .description(
      'Importe le fichier RPLS d’un bailleur (logement par logement, format SDES) : tout ou rien, fichier d’erreurs sinon (base DATABASE_URL, sinon ./data/flux)',
    )
    .argument('<fichier>', 'fichier RPLS CSV (« ; » ou « , », UTF-8 ou Latin-1)')
    .requiredOption('--bailleur <siren>', 'SIREN du bailleur (organisation de catégorie « bailleur »)')
    .option('--valides-seulement', 'importe les lignes valides même si d’autres sont rejetées')
    .option('--departement <dd>', 'n’importe que les logements de ce département')
    .option('--erreurs <fichier>', 'chemin du fichier d’erreurs (défaut : FICHIER.erreurs.csv à côté du fichier)')
    .option('--json', 'résumé JSON')
    .option('--data <dossier>', 'dossier PGlite', process.env.FLUX_DATA_DIR ?? 'data/flux')
    .action(async (fichier: string, options: OptionsImportRplsCli) => {
      code = await importRpls(fichier, options, io);
    });
  ajouterImportsReferentiels(importer, io, (c) => {
    code = c;
  });
  ajouterDemandes(program, importer, io, (c) => {
    code = c;
  });
  ajouterOccupation(importer, io, (c) => {
    code = c;
  });
  ajouterConventions(program, io, (c) => {
    code = c;
  });
  ajouterSauvegarde(program, io, (c) => {
    code = c;
  });
  ajouterAdministration(program, io, (c) => {
    code = c;
  });
  ajouterPlanification(program, io, (c) => {
    code = c;
  });
  ajouterPlanAttribution(program, io, (c) => {
    code = c;
  });
  ajouterRgpd(program, io, (c) => {
    code = c;
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
