/**
 * Fails (exit 1) when src/db/schema.ts and the committed migrations have drifted apart: generates
 * migrations from the schema into a copy of the migrations folder and checks nothing new appears.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const racine = resolve(import.meta.dirname, '..');
const dossier = mkdtempSync(join(tmpdir(), 'flux-drift-'));
const copie = join(dossier, 'migrations');
cpSync(join(racine, 'src/db/migrations'), copie, { recursive: true });
const config = join(dossier, 'drizzle.config.json');
writeFileSync(
  config,
  JSON.stringify({ dialect: 'postgresql', schema: join(racine, 'src/db/schema.ts'), out: './migrations' }),
);
const avant = readdirSync(copie).filter((f) => f.endsWith('.sql'));
const sortie = execFileSync(
  join(racine, 'node_modules/.bin/drizzle-kit'),
  ['generate', '--config', config, '--name', 'derive'],
  {
    cwd: dossier,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
if (!/No schema changes|Your SQL migration file/.test(sortie)) {
  console.error(`drizzle-kit n’a pas pu comparer le schéma et les migrations :\n${sortie}`);
  process.exit(1);
}
const apres = readdirSync(copie).filter((f) => f.endsWith('.sql'));
rmSync(dossier, { recursive: true, force: true });
if (apres.length !== avant.length) {
  console.error(
    'Le schéma (src/db/schema.ts) a changé sans migration : lancez `npm run db:generate` et committez la migration.',
  );
  console.error(sortie);
  process.exit(1);
}
console.log('Schéma et migrations concordent.');
