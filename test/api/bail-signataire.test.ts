/**
 * The household of a lease signed through the letting's transitions (the bailleur's late correction,
 * ADR 0050): entered once. The lease names the letting's candidate who signed (`candidatSne`) and
 * takes the household entered with the proposal, its first quartile fixed at the CAL decision against
 * the EPCI's threshold of the year (strictly below); only a letting without a candidate on file gets
 * its household with the lease (`menage`), a declared quartile then only with its motif, audited.
 * Refusals name the field. On the demo (Orléans Métropole: the 2026 arrêté's 10,289 € per UC).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { baux, candidatures, evenementsAudit } from '../../src/db/schema.ts';
import type { Menage } from '../../src/domain/types.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
type V = { id: string; version: number; etat: string };

describe.each(genresDeTest())('bail : le ménage signataire saisi une fois (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  const appel = (v: V, corps: Record<string, unknown>) =>
    s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
      etatAttendu: v.etat,
      version: v.version,
      ...corps,
    });
  const transition = async (v: V, corps: Record<string, unknown>): Promise<V> => {
    const r = await appel(v, corps);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as V;
  };
  /** A free unit of Orléans Métropole, its letting decided in CAL with two candidates (households entered). */
  const decidee = async (rang: number): Promise<V> => {
    const libres = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and epci = '244500468'
          and qpv is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 2`,
    );
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: libres[rang]!.id, date: '2026-11-02' });
    expect(d.statusCode, d.body).toBe(201);
    let v = await transition(d.json() as V, {
      transition: 'proposer_candidats',
      date: '2026-11-05',
      candidats: [
        // 15,000 € for 1.5 UC = 10,000 € per UC, below 10,289: first quartile.
        {
          numeroSne: `04526110009${rang}001`,
          tailleMenage: 2,
          enfantsMoins14: 0,
          ressourcesAnnuelles: 15_000,
          dalo: true,
        },
        // 11,000 € for 1 UC: above.
        { numeroSne: `04526110009${rang}002`, tailleMenage: 1, ressourcesAnnuelles: 11_000 },
      ],
    });
    v = await transition(v, { transition: 'decider', date: '2026-11-09', decision: 'attribution' });
    return v;
  };

  it('le bail reprend le ménage du candidat désigné, son quartile fixé à la décision', async () => {
    const v = await decidee(0);
    // The decision entered here fixed both candidates' quartile, computed (never declared).
    const cands = await s.t.base.db.select().from(candidatures).where(eq(candidatures.locationId, v.id));
    expect(cands.map((c) => [c.numeroSne, c.quartile1, c.origineQuartile1, c.seuilQuartile1]).sort()).toEqual([
      ['045261100090001', true, 'calcule', 10_289],
      ['045261100090002', false, 'calcule', 10_289],
    ]);

    const sans = await appel(v, { transition: 'signer_bail', date: '2026-11-16' });
    expect(sans.statusCode).toBe(422);
    expect(sans.body).toContain('candidatSne');
    expect(sans.body).toContain('ménage signataire');
    const lesDeux = await appel(v, {
      transition: 'signer_bail',
      date: '2026-11-16',
      candidatSne: '045261100090001',
      menage: { personnes: 1 },
    });
    expect(lesDeux.statusCode).toBe(422);
    const inconnu = await appel(v, { transition: 'signer_bail', date: '2026-11-16', candidatSne: '045299999999999' });
    expect(inconnu.statusCode).toBe(422);
    expect(inconnu.body).toContain('aucun candidat de numéro unique 045299999999999');

    await transition(v, { transition: 'signer_bail', date: '2026-11-16', candidatSne: '045261100090001' });
    const [bail] = await s.t.base.db.select().from(baux).where(eq(baux.locationId, v.id));
    expect(bail!.menage as Menage).toMatchObject({
      personnes: 2,
      enfantsMoins14: 0,
      ressourcesAnnuelles: 15_000,
      categories: ['dalo'],
      prioritaire: true,
      quartile1: true,
      origineQuartile1: 'calcule',
    });
  });

  it('sans candidat désigné, le ménage saisi avec le bail : un quartile déclaré exige son motif, journalisé', async () => {
    const v = await decidee(1);
    const menage = { personnes: 3, enfantsMoins14: 1, ressourcesAnnuelles: 40_000, quartile1Declare: true };
    const sansMotif = await appel(v, { transition: 'signer_bail', date: '2026-11-16', menage });
    expect(sansMotif.statusCode).toBe(422);
    expect(sansMotif.body).toContain('menage.motifQuartile1');
    const trop = await appel(v, {
      transition: 'signer_bail',
      date: '2026-11-16',
      menage: { personnes: 2, enfantsMoins14: 2 },
    });
    expect(trop.statusCode).toBe(422);
    expect(trop.body).toContain('menage.enfantsMoins14');

    await transition(v, {
      transition: 'signer_bail',
      date: '2026-11-16',
      motif: 'Bail saisi en retard',
      menage: { ...menage, motifQuartile1: 'Ressources de l’année en cours effondrées (avis CAF)' },
    });
    const [bail] = await s.t.base.db.select().from(baux).where(eq(baux.locationId, v.id));
    // 40,000 € for 2.3 UC is far above the threshold: the override is what counts, said so.
    expect(bail!.menage as Menage).toMatchObject({ personnes: 3, quartile1: true, origineQuartile1: 'declare' });
    const [audit] = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, 'location.signer_bail'), eq(evenementsAudit.cibleId, v.id)))
      .orderBy(desc(evenementsAudit.seq))
      .limit(1);
    expect(audit!.motif).toBe(
      'Bail saisi en retard — premier quartile déclaré (oui) : Ressources de l’année en cours effondrées (avis CAF)',
    );
  });
});
