/**
 * « Simulation » in the browser (issue 18): the bailleur opens the page from the menu, reads each
 * line's options side by side and the same figures as the API, edits the assumptions (runs, seed,
 * refusal rate, the options' numbers) and sees them used; the options of ADR 0049 are in the
 * table, the bands and the list of assumptions; the XLSX and the PDF download; a réservataire sees
 * its own line only. Checked with axe-core at 1366 px (no page wider), photographed.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { ReponseSimulation } from '../../src/contracts/simulation.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

/** As the page writes a median: one decimal at most, none on a whole number (« 2 043 », not « 2 043,0 »). */
const decimal = (x: number) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(x).replace('-', '−');

decrireNavigateur('simulation de Monte Carlo (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('le bailleur compare les options, modifie les hypothèses et télécharge le classeur', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
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
    // The options of ADR 0049: in the table, in the bands, and described.
    for (const nom of [
      'tous les réservataires par logement',
      'gestion déléguée au bailleur (contingent de l’État)',
      'report : aucun',
      'report plafonné à 2 logements',
      'historique de 2 ans (rotation)',
    ]) {
      expect(
        await tableau
          .getByRole('row', { name: new RegExp(`Action Logement Services ${nom.replace(/[()]/g, '\\$&')}`) })
          .count(),
        nom,
      ).toBe(1);
      expect(
        await page.getByRole('img', { name: /Solde au 31 décembre de Action Logement Services/ }).textContent(),
      ).toContain(nom);
    }
    const aucun = api.options
      .find((o) => o.nom === 'report : aucun')!
      .lignes.find((l) => l.nom === 'Action Logement Services')!;
    expect(aucun.reportAnneeSuivante.mediane).toBe(0);
    await page.getByText('Les options et leurs hypothèses').click();
    await page.getByText(/le premier dossier complet l’emporte/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'simulation')).toEqual([]);
    await capturer(page, 'simulation-bailleur');

    await page.getByLabel(/^Tirages/).fill('5');
    await page.getByLabel(/^Graine/).fill('8');
    await page.getByLabel(/^Taux de refus/).fill('25');
    await page.getByLabel(/^Plafond du report/).fill('3');
    await page.getByLabel(/^Rotation des années passées/).fill('5 ; 30');
    await page.getByRole('button', { name: 'Simuler' }).click();
    await page.waitForURL((u) => u.searchParams.get('graine') === '8');
    await expect
      .poll(() => page.getByRole('heading', { name: 'Tirages', level: 3 }).locator('..').textContent(), {
        timeout: 60_000,
      })
      .toContain('graine 8');
    expect(await page.locator('main').textContent()).toMatch(/refus 25\s%/);
    await page
      .getByRole('table', { name: /Par ligne et par option/ })
      .getByText('report plafonné à 3 logements')
      .first()
      .waitFor();
    await page
      .getByRole('table', { name: /Par ligne et par option/ })
      .getByText('historique de 3 ans (rotation)')
      .first()
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);

    const lien = await page.getByRole('link', { name: /Télécharger la simulation/ }).getAttribute('href');
    expect(lien).toContain('graine=8');
    const xlsx = await page.request.get(lien!);
    expect(xlsx.status()).toBe(200);
    expect((await xlsx.body()).subarray(0, 2).toString()).toBe('PK');
    const lienPdf = await page.getByRole('link', { name: /Télécharger les options \(PDF/ }).getAttribute('href');
    expect(lienPdf).toContain('historique=0.05%3B0.3');
    const pdf = await page.request.get(lienPdf!);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000); // two 30-run simulations of eleven options on a shared 2-core machine

  it('un réservataire ne voit que sa ligne', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    await page.goto('/simulation?tirages=5');
    const tableau = page.getByRole('table', { name: /Par ligne et par option/ });
    await tableau.waitFor({ timeout: 60_000 });
    // Every option the API ran, for its one line, plus the header row; those not run say why.
    const reponse = await page.request.get('/api/flux/simulation?tirages=5&bailleur=HLD');
    expect(reponse.status(), await reponse.text()).toBe(200);
    const api = (await reponse.json()) as ReponseSimulation;
    expect(api.options.length + api.optionsAbsentes.length).toBe(11);
    expect(await tableau.getByRole('row').count()).toBe(api.options.length + 1);
    await page.getByText('Les options et leurs hypothèses').click();
    for (const a of api.optionsAbsentes) await page.getByText(`Non calculée : ${a.raison}.`).first().waitFor();
    expect(await tableau.textContent()).not.toContain('Préfecture du Loiret');
    expect(violationsGraves(await auditer(page), 'simulation du réservataire')).toEqual([]);
  });
});
