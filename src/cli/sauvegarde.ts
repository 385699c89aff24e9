/**
 * `flux sauvegarde FICHIER`, `flux restauration FICHIER [--remplacer]` and
 * `flux migrer --vers postgres://…`: the whole database to a gzip'd file and back, or from the
 * embedded PGlite folder into PostgreSQL (src/app/sauvegarde.ts, ADR 0022). The database is that
 * of DATABASE_URL, else the PGlite folder `--data`. Exit status 2 for a refused input, 3 for a
 * dump whose audit chain does not verify.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Command } from 'commander';
import type { Base } from '../app/base.ts';

interface Sorties {
  out: (s: string) => void;
  err: (s: string) => void;
}

const DOSSIER_DEFAUT = process.env.FLUX_DATA_DIR ?? 'data/flux';
const EXIT_ENTREE_INVALIDE = 2;
const EXIT_AUDIT_ALTERE = 3;

const nombre = (n: number): string => n.toLocaleString('fr-FR');
const octets = (n: number): string =>
  n < 2 ** 20
    ? `${nombre(Math.ceil(n / 1024))} Kio`
    : `${(n / 2 ** 20).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mio`;

async function ouvrir(options: { url?: string; data: string }): Promise<Base> {
  const { ouvrirBase } = await import('../app/base.ts');
  const base = await ouvrirBase({ url: options.url, dossier: options.data });
  try {
    await base.migrer();
  } catch (err) {
    await base.fermer();
    throw err;
  }
  return base;
}

/** A URL's user, host and database, never its password. */
function urlSansSecret(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.href;
  } catch {
    return 'URL illisible';
  }
}

/** A PGlite source must exist: opening a missing folder would create, and copy, an empty base. */
function sourceAbsente(data: string, io: Sorties): boolean {
  if (existsSync(data)) return false;
  io.err(`${data} : dossier de base embarquée introuvable (--data, ou DATABASE_URL pour PostgreSQL)\n`);
  return true;
}

