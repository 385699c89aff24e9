/**
 * « Bilan annuel » in the browser (issue 7): a réservataire (Action Logement) opens the bilan of
 * its bailleur, sees only its own line, and downloads the XLSX, which holds only its line and its
 * own lettings; the bailleur sees every line, the same figures as the API. Checked with axe-core,
 * photographed.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { BilanApi } from '../../src/contracts/bilan.ts';
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

decrireNavigateur('bilan annuel (navigateur)', () => {
  // The demo seeds the current year: the page opens on last year's (empty) bilan, then we choose this one.
  const annee = new Date().getFullYear();

  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const ouvrir = async (email: string) => {
    await seConnecter(page, email);
    await allerAuMenu(page, 'Bilan annuel');
    await page.waitForURL((u) => u.pathname === '/bilan');
    await page.getByRole('heading', { level: 1, name: 'Bilan annuel' }).waitFor();
  };
  const choisirAnnee = async () => {
    await page.getByLabel('Année du bilan').selectOption(String(annee));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL((u) => u.searchParams.get('annee') === String(annee));
  };
  const tableauLignes = () => page.getByRole('table', { name: new RegExp(`Bilan ${annee} par ligne`) });
  const api = async (q: string) => {
    const r = await page.request.get(`/api/bilan?${q}`);
    expect(r.status()).toBe(200);
    return (await r.json()) as BilanApi;
  };

  it('un réservataire ne voit que sa ligne et télécharge un XLSX qui ne contient qu’elle', async () => {
    await ouvrir('reservataire@demo.flux');
    await page.getByLabel('Bailleur et département').selectOption({ label: 'Habitat Loiret Démo — département 45' });
    await choisirAnnee();
    await tableauLignes().waitFor();
    const b = await api(`annee=${annee}&bailleur=HLD&departement=45`);
    expect(b.lignes.map((l) => l.ligne)).toEqual(['ACTION-LOGEMENT']);
    expect(await colonne(page, '#tableau-bilan-lignes', 'Ligne')).toEqual(['Action Logement Services']);
    expect(await colonne(page, '#tableau-bilan-lignes', 'Baux signés')).toEqual([enFrancais(b.lignes[0]!.bauxSignes)]);
    expect(await page.getByText('Ce bilan est limité à votre ligne').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Baux signés sur votre ligne' }).count()).toBe(1);
    expect(await page.getByText(/(bail|baux) hors flux/).count()).toBe(0);
    expect(await page.getByRole('link', { name: /événements de l’année/ }).count()).toBe(0);
    // Each dimension's table has the flow's column and this line's only.
    const typologie = page.locator('#tableau-bilan-typologie thead th');
    expect(await typologie.allTextContents()).toEqual(['Typologie', 'Flux de l’année', 'Action Logement Services']);
    // The flow's column sums to the flux annuel, the values the line did not receive in one row.
    expect((await page.locator('#tableau-bilan-commune tfoot td').first().textContent())?.trim()).toBe(
      enFrancais(b.flux.fluxAnnuel),
    );
    expect(violationsGraves(await auditer(page), 'bilan annuel (réservataire)')).toEqual([]);
    await capturer(page, 'bilan-reservataire');

    const [telechargement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /au format XLSX/ }).click(),
    ]);
    // The French name of Content-Disposition's filename* (filename= has its ASCII form, bilan-AAAA-HLD-45.xlsx).
    expect(telechargement.suggestedFilename()).toBe(`Bilan ${annee} — Habitat Loiret Démo — 45.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await telechargement.path())!) as unknown as ArrayBuffer);
    const textes = new Set<string>();
    for (const w of wb.worksheets)
      w.eachRow((row) => row.eachCell((c) => void (typeof c.value === 'string' && textes.add(c.value))));
    expect(textes.has('Action Logement Services')).toBe(true);
    for (const autre of [
      'Préfecture du Loiret — DDETS',
      'Orléans Métropole',
      'Département du Loiret',
      'Ville d’Orléans',
      'Habitat Loiret Démo (contingent propre)',
    ])
      expect(textes.has(autre), autre).toBe(false);
    const detail = wb.getWorksheet('Détail')!;
    expect(detail.rowCount - 1).toBe(b.detail.length);
    const colLigne = (detail.getRow(1).values as unknown[]).indexOf('Ligne');
    for (let i = 2; i <= detail.rowCount; i++)
      expect(detail.getRow(i).getCell(colLigne).value).toBe('Action Logement Services');
  });

  it('le bailleur voit toutes les lignes, avec les chiffres de l’API', async () => {
    await ouvrir('bailleur@demo.flux');
    await choisirAnnee();
    await tableauLignes().waitFor();
    // Its only bilan is chosen for it: no bailleur to choose.
    expect(await page.getByLabel('Bailleur et département').count()).toBe(0);
    const b = await api(`annee=${annee}`);
    expect(b.lignes.length).toBeGreaterThan(3);
    expect(await colonne(page, '#tableau-bilan-lignes', 'Ligne')).toEqual(b.lignes.map((l) => l.nom));
    expect(await colonne(page, '#tableau-bilan-lignes', 'Décomptés')).toEqual(
      b.lignes.map((l) => enFrancais(l.decomptes)),
    );
    expect(await colonne(page, '#tableau-bilan-typologie', 'Flux de l’année')).toEqual(
      b.dimensions.typologie.valeurs.map((v) => enFrancais(b.dimensions.typologie.flux[v] ?? 0)),
    );
    await page.getByLabel('Chiffre montré dans les graphiques et tableaux').selectOption('attribues');
    expect(await colonne(page, '#tableau-bilan-typologie', 'Action Logement Services')).toEqual(
      b.dimensions.typologie.valeurs.map((v) =>
        enFrancais(b.dimensions.typologie.parLigne['ACTION-LOGEMENT']?.[v]?.attribues ?? 0),
      ),
    );
    expect(await page.getByRole('img', { name: /Typologie : répartition du flux/ }).count()).toBe(1);
    // The key figure says it counts the flow's leases, with those signed outside the flow beside them.
    const baux = page.locator('.flux-chiffre', {
      has: page.getByRole('heading', { name: 'Baux signés dans le flux' }),
    });
    expect((await baux.locator('.flux-chiffre__valeur').textContent())?.trim()).toBe(
      enFrancais(b.lignes.reduce((t, l) => t + l.bauxSignes, 0)),
    );
    const horsFlux = b.relogements.categories.reduce((t, r) => t + r.bauxSignes, 0);
    expect(horsFlux).toBeGreaterThan(0);
    expect(await baux.textContent()).toContain(
      `et ${enFrancais(horsFlux)} ${horsFlux >= 2 ? 'baux' : 'bail'} hors flux`,
    );
    // Two lines on a laptop, like its neighbours' (a line of the tile's detail is 1.25 rem = 20 px).
    await page.setViewportSize({ width: 1366, height: 900 });
    expect((await baux.locator('.fr-tile__detail').boundingBox())!.height).toBeLessThanOrEqual(44);
    // On a phone the page is no wider than the screen (the download links' details wrap).
    await page.setViewportSize({ width: 390, height: 800 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(violationsGraves(await auditer(page), 'bilan annuel (bailleur)')).toEqual([]);
    await capturer(page, 'bilan-bailleur');
    const pdf = await page.request.get((await page.getByRole('link', { name: /au format PDF/ }).getAttribute('href'))!);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The year's events, to recompute this bilan with flux simulate --bilan.
    const [scenario] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /événements de l’année/ }).click(),
    ]);
    expect(scenario.suggestedFilename()).toBe(`scenario-${annee}-HLD-45.json`);
    const texte = readFileSync((await scenario.path())!, 'utf8');
    expect((JSON.parse(texte) as { evenements: unknown[] }).evenements.length).toBeGreaterThan(b.detail.length);
  });
});
