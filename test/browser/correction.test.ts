/**
 * A late correction from « Locations » (issue 7 item 3), the server's clock on 20 January of the
 * year after the demo's: the bailleur issues the demo year's bilan (API); each letting of the year
 * shows « Année verrouillée (bilan émis) » and the page points to « Bilan annuel », with no
 * « Corriger »; a correction window opened (API), each shows « Correction tardive ouverte jusqu’au … »
 * and « Corriger »; the form offers the lifecycle's transitions from « Orientée », refuses a reason
 * under 10 characters (counted), says a stale letting's 409 in French, then records « no candidate »
 * with its reason: the letting is « Sans candidat », and the re-issued bilan (version 2) shows the
 * change and the reason, on « Bilan annuel » too. Checked with axe-core.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { LocationApi } from '../../src/contracts/api.ts';
import type { EmissionsAnneeApi } from '../../src/contracts/emission-bilan.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('correction tardive d’une location depuis « Locations » (navigateur)', () => {
  // The demo seeds the current year; the server lives on 20 January of the next one.
  const annee = new Date().getFullYear();
  const maintenant = new Date(`${annee + 1}-01-20T10:00:00Z`);
  const fin = `${annee + 1}-02-10`;

  const nav = preparerNavigateur({ horloge: () => maintenant });
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const csrf = async () => ((await (await page.request.get('/api/session')).json()) as { csrf: string }).csrf;
  const poster = async (url: string, data: unknown) =>
    page.request.post(url, { data, headers: { 'x-csrf-token': await csrf() } });
  const orientees = async () => {
    // The page's first page of oriented lettings of the year, in the same order.
    const r = await page.request.get(`/api/locations?etat=orientee&annee=${annee}&page=1&taille=50`);
    expect(r.status()).toBe(200);
    return ((await r.json()) as { locations: LocationApi[] }).locations;
  };
  const ouvrirLocations = async () => {
    await allerAuMenu(page, 'Locations');
    await page.waitForURL((u) => u.pathname === '/locations');
    await page.getByLabel('État').selectOption('orientee');
    await page.getByLabel('Année', { exact: true }).selectOption(String(annee));
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(
      (u) => u.searchParams.get('annee') === String(annee) && u.searchParams.get('etat') === 'orientee',
    );
    await page.locator('#tableau-locations').waitFor();
  };

  it('bilan émis : verrouillée sans « Corriger » ; fenêtre ouverte : correction avec motif, la location change, la version 2 montre le motif', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    const emis = await poster('/api/bilan/emissions', { annee });
    expect(emis.status(), await emis.text()).toBe(201);

    // Locked, no window: a badge on each letting of the year, no « Corriger », the way to « Bilan annuel ».
    await ouvrirLocations();
    const tableau = page.locator('#tableau-locations');
    const lignes = (await orientees()).length;
    expect(lignes).toBeGreaterThan(1);
    // The filtered list replaced the previous one (kept on screen while loading).
    await expect.poll(() => tableau.locator('tbody tr').count()).toBe(lignes);
    await expect.poll(() => tableau.getByText('Année verrouillée (bilan émis)').count()).toBe(lignes);
    expect(await page.getByRole('button', { name: /^Corriger/ }).count()).toBe(0);
    const lien = page.getByRole('link', { name: `« Bilan annuel » ${annee}` });
    expect(await lien.getAttribute('href')).toBe(`/bilan?annee=${annee}`);
    expect(violationsGraves(await auditer(page), 'locations, année verrouillée')).toEqual([]);

    // The bailleur opens a late-correction window (as on « Bilan annuel »).
    const fenetre = await poster('/api/annees/corrections', {
      annee,
      motif: 'Délais de proposition dépassés non constatés',
      fin,
    });
    expect(fenetre.status(), await fenetre.text()).toBe(201);
    await page.reload();
    await tableau.waitFor();
    const finFr = `${fin.slice(8, 10)}/${fin.slice(5, 7)}/${fin.slice(0, 4)}`;
    await expect.poll(() => tableau.getByText(`Correction tardive ouverte jusqu’au ${finFr}`).count()).toBe(lignes);
    expect(await lien.count()).toBe(0);

    const [v, autre] = (await orientees()).filter((l) => l.reservataireId !== null);
    expect(v && autre).toBeTruthy();

    // A stale form: the letting moved after the form was opened → 409 in French, the list reloads.
    await page
      .getByRole('button', { name: `Corriger la location du logement ${autre!.logementId}`, exact: true })
      .click();
    const formulaire = page.getByRole('region', {
      name: `Corriger la location du logement ${autre!.logementId}`,
      exact: true,
    });
    await formulaire.waitFor();
    const deplacee = await poster(`/api/locations/${autre!.id}/transitions`, {
      transition: 'constater_sans_candidat',
      etatAttendu: 'orientee',
      version: autre!.version,
      date: `${annee}-12-31`,
      motif: 'constaté par un collègue',
    });
    expect(deplacee.status(), await deplacee.text()).toBe(200);
    await formulaire.getByLabel('Constater l’absence de candidat dans le délai').check({ force: true }); // the DSFR label covers its radio
    await formulaire.getByLabel('Motif de la correction').fill('Aucun candidat reçu dans le délai');
    await formulaire.getByRole('button', { name: 'Enregistrer la correction' }).click();
    const refus = formulaire.getByRole('alert');
    await expect
      .poll(() => refus.textContent())
      .toContain('La correction n’a pas été enregistrée. La location a changé entre-temps');
    expect(await refus.textContent()).toContain('rouvrez « Corriger »');
    await formulaire.getByRole('button', { name: 'Annuler' }).click();

    // The correction itself.
    await page.getByRole('button', { name: `Corriger la location du logement ${v!.logementId}`, exact: true }).click();
    const form = page.getByRole('region', { name: `Corriger la location du logement ${v!.logementId}`, exact: true });
    await form.waitFor();
    // The lifecycle's transitions from « Orientée », nothing else.
    expect(
      (
        await form
          .getByRole('radio')
          .evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? ''))
      ).sort(),
    ).toEqual(
      [
        'Constater l’absence de candidat dans le délai',
        'Enregistrer des candidats proposés',
        'Réorienter vers un autre réservataire',
      ].sort(),
    );
    await form.getByLabel('Constater l’absence de candidat dans le délai').check({ force: true }); // the DSFR label covers its radio
    await form.getByLabel('Date de l’événement').fill(`${annee}-12-31`);
    const motif = form.getByLabel('Motif de la correction');
    await motif.fill('trop court');
    expect(await form.getByText('10 caractères saisis sur 10 au moins').count()).toBe(1);
    await motif.fill('court');
    await form.getByText('5 caractères saisis sur 10 au moins').waitFor();
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await form.getByText('Indiquez le motif de la correction : au moins 10 caractères (5 saisis).').waitFor();
    expect(await motif.getAttribute('aria-invalid')).toBe('true');
    expect(violationsGraves(await auditer(page), 'formulaire de correction tardive')).toEqual([]);
    await capturer(page, 'locations-correction-formulaire');

    const raison = 'Aucun candidat reçu dans le délai d’un mois';
    await motif.fill(raison);
    await form.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page
      .getByText(
        `Correction enregistrée pour le logement ${v!.logementId} : « Orientée » → « Sans candidat ». Motif : « ${raison} »`,
      )
      .waitFor();
    expect(await form.count()).toBe(0);
    // The list refreshed: neither corrected letting is « Orientée » any more.
    const restantes = (await orientees()).length;
    expect(restantes).toBeGreaterThan(0);
    await expect.poll(() => tableau.locator('tbody tr').count()).toBe(restantes);
    expect(await tableau.getByRole('row', { name: new RegExp(v!.logementId) }).count()).toBe(0);
    const apres = (await (await page.request.get(`/api/locations/${v!.id}`)).json()) as LocationApi;
    expect(apres).toMatchObject({
      etat: 'sans_candidat',
      version: v!.version + 1,
      verrouAnnee: { etat: 'correction', fin },
    });
    expect(violationsGraves(await auditer(page), 'locations, correction enregistrée')).toEqual([]);
    await capturer(page, 'locations-correction-enregistree');

    // Re-issued: version 2 lists the correction with its reason, and the letting's change.
    const re = await poster('/api/bilan/emissions', { annee });
    expect(re.status(), await re.text()).toBe(201);
    const e = (await re.json()) as EmissionsAnneeApi;
    const v2 = e.versions.find((x) => x.version === 2)!;
    expect(v2.corrections.map((c) => ({ locationId: c.locationId, motif: c.motif, action: c.action }))).toEqual(
      expect.arrayContaining([{ locationId: v!.id, motif: raison, action: 'location.constater_sans_candidat' }]),
    );
    expect(v2.difference!.logements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ logement: v!.logementId, champ: 'statut', avant: 'en_cours', apres: 'echec' }),
      ]),
    );

    await page.goto(`/bilan?annee=${annee}`);
    await page.getByText('Émis — version 2').waitFor();
    await page
      .getByRole('table', { name: 'Corrections tardives prises en compte dans la version 2' })
      .getByText(raison)
      .waitFor();
    expect(violationsGraves(await auditer(page), 'bilan réémis après une correction depuis « Locations »')).toEqual([]);

    // Locked again: no « Corriger » left.
    await page.goto(`/locations?annee=${annee}&etat=orientee`);
    await tableau.waitFor();
    await expect.poll(() => tableau.getByText('Année verrouillée (bilan émis)').count()).toBe(restantes);
    expect(await page.getByRole('button', { name: /^Corriger/ }).count()).toBe(0);
  });
});
