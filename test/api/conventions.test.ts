/**
 * Conventions as versions (avenants) through the API, on the seeded demo (PGlite, and PostgreSQL
 * when DATABASE_URL is set): the register and one convention per role, each legal rule refused
 * with its article and the field it names, versions immutable and numbered, two avenants at once
 * (one 201, one 409), the audit chain, the year's ledger after an avenant, and a stock convention
 * past the conversion deadline shown as caduque with its consequence on the State's flow.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { etatForme, versionAu } from '../../src/app/conventions.ts';
import type { ConventionDetailApi, RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import { conventionVersions, evenementsAudit } from '../../src/db/schema.ts';
import { valeurAu } from '../../src/domain/legal-parameters.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const ADMIN = 'admin@demo.flux';
const ANNEE = 2026;

const CV_ETAT = 'HLD-CV1';
const CV_AL = 'HLD-CV2';
const CV_DEP = 'HLD-CV4';

interface Probleme {
  chemin: string;
  message: string;
}

describe('fonctions pures : version en vigueur et forme de la convention', () => {
  it('la version en vigueur est la plus récente effective à la date', () => {
    const vs = [
      { version: 1, effectifLe: '2025-01-01' },
      { version: 2, effectifLe: '2026-01-01' },
      { version: 3, effectifLe: '2026-07-01' },
    ];
    expect(versionAu(vs, '2024-12-31')).toBeNull();
    expect(versionAu(vs, '2026-06-30')?.version).toBe(2);
    expect(versionAu(vs, '2026-07-01')?.version).toBe(3);
  });

  it('loi ELAN art. 114 IV et loi 3DS — échéance de conversion au 24 novembre 2023, paramètre légal daté et sourcé', () => {
    expect(valeurAu('dateLimiteConversion', '2026-01-01')).toBe('2023-11-24');
    expect(valeurAu('dateLimiteConversion', '2021-01-01')).toBe('2021-11-24');
    expect(etatForme('stock', '2023-11-24').statut).toBe('a_convertir');
    const caduque = etatForme('stock', '2023-11-25');
    expect(caduque.statut).toBe('caduque');
    expect(caduque.message).toContain('caduque — reprise possible par décision du préfet');
    expect(
      etatForme('stock', '2026-01-01', { decideLe: '2024-03-15', reference: 'arrêté n° 2024-045' }).message,
    ).toContain('caduque — droits repris par le préfet le 15/03/2024 (arrêté n° 2024-045)');
    expect(caduque.echeance?.source).toMatch(/3DS/);
    expect(etatForme('conversion', '2026-01-01').statut).toBe('caduque');
    expect(etatForme('flux', '2026-01-01').statut).toBe('flux');
    expect(etatForme('stock', '2022-06-01').message).toContain('au plus tard le 24/11/2023');
  });
});

describe.each(genresDeTest())('conventions et avenants (%s)', (genre) => {
  let s: ServeurDeTest;

  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, id: string) => {
    const r = await s.appel(email, 'GET', `/api/conventions/${id}?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ConventionDetailApi;
  };
  /** An avenant: the version in force's parameters with `changements`. */
  const avenant = async (
    email: string,
    id: string,
    changements: Record<string, unknown>,
    base?: ConventionDetailApi,
  ) => {
    const c = base ?? (await lire(BAILLEUR, id));
    const v = c.historique[0]!;
    const corps = {
      ...v.parametres,
      taux: v.taux,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: v.effectifLe,
      motif: 'avenant de test',
      versionLue: v.version,
      ...changements,
    };
    return s.appel(email, 'POST', `/api/conventions/${id}/versions`, corps);
  };
  const refus = (r: { statusCode: number; body: string; json: () => unknown }): Probleme[] => {
    expect(r.statusCode, r.body).toBe(422);
    return (r.json() as { problemes: Probleme[] }).problemes;
  };

  describe('lecture et cloisonnement', () => {
    it('le registre de chaque rôle : ses conventions seulement, avec version en vigueur, forme et solde de l’année', async () => {
      const registre = async (email: string) => {
        const r = await s.appel(email, 'GET', `/api/conventions/registre?annee=${ANNEE}`);
        expect(r.statusCode, r.body).toBe(200);
        return (r.json() as RegistreConventionsApi).conventions;
      };
      const hld = await registre(BAILLEUR);
      expect(hld.length).toBeGreaterThanOrEqual(3);
      expect(new Set(hld.map((c) => c.bailleur.id))).toEqual(new Set(['HLD']));
      const etat = hld.find((c) => c.id === CV_ETAT)!;
      expect(etat.versionEnVigueur).toMatchObject({ version: 1, taux: 0.25, tauxAgents: 0.05, forme: 'flux' });
      expect(etat.forme.statut).toBe('flux');
      expect(etat.ligne?.annee).toBe(ANNEE);
      expect(etat.ligne?.taux).toBe(0.25);

      const al = await registre(AL);
      expect(al.length).toBeGreaterThanOrEqual(3);
      expect(new Set(al.map((c) => c.reservataire.id))).toEqual(new Set(['ACTION-LOGEMENT']));

      const pilote = await registre(ETAT);
      expect(new Set(pilote.map((c) => c.bailleur.id))).toEqual(new Set(['HLD', 'VLL', 'GBH']));
      expect(pilote.every((c) => c.departement === '45')).toBe(true);

      // The EPCI: every convention covering its territory, for every bailleur with units there
      // (issue 14 item 3, ADR 0040) — not those of a bailleur absent from it.
      const epci = await registre(EPCI);
      expect(epci.some((c) => c.reservataire.id === 'ORLEANS-METROPOLE')).toBe(true);
      expect(new Set(epci.map((c) => c.bailleur.id))).toEqual(new Set(['HLD', 'VLL']));
      expect((await s.appel(EPCI, 'GET', `/api/conventions/${CV_AL}`)).statusCode).toBe(200);
      const gbh = pilote.find((c) => c.bailleur.id === 'GBH')!;
      expect((await s.appel(EPCI, 'GET', `/api/conventions/${gbh.id}`)).statusCode).toBe(404);

      expect((await s.appel(ADMIN, 'GET', '/api/conventions/registre')).statusCode).toBe(403);
      expect((await s.appel(null, 'GET', '/api/conventions/registre')).statusCode).toBe(401);
      // The State pilot names a bailleur.
      expect(new Set((await registre(ETAT)).filter((c) => c.bailleur.id === 'VLL').map((c) => c.bailleur.id))).toEqual(
        new Set(['VLL']),
      );
      const filtre = await s.appel(ETAT, 'GET', `/api/conventions/registre?annee=${ANNEE}&bailleur=VLL`);
      expect(new Set((filtre.json() as RegistreConventionsApi).conventions.map((c) => c.bailleur.id))).toEqual(
        new Set(['VLL']),
      );
    });

    it('une convention hors de la portée de l’acteur est introuvable (404), pas seulement masquée', async () => {
      expect((await s.appel(BAILLEUR2, 'GET', `/api/conventions/${CV_ETAT}`)).statusCode).toBe(404);
      expect((await s.appel(AL, 'GET', `/api/conventions/${CV_ETAT}`)).statusCode).toBe(404);
      expect((await s.appel(AL, 'GET', `/api/conventions/${CV_AL}`)).statusCode).toBe(200);
      const detail = await lire(ETAT, CV_AL);
      expect(detail.modifiable).toBe(false);
      expect((await lire(BAILLEUR, CV_AL)).modifiable).toBe(true);
    });

    it('seul le bailleur de la convention écrit un avenant : réservataire 403, autre bailleur 404', async () => {
      const c = await lire(BAILLEUR, CV_AL);
      expect((await avenant(AL, CV_AL, { taux: 0.26 }, c)).statusCode).toBe(403);
      expect((await avenant(ETAT, CV_AL, { taux: 0.26 }, c)).statusCode).toBe(403);
      expect((await avenant(BAILLEUR2, CV_AL, { taux: 0.26 }, c)).statusCode).toBe(404);
      expect((await lire(BAILLEUR, CV_AL)).historique).toHaveLength(1);
    });
  });

  describe('contrôles légaux d’un avenant, à sa date d’effet', () => {
    it('CCH R.441-5-2 I — contingent de l’État à 31 % refusé sans dérogation (champ taux)', async () => {
      const p = refus(await avenant(BAILLEUR, CV_ETAT, { taux: 0.31 }));
      expect(p).toEqual([
        expect.objectContaining({ chemin: 'taux', message: expect.stringContaining('CCH R.441-5-2 I') }),
      ]);
      expect(p[0]!.message).toContain('31 %');
    });

    it('CCH R.441-5-2 I — part des agents de l’État à 6 % refusée (champ tauxAgents)', async () => {
      const p = refus(await avenant(BAILLEUR, CV_ETAT, { tauxAgents: 0.06 }));
      expect(p).toEqual([
        expect.objectContaining({
          chemin: 'tauxAgents',
          message: expect.stringContaining('5 % au plus (CCH R.441-5-2 I)'),
        }),
      ]);
    });

    it('CCH R.441-5-2 I — dérogation du préfet de plus d’un an (13 mois) refusée (champ derogation)', async () => {
      const p = refus(
        await avenant(BAILLEUR, CV_ETAT, {
          taux: 0.32,
          effectifLe: '2027-01-01',
          derogation: { arrete: 'Arrêté 2027-01', du: '2027-01-01', au: '2028-01-31' },
        }),
      );
      expect(p.map((x) => x.chemin)).toContain('derogation');
      expect(p.find((x) => x.chemin === 'derogation')!.message).toContain('ne peut excéder un an (CCH R.441-5-2 I)');
    });

    it('CCH R.441-5-2 I — dérogation datée d’un an au plus : 32 % accepté, nouvelle version', async () => {
      const r = await avenant(BAILLEUR, CV_ETAT, {
        taux: 0.32,
        effectifLe: '2027-01-01',
        derogation: { arrete: 'Arrêté 2027-01', du: '2027-01-01', au: '2027-12-31' },
        motif: 'dérogation du préfet',
      });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.historique.map((v) => v.version)).toEqual([2, 1]);
      expect(c.historique[0]).toMatchObject({
        taux: 0.32,
        effectifLe: '2027-01-01',
        motif: 'dérogation du préfet',
        auteur: 'Agent bailleur (démo)',
      });
    });

    it('CCH R.441-5 I — la somme des taux ne peut dépasser 100 % du flux (champ taux)', async () => {
      const p = refus(await avenant(BAILLEUR, CV_AL, { taux: 0.75 }));
      expect(p[0]).toMatchObject({ chemin: 'taux' });
      expect(p[0]!.message).toMatch(/la somme des taux atteint .* ne peut dépasser 100 % du flux/);
    });

    it('CCH R.441-5-3 — un périmètre communal est refusé à Action Logement (champ perimetre)', async () => {
      const p = refus(await avenant(BAILLEUR, CV_AL, { perimetre: { communes: ['45234'] } }));
      expect(p).toEqual([
        expect.objectContaining({ chemin: 'perimetre', message: expect.stringContaining('CCH R.441-5-3') }),
      ]);
    });

    it('CCH R.441-5 I — une seconde convention pour le même bailleur × réservataire × département est refusée (champ reservataire)', async () => {
      const c = await lire(BAILLEUR, CV_AL);
      const v = c.historique[0]!;
      const r = await s.appel(BAILLEUR, 'POST', '/api/conventions', {
        ...v.parametres,
        taux: 0.05,
        reservataire: 'ACTION-LOGEMENT',
        departement: '45',
        effectifLe: `${ANNEE}-01-01`,
      });
      const p = refus(r);
      expect(p).toEqual([
        expect.objectContaining({
          chemin: 'reservataire',
          message: expect.stringContaining(
            'une seule convention par bailleur, réservataire et département (CCH R.441-5 I)',
          ),
        }),
      ]);
    });

    it('un avenant ne prend pas effet avant la version précédente ; un corps incomplet est refusé champ par champ', async () => {
      const p = refus(await avenant(BAILLEUR, CV_ETAT, { effectifLe: '2026-06-01' }));
      expect(p).toEqual([expect.objectContaining({ chemin: 'effectifLe' })]);
      const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/${CV_AL}/versions`, { taux: 2 });
      expect(r.statusCode).toBe(400);
      const chemins = (r.json() as { problemes: Probleme[] }).problemes.map((x) => x.chemin);
      expect(chemins).toEqual(
        expect.arrayContaining([
          'corps.taux',
          'corps.effectifLe',
          'corps.versionLue',
          'corps.motif',
          'corps.perimetre',
        ]),
      );
    });
  });

  describe('versions immuables, numérotées, sous verrou', () => {
    it('un avenant est une nouvelle ligne numérotée max + 1 ; la version précédente ne change pas', async () => {
      const avant = await s.t.base.db
        .select()
        .from(conventionVersions)
        .where(eq(conventionVersions.conventionId, CV_DEP))
        .orderBy(asc(conventionVersions.version));
      expect(avant.map((v) => v.version)).toEqual([1]);
      const r = await avenant(BAILLEUR, CV_DEP, { taux: 0.04, effectifLe: '2026-07-01', motif: 'hausse négociée' });
      expect(r.statusCode, r.body).toBe(201);
      const apres = await s.t.base.db
        .select()
        .from(conventionVersions)
        .where(eq(conventionVersions.conventionId, CV_DEP))
        .orderBy(asc(conventionVersions.version));
      expect(apres.map((v) => v.version)).toEqual([1, 2]);
      expect(apres[0]).toEqual(avant[0]);
      expect(apres[1]).toMatchObject({ id: `${CV_DEP}-V2`, taux: '0.040000', effectifLe: '2026-07-01' });
      expect((apres[1]!.parametres as { forme: string }).forme).toBe('flux');
      // A version read before this avenant is stale: refused, nothing written.
      const perime = await s.appel(BAILLEUR, 'POST', `/api/conventions/${CV_DEP}/versions`, {
        ...(avant[0]!.parametres as object),
        taux: 0.05,
        effectifLe: '2026-08-01',
        motif: 'périmé',
        versionLue: 1,
      });
      expect(perime.statusCode, perime.body).toBe(409);
      expect((await lire(BAILLEUR, CV_DEP)).historique.map((v) => v.version)).toEqual([2, 1]);
    });

    it('deux avenants simultanés sur la même version lue : un 201, un 409', async () => {
      const c = await lire(BAILLEUR, CV_DEP);
      const [a, b] = await Promise.all([
        avenant(BAILLEUR, CV_DEP, { taux: 0.035, effectifLe: '2026-09-01', motif: 'premier' }, c),
        avenant(BAILLEUR, CV_DEP, { taux: 0.045, effectifLe: '2026-09-01', motif: 'second' }, c),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
      const perdant = a.statusCode === 409 ? a : b;
      expect((perdant.json() as { message: string }).message).toMatch(/rechargez/);
      expect((await lire(BAILLEUR, CV_DEP)).historique.map((v) => v.version)).toEqual([3, 2, 1]);
    });
  });

  describe('effets d’un avenant', () => {
    it('un avenant effectif au 1er janvier change le bilan de l’année (GET /api/conventions)', async () => {
      const ligneAl = async () => {
        const r = await s.appel(BAILLEUR, 'GET', `/api/conventions?annee=${ANNEE}`);
        expect(r.statusCode).toBe(200);
        return (
          r.json() as { conventions: { conventionId: string | null; taux: number; droit: number }[] }
        ).conventions.find((l) => l.conventionId === CV_AL)!;
      };
      // The droit holds last year's carry-over (the demo issued that bilan, ADR 0019); the rate scales the rest.
      const reportAl = async () =>
        (
          (await s.appel(BAILLEUR, 'GET', `/api/conventions/registre?annee=${ANNEE}`)).json() as RegistreConventionsApi
        ).conventions.find((x) => x.id === CV_AL)!.ligne!.report;
      const report = await reportAl();
      const avant = await ligneAl();
      expect(avant.taux).toBe(0.25);
      const r = await avenant(BAILLEUR, CV_AL, {
        taux: 0.3,
        effectifLe: `${ANNEE}-01-01`,
        motif: 'avenant au 1er janvier',
      });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.ligne?.taux).toBe(0.3);
      const apres = await ligneAl();
      expect(apres.taux).toBe(0.3);
      expect(await reportAl()).toBe(report);
      if (avant.droit > 0) expect(apres.droit - report).toBeCloseTo(((avant.droit - report) * 0.3) / 0.25, 6);
      // The ledger read back through the register agrees.
      const reg = (
        await s.appel(BAILLEUR, 'GET', `/api/conventions/registre?annee=${ANNEE}`)
      ).json() as RegistreConventionsApi;
      expect(reg.conventions.find((x) => x.id === CV_AL)?.ligne?.droit).toBe(apres.droit);
    });

    it('loi ELAN art. 114 IV / loi 3DS — une convention en stock après le 24/11/2023 est caduque : reprise possible par le préfet, ce qu’elle ferait au contingent de l’État', async () => {
      const r = await avenant(BAILLEUR, CV_DEP, {
        forme: 'stock',
        effectifLe: '2026-09-01',
        motif: 'convention historique en stock',
      });
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c.forme).toMatchObject({ forme: 'stock', statut: 'caduque', echeance: { date: '2023-11-24' } });
      expect(c.forme.message).toContain('caduque — reprise possible par décision du préfet');
      const cad = c.forme.caducite!;
      expect(cad.tauxRepris).toBe(c.versionEnVigueur!.taux);
      const etat = await lire(BAILLEUR, CV_ETAT);
      expect(cad.etat).toMatchObject({ conventionId: CV_ETAT, tauxAvant: etat.ligne!.taux });
      expect(cad.etat!.tauxApres).toBeCloseTo(etat.ligne!.taux + cad.tauxRepris, 9);
      expect(cad.droitRepris).toBe(c.ligne!.droit);
      expect(cad.etat!.droitApres).toBeCloseTo(etat.ligne!.droit + c.ligne!.droit, 9);
      expect(cad.depuis).toBe('2023-11-25');
      expect(cad.reprise).toBeNull();
      expect(cad.message).toMatch(/relèveront du contingent de l’État, qui passerait de 25 % à 2\d(,\d+)? % du flux/);
      // The Département sees its own convention fall, but not the State's figures.
      const dep = await lire('departement@demo.flux', CV_DEP);
      expect(dep.forme.statut).toBe('caduque');
      expect(dep.forme.caducite?.etat).toBeNull();
    });

    it('chaque écriture est au journal d’audit, dans la même transaction, et la chaîne reste intègre', async () => {
      const evs = await s.t.base.db
        .select()
        .from(evenementsAudit)
        .where(and(eq(evenementsAudit.cibleType, 'convention'), eq(evenementsAudit.cibleId, CV_DEP)))
        .orderBy(asc(evenementsAudit.seq));
      expect(evs.map((e) => e.action)).toEqual(['convention.avenant', 'convention.avenant', 'convention.avenant']);
      expect(evs[0]).toMatchObject({ motif: 'hausse négociée', organisationId: 'HLD' });
      expect((evs[0]!.apres as { version: number }).version).toBe(2);
      expect((evs[0]!.avant as { version: number }).version).toBe(1);
      const v = await verifierAudit(s.t.base.db);
      expect(v).toMatchObject({ ok: true, anomalie: null });
    });

    it('une nouvelle convention avec un nouveau réservataire : version 1, auditée', async () => {
      const org = await s.appel(ADMIN, 'POST', '/api/admin/organisations', {
        id: 'EMPLOYEUR-TEST',
        nom: 'Employeur de test',
        categorie: 'reservataire',
        typeReservataire: 'employeur',
      });
      expect(org.statusCode, org.body).toBe(201);
      const corps = {
        reservataire: 'EMPLOYEUR-TEST',
        departement: '45',
        taux: 0.02,
        perimetre: { departement: '45' },
        decompte: 'bail_signe',
        echecDecompte: false,
        effectifLe: `${ANNEE}-01-01`,
        motif: 'nouvelle convention',
      };
      const r = await s.appel(BAILLEUR, 'POST', '/api/conventions', corps);
      expect(r.statusCode, r.body).toBe(201);
      const c = r.json() as ConventionDetailApi;
      expect(c).toMatchObject({
        bailleur: { id: 'HLD' },
        reservataire: { id: 'EMPLOYEUR-TEST', type: 'employeur' },
        versions: 1,
      });
      expect(c.historique[0]).toMatchObject({
        version: 1,
        taux: 0.02,
        motif: 'nouvelle convention',
        parametres: { gestion: 'directe', delaiPropositionJours: 30, candidatsDemandes: 3 },
      });
      const double = refus(
        await s.appel(BAILLEUR, 'POST', '/api/conventions', { ...corps, effectifLe: `${ANNEE}-06-01` }),
      );
      expect(double).toEqual([
        expect.objectContaining({ chemin: 'reservataire', message: expect.stringContaining('(CCH R.441-5 I)') }),
      ]);
      // Another bailleur may sign with the same réservataire.
      const autre = await s.appel(BAILLEUR2, 'POST', '/api/conventions', corps);
      expect(autre.statusCode, autre.body).toBe(201);
      expect((autre.json() as ConventionDetailApi).bailleur.id).toBe('VLL');
      expect((await verifierAudit(s.t.base.db)).ok).toBe(true);
    });
  });
});
