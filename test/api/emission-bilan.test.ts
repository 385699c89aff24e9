/**
 * Issuing the annual bilan, the year lock, late corrections, sending and the reminder (issue 7
 * items 2–3), through the API on the demo Loiret (events of 2026), with the server's clock fixed:
 * issue → a transition of 2026 refused (409) → correction window → a transition without a reason
 * refused, with one accepted and recorded → re-issue: the difference is exactly what the
 * correction changed, with its reason → sending, the réservataire's scoped download, the
 * reminders of 1 and 21 February (unique keys, none when everything is sent). PGlite, and
 * PostgreSQL when DATABASE_URL is set.
 */
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rappelsBilan } from '../../src/app/emission-bilan.ts';
import { verificationPlanifiee } from '../../src/app/verification.ts';
import type { EmissionsAnneeApi } from '../../src/contracts/emission-bilan.ts';
import type { BilanAnnuel } from '../../src/domain/bilan.ts';
import { differenceBilans } from '../../src/domain/emission-bilan.ts';
import { notifications } from '../../src/db/schema.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ANNEE = 2026;

interface LocationListe {
  locations: {
    id: string;
    etat: string;
    version: number;
    ligne: string | null;
    reservataireId: string | null;
    logementId: string;
    bailleurId: string;
    annee: number;
    verrouAnnee: unknown;
  }[];
}

const attendre = () => new Promise((r) => setTimeout(r, 300));

