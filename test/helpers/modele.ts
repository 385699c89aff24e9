/**
 * PGlite databases prepared once for the whole suite: migrating takes ≈ 4 s and seeding the demo
 * ≈ 2.5 s on a quiet machine, and every test file (one process each) used to pay it again. The
 * first file to need a state builds it and leaves its data directory as a tar archive under the
 * system's temporary folder; the others open a copy of it (well under a second).
 *
 * The archive's name holds a fingerprint of everything that shapes the state — the sources under
 * `src/` (migrations, seed, engine), PGlite's version, the day (the demo is dated from today) and
 * the caller's key — so an edit, an upgrade or a new day builds a new one; nothing is ever reused
 * across a change. `FLUX_MODELES=0` turns the cache off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ouvrirBase, type Base } from '../../src/db/client.ts';

const RACINE = join(import.meta.dirname, '../..');
const DOSSIER = join(tmpdir(), 'flux-modeles');

let empreinteSources: string | null = null;

function fichiers(dossier: string): string[] {
  return readdirSync(dossier, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? fichiers(join(dossier, e.name)) : [join(dossier, e.name)]))
    .sort();
}

/** SHA-256 of every file under src/ (path and content) and of PGlite's version. */
function empreinte(): string {
  if (empreinteSources) return empreinteSources;
  const h = createHash('sha256');
  for (const f of fichiers(join(RACINE, 'src'))) {
    h.update(relative(RACINE, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  h.update(readFileSync(join(RACINE, 'node_modules/@electric-sql/pglite/package.json')));
  empreinteSources = h.digest('hex');
  return empreinteSources;
}

/** Archives older than two days are other sources' or other days': removed (best effort). */
function nettoyer(): void {
  const limite = Date.now() - 2 * 86_400_000;
  for (const f of readdirSync(DOSSIER)) {
    try {
      if (statSync(join(DOSSIER, f)).mtimeMs < limite) rmSync(join(DOSSIER, f));
    } catch {
      // Removed meanwhile by another process.
    }
  }
}

/**
 * An in-memory PGlite base in the state `preparer` leaves a fresh migrated base in, built once per
 * `cle` and source state. `preparer` must depend on nothing but `cle`, the sources and the day.
 */
export async function baseModele(cle: string, preparer: (base: Base) => Promise<void>): Promise<Base> {
  if (process.env['FLUX_MODELES'] === '0') {
    const base = await ouvrirBase({ dossier: 'memory://' });
    await base.migrer();
    await preparer(base);
    return base;
  }
  const jour = new Date().toISOString().slice(0, 10);
  const nom = createHash('sha256').update(`${cle}\0${jour}\0${empreinte()}`).digest('hex').slice(0, 24);
  const archive = join(DOSSIER, `${cle.replace(/[^a-z0-9-]/gi, '_')}-${nom}.tar`);
  if (existsSync(archive) && statSync(archive).size > 0) {
    return ouvrirBase({ dossier: 'memory://', donnees: new Blob([readFileSync(archive)]) });
  }
  const base = await ouvrirBase({ dossier: 'memory://' });
  await base.migrer();
  await preparer(base);
  const donnees = await base.exporterDonnees!();
  mkdirSync(DOSSIER, { recursive: true });
  nettoyer();
  // Written beside, then renamed: another process never reads a half-written archive.
  const provisoire = `${archive}.${process.pid}.tmp`;
  writeFileSync(provisoire, Buffer.from(await donnees.arrayBuffer()));
  renameSync(provisoire, archive);
  return base;
}
