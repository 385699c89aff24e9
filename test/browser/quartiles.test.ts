/**
 * « Seuils du premier quartile » in the browser (ADR 0034, ADR 0050): the State pilot opens it from
 * the menu, reads the year's demo thresholds per EPCI (the arrêté's for Orléans Métropole, with its
 * act), uploads a file with invalid rows (nothing imported, each problem named by line:column) then
 * a valid one (the table changes); the EPCI reader and the bailleur (its CAL computes the quartiles)
 * read the page without the import; a réservataire is told it is not for its role.
 * Checked with axe-core.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('seuils du premier quartile (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  let dossier: string;
  beforeAll(() => {
    dossier = mkdtempSync(join(tmpdir(), 'flux-quartiles-'));
  });
  afterAll(() => rmSync(dossier, { recursive: true, force: true }));
  beforeEach(() => {
    page = nav.page;
  });

  const ligneOrleans = () => page.getByRole('row').filter({ hasText: 'Orléans Métropole' });

  it('le pilote de l’État lit les seuils de l’année et importe un fichier, tout ou rien', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await allerAuMenu(page, 'Seuils du premier quartile');
    await page.waitForURL((u) => u.pathname === '/quartiles');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Seuils du premier quartile');
    await ligneOrleans().first().waitFor();
    expect(await ligneOrleans().first().textContent()).toContain('Arrêté du 23 avril 2026');
    expect(await ligneOrleans().first().textContent()).toMatch(/10\s289\s€/);
    expect(violationsGraves(await auditer(page), 'seuils (liste)')).toEqual([]);

    // The shared upload form: the size limit stated, a missing file and a file too big refused before sending.
    expect(await page.locator('.fr-upload-group').textContent()).toContain('1 Mo au plus');
    await page.getByRole('button', { name: 'Importer les seuils' }).click();
    await page.getByText('Choisissez le fichier des seuils à importer.').waitFor();
    const gros = join(dossier, 'gros.csv');
    writeFileSync(gros, `SIREN;MONTANT\n${'244500468;10500\n'.repeat(80_000)}`);
    await page.getByLabel('Fichier des seuils').setInputFiles(gros);
    await page.getByRole('button', { name: 'Importer les seuils' }).click();
    await page.getByText(/^Ce fichier fait 1,2 Mo : 1 Mo au plus\.$/).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Import en cours' }).count()).toBe(0);

    const mauvais = join(dossier, 'mauvais.csv');
    writeFileSync(mauvais, 'SIREN;MONTANT\n244500468;12345\n2445;9000\n');
    await page.getByLabel('Fichier des seuils').setInputFiles(mauvais);
    await page.getByRole('button', { name: 'Importer les seuils' }).click();
    await page.getByRole('alert').filter({ hasText: 'Rien n’a été importé' }).waitFor();
    expect(await page.locator('#quartiles-problemes li').first().textContent()).toContain('mauvais.csv:3:1');
    // The summary above the list, the problems once (in the list, not again in the alert).
    const alerte = page.getByRole('alert').filter({ hasText: 'Rien n’a été importé' });
    expect(await alerte.textContent()).toContain('1 problème dans le fichier : corrigez-le et envoyez-le de nouveau.');
    expect(await alerte.textContent()).not.toContain('mauvais.csv:3:1');
    expect(await ligneOrleans().first().textContent()).not.toContain('12 345');
    expect(violationsGraves(await auditer(page), 'seuils (refus)')).toEqual([]);

    const bon = join(dossier, 'bon.csv');
    writeFileSync(bon, 'SIREN;MONTANT\n244500468;12345\n');
    await page.getByLabel('Fichier des seuils').setInputFiles(bon);
    await page.getByLabel('Arrêté (source)').fill('Arrêté de démonstration du navigateur');
    await page.getByRole('button', { name: 'Importer les seuils' }).click();
    await page.getByRole('status').filter({ hasText: 'Seuils importés' }).waitFor();
    await expect.poll(() => ligneOrleans().first().textContent()).toMatch(/12\s345\s€/);
    expect(await ligneOrleans().first().textContent()).toContain('Arrêté de démonstration du navigateur');
    expect(await page.getByRole('row').count()).toBe(2);
    await capturer(page, 'quartiles-import');
  });

  it('le lecteur EPCI et le bailleur lisent la page sans l’import ; un réservataire n’y a pas accès', async () => {
    for (const email of ['epci@demo.flux', 'bailleur@demo.flux']) {
      // One page per account (a signed-in page is not shown the sign-in form again).
      const p = email === 'epci@demo.flux' ? page : await nav.nouvellePage();
      await seConnecter(p, email);
      await allerAuMenu(p, 'Seuils du premier quartile');
      await p.getByRole('heading', { level: 1, name: 'Seuils du premier quartile' }).waitFor();
      await p.getByRole('table').first().waitFor();
      expect(await p.getByRole('button', { name: 'Importer les seuils' }).count(), email).toBe(0);
    }
    const autre = await nav.nouvellePage();
    await seConnecter(autre, 'reservataire@demo.flux');
    await autre.goto('/quartiles');
    await autre
      .getByText('La page « Seuils du premier quartile » n’est pas accessible avec votre rôle')
      .first()
      .waitFor();
  });
});
