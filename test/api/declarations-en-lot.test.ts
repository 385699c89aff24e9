/**
 * Declarations that arrive together are written together (issue 15 item 6, ADR 0053): one
 * transaction and one engine run per batch, yet each declaration gets the answer it would have had
 * alone — an unknown unit or a departure before the notice is refused without holding the others;
 * a declaration the engine refuses, or a unit declared twice, makes the batch be written again
 * one declaration at a time — each is audited once, the audit chain verifies,
 * and the year's ledger is the full replay of its events. On PGlite and PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { chargerScenario, resultatAnnee, statistiquesAnnees } from '../../src/app/annee.ts';
import { verifierAudit } from '../../src/app/audit.ts';
import { lignes } from '../../src/db/client.ts';
import { simuler } from '../../src/domain/engine.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const HLD = 'bailleur@demo.flux';
const DATE = '2026-11-21';

describe.each(genresDeTest())('déclarations arrivées ensemble (%s)', (genre) => {
  const s = serveurDeSuite(genre);
  const declarer = (corps: Record<string, unknown>) => s.appel(HLD, 'POST', '/api/locations', corps);

  it('chacune sa réponse, un moteur par lot, un événement d’audit chacune, le grand livre du rejeu complet', async () => {
    const db = s.t.base.db;
    const libre = logementsLibres(s);
    const unites = await Promise.all(Array.from({ length: 9 }, () => libre()));
    const [rpls] = await lignes<{ rpls: string }>(db, sql`select rpls from logements where id = ${unites[8]!}`);
    const demandes: { corps: Record<string, unknown>; statut: number }[] = [
      ...unites.slice(0, 6).map((logementId) => ({ corps: { logementId, date: DATE }, statut: 201 })),
      { corps: { logementId: 'HLD-INCONNU', date: DATE }, statut: 404 },
      { corps: { logementId: unites[6]!, date: DATE, dateDepart: '2026-11-01' }, statut: 422 },
      { corps: { logementId: unites[7]!, date: DATE, exclusion: 'mutation_interne' }, statut: 201 },
      // By its RPLS number, as an officer may type it.
      { corps: { logementId: rpls!.rpls, date: DATE }, statut: 201 },
    ];
    const moteur = statistiquesAnnees.reprises + statistiquesAnnees.rejeuxComplets;
    const [seq] = await lignes<{ n: string }>(db, sql`select count(*)::text as n from evenements_audit`);
    const reponses = await Promise.all(demandes.map((d) => declarer(d.corps)));
    expect(
      reponses.map((r) => r.statusCode),
      reponses.map((r) => r.body.slice(0, 160)).join('\n'),
    ).toEqual(demandes.map((d) => d.statut));
    const acceptees = reponses
      .filter((r) => r.statusCode === 201)
      .map((r) => r.json<{ id: string; etat: string; logementId: string }>());
    expect(acceptees.map((l) => l.logementId)).toEqual([...unites.slice(0, 6), unites[7], unites[8]]);
    expect(acceptees.at(-2)!.etat).toBe('exclue');
    for (const l of [...acceptees.slice(0, 6), acceptees.at(-1)!]) expect(l.etat).toBe('orientee');
    // Fewer engine runs than declarations: they were batched.
    expect(statistiquesAnnees.reprises + statistiquesAnnees.rejeuxComplets - moteur).toBeLessThan(acceptees.length);
    // Each accepted declaration audited once, in the chain; the refused ones not at all.
    const audites = await lignes<{ cible_id: string; apres: { etat: string } }>(
      db,
      sql`select cible_id, apres from evenements_audit where seq > ${Number(seq!.n)} and action = 'location.declarer' order by seq`,
    );
    expect(audites.map((a) => a.cible_id).sort()).toEqual(acceptees.map((l) => l.id).sort());
    for (const a of audites) expect(a.apres.etat).toBe(acceptees.find((l) => l.id === a.cible_id)!.etat);
    expect((await verifierAudit(db)).ok).toBe(true);
    // The answer each got is what the letting now reads.
    for (const l of acceptees) {
      const lu = await s.appel(HLD, 'GET', `/api/locations/${l.id}`);
      expect(lu.json()).toEqual(l);
    }
    // The year's ledger is the full replay of its stored events.
    const [u] = await lignes<{ departement: string }>(
      db,
      sql`select departement from logements where id = ${unites[0]!}`,
    );
    const cle = { bailleurId: 'HLD', departement: u!.departement, annee: 2026 };
    const { resultat } = await resultatAnnee(db, cle);
    expect(JSON.stringify(resultat)).toBe(JSON.stringify(simuler(await chargerScenario(db, cle), { detail: true })));
  });

  it('le même logement deux fois dans un lot : la seconde refusée comme elle le serait seule', async () => {
    const libre = logementsLibres(s);
    const [a, b] = [await libre(), await libre()];
    const reponses = await Promise.all([a, b, a].map((logementId) => declarer({ logementId, date: DATE })));
    expect(
      reponses.map((r) => r.statusCode),
      reponses.map((r) => r.body.slice(0, 160)).join('\n'),
    ).toEqual([201, 201, 409]);
    // The first declaration of the unit was oriented before the second was read, as alone.
    expect(reponses[2]!.json<{ message: string }>().message).toContain(
      `le logement ${a} a déjà une location en cours (état « orientée »)`,
    );
    expect((await verifierAudit(s.t.base.db)).ok).toBe(true);
  });

  it('une déclaration que le moteur refuse est refusée seule : les autres du lot passent', async () => {
    const db = s.t.base.db;
    const libre = logementsLibres(s);
    const unites = await Promise.all(Array.from({ length: 4 }, () => libre()));
    // A notice already in the year's events for this unit, without its letting (a hand-made fix):
    // the engine refuses a second one while the first is under way.
    const [u] = await lignes<{ departement: string }>(
      db,
      sql`select departement from logements where id = ${unites[1]!}`,
    );
    await db.execute(
      sql`insert into evenements_flux (bailleur_id, departement, annee, evenement) values ('HLD', ${u!.departement}, 2026, ${JSON.stringify({ date: '2026-11-02', type: 'liberation', logement: unites[1] })}::jsonb)`,
    );
    const reponses = await Promise.all(unites.map((logementId) => declarer({ logementId, date: DATE })));
    expect(
      reponses.map((r) => r.statusCode),
      reponses.map((r) => r.body.slice(0, 160)).join('\n'),
    ).toEqual([201, 409, 201, 201]);
    expect(reponses[1]!.json<{ message: string }>().message).toMatch(/calendrier de la location/);
    const [n] = await lignes<{ n: string }>(
      db,
      sql`select count(*)::text as n from locations where logement_id = ${unites[1]!}`,
    );
    expect(n!.n).toBe('0');
    expect((await verifierAudit(db)).ok).toBe(true);
  });
});
