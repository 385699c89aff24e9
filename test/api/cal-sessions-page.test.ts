/**
 * The CAL sessions list as a work queue (issue 12 item 2): server pagination (100 rows at most, a
 * total, bounds refused in French), the state filter (à venir / tenue / annulée) and the period
 * filter, the sessions to come soonest first then past ones latest first, and scoping (a bailleur
 * sees only its own sessions, the State pilot those of its département).
 */
import { describe, expect, it } from 'vitest';
import type { PageSessionsCalApi } from '../../src/contracts/cal.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const ETAT = 'etat@demo.flux';
const AL = 'reservataire@demo.flux';
const MAINTENANT = new Date('2026-11-22T09:00:00Z');
const AUJOURDHUI = '2026-11-22';

describe.each(genresDeTest())('liste paginée des séances de CAL (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const page = async (email: string, requete: string): Promise<PageSessionsCalApi> => {
    const r = await s.appel(email, 'GET', `/api/cal/sessions?${requete}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const creer = async (email: string, date: string, departement = '45'): Promise<string> => {
    const r = await s.appel(email, 'POST', '/api/cal/sessions', { date, departement, lieu: `Salle ${date}` });
    expect(r.statusCode, r.body).toBe(201);
    return (r.json() as { id: string }).id;
  };
  const ids: Record<string, string> = {};

  it('prépare des séances à venir, passées, annulées, chez deux bailleurs et hors du département', async () => {
    ids.f1 = await creer(BAILLEUR, '2090-01-10');
    ids.f2 = await creer(BAILLEUR, '2090-01-05');
    ids.f3 = await creer(BAILLEUR, '2090-02-01');
    ids.aujourdhui = await creer(BAILLEUR, AUJOURDHUI);
    ids.p1 = await creer(BAILLEUR, '2001-03-01');
    ids.p2 = await creer(BAILLEUR, '2001-04-01');
    ids.autre = await creer(BAILLEUR2, '2090-01-07');
    ids.horsDepartement = await creer(BAILLEUR, '2090-01-08', '18');
    const a = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${ids.f3}/annulation`, {
      motif: 'Quorum non atteint',
    });
    expect(a.statusCode, a.body).toBe(200);
  });

  it('trie les séances à venir les plus proches d’abord, puis les passées les plus récentes', async () => {
    const p = await page(BAILLEUR, 'parPage=100');
    expect(p.aujourdhui).toBe(AUJOURDHUI);
    expect(p.total).toBeLessThanOrEqual(100);
    const rangs = p.sessions.map((x) => (x.annulation === null && x.date >= AUJOURDHUI ? 0 : 1));
    expect(rangs).toEqual([...rangs].sort((a, b) => a - b));
    const aVenir = p.sessions.filter((_, i) => rangs[i] === 0).map((x) => x.date);
    const autres = p.sessions.filter((_, i) => rangs[i] === 1).map((x) => x.date);
    expect(aVenir).toEqual([...aVenir].sort());
    expect(autres).toEqual([...autres].sort().reverse());
    // Today's session is still to come: it heads the list.
    expect(p.sessions[0]!.id).toBe(ids.aujourdhui);
    const ordre = p.sessions.map((x) => x.id).filter((id) => Object.values(ids).includes(id));
    expect(ordre).toEqual([ids.aujourdhui, ids.f2, ids.horsDepartement, ids.f1, ids.f3, ids.p2, ids.p1]);
  });

  it('filtre par état et par période', async () => {
    const futur = 'du=2090-01-01&au=2090-12-31';
    expect((await page(BAILLEUR, `etat=a_venir&${futur}`)).sessions.map((x) => x.id)).toEqual([
      ids.f2,
      ids.horsDepartement,
      ids.f1,
    ]);
    expect((await page(BAILLEUR, `etat=annulee&${futur}`)).sessions.map((x) => x.id)).toEqual([ids.f3]);
    expect((await page(BAILLEUR, 'etat=tenue&au=2001-12-31')).sessions.map((x) => x.id)).toEqual([ids.p2, ids.p1]);
    expect((await page(BAILLEUR, 'etat=tenue&du=2001-03-15&au=2001-12-31')).sessions.map((x) => x.id)).toEqual([
      ids.p2,
    ]);
    expect((await page(BAILLEUR, `etat=a_venir&du=${AUJOURDHUI}&au=${AUJOURDHUI}`)).sessions.map((x) => x.id)).toEqual([
      ids.aujourdhui,
    ]);
    const tenues = await page(BAILLEUR, 'etat=tenue&parPage=100');
    expect(tenues.sessions.every((x) => x.annulation === null && x.date < AUJOURDHUI)).toBe(true);
  });

  it('pagine sur le serveur avec le total ; les bornes sont refusées en français', async () => {
    const q = 'du=2090-01-01&au=2090-12-31';
    const p1 = await page(BAILLEUR, `${q}&parPage=2`);
    expect(p1).toMatchObject({ total: 4, page: 1, parPage: 2 });
    expect(p1.sessions.map((x) => x.id)).toEqual([ids.f2, ids.horsDepartement]);
    const p2 = await page(BAILLEUR, `${q}&parPage=2&page=2`);
    expect(p2.sessions.map((x) => x.id)).toEqual([ids.f1, ids.f3]);
    expect((await page(BAILLEUR, `${q}&parPage=2&page=3`)).sessions).toEqual([]);
    expect((await page(BAILLEUR, '')).parPage).toBe(50);
    expect((await page(BAILLEUR, 'parPage=100')).parPage).toBe(100);
    for (const mauvais of ['parPage=101', 'parPage=0', 'page=0', 'page=abc', 'etat=demain', 'du=2026-02-30', 'x=1']) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/cal/sessions?${mauvais}`);
      expect(r.statusCode, mauvais).toBe(400);
    }
    const trop = (await s.appel(BAILLEUR, 'GET', '/api/cal/sessions?parPage=101')).json();
    expect(trop.message).toMatch(/parPage.*100/);
    const inverse = await s.appel(BAILLEUR, 'GET', '/api/cal/sessions?du=2090-02-01&au=2090-01-01');
    expect(inverse.statusCode).toBe(400);
    expect(inverse.json().message).toContain('la date de fin précède la date de début');
  });

  it('un bailleur ne voit que ses séances, le pilote de l’État celles de son département', async () => {
    const q = 'du=2090-01-01&au=2090-12-31&parPage=100';
    expect((await page(BAILLEUR2, q)).sessions.map((x) => x.id)).toEqual([ids.autre]);
    const etat = await page(ETAT, q);
    expect(etat.sessions.map((x) => x.id)).toEqual([ids.f2, ids.autre, ids.f1, ids.f3]);
    expect(etat.sessions.every((x) => x.departement === '45')).toBe(true);
    expect(etat.sessions.find((x) => x.id === ids.autre)!.bailleur).not.toBe(
      etat.sessions.find((x) => x.id === ids.f1)!.bailleur,
    );
    expect((await s.appel(AL, 'GET', '/api/cal/sessions')).statusCode).toBe(403);
  });
});
