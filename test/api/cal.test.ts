/**
 * CAL sessions through the API, on the seeded demo (PGlite, and PostgreSQL when DATABASE_URL is
 * set): three lettings declared, given candidates and examined by one session; the five decisions'
 * rules (three applications but for DALO, ranking, written reasons); the offer to rang 1, a refusal
 * that passes to rang 2, the acceptance and the lease; a negative decision sent back; an offer left
 * unanswered in a QPV turned into a refusal after 10 days (idempotent) with the mayor designating;
 * the scheduled check of the server expiring an offer and passing to the next rank; the minutes as a
 * PDF; scope and the audit chain. Plus the pure CAL rules (src/domain/cal.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { expirerOffres, expirerOffresAu } from '../../src/app/cal.ts';
import { jourParis } from '../../src/domain/calendrier.ts';
import { verificationPlanifiee } from '../../src/app/verification.ts';
import type { AExaminerApi, PageSessionsCalApi, SessionCalApi, SessionCalDetailApi } from '../../src/contracts/cal.ts';
import {
  echeanceReponse,
  offreExpiree,
  suiteApresEchec,
  verifierDecision,
  verifierExamen,
} from '../../src/domain/cal.ts';
import { evenementsAudit } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const ETAT = 'etat@demo.flux';
const AL = 'ACTION-LOGEMENT';

describe('règles de la CAL (pures)', () => {
  it('trois candidatures au moins, sauf désignation DALO ou motif écrit', () => {
    expect(verifierExamen([{ dalo: false }, { dalo: false }, { dalo: false }], undefined)).toEqual([]);
    expect(verifierExamen([{ dalo: true }], undefined)).toEqual([]);
    expect(verifierExamen([{ dalo: false }], undefined)[0]!.chemin).toBe('motifMoinsDeTrois');
    expect(verifierExamen([{ dalo: false }], 'un seul demandeur pour ce T6')).toEqual([]);
    expect(verifierExamen([], 'x')[0]!.chemin).toBe('candidats');
  });
  it('classement et motif selon la décision', () => {
    const c = ['a', 'b', 'c'];
    expect(verifierDecision('attribution', ['a'], undefined, c)).toEqual([]);
    expect(verifierDecision('attribution', ['a', 'b'], undefined, c)).toHaveLength(1);
    expect(verifierDecision('attribution_rang', ['a', 'b', 'c'], undefined, c)).toEqual([]);
    expect(verifierDecision('attribution_rang', ['a', 'a'], undefined, c)).toHaveLength(1);
    expect(verifierDecision('attribution_condition_suspensive', ['a'], undefined, c)[0]!.chemin).toBe('motif');
    expect(verifierDecision('non_attribution', [], undefined, c)[0]!.chemin).toBe('motif');
    expect(verifierDecision('irrecevabilite', ['a'], 'hors plafonds', c)[0]!.chemin).toBe('classement');
    expect(verifierDecision('attribution', ['z'], undefined, c)[0]!.message).toContain('inconnu');
  });
  it('dix jours pour répondre ; ensuite le silence vaut refus', () => {
    expect(echeanceReponse('2026-12-25')).toBe('2027-01-04');
    expect(offreExpiree('2027-01-04', '2027-01-04')).toBe(false);
    expect(offreExpiree('2027-01-04', '2027-01-05')).toBe(true);
  });
  it('après un échec : rang suivant, sinon le maire en QPV, sinon le réservataire ou le bailleur', () => {
    expect(suiteApresEchec({ classement: ['a', 'b'], rangCourant: 1, qpv: true, reservataire: true })).toBe(
      'rang_suivant',
    );
    expect(suiteApresEchec({ classement: ['a', 'b'], rangCourant: 2, qpv: true, reservataire: true })).toBe('maire');
    expect(suiteApresEchec({ classement: ['a'], rangCourant: 1, qpv: false, reservataire: true })).toBe('reservataire');
    expect(suiteApresEchec({ classement: [], rangCourant: 0, qpv: true, reservataire: false })).toBe('bailleur');
  });
});

describe.each(genresDeTest())('séances de CAL par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  const candidat = (
    n: number,
    options: { dalo?: boolean; q1?: boolean; prioritaire?: boolean; pdalhpd?: boolean; autreL4411?: boolean } = {},
  ) => ({
    numeroSne: `045${String(n).padStart(11, '0')}`,
    tailleMenage: 2,
    // A first quartile here is declared, with its motif (ADR 0034: otherwise computed at the CAL).
    ...(options.q1 ? { quartile1Declare: true, motifQuartile1: 'situation déclarée par le réservataire' } : {}),
    prioritaire: options.prioritaire ?? false,
    dalo: options.dalo ?? false,
    pdalhpd: options.pdalhpd ?? false,
    autreL4411: options.autreL4411 ?? false,
  });

  /** Declares a letting on a free unit of the bailleur (in QPV or not) and returns it. */
  async function laLocation(qpv: boolean): Promise<{ id: string; version: number; etat: string }> {
    for (let page = 1; page < 40; page++) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/logements?page=${page}&taille=200`);
      const { logements } = r.json() as { logements: { id: string; qpv: string | null; horsFlux: string | null }[] };
      for (const l of logements.filter((x) => (x.qpv !== null) === qpv && x.horsFlux === null)) {
        const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l.id, date: '2026-11-21' });
        if (d.statusCode === 201 || d.statusCode === 200)
          return d.json() as { id: string; version: number; etat: string };
      }
    }
    throw new Error('aucun logement libre');
  }

  async function transition(id: string, corps: Record<string, unknown>, date = '2026-11-22') {
    const loc = (await s.appel(BAILLEUR, 'GET', `/api/locations/${id}`)).json() as { etat: string; version: number };
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${id}/transitions`, {
      etatAttendu: loc.etat,
      version: loc.version,
      date,
      ...corps,
    });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { etat: string; version: number };
  }

  let A: string, B: string, C: string;
  let session: SessionCalApi;
  let detail: SessionCalDetailApi;
  const examen = (loc: string) => detail.liste.find((e) => e.locationId === loc)!;

  it('prépare trois locations avec leurs candidats', async () => {
    A = (await laLocation(false)).id;
    B = (await laLocation(false)).id;
    C = (await laLocation(true)).id;
    // C is oriented to Action Logement: a failure in QPV then passes to the mayor.
    await transition(C, {
      transition: 'orienter',
      reservataire: AL,
      motif: 'candidats d’Action Logement attendus pour ce logement',
    });
    await transition(A, {
      transition: 'proposer_candidats',
      candidats: [
        candidat(1, { q1: true, pdalhpd: true }),
        candidat(2, { autreL4411: true }),
        candidat(3, { prioritaire: true }),
      ],
    });
    await transition(B, { transition: 'proposer_candidats', candidats: [candidat(4), candidat(5)] });
    await transition(C, { transition: 'proposer_candidats', candidats: [candidat(6), candidat(7), candidat(8)] });
    const a = (await s.appel(BAILLEUR, 'GET', '/api/cal/a-examiner')).json() as AExaminerApi[];
    expect(a.map((x) => x.locationId)).toEqual(expect.arrayContaining([A, B, C]));
    expect(a.find((x) => x.locationId === B)!.candidats).toBe(2);
  });

  it('crée une séance et y inscrit les logements (trois candidatures, sauf motif)', async () => {
    const r = await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', {
      date: '2026-11-25',
      departement: '45',
      lieu: 'Siège, salle du conseil',
    });
    expect(r.statusCode, r.body).toBe(201);
    session = r.json() as SessionCalApi;
    expect(
      (await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: A })).statusCode,
    ).toBe(200);
    const sansMotif = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: B });
    expect(sansMotif.statusCode).toBe(422);
    expect(sansMotif.json().problemes[0].chemin).toBe('motifMoinsDeTrois');
    expect(
      (
        await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, {
          locationId: B,
          motifMoinsDeTrois: 'deux demandeurs seulement pour ce T5',
        })
      ).statusCode,
    ).toBe(200);
    const deuxFois = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: B });
    expect(deuxFois.statusCode).toBe(409);
    const r3 = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: C });
    expect(r3.statusCode).toBe(200);
    detail = r3.json() as SessionCalDetailApi;
    expect(detail.liste.map((e) => e.locationId)).toEqual([A, B, C]);
    expect(examen(A).candidats.map((c) => c.numeroSne)).toEqual([
      candidat(1).numeroSne,
      candidat(2).numeroSne,
      candidat(3).numeroSne,
    ]);
    // The priority categories are kept apart on the session's screen; `prioritaire` is any of them.
    expect(
      examen(A).candidats.map(({ prioritaire, dalo, pdalhpd, autreL4411 }) => ({
        prioritaire,
        dalo,
        pdalhpd,
        autreL4411,
      })),
    ).toEqual([
      { prioritaire: true, dalo: false, pdalhpd: true, autreL4411: false },
      { prioritaire: true, dalo: false, pdalhpd: false, autreL4411: true },
      { prioritaire: true, dalo: false, pdalhpd: false, autreL4411: false },
    ]);
    expect(examen(B).motifMoinsDeTrois).toContain('deux demandeurs');
  });

  it('refuse une décision incomplète ou sur une version périmée', async () => {
    const e = examen(B);
    const sansMotif = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: B,
      version: e.version,
      decision: 'non_attribution',
    });
    expect(sansMotif.statusCode).toBe(422);
    const perimee = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: B,
      version: e.version - 1,
      decision: 'non_attribution',
      motif: 'ressources au-delà des plafonds',
    });
    expect(perimee.statusCode).toBe(409);
  });

  it('attribution avec classement : offre au rang 1, refus, offre au rang 2, acceptation, bail', async () => {
    const e = examen(A);
    const [c1, c2] = e.candidats;
    let r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: A,
      version: e.version,
      decision: 'attribution_rang',
      classement: [c1!.id, c2!.id],
      motif: 'adéquation de la typologie à la taille des ménages',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    expect(examen(A).etat).toBe('decision_cal');
    expect(examen(A).decision).toMatchObject({
      decision: 'attribution_rang',
      classement: [c1!.id, c2!.id],
      date: '2026-11-25',
    });
    expect(examen(A).offres).toEqual([
      expect.objectContaining({ rang: 1, dateOffre: '2026-11-25', echeance: '2026-12-05', reponse: null }),
    ]);
    const deja = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: A,
      version: examen(A).version,
      decision: 'attribution',
      classement: [c1!.id],
    });
    expect(deja.statusCode).toBe(409);

    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${examen(A).offres[0]!.id}/reponse`, {
      reponse: 'refusee',
      date: '2026-11-26',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    expect(examen(A).suite).toBe('rang_suivant');
    expect(examen(A).offres[1]).toMatchObject({
      rang: 2,
      candidatureId: c2!.id,
      dateOffre: '2026-11-26',
      echeance: '2026-12-06',
      reponse: null,
    });
    const encore = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${examen(A).offres[0]!.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-26',
    });
    expect(encore.statusCode).toBe(409);

    const tropTot = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${examen(A).offres[1]!.id}/bail`, {
      date: '2026-11-27',
      version: examen(A).version,
    });
    expect(tropTot.statusCode).toBe(409);
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${examen(A).offres[1]!.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-27',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${examen(A).offres[1]!.id}/bail`, {
      date: '2026-11-28',
      version: examen(A).version,
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    expect(examen(A).etat).toBe('bail_signe');
    expect(examen(A).suite).toBe('bail');
  });

  it('non-attribution motivée : retour à qui désigne, qui peut proposer de nouveaux candidats', async () => {
    const r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: B,
      version: examen(B).version,
      decision: 'non_attribution',
      motif: 'ressources au-delà des plafonds',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    expect(['reservataire', 'bailleur']).toContain(examen(B).suite);
    expect(examen(B).decision?.motif).toBe('ressources au-delà des plafonds');
    const nouveaux = await transition(
      B,
      { transition: 'proposer_candidats', candidats: [candidat(9), candidat(10), candidat(11)] },
      '2026-11-27',
    );
    expect(nouveaux.etat).toBe('candidats');
  });

  it('en QPV, l’offre sans réponse après dix jours vaut refus et le maire désigne ; constaté une seule fois', async () => {
    const e = examen(C);
    // Two members record the decision at once: one wins, the other is told to reload.
    const corps = { locationId: C, version: e.version, decision: 'attribution', classement: [e.candidats[0]!.id] };
    const deux = await Promise.all(
      [0, 1].map(() => s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, corps)),
    );
    expect(deux.map((x) => x.statusCode).sort()).toEqual([200, 409]);
    let r = await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}`);
    expect(r.statusCode, r.body).toBe(200);
    // Today (the real clock) is before the deadline of 2026-12-05 or after it; use the use case with a fixed "now".
    const avant = await s.t.base.db.transaction((tx) => expirerOffres(tx, null, '2026-12-05'));
    expect(avant.offres).not.toContain(examen(C).offres[0]?.id);
    // 22:30 UTC on 5 December is 23:30 in Paris: still the last day to answer.
    expect(jourParis(new Date('2026-12-05T22:30:00Z'))).toBe('2026-12-05');
    expect(
      (await s.t.base.db.transaction((tx) => expirerOffresAu(tx, null, new Date('2026-12-05T22:30:00Z')))).expirees,
    ).toBe(0);
    // 23:30 UTC on 5 December is already 6 December in Paris: the offer has expired.
    const premiere = await s.t.base.db.transaction((tx) => expirerOffresAu(tx, null, new Date('2026-12-05T23:30:00Z')));
    const seconde = await s.t.base.db.transaction((tx) => expirerOffres(tx, null, '2026-12-06'));
    expect(premiere.expirees).toBeGreaterThanOrEqual(1);
    expect(seconde.expirees).toBe(0);
    r = await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}`);
    detail = r.json() as SessionCalDetailApi;
    expect(examen(C).offres[0]).toMatchObject({ reponse: 'silence', dateReponse: '2026-12-06' });
    expect(examen(C).suite).toBe('maire');
    expect(examen(C).libelleSuite).toContain('maire');
    expect((await s.appel(BAILLEUR, 'POST', '/api/cal/offres/expirer', {})).json()).toEqual({
      expirees: 0,
      offres: [],
    });
  });

  it('la vérification planifiée du serveur constate l’offre sans réponse : refus, offre au rang suivant', async () => {
    const D = (await laLocation(false)).id;
    await transition(D, { transition: 'proposer_candidats', candidats: [candidat(12), candidat(13), candidat(14)] });
    let r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: D });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    const [c1, c2] = examen(D).candidats;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: D,
      version: examen(D).version,
      decision: 'attribution_rang',
      classement: [c1!.id, c2!.id],
      motif: 'composition familiale adaptée au logement',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    const offre = examen(D).offres[0]!;
    expect(offre).toMatchObject({ rang: 1, candidatureId: c1!.id, echeance: '2026-12-05', reponse: null });
    // The last day to answer (Paris): nothing expires.
    expect((await verificationPlanifiee(s.t.base.db, new Date('2026-12-05T12:00:00Z'))).offres.offres).not.toContain(
      offre.id,
    );
    // The next day, the scheduled run turns the silence into a refusal and offers the unit to rang 2.
    const v = await verificationPlanifiee(s.t.base.db, new Date('2026-12-06T08:00:00Z'));
    expect(v.offres.offres).toContain(offre.id);
    expect(v.echeances.aujourdhui).toBe('2026-12-06');
    detail = (await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}`)).json() as SessionCalDetailApi;
    expect(examen(D).offres).toEqual([
      expect.objectContaining({ id: offre.id, rang: 1, reponse: 'silence', dateReponse: '2026-12-06' }),
      expect.objectContaining({
        rang: 2,
        candidatureId: c2!.id,
        dateOffre: '2026-12-06',
        echeance: '2026-12-16',
        reponse: null,
      }),
    ]);
    expect(examen(D).suite).toBe('rang_suivant');
    expect(examen(D).etat).toBe('decision_cal');
    // Idempotent: a second run the same day changes nothing.
    expect((await verificationPlanifiee(s.t.base.db, new Date('2026-12-06T09:00:00Z'))).offres.expirees).toBe(0);
  });

  it('le procès-verbal est un PDF ; l’État le lit, un autre bailleur ne voit pas la séance', async () => {
    const r = await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session.id}/proces-verbal.pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/pdf');
    const pdf = r.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect((await s.appel(ETAT, 'GET', `/api/cal/sessions/${session.id}/proces-verbal.pdf`)).statusCode).toBe(200);
    expect(
      ((await s.appel(ETAT, 'GET', '/api/cal/sessions')).json() as PageSessionsCalApi).sessions.map((x) => x.id),
    ).toContain(session.id);
    expect((await s.appel(BAILLEUR2, 'GET', `/api/cal/sessions/${session.id}`)).statusCode).toBe(404);
    expect(
      ((await s.appel(BAILLEUR2, 'GET', '/api/cal/sessions')).json() as PageSessionsCalApi).sessions.map((x) => x.id),
    ).not.toContain(session.id);
    expect(
      (await s.appel(BAILLEUR2, 'POST', `/api/cal/sessions/${session.id}/examens`, { locationId: A })).statusCode,
    ).toBe(404);
    const liste = ((await s.appel(BAILLEUR, 'GET', '/api/cal/sessions')).json() as PageSessionsCalApi).sessions;
    expect(liste.find((x) => x.id === session.id)).toMatchObject({ examens: 4, decides: 4 });
  });

  it('chaque étape est journalisée, la chaîne d’audit reste intègre', async () => {
    const v = await s.t.base.db.transaction((tx) => verifierAudit(tx));
    expect(v.ok).toBe(true);
    const actions = await s.t.base.db.transaction((tx) =>
      tx.select({ action: evenementsAudit.action }).from(evenementsAudit),
    );
    const faites = new Set(actions.map((a) => a.action));
    for (const a of [
      'cal.session.creer',
      'cal.examen.inscrire',
      'cal.decider',
      'cal.offre.refuser',
      'cal.offre.accepter',
      'cal.offre.expirer',
      'cal.bail',
      'location.decider',
    ])
      expect(faites).toContain(a);
  });
});
