/**
 * `flux import rpls`: exit statuses (0 imported, 2 invalid input with the error file's path, 1
 * internal), the JSON and French summaries, through `main()` with captured output, on PGlite (a
 * data directory) and on PostgreSQL when DATABASE_URL is set; once through the real binary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { organisations } from '../../src/db/schema.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import type { ResumeImportRpls } from '../../src/app/import-rpls.ts';
import { baseCli } from '../helpers/cli.ts';
import { genresDeTest } from '../helpers/database.ts';
import { NARBONNE_CHEMIN, NARBONNE_LOGEMENTS, csv, ligne, narbonne } from './fichiers.ts';

const BIN = fileURLToPath(new URL('../../bin/flux.js', import.meta.url));
const URL_ADMIN = process.env['DATABASE_URL'];
const SIREN = '999220001';

describe.each(genresDeTest())('flux import rpls (%s)', (genre) => {
  const cli = baseCli(genre, 'flux-import-rpls-', async (db) => {
    await db.insert(organisations).values({ id: 'B-CLI', nom: 'Bailleur CLI', categorie: 'bailleur', siren: SIREN });
  });
  const { dossier, data, lancer } = cli;

  function fichier(nom: string, contenu: string | Buffer): string {
    const chemin = join(dossier, nom);
    writeFileSync(chemin, contenu);
    return chemin;
  }

  it('une ligne invalide : statut 2, rien d’importé, le chemin du fichier d’erreurs est donné', async () => {
    const f = fichier('invalide.csv', csv([ligne('A'), ligne('B', { FINAN: '77' })], { sep: ',' }));
    const r = await lancer(['import', 'rpls', f, '--bailleur', SIREN, '--json']);
    expect(r.code).toBe(2);
    const resume = JSON.parse(r.out) as ResumeImportRpls;
    expect(resume).toMatchObject({
      importe: false,
      logements: 1,
      rejetes: 1,
      fichierErreurs: join(dossier, 'invalide.erreurs.csv'),
    });
    expect(r.err).toContain('ligne 3, colonne FINAN : code de financement inconnu « 77 »\n');
    expect(r.err).toContain(`fichier d’erreurs : ${join(dossier, 'invalide.erreurs.csv')}`);
    const erreurs = readFileSync(resume.fichierErreurs!, 'utf8');
    expect(erreurs.startsWith('\uFEFF')).toBe(true);
    expect(erreurs.split('\r\n')[1]).toBe(
      'B;45234;ORLEANS;RUE DES CARMES;2;C;3;65;1975;77;D;ligne 3, colonne FINAN : code de financement inconnu « 77 »',
    );
  });

  it('--erreurs choisit le fichier d’erreurs', async () => {
    const f = fichier('invalide2.csv', csv([ligne('B', { NBPIECE: '0' })]));
    const cible = join(dossier, 'mes-erreurs.csv');
    const r = await lancer(['import', 'rpls', f, '--bailleur', SIREN, '--erreurs', cible]);
    expect(r.code).toBe(2);
    expect(existsSync(cible)).toBe(true);
    expect(r.out).toContain('RIEN N’A ÉTÉ IMPORTÉ');
  });

  it(`Narbonne : statut 0, résumé JSON (${NARBONNE_LOGEMENTS} logements), puis résumé en français au réimport`, async () => {
    const r = await lancer(['import', 'rpls', NARBONNE_CHEMIN, '--bailleur', SIREN, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const resume = JSON.parse(r.out) as ResumeImportRpls;
    expect(resume).toMatchObject({
      logements: NARBONNE_LOGEMENTS,
      rejetes: 0,
      nouveaux: NARBONNE_LOGEMENTS,
      modifies: 0,
      disparus: 0,
      communesFusionnees: [],
      parCategorie: { PLAI: 573, PLUS: 3632, PLS: 59, PLI: 0, AUTRE: 1779 },
    });
    expect(resume.fichierErreurs).toBeUndefined();

    const encore = await lancer(['import', 'rpls', NARBONNE_CHEMIN, '--bailleur', SIREN]);
    expect(encore.code).toBe(0);
    expect(encore.out).toContain('6 043 logements valides, 0 ligne rejetée');
    expect(encore.out).toContain('0 nouveau, 0 modifié, 6 043 inchangés, 0 disparu');
    expect(encore.out).toContain('par financement : PLAI 573, PLUS 3 632, PLS 59, PLI 0, AUTRE 1 779');
  });

  it('--valides-seulement : statut 0 et fichier d’erreurs', async () => {
    const [entete, premiere] = lireTout(narbonne()).enregistrements.map((e) => e.champs);
    const mauvaise = premiere!.map((v, i) =>
      entete![i] === 'FINAN' ? '77' : entete![i] === 'NOMVOIE' ? 'RUE NEUVE' : v,
    );
    const f = fichier('mixte.csv', Buffer.concat([narbonne(), Buffer.from(`${mauvaise.join(';')}\n`)]));
    const r = await lancer(['import', 'rpls', f, '--bailleur', SIREN, '--valides-seulement', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      importe: true,
      rejetes: 1,
      inchanges: NARBONNE_LOGEMENTS,
      fichierErreurs: join(dossier, 'mixte.erreurs.csv'),
    });
  });

  it('en-tête sans DEPCOM, SIREN inconnu, fichier absent, option manquante : statut 2 et message clair', async () => {
    const f = fichier('entete.csv', narbonne().toString('utf8').replace(';DEPCOM;', ';COMMUNE;'));
    const entete = await lancer(['import', 'rpls', f, '--bailleur', SIREN]);
    expect(entete.code).toBe(2);
    expect(entete.err).toMatch(/^ligne 1, colonne DEPCOM : colonne obligatoire absente de l’en-tête/);
    const siren = await lancer(['import', 'rpls', NARBONNE_CHEMIN, '--bailleur', '123456789']);
    expect(siren).toMatchObject({ code: 2, out: '' });
    expect(siren.err).toMatch(/aucun bailleur de SIREN 123456789/);
    const absent = await lancer(['import', 'rpls', join(dossier, 'absent.csv'), '--bailleur', SIREN]);
    expect(absent).toMatchObject({ code: 2, err: `${join(dossier, 'absent.csv')}: fichier illisible (ENOENT)\n` });
    const option = await lancer(['import', 'rpls', NARBONNE_CHEMIN]);
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/--bailleur/);
  });

  it('flux import reservations : une ligne rejetée → statut 2, les premiers problèmes et le fichier d’erreurs à côté', async () => {
    const rpls = fichier('stock.csv', csv([ligne('S-1'), ligne('S-2')]));
    expect((await lancer(['import', 'rpls', rpls, '--bailleur', SIREN])).code).toBe(0);
    const f = fichier('reservations.csv', 'RPLS;RESERVATAIRE;TYPE\nS-1;;aucune\nS-9;;aucune\nS-2;;bizarre\n');
    const r = await lancer(['import', 'reservations', f, '--bailleur', SIREN]);
    expect(r.code).toBe(2);
    const chemin = join(dossier, 'reservations.erreurs.csv');
    expect(r.err).toContain(`2 ligne(s) rejetée(s), rien n’a été importé ; fichier d’erreurs : ${chemin}`);
    expect(r.err).toContain('reservations.csv:3:RPLS : logement S-9 inconnu');
    const lignes = readFileSync(chemin, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lignes.slice(0, 2)).toEqual([
      'RPLS;RESERVATAIRE;TYPE;Erreur',
      expect.stringMatching(/^S-9;;aucune;reservations\.csv:3:RPLS : logement S-9 inconnu/),
    ]);
    expect(lignes[2]).toMatch(/^S-2;;bizarre;reservations\.csv:4:TYPE/);
  });

  it('par le vrai binaire : statut 2 sur une ligne invalide', () => {
    const f = fichier('binaire.csv', csv([ligne('Z', { QPV: '' })]));
    const env = { ...process.env };
    if (cli.url) env['DATABASE_URL'] = cli.url;
    else delete env['DATABASE_URL'];
    const r = spawnSync(process.execPath, [BIN, 'import', 'rpls', f, '--bailleur', SIREN, '--data', data], {
      encoding: 'utf8',
      env,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ligne 2, colonne QPV : QPV manquant');
  });
});

// Keeps the admin URL untouched for the other test files of this process.
afterAll(() => {
  if (URL_ADMIN === undefined) delete process.env['DATABASE_URL'];
  else process.env['DATABASE_URL'] = URL_ADMIN;
});
