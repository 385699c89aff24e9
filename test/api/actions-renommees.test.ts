/**
 * One word for the letting (ADR 0041, issue 16 item 4): audit events written before migration 0017
 * under `vacance.*` keep their bytes — the hash chain covers them — and are read under their new
 * name `location.*`; no new event may be written under an old name.
 */
import { desc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS_RENOMMEES,
  actionCourante,
  hacher,
  journaliser,
  verifierAudit,
  type ContenuAudit,
} from '../../src/app/audit.ts';
import type { DossierLocationApi } from '../../src/contracts/listes.ts';
import { evenementsAudit } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const MAINTENANT = new Date('2026-11-22T09:00:00Z');

describe('les actions d’audit renommées', () => {
  it('chaque ancien nom « vacance.* » a son nom « location.* » ; les autres actions gardent le leur', () => {
    expect(Object.keys(ACTIONS_RENOMMEES)).toHaveLength(13);
    for (const [ancien, nouveau] of Object.entries(ACTIONS_RENOMMEES)) {
      expect(ancien.startsWith('vacance.')).toBe(true);
      expect(nouveau).toBe(`location.${ancien.slice('vacance.'.length)}`);
      expect(actionCourante(ancien)).toBe(nouveau);
      expect(actionCourante(nouveau)).toBe(nouveau);
    }
    expect(actionCourante('cal.decider')).toBe('cal.decider');
  });
});

describe.each(genresDeTest())('un événement écrit avant la migration 0017 (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s, 'desc');

  it('se lit sous son nouveau nom sur la page de la location ; la chaîne se vérifie ; un ancien nom ne s’écrit plus', async () => {
    const logementId = await logementLibre();
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-22' });
    expect(d.statusCode, d.body).toBe(201);
    const id = (d.json() as { id: string }).id;

    // What a server before migration 0017 wrote when a photo was attached: the old name, chained.
    const db = s.t.base.db;
    await db.transaction(async (tx) => {
      const [dernier] = await tx
        .select({ hash: evenementsAudit.hash })
        .from(evenementsAudit)
        .orderBy(desc(evenementsAudit.seq))
        .limit(1);
      const contenu: ContenuAudit = {
        horodatage: '2026-11-22T10:00:00.000Z',
        utilisateurId: null,
        organisationId: null,
        action: 'vacance.piece.ajouter',
        cibleType: 'location',
        cibleId: id,
        avant: null,
        apres: { nom: 'plan.pdf' },
        motif: null,
      };
      await tx.insert(evenementsAudit).values({
        ...contenu,
        hashPrecedent: dernier!.hash,
        hash: hacher(dernier!.hash, contenu),
      });
    });

    const dossier = (await s.appel(BAILLEUR, 'GET', `/api/locations/${id}/dossier`)).json() as DossierLocationApi;
    const quoi = dossier.chronologie.map((f) => f.quoi);
    expect(quoi).toContain('Photo ou plan joint');
    expect(quoi).not.toContain('Modification enregistrée');
    expect(await verifierAudit(db)).toMatchObject({ ok: true, anomalie: null });

    await expect(
      db.transaction((tx) => journaliser(tx, null, { action: 'vacance.declarer', cibleType: 'location', cibleId: id })),
    ).rejects.toThrow('location.declarer');
  });
});
