/**
 * The cotation in the browser (issue 17): anyone reaches the grids in force from the sign-in page's
 * footer, without signing in, and reads Orléans Métropole's in plain French; the EPCI's officer
 * edits a draft, saves it, reads its trial (the chart and the table of its figures, who moves by
 * group, the XLSX link) and records its adoption after a confirmation; a réservataire reads each
 * demand's note and rank on « Demandes ». Checked with axe-core, at 1366 px and 390 px.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('cotation des demandes (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('la grille en vigueur se lit sans connexion, depuis le pied de page', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.context().clearCookies();
    await page.goto('/connexion');
    await page.getByRole('link', { name: 'Grilles de cotation des demandes' }).click();
    await page.waitForURL((u) => u.pathname === '/cotation');
    await page.getByRole('link', { name: 'Orléans Métropole' }).click();
    await page.getByRole('heading', { level: 1, name: 'Grille de cotation — Orléans Métropole' }).waitFor();
    const texte = await page.locator('main').innerText();
    expect(texte).toContain('la CAL décide');
    expect(texte).toContain('Ancienneté : 1 point par mois depuis le dépôt de la demande, 60 points au plus.');
    expect(violationsGraves(await auditer(page), 'grille publique')).toEqual([]);
    await capturer(page, 'cotation-publique');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await capturer(page, 'cotation-publique-390');
  });

  it('l’EPCI prépare un projet, l’essaie, puis enregistre son adoption après confirmation', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await seConnecter(page, 'epci@demo.flux');
    await allerAuMenu(page, 'Grille de cotation');
    await page.waitForURL((u) => u.pathname === '/grille-de-cotation');
    await page.getByRole('heading', { name: 'Grille en vigueur' }).waitFor();
    // Resources weigh more in the draft.
    const ressources = page.getByRole('group', { name: /Ressources par unité de consommation/ });
    await ressources.getByLabel('Points').fill('80');
    await page.getByRole('button', { name: 'Enregistrer le projet' }).click();
    await page.getByRole('status').filter({ hasText: 'Projet enregistré' }).waitFor();
    await page.getByRole('img', { name: /Nombre de demandes par tranche de notes/ }).waitFor();
    await page.getByRole('table', { name: /Distribution des notes/ }).waitFor();
    const q1 = page.getByRole('row').filter({ hasText: '1er quartile' }).first();
    await q1.waitFor();
    expect(await page.getByRole('link', { name: /Télécharger l’essai/ }).getAttribute('href')).toBe(
      '/api/cotation/epci/essai.xlsx',
    );
    expect(violationsGraves(await auditer(page), 'grille EPCI (essai)')).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await capturer(page, 'cotation-essai');

    await page.getByLabel('Acte d’adoption').fill('délibération n° 2026-120 du conseil métropolitain');
    await page.getByRole('button', { name: 'Enregistrer l’adoption' }).first().click();
    const modale = page.getByRole('dialog', { name: /Enregistrer l’adoption de la version 2/ });
    await modale.waitFor();
    await capturer(page, 'cotation-confirmation');
    await modale.getByRole('button', { name: 'Enregistrer l’adoption' }).click();
    await page.getByRole('status').filter({ hasText: 'Adoption enregistrée : la version 2 est publiée' }).waitFor();
    await expect.poll(() => page.locator('#cotation-vigueur + ol').innerText()).toContain('version 2');
  });

  it('le réservataire lit la note, le détail et le rang de ses demandes', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await seConnecter(page, 'reservataire@demo.flux');
    await page.goto('/demandes');
    const resume = page.locator('main details summary').first();
    await resume.waitFor();
    expect(await resume.innerText()).toMatch(/\d+ points? · \d+(re|e) sur \d+/);
    await resume.click();
    expect(await page.locator('main details').first().innerText()).toContain('ancienneté de la demande');
    expect(violationsGraves(await auditer(page), 'demandes (cotation)')).toEqual([]);
    await capturer(page, 'cotation-demandes');
  });
});
