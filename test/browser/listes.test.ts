/**
 * Lists as work queues in the browser (issue 12 items 2–3): filters kept in the address (a link
 * opens the list filtered, a reload keeps it), a row opens the letting page with its timeline,
 * no page wider than the screen at 1366×900 (a wide table scrolls in its own box, its action
 * column in view) and readable at 390 px, the declaration's unit suggestions, and the DSFR modal
 * before overriding a recommendation. axe-core on each page.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import {
  auditer,
  capturer,
  decrireNavigateur,
  logementsLibresHld,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';

const largeur = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

decrireNavigateur('listes de travail et page d’une location (navigateur)', () => {
  const nav = preparerNavigateur();

  it('Locations : filtres dans l’adresse, plus large que l’écran jamais, une ligne ouvre la page de la location', async () => {
    const page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/locations');
    await page.locator('#tableau-locations').waitFor();
    expect(await largeur(page)).toBeLessThanOrEqual(1366);
    // The action column stays in view, even when the table scrolls inside its box.
    const action = page.locator('#tableau-locations tbody tr').first().locator('td').last();
    const boite = await action.boundingBox();
    expect(boite!.x + boite!.width).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'locations')).toEqual([]);

    // A filter chosen is written in the address; the address alone opens the list filtered.
    await page.getByLabel('État').selectOption('orientee');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('etat') === 'orientee');
    await expect
      .poll(async () =>
        (await page.locator('#tableau-locations tbody tr').allTextContents()).every((t) => t.includes('Orientée')),
      )
      .toBe(true);
    await page.goto('/locations?echeance=mois&typologie=T3');
    await page.locator('#tableau-locations, .flux-vide').first().waitFor();
    expect(await page.getByLabel('Délai de proposition').inputValue()).toBe('mois');
    expect(await page.getByLabel('Typologie').inputValue()).toBe('T3');
    for (const t of await page.locator('#tableau-locations tbody tr').allTextContents()) expect(t).toContain('T3');

    // A row opens its letting page: the unit's one name, its timeline in French.
    await page.goto('/locations?etat=orientee');
    const lien = page.locator('#tableau-locations tbody tr').first().getByRole('link').first();
    const nom = (await lien.textContent())!;
    await lien.click();
    await page.waitForURL((u) => /^\/locations\/[^/]+$/.test(u.pathname));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Location du l${nom.slice(1)}`);
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    const chronologie = (await page.locator('.flux-chronologie').textContent())!;
    expect(chronologie).toContain('Libération du logement');
    expect(chronologie).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|(?:vacance|location)\.|orientation_forcee/);
    expect(await page.locator('main').textContent()).toContain('RPLS n°');
    expect(await largeur(page)).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'page d’une location')).toEqual([]);
    await capturer(page, 'listes-location');
  });

  it('Boîte de réception : paginée, les délais les plus proches d’abord, pas plus large que l’écran', async () => {
    const page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/boite');
    await page.locator('#tableau-boite').waitFor();
    expect(await largeur(page)).toBeLessThanOrEqual(1366);
    expect(await page.locator('#tableau-boite tbody tr').count()).toBeLessThanOrEqual(50);
    expect(violationsGraves(await auditer(page), 'boîte de réception')).toEqual([]);
    await capturer(page, 'listes-boite');
    await page.goto('/boite?echeance=mois');
    await page.locator('#tableau-boite, .flux-vide').first().waitFor();
    expect(await page.getByLabel('Délai de proposition').inputValue()).toBe('mois');
    for (const t of await page.locator('#tableau-boite tbody tr').allTextContents())
      expect(t).toMatch(/jours? restants?|Dernier jour/);
    const lien = page.locator('#tableau-boite tbody tr').first().getByRole('link').first();
    if ((await lien.count()) > 0) {
      await lien.click();
      await page.waitForURL((u) => /^\/locations\/[^/]+$/.test(u.pathname));
      await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    }
  });

  it('au téléphone (390 px), chaque liste et la page d’une location se lisent sans défilement horizontal', async () => {
    const page = nav.page;
    await seConnecter(page, 'bailleur@demo.flux');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [chemin, attendu] of [
      ['/locations', '#tableau-locations'],
      ['/boite', 'h1.flux-titre-page'],
      ['/logements', '#tableau-logements'],
    ] as const) {
      await page.goto(chemin);
      await page.locator(attendu).first().waitFor();
      expect(await largeur(page), chemin).toBeLessThanOrEqual(390);
    }
    await page.goto('/locations');
    await page.locator('#tableau-locations tbody tr').first().getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    expect(await largeur(page), 'page d’une location').toBeLessThanOrEqual(390);
    expect(violationsGraves(await auditer(page), 'page d’une location au téléphone')).toEqual([]);
  });

  it('la déclaration propose les logements par numéro RPLS ; orienter autrement demande confirmation dans une fenêtre', async () => {
    const page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
    await seConnecter(page, 'bailleur@demo.flux');
    const [logementId] = await logementsLibresHld(nav.env, 'desc');
    const { logements } = (await (
      await page.request.get(`/api/logements/recherche?q=${encodeURIComponent(logementId!)}`)
    ).json()) as { logements: { id: string; rpls: string }[] };
    const rpls = logements[0]!.rpls;
    await page.goto('/locations');
    const champ = page.getByLabel(/Logement libéré/);
    await champ.fill(rpls);
    const suggestion = page.locator('datalist option').first();
    await expect
      .poll(async () => (await suggestion.count()) > 0 && (await suggestion.getAttribute('value')))
      .toContain(`${logementId} — RPLS n° ${rpls}`);
    await champ.fill((await suggestion.getAttribute('value'))!);
    await page.getByRole('button', { name: 'Ouvrir la location' }).click();
    await expect
      .poll(() => page.locator('.fr-alert--success').first().textContent())
      .toContain(`Location du logement ${logementId} ouverte. Son numéro RPLS : ${rpls}.`);

    // Its page: the recommendation, and overriding it asks first.
    const { locations } = (await (await page.request.get(`/api/locations?q=${logementId}`)).json()) as {
      locations: { id: string; etat: string }[];
    };
    const v = locations.find((l) => l.etat === 'orientee')!;
    await page.goto(`/locations/${v.id}`);
    const panneau = page.getByRole('region', { name: `Recommandation pour le logement ${logementId}` });
    await panneau.waitFor();
    const ligne = panneau.getByLabel('Ligne', { exact: true });
    const options = await ligne.locator('option').allTextContents();
    await ligne.selectOption({ label: options[1]! });
    await panneau.getByLabel(/Motif écrit/).fill('Ménage prioritaire du quartier');
    await panneau.getByRole('button', { name: 'Orienter autrement' }).click();
    const modale = page.getByRole('dialog', { name: 'Orienter autrement que la recommandation ?' });
    await expect.poll(() => modale.isVisible()).toBe(true);
    expect(await modale.textContent()).toContain(`Le logement ${logementId} sera orienté vers « ${options[1]} »`);
    expect(violationsGraves(await auditer(page), 'confirmation d’orientation')).toEqual([]);
    await capturer(page, 'listes-confirmation-orientation');
    // « Annuler » changes nothing.
    await modale.getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(() => modale.isVisible()).toBe(false);
    const avant = (await (await page.request.get(`/api/locations/${v.id}`)).json()) as { forcee: boolean };
    expect(avant.forcee).toBe(false);
    await panneau.getByRole('button', { name: 'Orienter autrement' }).click();
    await modale.getByRole('button', { name: 'Confirmer l’orientation' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Décision enregistrée.' }).count()).toBe(1);
    await expect
      .poll(() => page.locator('.flux-chronologie').textContent())
      .toContain('Orientation décidée par le bailleur');
    expect(await page.locator('.flux-chronologie').textContent()).toContain('Ménage prioritaire du quartier');
  });
});