async function sauvegarde(fichier: string, options: { data: string }, io: Sorties): Promise<number> {
  const { sauvegarder } = await import('../app/sauvegarde.ts');
  if (!process.env.DATABASE_URL && sourceAbsente(options.data, io)) return EXIT_ENTREE_INVALIDE;
  const base = await ouvrir({ url: process.env.DATABASE_URL, data: options.data });
  // Written beside, renamed at the end: a failed backup never leaves a file that looks whole.
  const partiel = `${fichier}.partiel`;
  try {
    const gzip = createGzip({ level: 6 });
    const ecriture = pipeline(gzip, createWriteStream(partiel, { flags: 'wx' }));
    // An unwritable target fails the pipeline at once: don't dump the base into nowhere.
    let echec: unknown = null;
    ecriture.catch((e: unknown) => (echec = e));
    const r = await sauvegarder(base.db, base.genre, async (ligne) => {
      if (echec) throw echec;
      if (!gzip.write(`${ligne}\n`)) await once(gzip, 'drain');
    });
    gzip.end();
    await ecriture;
    await rename(partiel, fichier);
    const taille = (await stat(fichier)).size;
    const lignes = r.manifeste.tables.reduce((s, t) => s + t.lignes, 0);
    io.out(
      `Sauvegarde écrite : ${fichier} (${octets(taille)}) — ${r.manifeste.tables.length} tables, ${nombre(lignes)} lignes, ` +
        `${nombre(r.manifeste.audit.evenements)} événements d’audit (empreinte de tête ${r.manifeste.audit.dernierHash.slice(0, 16)}…), ` +
        `niveau de migration ${r.manifeste.migrations.nombre}.\n`,
    );
    return 0;
  } catch (err) {
    await rm(partiel, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      io.err(
        `${partiel} : une sauvegarde est déjà en cours d’écriture ici (ou a été interrompue : supprimez ce fichier)\n`,
      );
      return EXIT_ENTREE_INVALIDE;
    }
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOSPC') {
      io.err(`${fichier} : écriture impossible (${code})\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    throw err;
  } finally {
    await base.fermer();
  }
}

/** The lines of a gzip'd dump; a file that is not gzip is refused in French. */
async function* lignesFichier(fichier: string): AsyncGenerator<string> {
  const { SauvegardeRefusee } = await import('../app/sauvegarde.ts');
  const gunzip = createGunzip();
  const entree = createReadStream(fichier).pipe(gunzip);
  const erreurs: unknown[] = [];
  gunzip.on('error', (e) => erreurs.push(e));
  try {
    for await (const l of createInterface({ input: entree, crlfDelay: Infinity })) yield l;
  } catch (e) {
    erreurs.push(e);
  }
  if (erreurs.length > 0) {
    const e = erreurs[0] as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw e;
    throw new SauvegardeRefusee(`sauvegarde illisible : ce n’est pas un fichier gzip entier (${e.code ?? e.message})`);
  }
}

async function restauration(
  fichier: string,
  options: { data: string; remplacer?: boolean },
  io: Sorties,
): Promise<number> {
  const { restaurer, SauvegardeRefusee } = await import('../app/sauvegarde.ts');
  try {
    await stat(fichier);
  } catch (err) {
    io.err(`${fichier} : fichier illisible (${(err as NodeJS.ErrnoException).code ?? 'erreur'})\n`);
    return EXIT_ENTREE_INVALIDE;
  }
  const base = await ouvrir({ url: process.env.DATABASE_URL, data: options.data });
  try {
    const r = await restaurer(base.db, lignesFichier(fichier), { remplacer: options.remplacer });
    const lignes = r.manifeste.tables.reduce((s, t) => s + t.lignes, 0);
    io.out(
      `Restauration terminée depuis ${fichier} (sauvegarde du ${r.manifeste.creeLe.slice(8, 10)}/${r.manifeste.creeLe.slice(5, 7)}/${r.manifeste.creeLe.slice(0, 4)}) : ` +
        `${r.manifeste.tables.length} tables, ${nombre(lignes)} lignes, journal d’audit vérifié (${nombre(r.manifeste.audit.evenements)} événements).\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof SauvegardeRefusee) {
      io.err(`${fichier} : ${err.message}\n`);
      return err.auditAltere ? EXIT_AUDIT_ALTERE : EXIT_ENTREE_INVALIDE;
    }
    throw err;
  } finally {
    await base.fermer();
  }
}

