/**
 * Abuse (issue 15 item 2): the sign-in limited per account and per address, with X-Forwarded-For
 * believed only from the configured proxies; a session closed, expired or whose user was
 * deactivated refused at once; no API answer cached; the OpenAPI document for signed-in users only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { desactiverUtilisateur } from '../../src/app/admin.ts';
import { deconnecter, lireSession } from '../../src/app/auth.ts';
import { VERSION_TTL_MS } from '../../src/app/memo.ts';
import { construireServeur } from '../../src/http/server.ts';
import { CompteurEchecs, delaiFrancais, proxiesDepuisTexte } from '../../src/http/limites.ts';
import { MOT_DE_PASSE_DEMO } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';

const connexion = (app: FastifyInstance, email: string, motDePasse: string, adresse?: string) =>
  app.inject({
    method: 'POST',
    url: '/api/session',
    payload: { email, motDePasse },
    ...(adresse ? { headers: { 'x-forwarded-for': adresse } } : {}),
  });

describe('proxies de confiance et verrou de compte (unités)', () => {
  it('FLUX_PROXIES : adresses, plages CIDR et mots-clés ; le reste refusé en français', () => {
    expect(proxiesDepuisTexte(undefined)).toEqual([]);
    expect(proxiesDepuisTexte(' 10.0.0.0/8, 192.168.1.10 ,loopback,::1, fd00::/8 ')).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
    expect(() => proxiesDepuisTexte('10.0.0.0/33')).toThrow(/FLUX_PROXIES : « 10.0.0.0\/33 »/);
    expect(() => proxiesDepuisTexte('proxy.interne')).toThrow(/ni une adresse IP/);
    expect(() => proxiesDepuisTexte('10.0.0.1/8/2')).toThrow();
  });

  it('le verrou dure la fenêtre, un succès efface le compte, la casse de l’adresse est ignorée', () => {
    let t = 1_000_000;
    const c = new CompteurEchecs({ echecs: 3, fenetreMs: 60_000 }, () => t);
    c.echec('A@x.fr');
    c.echec('a@x.fr ');
    expect(c.verrouJusqua('a@x.fr')).toBeNull();
    c.reussite('a@x.fr');
    for (let i = 0; i < 3; i++) c.echec('a@x.fr');
    expect(c.verrouJusqua('A@X.FR')).toBe(1_060_000);
    t += 59_999;
    expect(c.verrouJusqua('a@x.fr')).toBe(1_060_000);
    t += 1;
    expect(c.verrouJusqua('a@x.fr')).toBeNull();
    expect(delaiFrancais(0, 42_000)).toMatch(/^dans 42 secondes \(à \d\d:\d\d\)$/);
    expect(delaiFrancais(0, 15 * 60_000)).toMatch(/^dans 15 minutes \(à \d\d:\d\d\)$/);
  });
});

describe.each(genresDeTest())('abus (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  describe('limite de connexion', () => {
    it('30 mauvais mots de passe avec 30 X-Forwarded-For forgés → 429 pour le compte (aucun proxy configuré)', async () => {
      const app = await construireServeur({ base: s.t.base });
      const reponses = [];
      for (let i = 0; i < 30; i++) reponses.push(await connexion(app, BAILLEUR, 'mauvais', `203.0.113.${i + 1}`));
      await app.close();
      const codes = reponses.map((r) => r.statusCode);
      expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(codes.slice(10)).toEqual(Array(20).fill(429));
      const dernier = reponses.at(-1)!;
      expect(dernier.json()).toMatchObject({ erreur: 'TROP_DE_TENTATIVES' });
      expect(dernier.json().message).toMatch(/^trop de .+ réessayez dans \d+ (secondes|minutes) \(à \d\d:\d\d\)$/);
      expect(Number(dernier.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('le compte est verrouillé quelle que soit l’adresse, même pour le bon mot de passe ; les autres comptes non', async () => {
      // Behind a trusted proxy every forged address counts as its own client: only the account's lock stops them.
      const app = await construireServeur({ base: s.t.base, proxies: ['127.0.0.1'] });
      const codes: number[] = [];
      let dernier = '';
      for (let i = 0; i < 30; i++) {
        const r = await connexion(app, BAILLEUR, 'mauvais', `198.51.100.${i + 1}`);
        codes.push(r.statusCode);
        dernier = r.json().message;
      }
      expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(codes.slice(10)).toEqual(Array(20).fill(429));
      expect(dernier).toMatch(
        /^trop de mots de passe erronés pour ce compte : connexion bloquée, réessayez dans 15 minutes \(à \d\d:\d\d\)$/,
      );
      const bon = await connexion(app, ' Bailleur@Demo.Flux', MOT_DE_PASSE_DEMO, '198.51.100.200');
      expect(bon.statusCode).toBe(429);
      expect(bon.cookies).toHaveLength(0);
      expect((await connexion(app, AL, MOT_DE_PASSE_DEMO, '198.51.100.201')).statusCode).toBe(200);
      await app.close();
    });

    it('derrière un proxy configuré, l’adresse du client est celle de X-Forwarded-For (limite par adresse)', async () => {
      for (const proxies of [['127.0.0.1'], ['127.0.0.0/8']]) {
        const app = await construireServeur({
          base: s.t.base,
          proxies,
          limiteCompte: { echecs: 1_000, fenetreMs: 60_000 },
        });
        const codes: number[] = [];
        for (let i = 0; i < 11; i++)
          codes.push((await connexion(app, `personne${i}@exemple.fr`, 'x', '192.0.2.7')).statusCode);
        expect(codes).toEqual([...Array(10).fill(401), 429]);
        const r = await connexion(app, 'personne@exemple.fr', 'x', '192.0.2.7');
        expect(r.json().message).toMatch(/^trop de tentatives de connexion depuis cette adresse : réessayez dans/);
        // Another client behind the same proxy is not blocked.
        expect((await connexion(app, 'autre@exemple.fr', 'x', '192.0.2.8')).statusCode).toBe(401);
        await app.close();
      }
    });

    it('sans proxy configuré, X-Forwarded-For est ignoré : l’adresse est celle de la connexion', async () => {
      const app = await construireServeur({ base: s.t.base, limiteCompte: { echecs: 1_000, fenetreMs: 60_000 } });
      const codes: number[] = [];
      for (let i = 0; i < 11; i++)
        codes.push((await connexion(app, `personne${i}@exemple.fr`, 'x', `192.0.2.${i + 1}`)).statusCode);
      await app.close();
      expect(codes).toEqual([...Array(10).fill(401), 429]);
    });
  });

  describe('sessions refusées aussitôt', () => {
    const nouvelleSession = async () => {
      const r = await connexion(s.app, AL, MOT_DE_PASSE_DEMO);
      expect(r.statusCode).toBe(200);
      return r.cookies[0]!.value;
    };
    const lire = (cookie: string) =>
      s.app.inject({ method: 'GET', url: '/api/session', cookies: { flux_session: cookie } });

    // Sessions are cached by each instance (ADR 0046): what this instance does is seen at once, what
    // another instance or the command line does (audited) once the data version is read again.
    const apresVersion = () => new Promise((ok) => setTimeout(ok, VERSION_TTL_MS + 50));

    it('une déconnexion sur cette instance est refusée à la requête suivante, même session en cache', async () => {
      const cookie = await nouvelleSession();
      expect((await lire(cookie)).statusCode).toBe(200);
      expect((await lire(cookie)).statusCode).toBe(200);
      const r = await s.app.inject({
        method: 'DELETE',
        url: '/api/session',
        cookies: { flux_session: cookie },
        headers: { 'x-csrf-token': (await lire(cookie)).json().csrf as string },
      });
      expect(r.statusCode).toBe(204);
      const apres = await lire(cookie);
      expect(apres.statusCode).toBe(401);
      expect(apres.json().message).toBe('connexion requise');
    });

    it('une déconnexion sur une autre instance est refusée dès que la version des données la montre', async () => {
      const cookie = await nouvelleSession();
      expect((await lire(cookie)).statusCode).toBe(200);
      // Another instance signs it out: the audited use case, without this instance's cache.
      const session = await lireSession(s.t.base.db, cookie);
      await s.t.base.db.transaction((tx) => deconnecter(tx, session!));
      await apresVersion();
      const r = await lire(cookie);
      expect(r.statusCode).toBe(401);
      expect(r.json().message).toBe('connexion requise');
    });

    it('une session expirée est refusée à la requête suivante (l’échéance en cache est vérifiée)', async () => {
      const cookie = await nouvelleSession();
      await s.t.base.db.execute(
        sql`update sessions set expire_le = now() + interval '1500 milliseconds' where id = ${cookie}`,
      );
      expect((await lire(cookie)).statusCode).toBe(200);
      const requetes = s.t.base.requetes();
      expect((await lire(cookie)).statusCode).toBe(200);
      await new Promise((ok) => setTimeout(ok, 1_600));
      expect((await lire(cookie)).statusCode).toBe(401);
      // Refused from the cached expiry: no more than the data version was read.
      expect(s.t.base.requetes() - requetes).toBeLessThanOrEqual(1);
    });

    it('le compte désactivé (ligne de commande) perd ses sessions dès que la version des données le montre', async () => {
      // An account no other test of this file uses: deactivating closes all its sessions.
      const email = 'departement@demo.flux';
      const r0 = await connexion(s.app, email, MOT_DE_PASSE_DEMO);
      const cookie = r0.cookies[0]!.value;
      expect((await lire(cookie)).statusCode).toBe(200);
      try {
        const r = await s.t.base.db.transaction((tx) => desactiverUtilisateur(tx, null, email));
        expect(r.sessionsFermees).toBeGreaterThanOrEqual(1);
        await apresVersion();
        expect((await lire(cookie)).statusCode).toBe(401);
      } finally {
        await s.t.base.db.execute(sql`update utilisateurs set actif = true where email = ${email}`);
      }
      expect((await lire((await connexion(s.app, email, MOT_DE_PASSE_DEMO)).cookies[0]!.value)).statusCode).toBe(200);
    });
  });

  describe('en-têtes de cache', () => {
    it('Cache-Control: no-store sur les réponses de l’API (succès, erreurs, santé), pas sur les fichiers de l’interface', async () => {
      for (const r of [
        await s.appel(BAILLEUR, 'GET', '/api/accueil'),
        await s.appel(null, 'GET', '/api/accueil'),
        await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: 'inexistant', date: '2026-11-20' }),
        await s.appel(null, 'GET', '/api/sante'),
        await s.appel(null, 'GET', '/api/inconnue'),
      ]) {
        expect(r.headers['cache-control'], `${r.statusCode} ${r.body.slice(0, 80)}`).toBe('no-store');
      }
      const dist = mkdtempSync(join(tmpdir(), 'flux-web-'));
      try {
        writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Flux</title>');
        writeFileSync(join(dist, 'app.js'), 'console.log(1)');
        const app = await construireServeur({ base: s.t.base, webDist: dist });
        const js = await app.inject({ method: 'GET', url: '/app.js' });
        const page = await app.inject({ method: 'GET', url: '/conventions' });
        const api = await app.inject({ method: 'GET', url: '/api/sante' });
        await app.close();
        expect(js.statusCode).toBe(200);
        expect(js.headers['cache-control']).not.toContain('no-store');
        expect(page.statusCode).toBe(200);
        expect(page.headers['cache-control']).not.toContain('no-store');
        expect(api.headers['cache-control']).toBe('no-store');
      } finally {
        rmSync(dist, { recursive: true, force: true });
      }
    });
  });

  describe('documentation de l’API', () => {
    it('401 sans session (document et Swagger UI), 200 connecté, publique si configurée', async () => {
      for (const url of ['/api/docs/json', '/api/docs', '/api/docs/static/index.html', '/api/docs/yaml']) {
        const r = await s.app.inject({ method: 'GET', url });
        expect(r.statusCode, url).toBe(401);
        expect(r.json().message).toBe('documentation de l’API : connexion requise');
      }
      const cookies = { flux_session: s.comptes[AL]!.cookie };
      expect((await s.app.inject({ method: 'GET', url: '/api/docs/json', cookies })).statusCode).toBe(200);
      expect((await s.app.inject({ method: 'GET', url: '/api/docs', cookies })).statusCode).toBeLessThan(400);

      const publique = await construireServeur({ base: s.t.base, docsPubliques: true });
      expect((await publique.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
      await publique.close();
      const avant = process.env.FLUX_API_DOCS_PUBLIQUE;
      process.env.FLUX_API_DOCS_PUBLIQUE = '1';
      try {
        const parEnv = await construireServeur({ base: s.t.base });
        expect((await parEnv.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
        await parEnv.close();
      } finally {
        if (avant === undefined) delete process.env.FLUX_API_DOCS_PUBLIQUE;
        else process.env.FLUX_API_DOCS_PUBLIQUE = avant;
      }
    });
  });
});
