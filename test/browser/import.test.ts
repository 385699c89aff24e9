/**
 * « Import RPLS » in the browser: the bailleur opens the page from the menu, chooses a small valid
 * RPLS file, uploads it (progress bar) and reads the summary; a file with an invalid row shows the
 * problems and offers the error file; a réservataire is told the page is not for its role. Checked
 * with axe-core and photographed into /tmp/flux-screens/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { csv, ligne } from '../import/fichiers.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('import RPLS (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  let dossier: string;
  beforeAll(() => {
    dossier = mkdtempSync(join(tmpdir(), 'flux-import-'));
  });
  afterAll(() => rmSync(dossier, { recursive: true, force: true }));
  beforeEach(() => {
    page = nav.page;
  });

  const tuile = (libelle: string) =>
    page
      .locator('.flux-chiffre', { has: page.getByRole('heading', { name: libelle }) })
      .locator('.flux-chiffre__valeur');

  it('le bailleur téléverse un petit fichier RPLS valide et lit le résumé', async () => {
    const chemin = join(dossier, 'patrimoine.csv');
    writeFileSync(
      chemin,
      csv([
        ligne('NAV-1'),
        ligne('NAV-2', { NBPIECE: '2' }),
        ligne('NAV-3', { FINAN: '10' }),
        ligne('NAV-4', { SURFHAB: '48' }),
      ]),
    );
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Import RPLS');
    await page.waitForURL((u) => u.pathname === '/import');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Import RPLS');
    expect(violationsGraves(await auditer(page), 'import RPLS (choix)')).toEqual([]);

    await page.getByLabel('Fichier RPLS').setInputFiles(chemin);
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    await page.getByRole('heading', { name: 'Import terminé' }).waitFor();
    expect(await tuile('Nouveaux').textContent()).toBe('4');
    expect(await tuile('Lignes rejetées').textContent()).toBe('0');
    expect(await page.getByText('patrimoine.csv : 4 logements valides sur 4 lignes.').count()).toBe(1);
    expect(await page.getByText('Aucune commune fusionnée dans le fichier.').count()).toBe(1);
    expect(violationsGraves(await auditer(page), 'import RPLS (résumé)')).toEqual([]);
    await capturer(page, 'import-rpls-resume');
  });

  it('une ligne invalide : rien n’est importé, les problèmes et le lien du fichier d’erreurs', async () => {
    const chemin = join(dossier, 'invalide.csv');
    writeFileSync(chemin, csv([ligne('NAV-1'), ligne('NAV-5', { SURFHAB: 'grande' })]));
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/import');
    await page.getByLabel('Fichier RPLS').setInputFiles(chemin);
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    await page.getByRole('alert').filter({ hasText: 'Rien n’a été importé' }).waitFor();
    expect(await page.locator('.flux-problemes li').first().textContent()).toContain('ligne 3, colonne SURFHAB');
    const lien = page.getByRole('link', { name: /^Télécharger le fichier d’erreurs \(1 ligne rejetée\)/ });
    expect(await lien.textContent()).toMatch(
      /CSV – [\d,]+ (octets|Ko) – disponible jusqu’au \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/,
    );
    const [telechargement] = await Promise.all([page.waitForEvent('download'), lien.click()]);
    expect(telechargement.suggestedFilename()).toBe('invalide.erreurs.csv');
    const contenu = readFileSync((await telechargement.path())!);
    expect([...contenu.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(contenu.toString('utf8')).toContain('Erreur');
    expect(violationsGraves(await auditer(page), 'import RPLS (refus)')).toEqual([]);
    await capturer(page, 'import-rpls-refus');
  });

  it('un réservataire : la page n’est pas pour son rôle', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    expect(
      await page
        .getByRole('navigation', { name: 'Menu principal' })
        .getByRole('link', { name: 'Import RPLS', includeHidden: true })
        .count(),
    ).toBe(0);
    await page.goto('/import');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès non autorisé');
  });
});
