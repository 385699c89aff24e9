/**
 * The suite's prepared databases (test/helpers/modele.ts): built once, then each opening is a copy
 * of that state — what a test writes in its copy is never seen by the next one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { baseModele } from '../helpers/modele.ts';

describe('bases préparées une fois pour la suite', () => {
  it('prépare une fois, puis ouvre des copies indépendantes', async () => {
    const cle = `essai-${randomBytes(4).toString('hex')}`;
    let preparations = 0;
    const preparer = async (b: Awaited<ReturnType<typeof baseModele>>): Promise<void> => {
      preparations++;
      await b.db.execute(sql`create table essai_modele (n integer)`);
      await b.db.execute(sql`insert into essai_modele values (1)`);
    };
    const premiere = await baseModele(cle, preparer);
    await premiere.db.execute(sql`insert into essai_modele values (2)`);
    const seconde = await baseModele(cle, preparer);
    try {
      expect(preparations).toBe(process.env['FLUX_MODELES'] === '0' ? 2 : 1);
      expect(await lignes<{ n: number }>(seconde.db, sql`select n from essai_modele order by n`)).toEqual([{ n: 1 }]);
      // Migrated: the application's tables are there.
      const [o] = await lignes<{ n: number }>(seconde.db, sql`select count(*)::int as n from organisations`);
      expect(o?.n).toBe(0);
    } finally {
      await premiere.fermer();
      await seconde.fermer();
      const dossier = join(tmpdir(), 'flux-modeles');
      for (const f of existsSync(dossier) ? readdirSync(dossier) : []) {
        if (f.startsWith(cle)) rmSync(join(dossier, f), { force: true });
      }
    }
  }, 180_000);
});
