/**
 * « À traiter » and the grouped menu in the browser (issue 12 items 1, 9 and 11), per role: an item
 * made through the API (or the demo's) shows on the role's home, first section, with its French
 * deadline and countdown, and its link leads to where to act; the menu holds on one line at 1366 px
 * and works with the keyboard; the home is clean for axe-core. Photographed into /tmp/flux-screens/.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { jourParis } from '../../src/domain/calendrier.ts';
import type { ATraiterApi } from '../../src/contracts/a-traiter.ts';
import { ORG } from '../../src/seed/demo.ts';
import {
  auditer,
  capturer,
  decrireNavigateur,
  logementsLibresHld,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';
import { allerAuMenu, entreesDuMenu, menuPrincipal } from './menu.ts';

const dateFr = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

decrireNavigateur('à traiter et menu de chaque rôle (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(async () => {
    page = nav.page;
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  const section = () => page.getByRole('region', { name: 'À traiter' });
  /** The item of À traiter whose title is `titre`. */
  const element = (titre: string | RegExp) =>
    section()
      .locator('li.flux-a-traiter__element')
      .filter({ has: page.getByText(titre, { exact: true }) });

  /** Home of `email`: « À traiter » is the first section, before the figures; the menu holds on one line; axe clean. */
  async function accueil(email: string, capture: string): Promise<ATraiterApi> {
    await seConnecter(page, email);
    await section().waitFor();
    await page.locator('.flux-chiffre').first().waitFor();
    const api = (await (await page.request.get('/api/a-traiter')).json()) as ATraiterApi;
    const titres = await page.locator('main h2').allTextContents();
    expect(titres[0]).toBe('À traiter');
    // The menu: at most 7 top entries, all on one line, nothing wider than the screen.
    const entrees = await entreesDuMenu(page);
    expect(entrees.length).toBeLessThanOrEqual(7);
    const hauts = await menuPrincipal(page)
      .locator('ul.fr-nav__list > li.fr-nav__item')
      .evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
    expect(new Set(hauts).size, `menu sur une ligne : ${entrees.join(' | ')}`).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), `accueil ${email}`)).toEqual([]);
    await capturer(page, capture);
    return api;
  }

  /** As the bailleur HLD (signed in on `page`), through the API: a letting of a free unit declared today. */
  async function declarer(): Promise<{ id: string; version: number }> {
    const { csrf } = (await (await page.request.get('/api/session')).json()) as { csrf: string };
    for (const logementId of await logementsLibresHld(nav.env, 'desc')) {
      const r = await page.request.post('/api/locations', {
        data: { logementId, date: jourParis(new Date()) },
        headers: { 'x-csrf-token': csrf },
      });
      if (r.status() === 201) return (await r.json()) as { id: string; version: number };
    }
    throw new Error('aucun logement libre chez Habitat Loiret Démo');
  }

  it('bailleur : l’orientation déclarée à l’instant est à confirmer aujourd’hui ; la CAL à préparer mène à la CAL', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    const v = await declarer();
    await page.context().clearCookies();
    const api = await accueil('bailleur@demo.flux', 'a-traiter-bailleur');
    const item = api.elements.find((e) => e.cle === `orientation|${v.id}`)!;
    expect(item).toBeDefined();
    // Most urgent first: the list is in the API's order (the first items are shown).
    const montres = await section().locator('li.flux-a-traiter__element > p.fr-text--bold').allTextContents();
    expect(montres).toEqual(api.elements.slice(0, montres.length).map((e) => e.titre));
    if (!montres.includes(item.titre))
      await section()
        .getByRole('button', { name: /^Afficher les \d+ autres$/ })
        .click();
    // Two units of the same kind in the same commune read alike: the item is the one linking to its page.
    const li = section()
      .locator('li.flux-a-traiter__element')
      .filter({ has: page.locator(`a[href="/locations/${v.id}"]`) });
    expect(await li.textContent()).toContain(item.titre);
    expect(await li.textContent()).toContain(`aujourd’hui échéance le ${dateFr(item.echeance!)}`);
    expect(await section().textContent()).not.toMatch(/−\d|-\d+ jour/);

    // The CAL to prepare (the demo's): its link opens the CAL.
    const cal = api.elements.find((e) => e.type === 'cal_a_preparer');
    expect(cal, 'la démonstration a des logements avec candidats à inscrire en CAL').toBeDefined();
    if (!(await element(cal!.titre).isVisible()))
      await section()
        .getByRole('button', { name: /^Afficher les \d+ autres$/ })
        .click();
    await element(cal!.titre).getByRole('link').click();
    await page.waitForURL((u) => u.pathname === '/cal');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Commission d’attribution (CAL)');
  });

  it('le menu se parcourt au clavier : Entrée ouvre le groupe, Tab atteint la page, Entrée y va', async () => {
    await accueil('bailleur@demo.flux', 'a-traiter-bailleur-menu');
    const groupe = menuPrincipal(page).getByRole('button', { name: 'Pilotage' });
    await groupe.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => groupe.getAttribute('aria-expanded')).toBe('true');
    await menuPrincipal(page).getByRole('link', { name: 'Tableau de bord' }).waitFor();
    await page.keyboard.press('Tab');
    const focus = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(await focus()).toBe('Tableau de bord');
    await page.keyboard.press('Tab');
    expect(await focus()).toBe('Objectifs');
    // Let the DSFR handle the Tab (it checks the focus on its next frame) before Enter, as a person's
    // keystrokes are spaced: two keys in the same frame make the DSFR read a menu already closed.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/objectifs');
    // The group of the current page is marked as such.
    await expect.poll(() => groupe.getAttribute('aria-current')).toBe('true');
    await allerAuMenu(page, 'Conventions');
    await page.waitForURL((u) => u.pathname === '/conventions');
  });

  it('réservataire en gestion directe : le logement orienté par le bailleur, « dans 30 jours », lié à sa location', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    const v = await declarer();
    const { csrf } = (await (await page.request.get('/api/session')).json()) as { csrf: string };
    const r = await page.request.post(`/api/locations/${v.id}/orientation`, {
      data: {
        decision: 'forcer',
        version: v.version,
        reservataire: ORG.departement,
        motif: 'Test de la liste à traiter',
      },
      headers: { 'x-csrf-token': csrf },
    });
    expect(r.status(), await r.text()).toBe(200);
    await page.context().clearCookies();

    const api = await accueil('departement@demo.flux', 'a-traiter-reservataire');
    const item = api.elements.find((e) => e.cle === `proposer|${v.id}`)!;
    expect(item).toMatchObject({ joursRestants: 30, lien: `/locations/${v.id}` });
    if (!(await element(item.titre).first().isVisible()))
      await section()
        .getByRole('button', { name: /^Afficher les \d+ autres$/ })
        .click();
    const li = element(item.titre).filter({ has: page.locator(`a[href="/locations/${v.id}"]`) });
    expect(await li.textContent()).toContain(`dans 30 jours échéance le ${dateFr(item.echeance!)}`);
    expect(await li.textContent()).toContain('Habitat Loiret Démo');
    expect(await li.getByRole('link').textContent()).toContain('Proposer des candidats');
    // Nothing of another organisation, no internal identifier.
    const texte = (await section().textContent())!;
    for (const id of [ORG.actionLogement, ORG.etat, 'HLD', v.id]) expect(texte).not.toContain(id);
  });

  it('pilote de l’État : les logements du contingent en attente chez chaque bailleur ; le lien ouvre la boîte de réception', async () => {
    const api = await accueil('etat@demo.flux', 'a-traiter-pilote');
    const contingent = api.elements.filter((e) => e.type === 'contingent_en_attente');
    expect(contingent.length).toBeGreaterThan(0);
    const premier = contingent[0]!;
    expect(premier.titre).toMatch(/logements? du contingent de l’État chez .+ Démo/);
    await element(premier.titre).getByRole('link').click();
    await page.waitForURL((u) => u.pathname === '/boite');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Boîte de réception');
  });

  it('EPCI : les objectifs à risque de son territoire ; le lien ouvre les objectifs', async () => {
    const api = await accueil('epci@demo.flux', 'a-traiter-epci');
    const objectifs = api.elements.filter((e) => e.type === 'objectif_a_risque');
    expect(objectifs.length, 'la démonstration a des objectifs à risque').toBeGreaterThan(0);
    await element(objectifs[0]!.titre).first().getByRole('link').click();
    await page.waitForURL((u) => u.pathname === '/objectifs');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Objectifs d’attribution');
  });

  it('administrateur et réservataires : un menu sur une ligne, l’accueil sans « À traiter » pour l’administrateur', async () => {
    for (const email of ['reservataire@demo.flux', 'commune@demo.flux', 'bailleur3@demo.flux']) {
      await accueil(email, `a-traiter-${email.split('@')[0]}`);
      await page.context().clearCookies();
    }
    await seConnecter(page, 'admin@demo.flux');
    await page.locator('.flux-chiffre').first().waitFor();
    // The administrator also loads reference data: the first-quartile thresholds (ADR 0034).
    expect(await entreesDuMenu(page)).toEqual(['Accueil', 'Seuils du premier quartile', 'Administration']);
    expect(await section().count()).toBe(0);
  });

  it('les pages lues pour un bailleur s’ouvrent sur le premier, jamais vides (État, réservataire)', async () => {
    for (const [email, chemins] of [
      ['etat@demo.flux', ['/qualite', '/etat-des-lieux', '/prevision', '/conversion', '/bilan']],
      ['reservataire@demo.flux', ['/etat-des-lieux', '/prevision', '/conversion', '/bilan']],
    ] as const) {
      await page.context().clearCookies();
      await seConnecter(page, email);
      for (const chemin of chemins) {
        await page.goto(chemin);
        if (chemin !== '/bilan') await page.waitForURL((u) => u.searchParams.get('bailleur') !== null);
        const main = page.locator('main');
        // The page's own content, not « choose a bailleur »: a heading beyond the title.
        await main.locator('h2').first().waitFor();
        expect(await main.textContent(), `${email} ${chemin}`).not.toMatch(/Choisissez un bailleur/);
        expect(await main.textContent()).not.toMatch(/Chargement de la page du premier bailleur/);
      }
    }
  });
});
