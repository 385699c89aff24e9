/**
 * The « Simulation » route with enough runs to use worker threads (issue 18 item 6, ADR 0048): the
 * same answer as the runs computed in the request's own thread (the cooperative generator); the
 * bound of two simulations at once still answers 429 to a third.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acteur } from '../../src/app/roles.ts';
import { calculerSimulation, preparerSimulation } from '../../src/app/simulation.ts';
import { filsParDefaut } from '../../src/app/tirages-paralleles.ts';
import { simulationQuerySchema, type ReponseSimulation } from '../../src/contracts/simulation.ts';
import { NOM_DELEGUEE, NOM_TOUS, nomHistorique } from '../../src/domain/options-comparees.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

describe('simulation de Monte Carlo sur plusieurs fils (PGlite)', () => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest('pglite');
  }, 120_000);
  afterAll(() => s?.fermer());

  it('12 tirages × chaque option (ADR 0049 comprise) : la réponse des fils de calcul est celle du seul fil de la requête', async () => {
    expect(filsParDefaut(12, 5)).toBeGreaterThan(1);
    // The history option draws its own years: its generator too is carried to each worker's slice.
    const r = await s.appel(
      'bailleur@demo.flux',
      'GET',
      '/api/flux/simulation?tirages=12&graine=3&historique=0,05;0,08&sansCandidatDelegue=0.01',
    );
    expect(r.statusCode, r.body).toBe(200);
    const parFils = r.json() as ReponseSimulation;
    const acteur: Acteur = {
      utilisateurId: 'test',
      organisationId: 'HLD',
      role: 'agent_bailleur',
      departement: '45',
      epci: null,
    };
    const demande = simulationQuerySchema.parse({
      tirages: '12',
      graine: '3',
      historique: '0,05;0,08',
      sansCandidatDelegue: '0.01',
    });
    const p = await s.t.base.db.transaction((tx) => preparerSimulation(tx, acteur, demande, 2026));
    const seul = await calculerSimulation(p, { fils: 1 });
    expect(parFils.options).toEqual(JSON.parse(JSON.stringify(seul.options)));
    expect(parFils.options[0]!.lignes.length).toBeGreaterThan(2);
    const noms = parFils.options.map((o) => o.nom);
    for (const nom of [NOM_TOUS, NOM_DELEGUEE, nomHistorique(3)]) expect(noms).toContain(nom);
  });

  it('trois simulations à la fois sur des fils : la troisième reçoit 429 en français, les deux autres leur réponse', async () => {
    const reponses = await Promise.all(
      [1, 2, 3].map((g) => s.appel('bailleur@demo.flux', 'GET', `/api/flux/simulation?tirages=12&graine=${g}`)),
    );
    const codes = reponses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 200, 429]);
    const refusee = reponses.find((r) => r.statusCode === 429)!;
    expect(refusee.body).toContain('des simulations sont déjà en cours');
    expect(Number(refusee.headers['retry-after'])).toBeGreaterThan(0);
    // Once they are done, a fourth is served.
    const ensuite = await s.appel('bailleur@demo.flux', 'GET', '/api/flux/simulation?tirages=12&graine=4');
    expect(ensuite.statusCode).toBe(200);
  });
});
