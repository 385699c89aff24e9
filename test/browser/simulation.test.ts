/**
 * « Simulation » in the browser (issue 18): the bailleur opens the page from the menu, reads each
 * line's options side by side and the same figures as the API, edits the assumptions (runs, seed,
 * refusal rate) and sees them used; the XLSX downloads; a réservataire sees its own line only.
 * Checked with axe-core, photographed.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { ReponseSimulation } from '../../src/contracts/simulation.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

const decimal = (x: number) =>
  new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x).replace('-', '−');

decrireNavigateur('simulation de Monte Carlo (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('le bailleur compare les options, modifie les hypothèses et télécharge le classeur', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Simulation');
    await page.waitForURL((u) => u.pathname === '/simulation');
    const tableau = page.getByRole('table', { name: /Par ligne et par option/ });
    await tableau.waitFor({ timeout: 60_000 });
    const api = (await (await page.request.get('/api/flux/simulation')).json()) as ReponseSimulation;
    const al = api.options[0]!.lignes.find((l) => l.nom === 'Action Logement Services')!;
    const ligne = tableau.getByRole('row', { name: /Action Logement Services conventions telles quelles/ });
    expect(await ligne.textContent()).toContain(decimal(al.solde.mediane));
    expect(await page.getByRole('img', { name: /Solde au 31 décembre de Action Logement Services/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /Action Logement Services : logements reçus/ }).count()).toBe(1);
    expect(violationsGraves(await auditer(page), 'simulation')).toEqual([]);
    await capturer(page, 'simulation-bailleur');

    await page.getByLabel(/^Tirages/).fill('5');
    await page.getByLabel(/^Graine/).fill('8');
    await page.getByLabel(/^Taux de refus/).fill('25');
    await page.getByRole('button', { name: 'Simuler' }).click();
    await page.waitForURL((u) => u.searchParams.get('graine') === '8');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Tirages', level: 3 }).locator('..').textContent(), {
        timeout: 60_000,
      })
      .toContain('graine 8');
    expect(await page.locator('main').textContent()).toMatch(/refus 25\s%/);

    const lien = await page.getByRole('link', { name: /Télécharger la simulation/ }).getAttribute('href');
    expect(lien).toContain('graine=8');
    const xlsx = await page.request.get(lien!);
    expect(xlsx.status()).toBe(200);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
  });

  it('un réservataire ne voit que sa ligne', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    await page.goto('/simulation?tirages=5');
    const tableau = page.getByRole('table', { name: /Par ligne et par option/ });
    await tableau.waitFor({ timeout: 60_000 });
    // Five options of one line, plus the header row.
    expect(await tableau.getByRole('row').count()).toBe(6);
    expect(await tableau.textContent()).not.toContain('Préfecture du Loiret');
    expect(violationsGraves(await auditer(page), 'simulation du réservataire')).toEqual([]);
  });
});
