/** A real server (in-process, `inject`) on a fresh seeded database, with a session per demo account. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { construireServeur, type OptionsServeur } from '../../src/http/server.ts';
import { COMPTES_DEMO, MOT_DE_PASSE_DEMO, seedDemo } from '../../src/seed/demo.ts';
import { ouvrirBaseDeTest, type BaseDeTest, type GenreBase } from '../helpers/database.ts';

export interface Connecte {
  cookie: string;
  csrf: string;
  organisationId: string;
}

export interface ServeurDeTest {
  t: BaseDeTest;
  app: FastifyInstance;
  comptes: Record<string, Connecte>;
  appel(
    email: string | null,
    method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  fermer(): Promise<void>;
}

export async function serveurDeTest(
  genre: GenreBase,
  options: Partial<OptionsServeur> = {},
  echelle = 0.05,
): Promise<ServeurDeTest> {
  const t = await ouvrirBaseDeTest(genre, {
    cle: `demo-api-${echelle}`,
    preparer: (b) => seedDemo(b.db, { echelle, aujourdhui: '2026-11-20' }).then(() => undefined),
  });
  const app = await construireServeur({ base: t.base, limiteConnexion: 10_000, ...options });
  const comptes: Record<string, Connecte> = {};
  for (const c of COMPTES_DEMO) {
    const r = await app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: c.email, motDePasse: MOT_DE_PASSE_DEMO },
    });
    if (r.statusCode !== 200) throw new Error(`connexion ${c.email} : ${r.statusCode} ${r.body}`);
    comptes[c.email] = {
      cookie: r.cookies[0]!.value,
      csrf: (r.json() as { csrf: string }).csrf,
      organisationId: c.organisationId,
    };
  }
  return {
    t,
    app,
    comptes,
    appel(email, method, url, payload) {
      const c = email ? comptes[email] : undefined;
      return app.inject({
        method,
        url,
        ...(payload !== undefined ? { payload: payload as string } : {}),
        ...(c ? { cookies: { flux_session: c.cookie }, headers: { 'x-csrf-token': c.csrf } } : {}),
      });
    },
    async fermer() {
      await app.close();
      await t.fermer();
    },
  };
}

/**
 * Registers the hooks of an API suite: `serveurDeTest(genre, options)` started before its tests
 * (two minutes allowed: seeding PostgreSQL), closed after them. The returned object stands for
 * that server inside the tests (`s.appel`, `s.t`, `s.app`, `s.comptes`).
 */
export function serveurDeSuite(genre: GenreBase, options: Partial<OptionsServeur> = {}): Omit<ServeurDeTest, 'fermer'> {
  let serveur: ServeurDeTest | undefined;
  beforeAll(async () => {
    serveur = await serveurDeTest(genre, options);
  }, 120_000);
  afterAll(() => serveur?.fermer());
  const actif = (): ServeurDeTest => {
    if (!serveur) throw new Error('serveur de test non démarré (beforeAll)');
    return serveur;
  };
  return {
    get t() {
      return actif().t;
    },
    get app() {
      return actif().app;
    },
    get comptes() {
      return actif().comptes;
    },
    appel: (email, method, url, payload) => actif().appel(email, method, url, payload),
  };
}

/**
 * Units of HLD in the flow on which no letting was ever declared, one per call, in id order
 * (`desc`: from the last): each call skips as many as the previous calls handed out.
 */
export function logementsLibres(s: Pick<ServeurDeTest, 't'>, ordre: 'asc' | 'desc' = 'asc'): () => Promise<string> {
  let servis = 0;
  return async () => {
    const [l] = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id ${sql.raw(ordre)} limit 1 offset ${servis++}`,
    );
    return l!.id;
  };
}
