/**
 * « À traiter » (issue 12 item 1): per role, what waits, most urgent first, with its deadline and a
 * link to where to act; scoped (nothing from another organisation) and in words for people (no
 * internal identifier). Each item is created through the API and followed to its end.
 */
import { describe, expect, it } from 'vitest';
import { joursEntre } from '../../src/domain/calendrier.ts';
import type { ATraiterApi, ElementATraiterApi } from '../../src/contracts/a-traiter.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const AL = 'reservataire@demo.flux';
const DEPT = 'departement@demo.flux';
const COMMUNE = 'commune@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const TOUS = [BAILLEUR, BAILLEUR2, AL, DEPT, COMMUNE, ETAT, EPCI];

/** Internal identifiers that must never reach an officer. */
const IDS = [...Object.values(ORG), 'HLD', 'VLL', 'GBH'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe.each(genresDeTest())('à traiter, par rôle (%s)', (genre) => {
  let maintenant = new Date('2026-11-22T09:00:00Z');
  const s = serveurDeSuite(genre, { horloge: () => maintenant, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s);

  async function aTraiter(email: string): Promise<ATraiterApi> {
    const r = await s.appel(email, 'GET', '/api/a-traiter');
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ATraiterApi;
  }
  const dont = (a: ATraiterApi, type: ElementATraiterApi['type']) => a.elements.filter((e) => e.type === type);

  /** A new letting of HLD, declared on `date`, its orientation not decided yet. */
  async function declarer(date = '2026-11-21'): Promise<{ id: string; version: number }> {
    const logementId = await logementLibre();
    const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }
  async function orienter(reservataire: string): Promise<string> {
    const v = await declarer();
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire,
      motif: 'Test de la liste à traiter',
    });
    expect(r.statusCode, r.body).toBe(200);
    return v.id;
  }

  it('chaque rôle a sa liste : triée au plus urgent, comptes à rebours justes, mots pour des personnes', async () => {
    for (const email of TOUS) {
      const a = await aTraiter(email);
      expect(a.aujourdhui).toBe('2026-11-22');
      expect(a.total).toBeGreaterThanOrEqual(a.elements.length);
      const echeances = a.elements.map((e) => e.echeance);
      const datees = echeances.filter((e): e is string => e !== null);
      // Dated items first, earliest deadline first; items without deadline last.
      expect(echeances.slice(0, datees.length)).toEqual([...datees].sort());
      for (const e of a.elements) {
        expect(e.joursRestants).toBe(e.echeance === null ? null : joursEntre('2026-11-22', e.echeance));
        expect(e.lien).toMatch(/^\//);
        for (const texte of [e.titre, e.detail, e.action]) {
          expect(texte, `${email} : ${texte}`).not.toMatch(UUID);
          for (const id of IDS) expect(texte.split(/[\s,;:()«»]+/), `${email} : ${texte}`).not.toContain(id);
        }
      }
    }
    expect((await s.appel('admin@demo.flux', 'GET', '/api/a-traiter')).statusCode).toBe(403);
  });

  let aConfirmer = '';
  it('bailleur : une orientation à confirmer, à la date de libération, liée à sa location ; pas chez un autre bailleur', async () => {
    const v = await declarer('2026-11-21');
    aConfirmer = v.id;
    const el = (await aTraiter(BAILLEUR)).elements.find((e) => e.cle === `orientation|${v.id}`);
    expect(el).toMatchObject({
      type: 'orientation_a_confirmer',
      echeance: '2026-11-21',
      joursRestants: -1,
      lien: `/locations/${v.id}`,
    });
    expect(el!.titre).toMatch(/^Confirmer l’orientation du T\d à /);
    expect(JSON.stringify(await aTraiter(BAILLEUR2))).not.toContain(v.id);
    expect(JSON.stringify(await aTraiter(ETAT))).not.toContain(v.id);
    // Confirmed: it leaves the list.
    const conf = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'confirmer',
      version: v.version,
    });
    expect(conf.statusCode, conf.body).toBe(200);
    expect((await aTraiter(BAILLEUR)).elements.map((e) => e.cle)).not.toContain(`orientation|${v.id}`);
  });

  it('réservataire en gestion directe : le logement à pourvoir, son délai de 30 jours ; ni chez les autres réservataires', async () => {
    const id = await orienter(ORG.departement);
    const dept = await aTraiter(DEPT);
    const el = dept.elements.find((e) => e.cle === `proposer|${id}`);
    expect(el).toMatchObject({
      type: 'candidats_a_proposer',
      echeance: '2026-12-22',
      joursRestants: 30,
      lien: `/locations/${id}`,
    });
    expect(el!.detail).toContain('Habitat Loiret Démo');
    for (const autre of [AL, COMMUNE, EPCI, BAILLEUR2]) expect(JSON.stringify(await aTraiter(autre))).not.toContain(id);
    // Every item of the réservataire is one of its own units.
    const mesUnites = dont(dept, 'candidats_a_proposer').map((e) => e.lien.split('/').pop()!);
    for (const u of mesUnites) {
      const r = await s.appel(DEPT, 'GET', `/api/locations/${u}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().reservataireId).toBe(ORG.departement);
    }
    // Thirty days ahead: not yet a reminder for the bailleur.
    expect((await aTraiter(BAILLEUR)).elements.map((e) => e.cle)).not.toContain(`relance|${id}`);
  });

  it('gestion déléguée : le bailleur désigne pour Action Logement, qui n’a rien à proposer lui-même', async () => {
    const id = await orienter(ORG.actionLogement);
    const el = (await aTraiter(BAILLEUR)).elements.find((e) => e.cle === `designer|${id}`);
    expect(el).toMatchObject({ type: 'candidats_a_designer', echeance: '2026-12-22', lien: `/locations/${id}` });
    expect(el!.titre).toContain('Action Logement Services');
    expect(JSON.stringify(await aTraiter(AL))).not.toContain(`proposer|${id}`);
  });

  it('CAL : à préparer, puis l’offre en attente (bailleur et réservataire), puis le bail à enregistrer', async () => {
    const id = await orienter(ORG.departement);
    const avant = dont(await aTraiter(BAILLEUR), 'cal_a_preparer')[0]?.nombre ?? 0;
    const el = (await s.appel(DEPT, 'GET', '/api/boite'))
      .json()
      .elements.find((e: { locationId: string }) => e.locationId === id);
    const sne = (n: number) => ({
      numeroSne: `0452611000${n}`,
      tailleMenage: 2,
      quartile1: false,
      dalo: false,
      pdalhpd: false,
      autreL4411: false,
    });
    const p = await s.appel(DEPT, 'POST', `/api/boite/${id}/candidats`, {
      version: el.version,
      candidats: [sne(1), sne(2), sne(3)],
    });
    expect(p.statusCode, p.body).toBe(200);
    const cal = dont(await aTraiter(BAILLEUR), 'cal_a_preparer');
    expect(cal).toHaveLength(1);
    expect(cal[0]).toMatchObject({ nombre: avant + 1, lien: '/cal' });

    const session = (
      await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', { date: '2026-11-22', departement: '45' })
    ).json() as { id: string };
    expect(
      (await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: id })).statusCode,
    ).toBe(200);
    const detail = (await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}`)).json() as {
      liste: { locationId: string; version: number; candidats: { id: string }[]; offres: { id: string }[] }[];
    };
    const ex = detail.liste.find((e) => e.locationId === id)!;
    const d = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: id,
      version: ex.version,
      decision: 'attribution',
      classement: [ex.candidats[0]!.id],
    });
    expect(d.statusCode, d.body).toBe(200);
    const offre = (d.json() as typeof detail).liste.find((e) => e.locationId === id)!.offres[0]!;
    expect((await aTraiter(BAILLEUR)).elements.find((e) => e.cle === `offre|${offre.id}`)).toMatchObject({
      type: 'offre_en_attente',
      echeance: '2026-12-02',
      joursRestants: 10,
      lien: `/cal/${session.id}`,
    });
    expect((await aTraiter(DEPT)).elements.find((e) => e.cle === `offre|${offre.id}`)).toMatchObject({
      type: 'offre_en_attente',
      echeance: '2026-12-02',
      lien: `/locations/${id}`,
    });
    for (const autre of [AL, COMMUNE, BAILLEUR2, ETAT])
      expect(JSON.stringify(await aTraiter(autre))).not.toContain(offre.id);

    const r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-22',
    });
    expect(r.statusCode, r.body).toBe(200);
    const apres = await aTraiter(BAILLEUR);
    expect(apres.elements.map((e) => e.cle)).not.toContain(`offre|${offre.id}`);
    expect(apres.elements.find((e) => e.cle === `bail|${offre.id}`)).toMatchObject({
      type: 'bail_a_enregistrer',
      echeance: '2026-11-22',
      joursRestants: 0,
      lien: `/cal/${session.id}`,
    });
    expect((await aTraiter(DEPT)).elements.map((e) => e.cle)).not.toContain(`offre|${offre.id}`);
  });

  it('pilote de l’État : les logements du contingent en attente, par bailleur, nommé', async () => {
    const avant = dont(await aTraiter(ETAT), 'contingent_en_attente').find((e) => e.cle === 'contingent|HLD');
    await orienter(ORG.etat);
    const apres = dont(await aTraiter(ETAT), 'contingent_en_attente');
    const hld = apres.find((e) => e.cle === 'contingent|HLD')!;
    expect(hld.nombre).toBe((avant?.nombre ?? 0) + 1);
    expect(hld.titre).toContain('Habitat Loiret Démo');
    expect(hld.lien).toBe('/boite');
    // Ordered by their first deadline, like everything else.
    expect(apres.map((e) => e.echeance)).toEqual(apres.map((e) => e.echeance).sort());
  });

  it('un délai proche de son terme : rappel chez le bailleur une semaine avant, puis « en retard » pour le réservataire', async () => {
    // Nine days before the deadline of the Département's unit (22/12): no reminder; seven: a reminder.
    maintenant = new Date('2026-12-13T09:00:00Z');
    const a = await aTraiter(BAILLEUR);
    expect(a.elements.some((e) => e.type === 'candidats_en_retard' && e.titre.includes('Département du Loiret'))).toBe(
      false,
    );
    maintenant = new Date('2026-12-15T09:00:00Z');
    const b = (await aTraiter(BAILLEUR)).elements.filter(
      (e) => e.type === 'candidats_en_retard' && e.titre.includes('Département du Loiret'),
    );
    expect(b.map((e) => [e.echeance, e.joursRestants])).toContainEqual(['2026-12-22', 7]);
    expect((await aTraiter(BAILLEUR)).elements.map((e) => e.cle)).not.toContain(`orientation|${aConfirmer}`);
  });

  it('bilan : à émettre (bailleur), non émis (État), manquant puis reçu (EPCI)', async () => {
    maintenant = new Date('2027-01-15T10:00:00Z');
    const bilan = (a: ATraiterApi, type: ElementATraiterApi['type']) =>
      dont(a, type).filter((e) => e.titre.includes('2026'));
    const b = bilan(await aTraiter(BAILLEUR), 'bilan_a_emettre');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({
      echeance: '2027-02-28',
      joursRestants: 44,
      lien: '/bilan?annee=2026&bailleur=HLD&departement=45',
    });
    const etat = bilan(await aTraiter(ETAT), 'bilan_en_retard');
    expect(etat.map((e) => e.titre)).toEqual(
      expect.arrayContaining(['Bilan annuel 2026 d’Habitat Loiret Démo non émis']),
    );
    expect(bilan(await aTraiter(EPCI), 'bilan_manquant').map((e) => e.titre)).toContain(
      'Bilan annuel 2026 d’Habitat Loiret Démo non reçu',
    );

    const r = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: 2026 });
    expect(r.statusCode, r.body).toBe(201);
    const envoyer = bilan(await aTraiter(BAILLEUR), 'bilan_a_envoyer');
    expect(envoyer).toHaveLength(1);
    expect(envoyer[0]!.detail).toContain('Orléans Métropole');
    expect(bilan(await aTraiter(BAILLEUR), 'bilan_a_emettre')).toEqual([]);
    expect(bilan(await aTraiter(ETAT), 'bilan_en_retard').map((e) => e.titre)).not.toContain(
      'Bilan annuel 2026 d’Habitat Loiret Démo non émis',
    );
    const emis = bilan(await aTraiter(EPCI), 'bilan_manquant').find((e) => e.titre.includes('Habitat Loiret Démo'))!;
    expect(emis.detail).toContain('pas encore marqué envoyé');

    const envoi = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions/envois', {
      annee: 2026,
      version: 1,
      organisationId: ORG.metropole,
    });
    expect(envoi.statusCode, envoi.body).toBe(201);
    const recu = bilan(await aTraiter(EPCI), 'bilan_recu').find((e) => e.titre.includes('Habitat Loiret Démo'))!;
    expect(recu).toMatchObject({ echeance: null, lien: '/bilan?annee=2026&bailleur=HLD&departement=45' });
    // Information last: after every dated item.
    const epci = await aTraiter(EPCI);
    expect(epci.elements.at(-1)!.echeance).toBeNull();
  });
});