describe.each(genresDeTest())('émission du bilan annuel et verrou de l’année (%s)', (genre) => {
  let s: ServeurDeTest;
  let maintenant = new Date('2026-12-20T10:00:00Z');
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => maintenant });
  }, 180_000);
  afterAll(async () => {
    await s?.fermer();
  });

  const emissions = async (email = BAILLEUR, q = `annee=${ANNEE}`) => {
    const r = await s.appel(email, 'GET', `/api/bilan/emissions?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as EmissionsAnneeApi;
  };
  const telecharger = async (email: string, version: number, q = `annee=${ANNEE}&bailleur=HLD`) => {
    const r = await s.appel(email, 'GET', `/api/bilan/emissions/${version}?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { version: number; empreinte: string; bilan: BilanAnnuel };
  };

  let laLocation: LocationListe['locations'][number];

  /** The lock state each letting of the year shows, in the list and alone (GET /api/locations/:id). */
  const verrousListes = async (email = BAILLEUR) => {
    const r = await s.appel(email, 'GET', `/api/locations?annee=${ANNEE}&taille=100`);
    expect(r.statusCode, r.body).toBe(200);
    // A réservataire also sees other bailleurs' lettings, whose year is not issued: HLD's only.
    const ls = (r.json() as LocationListe).locations.filter((l) => l.bailleurId === 'HLD');
    expect(ls.length).toBeGreaterThan(0);
    expect(ls.every((l) => l.annee === ANNEE)).toBe(true);
    const seule = await s.appel(email, 'GET', `/api/locations/${ls[0]!.id}`);
    expect(seule.statusCode, seule.body).toBe(200);
    return [
      ...new Set([
        ...ls.map((l) => JSON.stringify(l.verrouAnnee)),
        JSON.stringify((seule.json() as { verrouAnnee: unknown }).verrouAnnee),
      ]),
    ].map((j) => JSON.parse(j) as unknown);
  };

  it('émet le bilan une fois l’année terminée, par le bailleur seul, et verrouille l’année', async () => {
    expect(await verrousListes()).toEqual([null]);
    const avant = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: ANNEE });
    expect(avant.statusCode).toBe(409);
    expect(avant.json().message).toContain('n’est pas terminée');

    maintenant = new Date('2027-01-15T10:00:00Z');
    expect((await s.appel(AL, 'POST', '/api/bilan/emissions', { annee: ANNEE })).statusCode).toBe(403);
    const r = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: ANNEE });
    expect(r.statusCode, r.body).toBe(201);
    const e = r.json() as EmissionsAnneeApi;
    expect(e.etat).toBe('verrouillee');
    expect(e.versions.map((v) => v.version)).toEqual([1]);
    expect(e.versions[0]!.empreinte).toMatch(/^[0-9a-f]{64}$/);
    expect(e.versions[0]!.difference).toBeNull();
    // The recipients: every réservataire with a convention with HLD in the Loiret.
    expect(e.destinataires.map((d) => d.organisationId)).toEqual(
      expect.arrayContaining([ORG.actionLogement, ORG.etat, ORG.metropole]),
    );

    // Issued = the bilan of the live year, figure for figure.
    const v1 = await telecharger(BAILLEUR, 1, `annee=${ANNEE}`);
    const direct = await s.appel(BAILLEUR, 'GET', `/api/bilan?annee=${ANNEE}`);
    expect(direct.statusCode, direct.body).toBe(200);
    expect(v1.bilan.lignes).toEqual((direct.json() as BilanAnnuel).lignes);

    const encore = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: ANNEE });
    expect(encore.statusCode).toBe(409);
    expect(encore.json().message).toContain('n’a pas changé depuis la version 1');

    // Each letting of the year says its year is locked (for the réservataire too).
    await attendre();
    const emisLe = e.versions[0]!.emisLe;
    expect(await verrousListes()).toEqual([{ etat: 'verrouillee', version: 1, emisLe, fin: null }]);
    expect(await verrousListes(AL)).toEqual([{ etat: 'verrouillee', version: 1, emisLe, fin: null }]);
  });

  it('refuse toute écriture d’un événement de l’année verrouillée (409 qui nomme le verrou)', async () => {
    const l = await s.appel(BAILLEUR, 'GET', `/api/locations?etat=orientee&annee=${ANNEE}&taille=100`);
    expect(l.statusCode, l.body).toBe(200);
    const orientees = (l.json() as LocationListe).locations;
    laLocation =
      orientees.find((x) => x.reservataireId === ORG.actionLogement) ??
      orientees.find((x) => x.reservataireId !== null) ??
      orientees[0]!;
    expect(laLocation).toBeDefined();
    const t = await s.appel(BAILLEUR, 'POST', `/api/locations/${laLocation.id}/transitions`, {
      transition: 'constater_sans_candidat',
      etatAttendu: 'orientee',
      version: laLocation.version,
      date: '2026-12-30',
      motif: 'délai dépassé',
    });
    expect(t.statusCode).toBe(409);
    expect(t.json().message).toContain('l’année 2026 est verrouillée');
    expect(t.json().message).toContain('fenêtre de correction');
    // Nothing moved.
    await attendre();
    const apres = await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation.id}`);
    expect(apres.json()).toMatchObject({ etat: 'orientee', version: laLocation.version });
  });

  it('fenêtre de correction : motif et fin contrôlés ; une écriture sans motif refusée, avec motif acceptée et enregistrée', async () => {
    expect(
      (
        await s.appel(AL, 'POST', '/api/annees/corrections', {
          annee: ANNEE,
          motif: 'Erreur de saisie constatée',
          fin: '2027-02-01',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await s.appel(BAILLEUR, 'POST', '/api/annees/corrections', { annee: ANNEE, motif: 'court', fin: '2027-02-01' }))
        .statusCode,
    ).toBe(400);
    const tard = await s.appel(BAILLEUR, 'POST', '/api/annees/corrections', {
      annee: ANNEE,
      motif: 'Erreur de saisie constatée',
      fin: '2027-03-01',
    });
    expect(tard.statusCode).toBe(422);
    expect(tard.json().message).toContain('30 jours');
    const r = await s.appel(BAILLEUR, 'POST', '/api/annees/corrections', {
      annee: ANNEE,
      motif: 'Délai de proposition dépassé non constaté',
      fin: '2027-02-10',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect((r.json() as EmissionsAnneeApi).etat).toBe('correction');
    await attendre();
    expect(await verrousListes()).toEqual([
      expect.objectContaining({ etat: 'correction', version: 1, fin: '2027-02-10' }),
    ]);
    expect(
      (
        await s.appel(BAILLEUR, 'POST', '/api/annees/corrections', {
          annee: ANNEE,
          motif: 'Une seconde fenêtre ouverte',
          fin: '2027-02-10',
        })
      ).statusCode,
    ).toBe(409);

    const corps = {
      transition: 'constater_sans_candidat',
      etatAttendu: 'orientee',
      version: laLocation.version,
      date: '2026-12-30',
    };
    const sans = await s.appel(BAILLEUR, 'POST', `/api/locations/${laLocation.id}/transitions`, corps);
    expect(sans.statusCode).toBe(422);
    expect(sans.json().problemes[0].chemin).toBe('motif');
    const avec = await s.appel(BAILLEUR, 'POST', `/api/locations/${laLocation.id}/transitions`, {
      ...corps,
      motif: 'aucun candidat reçu dans le délai',
    });
    expect(avec.statusCode, avec.body).toBe(200);
    expect(avec.json().etat).toBe('sans_candidat');

    await attendre();
    const e = await emissions();
    expect(e.correctionsEnAttente.map((c) => ({ locationId: c.locationId, motif: c.motif, action: c.action }))).toEqual(
      [
        {
          locationId: laLocation.id,
          motif: 'aucun candidat reçu dans le délai',
          action: 'location.constater_sans_candidat',
        },
      ],
    );

    // The day after the window's end, with no write in between, the list shows the year locked again.
    maintenant = new Date('2027-02-11T10:00:00Z');
    expect(await verrousListes()).toEqual([expect.objectContaining({ etat: 'verrouillee', version: 1, fin: null })]);
    maintenant = new Date('2027-01-15T10:00:00Z');
    expect(await verrousListes()).toEqual([expect.objectContaining({ etat: 'correction', fin: '2027-02-10' })]);
  });

  it('la réémission (version 2) montre exactement ce qui a changé et le motif de la correction ; l’année est de nouveau verrouillée', async () => {
    maintenant = new Date('2027-01-20T10:00:00Z');
    const v1 = await telecharger(BAILLEUR, 1, `annee=${ANNEE}`);
    const r = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: ANNEE });
    expect(r.statusCode, r.body).toBe(201);
    const e = r.json() as EmissionsAnneeApi;
    expect(e.etat).toBe('verrouillee');
    expect(e.fenetres.every((f) => !f.ouverte)).toBe(true);
    const v2 = e.versions[1]!;
    expect(v2.version).toBe(2);
    expect(v2.corrections.map((c) => c.motif)).toEqual(['aucun candidat reçu dans le délai']);
    expect(v2.corrections[0]!.fenetre.motif).toBe('Délai de proposition dépassé non constaté');

    const d = v2.difference!;
    expect(d.identique).toBe(false);
    // The one letting that changed: in progress → failed.
    expect(d.logements).toEqual([
      { logement: laLocation.logementId, date: expect.any(String), champ: 'statut', avant: 'en_cours', apres: 'echec' },
    ]);
    // The line's figures: one failure more, one letting in progress less, before → after from version 1.
    const ligne = v1.bilan.lignes.find((x) => x.ligne === laLocation.ligne)!;
    expect(d.lignes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ligne: ligne.ligne,
          compteur: 'echecs',
          avant: ligne.echecs,
          apres: ligne.echecs + 1,
        }),
        expect.objectContaining({
          ligne: ligne.ligne,
          compteur: 'enCours',
          avant: ligne.enCours,
          apres: ligne.enCours - 1,
        }),
      ]),
    );
    // The stored difference is the difference of the two stored versions, and nothing else.
    const stockee = await telecharger(BAILLEUR, 2, `annee=${ANNEE}`);
    expect(d).toEqual(differenceBilans(v1.bilan, stockee.bilan));
    expect(new Set(d.flux.map((c) => c.champ))).toEqual(new Set());
    await attendre();
    expect(await verrousListes()).toEqual([expect.objectContaining({ etat: 'verrouillee', version: 2, fin: null })]);

    const t = await s.appel(BAILLEUR, 'GET', `/api/locations?etat=orientee&annee=${ANNEE}&taille=1`);
    const autre = (t.json() as LocationListe).locations[0]!;
    expect(autre).toBeDefined();
    {
      const refus = await s.appel(BAILLEUR, 'POST', `/api/locations/${autre.id}/transitions`, {
        transition: 'constater_sans_candidat',
        etatAttendu: 'orientee',
        version: autre.version,
        date: '2026-12-30',
        motif: 'après la réémission',
      });
      expect(refus.statusCode).toBe(409);
    }
  });

  it('envoi à chaque destinataire ; le réservataire voit « envoyé le … » et télécharge ses seules lignes', async () => {
    const corps = { annee: ANNEE, version: 2, organisationId: ORG.actionLogement };
    expect((await s.appel(AL, 'POST', '/api/bilan/emissions/envois', corps)).statusCode).toBe(403);
    const r = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions/envois', corps);
    expect(r.statusCode, r.body).toBe(201);
    expect((await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions/envois', corps)).statusCode).toBe(409);
    expect(
      (await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions/envois', { ...corps, organisationId: 'VLL' })).statusCode,
    ).toBe(422);

    await attendre();
    const vu = await emissions(AL, `annee=${ANNEE}&bailleur=HLD`);
    expect(vu.destinataires.map((d) => d.organisationId)).toEqual([ORG.actionLogement]);
    expect(vu.versions[1]!.envois).toEqual([
      expect.objectContaining({ organisationId: ORG.actionLogement, envoyeLe: '2027-01-20T10:00:00.000Z' }),
    ]);
    expect(vu.peutEmettre).toBe(false);
    expect(vu.correctionsEnAttente).toEqual([]);
    expect((vu.versions[1]!.difference?.lignes ?? []).every((c) => c.ligne === ORG.actionLogement)).toBe(true);

    const b = await telecharger(AL, 2);
    expect(b.bilan.lignes.map((l) => l.ligne)).toEqual([ORG.actionLogement]);
    expect(b.bilan.detail.length).toBeGreaterThan(0);
    expect(b.bilan.detail.every((x) => x.ligne === ORG.actionLogement)).toBe(true);
    for (const dim of Object.values(b.bilan.dimensions))
      expect(Object.keys(dim.parLigne)).toEqual([ORG.actionLogement]);

    await attendre();
    const e = await emissions();
    expect(e.versions[1]!.telechargements).toEqual(
      expect.arrayContaining([expect.objectContaining({ organisationId: ORG.actionLogement })]),
    );
    expect(e.versions[1]!.envois.map((x) => x.organisationId)).toEqual([ORG.actionLogement]);
  });

  it('rappel au bailleur les 1er et 21 février (clés uniques, idempotent), plus rien quand tout est envoyé', async () => {
    const db = s.t.base.db;
    const cles = async () =>
      (
        await db
          .select({ cle: notifications.cle, org: notifications.organisationId })
          .from(notifications)
          .where(like(notifications.cle, 'rappel_bilan|%'))
      )
        .map((n) => n.cle)
        .sort();
    expect((await rappelsBilan(db, new Date('2027-01-31T22:59:00Z'))).rappels).toEqual([]);
    // 1 February in Paris (23:30 UTC on 31 January): HLD has not sent to everyone, VLL and GBH have not issued.
    const premier = await verificationPlanifiee(db, new Date('2027-01-31T23:30:00Z'));
    expect(premier.bilans.etape).toBe('premier');
    expect(premier.bilans.rappels).toEqual(
      expect.arrayContaining([
        { bailleurId: 'HLD', departement: '45', manque: 'envoi' },
        { bailleurId: 'VLL', departement: '45', manque: 'emission' },
      ]),
    );
    const apres1 = await cles();
    expect(apres1).toContain('rappel_bilan|HLD|45|2026|premier');
    await rappelsBilan(db, new Date('2027-02-05T09:00:00Z'));
    expect(await cles()).toEqual(apres1);
    const [n] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.cle, 'rappel_bilan|HLD|45|2026|premier')));
    expect(n).toMatchObject({ organisationId: 'HLD', type: 'rappel_bilan' });
    expect(n!.message).toContain('n’est pas marquée envoyée');

    // Everything sent for HLD: no second reminder for it; VLL is reminded again.
    maintenant = new Date('2027-02-10T10:00:00Z');
    for (const d of (await emissions()).destinataires.filter((x) => x.organisationId !== ORG.actionLogement)) {
      expect(
        (
          await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions/envois', {
            annee: ANNEE,
            version: 2,
            organisationId: d.organisationId,
          })
        ).statusCode,
      ).toBe(201);
    }
    const second = await rappelsBilan(db, new Date('2027-02-21T08:00:00Z'));
    expect(second.etape).toBe('second');
    expect(second.rappels.some((x) => x.bailleurId === 'HLD')).toBe(false);
    expect(second.rappels).toEqual(
      expect.arrayContaining([{ bailleurId: 'VLL', departement: '45', manque: 'emission' }]),
    );
    const apres2 = await cles();
    expect(apres2).toContain('rappel_bilan|VLL|45|2026|second');
    expect(apres2).not.toContain('rappel_bilan|HLD|45|2026|second');
    await rappelsBilan(db, new Date('2027-02-22T08:00:00Z'));
    expect(await cles()).toEqual(apres2);
  });

  it('les tables du bilan émis sont en ajout seul', async () => {
    await expect(s.t.base.db.execute(`update emissions_bilan set version = 9`)).rejects.toThrow();
    await expect(s.t.base.db.execute(`delete from envois_bilan`)).rejects.toThrow();
    await expect(s.t.base.db.execute(`delete from corrections_annee`)).rejects.toThrow();
    await expect(s.t.base.db.execute(`update fenetres_correction set motif = 'autre motif écrit'`)).rejects.toThrow();
  });
});
