/**
 * The dashboards through the API (issue 7 item 4), on the seeded demo (PGlite, and PostgreSQL when
 * DATABASE_URL is set): each role gets its scope — the bailleur its lines, a réservataire its own
 * line only, the State pilot every bailleur of its département and the State contingent's use, an
 * EPCI reader its territory — the December point is the engine's year end, and a lease through the
 * API raises the current month's counted units by one on the right line.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultatAnnee } from '../../src/app/annee.ts';
import type { TableauApi } from '../../src/contracts/tableaux.ts';
import { lignes } from '../../src/db/client.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const ANNEE = 2026;
const BAILLEUR = 'bailleur@demo.flux';

describe.each(genresDeTest())('tableaux de bord par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  /** Today for the server; the lettings of these tests are dated today, after every stored event of the demo. */
  const JOUR = '2026-11-20';
  const AUJOURDHUI = new Date(`${JOUR}T10:00:00Z`);
  let maintenant = AUJOURDHUI;
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => maintenant });
  }, 180_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string): Promise<TableauApi> => {
    const r = await s.appel(email, 'GET', `/api/tableau?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as TableauApi;
  };

  /** The engine's year end of every line of a bailleur (the figures of the ledger and the bilan). */
  const moteur = async (bailleurId: string, departement = '45') =>
    (await resultatAnnee(s.t.base.db, { bailleurId, departement, annee: ANNEE })).resultat.bilan;

  it('le bailleur voit toutes ses lignes ; décembre = fin d’année du moteur', async () => {
    const t = await lire(BAILLEUR);
    expect(t.role).toBe('agent_bailleur');
    expect(t.moisCourant).toBe(11);
    expect(t.bailleurs.map((b) => b.bailleurId)).toEqual(['HLD']);
    const bilan = await moteur('HLD');
    const hld = t.bailleurs[0]!;
    expect(hld.lignes.map((l) => l.ligne)).toEqual(bilan.map((b) => b.reservataire));
    for (const l of hld.lignes) {
      const b = bilan.find((x) => x.reservataire === l.ligne)!;
      expect(l.points[11], l.ligne).toEqual({ mois: 12, droit: b.droit, decomptes: b.decomptes });
      expect(l.mix.map((m) => m.dimension)).toEqual(['typologie', 'financement', 'qpv']);
      expect(l.mix[0]!.valeurs.reduce((n, v) => n + v.recus, 0)).toBe(b.misADisposition);
    }
    expect(hld.lignes.reduce((n, l) => n + l.decomptes, 0)).toBeGreaterThan(0);
    expect(t.contingentEtat).toBeNull();
    expect(t.territoire).toBeNull();
    expect(t.objectifs.annee).toBe(ANNEE);
    expect(t.delais.sansCandidat.reduce((a, b) => a + b, 0)).toBe(
      hld.lignes.reduce((n, l) => n + l.sansCandidat.reduce((a, b) => a + b, 0), 0),
    );
  });

  it('un réservataire ne voit que sa propre ligne, chez chaque bailleur, et leur somme', async () => {
    for (const [email, org] of [
      ['reservataire@demo.flux', ORG.actionLogement],
      ['commune@demo.flux', ORG.orleans],
    ] as const) {
      const t = await lire(email);
      const attendus = await lignes<{ b: string }>(
        s.t.base.db,
        sql`select distinct bailleur_id as b from conventions where reservataire_id = ${org} order by 1`,
      );
      expect(t.bailleurs.map((b) => b.bailleurId).sort(), email).toEqual(attendus.map((a) => a.b));
      for (const b of t.bailleurs) {
        expect(
          b.lignes.map((l) => l.ligne),
          `${email} chez ${b.bailleurId}`,
        ).toEqual([org]);
        const e = (await moteur(b.bailleurId)).find((x) => x.reservataire === org)!;
        expect(b.lignes[0]!.points[11]).toEqual({ mois: 12, droit: e.droit, decomptes: e.decomptes });
      }
      expect(t.total!.decomptes).toBe(t.bailleurs.reduce((n, b) => n + b.lignes[0]!.decomptes, 0));
      expect(t.total!.droit).toBeCloseTo(
        t.bailleurs.reduce((n, b) => n + b.lignes[0]!.droit, 0),
        6,
      );
      expect(t.objectifs.parLigne.map((l) => l.ligne)).toEqual([org]);
      // No other line anywhere in the answer.
      const autres = Object.values(ORG).filter((o) => o !== org);
      const texte = JSON.stringify(t.bailleurs) + JSON.stringify(t.total);
      for (const o of autres) expect(texte.includes(`"ligne":"${o}"`), `${email} voit ${o}`).toBe(false);
      expect(texte.includes('"ligne":"BAILLEUR"')).toBe(false);
    }
  });

  it('le pilote de l’État voit tous les bailleurs de son département et l’usage du contingent', async () => {
    const t = await lire('etat@demo.flux');
    const attendus = await lignes<{ b: string }>(
      s.t.base.db,
      sql`select distinct bailleur_id as b from conventions where departement = '45' order by 1`,
    );
    expect(t.bailleurs.map((b) => b.bailleurId).sort()).toEqual(attendus.map((a) => a.b));
    expect(attendus.length).toBeGreaterThan(1);
    let droit = 0;
    let decomptes = 0;
    for (const b of t.bailleurs) {
      const bilan = await moteur(b.bailleurId);
      expect(b.lignes.map((l) => l.ligne)).toEqual(bilan.map((x) => x.reservataire));
      const e = bilan.find((x) => x.reservataire === ORG.etat);
      if (e) {
        droit += e.droit;
        decomptes += e.decomptes;
      }
    }
    const c = t.contingentEtat!;
    expect(c.decomptes).toBe(decomptes);
    expect(c.droit).toBeCloseTo(droit, 6);
    expect(c.taux).toBeCloseTo(decomptes / droit, 6);
    expect(c.parBailleur.length).toBe(t.bailleurs.filter((b) => b.lignes.some((l) => l.ligne === ORG.etat)).length);
    expect(c.ligne.points[11]!.decomptes).toBe(decomptes);
    expect(c.explication).toMatch(/contingent préfectoral/);
  });

  it('l’EPCI voit les locations de son territoire', async () => {
    const t = await lire('epci@demo.flux');
    expect(t.bailleurs).toEqual([]);
    const ter = t.territoire!;
    const flux = ter.mois.reduce((n, m) => n + m.flux, 0);
    expect(flux).toBeGreaterThan(0);
    expect(ter.parLigne.reduce((n, l) => n + l.logements, 0)).toBe(flux);
    expect(ter.parBailleur.reduce((n, b) => n + b.flux, 0)).toBe(flux);
    // Re-derived from the database: the year's lettings in the flow of units of the territory.
    const [r] = await lignes<{ n: number }>(
      s.t.base.db,
      sql`select count(*)::int as n from locations v join logements l on l.id = v.logement_id left join communes c on c.code = l.commune
          where v.annee = ${ANNEE} and v.departement = '45' and v.exclusion is null and coalesce(l.epci, c.epci) = ${ter.epci}`,
    );
    expect(flux).toBe(Number(r!.n));
    expect(ter.mois.reduce((n, m) => n + m.baux, 0)).toBeLessThanOrEqual(flux);
  });

  it('les délais manqués sont ceux de la base, dans le périmètre de chacun', async () => {
    const somme = (v: number[]) => v.reduce((a, b) => a + b, 0);
    for (const [email, portee] of [
      [BAILLEUR, sql`v.bailleur_id = 'HLD'`],
      ['reservataire@demo.flux', sql`v.ligne = ${ORG.actionLogement}`],
      ['etat@demo.flux', sql`v.departement = '45'`],
    ] as const) {
      const t = await lire(email);
      const [p] = await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from delais_proposition d join locations v on v.id = d.location_id
            where ${portee} and d.echeance between '2026-01-01' and '2026-12-31' and d.echeance < ${t.aujourdhui} and v.etat in ('orientee', 'sans_candidat')`,
      );
      const [o] = await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from offres_cal o join examens_cal e on e.id = o.examen_id join locations v on v.id = e.location_id
            where ${portee} and o.reponse = 'silence' and o.echeance between '2026-01-01' and '2026-12-31'`,
      );
      expect(somme(t.delais.propositionsDepassees), email).toBe(Number(p!.n));
      expect(somme(t.delais.offresExpirees), email).toBe(Number(o!.n));
      // The engine's lettings ended without candidate, on the lines shown.
      expect(somme(t.delais.sansCandidat), email).toBe(
        t.bailleurs.reduce((n, b) => n + b.lignes.reduce((m, l) => m + somme(l.sansCandidat), 0), 0),
      );
    }
  });

  it('un délai de proposition dépassé sans candidats compte au mois de son échéance, pour le bailleur et la ligne', async () => {
    const db = s.t.base.db;
    const [libre] = await lignes<{ id: string }>(
      db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id desc limit 1`,
    );
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: libre!.id, date: JOUR });
    expect(d.statusCode, d.body).toBe(201);
    const v = d.json() as { id: string; version: number };
    const o = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: ORG.actionLogement,
      motif: 'essai du tableau de bord',
    });
    expect(o.statusCode, o.body).toBe(200);
    const [delai] = await lignes<{ echeance: string }>(
      db,
      sql`select echeance::text as echeance from delais_proposition where location_id = ${v.id}`,
    );
    const mois = Number(delai!.echeance.slice(5, 7));
    expect(delai!.echeance.startsWith('2026-')).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // reads are cached ≤ 250 ms per instance (ADR 0010)
    const comptes = [
      ['bailleur@demo.flux', sql`v.bailleur_id = 'HLD'`, 1],
      ['reservataire@demo.flux', sql`v.ligne = ${ORG.actionLogement}`, 1],
      ['commune@demo.flux', sql`v.ligne = ${ORG.orleans}`, 0],
    ] as const;
    const avant = await Promise.all(comptes.map(([email]) => lire(email)));
    try {
      // The day after the deadline, nobody having proposed a candidate.
      maintenant = new Date(new Date(`${delai!.echeance}T10:00:00Z`).getTime() + 86_400_000);
      const lendemain = maintenant.toISOString().slice(0, 10);
      for (const [i, [email, portee, hausse]] of comptes.entries()) {
        const apres = await lire(email);
        // The demo's other lettings still waiting for candidates whose deadline passed meanwhile, in the same month.
        const [autres] = await lignes<{ n: number }>(
          db,
          sql`select count(*)::int as n from delais_proposition d join locations v on v.id = d.location_id
              where ${portee} and v.id <> ${v.id} and d.echeance >= ${JOUR} and d.echeance < ${lendemain}
                and extract(month from d.echeance) = ${mois} and v.etat in ('orientee', 'sans_candidat')`,
        );
        expect(
          apres.delais.propositionsDepassees[mois - 1]! - avant[i]!.delais.propositionsDepassees[mois - 1]!,
          email,
        ).toBe(Number(autres!.n) + hausse);
      }
    } finally {
      maintenant = AUJOURDHUI;
    }
  });

  it('une année passée sans événement répond aussi, sans mois en cours', async () => {
    for (const email of [BAILLEUR, 'reservataire@demo.flux', 'etat@demo.flux', 'epci@demo.flux']) {
      const r = await s.appel(email, 'GET', `/api/tableau?annee=${ANNEE - 3}`);
      expect(r.statusCode, `${email} ${r.body}`).toBe(200);
      const t = r.json() as TableauApi;
      expect(t.moisCourant).toBeNull();
      for (const b of t.bailleurs) for (const l of b.lignes) expect(l.decomptes).toBe(0);
    }
    expect((await s.appel(BAILLEUR, 'GET', '/api/tableau?annee=1999')).statusCode).toBe(400);
  });

  it('un administrateur n’a pas de tableau de bord', async () => {
    expect((await s.appel('admin@demo.flux', 'GET', `/api/tableau?annee=${ANNEE}`)).statusCode).toBe(403);
    expect((await s.appel(null, 'GET', `/api/tableau?annee=${ANNEE}`)).statusCode).toBe(401);
  });

  it('après un bail signé par l’API, le décompte du mois en cours monte d’un sur la bonne ligne', async () => {
    const db = s.t.base.db;
    const avant = (await lire(BAILLEUR)).bailleurs[0]!;
    const [libre] = await lignes<{ id: string }>(
      db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1`,
    );
    type V = { id: string; version: number; etat: string; ligne: string | null };
    const transition = async (v: V, corps: Record<string, unknown>): Promise<V> => {
      const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        etatAttendu: v.etat,
        version: v.version,
        ...corps,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as V;
    };
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: libre!.id, date: JOUR });
    expect(d.statusCode, d.body).toBe(201);
    let v = d.json() as V;
    v = await transition(v, {
      transition: 'proposer_candidats',
      date: JOUR,
      candidats: [{ numeroSne: '045261100099991' }, { numeroSne: '045261100099992' }, { numeroSne: '045261100099993' }],
    });
    v = await transition(v, { transition: 'decider', date: JOUR, decision: 'attribution' });
    v = await transition(v, { transition: 'signer_bail', date: JOUR, menage: { quartile1: false, prioritaire: true } });
    expect(v.etat).toBe('bail_signe');
    const ligne = v.ligne!;

    await new Promise((r) => setTimeout(r, 300)); // reads are cached ≤ 250 ms per instance (ADR 0010)
    const t = await lire(BAILLEUR);
    const apres = t.bailleurs[0]!;
    const mois = t.moisCourant! - 1;
    for (const l of apres.lignes) {
      const a = avant.lignes.find((x) => x.ligne === l.ligne)!;
      expect(l.points[mois]!.decomptes - a.points[mois]!.decomptes, l.ligne).toBe(l.ligne === ligne ? 1 : 0);
      expect(l.points[mois - 1]!.decomptes, l.ligne).toBe(a.points[mois - 1]!.decomptes);
    }
    // One more unit in the flow: Σ of the entitlements of the month rises by one.
    const somme = (b: TableauApi['bailleurs'][number]) => b.lignes.reduce((n, l) => n + l.points[mois]!.droit, 0);
    expect(somme(apres) - somme(avant)).toBeCloseTo(1, 6);
  });
});
