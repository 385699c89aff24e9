/**
 * Contreparties and the collectivities' 20 % of loan guarantees (CCH R.441-5), and the préfet's
 * reprise of a caduque convention (loi 3DS), through the API on the seeded demo (PGlite, and
 * PostgreSQL when DATABASE_URL is set): the contrepartie stored with the version and read back,
 * parts that do not make the taux refused on the field they name, the 20 % a warning answered
 * beside a successful write and shown on the convention, the reprise recorded once by the State
 * pilot only, audited in the same transaction. ADR 0032.
 *
 * Demo, bailleur HLD: Orléans Métropole 10 % (its EPCI), the Département 3 % (département), the
 * Ville d'Orléans 5 % (Orléans): 18 % of collectivities' rights on Orléans, all counted as
 * guarantee (no contrepartie recorded).
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import type { ConventionDetailApi, RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import { conventionVersions, evenementsAudit, reprisesPrefet } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const ADMIN = 'admin@demo.flux';
const ANNEE = 2026;
const CV_DEP = 'HLD-CV4';
const CV_AL = 'HLD-CV2';

interface Probleme {
  chemin: string;
  message: string;
}

describe.each(genresDeTest())('contreparties et reprise du préfet (%s)', (genre) => {
  let s: ServeurDeTest;
  let cvVille = '';

  beforeAll(async () => {
    s = await serveurDeTest(genre);
    const r = await s.appel(BAILLEUR, 'GET', `/api/conventions/registre?annee=${ANNEE}&parPage=100`);
    cvVille = (r.json() as RegistreConventionsApi).conventions.find((c) => c.reservataire.id === 'VILLE-ORLEANS')!.id;
  }, 120_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, id: string) => {
    const r = await s.appel(email, 'GET', `/api/conventions/${id}?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ConventionDetailApi;
  };
  const avenant = async (id: string, changements: Record<string, unknown>) => {
    const v = (await lire(BAILLEUR, id)).historique[0]!;
    return s.appel(BAILLEUR, 'POST', `/api/conventions/${id}/versions`, {
      ...v.parametres,
      taux: v.taux,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: v.effectifLe,
      motif: 'avenant de test',
      versionLue: v.version,
      ...changements,
    });
  };
  const nombreVersions = async (id: string) =>
    (await s.t.base.db.select().from(conventionVersions).where(eq(conventionVersions.conventionId, id))).length;

  describe('contreparties (CCH R.441-5)', () => {
    it('CCH R.441-5 — une version sans contrepartie se lit « tout le taux en garantie, non précisé » (null) et ne déclenche rien sous 20 %', async () => {
      const c = await lire(BAILLEUR, CV_DEP);
      expect(c.historique[0]!.contrepartie).toBeNull();
      expect(c.avertissements).toEqual([]);
    });

    it('CCH R.441-5 — au-delà de 20 % de garanties des collectivités : l’avenant est enregistré, l’avertissement nomme la convention et la commune', async () => {
      // The Département to 9 %, no contrepartie: 10 + 9 + 5 = 24 % of guarantees on Orléans.
      const r = await avenant(CV_DEP, { taux: 0.09, effectifLe: '2026-02-01', motif: 'hausse du Département' });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.historique[0]).toMatchObject({ version: 2, taux: 0.09, contrepartie: null });
      expect(c.avertissements).toHaveLength(1);
      const a = c.avertissements[0]!;
      expect(a.chemin).toBe('taux');
      expect(a.message).toMatch(/^Convention avec Département du Loiret : /);
      expect(a.message).toContain('garanties d’emprunt atteignent 24 % à Orléans');
      expect(a.message).toContain('au-delà des 20 % de CCH R.441-5');
      expect(a.message).toContain('contrepartie non précisée : tout le taux est compté en garantie d’emprunt');
      expect(a.message).not.toMatch(/\b45234\b/);
      // The convention's page says it too (the version is in force today).
      expect((await lire(BAILLEUR, CV_DEP)).avertissements).toEqual(c.avertissements);
      expect((await lire(ETAT, CV_DEP)).avertissements).toEqual(c.avertissements);
    });

    it('CCH R.441-5 — la contrepartie (garantie, financement, terrain, autre, acte) est enregistrée avec la version, relue et auditée ; le terrain et le financement s’ajoutent sans plafond', async () => {
      const contrepartie = {
        garantie: 0.02,
        financement: 0.05,
        terrain: 0.02,
        reference: 'Délibération du conseil départemental n° 2026-114',
      };
      const r = await avenant(CV_DEP, { taux: 0.09, contrepartie, effectifLe: '2026-03-01', motif: 'contreparties' });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.historique[0]!.contrepartie).toEqual({ ...contrepartie, autre: 0 });
      // 10 + 2 + 5 = 17 % of guarantees: no warning any more, here or on the page.
      expect(c.avertissements).toEqual([]);
      expect((await lire(BAILLEUR, CV_DEP)).avertissements).toEqual([]);
      // Its own columns, not the parameters; the version before it unchanged.
      const lignes = await s.t.base.db
        .select()
        .from(conventionVersions)
        .where(eq(conventionVersions.conventionId, CV_DEP))
        .orderBy(asc(conventionVersions.version));
      expect(lignes.map((l) => l.contrepartieGarantie)).toEqual([null, null, '0.020000']);
      expect(lignes[2]).toMatchObject({
        contrepartieFinancement: '0.050000',
        contrepartieTerrain: '0.020000',
        contrepartieAutre: '0.000000',
        contrepartieReference: contrepartie.reference,
      });
      expect(lignes[2]!.parametres).not.toHaveProperty('contrepartie');
      // The next avenant starts from it (the page's form sends it back).
      expect((await lire(BAILLEUR, CV_DEP)).historique.map((v) => v.contrepartie?.garantie ?? null)).toEqual([
        0.02,
        null,
        null,
      ]);
      const [evt] = await s.t.base.db
        .select()
        .from(evenementsAudit)
        .where(and(eq(evenementsAudit.cibleId, CV_DEP), eq(evenementsAudit.motif, 'contreparties')));
      expect((evt!.apres as { contrepartie: unknown }).contrepartie).toEqual({ ...contrepartie, autre: 0 });
    });

    it('CCH R.441-5 — des parts qui ne font pas le taux sont refusées (422), le message en français nomme le champ contrepartie ; rien n’est écrit', async () => {
      const avant = await nombreVersions(CV_DEP);
      const r = await avenant(CV_DEP, {
        taux: 0.09,
        contrepartie: { garantie: 0.02, financement: 0.05 },
        effectifLe: '2026-04-01',
      });
      expect(r.statusCode, r.body).toBe(422);
      const p = (r.json() as { problemes: Probleme[] }).problemes;
      expect(p).toEqual([
        {
          chemin: 'contrepartie',
          message:
            'les parts de la contrepartie (garantie, financement, terrain, autre) font 7 % : elles doivent faire le taux de la convention, 9 %',
        },
      ]);
      expect(await nombreVersions(CV_DEP)).toBe(avant);
    });

    it('CCH R.441-5 — au-delà de 20 % par les parts de garantie : l’avertissement nomme le champ contrepartie.garantie', async () => {
      const r = await avenant(CV_DEP, {
        taux: 0.09,
        contrepartie: { garantie: 0.08, autre: 0.01 },
        effectifLe: '2026-05-01',
      });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.avertissements).toEqual([
        {
          chemin: 'contrepartie.garantie',
          message: expect.stringContaining('garanties d’emprunt atteignent 23 % à Orléans'),
        },
      ]);
      expect(c.avertissements[0]!.message).not.toContain('non précisée');
    });
  });

  describe('caducité et décision de reprise du préfet (loi 3DS)', () => {
    it('loi 3DS — une convention en stock après le 24/11/2023 : « caduque — reprise possible par décision du préfet », seul le pilote de l’État peut l’enregistrer', async () => {
      const r = await avenant(cvVille, { forme: 'stock', effectifLe: '2026-06-01', motif: 'convention historique' });
      expect(r.statusCode, r.body).toBe(201);
      const vueBailleur = r.json() as ConventionDetailApi;
      expect(vueBailleur.forme.statut).toBe('caduque');
      expect(vueBailleur.forme.message).toContain('caduque — reprise possible par décision du préfet');
      expect(vueBailleur.forme.caducite).toMatchObject({ reprise: null, repriseEnregistrable: false });
      expect(vueBailleur.forme.caducite!.message).toContain('reprise possible par décision du préfet');
      expect(vueBailleur.forme.caducite!.message).not.toContain('droits repris');
      const vuePilote = await lire(ETAT, cvVille);
      expect(vuePilote.forme.caducite).toMatchObject({ reprise: null, repriseEnregistrable: true });

      const corps = { decideLe: '2024-03-15', reference: 'arrêté préfectoral n° 2024-045' };
      for (const qui of [BAILLEUR, AL, EPCI, 'commune@demo.flux', ADMIN])
        expect((await s.appel(qui, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, corps)).statusCode, qui).toBe(
          403,
        );
      expect((await s.appel(null, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, corps)).statusCode).toBe(401);
      expect(await s.t.base.db.select().from(reprisesPrefet)).toEqual([]);
    });

    it('loi 3DS — refus : une convention en flux (409), une décision antérieure à la caducité ou future (422, champ decideLe), sans référence (400)', async () => {
      const flux = await s.appel(ETAT, 'POST', `/api/conventions/${CV_AL}/reprise-prefet`, {
        decideLe: '2024-03-15',
        reference: 'arrêté n° 1',
      });
      expect(flux.statusCode, flux.body).toBe(409);
      expect((flux.json() as { message: string }).message).toContain('n’est pas caduque');
      const tot = await s.appel(ETAT, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, {
        decideLe: '2023-11-24',
        reference: 'arrêté n° 1',
      });
      expect(tot.statusCode, tot.body).toBe(422);
      expect((tot.json() as { problemes: Probleme[] }).problemes).toEqual([
        { chemin: 'decideLe', message: expect.stringContaining('caduque que depuis le 25/11/2023') },
      ]);
      const futur = await s.appel(ETAT, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, {
        decideLe: '2099-01-01',
        reference: 'arrêté n° 1',
      });
      expect(futur.statusCode, futur.body).toBe(422);
      const sansActe = await s.appel(ETAT, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, {
        decideLe: '2024-03-15',
        reference: '  ',
      });
      expect(sansActe.statusCode).toBe(400);
      expect(sansActe.body).toContain('référence de l’acte du préfet est obligatoire');
      expect(await s.t.base.db.select().from(reprisesPrefet)).toEqual([]);
    });

    it('loi 3DS — le pilote de l’État enregistre la décision : « droits repris par le préfet le 15/03/2024 (arrêté …) », auditée dans la même transaction, irréversible', async () => {
      const r = await s.appel(ETAT, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, {
        decideLe: '2024-03-15',
        reference: 'arrêté préfectoral n° 2024-045',
        commentaire: 'après mise en demeure restée sans effet',
      });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.forme.message).toContain(
        'caduque — droits repris par le préfet le 15/03/2024 (arrêté préfectoral n° 2024-045)',
      );
      expect(c.forme.caducite).toMatchObject({
        repriseEnregistrable: false,
        reprise: {
          decideLe: '2024-03-15',
          reference: 'arrêté préfectoral n° 2024-045',
          commentaire: 'après mise en demeure restée sans effet',
          auteur: 'Pilote DDETS du Loiret (démo)',
        },
      });
      expect(c.forme.caducite!.message).toMatch(
        /droits repris par le préfet le 15\/03\/2024 \(arrêté préfectoral n° 2024-045\) : ses 5 % du flux .*relèvent du contingent de l’État/,
      );
      // The bailleur and the city read the same decision.
      expect((await lire(BAILLEUR, cvVille)).forme.caducite!.reprise?.reference).toBe('arrêté préfectoral n° 2024-045');
      expect((await lire('commune@demo.flux', cvVille)).forme.message).toContain(
        'droits repris par le préfet le 15/03/2024',
      );
      const registre = (
        await s.appel(BAILLEUR, 'GET', `/api/conventions/registre?annee=${ANNEE}&parPage=100`)
      ).json() as RegistreConventionsApi;
      expect(registre.conventions.find((x) => x.id === cvVille)!.forme.caducite!.reprise?.decideLe).toBe('2024-03-15');

      const evs = await s.t.base.db
        .select()
        .from(evenementsAudit)
        .where(and(eq(evenementsAudit.cibleId, cvVille), eq(evenementsAudit.action, 'convention.reprise_prefet')));
      expect(evs).toHaveLength(1);
      expect(evs[0]).toMatchObject({
        cibleType: 'convention',
        organisationId: 'ETAT-45',
        motif: 'après mise en demeure restée sans effet',
        avant: null,
        apres: { decideLe: '2024-03-15', reference: 'arrêté préfectoral n° 2024-045' },
      });
      expect((await verifierAudit(s.t.base.db)).ok).toBe(true);

      // Irreversible: a second decision is refused, the first one stays.
      const encore = await s.appel(ETAT, 'POST', `/api/conventions/${cvVille}/reprise-prefet`, {
        decideLe: '2024-04-01',
        reference: 'autre arrêté',
      });
      expect(encore.statusCode, encore.body).toBe(409);
      expect((encore.json() as { message: string }).message).toContain('déjà enregistrée');
      expect(await s.t.base.db.select().from(reprisesPrefet)).toHaveLength(1);
    });
  });
});
