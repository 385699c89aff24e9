/**
 * The events' counts per bailleur × département × year (migration 0027) follow every way events
 * are written — several rows in one statement, a deletion, an update that moves an event to another
 * year, an emptying — since the year's version (`resultatAnnee`) reads them instead of counting the
 * events: a count that drifted would hide a committed event from the engine. On PGlite and
 * PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { genresDeTest, ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';

describe.each(genresDeTest())('compteurs des événements (%s)', (genre) => {
  let t: BaseDeTest;
  beforeAll(async () => {
    t = await ouvrirBaseDeTest(genre);
    for (const id of ['B1', 'B2'])
      await t.base.db.execute(sql`insert into organisations (id, nom, categorie) values (${id}, ${id}, 'bailleur')`);
  }, 60_000);
  afterAll(() => t?.fermer());

  /** The kept counts, and the events counted from scratch: always the same. */
  const comparer = async () => {
    const gardes = await lignes<{ cle: string; n: string }>(
      t.base.db,
      sql`select bailleur_id || '|' || departement || '|' || annee as cle, n::text from compteurs_evenements where n <> 0 order by 1`,
    );
    const comptes = await lignes<{ cle: string; n: string }>(
      t.base.db,
      sql`select bailleur_id || '|' || departement || '|' || annee as cle, count(*)::text as n from evenements_flux group by 1 order by 1`,
    );
    expect(gardes).toEqual(comptes);
    return Object.fromEntries(comptes.map((c) => [c.cle, Number(c.n)]));
  };
  const evenement = (logement: string) => JSON.stringify({ date: '2026-03-01', type: 'liberation', logement });

  it('suivent les ajouts, suppressions, déplacements et vidages', async () => {
    const db = t.base.db;
    await db.execute(
      sql`insert into evenements_flux (bailleur_id, departement, annee, evenement) values
        ('B1', '45', 2026, ${evenement('a')}::jsonb), ('B1', '45', 2026, ${evenement('b')}::jsonb),
        ('B1', '45', 2025, ${evenement('c')}::jsonb), ('B2', '18', 2026, ${evenement('d')}::jsonb)`,
    );
    expect(await comparer()).toEqual({ 'B1|45|2025': 1, 'B1|45|2026': 2, 'B2|18|2026': 1 });
    await db.execute(
      sql`insert into evenements_flux (bailleur_id, departement, annee, evenement) values ('B1', '45', 2026, ${evenement('e')}::jsonb)`,
    );
    expect((await comparer())['B1|45|2026']).toBe(3);
    await db.execute(sql`delete from evenements_flux where evenement ->> 'logement' in ('a', 'd')`);
    expect(await comparer()).toEqual({ 'B1|45|2025': 1, 'B1|45|2026': 2 });
    await db.execute(sql`update evenements_flux set annee = 2027 where evenement ->> 'logement' = 'b'`);
    expect(await comparer()).toEqual({ 'B1|45|2025': 1, 'B1|45|2026': 1, 'B1|45|2027': 1 });
    // In a transaction that fails, nothing is counted.
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into evenements_flux (bailleur_id, departement, annee, evenement) values ('B2', '18', 2026, ${evenement('f')}::jsonb)`,
        );
        throw new Error('annulée');
      }),
    ).rejects.toThrow('annulée');
    expect((await comparer())['B2|18|2026']).toBeUndefined();
    await db.execute(sql`truncate evenements_flux cascade`);
    expect(await comparer()).toEqual({});
  });
});
