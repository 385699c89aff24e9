/**
 * Reads under writes (issue 15 item 6, ADR 0023): a write for one bailleur drops the cached answers
 * that depend on it (its own, its réservataires', the State pilot's of its département) and keeps
 * the others; the written year is resumed from the month of the new event, not replayed from
 * January, and its ledger is still the full replay's — on PGlite and on PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargerScenario, resultatAnnee, statistiquesAnnees } from '../../src/app/annee.ts';
import { lireBoite } from '../../src/app/boite.ts';
import { statistiquesCache } from '../../src/app/memo.ts';
import { lignes } from '../../src/db/client.ts';
import { simuler } from '../../src/domain/engine.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeTest, type ServeurDeTest } from './harness.ts';

const HLD = 'bailleur@demo.flux';
const VLL = 'bailleur2@demo.flux';

describe.each(genresDeTest())('cache par portée (%s)', (genre) => {
  let s: ServeurDeTest;
  // Resuming is on by default (ADR 0023); set here so that an operator's FLUX_REPRISE=0 in the
  // environment does not hide these cases.
  const avant = process.env['FLUX_REPRISE'];
  beforeAll(async () => {
    process.env['FLUX_REPRISE'] = '1';
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(async () => {
    if (avant === undefined) delete process.env['FLUX_REPRISE'];
    else process.env['FLUX_REPRISE'] = avant;
    await s?.fermer();
  });

  const lire = async (email: string, url: string) => {
    const r = await s.appel(email, 'GET', url);
    expect(r.statusCode, r.body).toBe(200);
    return r.body;
  };

  it('une écriture d’un bailleur garde les réponses des autres et rafraîchit les siennes', async () => {
    const db = s.t.base.db;
    const [libre] = await lignes<{ id: string; departement: string }>(
      db,
      sql`select id, departement from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1`,
    );
    const lectures: [string, string][] = [
      [VLL, '/api/accueil?annee=2026'],
      [VLL, '/api/locations'],
      [HLD, '/api/accueil?annee=2026'],
      [HLD, '/api/locations?taille=500'],
      ['reservataire@demo.flux', '/api/boite'],
      ['etat@demo.flux', '/api/conventions?annee=2026'],
    ];
    const avant = [];
    for (const [email, url] of lectures) avant.push(await lire(email, url));
    // The year is in memory and confirmed by a plain read: the write below resumes it.
    await resultatAnnee(db, { bailleurId: 'HLD', departement: libre!.departement, annee: 2026 });

    const annees = { ...statistiquesAnnees };
    const r = await s.appel(HLD, 'POST', '/api/locations', { logementId: libre!.id, date: '2026-11-19' });
    expect(r.statusCode, r.body).toBe(201);
    expect(statistiquesAnnees.reprises).toBe(annees.reprises + 1);
    expect(statistiquesAnnees.rejeuxComplets).toBe(annees.rejeuxComplets);

    // The other bailleur's answers are carried over, unchanged and not recomputed.
    const cache = { ...statistiquesCache };
    expect(await lire(VLL, '/api/accueil?annee=2026')).toBe(avant[0]);
    expect(await lire(VLL, '/api/locations')).toBe(avant[1]);
    expect(statistiquesCache.calcules).toBe(cache.calcules);
    expect(statistiquesCache.reportes).toBeGreaterThanOrEqual(cache.reportes + 2);

    // The writer's own answers, and the State pilot's of its département, are recomputed.
    expect(await lire(HLD, '/api/locations?taille=500')).toContain(libre!.id);
    expect(await lire(HLD, '/api/accueil?annee=2026')).not.toBe(avant[2]);
    await lire('etat@demo.flux', '/api/conventions?annee=2026');
    expect(statistiquesCache.calcules).toBeGreaterThanOrEqual(cache.calcules + 3);

    // The resumed year is the full replay of the stored events, byte for byte.
    const cle = { bailleurId: 'HLD', departement: libre!.departement, annee: 2026 };
    const { resultat } = await resultatAnnee(db, cle);
    expect(JSON.stringify(resultat)).toBe(JSON.stringify(simuler(await chargerScenario(db, cle), { detail: true })));
  });

  it('un événement validé entre le comptage et la lecture n’est jamais rejoué deux fois (ADR 0023)', async () => {
    const db = s.t.base.db;
    const libres = await lignes<{ id: string; departement: string }>(
      db,
      sql`select id, departement from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) and not exists (select 1 from evenements_flux e where e.evenement ->> 'logement' = l.id) order by id desc limit 2`,
    );
    const cle = { bailleurId: 'HLD', departement: libres[0]!.departement, annee: 2026 };
    const liberer = (id: string) =>
      db.execute(
        sql`insert into evenements_flux (bailleur_id, departement, annee, evenement) values ('HLD', ${cle.departement}, 2026, ${JSON.stringify({ date: '2026-11-20', type: 'liberation', logement: id })}::jsonb)`,
      );
    await resultatAnnee(db, cle);
    await liberer(libres[0]!.id);
    // The second notice commits after the version was counted, before the year is loaded (what
    // READ COMMITTED allows between two statements): the year held must say it holds it.
    await resultatAnnee(db, cle, { apresComptage: () => liberer(libres[1]!.id).then(() => undefined) });
    const { resultat } = await resultatAnnee(db, cle);
    const nouvelles = resultat.orientations.filter((o) => o.logement === libres[0]!.id || o.logement === libres[1]!.id);
    expect(nouvelles).toHaveLength(2);
    expect(JSON.stringify(resultat.bilan)).toBe(JSON.stringify(simuler(await chargerScenario(db, cle)).bilan));
  });

  it('la boîte de réception est en cache et suit les écritures de sa portée', async () => {
    const cache = { ...statistiquesCache };
    const b1 = await lire('reservataire@demo.flux', '/api/boite');
    const b2 = await lire('reservataire@demo.flux', '/api/boite');
    expect(b2).toBe(b1);
    expect(statistiquesCache.trouves).toBeGreaterThan(cache.trouves);
    const boite = JSON.parse(b1) as {
      elements: { locationId: string; version: number; etat: string; bailleur: { id: string } }[];
    };
    const element = boite.elements.find((e) => e.etat === 'orientee');
    if (!element) throw new Error('aucun logement orienté dans la boîte de démonstration');
    // A letting of the inbox moves on: the inbox shows it at once.
    const agent = { HLD: HLD, VLL: VLL, GBH: 'bailleur3@demo.flux' }[element.bailleur.id as 'HLD'];
    const r = await s.appel(agent, 'POST', `/api/locations/${element.locationId}/transitions`, {
      transition: 'constater_sans_candidat',
      etatAttendu: 'orientee',
      version: element.version,
      date: '2026-11-20',
    });
    expect(r.statusCode, r.body).toBe(200);
    const apres = JSON.parse(await lire('reservataire@demo.flux', '/api/boite')) as typeof boite;
    expect(apres.elements.map((e) => e.locationId)).not.toContain(element.locationId);
  });

  it('une déclaration dans le flux garde les boîtes en cache ; hors du flux, elle entre dans celle du bailleur', async () => {
    const libre = logementsLibres(s);
    const boites: [string, string][] = [
      [HLD, '/api/boite'],
      ['reservataire@demo.flux', '/api/boite'],
      ['etat@demo.flux', '/api/boite'],
    ];
    const avant: string[] = [];
    for (const [email, url] of boites) avant.push(await lire(email, url));

    // In the flow: the new letting waits for the bailleur's decision, in no inbox.
    const dansLeFlux = await libre();
    const r = await s.appel(HLD, 'POST', '/api/locations', { logementId: dansLeFlux, date: '2026-11-21' });
    expect(r.statusCode, r.body).toBe(201);
    expect((JSON.parse(r.body) as { etat: string }).etat).not.toBe('exclue');
    const cache = { ...statistiquesCache };
    for (const [i, [email, url]] of boites.entries()) expect(await lire(email, url)).toBe(avant[i]);
    expect(statistiquesCache.calcules).toBe(cache.calcules);
    // What the cache kept is what a recomputation gives.
    const [compte] = await lignes<{ id: string }>(s.t.base.db, sql`select id from utilisateurs where email = ${HLD}`);
    const bailleur = { utilisateurId: compte!.id, organisationId: 'HLD', role: 'agent_bailleur' as const };
    const jour = (JSON.parse(avant[0]!) as { aujourdhui: string }).aujourdhui;
    const frais = await lireBoite(s.t.base.db, { ...bailleur, departement: null, epci: null }, jour);
    expect(frais.elements.map((e) => e.locationId)).not.toContain(JSON.parse(r.body).id);
    expect(frais.elements.length).toBe((JSON.parse(avant[0]!) as { total: number }).total);
    // The lettings list, which shows it, is recomputed.
    expect(await lire(HLD, `/api/locations?q=${dansLeFlux}`)).toContain(dansLeFlux);

    // Outside the flow: the bailleur designates its candidates, the letting enters its inbox.
    const horsFlux = await libre();
    const e = await s.appel(HLD, 'POST', '/api/locations', {
      logementId: horsFlux,
      date: '2026-11-21',
      exclusion: 'mutation_interne',
    });
    expect(e.statusCode, e.body).toBe(201);
    const id = (JSON.parse(e.body) as { id: string }).id;
    const apres = JSON.parse(await lire(HLD, `/api/boite?q=${horsFlux}`)) as { elements: { locationId: string }[] };
    expect(apres.elements.map((x) => x.locationId)).toContain(id);
  });
});
