/**
 * `flux import occupation FICHIER --bailleur ID` (all or nothing, the error file next to the input,
 * problems by line and column) and `flux import zonage --type zone_examen_occupation` (the zones of
 * CCH L.442-5-2 as dated data with their source): on the demo's database (ADR 0044).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { evenementsAudit, occupations, zonagesCommunes } from '../../src/db/schema.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { baseCli } from '../helpers/cli.ts';

describe('flux import occupation, zones de l’article L.442-5-2 (pglite)', () => {
  const b = baseCli('pglite', 'flux-caleol-', (db) => seedDemo(db, { echelle: 0.03, aujourdhui: '2026-11-20' }));

  it('un fichier invalide n’importe rien, nomme ligne et colonne, écrit le fichier d’erreurs', async () => {
    const avant = await b.avecBase((db) => db.select().from(occupations));
    const f = join(b.dossier, 'occ.csv');
    writeFileSync(f, 'RPLS;NOM;DATE_BAIL;PERSONNES\nINCONNU;Dupont;15/03/2020;2\n');
    const r = await b.lancer(['import', 'occupation', f, '--bailleur', '999450001']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('ligne 2, colonne RPLS : logement RPLS INCONNU absent de votre patrimoine');
    expect(r.err).toContain('rien n’a été importé');
    const erreurs = join(b.dossier, 'occ.erreurs.csv');
    expect(existsSync(erreurs)).toBe(true);
    expect(readFileSync(erreurs, 'utf8')).not.toContain('Dupont');
    expect(await b.avecBase((db) => db.select().from(occupations))).toEqual(avant);
  });

  it('le fichier juste est importé et journalisé ; les zones s’importent avec leur source', async () => {
    const [u] = await b.avecBase((db) =>
      lignes<{ rpls: string; commune: string }>(
        db,
        sql`select rpls, commune from logements where bailleur_id = 'HLD' order by rpls limit 1`,
      ),
    );
    const f = join(b.dossier, 'occ2.csv');
    writeFileSync(
      f,
      `RPLS;DATE_BAIL;PERSONNES;RESSOURCES_ANNUELLES;PLAFOND_RESSOURCES\n${u!.rpls};15/03/2020;2;30000;25000\n`,
    );
    const r = await b.lancer(['import', 'occupation', f, '--bailleur', '999450001']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 logement(s) lu(s)');
    const audit = await b.avecBase((db) =>
      db.select().from(evenementsAudit).where(eq(evenementsAudit.action, 'occupation.importer')),
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.apres)).not.toContain('30000');

    const z = join(b.dossier, 'zones.csv');
    writeFileSync(z, `CODGEO\n${u!.commune}\n`);
    const rz = await b.lancer([
      'import',
      'zonage',
      z,
      '--type',
      'zone_examen_occupation',
      '--du',
      '2027-01-01',
      '--source',
      'Arrêté de test',
    ]);
    expect(rz.err).toBe('');
    expect(rz.code).toBe(0);
    const zones = await b.avecBase((db) =>
      db
        .select()
        .from(zonagesCommunes)
        .where(and(eq(zonagesCommunes.zonage, 'zone_examen_occupation'), eq(zonagesCommunes.du, '2027-01-01'))),
    );
    expect(zones.map((x) => [x.commune, x.source])).toEqual([[u!.commune, 'Arrêté de test']]);
  });
});
