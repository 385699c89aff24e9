/**
 * The CALEOL's occupancy review through the API (issue 17 items 4–6, ADR 0044): the occupancy file
 * imported all or nothing (problems by line and column), the households to examine by case in the
 * zones of L.442-5-2 on their three-year anniversary, a session's avis, the follow-up, and an
 * accepted mutation that opens a letting outside the flow on the new unit and the notice of the
 * freed unit — closing the loop. Only the bailleur's officer reaches these routes.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { baux, evenementsAudit, locations, occupations, zonagesCommunes } from '../../src/db/schema.ts';
import type { AvisCaleolApi, ListeCaleolApi, SeanceCaleolApi } from '../../src/contracts/caleol.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';

interface Unite {
  id: string;
  rpls: string;
  commune: string;
  typologie: string;
}

describe('examen de l’occupation par la CALEOL (API, PGlite)', () => {
  let s: ServeurDeTest;
  let u: Unite[] = [];
  beforeAll(async () => {
    s = await serveurDeTest('pglite', { horloge: () => new Date('2026-11-20T10:00:00Z') });
    // Free T4 units of the demo bailleur outside QPV and outside the flow's exceptions, no letting under way.
    u = await lignes<Unite>(
      s.t.base.db,
      sql`select l.id, l.rpls, l.commune, l.typologie from logements l
          where l.bailleur_id = ${s.comptes[BAILLEUR]!.organisationId} and l.qpv is null and l.hors_flux is null
            and l.typologie = 'T4'
            and not exists (select 1 from locations x where x.logement_id = l.id and x.etat not in ('bail_signe', 'refus', 'sans_candidat'))
            and not exists (select 1 from occupations o where o.logement_id = l.id)
          order by l.rpls limit 4`,
    );
    expect(u).toHaveLength(4);
    // The demo's households: the page is not empty, the zones say they are fictitious.
    const demo = (await s.appel(BAILLEUR, 'GET', '/api/caleol')).json() as ListeCaleolApi;
    expect(demo.menages.length).toBeGreaterThan(5);
    expect(new Set(demo.menages.flatMap((m) => m.cas.map((c) => c.cas))).size).toBe(5);
    expect(demo.sourcesZones.join()).toContain('Liste fictive (démonstration)');
    // The demo's zones are fictitious (Orléans Métropole); this test puts its units' communes in, since 2019.
    await s.t.base.db
      .delete(zonagesCommunes)
      .where(and(eq(zonagesCommunes.zonage, 'zone_examen_occupation'), eq(zonagesCommunes.du, '2019-01-01')));
    await s.t.base.db.insert(zonagesCommunes).values(
      [...new Set(u.map((x) => x.commune))].map((commune) => ({
        commune,
        zonage: 'zone_examen_occupation',
        valeur: 'oui',
        du: '2019-01-01',
        source: 'Liste d’essai (test)',
      })),
    );
  }, 180_000);
  afterAll(() => s?.fermer());

  const televerser = (corps: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/occupation?nom=occupation.csv',
      payload: corps,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[BAILLEUR]!.csrf },
      cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
    });
  const ENTETE =
    'RPLS;NOM;DATE_BAIL;PERSONNES;RESSOURCES_ANNUELLES;PLAFOND_RESSOURCES;HANDICAP;LOGEMENT_ADAPTE;SURFACE';

  it('tout ou rien : une ligne fausse et rien n’est importé, chaque problème par ligne et colonne', async () => {
    const r = await televerser(
      [
        ENTETE,
        `${u[0]!.rpls};Dupont;15/03/2023;2;20000;30000;non;non;70`,
        `${u[1]!.rpls};;31/02/2020;0;;;peut-être;;`,
      ].join('\n'),
    );
    expect(r.statusCode, r.body).toBe(422);
    const msgs = (r.json() as { problemes: { chemin: string; message: string }[] }).problemes.map(
      (p) => `${p.chemin} : ${p.message}`,
    );
    expect(msgs).toEqual([
      'ligne 3, colonne DATE_BAIL : date « 31/02/2020 » invalide (JJ/MM/AAAA attendu)',
      'ligne 3, colonne PERSONNES : « 0 » : un nombre entier de personnes de 1 à 20 attendu',
      'ligne 3, colonne HANDICAP : « peut-être » : « oui » ou « non » attendu (vide si non renseigné)',
    ]);
    const n = await s.t.base.db.select().from(occupations).where(eq(occupations.logementId, u[0]!.id));
    expect(n).toHaveLength(0);
  });

  it('import valide, puis les ménages à examiner par cas à leur échéance triennale', async () => {
    const r = await televerser(
      [
        ENTETE,
        // Two persons in a T4: under-occupied (rooms > persons + 1). Lease 15/03/2023 → due 15/03/2026.
        `${u[0]!.rpls};Dupont;15/03/2023;2;20000;30000;non;non;70`,
        // Four persons in a T4, resources above the ceiling by one euro. Lease 01/12/2020 → due 01/12/2026.
        `${u[1]!.rpls};Martin;01/12/2020;4;30001;30000;non;non;80`,
        // Lease less than three years ago: not due.
        `${u[2]!.rpls};Durand;10/01/2025;1;;;;;`,
      ].join('\n'),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ lignes: 3, nouveaux: 3, modifies: 0 });
    const stocke = await s.t.base.db.select().from(occupations).where(eq(occupations.logementId, u[0]!.id));
    expect(JSON.stringify(stocke)).not.toContain('Dupont');

    const l = (await s.appel(BAILLEUR, 'GET', '/api/caleol?date=2026-11-20')).json() as ListeCaleolApi;
    const ici = l.menages.filter((m) => u.some((x) => x.rpls === m.rpls));
    expect(ici.map((m) => [m.rpls, m.echeance, m.echu, m.cas.map((c) => c.cas)])).toEqual([
      [u[0]!.rpls, '2026-03-15', true, ['sous_occupation']],
      // Within the 90 days' horizon: shown ahead of its anniversary.
      [u[1]!.rpls, '2026-12-01', false, ['depassement_plafond']],
    ]);
    expect(ici[0]!.cas[0]).toMatchObject({ texte: 'CCH L.442-5-2 2° et L.621-2' });
    expect(JSON.stringify(l)).not.toContain(u[0]!.id);
  });

  let avis: AvisCaleolApi;
  it('une séance rend son avis (journalisé) : le ménage sort de la liste', async () => {
    const seance = await s.appel(BAILLEUR, 'POST', '/api/caleol/seances', { date: '2026-11-20' });
    expect(seance.statusCode, seance.body).toBe(201);
    const id = (seance.json() as SeanceCaleolApi).id;
    const l = (await s.appel(BAILLEUR, 'GET', '/api/caleol?date=2026-11-20')).json() as ListeCaleolApi;
    const m = l.menages.find((x) => x.rpls === u[0]!.rpls)!;
    const sansCarac = await s.appel(BAILLEUR, 'POST', `/api/caleol/seances/${id}/avis`, {
      occupationId: m.occupationId,
      avis: 'proposition_mutation',
    });
    expect(sansCarac.statusCode).toBe(422);
    const r = await s.appel(BAILLEUR, 'POST', `/api/caleol/seances/${id}/avis`, {
      occupationId: m.occupationId,
      avis: 'proposition_mutation',
      caracteristiques: 'T2 d’au moins 40 m², même commune',
    });
    expect(r.statusCode, r.body).toBe(200);
    avis = r.json() as AvisCaleolApi;
    expect(avis).toMatchObject({ avis: 'proposition_mutation', suivi: 'en_attente', echeance: '2026-03-15' });
    const deux = await s.appel(BAILLEUR, 'POST', `/api/caleol/seances/${id}/avis`, {
      occupationId: m.occupationId,
      avis: 'maintien',
    });
    expect(deux.statusCode).toBe(409);
    // A household examined ahead of its anniversary (within the horizon) leaves the list too.
    const avance = l.menages.find((x) => x.rpls === u[1]!.rpls)!;
    const r2 = await s.appel(BAILLEUR, 'POST', `/api/caleol/seances/${id}/avis`, {
      occupationId: avance.occupationId,
      avis: 'maintien',
    });
    expect(r2.statusCode, r2.body).toBe(200);
    expect(r2.json()).toMatchObject({ echeance: '2026-12-01', suivi: null });
    const apres = (await s.appel(BAILLEUR, 'GET', '/api/caleol?date=2026-11-20')).json() as ListeCaleolApi;
    expect(apres.menages.map((x) => x.rpls)).not.toContain(u[0]!.rpls);
    expect(apres.menages.map((x) => x.rpls)).not.toContain(u[1]!.rpls);
    expect(apres.seances[0]!.avis.map((a) => a.rpls)).toContain(u[0]!.rpls);
    const audit = await s.t.base.db.select().from(evenementsAudit).where(eq(evenementsAudit.cibleId, avis.id));
    expect(audit.map((e) => e.action)).toEqual(['caleol.avis']);
  });

  it('la mutation acceptée ouvre la location hors flux sur le nouveau logement et le préavis du logement libéré', async () => {
    const p = await s.appel(BAILLEUR, 'POST', `/api/caleol/avis/${avis.id}/suivi`, {
      suivi: 'proposee',
      version: avis.version,
      logementPropose: u[3]!.rpls,
    });
    expect(p.statusCode, p.body).toBe(200);
    const propose = p.json() as AvisCaleolApi;
    expect(propose).toMatchObject({ suivi: 'proposee', rplsPropose: u[3]!.rpls });
    const trop = await s.appel(BAILLEUR, 'POST', `/api/caleol/avis/${avis.id}/suivi`, {
      suivi: 'acceptee',
      version: avis.version,
      date: '2026-11-20',
    });
    expect(trop.statusCode).toBe(409);
    const a = await s.appel(BAILLEUR, 'POST', `/api/caleol/avis/${avis.id}/suivi`, {
      suivi: 'acceptee',
      version: propose.version,
      date: '2026-11-20',
      dateLiberation: '2026-11-25',
    });
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ suivi: 'acceptee', mutationOuverte: true });
    const [nouvelle] = await s.t.base.db
      .select()
      .from(locations)
      .where(
        and(eq(locations.logementId, u[3]!.id), sql`${locations.etat} not in ('bail_signe','refus','sans_candidat')`),
      );
    expect(nouvelle).toMatchObject({
      etat: 'exclue',
      exclusion: 'mutation_interne',
      ligne: null,
      dateLiberation: '2026-11-20',
    });
    const [liberee] = await s.t.base.db
      .select()
      .from(locations)
      .where(
        and(eq(locations.logementId, u[0]!.id), sql`${locations.etat} not in ('bail_signe','refus','sans_candidat')`),
      );
    expect(liberee).toMatchObject({ exclusion: null, dateLiberation: '2026-11-25' });
    expect(liberee!.etat).not.toBe('exclue');
    // Closed: no further move.
    const encore = await s.appel(BAILLEUR, 'POST', `/api/caleol/avis/${avis.id}/suivi`, {
      suivi: 'refusee',
      version: (a.json() as AvisCaleolApi).version,
    });
    expect(encore.statusCode).toBe(422);
  });

  it('saisie d’un ménage sur un logement : mêmes contrôles, journalisée sans valeur', async () => {
    const faux = await s.appel(BAILLEUR, 'PUT', '/api/occupation', {
      rpls: u[2]!.rpls,
      dateBail: '2031-01-01',
      personnes: 0,
    });
    expect(faux.statusCode).toBe(422);
    expect(faux.body).toContain('DATE_BAIL');
    expect(faux.body).toContain('PERSONNES');
    const r = await s.appel(BAILLEUR, 'PUT', '/api/occupation', {
      rpls: u[2]!.rpls,
      dateBail: '2023-01-10',
      personnes: 1,
      ressources: 41_000,
      plafond: 24_000,
      handicap: false,
      logementAdapte: false,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ rpls: u[2]!.rpls, nouveau: false });
    expect((r.json() as { champs: string[] }).champs.sort()).toEqual(
      ['dateBail', 'handicap', 'logementAdapte', 'plafond', 'ressources'].sort(),
    );
    const l = (await s.appel(BAILLEUR, 'GET', '/api/caleol?date=2026-11-20')).json() as ListeCaleolApi;
    expect(l.menages.find((m) => m.rpls === u[2]!.rpls)?.cas.map((c) => c.cas)).toEqual([
      'sous_occupation',
      'depassement_plafond',
    ]);
    const audit = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'occupation.saisir'));
    expect(JSON.stringify(audit)).not.toContain('41000');
  });

  it('un ménage parti (bail postérieur signé) n’est plus lu ; l’import suivant l’efface, journalisé', async () => {
    const [l] = await lignes<{ departement: string }>(
      s.t.base.db,
      sql`select departement from logements where id = ${u[2]!.id}`,
    );
    // A later lease of the unit, written directly (its CAL and offer are not this test's subject).
    await s.t.base.db.insert(locations).values({
      id: 'caleol-test-depart',
      bailleurId: s.comptes[BAILLEUR]!.organisationId,
      logementId: u[2]!.id,
      departement: l!.departement,
      annee: 2026,
      dateLiberation: '2026-06-01',
      etat: 'bail_signe',
    });
    await s.t.base.db
      .insert(baux)
      .values({ id: 'caleol-test-bail', locationId: 'caleol-test-depart', dateSignature: '2026-07-01', menage: {} });
    const liste = (await s.appel(BAILLEUR, 'GET', '/api/caleol?date=2026-11-20')).json() as ListeCaleolApi;
    expect(liste.menages.map((m) => m.rpls)).not.toContain(u[2]!.rpls);
    const r = await televerser([ENTETE, `${u[3]!.rpls};;10/01/2025;2;;;;;`].join('\n'));
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as { purges: number }).purges).toBe(1);
    expect(await s.t.base.db.select().from(occupations).where(eq(occupations.logementId, u[2]!.id))).toEqual([]);
  });

  it('seul l’agent du bailleur y accède', async () => {
    for (const qui of ['reservataire@demo.flux', 'etat@demo.flux', 'epci@demo.flux'])
      expect((await s.appel(qui, 'GET', '/api/caleol')).statusCode).toBe(403);
  });
});
