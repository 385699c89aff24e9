/**
 * « Qualité des données » in the browser: the bailleur opens the page from the menu, chooses the
 * year of the allocations and reads the indicator (the same figure as the API), the controls'
 * table and the XLSX link; the State pilot chooses a bailleur; a réservataire is told the page is
 * not for its role. Checked with axe-core and photographed into /tmp/flux-screens/.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { RapportQualiteApi } from '../../src/contracts/api.ts';
import {
  auditer,
  capturer,
  colonne,
  decrireNavigateur,
  enFrancais,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';
import { allerAuMenu } from './menu.ts';

const pourcentage = (x: number) =>
  new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(x);

decrireNavigateur('qualité des données (navigateur)', () => {
  /** The demo's lettings are in the current year (the seed's `aujourdhui` is today). */
  const annee = new Date().getFullYear();

  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const tuile = (libelle: string) =>
    page.locator('.flux-chiffre', { has: page.getByRole('heading', { name: libelle }) });

  it('le bailleur ouvre la page depuis le menu et lit l’indicateur, les contrôles et le lien XLSX', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Qualité des données');
    await page.waitForURL((u) => u.pathname === '/qualite');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Qualité des données');
    await page.getByLabel('Année des attributions').selectOption(String(annee));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL((u) => u.searchParams.get('annee') === String(annee));

    const api = (await (await page.request.get(`/api/patrimoine/qualite?annee=${annee}`)).json()) as RapportQualiteApi;
    const i = api.indicateurs.partAttributionsReservataireConnu;
    expect(i.denominateur).toBeGreaterThan(0);
    await expect
      .poll(() => tuile('Attributions au réservataire connu').locator('.flux-chiffre__valeur').textContent())
      .toBe(pourcentage(i.realise!));
    expect(await tuile('Attributions au réservataire connu').textContent()).toContain('Loiret 49 %');
    expect(await tuile('Logements contrôlés').locator('.flux-chiffre__valeur').textContent()).toBe(
      enFrancais(api.totalLogements),
    );

    expect(await colonne(page, '#tableau-qualite', 'Contrôle')).toEqual(api.controles.map((c) => c.libelle));
    expect(await colonne(page, '#tableau-qualite', 'Logements')).toEqual(
      api.controles.map((c) => enFrancais(c.nombre)),
    );
    expect(await colonne(page, '#tableau-qualite', 'Gravité')).toEqual(
      api.controles.map((c) => (c.gravite === 'erreur' ? 'Erreur' : 'Avertissement')),
    );

    const lien = page.getByRole('link', { name: /Télécharger le rapport complet/ });
    expect(await lien.getAttribute('href')).toBe(`/api/patrimoine/qualite.xlsx?bailleur=HLD&annee=${annee}`);
    const xlsx = await page.request.get((await lien.getAttribute('href'))!);
    expect(xlsx.status()).toBe(200);
    expect(xlsx.headers()['content-disposition']).toMatch(/^attachment;/);

    expect(violationsGraves(await auditer(page), 'qualité des données')).toEqual([]);
    await capturer(page, 'qualite-bailleur');
  });

  it('le pilote de l’État choisit un bailleur de son département', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/qualite');
    // Never blank (issue 12 item 7): the page opens on the first bailleur, then another is chosen.
    await page.waitForURL((u) => u.searchParams.get('bailleur') === 'GBH');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Gâtinais Beauce Habitat Démo en chiffres' }).count())
      .toBe(1);
    await expect.poll(() => page.getByLabel('Bailleur', { exact: true }).locator('option').count()).toBeGreaterThan(1);
    await page.getByLabel('Bailleur', { exact: true }).selectOption('VLL');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL((u) => u.searchParams.get('bailleur') === 'VLL');
    await expect.poll(() => page.getByRole('heading', { name: 'Val de Loire Logis Démo en chiffres' }).count()).toBe(1);
    expect(await page.locator('#tableau-qualite tbody tr').count()).toBeGreaterThan(10);
    expect(violationsGraves(await auditer(page), 'qualité des données (État)')).toEqual([]);
  });

  it('un réservataire : la page n’est pas pour son rôle', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    expect(
      await page
        .getByRole('navigation', { name: 'Menu principal' })
        .getByRole('link', { name: 'Qualité des données', includeHidden: true })
        .count(),
    ).toBe(0);
    await page.goto('/qualite');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès non autorisé');
  });
});
