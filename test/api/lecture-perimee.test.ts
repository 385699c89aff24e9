/**
 * ADR 0052 — an answer outdated by a write is served to OTHER users while its one recomputation
 * runs, for at most `FLUX_PERIME_MS` (2 s here; off by default) after this instance learned of the write; the writer always
 * reads their own write (ADR 0010's read-your-writes rule) — on PGlite and on PostgreSQL.
 * Two officers of the same bailleur share the cached list of its lettings (one key per
 * organisation and role): the writer's colleague gets the previous list at once, the writer the new one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { perimeMaxMs, reglerPerime, statistiquesCache } from '../../src/app/memo.ts';
import { MOT_DE_PASSE_DEMO } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const AUTEUR = 'bailleur@demo.flux';
const COLLEGUE = 'collegue.hld@demo.flux';

describe.each(genresDeTest())('lecture d’une réponse périmée pendant son recalcul (%s)', (genre) => {
  const s = serveurDeSuite(genre);
  const libre = logementsLibres(s);
  afterEach(() => vi.restoreAllMocks());
  // Off by default (every reader waits); FLUX_PERIME_MS=2000 as ADR 0052 reasons about it.
  beforeAll(() => reglerPerime(2_000));
  afterAll(() => reglerPerime(0));

  async function collegue(): Promise<{ cookie: string }> {
    const cree = await s.appel('admin@demo.flux', 'POST', '/api/admin/utilisateurs', {
      email: COLLEGUE,
      nom: 'Collègue de HLD',
      motDePasse: MOT_DE_PASSE_DEMO,
      organisationId: 'HLD',
      role: 'agent_bailleur',
    });
    expect(cree.statusCode, cree.body).toBe(201);
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: COLLEGUE, motDePasse: MOT_DE_PASSE_DEMO },
    });
    expect(r.statusCode).toBe(200);
    return { cookie: r.cookies[0]!.value };
  }

  it('le collègue lit la réponse précédente pendant le recalcul, l’auteur lit sa propre écriture', async () => {
    const c = await collegue();
    const total = async (qui: string | { cookie: string }) => {
      const r =
        typeof qui === 'string'
          ? await s.appel(qui, 'GET', '/api/locations')
          : await s.app.inject({ method: 'GET', url: '/api/locations', cookies: { flux_session: qui.cookie } });
      expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
      return (r.json() as { total: number }).total;
    };
    const declarer = async () => {
      const r = await s.appel(AUTEUR, 'POST', '/api/locations', { logementId: await libre(), date: '2026-11-20' });
      expect(r.statusCode, r.body).toBe(201);
    };
    const n = await total(c);
    expect(await total(AUTEUR)).toBe(n);

    // The colleague first: served the previous list at once, while it is recomputed.
    await declarer();
    const perimes = statistiquesCache.perimes;
    expect(await total(c)).toBe(n);
    expect(statistiquesCache.perimes).toBe(perimes + 1);
    // The writer: their own write, always (the recomputation in flight, awaited).
    expect(await total(AUTEUR)).toBe(n + 1);
    expect(await total(c)).toBe(n + 1);

    // The writer first this time: the new list, then the colleague reads it too.
    await declarer();
    expect(await total(AUTEUR)).toBe(n + 2);
    expect(await total(c)).toBe(n + 2);

    // Past the bound: the colleague waits for the recomputation instead.
    await declarer();
    // Another reader makes this instance learn of the write (its journal dates it), then time passes.
    expect((await s.appel('bailleur2@demo.flux', 'GET', '/api/locations')).statusCode).toBe(200);
    const plusTard = Date.now() + perimeMaxMs + 100;
    vi.spyOn(Date, 'now').mockImplementation(() => plusTard);
    expect(await total(c)).toBe(n + 3);
  });
});
