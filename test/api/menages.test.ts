/**
 * Households and the first quartile through the API (issue 13, ADR 0034): the thresholds imported
 * all or nothing with `fichier:ligne:colonne` errors; the quartile computed at the CAL decision from
 * the resources per consumption unit, strictly below the EPCI's threshold (CCH L.441-1: « inférieur
 * à un montant »; UC scale: 1 + 0.5 per other person of 14 or more + 0.3 per child under 14); a
 * declared quartile as an override with its motif, counted apart by the year's engine; and who
 * reads a household (docs/rgpd.md): the bailleur and the proposer, not the State pilot otherwise.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultatAnnee } from '../../src/app/annee.ts';
import type { SessionCalApi, SessionCalDetailApi } from '../../src/contracts/cal.ts';
import type { SeuilsAnneeApi } from '../../src/contracts/quartiles.ts';
import { candidatures, evenementsAudit } from '../../src/db/schema.ts';
import { epciDeCommune } from '../../src/import/cog.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const AL = 'ACTION-LOGEMENT';
const CLE = { bailleurId: 'HLD', departement: '45', annee: 2026 };

describe.each(genresDeTest())('ménages et premier quartile par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  const importer = (email: string, corps: string, annee = 2026) =>
    s.app.inject({
      method: 'POST',
      url: `/api/quartiles?annee=${annee}&nom=q.csv`,
      payload: corps,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[email]!.csrf },
      cookies: { flux_session: s.comptes[email]!.cookie },
    });
  const seuils = async (email: string, annee = 2026) =>
    (await s.appel(email, 'GET', `/api/quartiles?annee=${annee}`)).json() as SeuilsAnneeApi;

  let logement: { id: string; commune: string };
  let epci: string;
  let laLocation: string;

  it('la démonstration charge les seuils de l’arrêté pour le Loiret, des seuils fictifs ailleurs, dits tels', async () => {
    const d = await seuils(EPCI);
    expect(d.seuils.length).toBeGreaterThan(0);
    const officiels = new Set(['244500468', '244500203', '244500211', '200066280', '200070100']);
    const orleans = d.seuils.find((x) => x.epci === '244500468');
    expect(orleans).toMatchObject({ montant: 10_289, montantPrecedent: 10_347 });
    expect(orleans?.source).toContain('Arrêté du 23 avril 2026');
    for (const x of d.seuils)
      if (officiels.has(x.epci)) expect(x.source).toContain('Arrêté');
      else expect(x.source).toContain('fictifs (démonstration)');
    expect(d.peutImporter).toBe(false);
    expect((await seuils(ETAT)).peutImporter).toBe(true);
  });

  it('import des seuils : tout ou rien, chaque problème nommé ligne:colonne', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/logements?page=1&taille=200');
    const ls = (
      r.json() as { logements: { id: string; commune: string; qpv: string | null; horsFlux: string | null }[] }
    ).logements;
    logement = ls.find((l) => l.qpv === null && l.horsFlux === null && epciDeCommune(l.commune) !== null)!;
    epci = epciDeCommune(logement.commune)!;
    const avant = await seuils(ETAT);
    const mauvais = await importer(ETAT, `SIREN;MONTANT\n${epci};10000\n12345;9000\n200070100;9 5OO\n${epci};8000\n`);
    expect(mauvais.statusCode, mauvais.body).toBe(422);
    const chemins = (mauvais.json() as { problemes: { chemin: string; message: string }[] }).problemes;
    expect(chemins).toEqual([
      { chemin: 'q.csv:3:1', message: expect.stringContaining('SIREN « 12345 » invalide') },
      { chemin: 'q.csv:4:2', message: expect.stringContaining('montant « 9 5OO » invalide') },
      { chemin: 'q.csv:5:1', message: expect.stringContaining('figure déjà ligne 2') },
    ]);
    // Nothing was written: the year's thresholds are those of before.
    expect(await seuils(ETAT)).toEqual(avant);
    // The EPCI reader may not import.
    expect((await importer(EPCI, `${epci};10000\n`)).statusCode).toBe(403);
  });

  it('un fichier juste remplace les seuils de l’année, avec qui et quand', async () => {
    const r = await importer(ETAT, `${epci};10 000 €\n`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ annee: 2026, epci: 1, fichier: 'q.csv' });
    const d = await seuils(EPCI);
    expect(d.seuils).toEqual([
      expect.objectContaining({
        epci,
        montant: 10_000,
        importePar: 'Pilote DDETS du Loiret (démo)',
        source: expect.stringContaining('premier quartile'),
      }),
    ]);
    const audit = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'quartiles.importer'));
    expect(audit).toHaveLength(1);
  });

  async function transition(id: string, corps: Record<string, unknown>, date = '2026-11-22') {
    const loc = (await s.appel(BAILLEUR, 'GET', `/api/locations/${id}`)).json() as { etat: string; version: number };
    return s.appel(BAILLEUR, 'POST', `/api/locations/${id}/transitions`, {
      etatAttendu: loc.etat,
      version: loc.version,
      date,
      ...corps,
    });
  }

  // 3 persons of which 1 child under 14: 1 + 0.5 + 0.3 = 1.8 UC; 18,000 € / 1.8 = exactly the threshold.
  const menage = (n: number, ressources: number, plus: Record<string, unknown> = {}) => ({
    numeroSne: `045${String(n).padStart(11, '0')}`,
    tailleMenage: 3,
    enfantsMoins14: 1,
    ressourcesAnnuelles: ressources,
    ...plus,
  });

  it('la proposition refuse un ménage incohérent, en français, champ par champ', async () => {
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: logement.id, date: '2026-11-21' });
    expect([200, 201]).toContain(d.statusCode);
    laLocation = (d.json() as { id: string }).id;
    expect(
      (
        await transition(laLocation, {
          transition: 'orienter',
          reservataire: AL,
          motif: 'candidats d’Action Logement attendus pour ce logement',
        })
      ).statusCode,
    ).toBe(200);
    const r = await transition(laLocation, {
      transition: 'proposer_candidats',
      candidats: [
        menage(901, 18_000, { enfantsMoins14: 3 }),
        menage(902, 18_000, { quartile1Declare: true }),
        menage(903, 18_000, { agentEtat: true }),
      ],
    });
    expect(r.statusCode).toBe(422);
    expect((r.json() as { problemes: { chemin: string }[] }).problemes.map((p) => p.chemin)).toEqual([
      'candidats[0].enfantsMoins14',
      'candidats[1].motifQuartile1',
      'candidats[2].agentEtat',
    ]);
    // The first edition's box alone is no longer a quartile.
    const coche = await transition(laLocation, {
      transition: 'proposer_candidats',
      candidats: [{ numeroSne: '04500000000904', quartile1: true }],
    });
    expect(coche.statusCode).toBe(400);
    expect(coche.body).toContain('calculé à la décision de la CAL');
  });

  let session: SessionCalApi;
  let detail: SessionCalDetailApi;

  it('à la décision de la CAL, le quartile est calculé : strictement sous le seuil, par unité de consommation', async () => {
    const r = await transition(laLocation, {
      transition: 'proposer_candidats',
      candidats: [
        menage(911, 18_000),
        menage(912, 17_999),
        menage(913, 30_000, { quartile1Declare: true, motifQuartile1: 'perte d’emploi depuis la demande' }),
        menage(914, 12_000, { tailleMenage: 1, enfantsMoins14: 0, ressourcesAnnuelles: null }),
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    session = (
      await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', { date: '2026-11-25', departement: '45', lieu: 'Siège' })
    ).json() as SessionCalApi;
    detail = (
      await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: laLocation })
    ).json() as SessionCalDetailApi;
    const avant = detail.liste[0]!.candidats;
    expect(avant.map((c) => c.libelleQuartile1)).toEqual([
      '1er quartile : calculé à la décision de la CAL',
      '1er quartile : calculé à la décision de la CAL',
      '1er quartile : oui (déclaré : perte d’emploi depuis la demande)',
      '1er quartile : calculé à la décision de la CAL',
    ]);
    const declare = avant[2]!;
    const d = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: laLocation,
      version: detail.liste[0]!.version,
      decision: 'attribution',
      classement: [declare.id],
    });
    expect(d.statusCode, d.body).toBe(200);
    detail = d.json() as SessionCalDetailApi;
    const c = detail.liste[0]!.candidats;
    expect(c.map((x) => [x.quartile1, x.origineQuartile1])).toEqual([
      [false, 'calcule'],
      [true, 'calcule'],
      [true, 'declare'],
      [null, null],
    ]);
    // 18,000 € for 1.8 UC is 10,000 € per UC: not strictly below 10,000 €.
    expect(c[0]!.libelleQuartile1).toMatch(/^1er quartile : non — 10\s000 € par UC, seuil 10\s000 € \(Arrêté annuel/);
    expect(c[1]!.libelleQuartile1).toMatch(/^1er quartile : oui — 9\s999 € par UC, seuil 10\s000 €/);
    expect(c[3]!.libelleQuartile1).toBe('1er quartile : inconnu — ressources ou composition du ménage non renseignées');
    expect(c[0]).toMatchObject({ masque: false, ressourcesAnnuelles: 18_000, enfantsMoins14: 1, tailleMenage: 3 });
  });

  it('le pilote de l’État et le lecteur EPCI ne lisent pas les ressources des candidats qu’ils n’ont pas proposés', async () => {
    const vu = (await s.appel(ETAT, 'GET', `/api/cal/sessions/${session.id}`)).json() as SessionCalDetailApi;
    const c = vu.liste[0]!.candidats[0]!;
    expect(c).toMatchObject({ masque: true, ressourcesAnnuelles: null, tailleMenage: null, quartile1: null });
    expect(c.libelleQuartile1).toContain('réservées au bailleur et au réservataire');
    const dossier = (await s.appel(ETAT, 'GET', `/api/locations/${laLocation}/dossier`)).json() as {
      candidats: { masque: boolean }[];
    };
    expect(dossier.candidats.every((x) => x.masque)).toBe(true);
    const bailleur = (await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation}/dossier`)).json() as {
      candidats: { masque: boolean; ressourcesAnnuelles: number | null }[];
    };
    expect(bailleur.candidats.some((x) => !x.masque && x.ressourcesAnnuelles === 18_000)).toBe(true);
    // Action Logement proposed them (the unit is on its line): it reads its own.
    const al = (await s.appel('reservataire@demo.flux', 'GET', `/api/locations/${laLocation}/dossier`)).json() as {
      candidats: { masque: boolean }[];
    };
    expect(al.candidats.length).toBeGreaterThan(0);
    expect(al.candidats.every((x) => !x.masque)).toBe(true);
  });

  it('le quartile déclaré va au bail et l’année le compte à part', async () => {
    const avant = (await resultatAnnee(s.t.base.db, CLE)).resultat.objectifs.quartile1Declares;
    const offre = detail.liste[0]!.offres[0]!;
    let r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-26',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/bail`, {
      date: '2026-11-28',
      version: detail.liste[0]!.version,
    });
    expect(r.statusCode, r.body).toBe(200);
    const apres = await resultatAnnee(s.t.base.db, CLE);
    expect(apres.resultat.objectifs.quartile1Declares).toBe(avant + 1);
    const bail = apres.scenario.evenements.filter((e) => e.type === 'bail_signe' && e.logement === logement.id).at(-1);
    expect(bail).toMatchObject({
      menage: { quartile1: true, ressourcesAnnuelles: 30_000, personnes: 3, enfantsMoins14: 1 },
    });
    const [c] = await s.t.base.db
      .select({ q: candidatures.quartile1 })
      .from(candidatures)
      .where(eq(candidatures.numeroSne, '04500000000913'));
    expect(c!.q).toBe(true);
  });
});
