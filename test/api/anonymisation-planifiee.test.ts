/**
 * The erasure of unsuccessful candidates' household data (issue 13 item 2, ADR 0034) as the server
 * schedules it: the same check that runs the proposal deadlines and the CAL offers, on the server's
 * clock. Before the dated delay (12 months after the letting closed) it erases nothing; thirteen
 * months on, the running server's timer erases them by itself — SNE number, composition, resources,
 * categories — audited without an actor and without personal data, and a second run changes nothing.
 */
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verificationPlanifiee } from '../../src/app/verification.ts';
import { candidatures, evenementsAudit } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

describe.each(genresDeTest())('effacement planifié des candidats non retenus (%s)', (genre) => {
  const plusTard = new Date();
  plusTard.setUTCMonth(plusTard.getUTCMonth() + 13);
  let maintenant = new Date();
  let minuteur = false;
  // The server's own timer, every 100 ms; its clock moves when the test says so.
  const s = serveurDeSuite(genre, {
    horloge: () => (minuteur ? maintenant : new Date()),
    verificationEcheancesMs: 100,
  });
  const effaces = async () =>
    (
      await s.t.base.db
        .select({ n: sql<number>`count(*)::int` })
        .from(candidatures)
        .where(isNotNull(candidatures.anonymiseLe))
    )[0]!.n;

  it('avant le délai, rien n’est effacé', async () => {
    const v = await verificationPlanifiee(s.t.base.db, new Date());
    expect(v.anonymisation).toMatchObject({ anonymisees: 0, delaiMois: 12 });
    expect(await effaces()).toBe(0);
  });

  it('treize mois plus tard, le minuteur du serveur efface les ménages non retenus, une fois', async () => {
    maintenant = plusTard;
    minuteur = true;
    await expect.poll(effaces, { timeout: 60_000, interval: 250 }).toBeGreaterThan(0);
    const n = await effaces();
    const lignes = await s.t.base.db.select().from(candidatures).where(isNotNull(candidatures.anonymiseLe));
    expect(
      lignes.every(
        (c) => c.numeroSne === 'anonymisé' && c.tailleMenage === null && c.ressourcesAnnuelles === null && !c.dalo,
      ),
    ).toBe(true);
    const audits = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, 'candidatures.anonymiser'), isNull(evenementsAudit.utilisateurId)));
    expect(audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(audits.map((a) => a.apres))).not.toMatch(/045\d{11}/);
    // Idempotent: the next runs find nothing more.
    const v = await verificationPlanifiee(s.t.base.db, plusTard);
    expect(v.anonymisation.anonymisees).toBe(0);
    expect(await effaces()).toBe(n);
  });
});
