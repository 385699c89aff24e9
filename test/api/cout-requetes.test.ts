/**
 * What a request costs the database (ADR 0046): a read served from the cache, its session
 * included, sends no statement (only the data version, at most once every `VERSION_TTL_MS`); a
 * sign-in drops no cached answer; a declaration sends a bounded number of statements — on PGlite
 * and on PostgreSQL. Regression guards for bench/api: on 2026-12-07 every read sent its session
 * query and reads ran at 0.03 × the bare Fastify route.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { statistiquesCache, VERSION_TTL_MS } from '../../src/app/memo.ts';
import { lignes } from '../../src/db/client.ts';
import { MOT_DE_PASSE_DEMO } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const HLD = 'bailleur@demo.flux';

describe.each(genresDeTest())('coût en requêtes (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  const lectures: [string, string][] = [
    [HLD, '/api/accueil'],
    [HLD, '/api/locations'],
    [HLD, '/api/logements?page=3'],
    ['reservataire@demo.flux', '/api/boite'],
    ['reservataire@demo.flux', '/api/locations'],
    ['etat@demo.flux', '/api/conventions'],
    ['etat@demo.flux', '/api/boite'],
  ];

  it('une lecture servie par le cache, session comprise, n’envoie aucune requête à la base', async () => {
    for (const [email, url] of lectures) expect((await s.appel(email, 'GET', url)).statusCode).toBe(200);
    const avant = s.t.base.requetes();
    const debut = performance.now();
    for (let i = 0; i < 5; i++)
      for (const [email, url] of lectures) {
        const r = await s.appel(email, 'GET', url);
        expect(r.statusCode, `${url} ${r.body.slice(0, 200)}`).toBe(200);
      }
    const duree = performance.now() - debut;
    // 35 requests; the only statement allowed is the data version, read again every VERSION_TTL_MS.
    expect(s.t.base.requetes() - avant).toBeLessThanOrEqual(1 + Math.floor(duree / VERSION_TTL_MS));
  });

  it('une connexion ne fait recalculer aucune réponse en cache', async () => {
    for (const [email, url] of lectures) expect((await s.appel(email, 'GET', url)).statusCode).toBe(200);
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'bailleur2@demo.flux', motDePasse: MOT_DE_PASSE_DEMO },
    });
    expect(r.statusCode).toBe(200);
    const calcules = statistiquesCache.calcules;
    for (const [email, url] of lectures) expect((await s.appel(email, 'GET', url)).statusCode).toBe(200);
    expect(statistiquesCache.calcules).toBe(calcules);
  });

  it('une déclaration envoie un nombre borné de requêtes', async () => {
    const libres = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 3`,
    );
    const comptes: number[] = [];
    for (const l of libres) {
      const avant = s.t.base.requetes();
      const r = await s.appel(HLD, 'POST', '/api/locations', { logementId: l.id, date: '2026-11-20' });
      expect(r.statusCode, r.body).toBe(201);
      comptes.push(s.t.base.requetes() - avant);
    }
    // The first may replay the year in full; the next ones resume it (ADR 0023).
    // On PostgreSQL, `begin` and `commit` are statements of their own.
    for (const n of comptes.slice(1))
      expect(n).toBeLessThanOrEqual(LIMITE_DECLARATION + (genre === 'postgresql' ? 2 : 0));
  });
});

/**
 * Statements of a declaration that resumes its year: 16 here on PGlite (20 before ADR 0052: the
 * year's version, the confirmation of the last run, its new events and their units are one
 * statement; the run computed for the reconciliation is the one the orientation reads; 28 to 30
 * before ADR 0046).
 */
const LIMITE_DECLARATION = 16;
