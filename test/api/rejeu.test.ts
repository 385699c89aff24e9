/**
 * One ledger (issue 6 item 9): a year lived through the API — lettings declared, candidates, CAL
 * decisions, a lease, a letting without candidate — then the same stored events given to
 * `flux simulate` (the command line, on a scenario file): every ledger line the API shows equals
 * the command's, figure by figure. PGlite, and PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargerScenario } from '../../src/app/annee.ts';
import { main } from '../../src/cli/main.ts';
import { lignes } from '../../src/db/client.ts';
import type { LigneBilan } from '../../src/domain/engine.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';

describe.each(genresDeTest())('le même registre par l’API et par flux simulate (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  it('une année vécue par l’API, rejouée par la ligne de commande : mêmes chiffres sur chaque ligne', async () => {
    const db = s.t.base.db;
    const libres = await lignes<{ id: string }>(
      db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 3`,
    );
    type V = { id: string; version: number; etat: string };
    const transition = async (v: V, corps: Record<string, unknown>): Promise<V> => {
      const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        etatAttendu: v.etat,
        version: v.version,
        ...corps,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as V;
    };
    const lesLocations: V[] = [];
    for (const [i, l] of libres.entries()) {
      const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l.id, date: `2026-11-0${i + 2}` });
      expect(r.statusCode, r.body).toBe(201);
      lesLocations.push(r.json() as V);
    }
    // One to the lease, one refused by the CAL, one without candidate.
    let a = await transition(lesLocations[0]!, {
      transition: 'proposer_candidats',
      date: '2026-11-10',
      candidats: [{ numeroSne: '045261100012345' }, { numeroSne: '045261100012346' }, { numeroSne: '045261100012347' }],
    });
    a = await transition(a, { transition: 'decider', date: '2026-11-12', decision: 'attribution' });
    await transition(a, {
      transition: 'signer_bail',
      date: '2026-11-18',
      menage: { quartile1: true, prioritaire: true },
    });
    const b = await transition(lesLocations[1]!, {
      transition: 'proposer_candidats',
      date: '2026-11-10',
      candidats: [{ numeroSne: '045261100022345' }],
    });
    await transition(b, {
      transition: 'decider',
      date: '2026-11-12',
      decision: 'non_attribution',
      motif: 'ressources au-dessus des plafonds',
    });
    await transition(lesLocations[2]!, { transition: 'constater_sans_candidat', date: '2026-11-19' });

    // The same stored events, as a scenario file, through the command line.
    const scenario = await chargerScenario(db, { bailleurId: 'HLD', departement: '45', annee: 2026 });
    const dossier = mkdtempSync(join(tmpdir(), 'flux-rejeu-'));
    const fichier = join(dossier, 'annee.json');
    writeFileSync(fichier, JSON.stringify(scenario));
    let sortie = '';
    let erreur = '';
    const code = await main(['simulate', fichier, '--json'], {
      out: (x) => void (sortie += x),
      err: (x) => void (erreur += x),
    });
    expect(code, erreur).toBe(0);
    const cli = (JSON.parse(sortie) as { bilan: LigneBilan[] }).bilan;

    await new Promise((r) => setTimeout(r, 300)); // reads are cached ≤ 250 ms per instance (ADR 0010)
    const api = (await s.appel(BAILLEUR, 'GET', '/api/conventions?annee=2026')).json() as {
      conventions: {
        bailleur: { id: string };
        reservataire: { id: string };
        droit: number;
        misADisposition: number;
        proposes: number;
        attribues: number;
        bauxSignes: number;
        echecs: number;
        decomptes: number;
        solde: number;
      }[];
    };
    const hld = api.conventions.filter((c) => c.bailleur.id === 'HLD');
    expect(hld.length).toBeGreaterThan(3);
    for (const l of hld) {
      const c = cli.find((x) => x.reservataire === l.reservataire.id);
      expect(c, l.reservataire.id).toBeDefined();
      const { droit, misADisposition, proposes, attribues, bauxSignes, echecs, decomptes, solde } = c!;
      expect(
        {
          droit: l.droit,
          misADisposition: l.misADisposition,
          proposes: l.proposes,
          attribues: l.attribues,
          bauxSignes: l.bauxSignes,
          echecs: l.echecs,
          decomptes: l.decomptes,
          solde: l.solde,
        },
        l.reservataire.id,
      ).toEqual({
        droit,
        misADisposition,
        proposes,
        attribues,
        bauxSignes,
        echecs,
        decomptes,
        solde,
      });
    }
  }, 120_000);
});
