/**
 * `flux import quartiles FICHIER --annee N` (all or nothing, `fichier:ligne:colonne` errors, read as
 * a stream) and `flux candidats anonymiser --date` (the erasure of unsuccessful candidates' household
 * data after the dated delay, ADR 0034; the clock injected): on the demo's database.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { candidatures, evenementsAudit, seuilsPremierQuartile } from '../../src/db/schema.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { baseCli } from '../helpers/cli.ts';
import { genresDeTest } from '../helpers/database.ts';

const jour = (d: Date) => d.toISOString().slice(0, 10);

describe.each(genresDeTest())('flux import quartiles, flux candidats anonymiser (%s)', (genre) => {
  const b = baseCli(genre, 'flux-menages-', (db) => seedDemo(db, { echelle: 0.03, aujourdhui: '2026-11-20' }));

  it('import quartiles : un fichier invalide n’importe rien et nomme ligne:colonne', async () => {
    const avant = await b.avecBase((db) =>
      db.select().from(seuilsPremierQuartile).where(eq(seuilsPremierQuartile.annee, 2026)),
    );
    const f = join(b.dossier, 'q.csv');
    writeFileSync(f, 'SIREN;MONTANT\n244500468;10 200\n24450046;9000\n244500203;-5\n');
    const r = await b.lancer(['import', 'quartiles', f, '--annee', '2026']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('q.csv:3:1 : SIREN « 24450046 » invalide');
    expect(r.err).toContain('q.csv:4:2 : montant « -5 » invalide');
    expect(r.err).toContain('rien n’a été importé');
    const apres = await b.avecBase((db) =>
      db.select().from(seuilsPremierQuartile).where(eq(seuilsPremierQuartile.annee, 2026)),
    );
    expect(apres).toEqual(avant);
  });

  it('import quartiles : le fichier juste remplace l’année, journalisé', async () => {
    const f = join(b.dossier, 'q2.csv');
    writeFileSync(f, '\uFEFFEPCI,SEUIL\n244500468,"10 200"\n244500203,8450\n');
    const r = await b.lancer(['import', 'quartiles', f, '--annee', '2026', '--source', 'Arrêté de test']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 EPCI');
    const lignes = await b.avecBase((db) =>
      db.select().from(seuilsPremierQuartile).where(eq(seuilsPremierQuartile.annee, 2026)),
    );
    expect(lignes.map((l) => [l.epci, l.montant, l.source, l.importePar]).sort()).toEqual([
      ['244500203', 8450, 'Arrêté de test', 'ligne de commande (flux import quartiles)'],
      ['244500468', 10_200, 'Arrêté de test', 'ligne de commande (flux import quartiles)'],
    ]);
    expect((await b.lancer(['import', 'quartiles', f, '--annee', 'deux'])).code).toBe(2);
  });

  it('candidats anonymiser : rien avant le délai, puis les non retenus seulement, une fois', async () => {
    const maintenant = new Date();
    const r0 = await b.lancer(['candidats', 'anonymiser', '--date', jour(maintenant), '--json']);
    expect(r0.code).toBe(0);
    expect(JSON.parse(r0.out)).toMatchObject({ anonymisees: 0, delaiMois: 12 });
    // Thirteen months later every closed letting of the demo is past the delay.
    const plusTard = new Date(maintenant);
    plusTard.setUTCMonth(plusTard.getUTCMonth() + 13);
    const r1 = await b.lancer(['candidats', 'anonymiser', '--date', jour(plusTard), '--json']);
    expect(r1.code, r1.err).toBe(0);
    const n = (JSON.parse(r1.out) as { anonymisees: number }).anonymisees;
    expect(n).toBeGreaterThan(0);
    await b.avecBase(async (db) => {
      const effaces = await db.select().from(candidatures).where(isNotNull(candidatures.anonymiseLe));
      expect(effaces).toHaveLength(n);
      expect(
        effaces.every(
          (c) =>
            c.numeroSne === 'anonymisé' &&
            c.ressourcesAnnuelles === null &&
            c.tailleMenage === null &&
            !c.dalo &&
            c.quartile1Declare === null,
        ),
      ).toBe(true);
      // Every signed lease keeps its tenant's household: the CAL's first-ranked candidate.
      const locataires = await lignes<{ n: number }>(
        db,
        sql`select count(*)::int as n from candidatures c join locations l on l.id = c.location_id
            join decisions_cal d on d.location_id = l.id and d.candidature_id = c.id
            where l.etat = 'bail_signe' and c.anonymise_le is not null`,
      );
      expect(locataires[0]!.n).toBe(0);
      // Open lettings' candidates are untouched.
      const ouverts = await lignes<{ n: number }>(
        db,
        sql`select count(*)::int as n from candidatures c join locations l on l.id = c.location_id
            where l.etat in ('orientee', 'candidats', 'decision_cal') and c.anonymise_le is not null`,
      );
      expect(ouverts[0]!.n).toBe(0);
      const audit = await db
        .select()
        .from(evenementsAudit)
        .where(and(eq(evenementsAudit.action, 'candidatures.anonymiser')));
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0]!.apres)).not.toMatch(/045\d{11}/);
    });
    const r2 = await b.lancer(['candidats', 'anonymiser', '--date', jour(plusTard), '--json']);
    expect(JSON.parse(r2.out)).toMatchObject({ anonymisees: 0 });
    expect((await b.lancer(['candidats', 'anonymiser', '--date', '2026-13-40'])).code).toBe(2);
  });
});
