/**
 * The bailleur's orientation decision through the API (issue 6 item 1): the engine's recommendation
 * with its French explanation, confirmed without a reason or overridden (another line, a pool) with
 * a written one; audited, visible, and notified to the réservataire. PGlite, and PostgreSQL when
 * DATABASE_URL is set.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { BAILLEUR as LIGNE_BAILLEUR } from '../../src/domain/types.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
/** The routes' clock: 22 November 2026, 10:00 in Paris. */
const MAINTENANT = new Date('2026-11-22T09:00:00Z');

interface Candidat {
  ligne: string;
  nom: string;
  recommande: boolean;
  phrase: string;
  retard: number;
  droitExact: number;
  oriente: number;
}

describe.each(genresDeTest())('orientation : recommandation confirmée ou forcée (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s);

  async function declarer(): Promise<{ id: string; version: number; ligne: string }> {
    const logementId = await logementLibre();
    const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }
  async function audit(id: string) {
    return lignes<{ action: string; motif: string | null; utilisateur_id: string | null }>(
      s.t.base.db,
      sql`select action, motif, utilisateur_id from evenements_audit where cible_id = ${id} order by seq`,
    );
  }

  it('la recommandation dit qui est dû, de combien, pourquoi pas les autres', async () => {
    const v = await declarer();
    const r = await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}/recommandation`);
    expect(r.statusCode, r.body).toBe(200);
    const rec = r.json();
    expect(rec.recommande.ligne).toBe(v.ligne);
    expect(rec.actuelle.ligne).toBe(v.ligne);
    expect(rec.decision).toBeNull();
    expect(rec.explication).toMatch(/^Le moteur recommande /);
    const candidats = rec.candidats as Candidat[];
    expect(candidats.length).toBeGreaterThanOrEqual(3);
    expect(candidats.filter((c) => c.recommande).map((c) => c.ligne)).toEqual([v.ligne]);
    for (const c of candidats) {
      // Plain French with the réservataire's name: « X a reçu 462 logements pour 463,5 dus : en retard de 1,5 ».
      expect(c.phrase.startsWith(c.nom.charAt(0).toUpperCase() + c.nom.slice(1))).toBe(true);
      expect(c.phrase).toMatch(
        / a reçu [\d\s\u202f]+ logements? pour [\d\s\u202f,]+ dus : (en retard de|en avance de|à jour)/,
      );
      expect(c.phrase).toMatch(/\. (Retenu|Non retenu) : /);
      expect(c.retard).toBeCloseTo(c.droitExact - c.oriente, 5);
    }
    // What officers read names no internal identifier and no negative deadline.
    const lu = [rec.explication, ...candidats.map((c) => c.phrase)].join(' ');
    for (const id of Object.values(ORG)) expect(lu).not.toContain(id);
    expect(lu).not.toContain(LIGNE_BAILLEUR);
    expect(lu).not.toMatch(/dans -|dans \u2212|échéance dans/);
    expect(candidats.find((c) => c.ligne === LIGNE_BAILLEUR)?.nom).toBe('la part non réservée du bailleur');
    // The réservataire does not read the others' entitlements; another bailleur does not see the letting.
    expect((await s.appel(AL, 'GET', `/api/locations/${v.id}/recommandation`)).statusCode).toBe(403);
    expect((await s.appel('bailleur2@demo.flux', 'GET', `/api/locations/${v.id}/recommandation`)).statusCode).toBe(404);
    expect((await s.appel(ETAT, 'GET', `/api/locations/${v.id}/recommandation`)).statusCode).toBe(200);
  });

  it('confirmer : sans motif, audité, ouvre le délai et notifie le réservataire ; une seconde décision → 409', async () => {
    const v = await declarer();
    const c = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'confirmer',
      version: v.version,
    });
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json()).toMatchObject({ etat: 'orientee', ligne: v.ligne, forcee: false, version: v.version + 1 });
    const rec = (await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}/recommandation`)).json();
    expect(rec.decision.decision).toBe('confirmee');
    expect(rec.decision.orienteeLe).toBe('2026-11-22');
    if (v.ligne !== LIGNE_BAILLEUR) {
      expect(rec.decision.echeance).toBe('2026-12-22');
      const n = await lignes<{ organisation_id: string; type: string }>(
        s.t.base.db,
        sql`select organisation_id, type from notifications where location_id = ${v.id}`,
      );
      expect(n).toEqual([{ organisation_id: v.ligne, type: 'orientation' }]);
    } else {
      expect(rec.decision.echeance).toBeNull();
    }
    const a = await audit(v.id);
    expect(a.at(-1)).toMatchObject({ action: 'location.confirmer_orientation', motif: null });
    expect(a.at(-1)!.utilisateur_id).not.toBeNull();
    const encore = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'confirmer',
      version: v.version + 1,
    });
    expect(encore.statusCode).toBe(409);
    expect(encore.json().message).toMatch(/déjà été décidée/);
  });

  it('une version périmée → 409 ; un réservataire ne décide pas → 403', async () => {
    const v = await declarer();
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'confirmer',
      version: v.version + 3,
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toMatch(/rechargez la page/);
    expect(
      (await s.appel(AL, 'POST', `/api/locations/${v.id}/orientation`, { decision: 'confirmer', version: v.version }))
        .statusCode,
    ).toBe(403);
  });

  it('forcer vers une autre ligne exige un motif écrit ; le motif est audité et visible', async () => {
    const v = await declarer();
    const rec = (await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}/recommandation`)).json();
    const autre = (rec.candidats as Candidat[]).find((c) => !c.recommande && c.ligne !== LIGNE_BAILLEUR)!;
    const sans = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: autre.ligne,
    });
    expect(sans.statusCode).toBe(422);
    expect(sans.json().message).toMatch(/motif écrit obligatoire : le moteur recommande/);
    const court = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: autre.ligne,
      motif: 'x',
    });
    expect(court.statusCode).toBe(400);
    const f = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: autre.ligne,
      motif: 'Logement adapté PMR, demandeur identifié',
    });
    expect(f.statusCode, f.body).toBe(200);
    expect(f.json()).toMatchObject({ ligne: autre.ligne, reservataireId: autre.ligne, forcee: true });
    expect(f.json().motif).toMatch(/Logement adapté PMR, demandeur identifié/);
    const apres = (await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}/recommandation`)).json();
    expect(apres).toMatchObject({
      forcee: true,
      recommande: { ligne: v.ligne },
      actuelle: { ligne: autre.ligne },
      decision: { decision: 'forcee' },
    });
    expect((await audit(v.id)).at(-1)).toMatchObject({
      action: 'location.orienter',
      motif: 'Logement adapté PMR, demandeur identifié',
    });
  });

  it('forcer vers la ligne recommandée vaut confirmation, sans motif', async () => {
    const v = await declarer();
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: v.ligne,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().forcee).toBe(false);
    expect((await audit(v.id)).at(-1)!.action).toBe('location.confirmer_orientation');
  });

  it('plusieurs réservataires à la fois (pool) : motif obligatoire, délai le plus court, chacun notifié', async () => {
    const v = await declarer();
    const sans = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'pool',
      version: v.version,
      reservataires: [ORG.actionLogement, ORG.departement],
    });
    expect(sans.statusCode).toBe(400);
    expect(sans.json().problemes[0].chemin).toBe('corps.motif');
    const p = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'pool',
      version: v.version,
      reservataires: [ORG.actionLogement, ORG.departement],
      motif: 'Grand logement : élargir les candidatures',
    });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ pool: [ORG.actionLogement, ORG.departement], forcee: true });
    const n = await lignes<{ organisation_id: string }>(
      s.t.base.db,
      sql`select organisation_id from notifications where location_id = ${v.id} order by organisation_id`,
    );
    expect(n.map((x) => x.organisation_id)).toEqual([ORG.actionLogement, ORG.departement].sort());
    expect((await audit(v.id)).at(-1)).toMatchObject({
      action: 'location.orienter_multiple',
      motif: 'Grand logement : élargir les candidatures',
    });
    const rec = (await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}/recommandation`)).json();
    expect(rec.decision).toMatchObject({ decision: 'pool', echeance: '2026-12-22' });
    expect(rec.pool.map((x: { ligne: string }) => x.ligne)).toEqual([ORG.actionLogement, ORG.departement]);
  });

  it('un logement hors du flux (motif légal) n’a pas de recommandation', async () => {
    const logementId = await logementsLibres(s, 'desc')();
    const r = await s.appel(BAILLEUR, 'POST', '/api/locations', {
      logementId,
      date: '2026-11-21',
      exclusion: 'mutation_interne',
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().etat).toBe('exclue');
    const rec = await s.appel(BAILLEUR, 'GET', `/api/locations/${r.json().id}/recommandation`);
    expect(rec.statusCode).toBe(409);
    expect(rec.json().message).toMatch(/hors du flux/);
  });
});
