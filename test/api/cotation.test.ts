/**
 * The cotation through the API (issue 17, ADR 0039): the public grids without a session, the EPCI's
 * draft saved and tried on the current demands (JSON and XLSX), its adoption confirmed by the act
 * and dated after the version in force (audited), and the notes beside each demand of a réservataire.
 */
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EssaiApi, GrillePubliqueApi, GrillesEpciApi } from '../../src/contracts/cotation.ts';
import type { PageDemandesApi } from '../../src/contracts/demandes.ts';
import { evenementsAudit } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const EPCI = 'epci@demo.flux';
const RESERVATAIRE = 'reservataire@demo.flux';
const ORLEANS_METROPOLE = '244500468';

const BROUILLON = {
  criteres: [
    { type: 'anciennete', pointsParMois: 0.5, plafond: 30 },
    { type: 'categorie', categorie: 'dalo', libelle: 'Ménage reconnu prioritaire (DALO)', points: 30 },
    { type: 'ressources', plafondParUc: 10_500, points: 80 },
  ],
  refusAdapte: { points: 0, dureeMois: 12 },
  mutationsInternes: { points: 5 },
};

describe.each(genresDeTest())('cotation (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => new Date('2026-11-20T10:00:00Z') });
  }, 180_000);
  afterAll(() => s?.fermer());

  it('la grille en vigueur se lit sans connexion, en clair', async () => {
    const liste = await s.appel(null, 'GET', '/api/cotation/grilles');
    expect(liste.statusCode).toBe(200);
    expect((liste.json() as { epcis: { siren: string }[] }).epcis.map((e) => e.siren)).toContain(ORLEANS_METROPOLE);
    const r = await s.appel(null, 'GET', `/api/cotation/grilles/${ORLEANS_METROPOLE}`);
    expect(r.statusCode).toBe(200);
    const g = r.json() as GrillePubliqueApi;
    expect(g.grille.enonce[0]).toMatch(/^Grille de cotation d’Orléans Métropole, version 1/);
    expect(g.grille.enonce[1]).toContain('la CAL décide');
    expect(g.grille.enregistreePar).toBeNull();
    expect((await s.appel(null, 'GET', '/api/cotation/grilles/123456789')).statusCode).toBe(404);
  });

  it('chaque demande du réservataire porte sa note, son détail, son rang parmi les semblables', async () => {
    const r = await s.appel(RESERVATAIRE, 'GET', '/api/demandes?page=1&parPage=20');
    expect(r.statusCode).toBe(200);
    const notees = (r.json() as PageDemandesApi).demandes.filter((d) => d.cotation);
    expect(notees.length).toBeGreaterThan(0);
    for (const d of notees) {
      const c = d.cotation!;
      expect(c.note).toBe(c.detail.reduce((x, l) => x + l.points, 0));
      expect(c.rang).toBeGreaterThanOrEqual(1);
      expect(c.rang).toBeLessThanOrEqual(c.sur);
      expect(c.detail[0]!.critere).toMatch(/^ancienneté de la demande \(\d+ mois\)$/);
    }
  });

  it('projet enregistré (journalisé), essayé sur les demandes, exporté, puis adopté après confirmation de l’acte', async () => {
    expect((await s.appel(EPCI, 'GET', '/api/cotation/epci/essai')).statusCode).toBe(404);
    const enr = await s.appel(EPCI, 'PUT', '/api/cotation/epci/brouillon', BROUILLON);
    expect(enr.statusCode, enr.body).toBe(200);
    const g = enr.json() as GrillesEpciApi;
    expect(g.brouillon?.enonce[0]).toBe('Projet de grille de cotation d’Orléans Métropole (brouillon, non adopté).');
    expect(g.enVigueur?.version).toBe(1);
    const essai = (await s.appel(EPCI, 'GET', '/api/cotation/epci/essai')).json() as EssaiApi;
    expect(essai.demandes).toBe(g.demandes);
    expect(essai.distribution.reduce((x, t) => x + t.enVigueur, 0)).toBe(essai.demandes);
    expect(essai.distribution.reduce((x, t) => x + t.brouillon, 0)).toBe(essai.demandes);
    // Resources weigh four times more: the first quartile moves up, the DALO households down.
    const groupe = (n: string) => essai.groupes.find((x) => x.groupe === n)!;
    expect(groupe('1er quartile').rangMoyen).toBeGreaterThan(0);
    expect(groupe('catégorie DALO').rangMoyen).toBeLessThan(0);
    expect(JSON.stringify(essai)).not.toMatch(/0452\d{8,}/); // no numéro unique leaves the EPCI's trial
    const x = await s.appel(EPCI, 'GET', '/api/cotation/epci/essai.xlsx');
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Distribution', 'Groupes', 'Mouvements', 'Grille']);

    const avant = await s.appel(EPCI, 'POST', '/api/cotation/epci/adoption', {
      acte: 'délibération n° 2026-99',
      par: 'le conseil métropolitain',
      le: '2026-01-10',
      enVigueurDu: '2026-01-20',
    });
    expect(avant.statusCode).toBe(409); // version 1 applies from 2026-02-01
    const ok = await s.appel(EPCI, 'POST', '/api/cotation/epci/adoption', {
      acte: 'délibération n° 2026-99',
      par: 'le conseil métropolitain',
      le: '2026-11-12',
      enVigueurDu: '2026-11-20',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const apres = ok.json() as GrillesEpciApi;
    expect(apres.enVigueur?.version).toBe(2);
    expect(apres.brouillon).toBeNull();
    expect(apres.historique.map((h) => h.version)).toEqual([1]);
    const pub = (await s.appel(null, 'GET', `/api/cotation/grilles/${ORLEANS_METROPOLE}`)).json() as GrillePubliqueApi;
    expect(pub.grille.version).toBe(2);
    expect(pub.grille.enonce).toContain('Demandes de mutation interne : 5 points en plus.');
    const audit = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.cibleType, 'grille_cotation')));
    expect(audit.map((a) => a.action).sort()).toEqual(['cotation.adopter', 'cotation.enregistrer']);
    // Nothing left to adopt.
    expect(
      (
        await s.appel(EPCI, 'POST', '/api/cotation/epci/adoption', {
          acte: 'délibération n° 2026-100',
          par: 'le conseil métropolitain',
          le: '2026-11-20',
          enVigueurDu: '2026-12-01',
        })
      ).statusCode,
    ).toBe(409);
  });

  it('seul l’EPCI écrit sa grille ; un projet invalide est refusé en français', async () => {
    expect((await s.appel(RESERVATAIRE, 'PUT', '/api/cotation/epci/brouillon', BROUILLON)).statusCode).toBe(403);
    const r = await s.appel(EPCI, 'PUT', '/api/cotation/epci/brouillon', { ...BROUILLON, criteres: [] });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('au moins un critère');
  });
});