async function migrer(options: { data: string; vers?: string }, io: Sorties): Promise<number> {
  const { canal, etatBase, restaurer, sauvegarder, SauvegardeRefusee } = await import('../app/sauvegarde.ts');
  const vers = options.vers;
  if (!vers || !/^postgres(ql)?:\/\//.test(vers)) {
    io.err('--vers : URL PostgreSQL attendue (postgres://utilisateur@hôte:5432/base)\n');
    return EXIT_ENTREE_INVALIDE;
  }
  if (process.env.DATABASE_URL) {
    io.err(
      'DATABASE_URL est définie : flux migrer lit la base embarquée (--data) ; retirez DATABASE_URL pour la commande\n',
    );
    return EXIT_ENTREE_INVALIDE;
  }
  if (sourceAbsente(options.data, io)) return EXIT_ENTREE_INVALIDE;
  const source = await ouvrir({ data: options.data });
  let cible: Base | null = null;
  try {
    try {
      cible = await ouvrir({ url: vers, data: options.data });
    } catch (err) {
      io.err(`${urlSansSecret(vers)} : connexion ou migration impossible (${(err as Error).message})\n`);
      return EXIT_ENTREE_INVALIDE;
    }
    const c = canal();
    const ecriture = sauvegarder(source.db, source.genre, (l) => c.envoyer(l)).then(
      (r) => {
        c.fermer();
        return r;
      },
      (e: unknown) => {
        c.fermer(e);
        throw e;
      },
    );
    const lecture = restaurer(cible.db, c.lignes).catch((e: unknown) => {
      c.abandonner();
      throw e;
    });
    const [resultat] = await Promise.allSettled([lecture, ecriture]);
    if (resultat.status === 'rejected') {
      await ecriture.catch(() => undefined);
      throw resultat.reason;
    }
    await ecriture;
    // After the commit, compared again from each side: every table's count, the audit chain.
    const [avant, apres] = [await etatBase(source.db), await etatBase(cible.db)];
    const ecarts = [...avant.tables].filter(([t, n]) => apres.tables.get(t) !== n);
    if (ecarts.length > 0 || !apres.audit.ok || apres.tete.dernierHash !== avant.tete.dernierHash) {
      io.err(
        `copie incomplète : ${ecarts.map(([t, n]) => `${t} ${nombre(n)} → ${nombre(apres.tables.get(t) ?? 0)}`).join(', ') || 'journal d’audit différent'}\n`,
      );
      return 1;
    }
    const lignes = [...avant.tables.values()].reduce((s, n) => s + n, 0);
    io.out(
      `Base embarquée ${options.data} copiée dans ${urlSansSecret(vers)} : ${avant.tables.size} tables, ${nombre(lignes)} lignes, ` +
        `comptes identiques table par table, journal d’audit vérifié des deux côtés (${nombre(apres.audit.evenements)} événements). ` +
        'Démarrez Flux avec DATABASE_URL vers cette base ; gardez le dossier embarqué comme copie jusqu’à vérification.\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof SauvegardeRefusee) {
      io.err(
        `${urlSansSecret(vers)} : ${err.message.replace('ajoutez --remplacer pour tout effacer d’abord', 'choisissez une base vide')}\n`,
      );
      return err.auditAltere ? EXIT_AUDIT_ALTERE : EXIT_ENTREE_INVALIDE;
    }
    throw err;
  } finally {
    await source.fermer();
    await cible?.fermer();
  }
}

export function ajouterSauvegarde(program: Command, io: Sorties, fin: (code: number) => void): void {
  program
    .command('sauvegarde')
    .description(
      'Sauvegarde toute la base (DATABASE_URL, sinon le dossier --data) dans un fichier gzip, journal d’audit compris',
    )
    .argument('<fichier>', 'fichier à écrire (par exemple flux-2026-12-07.jsonl.gz) ; il ne doit pas exister')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (fichier: string, options: { data: string }) => {
      const { access } = await import('node:fs/promises');
      const existe = await access(fichier).then(
        () => true,
        () => false,
      );
      if (existe) {
        io.err(`${fichier} : ce fichier existe déjà ; choisissez un autre nom\n`);
        fin(EXIT_ENTREE_INVALIDE);
        return;
      }
      fin(await sauvegarde(fichier, options, io));
    });
  program
    .command('restauration')
    .description(
      'Restaure une sauvegarde dans une base vide (DATABASE_URL, sinon le dossier --data), en une transaction, après vérification du journal d’audit',
    )
    .argument('<fichier>', 'fichier écrit par flux sauvegarde')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .option('--remplacer', 'efface d’abord toutes les données de la base (irréversible)')
    .action(async (fichier: string, options: { data: string; remplacer?: boolean }) => {
      fin(await restauration(fichier, options, io));
    });
  program
    .command('migrer')
    .description(
      'Copie la base embarquée (dossier --data) dans une base PostgreSQL vide, puis compare les comptes de chaque table et le journal d’audit',
    )
    .requiredOption('--vers <url>', 'base PostgreSQL cible, vide (postgres://utilisateur@hôte:5432/base)')
    .option('--data <dossier>', 'dossier PGlite', DOSSIER_DEFAUT)
    .action(async (options: { data: string; vers?: string }) => {
      fin(await migrer(options, io));
    });
}
