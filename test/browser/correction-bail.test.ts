/**
 * « Corriger » a lease's signature (issue 13 item 3): the late correction enters the signatory
 * household with the same entry as the candidates' form (second edition: persons, children under
 * 14, resources, priority categories, rehousing) — no first-edition box — and the lease records its
 * data, the first quartile computed from its resources against the EPCI's threshold, not declared.
 * The server's clock is on 20 January of the year after the demo's, a correction window open.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { LocationApi } from '../../src/contracts/api.ts';
import { baux } from '../../src/db/schema.ts';
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

  it('le ménage signataire se saisit comme un candidat ; le bail garde ses données et son quartile calculé', async () => {
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
    // The candidates' entry, for one household: no SNE number, no first-edition box.
    await form.getByRole('group', { name: 'Ménage signataire' }).waitFor();
    expect(await form.getByLabel('Premier quartile de revenus').count()).toBe(0);
    expect(await form.getByLabel(/Numéro unique SNE/).count()).toBe(0);
    await form.getByLabel('Taille du ménage signataire (personnes)').fill('3');
    await form.getByLabel('Dont enfants de moins de 14 ans (ménage signataire)').fill('3');
    await form.getByLabel('Ressources annuelles du ménage signataire (€)').fill('9000');
    await form.getByLabel(/^DALO/).check({ force: true });
    await form.getByLabel('Date de l’événement').fill(`${annee}-12-20`);
    await form.getByLabel('Motif de la correction').fill('Bail signé le 20 décembre, saisi en retard');
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    // Said before sending, in French: three children under 14 in a household of three.
    await form.getByText(/Ménage signataire : au plus 2 enfant\(s\) de moins de 14 ans/).waitFor();
    expect(violationsGraves(await auditer(page), 'correction : ménage signataire')).toEqual([]);
    await capturer(page, 'correction-menage-signataire');
    await form.getByLabel('Dont enfants de moins de 14 ans (ménage signataire)').fill('1');
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page.getByText(new RegExp(`Correction enregistrée pour le logement ${l.logementId}`)).waitFor();

    const [bail] = await nav.env.base.db.select().from(baux).where(eq(baux.locationId, l.id));
    const m = bail!.menage as Menage;
    expect(m).toMatchObject({ personnes: 3, enfantsMoins14: 1, ressourcesAnnuelles: 9000, categories: ['dalo'] });
    expect(m.prioritaire).toBe(true);
    // Computed from 9,000 € for 1.8 UC against the EPCI's threshold, never declared by a box.
    expect(m.origineQuartile1).toBe('calcule');
    expect(typeof m.quartile1).toBe('boolean');
  });
});