describe.each(genresDeTest())('cotation dans la CAL (%s)', (genre) => {
  const BAILLEUR = 'bailleur@demo.flux';
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  it('dans la boîte de réception, les candidats portent leur note et leur rang parmi les candidats du logement', async () => {
    type Candidat = {
      numeroSne: string;
      masque: boolean;
      cotation?: { epci: string; note: number; rangCandidats: number; candidats: number } | null;
    };
    type Boite = { elements: { locationId: string; logement: { commune: string }; candidats: Candidat[] }[] };
    // Action Logement's lettings in Orléans (the métropole's grid) where it proposed several households.
    const boite = (await s.appel(RESERVATAIRE, 'GET', '/api/boite?commune=45234&parPage=100')).json() as Boite;
    const avec = boite.elements.filter((e) => e.candidats.filter((c) => !c.masque).length >= 2);
    expect(avec.length).toBeGreaterThan(0);
    const notes = new Map(
      ((await s.appel(RESERVATAIRE, 'GET', '/api/demandes?page=1&parPage=200')).json() as PageDemandesApi).demandes
        .filter((d) => d.cotation)
        .map((d) => [d.numeroUnique, d.cotation!.note]),
    );
    for (const e of avec) {
      const cs = e.candidats.filter((c) => c.cotation);
      expect(cs.length).toBeGreaterThanOrEqual(2);
      for (const c of cs) {
        expect(c.cotation!.epci).toBe(ORLEANS_METROPOLE);
        expect(c.cotation!.candidats).toBe(cs.length);
        // The same note as on the demand's own line; the rank follows the notes (ties share it).
        if (notes.has(c.numeroSne)) expect(c.cotation!.note).toBe(notes.get(c.numeroSne));
        const devant = cs.filter((x) => x.cotation!.note > c.cotation!.note).length;
        expect(c.cotation!.rangCandidats).toBe(devant + 1);
      }
    }
    // The Ville d’Orléans does not hold these lettings: it never reads these households nor their notes.
    const ville = (await s.appel('commune@demo.flux', 'GET', '/api/boite?parPage=100')).json() as Boite;
    for (const e of avec) expect(ville.elements.find((x) => x.locationId === e.locationId)).toBeUndefined();
  });

  it('les candidats portent leur note et leur rang ; classer contre l’ordre demande un motif, conservé', async () => {
    // Three demands of the métropole with distinct notes (the réservataire's, as its page shows them).
    const page = (await s.appel(RESERVATAIRE, 'GET', '/api/demandes?page=1&parPage=200')).json() as PageDemandesApi;
    const notees = page.demandes.filter((d) => d.cotation?.epci === ORLEANS_METROPOLE);
    const choisies: typeof notees = [];
    for (const d of notees) if (!choisies.some((x) => x.cotation!.note === d.cotation!.note)) choisies.push(d);
    expect(choisies.length).toBeGreaterThanOrEqual(3);
    const [haute, moyenne, basse] = choisies.slice(0, 3).sort((a, b) => b.cotation!.note - a.cotation!.note) as [
      (typeof notees)[0],
      (typeof notees)[0],
      (typeof notees)[0],
    ];

    // A letting on a free unit of the métropole, the three households proposed, a session.
    let location: { id: string } | null = null;
    for (let p = 1; p < 40 && !location; p++) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/logements?page=${p}&taille=200`);
      const { logements } = r.json() as { logements: { id: string; commune: string; horsFlux: string | null }[] };
      for (const l of logements.filter((x) => x.commune === '45234' && x.horsFlux === null)) {
        const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l.id, date: '2026-11-21' });
        if (d.statusCode === 201 || d.statusCode === 200) {
          location = d.json() as { id: string };
          break;
        }
      }
    }
    const id = location!.id;
    const loc = (await s.appel(BAILLEUR, 'GET', `/api/locations/${id}`)).json() as { etat: string; version: number };
    const prop = await s.appel(BAILLEUR, 'POST', `/api/locations/${id}/transitions`, {
      etatAttendu: loc.etat,
      version: loc.version,
      date: '2026-11-22',
      transition: 'proposer_candidats',
      candidats: [basse, haute, moyenne].map((d) => ({
        numeroSne: d.numeroUnique,
        tailleMenage: d.personnes,
        prioritaire: false,
        dalo: false,
        pdalhpd: false,
        autreL4411: false,
      })),
    });
    expect(prop.statusCode, prop.body).toBe(200);
    const session = (
      await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', { date: '2026-11-25', departement: '45', lieu: 'Siège' })
    ).json() as { id: string };
    expect(
      (await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: id })).statusCode,
    ).toBeLessThan(300);
    type Detail = {
      liste: {
        locationId: string;
        version: number;
        candidats: {
          id: string;
          numeroSne: string;
          cotation: { note: number; rangCandidats: number; candidats: number } | null;
        }[];
        decision: { motifEcartCotation: string | null } | null;
      }[];
    };
    const detail = (await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}`)).json() as Detail;
    const e = detail.liste.find((x) => x.locationId === id)!;
    const de = (d: (typeof notees)[0]) => e.candidats.find((c) => c.numeroSne === d.numeroUnique)!;
    expect(de(haute).cotation).toMatchObject({ rangCandidats: 1, candidats: 3 });
    expect(de(basse).cotation).toMatchObject({ rangCandidats: 3 });

    const corps = {
      locationId: id,
      version: e.version,
      decision: 'attribution_rang',
      classement: [de(basse).id, de(haute).id],
      motif: 'classement de la commission',
    };
    const sansMotif = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, corps);
    expect(sansMotif.statusCode).toBe(422);
    expect(sansMotif.body).toContain('s’écarte de l’ordre de la cotation');
    const ok = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      ...corps,
      motifEcartCotation: 'rapprochement du lieu de travail, urgence signalée par le réservataire',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const apres = (ok.json() as Detail).liste.find((x) => x.locationId === id)!;
    expect(apres.decision!.motifEcartCotation).toBe(
      'rapprochement du lieu de travail, urgence signalée par le réservataire',
    );
    const [audit] = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, 'cal.decider'), eq(evenementsAudit.cibleId, id)));
    expect(audit!.apres).toMatchObject({
      cotation: { motifEcart: 'rapprochement du lieu de travail, urgence signalée par le réservataire' },
    });
  });
});
