/**
 * Lists as work queues (issue 12 items 2–3): pagination bounds, filters, search by RPLS number,
 * internal id or address, most urgent first, scoping (an organisation never sees another's rows
 * through a filter or a search), commune names, the unit search of the declaration form (which
 * also accepts an RPLS number), and the letting page with its French timeline.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import type { LocationApi } from '../../src/contracts/api.ts';
import type { DossierLocationApi, ElementBoiteListeApi } from '../../src/contracts/listes.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const RESERVATAIRES = [AL, 'commune@demo.flux', 'departement@demo.flux'];
const MAINTENANT = new Date('2026-11-22T09:00:00Z');
const AUJOURDHUI = '2026-11-22';

interface PageLocations {
  total: number;
  page: number;
  parPage: number;
  locations: LocationApi[];
}

describe.each(genresDeTest())('listes de travail (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s, 'desc');
  const page = async (email: string, requete: string): Promise<PageLocations> => {
    const r = await s.appel(email, 'GET', `/api/locations?${requete}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('pagine sur le serveur : 100 lignes au plus, un total, des bornes refusées en français', async () => {
    const p1 = await page(BAILLEUR, 'parPage=100');
    expect(p1.parPage).toBe(100);
    expect(p1.locations.length).toBe(Math.min(100, p1.total));
    expect(p1.total).toBeGreaterThan(100);
    const p2 = await page(BAILLEUR, 'parPage=100&page=2');
    expect(new Set([...p1.locations, ...p2.locations].map((l) => l.id)).size).toBe(
      p1.locations.length + p2.locations.length,
    );
    expect((await page(BAILLEUR, 'page=100000&parPage=10')).locations).toEqual([]);
    for (const mauvais of ['parPage=101', 'parPage=0', 'page=0', 'page=abc', 'echeance=demain', 'typologie=T9']) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/locations?${mauvais}`);
      expect(r.statusCode, mauvais).toBe(400);
    }
    const trop = (await s.appel(BAILLEUR, 'GET', '/api/locations?parPage=101')).json();
    expect(trop.message).toMatch(/parPage.*100/);
    // The former `taille` still works, capped at 100.
    expect((await page(BAILLEUR, 'taille=500')).locations.length).toBe(100);
    const l = await s.appel(BAILLEUR, 'GET', '/api/logements?parPage=101');
    expect(l.statusCode).toBe(400);
    const lp = (await s.appel(BAILLEUR, 'GET', '/api/logements?parPage=100')).json();
    expect(lp.logements.length).toBe(100);
  });

  it('trie les plus urgentes d’abord : les locations en cours avant les closes, l’échéance la plus proche en tête', async () => {
    const { locations } = await page(BAILLEUR, 'parPage=100');
    // A letting outside the flow waiting for its candidates is under way (ADR 0033).
    const fermees = new Set(['bail_signe', 'refus', 'sans_candidat']);
    const rangs = locations.map((l) => (fermees.has(l.etat) ? 1 : 0));
    expect(rangs).toEqual([...rangs].sort((a, b) => a - b));
    const orientees = locations.filter((l) => l.etat === 'orientee' && l.echeance !== null);
    const echeances = orientees.map((l) => l.echeance!);
    expect(echeances).toEqual([...echeances].sort());
    const recentes = (await page(BAILLEUR, 'tri=recentes&parPage=50')).locations.map((l) => l.dateLiberation);
    expect(recentes).toEqual([...recentes].sort().reverse());
  });

  it('filtre par état, échéance, commune, typologie, réservataire et bailleur', async () => {
    const orientees = await page(BAILLEUR, 'etat=orientee&parPage=100');
    expect(orientees.total).toBeGreaterThan(0);
    expect(orientees.locations.every((l) => l.etat === 'orientee')).toBe(true);

    const depassees = await page(BAILLEUR, 'echeance=depassee&parPage=100');
    for (const l of depassees.locations) {
      expect(l.etat).toBe('orientee');
      expect(l.echeance! < AUJOURDHUI).toBe(true);
    }
    const mois = await page(BAILLEUR, 'echeance=mois&parPage=100');
    for (const l of mois.locations) expect(l.echeance! >= AUJOURDHUI && l.echeance! <= '2026-12-22').toBe(true);

    const une = orientees.locations[0]!;
    const commune = await page(BAILLEUR, `commune=${une.commune}&typologie=${une.typologie}&parPage=100`);
    expect(commune.total).toBeGreaterThan(0);
    expect(commune.locations.every((l) => l.commune === une.commune && l.typologie === une.typologie)).toBe(true);
    expect(commune.locations[0]!.nomCommune).not.toBe(une.commune);
    expect(commune.locations[0]!.nomCommune).not.toMatch(/^\d/);

    const al = await page(BAILLEUR, `reservataire=${ORG.actionLogement}&parPage=100`);
    expect(al.total).toBeGreaterThan(0);
    for (const l of al.locations)
      expect(l.reservataireId === ORG.actionLogement || (l.pool ?? []).includes(ORG.actionLogement)).toBe(true);

    const etat = await page(ETAT, 'bailleur=VLL&parPage=100');
    expect(etat.total).toBeGreaterThan(0);
    expect(new Set(etat.locations.map((l) => l.bailleurId))).toEqual(new Set(['VLL']));
  });

  it('cherche un logement par numéro RPLS, identifiant interne ou adresse', async () => {
    // The demo's units have no address (the RPLS import brings them): one is given one here.
    const premiere = (await page(BAILLEUR, 'parPage=1')).locations[0]!;
    await s.t.base.db.execute(
      sql`update logements set adresse = '12 rue des Carmes_Test 45000 Orléans' where id = ${premiere.logementId}`,
    );
    const l = (await page(BAILLEUR, `q=${encodeURIComponent(premiere.logementId)}`)).locations.find(
      (x) => x.id === premiere.id,
    )!;
    expect(l.adresse).toBe('12 rue des Carmes_Test 45000 Orléans');
    for (const q of [l.rpls, l.logementId, l.logementId.toLowerCase(), l.id]) {
      const r = await page(BAILLEUR, `q=${encodeURIComponent(q)}`);
      expect(
        r.locations.map((x) => x.id),
        q,
      ).toContain(l.id);
    }
    const parAdresse = await page(BAILLEUR, `q=${encodeURIComponent('RUE DES carmes_test')}&parPage=100`);
    expect(parAdresse.locations.map((x) => x.id)).toEqual([l.id]);
    // `%` and `_` are literal, not wildcards.
    expect((await page(BAILLEUR, 'q=%25')).total).toBe(0);
    expect((await page(BAILLEUR, `q=${encodeURIComponent('carmes%test')}`)).total).toBe(0);
    const logements = (await s.appel(BAILLEUR, 'GET', `/api/logements?q=${encodeURIComponent(l.rpls)}`)).json();
    expect(logements.logements.map((x: { id: string }) => x.id)).toEqual([l.logementId]);
    expect(logements.logements[0].nomCommune).toBe(l.nomCommune);
  });

  it('un filtre ou une recherche ne montre jamais les lignes d’une autre organisation', async () => {
    const autre = (await page(BAILLEUR2, 'parPage=1')).locations[0]!;
    expect(
      (await page(BAILLEUR, `q=${encodeURIComponent(autre.rpls)}`)).locations.map((l) => l.bailleurId),
    ).not.toContain(autre.bailleurId);
    expect((await page(BAILLEUR, `q=${autre.id}`)).total).toBe(0);
    expect((await page(BAILLEUR, `bailleur=${autre.bailleurId}`)).total).toBe(0);
    expect(
      (await s.appel(BAILLEUR, 'GET', `/api/logements/recherche?q=${encodeURIComponent(autre.logementId)}`)).json()
        .logements,
    ).toEqual([]);
    expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${autre.id}/dossier`)).statusCode).toBe(404);
    // A réservataire: only what is oriented to it, whatever it asks for.
    const al = await page(AL, 'bailleur=HLD&parPage=100');
    for (const l of al.locations)
      expect(l.reservataireId === ORG.actionLogement || (l.pool ?? []).includes(ORG.actionLogement)).toBe(true);
    const autreReservataire = await page(AL, `reservataire=${ORG.etat}&parPage=100`);
    for (const l of autreReservataire.locations) expect((l.pool ?? []).includes(ORG.actionLogement)).toBe(true);
    expect((await s.appel(AL, 'GET', '/api/logements/recherche?q=HLD')).statusCode).toBe(403);
    // The EPCI reader: its territory's units only.
    const epci = (await s.appel(EPCI, 'GET', '/api/logements/recherche?q=HLD')).json().logements as { id: string }[];
    if (epci.length > 0) {
      const hors = await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from logements where epci is distinct from (select epci from logements where id = ${epci[0]!.id}) and id in (${sql.join(
          epci.map((l) => sql`${l.id}`),
          sql`, `,
        )})`,
      );
      expect(hors[0]!.n).toBe(0);
    }
  });

  it('la boîte de réception est paginée, filtrée, les délais les plus proches d’abord', async () => {
    const r = await s.appel(AL, 'GET', '/api/boite?parPage=100');
    expect(r.statusCode, r.body).toBe(200);
    const b = r.json() as { total: number; parPage: number; aProposer: number; elements: ElementBoiteListeApi[] };
    expect(b.total).toBeGreaterThan(0);
    expect(b.elements.length).toBe(Math.min(100, b.total));
    // « N logements, dont M où proposer »: M counts among the N listed.
    expect(b.aProposer).toBeLessThanOrEqual(b.total);
    // Proposals still possible come first, soonest deadline first.
    const possibles = b.elements.filter(
      (e) => e.etat === 'orientee' && e.joursRestants !== null && e.joursRestants >= 0,
    );
    expect(b.elements.slice(0, possibles.length)).toEqual(possibles);
    const jours = possibles.map((e) => e.joursRestants!);
    expect(jours).toEqual([...jours].sort((a, c) => a - c));
    for (const e of b.elements) {
      expect(e.logement.rpls).not.toBe('');
      expect(e.logement.nomCommune).not.toMatch(/^\d/);
    }
    expect((await s.appel(AL, 'GET', '/api/boite?parPage=101')).statusCode).toBe(400);
    const p1 = (await s.appel(AL, 'GET', '/api/boite?parPage=2')).json();
    expect(p1.elements.length).toBe(Math.min(2, b.total));
    expect(p1.total).toBe(b.total);
    const e = b.elements[0]!;
    const q = (await s.appel(AL, 'GET', `/api/boite?q=${encodeURIComponent(e.logement.rpls)}`)).json();
    expect(q.elements.map((x: ElementBoiteListeApi) => x.locationId)).toContain(e.locationId);
    const semaine = (await s.appel(AL, 'GET', '/api/boite?echeance=semaine&parPage=100')).json();
    for (const x of semaine.elements as ElementBoiteListeApi[]) {
      expect(x.etat).toBe('orientee');
      expect(x.joursRestants! >= 0 && x.joursRestants! <= 7).toBe(true);
    }
    const hld = (await s.appel(AL, 'GET', '/api/boite?bailleur=HLD&parPage=100')).json();
    expect((hld.elements as ElementBoiteListeApi[]).every((x) => x.bailleur.id === 'HLD')).toBe(true);
  });

  it('le registre des conventions est paginé, filtré, les plus urgentes d’abord', async () => {
    type Registre = {
      total: number;
      parPage: number;
      conventions: {
        id: string;
        reservataire: { id: string; nom: string };
        bailleur: { id: string };
        forme: { statut: string };
      }[];
    };
    const lire = async (email: string, q: string) => {
      const r = await s.appel(email, 'GET', `/api/conventions/registre?${q}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as Registre;
    };
    const tout = await lire(ETAT, 'parPage=100');
    expect(tout.total).toBe(tout.conventions.length);
    const rangs = tout.conventions.map((c) => ({ caduque: 0, a_convertir: 1, flux: 2 })[c.forme.statut as 'flux']);
    expect(rangs).toEqual([...rangs].sort((a, b) => a - b));
    const deux = await lire(ETAT, 'parPage=2&page=2');
    expect(deux.conventions.map((c) => c.id)).toEqual(tout.conventions.slice(2, 4).map((c) => c.id));
    const al = await lire(ETAT, `reservataire=${ORG.actionLogement}`);
    expect(al.total).toBeGreaterThan(0);
    expect(al.conventions.every((c) => c.reservataire.id === ORG.actionLogement)).toBe(true);
    const nom = al.conventions[0]!.reservataire.nom;
    expect(
      (await lire(ETAT, `q=${encodeURIComponent(nom.slice(0, 6).toUpperCase())}`)).conventions.map((c) => c.id),
    ).toEqual(expect.arrayContaining(al.conventions.map((c) => c.id)));
    // A bailleur's filter never reaches another's conventions.
    expect((await lire(BAILLEUR, 'bailleur=VLL')).total).toBe(0);
    expect((await s.appel(ETAT, 'GET', '/api/conventions/registre?parPage=101')).statusCode).toBe(400);
    expect((await s.appel(ETAT, 'GET', '/api/conventions/registre?statut=autre')).statusCode).toBe(400);
  });

  it('les communes se cherchent par leur nom, sans accents ni tirets, ou par leur code INSEE', async () => {
    const noms = async (q: string) =>
      (
        (await s.appel(BAILLEUR, 'GET', `/api/communes/recherche?q=${encodeURIComponent(q)}`)).json() as {
          communes: { code: string; nom: string }[];
        }
      ).communes;
    expect((await noms('orleans'))[0]).toEqual({ code: '45234', nom: 'Orléans' });
    expect((await noms('45234'))[0]).toEqual({ code: '45234', nom: 'Orléans' });
    expect((await noms('saint jean de braye')).map((c) => c.nom)).toContain('Saint-Jean-de-Braye');
    expect((await noms('%')).length).toBe(0);
    expect((await noms('orl')).length).toBeLessThanOrEqual(10);
  });

  it('la déclaration accepte le numéro RPLS, proposé par l’autocomplétion', async () => {
    const id = await logementLibre();
    const [ligne] = await lignes<{ rpls: string }>(s.t.base.db, sql`select rpls from logements where id = ${id}`);
    const rpls = ligne!.rpls;
    const r = await s.appel(BAILLEUR, 'GET', `/api/logements/recherche?q=${encodeURIComponent(rpls)}`);
    expect(r.statusCode, r.body).toBe(200);
    const [premier] = r.json().logements;
    expect(premier).toMatchObject({ id, rpls, locationEnCours: false });
    expect(premier.nomCommune).not.toMatch(/^\d/);
    expect((await s.appel(BAILLEUR, 'GET', '/api/logements/recherche?q=')).statusCode).toBe(400);
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: rpls, date: AUJOURDHUI });
    expect(d.statusCode, d.body).toBe(201);
    expect(d.json()).toMatchObject({ logementId: id, rpls });
    const encore = (await s.appel(BAILLEUR, 'GET', `/api/logements/recherche?q=${encodeURIComponent(id)}`)).json();
    expect(encore.logements[0]).toMatchObject({ id, locationEnCours: true });
    const inconnu = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: 'ZZZ-INCONNU', date: AUJOURDHUI });
    expect(inconnu.statusCode).toBe(404);
    expect(inconnu.json().message).toContain('ni identifiant interne, ni numéro RPLS');
  });

  it('la page d’une location raconte son histoire en français : qui, quand, pourquoi', async () => {
    const id = await logementLibre();
    const d = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: id, date: AUJOURDHUI })).json();
    const rec = (await s.appel(BAILLEUR, 'GET', `/api/locations/${d.id}/recommandation`)).json();
    const autre = rec.candidats.find(
      (c: { recommande: boolean; ligne: string }) => !c.recommande && c.ligne !== 'BAILLEUR',
    );
    const o = await s.appel(BAILLEUR, 'POST', `/api/locations/${d.id}/orientation`, {
      decision: 'forcer',
      version: rec.version,
      reservataire: autre.ligne,
      motif: 'Ménage prioritaire du quartier',
    });
    expect(o.statusCode, o.body).toBe(200);
    const r = await s.appel(BAILLEUR, 'GET', `/api/locations/${d.id}/dossier`);
    expect(r.statusCode, r.body).toBe(200);
    const dossier = r.json() as DossierLocationApi;
    expect(dossier.logement).toMatchObject({ id });
    expect(dossier.logement.nomCommune).not.toMatch(/^\d/);
    expect(dossier.orientation).toBe(autre.nom);
    expect(dossier.delai?.echeance).not.toBeNull();
    const quoi = dossier.chronologie.map((f) => f.quoi);
    expect(quoi[0]).toBe('Libération du logement');
    expect(quoi).toContain('Orientation décidée par le bailleur');
    const force = dossier.chronologie.find((f) => f.quoi === 'Orientation décidée par le bailleur')!;
    expect(force.qui).toMatch(/\(.+\)$/);
    expect(force.pourquoi).toBe('Ménage prioritaire du quartier');
    expect(force.enregistreLe).not.toBeNull();
    const texte = JSON.stringify(dossier.chronologie);
    expect(texte).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(texte).not.toMatch(/(?:vacance|location)\.|cal\.|orientation_forcee/);
    expect(dossier.actions).toMatchObject({ recommandation: true, decider: false, pieces: true });

    // The réservataire it went to reads the same page, and may propose.
    const titulaire = RESERVATAIRES.find((e) => s.comptes[e]!.organisationId === autre.ligne);
    if (titulaire) {
      const vu = (await s.appel(titulaire, 'GET', `/api/locations/${d.id}/dossier`)).json() as DossierLocationApi;
      expect(vu.actions.recommandation).toBe(false);
      expect(vu.chronologie.length).toBeGreaterThan(0);
    }
    // Another réservataire does not see it.
    const etranger = RESERVATAIRES.find((e) => s.comptes[e]!.organisationId !== autre.ligne)!;
    expect((await s.appel(etranger, 'GET', `/api/locations/${d.id}/dossier`)).statusCode).toBe(404);
  });
});
