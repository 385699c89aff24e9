/**
 * API integration tests on a real database: PGlite always, PostgreSQL too when DATABASE_URL is set
 * (as in CI). Inputs, security, isolation between organisations, the letting lifecycle through the
 * engine, concurrent transitions and the hash-chained audit trail.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { lignes } from '../../src/db/client.ts';
import { construireServeur } from '../../src/http/server.ts';
import { ORG, SIREN_ORLEANS_METROPOLE } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const ADMIN = 'admin@demo.flux';

async function compter(s: ServeurDeTest, requete: SQL): Promise<number> {
  const rows = await lignes<{ n: number }>(s.t.base.db, requete);
  return Number(rows[0]!.n);
}

interface Ligne {
  bailleur: { id: string };
  reservataire: { id: string };
  misADisposition: number;
  droit: number;
}

describe.each(genresDeTest())('API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  describe('entrées invalides : 4xx et message en français, jamais 500', () => {
    it('JSON mal formé → 400 « JSON invalide »', async () => {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": ',
      });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ erreur: 'REQUETE_INVALIDE', message: 'JSON invalide' });
    });
    it('mauvais type → 400 nommant le champ', async () => {
      const r = await s.app.inject({ method: 'POST', url: '/api/session', payload: { email: 12, motDePasse: 'x' } });
      expect(r.statusCode).toBe(400);
      expect(r.json().problemes).toEqual([{ chemin: 'corps.email', message: 'un texte attendu' }]);
    });
    it('champ inconnu → 400 nommant le champ', async () => {
      const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: 'x', date: '2026-11-20', piece: 3 });
      expect(r.statusCode).toBe(400);
      expect(r.json().problemes).toEqual([{ chemin: 'corps.piece', message: 'champ inconnu' }]);
    });
    it('paramètre de requête invalide → 400', async () => {
      const r = await s.appel(BAILLEUR, 'GET', '/api/logements?page=zero');
      expect(r.statusCode).toBe(400);
      expect(r.json().problemes[0].chemin).toBe('paramètres.page');
    });
    it('aucune de 40 entrées hostiles ne donne 500', async () => {
      const corps = [
        '',
        'null',
        '[]',
        '"x"',
        '{}',
        '{"transition":"voler"}',
        '{"etatAttendu":1}',
        '\u0000',
        '{"a":'.repeat(50),
        '{"date":"2026-13-45","logementId":"x"}',
      ];
      const urls = ['/api/locations', '/api/locations/x/transitions', '/api/admin/organisations', '/api/session'];
      for (const url of urls) {
        for (const payload of corps) {
          const r = await s.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/json', 'x-csrf-token': s.comptes[BAILLEUR]!.csrf },
            cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
            payload,
          });
          expect(r.statusCode, `${url} ${payload.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
          expect(r.statusCode, `${url} ${payload.slice(0, 20)}`).toBeLessThan(500);
          expect(typeof r.json().message).toBe('string');
        }
      }
    });
  });

  describe('sécurité', () => {
    it('mot de passe faux → 401, message sans dire lequel des deux est faux', async () => {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: BAILLEUR, motDePasse: 'mauvais' },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().message).toBe('adresse électronique ou mot de passe incorrect');
    });
    it('cookie de session httpOnly, SameSite=Lax, Secure derrière https', async () => {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: BAILLEUR, motDePasse: 'flux-demo-2026' },
      });
      const c = r.cookies[0]!;
      expect(c).toMatchObject({ name: 'flux_session', httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(c.secure).toBeFalsy();
      // X-Forwarded-Proto is believed from a configured proxy only (FLUX_PROXIES).
      const forge = await s.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: BAILLEUR, motDePasse: 'flux-demo-2026' },
      });
      expect(forge.cookies[0]!.secure).toBeFalsy();
      const derriereProxy = await construireServeur({ base: s.t.base, proxies: ['127.0.0.1'] });
      const https = await derriereProxy.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: BAILLEUR, motDePasse: 'flux-demo-2026' },
      });
      await derriereProxy.close();
      expect(https.cookies[0]!.secure).toBe(true);
    });
    it('requête qui modifie sans jeton CSRF → 403', async () => {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/locations',
        cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
        payload: { logementId: 'x', date: '2026-11-20' },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().message).toMatch(/CSRF/);
    });
    it('sans session → 401 ; en-têtes de sécurité (helmet)', async () => {
      const r = await s.app.inject({ method: 'GET', url: '/api/accueil' });
      expect(r.statusCode).toBe(401);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    });
    it('connexion limitée en débit → 429', async () => {
      const app = await construireServeur({ base: s.t.base, limiteConnexion: 3 });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (
            await app.inject({
              method: 'POST',
              url: '/api/session',
              payload: { email: BAILLEUR, motDePasse: 'mauvais' },
            })
          ).statusCode,
        );
      }
      await app.close();
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    });
    it('documentation OpenAPI servie à /api/docs aux utilisateurs connectés', async () => {
      const cookies = { flux_session: s.comptes[BAILLEUR]!.cookie };
      const r = await s.app.inject({ method: 'GET', url: '/api/docs/json', cookies });
      expect(r.statusCode).toBe(200);
      expect(Object.keys(r.json().paths)).toContain('/api/locations/{id}/transitions');
      expect((await s.app.inject({ method: 'GET', url: '/api/docs', cookies })).statusCode).toBeLessThan(400);
    });
  });

  describe('isolement entre organisations, appliqué dans les requêtes', () => {
    it('un bailleur ne voit que son patrimoine et ses conventions', async () => {
      const r = await s.appel(BAILLEUR, 'GET', '/api/logements?taille=500');
      expect(r.statusCode).toBe(200);
      const logements = r.json().logements as { bailleurId: string }[];
      expect(logements.length).toBeGreaterThan(0);
      expect(new Set(logements.map((l) => l.bailleurId))).toEqual(new Set(['HLD']));
      const a = (await s.appel(BAILLEUR, 'GET', '/api/accueil?annee=2026')).json();
      expect(a.stock.logements).toBe(r.json().total);
      expect(new Set((a.conventions as Ligne[]).map((l) => l.bailleur.id))).toEqual(new Set(['HLD']));
    });
    it('un réservataire ne voit que ses propres lignes, chez chaque bailleur', async () => {
      const a = (await s.appel(AL, 'GET', '/api/accueil?annee=2026')).json();
      expect(a.stock).toBeNull();
      const lignes = a.conventions as Ligne[];
      expect(lignes.length).toBe(3);
      expect(new Set(lignes.map((l) => l.reservataire.id))).toEqual(new Set([ORG.actionLogement]));
      const locs = (await s.appel(AL, 'GET', '/api/locations?taille=500')).json().locations as {
        reservataireId: string | null;
        pool: string[] | null;
      }[];
      expect(locs.length).toBeGreaterThan(0);
      for (const l of locs)
        expect(l.reservataireId === ORG.actionLogement || (l.pool ?? []).includes(ORG.actionLogement)).toBe(true);
      expect((await s.appel(AL, 'GET', '/api/logements')).statusCode).toBe(403);
    });
    it('le pilote de l’État voit tous les bailleurs du département', async () => {
      const a = (await s.appel(ETAT, 'GET', '/api/accueil?annee=2026')).json();
      expect(new Set((a.conventions as Ligne[]).map((l) => l.bailleur.id))).toEqual(new Set(['HLD', 'VLL', 'GBH']));
      expect(a.stock.logements).toBeGreaterThan(
        (await s.appel(BAILLEUR, 'GET', '/api/accueil?annee=2026')).json().stock.logements,
      );
    });
    it('l’EPCI ne voit que son territoire, en lecture seule', async () => {
      const r = await s.appel(EPCI, 'GET', '/api/logements?taille=500');
      expect(r.statusCode).toBe(200);
      const logements = r.json().logements as { id: string }[];
      expect(logements.length).toBeGreaterThan(0);
      const horsTerritoire = await compter(
        s,
        sql`select count(*)::int as n from logements where epci is distinct from ${SIREN_ORLEANS_METROPOLE} and id in (${sql.join(
          logements.map((l) => sql`${l.id}`),
          sql`, `,
        )})`,
      );
      expect(horsTerritoire).toBe(0);
      expect((await s.appel(EPCI, 'POST', '/api/locations', { logementId: 'x', date: '2026-11-20' })).statusCode).toBe(
        403,
      );
    });
    it('une location d’un autre bailleur est introuvable (404), même par son identifiant', async () => {
      const autre = (await s.appel(BAILLEUR2, 'GET', '/api/locations?taille=1')).json().locations[0] as { id: string };
      expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${autre.id}`)).statusCode).toBe(404);
      expect(
        (
          await s.appel(BAILLEUR, 'POST', `/api/locations/${autre.id}/transitions`, {
            transition: 'refuser',
            etatAttendu: 'candidats',
            version: 0,
            date: '2026-11-21',
          })
        ).statusCode,
      ).toBe(404);
    });
    it('l’administrateur ne voit aucune donnée de logement', async () => {
      const a = (await s.appel(ADMIN, 'GET', '/api/accueil')).json();
      expect(a).toMatchObject({ stock: null, flux: null, conventions: [] });
      expect(a.administration.utilisateurs).toBeGreaterThanOrEqual(9);
      expect((await s.appel(ADMIN, 'GET', '/api/logements')).statusCode).toBe(403);
    });
  });

  describe('cycle d’une location, par le moteur', () => {
    let libres = 0;
    async function logementLibre(email: string): Promise<string> {
      const org = s.comptes[email]!.organisationId;
      const rows = await lignes<{ id: string }>(
        s.t.base.db,
        sql`select id from logements l where bailleur_id = ${org} and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1 offset ${libres++}`,
      );
      return rows[0]!.id;
    }
    async function ligne(email: string, reservataire: string): Promise<Ligne> {
      const a = (await s.appel(email, 'GET', '/api/conventions?annee=2026')).json();
      return (a.conventions as Ligne[]).find((l) => l.bailleur.id === 'HLD' && l.reservataire.id === reservataire)!;
    }

    it('déclarer → orientation expliquée par le moteur → candidats → CAL → bail ; le bilan suit', async () => {
      const logementId = await logementLibre(BAILLEUR);
      const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' });
      expect(r.statusCode).toBe(201);
      const v = r.json();
      expect(v.etat).toBe('orientee');
      expect(v.ligne).toBeTruthy();
      expect(v.motif).toMatch(/^Orienté vers .*(sera dû le plus tôt|il manque davantage de logements de ce type)/);
      const avant = await ligne(BAILLEUR, v.ligne);
      // Force it to Action Logement, with a written reason.
      const f = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'orienter',
        reservataire: ORG.actionLogement,
        motif: 'Candidat salarié déjà identifié',
        etatAttendu: 'orientee',
        version: v.version,
        date: '2026-11-21',
      });
      expect(f.statusCode).toBe(200);
      expect(f.json()).toMatchObject({ etat: 'orientee', ligne: ORG.actionLogement, forcee: true });
      // Action Logement proposes candidates for the unit now in its inbox.
      const c = await s.appel(AL, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'proposer_candidats',
        candidats: [
          { numeroSne: '04524112345678' },
          { numeroSne: '04524112345679' },
          { numeroSne: '04524112345680', prioritaire: true },
        ],
        etatAttendu: 'orientee',
        version: f.json().version,
        date: '2026-11-22',
      });
      expect(c.statusCode, c.body).toBe(200);
      const d = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'decider',
        decision: 'attribution',
        etatAttendu: 'candidats',
        version: c.json().version,
        date: '2026-11-25',
      });
      expect(d.statusCode).toBe(200);
      const al0 = await ligne(AL, ORG.actionLogement);
      const b = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'signer_bail',
        menage: { quartile1: true, prioritaire: true, relogementAnru: false },
        etatAttendu: 'decision_cal',
        version: d.json().version,
        date: '2026-11-28',
      });
      expect(b.statusCode).toBe(200);
      expect(b.json().etat).toBe('bail_signe');
      const al1 = await ligne(AL, ORG.actionLogement);
      expect(al1.misADisposition).toBe(al0.misADisposition);
      if (v.ligne !== ORG.actionLogement)
        expect((await ligne(BAILLEUR, v.ligne)).misADisposition).toBe(avant.misADisposition - 1);
      // A transition the state machine forbids → 409 and nothing changes.
      const x = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        transition: 'refuser',
        etatAttendu: 'bail_signe',
        version: b.json().version,
        date: '2026-11-29',
      });
      expect(x.statusCode).toBe(409);
      expect(x.json().message).toMatch(/transition impossible/);
    });

    it('deux transitions concurrentes sur une location : une seule réussit, l’autre reçoit 409 ; rien n’est compté deux fois', async () => {
      const logementId = await logementLibre(BAILLEUR);
      const v = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' })).json();
      const avant = await compter(s, sql`select count(*)::int as n from evenements_flux where location_id = ${v.id}`);
      const corps = (reservataire: string) => ({
        transition: 'orienter',
        reservataire,
        motif: 'décision en commission',
        etatAttendu: 'orientee',
        version: v.version,
        date: '2026-11-22',
      });
      const reponses = await Promise.all([
        s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, corps(ORG.actionLogement)),
        s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, corps(ORG.etat)),
        s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
          transition: 'constater_sans_candidat',
          etatAttendu: 'orientee',
          version: v.version,
          date: '2026-11-22',
        }),
      ]);
      const codes = reponses.map((r) => r.statusCode).sort();
      expect(codes.filter((c) => c === 200)).toHaveLength(1);
      expect(codes.filter((c) => c === 409)).toHaveLength(2);
      const apres = await compter(s, sql`select count(*)::int as n from evenements_flux where location_id = ${v.id}`);
      expect(apres).toBe(avant + 1);
      for (const r of reponses.filter((x) => x.statusCode === 409)) expect(r.json().erreur).toBe('CONFLIT');
    });

    it('un logement déjà en cours de location ne peut être déclaré deux fois (409)', async () => {
      const logementId = await logementLibre(BAILLEUR);
      expect((await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' })).statusCode).toBe(
        201,
      );
      const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-22' });
      expect(r.statusCode).toBe(409);
    });
  });

  describe('journal d’audit chaîné', () => {
    it('chaque écriture est journalisée dans la même transaction ; la chaîne est intègre', async () => {
      const v = await verifierAudit(s.t.base.db);
      expect(v).toMatchObject({ ok: true, anomalie: null });
      expect(
        await compter(s, sql`select count(*)::int as n from evenements_audit where action like 'location.%'`),
      ).toBeGreaterThan(0);
      const r = await s.appel(ETAT, 'GET', '/api/audit/verification');
      expect(r.json().ok).toBe(true);
    });
    it('la table refuse UPDATE et DELETE', async () => {
      await expect(s.t.base.db.execute(sql`update evenements_audit set motif = 'x' where seq = 1`)).rejects.toThrow();
      await expect(s.t.base.db.execute(sql`delete from evenements_audit where seq = 1`)).rejects.toThrow();
    });
    it('flux audit verify détecte un événement altéré puis un événement supprimé', async () => {
      const db = s.t.base.db;
      await db.execute(sql`alter table evenements_audit disable trigger evenements_audit_pas_de_modification`);
      try {
        await db.execute(sql`update evenements_audit set motif = 'réécrit' where seq = 2`);
        expect(await verifierAudit(db)).toMatchObject({
          ok: false,
          anomalie: { seq: 2, message: expect.stringMatching(/altéré/) },
        });
        await db.execute(sql`delete from evenements_audit where seq = 2`);
        expect(await verifierAudit(db)).toMatchObject({
          ok: false,
          anomalie: { seq: 3, message: expect.stringMatching(/supprimé/) },
        });
      } finally {
        await db.execute(sql`alter table evenements_audit enable trigger evenements_audit_pas_de_modification`);
      }
    });
  });
});
