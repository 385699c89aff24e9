/**
 * The sign-in page in a real browser: accessible (axe-core), usable with the keyboard alone,
 * errors announced, and signing out really ends the session.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import {
  auditer,
  decrireNavigateur,
  MOT_DE_PASSE_DEMO,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';

decrireNavigateur('connexion (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('une adresse inconnue de la session est renvoyée vers la connexion, en français, avec un titre de page', async () => {
    await page.goto('/logements');
    await page.waitForURL((u) => u.pathname === '/connexion');
    expect(new URL(page.url()).searchParams.get('retour')).toBe('/logements');
    await expect.poll(() => page.title()).toBe('Connexion — Flux');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion à Flux');
    // No command-line hint for officers: who to ask for an account.
    expect(await page.getByText('Pas encore de compte ? Demandez-le à l’administrateur').isVisible()).toBe(true);
    expect(await page.locator('body').innerText()).not.toMatch(/npm|npx|terminal/);
    // Form fields: labelled, with the autocomplete a password manager needs.
    expect(await page.getByLabel('Adresse électronique').getAttribute('autocomplete')).toBe('username');
    expect(await page.getByLabel('Mot de passe', { exact: true }).getAttribute('autocomplete')).toBe(
      'current-password',
    );
  });

  it('axe-core : aucune violation grave ou critique sur la page de connexion (vide, puis en erreur)', async () => {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique').waitFor();
    expect(violationsGraves(await auditer(page), 'connexion')).toEqual([]);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('alert').waitFor();
    expect(violationsGraves(await auditer(page), 'connexion en erreur')).toEqual([]);
  });

  it('clavier seul : Tab jusqu’au formulaire, saisie, Entrée ; le focus est visible', async () => {
    await page.goto('/connexion');
    await page.getByLabel('Adresse électronique').waitFor();
    await page.bringToFront();
    // The first Tab reaches the skip links.
    await page.keyboard.press('Tab');
    await expect
      .poll(() =>
        page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`),
      )
      .toBe('A Contenu');
    let id = '';
    for (let i = 0; i < 20 && id !== 'connexion-email'; i++) {
      await page.keyboard.press('Tab');
      id = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    expect(id, 'le champ adresse est atteignable au clavier').toBe('connexion-email');
    const contour = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return { style: s.outlineStyle, largeur: s.outlineWidth };
    });
    expect(contour.style, 'focus visible').not.toBe('none');
    await page.keyboard.type('bailleur@demo.flux');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('connexion-mot-de-passe');
    await page.keyboard.type(MOT_DE_PASSE_DEMO);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Habitat Loiret Démo');
    // After a navigation the focus goes to the new page's heading, for screen readers.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('les nav.erreurs sont annoncées (role=alert) : champs vides, puis mot de passe faux', async () => {
    await page.goto('/connexion');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const alerte = page.getByRole('alert');
    await expect.poll(() => alerte.textContent()).toContain('Saisissez votre adresse électronique.');
    expect(await alerte.textContent()).toContain('Saisissez votre mot de passe.');
    expect(await page.getByLabel('Adresse électronique').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Adresse électronique').fill('bailleur@demo.flux');
    await page.getByLabel('Mot de passe', { exact: true }).fill('pas-le-bon-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Connexion impossible');
    expect(await page.getByRole('alert').textContent()).toMatch(/incorrect/);
    expect(new URL(page.url()).pathname).toBe('/connexion');
  });

  it('après connexion, le retour mène à la page demandée ; « Se déconnecter » ferme la session', async () => {
    await page.goto('/locations');
    await page.waitForURL((u) => u.pathname === '/connexion');
    await page.getByLabel('Adresse électronique').fill('bailleur@demo.flux');
    await page.getByLabel('Mot de passe', { exact: true }).fill(MOT_DE_PASSE_DEMO);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((u) => u.pathname === '/locations');
    await expect.poll(() => page.title()).toBe('Locations — Flux');

    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    const reponse = await page.request.get('/api/session');
    expect(reponse.status(), 'la session est fermée côté serveur').toBe(401);
    await page.goto('/');
    await page.waitForURL((u) => u.pathname === '/connexion');
  });

  it('une page inconnue affiche « Page introuvable », jamais un écran vide', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/nulle-part');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page introuvable');
    expect(await page.title()).toBe('Page introuvable — Flux');
  });
});
