/**
 * « Demandes » and « Rapprochement SNE » in the browser (ADR 0036): a réservataire imports its
 * demands file and reads them, then a file with an invalid row is refused with its problems and the
 * error file; the State's pilot reconciles an SNE export and reads the indicator, the mismatches,
 * and downloads the workbook. Checked with axe-core, at 1366 px, without internal ids.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

const ENTETE =
  'NUMERO_UNIQUE;DATE_DEMANDE;DATE_RENOUVELLEMENT;PERSONNES;ENFANTS_MOINS_14;RESSOURCES_ANNUELLES;CATEGORIES;COMMUNES;TYPOLOGIES';

decrireNavigateur('demandes et rapprochement SNE (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  let dossier: string;
  beforeAll(() => {
    dossier = mkdtempSync(join(tmpdir(), 'flux-demandes-'));
  });
  afterAll(() => rmSync(dossier, { recursive: true, force: true }));
  beforeEach(async () => {
    page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('le réservataire importe ses demandes, les lit ; une ligne invalide et rien n’est importé', async () => {
    const valide = join(dossier, 'demandes.csv');
    writeFileSync(
      valide,
      // Registered long ago and renewed: listed first, before the demo's own demands (the cotation's).
      `${ENTETE}\r\n045261100000301;12/01/2012;10/06/2026;3;1;18400;dalo;45234|45302;T2|T3\r\n045261100000302;02/03/2012;10/06/2026;1;0;;;45234;T1\r\n`,
    );
    await seConnecter(page, 'reservataire@demo.flux');
    await allerAuMenu(page, 'Demandes');
    await page.waitForURL((u) => u.pathname === '/demandes');
    await page.locator('#demandes-liste').waitFor();
    // The two templates side by side: the CSV, and the workbook served by the API.
    const modeles = page.getByRole('list', { name: 'Modèles de fichier' });
    expect(await modeles.getByRole('link').count()).toBe(2);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      modeles.getByRole('link', { name: /^Télécharger le modèle pour Excel/ }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('modele-demandes.xlsx');
    expect(await xlsx.failure()).toBeNull();
    await page.locator('#demandes-fichier').setInputFiles(valide);
    await page.getByRole('button', { name: 'Importer les demandes' }).click();
    await page.getByRole('heading', { name: 'Demandes importées' }).waitFor();
    await page.getByRole('rowheader', { name: '045261100000301' }).waitFor();
    const ligne = page.getByRole('row', { name: /045261100000301/ });
    expect(await ligne.textContent()).toContain('3 personnes dont 1 enfant de moins de 14 ans');
    expect(await ligne.textContent()).toContain('Orléans');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'demandes (importées)')).toEqual([]);
    await capturer(page, 'demandes-liste');

    const invalide = join(dossier, 'invalide.csv');
    writeFileSync(invalide, `${ENTETE}\r\n045261100000303;12/01/2026;;0;;;;45234;T2\r\n`);
    await page.locator('#demandes-fichier').setInputFiles(invalide);
    await page.getByRole('button', { name: 'Importer les demandes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Aucune demande n’a été importée' }).waitFor();
    expect(await page.locator('.flux-problemes li').first().textContent()).toContain('ligne 2, colonne PERSONNES');
    const [telechargement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /^Télécharger le fichier d’erreurs/ }).click(),
    ]);
    expect(telechargement.suggestedFilename()).toBe('invalide.erreurs.csv');
    expect(violationsGraves(await auditer(page), 'demandes (refus)')).toEqual([]);
  });

  it('le pilote de l’État rapproche un export SNE : indicateur, écarts, classeur', async () => {
    const annee = new Date().getFullYear();
    const fichier = join(dossier, 'sne.csv');
    writeFileSync(
      fichier,
      `NUMERO_UNIQUE;RPLS;DATE_BAIL;RESERVATAIRE\r\n;RPLS-INCONNU-1;15/03/${annee};Préfecture\r\n;RPLS-INCONNU-2;15/04/${annee};\r\n`,
    );
    await seConnecter(page, 'etat@demo.flux');
    await allerAuMenu(page, 'Rapprochement SNE');
    await page.waitForURL((u) => u.pathname === '/rapprochement');
    await page.locator('#rapprochement-fichier').setInputFiles(fichier);
    await page.getByRole('button', { name: 'Rapprocher' }).click();
    await page.getByRole('heading', { name: `Attributions ${annee}, département 45` }).waitFor();
    const tuile = (libelle: string) =>
      page
        .locator('.flux-chiffre', { has: page.getByRole('heading', { name: libelle }) })
        .locator('.flux-chiffre__valeur');
    expect((await tuile('Réservataire connu (SNE)').textContent())?.replace(/\s/g, ' ')).toBe('50 %');
    await page.getByRole('table', { name: /par bailleur et département/ }).waitFor();
    await page.getByRole('rowheader', { name: 'Attribution absente de Flux' }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    const texte = await page.locator('main').innerText();
    expect(texte).not.toMatch(/\b(ETAT-45|HLD|VLL|GBH)\b|[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(violationsGraves(await auditer(page), 'rapprochement (résultat)')).toEqual([]);
    await capturer(page, 'rapprochement-resultat');
    const [telechargement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger le classeur (XLSX)' }).click(),
    ]);
    expect(telechargement.suggestedFilename()).toBe(`rapprochement-attributions-${annee}.xlsx`);
  });
});
