/**
 * « Corriger » a lease's signature (issue 13, ADR 0050): the household is entered once. The late
 * correction lists the letting's candidates (their households entered with the proposal, the
 * quartile fixed at the CAL) and the officer picks the one who signed — nothing to re-enter, no
 * first-edition box, no household field — and the lease records that candidate's household, its
 * first quartile computed from its resources against the EPCI's threshold, not declared.
 * The server's clock is on 20 January of the year after the demo's, a correction window open.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { LocationApi } from '../../src/contracts/api.ts';
import { and, eq as egal } from 'drizzle-orm';
import { baux, candidatures } from '../../src/db/schema.ts';
import type { Menage } from '../../src/domain/types.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';

decrireNavigateur('correction tardive : la signature du bail et le ménage signataire (navigateur)', () => {
  const annee = new Date().getFullYear();
  const maintenant = new Date(`${annee + 1}-01-20T10:00:00Z`);
  const nav = preparerNavigateur({ horloge: () => maintenant });
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });
  const csrf = async () => ((await (await page.request.get('/api/session')).json()) as { csrf: string }).csrf;
  const poster = async (url: string, data: unknown) =>
    page.request.post(url, { data, headers: { 'x-csrf-token': await csrf() } });
  const enEtat = async (etat: string) => {
    const r = await page.request.get(`/api/locations?etat=${etat}&annee=${annee}&page=1&taille=50`);
    expect(r.status()).toBe(200);
    return ((await r.json()) as { locations: LocationApi[] }).locations;
  };

  it('le bail reprend le ménage du candidat désigné, saisi à la proposition ; rien n’est ressaisi', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    expect((await poster('/api/bilan/emissions', { annee })).status()).toBe(201);
    const fenetre = await poster('/api/annees/corrections', {
      annee,
      motif: 'Baux signés en décembre non enregistrés',
      fin: `${annee + 1}-02-10`,
    });
    expect(fenetre.status(), await fenetre.text()).toBe(201);

    // A letting decided in CAL, its lease not recorded: from the demo, or one decided now.
    let l = (await enEtat('decision_cal'))[0];
    if (!l) {
      const c = (await enEtat('candidats'))[0]!;
      const r = await poster(`/api/locations/${c.id}/transitions`, {
        transition: 'decider',
        decision: 'attribution',
        etatAttendu: 'candidats',
        version: c.version,
        date: `${annee}-12-15`,
        motif: 'Décision de la CAL du 15 décembre non saisie',
      });
      expect(r.status(), await r.text()).toBe(200);
      l = (await r.json()) as LocationApi;
    }

    await page.goto(`/locations?annee=${annee}&etat=decision_cal`);
    await page.locator('#tableau-locations').waitFor();
    await page.getByRole('button', { name: `Corriger la location du logement ${l.logementId}`, exact: true }).click();
    const form = page.getByRole('region', { name: `Corriger la location du logement ${l.logementId}`, exact: true });
    await form.waitFor();
    await form.getByLabel('Enregistrer la signature du bail').check({ force: true }); // the DSFR label covers its radio
    // The letting's candidates, one to pick: no household field, no first-edition box.
    const signataires = form.getByRole('group', { name: /Candidat signataire/ });
    await signataires.getByRole('radio').first().waitFor();
    expect(await form.getByLabel('Premier quartile de revenus').count()).toBe(0);
    expect(await form.getByLabel(/Taille du ménage/).count()).toBe(0);
    expect(await form.getByLabel(/Ressources annuelles/).count()).toBe(0);
    // The CAL's first-ranked (or the latest round's first) is chosen by default; take the last one listed.
    expect(await signataires.getByRole('radio', { checked: true }).count()).toBe(1);
    const choix = signataires.getByRole('radio').last();
    await choix.check({ force: true }); // the DSFR label covers its radio
    const libelle = (await signataires.locator(`label[for="${await choix.getAttribute('id')}"]`).textContent())!;
    const sne = /n° (\w+)/.exec(libelle)![1]!;
    expect(libelle).toMatch(/1er quartile : /);
    await form.getByLabel('Date de l’événement').fill(`${annee}-12-20`);
    await form.getByLabel('Motif de la correction').fill('Bail signé le 20 décembre, saisi en retard');
    expect(violationsGraves(await auditer(page), 'correction : candidat signataire')).toEqual([]);
    await capturer(page, 'correction-candidat-signataire');
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page.getByText(new RegExp(`Correction enregistrée pour le logement ${l.logementId}`)).waitFor();

    const [bail] = await nav.env.base.db.select().from(baux).where(egal(baux.locationId, l.id));
    const [c] = await nav.env.base.db
      .select()
      .from(candidatures)
      .where(and(egal(candidatures.locationId, l.id), egal(candidatures.numeroSne, sne)));
    const m = bail!.menage as Menage;
    // The household entered with the proposal, as is: composition, resources, categories.
    expect(m.personnes).toBe(c!.tailleMenage ?? undefined);
    expect(m.ressourcesAnnuelles).toBe(c!.ressourcesAnnuelles ?? undefined);
    expect(m.prioritaire).toBe(c!.prioritaire);
    // Its quartile, fixed at the CAL (computed when it has resources and a threshold), the lease's too.
    expect(c!.origineQuartile1).not.toBeNull();
    if (c!.origineQuartile1 === 'calcule')
      expect(m).toMatchObject({ quartile1: c!.quartile1, origineQuartile1: 'calcule' });
  });
});
