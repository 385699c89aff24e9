/**
 * « État des lieux » in the browser: the bailleur imports its stock reservations from the page,
 * reads the groups (the same figures as the API) and a dimension's chart and table, locks the
 * picture and signs it; Action Logement chooses the bailleur, sees only its own part and signs.
 * Checked with axe-core and photographed into /tmp/flux-screens/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
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

interface Groupe {
  id: string;
  libelle: string;
  logements: number;
}

decrireNavigateur('état des lieux des réservations (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('le bailleur importe ses réservations, lit les groupes et un profil, verrouille et signe', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'État des lieux');
    await page.waitForURL((u) => u.pathname === '/etat-des-lieux');
    await page.locator('#tableau-edl-groupes').waitFor();

    // Five of HLD's units to Action Logement (the file names them by RPLS identifier).
    const logements = (await (await page.request.get('/api/logements?page=1&taille=5')).json()) as {
      logements: { rpls: string }[];
    };
    const dossier = mkdtempSync(join(tmpdir(), 'flux-edl-'));
    const fichier = join(dossier, 'reservations.csv');
    writeFileSync(
      fichier,
      `RPLS;RESERVATAIRE\n${logements.logements.map((l) => `${l.rpls};ACTION-LOGEMENT`).join('\n')}\n`,
    );
    await page.locator('#edl-fichier').setInputFiles(fichier);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await page.getByText('Réservations importées').waitFor();

    const api = (await (await page.request.get('/api/patrimoine/etat-des-lieux')).json()) as { groupes: Groupe[] };
    expect(api.groupes.find((g) => g.id === 'ACTION-LOGEMENT')?.logements).toBeGreaterThanOrEqual(5);
    await expect
      .poll(() => colonne(page, '#tableau-edl-groupes', 'Logements'))
      .toEqual(api.groupes.map((g) => enFrancais(g.logements)));
    expect(await colonne(page, '#tableau-edl-groupes', 'Groupe')).toEqual(api.groupes.map((g) => g.libelle));

    await page.getByLabel('Dimension').selectOption('financement');
    await page.locator('#tableau-edl-dimension').getByText('Financement').first().waitFor();
    expect(await page.locator('figure svg[role="img"]').count()).toBe(2);
    expect(violationsGraves(await auditer(page), 'état des lieux (bailleur)')).toEqual([]);
    await capturer(page, 'etat-des-lieux-bailleur');

    await page.getByRole('button', { name: 'Verrouiller la photographie du jour' }).click();
    await page.getByText(/Version \d+ verrouillée : elle attend la signature/).waitFor();
    const signer = page.getByRole('button', { name: /^Signer la version \d+ pour Habitat Loiret Démo$/ });
    await signer.click();
    await expect.poll(() => signer.count()).toBe(0);
    await page
      .getByText(/Habitat Loiret Démo : signée le/)
      .first()
      .waitFor();
  });

  it('Action Logement arrive sur le premier bailleur, le choisit, ne voit que sa part et signe la version', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    await page.goto('/etat-des-lieux');
    // Never blank (issue 12 item 7): the page opens on the first bailleur of the choice.
    await page.waitForURL((u) => u.searchParams.get('bailleur') === 'GBH');
    await expect.poll(() => page.getByLabel('Bailleur', { exact: true }).inputValue()).toBe('GBH');
    await expect.poll(() => page.getByLabel('Bailleur', { exact: true }).locator('option').count()).toBeGreaterThan(1);
    await page.getByLabel('Bailleur', { exact: true }).selectOption('HLD');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.locator('#tableau-edl-groupes').waitFor();
    const groupes = await colonne(page, '#tableau-edl-groupes', 'Groupe');
    expect(groupes).toContain('Action Logement Services');
    expect(groupes).not.toContain('Préfecture du Loiret — DDETS');
    const signer = page.getByRole('button', { name: /^Signer la version \d+ pour Action Logement Services$/ });
    await signer.first().click();
    await expect.poll(() => signer.count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'état des lieux (réservataire)')).toEqual([]);
    await capturer(page, 'etat-des-lieux-reservataire');
  });

  it('un fichier aux lignes invalides est refusé : le message du serveur, ses problèmes et le fichier d’erreurs', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'État des lieux');
    await page.waitForURL((u) => u.pathname === '/etat-des-lieux');
    const avant = await (await page.request.get('/api/patrimoine/etat-des-lieux')).text();
    const dossier = mkdtempSync(join(tmpdir(), 'flux-edl-'));
    const fichier = join(dossier, 'reservations.csv');
    writeFileSync(fichier, 'RPLS;RESERVATAIRE\nINCONNU0000001;ACTION-LOGEMENT\n');
    // The upload goes through api.ts's helper: same origin, raw CSV body, the session's CSRF token.
    const requete = page.waitForRequest((r) => r.url().includes('/api/patrimoine/reservations'));
    await page.locator('#edl-fichier').setInputFiles(fichier);
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    const envoyee = await requete;
    expect(envoyee.method()).toBe('POST');
    expect(await envoyee.headerValue('content-type')).toBe('text/csv');
    expect(await envoyee.headerValue('x-csrf-token')).toBeTruthy();

    const refus = page.locator('section[aria-labelledby="edl-refus"]');
    await refus.getByText('Fichier refusé : rien n’a été modifié').waitFor();
    expect(await refus.getByRole('alert').textContent()).toMatch(/rien n’a été modifié/);
    expect(await refus.locator('ul.flux-problemes li').count()).toBeGreaterThan(0);
    expect(await refus.locator('#fichier-erreurs').getAttribute('href')).toMatch(/^\/api\/fichiers-erreurs\//);
    expect(await (await page.request.get('/api/patrimoine/etat-des-lieux')).text()).toBe(avant);
  });
});
