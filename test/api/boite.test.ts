/**
 * The réservataire's inbox (issue 6 items 2–3): the demo's inboxes filled, scoping (a réservataire
 * never sees another's units), delegated management (the bailleur proposes for the réservataire),
 * candidates by SNE number with only what the CAL needs, and the scheduled deadline check: J-2
 * reminder, then « pour un tour » with and without `echecDecompte`, audited as the system, idempotent.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { resultatAnnee } from '../../src/app/annee.ts';
import { verifierEcheances } from '../../src/app/echeances.ts';
import { ajouterJours, jourParis, joursEntre } from '../../src/domain/calendrier.ts';
import { lignes } from '../../src/db/client.ts';
import type { ElementBoiteApi } from '../../src/contracts/orientation.ts';
import { BAILLEUR as LIGNE_BAILLEUR } from '../../src/domain/types.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const DEPT = 'departement@demo.flux';
const COMMUNE = 'commune@demo.flux';
const ETAT = 'etat@demo.flux';
const MAINTENANT = new Date('2026-11-22T09:00:00Z');
const CLE = { bailleurId: 'HLD', departement: '45', annee: 2026 };

const candidat = (numeroSne: string, plus: Record<string, unknown> = {}) => ({
  numeroSne,
  tailleMenage: 3,
  quartile1Declare: true,
  motifQuartile1: 'ressources de l’année en cours',
  dalo: false,
  pdalhpd: true,
  autreL4411: false,
  ...plus,
});

type Element = ElementBoiteApi;

describe('dates de Paris', () => {
  it('le jour est celui de Paris, pas celui de UTC', () => {
    expect(jourParis(new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-30');
    expect(jourParis(new Date('2026-07-14T21:59:00Z'))).toBe('2026-07-14');
    expect(jourParis(new Date('2026-07-14T22:00:00Z'))).toBe('2026-07-15');
    expect(ajouterJours('2026-12-22', 30)).toBe('2027-01-21');
  });
});

describe.each(genresDeTest())('boîte de réception et délais de proposition (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s);

  /** A new letting of HLD oriented by the bailleur to `reservataire` (forced with a reason unless recommended). */
  async function orienter(reservataire: string): Promise<string> {
    const logementId = await logementLibre();
    const v = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' })).json();
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire,
      motif: 'Test de la boîte de réception',
    });
    expect(r.statusCode, r.body).toBe(200);
    return v.id as string;
  }
  async function boite(email: string): Promise<Element[]> {
    const r = await s.appel(email, 'GET', '/api/boite');
    expect(r.statusCode, r.body).toBe(200);
    return r.json().elements;
  }

  let pourDept = '';
  let pourAl = '';
  /** The demo's own open lettings in each inbox, before the tests add theirs. */
  const demo = new Map<string, string[]>();
  it('la démonstration remplit les boîtes : les logements orientés aux réservataires, avec leur délai', async () => {
    for (const email of [ETAT, DEPT, AL, COMMUNE, BAILLEUR, 'bailleur2@demo.flux'])
      demo.set(
        email,
        (await boite(email)).map((e) => e.locationId),
      );
    const etat = await boite(ETAT);
    const enAttente = etat.filter((e) => e.etat === 'orientee');
    expect(enAttente.length).toBeGreaterThan(0);
    for (const e of etat) {
      expect(e.reservataire.id).toBe(ORG.etat);
      // Oriented on the liberation day, 30 days to propose (the demo's conventions).
      expect(e.echeance).toBe(ajouterJours(e.orienteeLe, 30));
      expect(e.joursRestants).toBe(joursEntre('2026-11-22', e.echeance!));
    }
    // The State proposes itself (gestion directe) while the deadline runs.
    expect(enAttente.filter((e) => e.joursRestants! >= 0).every((e) => e.peutProposer && e.gestion === 'directe')).toBe(
      true,
    );
    // Action Logement delegated its proposals to HLD (the bailleur's inbox holds those units) and
    // proposes itself with VLL and GBH (gestion directe): its officer has units to propose.
    expect(demo.get(AL)!.length).toBeGreaterThan(0);
    const chezAl = await boite(AL);
    const hld = new Set(demo.get(BAILLEUR));
    expect(chezAl.filter((e) => hld.has(e.locationId)).every((e) => e.gestion === 'deleguee' && !e.peutProposer)).toBe(
      true,
    );
    const directes = chezAl.filter((e) => e.gestion === 'directe');
    expect(directes.length).toBeGreaterThan(0);
    expect(directes.every((e) => !hld.has(e.locationId))).toBe(true);
    expect(directes.some((e) => e.peutProposer)).toBe(true);
    expect(demo.get(BAILLEUR)!.length).toBeGreaterThan(0);
  });

  it('chaque réservataire ne voit que ses logements, avec le compte à rebours (30 jours)', async () => {
    pourDept = await orienter(ORG.departement);
    pourAl = await orienter(ORG.actionLogement);
    const nouveaux = async (email: string) =>
      (await boite(email)).filter((e) => !demo.get(email)!.includes(e.locationId));
    const dept = await nouveaux(DEPT);
    expect(dept.map((e) => e.locationId)).toEqual([pourDept]);
    expect(dept[0]).toMatchObject({
      reservataire: { id: ORG.departement },
      gestion: 'directe',
      echeance: '2026-12-22',
      joursRestants: 30,
      peutProposer: true,
      etat: 'orientee',
    });
    expect(dept[0]!.logement.typologie).toMatch(/^T\d$/);
    expect((await boite(DEPT)).every((e) => e.reservataire.id === ORG.departement)).toBe(true);
    const al = await nouveaux(AL);
    expect(al.map((e) => e.locationId)).toEqual([pourAl]);
    // Delegated management: the réservataire sees the unit, the bailleur proposes for it.
    expect(al[0]).toMatchObject({ gestion: 'deleguee', peutProposer: false });
    expect(await nouveaux(COMMUNE)).toEqual([]);
    const bailleur = await nouveaux(BAILLEUR);
    expect(bailleur.map((e) => e.locationId)).toEqual([pourAl]);
    expect(bailleur[0]).toMatchObject({ reservataire: { id: ORG.actionLogement }, peutProposer: true });
    expect(await nouveaux('bailleur2@demo.flux')).toEqual([]);
  });

  it('proposer : numéro SNE vérifié, aucun champ en plus, seulement le titulaire', async () => {
    const el = (await boite(DEPT)).find((e) => e.locationId === pourDept)!;
    const url = `/api/boite/${pourDept}/candidats`;
    const faux = await s.appel(DEPT, 'POST', url, { version: el.version, candidats: [candidat('04-5261')] });
    expect(faux.statusCode).toBe(400);
    expect(faux.json().message).toMatch(/numéro unique SNE invalide : 10 à 20 lettres ou chiffres/);
    const nom = await s.appel(DEPT, 'POST', url, {
      version: el.version,
      candidats: [candidat('045261100012345', { nom: 'Dupont', dateNaissance: '1980-01-01' })],
    });
    expect(nom.statusCode).toBe(400);
    expect(nom.json().problemes.map((p: { message: string }) => p.message)).toContain('champ inconnu');
    const sansTaille = await s.appel(DEPT, 'POST', url, {
      version: el.version,
      candidats: [{ numeroSne: '045261100012345', quartile1: false, dalo: false, pdalhpd: false, autreL4411: false }],
    });
    expect(sansTaille.statusCode).toBe(400);
    expect(
      (await s.appel(COMMUNE, 'POST', url, { version: el.version, candidats: [candidat('045261100012345')] }))
        .statusCode,
    ).toBe(404);
    expect(
      (await s.appel(AL, 'POST', url, { version: el.version, candidats: [candidat('045261100012345')] })).statusCode,
    ).toBe(404);
    const double = await s.appel(DEPT, 'POST', url, {
      version: el.version,
      candidats: [candidat('045261100012345'), candidat('045261100012345')],
    });
    expect(double.statusCode).toBe(409);
    const ok = await s.appel(DEPT, 'POST', url, {
      version: el.version,
      candidats: [
        candidat('045261100012345'),
        candidat('0452611000abcde', { pdalhpd: false, dalo: true, tailleMenage: 1 }),
        candidat('04526110009999', { pdalhpd: false, quartile1Declare: false }),
        candidat('04526110008888', { pdalhpd: false, autreL4411: true }),
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().etat).toBe('candidats');
    // Each category kept apart; `prioritaire` = any of the three, what the objectives count.
    const rows = await lignes<{
      numero_sne: string;
      rang: number;
      taille_menage: number;
      prioritaire: boolean;
      dalo: boolean;
      pdalhpd: boolean;
      autre_l4411: boolean;
      quartile1: boolean;
    }>(
      s.t.base.db,
      sql`select numero_sne, rang, taille_menage, prioritaire, dalo, pdalhpd, autre_l4411, quartile1 from candidatures where location_id = ${pourDept} order by rang`,
    );
    expect(rows).toEqual([
      {
        numero_sne: '045261100012345',
        rang: 1,
        taille_menage: 3,
        prioritaire: true,
        dalo: false,
        pdalhpd: true,
        autre_l4411: false,
        quartile1: true,
      },
      {
        numero_sne: '0452611000ABCDE',
        rang: 2,
        taille_menage: 1,
        prioritaire: true,
        dalo: true,
        pdalhpd: false,
        autre_l4411: false,
        quartile1: true,
      },
      {
        numero_sne: '04526110009999',
        rang: 3,
        taille_menage: 3,
        prioritaire: false,
        dalo: false,
        pdalhpd: false,
        autre_l4411: false,
        quartile1: false,
      },
      {
        numero_sne: '04526110008888',
        rang: 4,
        taille_menage: 3,
        prioritaire: true,
        dalo: false,
        pdalhpd: false,
        autre_l4411: true,
        quartile1: true,
      },
    ]);
    const apres = (await boite(DEPT)).find((e) => e.locationId === pourDept)!;
    expect(apres).toMatchObject({ etat: 'candidats', peutProposer: false, joursRestants: 30 });
    // The réservataire reads the households it proposed (docs/rgpd.md); the quartile is declared here.
    expect(apres.candidats[0]).toMatchObject({
      masque: false,
      enfantsMoins14: 0,
      origineQuartile1: 'declare',
      libelleQuartile1: '1er quartile : oui (déclaré : ressources de l’année en cours)',
    });
    expect(apres.candidats).toMatchObject([
      {
        numeroSne: '045261100012345',
        rang: 1,
        tailleMenage: 3,
        quartile1: true,
        prioritaire: true,
        dalo: false,
        pdalhpd: true,
        autreL4411: false,
      },
      {
        numeroSne: '0452611000ABCDE',
        rang: 2,
        tailleMenage: 1,
        quartile1: true,
        prioritaire: true,
        dalo: true,
        pdalhpd: false,
        autreL4411: false,
      },
      {
        numeroSne: '04526110009999',
        rang: 3,
        tailleMenage: 3,
        quartile1: false,
        prioritaire: false,
        dalo: false,
        pdalhpd: false,
        autreL4411: false,
      },
      {
        numeroSne: '04526110008888',
        rang: 4,
        tailleMenage: 3,
        quartile1: true,
        prioritaire: true,
        dalo: false,
        pdalhpd: false,
        autreL4411: true,
      },
    ]);
  });

  it('gestion déléguée : le réservataire ne propose pas (403), le bailleur propose pour lui', async () => {
    const el = (await boite(BAILLEUR)).find((e) => e.locationId === pourAl)!;
    const url = `/api/boite/${pourAl}/candidats`;
    const r = await s.appel(AL, 'POST', url, { version: el.version, candidats: [candidat('045261100054321')] });
    expect(r.statusCode).toBe(403);
    expect(r.json().message).toMatch(/gestion déléguée/);
    const b = await s.appel(BAILLEUR, 'POST', url, { version: el.version, candidats: [candidat('045261100054321')] });
    expect(b.statusCode, b.body).toBe(200);
    expect((await boite(AL)).find((e) => e.locationId === pourAl)).toMatchObject({ etat: 'candidats' });
  });

  it('plusieurs réservataires (pool) : chacun voit le logement ; les candidats sont ceux du réservataire qui propose', async () => {
    const logementId = await logementLibre();
    const v = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' })).json();
    const p = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'pool',
      version: v.version,
      reservataires: [ORG.departement, ORG.etat],
      motif: 'Grand logement',
    });
    expect(p.statusCode, p.body).toBe(200);
    const dept = (await boite(DEPT)).find((e) => e.locationId === v.id)!;
    expect(dept).toMatchObject({ reservataire: { id: ORG.departement }, peutProposer: true, joursRestants: 30 });
    expect((await boite(ETAT)).find((e) => e.locationId === v.id)).toMatchObject({
      reservataire: { id: ORG.etat },
      peutProposer: true,
    });
    const r = await s.appel(DEPT, 'POST', `/api/boite/${v.id}/candidats`, {
      version: dept.version,
      candidats: [candidat('045261100077777')],
    });
    expect(r.statusCode, r.body).toBe(200);
    const c = await lignes<{ reservataire_id: string }>(
      s.t.base.db,
      sql`select reservataire_id from candidatures where location_id = ${v.id}`,
    );
    expect(c).toEqual([{ reservataire_id: ORG.departement }]);
  });

  it('délai dépassé sans candidat → rendu au bailleur pour un tour, décompté ou non selon la convention ; deux passages ne changent rien de plus', async () => {
    const dept = await orienter(ORG.departement); // echecDecompte: false
    const al = await orienter(ORG.actionLogement); // echecDecompte: true
    const bilan = async () => {
      const { resultat } = await resultatAnnee(s.t.base.db, CLE);
      return Object.fromEntries(resultat.bilan.map((l) => [l.reservataire, l]));
    };
    // J-2: a reminder, once (the demo's lettings, oriented by 20 November, expire meanwhile).
    const rappel = await verifierEcheances(s.t.base.db, new Date('2026-12-20T08:00:00Z'));
    expect(rappel.expirees).not.toContain(dept);
    expect(rappel.expirees).not.toContain(al);
    const rappels = await lignes<{ organisation_id: string; titre: string }>(
      s.t.base.db,
      sql`select organisation_id, titre from notifications where type = 'echeance_proche' and location_id in (${dept}, ${al}) order by organisation_id`,
    );
    expect(rappels).toEqual([
      { organisation_id: ORG.actionLogement, titre: 'Délai de proposition : plus que 2 jours' },
      { organisation_id: ORG.departement, titre: 'Délai de proposition : plus que 2 jours' },
    ]);
    // The last day (22 December in Paris) is still within the delay.
    const dernierJour = await verifierEcheances(s.t.base.db, new Date('2026-12-22T22:30:00Z'));
    expect(dernierJour.expirees).not.toContain(dept);
    expect(dernierJour.expirees).not.toContain(al);
    // Every demo letting's deadline has passed by now: only these two are left to expire.
    const avant = await bilan();
    // 23 December, 00:30 in Paris (still the 22nd in UTC): the deadline has passed.
    const v = await verifierEcheances(s.t.base.db, new Date('2026-12-22T23:30:00Z'));
    expect(v.aujourdhui).toBe('2026-12-23');
    expect(v.expirees.sort()).toEqual([dept, al].sort());
    const etats = await lignes<{ id: string; etat: string }>(
      s.t.base.db,
      sql`select id, etat from locations where id in (${dept}, ${al})`,
    );
    expect(etats.map((e) => e.etat)).toEqual(['sans_candidat', 'sans_candidat']);
    const apres = await bilan();
    expect(apres[ORG.departement]!.echecs).toBe(avant[ORG.departement]!.echecs + 1);
    expect(apres[ORG.departement]!.decomptes).toBe(avant[ORG.departement]!.decomptes);
    expect(apres[ORG.actionLogement]!.echecs).toBe(avant[ORG.actionLogement]!.echecs + 1);
    expect(apres[ORG.actionLogement]!.decomptes).toBe(avant[ORG.actionLogement]!.decomptes + 1);
    expect(apres[LIGNE_BAILLEUR]!.pourUnTour).toBe(avant[LIGNE_BAILLEUR]!.pourUnTour + 1);
    const audit = await lignes<{ utilisateur_id: string | null; organisation_id: string | null; motif: string }>(
      s.t.base.db,
      sql`select utilisateur_id, organisation_id, motif from evenements_audit where cible_id = ${dept} and action = 'location.constater_sans_candidat'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ utilisateur_id: null, organisation_id: null });
    expect(audit[0]!.motif).toMatch(
      /délai de proposition expiré le 22 décembre 2026 sans candidat.*n’est pas décompté/,
    );
    const notes = await lignes<{ organisation_id: string }>(
      s.t.base.db,
      sql`select organisation_id from notifications where type = 'echeance_depassee' and location_id = ${al} order by organisation_id`,
    );
    expect(notes.map((n) => n.organisation_id)).toEqual([ORG.actionLogement, 'HLD']);
    expect(await boite(DEPT)).not.toContainEqual(expect.objectContaining({ locationId: dept }));
    // Twice: nothing more.
    const compte = async () =>
      (
        await lignes<{ a: number; n: number; e: number }>(
          s.t.base.db,
          sql`select (select count(*)::int from evenements_audit) as a, (select count(*)::int from notifications) as n, (select count(*)::int from evenements_flux) as e`,
        )
      )[0];
    const c1 = await compte();
    const encore = await verifierEcheances(s.t.base.db, new Date('2026-12-23T09:00:00Z'));
    expect(encore.expirees).toEqual([]);
    expect(await compte()).toEqual(c1);
    // Too late to propose.
    const el = await s.appel(BAILLEUR, 'GET', `/api/locations/${dept}`);
    expect(el.json().etat).toBe('sans_candidat');
  });
});
