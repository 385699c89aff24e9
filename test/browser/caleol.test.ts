/**
 * « CALEOL » in the browser (ADR 0044): the bailleur's officer opens the page from the menu, reads
 * the demo's households to examine by case with the texts cited, creates a session and renders an
 * avis behind the confirmation; the household leaves the list and the avis appears with its
 * follow-up. Checked with axe-core, at 1366 px and 390 px, without internal ids.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

decrireNavigateur('CALEOL (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(async () => {
    page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('le bailleur lit les ménages à examiner par cas, crée une séance et rend un avis', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'CALEOL');
    await page.waitForURL((u) => u.pathname === '/caleol');
    await page.getByRole('heading', { name: 'Ménages à examiner par cas' }).waitFor();
    const main = page.locator('main');
    expect(await main.innerText()).toContain('Liste fictive (démonstration)');
    expect(await main.innerText()).toContain('CCH L.442-5-2 2° et L.621-2');
    expect(await main.innerText()).not.toMatch(UUID);
    const lignes = page.locator('#caleol-menages ~ * tbody tr, section:has(#caleol-menages) tbody tr');
    const avant = await lignes.count();
    expect(avant).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'caleol')).toEqual([]);
    await capturer(page, 'caleol');

    await page.getByLabel('Date de la séance').fill('2026-12-01');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await page.getByText('Les avis sont enregistrés pour la séance du 01/12/2026').waitFor();

    const premiere = lignes.first();
    const logement = (await premiere.locator('th').innerText()).split(' ')[0]!;
    await premiere.getByRole('button', { name: 'Rendre l’avis' }).click();
    const modale = page.getByRole('dialog');
    await modale.getByLabel('Avis de la commission').selectOption('maintien');
    expect(violationsGraves(await auditer(page), 'caleol (avis)')).toEqual([]);
    await modale.getByRole('button', { name: 'Confirmer' }).click();
    await page.getByRole('heading', { name: 'Avis et suivi des propositions' }).waitFor();
    await page.locator('section:has(#caleol-suivi) tbody tr').filter({ hasText: logement }).first().waitFor();
    await expect.poll(() => lignes.count()).toBe(avant - 1);

    // Entry on the page: the same household corrected by hand.
    const saisie = page.getByRole('form', { name: 'Ménage en place dans un logement' });
    await saisie.getByLabel('Logement (numéro RPLS)').fill(logement);
    await saisie.getByLabel('Signature du bail').fill('2020-01-15');
    await saisie.getByLabel(/^Personnes/).fill('2');
    await saisie.getByRole('button', { name: 'Enregistrer le ménage' }).click();
    await page.getByText(`Ménage du logement ${logement} mis à jour.`).waitFor();
    expect(violationsGraves(await auditer(page), 'caleol (saisie)')).toEqual([]);

    await page.setViewportSize({ width: 390, height: 900 });
    expect(violationsGraves(await auditer(page), 'caleol (390 px)')).toEqual([]);
    await capturer(page, 'caleol-390');
  });
});
