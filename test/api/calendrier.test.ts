/**
 * The real calendar of a letting (issue 12 item 4, ADR 0026) through the API, on the seeded demo
 * (PGlite, and PostgreSQL when DATABASE_URL is set), with the server's day fixed on 7 December 2026:
 * the notice opens the letting and the CAL decides during it; the dates officers enter (decision,
 * answer, lease) are never in the future, never before what they follow, a lease never before the
 * tenant's departure — each refusal in French, without a field path of the year's events; a unit is
 * withdrawn from a session, a session cancelled with its reason; nothing stays stuck.
 */
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { evenementsAudit } from '../../src/db/schema.ts';
import type { AExaminerApi, PageSessionsCalApi, SessionCalApi, SessionCalDetailApi } from '../../src/contracts/cal.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AUJOURDHUI = '2026-12-07';

interface LocationLue {
  id: string;
  version: number;
  etat: string;
  dateLiberation: string;
  dateDepart: string | null;
}

describe.each(genresDeTest())('calendrier d’une location (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => new Date(`${AUJOURDHUI}T10:00:00Z`) });
  let numero = 900;
  const candidat = () => ({
    numeroSne: `045${String(numero++).padStart(11, '0')}`,
    tailleMenage: 2,
    quartile1: false,
    prioritaire: false,
    dalo: false,
    pdalhpd: false,
    autreL4411: false,
  });

  const libres: string[] = [];
  let pageLue = 0;
  /** Declares a letting on a free unit outside QPV, opened by the notice of `date`. */
  async function laLocation(date: string, dateDepart?: string): Promise<LocationLue> {
    while (libres.length === 0 && pageLue < 80) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/logements?page=${++pageLue}&parPage=100`);
      const { logements } = r.json() as { logements: { id: string; qpv: string | null; horsFlux: string | null }[] };
      libres.push(...logements.filter((l) => l.qpv === null && l.horsFlux === null).map((l) => l.id));
    }
    while (libres.length) {
      const logementId = libres.shift()!;
      const d = await s.appel(BAILLEUR, 'POST', '/api/locations', {
        logementId,
        date,
        ...(dateDepart ? { dateDepart } : {}),
      });
      if (d.statusCode === 201 || d.statusCode === 200) return d.json() as LocationLue;
    }
    throw new Error('aucun logement libre');
  }

  async function transition(id: string, corps: Record<string, unknown>) {
    const loc = (await s.appel(BAILLEUR, 'GET', `/api/locations/${id}`)).json() as LocationLue;
    return s.appel(BAILLEUR, 'POST', `/api/locations/${id}/transitions`, {
      etatAttendu: loc.etat,
      version: loc.version,
      ...corps,
    });
  }

  async function avecCandidats(v: LocationLue, date: string): Promise<void> {
    const r = await transition(v.id, {
      transition: 'proposer_candidats',
      date,
      candidats: [candidat(), candidat(), candidat()],
    });
    expect(r.statusCode, r.body).toBe(200);
  }

  async function seance(date: string): Promise<SessionCalApi> {
    const r = await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', { date, departement: '45' });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as SessionCalApi;
  }
  const inscrire = (session: string, locationId: string) =>
    s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session}/examens`, { locationId });
  const lire = async (session: string) =>
    (await s.appel(BAILLEUR, 'GET', `/api/cal/sessions/${session}`)).json() as SessionCalDetailApi;
  const aExaminer = async () =>
    ((await s.appel(BAILLEUR, 'GET', '/api/cal/a-examiner')).json() as AExaminerApi[]).map((a) => a.locationId);
  /** A message officers read: French, no path into the year's events. */
  const lisible = (message: string) => expect(message).not.toMatch(/evenements\[|\bundefined\b/);

  it('le départ ne précède pas le préavis ; il est gardé sur la location', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/logements?page=3&taille=5');
    const l = (r.json() as { logements: { id: string }[] }).logements[0]!;
    const faux = await s.appel(BAILLEUR, 'POST', '/api/locations', {
      logementId: l.id,
      date: '2026-11-20',
      dateDepart: '2026-11-10',
    });
    expect(faux.statusCode).toBe(422);
    expect(faux.json().message).toContain('ne peut précéder son préavis (20/11/2026)');
    const v = await laLocation('2026-11-20', '2026-12-21');
    expect(v).toMatchObject({ dateLiberation: '2026-11-20', dateDepart: '2026-12-21', etat: 'orientee' });
  });

  it('la CAL décide pendant le préavis ; le bail attend le départ, puis s’enregistre', async () => {
    // Notice on 2 November, departure on 28 November, the CAL sits on the 25th: during the notice.
    const v = await laLocation('2026-11-02', '2026-11-28');
    await avecCandidats(v, '2026-11-10');
    const session = await seance('2026-11-25');
    expect((await inscrire(session.id, v.id)).statusCode).toBe(200);
    let detail = await lire(session.id);
    const e = detail.liste.find((x) => x.locationId === v.id)!;
    expect(e).toMatchObject({ dateLiberation: '2026-11-02', dateDepart: '2026-11-28' });
    const d = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: v.id,
      version: e.version,
      decision: 'attribution',
      classement: [e.candidats[0]!.id],
    });
    expect(d.statusCode, d.body).toBe(200);
    detail = d.json() as SessionCalDetailApi;
    const offre = detail.liste.find((x) => x.locationId === v.id)!.offres[0]!;
    expect(offre).toMatchObject({ dateOffre: '2026-11-25', reponse: null });

    // The answer: not in the future, not before the offer.
    const futur = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-12-08',
    });
    expect(futur.statusCode).toBe(422);
    expect(futur.json().message).toContain('le 08/12/2026 est dans le futur');
    expect(futur.json().message).toContain('le 07/12/2026 au plus tard');
    const avant = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-24',
    });
    expect(avant.statusCode).toBe(422);
    expect(avant.json().message).toContain('ne peut précéder l’offre du 25/11/2026');
    const ok = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-26',
    });
    expect(ok.statusCode, ok.body).toBe(200);

    const loc = () => s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}`).then((r) => r.json() as LocationLue);
    const bail = async (date: string) =>
      s.appel(BAILLEUR, 'POST', `/api/cal/offres/${offre.id}/bail`, { date, version: (await loc()).version });
    // Before the departure: refused, saying from when.
    const tot = await bail('2026-11-27');
    expect(tot.statusCode).toBe(422);
    expect(tot.json().message).toContain('avant le départ du locataire, le 28/11/2026');
    lisible(tot.json().message);
    // Before the acceptance, in the future: refused.
    expect((await bail('2026-11-25')).json().message).toContain('l’acceptation de l’offre du 26/11/2026');
    expect((await bail('2026-12-09')).json().message).toContain('dans le futur');
    // On or after the departure: the lease, the letting ends.
    const signe = await bail('2026-11-30');
    expect(signe.statusCode, signe.body).toBe(200);
    expect((await loc()).etat).toBe('bail_signe');
  });

  it('la voie des transitions : décision datée dans le futur, avant les candidats, bail avant le départ — refusés en français', async () => {
    const v = await laLocation('2026-11-03', '2026-11-29');
    await avecCandidats(v, '2026-11-12');
    const futur = await transition(v.id, { transition: 'decider', date: '2026-12-20', decision: 'attribution' });
    expect(futur.statusCode).toBe(422);
    expect(futur.json().message).toContain('la décision de la CAL : le 20/12/2026 est dans le futur');
    const avant = await transition(v.id, { transition: 'decider', date: '2026-11-11', decision: 'attribution' });
    expect(avant.statusCode).toBe(422);
    expect(avant.json().message).toContain(
      'ne peut précéder la proposition des candidats du 12/11/2026 : choisissez le 12/11/2026 ou une date postérieure',
    );
    expect(
      (await transition(v.id, { transition: 'decider', date: '2026-11-20', decision: 'attribution' })).statusCode,
    ).toBe(200);
    const bail = await transition(v.id, {
      transition: 'signer_bail',
      date: '2026-11-28',
      menage: { quartile1: false, prioritaire: false },
    });
    expect(bail.statusCode).toBe(422);
    expect(bail.json().message).toContain('avant le départ du locataire, le 29/11/2026');
    lisible(bail.json().message);
  });

  it('la location déclarée au départ (ancienne façon) : la séance qui la précède le dit et propose quoi faire', async () => {
    // The measured dead end: notice recorded on the departure (21 December), candidates dated on it,
    // a session on the 5th. The inscription is refused with what to do; nothing is stuck.
    const v = await laLocation('2026-12-21');
    await avecCandidats(v, '2026-12-21');
    const session = await seance('2026-12-05');
    const r = await inscrire(session.id, v.id);
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toBe(
      'la séance du 05/12/2026 précède la proposition des candidats du 21/12/2026 : inscrivez ce logement à une séance datée de ce jour ou après',
    );
    expect(await aExaminer()).toContain(v.id);
  });

  it('une séance à venir ne décide pas encore ; un logement se retire d’une séance et revient « à examiner »', async () => {
    const v = await laLocation('2026-11-04');
    await avecCandidats(v, '2026-11-13');
    const prochaine = await seance('2026-12-10');
    expect((await inscrire(prochaine.id, v.id)).statusCode).toBe(200);
    expect(await aExaminer()).not.toContain(v.id);
    const e = (await lire(prochaine.id)).liste.find((x) => x.locationId === v.id)!;
    const d = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${prochaine.id}/decisions`, {
      locationId: v.id,
      version: e.version,
      decision: 'attribution',
      classement: [e.candidats[0]!.id],
    });
    expect(d.statusCode).toBe(409);
    expect(d.json().message).toBe(
      'la séance du 10/12/2026 n’a pas encore eu lieu : enregistrez ses décisions à partir de ce jour',
    );
    // Put on another session while still on this one: refused, saying how.
    const autre = await seance('2026-12-03');
    const deux = await inscrire(autre.id, v.id);
    expect(deux.statusCode).toBe(409);
    expect(deux.json().message).toContain('retirez-le de cette séance pour l’inscrire à une autre');
    // Withdrawn: back to « à examiner », then examined and decided by the other session.
    const retrait = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${prochaine.id}/retraits`, {
      locationId: v.id,
      motif: 'dossier à compléter',
    });
    expect(retrait.statusCode, retrait.body).toBe(200);
    expect((retrait.json() as SessionCalDetailApi).liste.map((x) => x.locationId)).not.toContain(v.id);
    expect(await aExaminer()).toContain(v.id);
    expect((await inscrire(autre.id, v.id)).statusCode).toBe(200);
    const ok = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${autre.id}/decisions`, {
      locationId: v.id,
      version: e.version,
      decision: 'attribution',
      classement: [e.candidats[0]!.id],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // A decided unit is not withdrawn; another bailleur cannot touch the session.
    const decide = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${autre.id}/retraits`, { locationId: v.id });
    expect(decide.statusCode).toBe(409);
    expect(decide.json().message).toContain('sa décision ne se retire pas');
    expect(
      (await s.appel('bailleur2@demo.flux', 'POST', `/api/cal/sessions/${autre.id}/retraits`, { locationId: v.id }))
        .statusCode,
    ).toBe(404);
    // …and the session that decided cannot be cancelled.
    const annul = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${autre.id}/annulation`, {
      motif: 'quorum non atteint',
    });
    expect(annul.statusCode).toBe(409);
    expect(annul.json().message).toContain('a déjà statué sur 1 logement(s)');
  });

  it('une séance sans décision s’annule avec son motif : ses logements reviennent « à examiner »', async () => {
    const v = await laLocation('2026-11-05');
    await avecCandidats(v, '2026-11-16');
    const session = await seance('2026-12-17');
    expect((await inscrire(session.id, v.id)).statusCode).toBe(200);
    const sansMotif = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/annulation`, { motif: ' ' });
    expect(sansMotif.statusCode).toBe(400);
    const r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/annulation`, {
      motif: 'Quorum non atteint, séance reportée',
    });
    expect(r.statusCode, r.body).toBe(200);
    const annulee = r.json() as SessionCalDetailApi;
    expect(annulee.annulation).toMatchObject({ motif: 'Quorum non atteint, séance reportée' });
    expect(annulee.liste).toEqual([]);
    expect(await aExaminer()).toContain(v.id);
    const liste = ((await s.appel(BAILLEUR, 'GET', '/api/cal/sessions')).json() as PageSessionsCalApi).sessions;
    expect(liste.find((x) => x.id === session.id)!.annulation).not.toBeNull();
    // A cancelled session takes no unit and is not cancelled twice.
    const apres = await inscrire(session.id, v.id);
    expect(apres.statusCode).toBe(409);
    expect(apres.json().message).toContain('a été annulée (Quorum non atteint, séance reportée)');
    expect(
      (await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/annulation`, { motif: 'encore' })).statusCode,
    ).toBe(409);
    // Audited with its reason.
    const actions = await s.t.base.db
      .select({ action: evenementsAudit.action, motif: evenementsAudit.motif })
      .from(evenementsAudit)
      .where(eq(evenementsAudit.cibleId, session.id))
      .orderBy(asc(evenementsAudit.seq));
    expect(actions.map((a) => a.action)).toEqual(['cal.session.creer', 'cal.examen.inscrire', 'cal.session.annuler']);
    expect(actions.at(-1)!.motif).toBe('Quorum non atteint, séance reportée');
  });
});
