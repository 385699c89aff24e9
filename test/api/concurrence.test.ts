/**
 * Fifty conflicting actions at once (issue 6 item 8): ten lettings, five incompatible transitions
 * each (three re-orientations, the same one twice, a « sans candidat »), all sent together — on
 * PGlite and on PostgreSQL. Exactly one action per letting wins, the four others get a clear 409;
 * one event per letting is stored; the ledger the API shows is the engine's run over the stored
 * events (nothing counted twice); the audit chain holds.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargerScenario } from '../../src/app/annee.ts';
import { verifierAudit } from '../../src/app/audit.ts';
import { lignes } from '../../src/db/client.ts';
import { simuler } from '../../src/domain/engine.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';

describe.each(genresDeTest())('50 actions concurrentes (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  it('une action gagne par location, les autres reçoivent 409 ; un événement chacune ; le registre est celui du moteur', async () => {
    const db = s.t.base.db;
    const libres = await lignes<{ id: string }>(
      db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 10`,
    );
    const lesLocations: { id: string; version: number }[] = [];
    for (const [i, l] of libres.entries()) {
      const r = await s.appel(BAILLEUR, 'POST', '/api/locations', {
        logementId: l.id,
        date: `2026-11-${String(10 + i).padStart(2, '0')}`,
      });
      expect(r.statusCode, r.body).toBe(201);
      lesLocations.push(r.json() as { id: string; version: number });
    }
    const evenements = async () =>
      Number(
        (
          await lignes<{ n: number }>(db, sql`select count(*)::int as n from evenements_flux where bailleur_id = 'HLD'`)
        )[0]!.n,
      );
    const avant = await evenements();
    const orienter = (v: { id: string; version: number }, reservataire: string) =>
      s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'orienter',
        reservataire,
        motif: 'arbitrage en commission',
        etatAttendu: 'orientee',
        version: v.version,
        date: '2026-11-25',
      });
    const actions = lesLocations.flatMap((v) => [
      orienter(v, ORG.actionLogement),
      orienter(v, ORG.etat),
      orienter(v, ORG.departement),
      orienter(v, ORG.actionLogement),
      s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'constater_sans_candidat',
        etatAttendu: 'orientee',
        version: v.version,
        date: '2026-11-25',
      }),
    ]);
    expect(actions).toHaveLength(50);
    const reponses = await Promise.all(actions);
    expect(reponses.filter((r) => r.statusCode >= 500)).toHaveLength(0);
    for (let i = 0; i < lesLocations.length; i++) {
      const siennes = reponses.slice(i * 5, i * 5 + 5);
      expect(
        siennes.filter((r) => r.statusCode === 200),
        `location ${lesLocations[i]!.id}`,
      ).toHaveLength(1);
      for (const r of siennes.filter((x) => x.statusCode !== 200)) {
        expect(r.statusCode).toBe(409);
        expect(r.json()).toMatchObject({ erreur: 'CONFLIT', message: expect.stringMatching(/\S/) });
      }
    }
    expect(await evenements()).toBe(avant + lesLocations.length);
    // The ledger shown is the engine's run over exactly the stored events.
    const attendu = simuler(await chargerScenario(db, { bailleurId: 'HLD', departement: '45', annee: 2026 })).bilan;
    // (Reads are cached for at most 250 ms per instance — ADR 0010 — hence the wait before reading.)
    await new Promise((r) => setTimeout(r, 300));
    const api = (await s.appel(BAILLEUR, 'GET', '/api/conventions?annee=2026')).json() as {
      conventions: { bailleur: { id: string }; reservataire: { id: string }; misADisposition: number }[];
    };
    const lignesHld = api.conventions.filter((c) => c.bailleur.id === 'HLD');
    expect(lignesHld.length).toBeGreaterThan(3);
    for (const l of lignesHld)
      expect(l.misADisposition, l.reservataire.id).toBe(
        attendu.find((b) => b.reservataire === l.reservataire.id)!.misADisposition,
      );
    expect((await verifierAudit(db)).ok).toBe(true);
  }, 120_000);
});
