/** A real server (in-process, `inject`) on a fresh seeded database, with a session per demo account. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
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
  appel(email: string | null, method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  fermer(): Promise<void>;
}

export async function serveurDeTest(genre: GenreBase, options: Partial<OptionsServeur> = {}, echelle = 0.05): Promise<ServeurDeTest> {
  const t = await ouvrirBaseDeTest(genre);
  await seedDemo(t.base.db, { echelle, aujourdhui: '2026-11-20' });
  const app = await construireServeur({ base: t.base, limiteConnexion: 10_000, ...options });
  const comptes: Record<string, Connecte> = {};
  for (const c of COMPTES_DEMO) {
    const r = await app.inject({ method: 'POST', url: '/api/session', payload: { email: c.email, motDePasse: MOT_DE_PASSE_DEMO } });
    if (r.statusCode !== 200) throw new Error(`connexion ${c.email} : ${r.statusCode} ${r.body}`);
    comptes[c.email] = { cookie: r.cookies[0]!.value, csrf: (r.json() as { csrf: string }).csrf, organisationId: c.organisationId };
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
