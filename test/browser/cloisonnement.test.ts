/**
 * What each organisation may see, checked in the browser against the database: a bailleur never
 * sees another bailleur's units, a réservataire only the lettings oriented to it, roles find a
 * French explanation (never a blank page) where they may not go, and the administration forms
 * show the server's refusals on the field concerned.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { LocationApi } from '../../src/contracts/api.ts';
import { logements } from '../../src/db/schema.ts';
import { COMMUNE_ORLEANS } from '../../src/seed/demo.ts';
import {
  auditer,
  colonne,
  decrireNavigateur,
  enFrancais,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('cloisonnement et administration (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const rplsDe = async (bailleurId: string) =>
    new Set(
      (
        await nav.env.base.db
          .select({ rpls: logements.rpls })
          .from(logements)
          .where(and(eq(logements.bailleurId, bailleurId), eq(logements.commune, COMMUNE_ORLEANS)))
      ).map((l) => l.rpls),
    );

  it('un bailleur ne voit pas les logements d’un autre bailleur, même dans une commune qu’ils partagent', async () => {
    const hld = await rplsDe('HLD');
    const vll = await rplsDe('VLL');
    expect(hld.size, 'HLD a des logements à Orléans').toBeGreaterThan(0);
    expect(vll.size, 'VLL aussi : la commune est partagée').toBeGreaterThan(0);

    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Logements');
    await page.waitForURL((u) => u.pathname === '/logements');
    // The commune by its name (issue 12): typed, picked among the suggestions « Orléans (45234) ».
    await page.getByLabel(/^Commune/).fill(`Orléans (${COMMUNE_ORLEANS})`);
    await page.getByLabel(/^Commune/).press('Enter');
    await page.waitForURL((u) => u.searchParams.get('commune') === COMMUNE_ORLEANS);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain(`${enFrancais(hld.size)} logement`);
    const vus = await colonne(page, '#tableau-logements', 'N° RPLS');
    expect(vus.length).toBe(Math.min(50, hld.size));
    for (const rpls of vus) {
      expect(hld.has(rpls), `${rpls} est à HLD`).toBe(true);
      expect(vll.has(rpls), `${rpls} n’est pas à VLL`).toBe(false);
    }
    await expect.poll(() => page.title()).toBe(`Logements de la commune Orléans (${COMMUNE_ORLEANS}) — Flux`);
    expect(violationsGraves(await auditer(page), 'logements')).toEqual([]);

    // The API answers the same, whatever the page asks for.
    const api = (await (await page.request.get(`/api/logements?commune=${COMMUNE_ORLEANS}&taille=500`)).json()) as {
      total: number;
      logements: { bailleurId: string }[];
    };
    expect(api.total).toBe(hld.size);
    expect(new Set(api.logements.map((l) => l.bailleurId))).toEqual(new Set(['HLD']));

    // Page 2 through the DSFR pagination, when there is one.
    if (hld.size > 50) {
      await page.getByRole('link', { name: '2', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('page') === '2');
      await expect.poll(async () => (await colonne(page, '#tableau-logements', 'N° RPLS'))[0]).not.toBe(vus[0]);
      for (const rpls of await colonne(page, '#tableau-logements', 'N° RPLS')) expect(vll.has(rpls)).toBe(false);
    }
  });

  it('le second bailleur voit, dans la même commune, ses seuls logements', async () => {
    const vll = await rplsDe('VLL');
    await seConnecter(page, 'bailleur2@demo.flux');
    await page.goto(`/logements?commune=${COMMUNE_ORLEANS}`);
    await page.locator('#tableau-logements').waitFor();
    for (const rpls of await colonne(page, '#tableau-logements', 'N° RPLS')) expect(vll.has(rpls)).toBe(true);
  });

  it('un réservataire : pas de page Logements (message en français, API 403), ses seules locations', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    expect(
      await page
        .getByRole('navigation', { name: 'Menu principal' })
        .getByRole('link', { name: 'Logements', includeHidden: true })
        .count(),
    ).toBe(0);
    await page.goto('/logements');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès non autorisé');
    expect(await page.getByRole('alert').textContent()).toContain(
      'La page « Logements » n’est pas accessible avec votre rôle',
    );
    expect((await page.request.get('/api/logements')).status()).toBe(403);

    await page.goto('/locations');
    await page.locator('#tableau-locations').waitFor();
    expect(violationsGraves(await auditer(page), 'locations')).toEqual([]);
    const api = (await (await page.request.get('/api/locations?taille=500')).json()) as {
      total: number;
      locations: LocationApi[];
    };
    expect(api.total).toBeGreaterThan(0);
    for (const l of api.locations)
      expect(l.reservataireId === 'ACTION-LOGEMENT' || (l.pool ?? []).includes('ACTION-LOGEMENT')).toBe(true);
    for (const o of await colonne(page, '#tableau-locations', 'Orientation'))
      expect(o).toContain('Action Logement Services');
    // State badges carry words, not only a colour.
    for (const e of await colonne(page, '#tableau-locations', 'État')) expect(e.length).toBeGreaterThan(3);
  });

  it('l’administration n’est ouverte qu’à l’administrateur', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/administration');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Accès non autorisé');
    expect(await page.title()).toBe('Administration : accès non autorisé — Flux');
  });

  it('administrateur : listes, création d’une organisation puis d’un compte, refus affichés sur le champ', async () => {
    await seConnecter(page, 'admin@demo.flux');
    await allerAuMenu(page, 'Administration');
    await page.locator('#tableau-organisations').waitFor();
    await page.locator('#tableau-utilisateurs').waitFor();
    expect(await colonne(page, '#tableau-organisations', 'Nom')).toContain('Habitat Loiret Démo');
    expect(await colonne(page, '#tableau-utilisateurs', 'Adresse électronique')).toContain('admin@demo.flux');
    expect(violationsGraves(await auditer(page), 'administration')).toEqual([]);

    const formulaire = page.getByRole('form', { name: 'Créer une organisation' });
    // The server's refusal (a bailleur needs its SIREN) lands on the SIREN field.
    await formulaire.getByLabel('Nom *').fill('Loiret Habitat Test');
    await formulaire.getByLabel('Identifiant *').fill('LHT');
    await formulaire.getByRole('button', { name: 'Créer l’organisation' }).click();
    await expect.poll(() => formulaire.getByRole('alert').first().textContent()).toContain('La création a été refusée');
    expect(await formulaire.getByLabel('SIREN').getAttribute('aria-invalid')).toBe('true');
    // …with the server's words under the field, tied to it by aria-describedby.
    const decrit = await formulaire.locator('#organisation-siren').evaluate((i) =>
      (i.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
        .join(' '),
    );
    expect(decrit).toContain('un bailleur est identifié par son SIREN');

    await formulaire.getByLabel('SIREN').fill('999450099');
    await formulaire.getByLabel('Département').fill('45');
    await formulaire.getByRole('button', { name: 'Créer l’organisation' }).click();
    await expect
      .poll(() => formulaire.getByRole('status').first().textContent())
      .toContain('L’organisation « Loiret Habitat Test » est créée.');
    await expect.poll(() => colonne(page, '#tableau-organisations', 'Nom')).toContain('Loiret Habitat Test');

    const compte = page.getByRole('form', { name: 'Créer un compte' });
    await compte.getByLabel('Prénom et nom').fill('Camille Test');
    await compte.getByLabel('Adresse électronique').fill('camille.test@lht.example');
    await compte.getByLabel('Mot de passe initial').fill('un-mot-de-passe-assez-long');
    await compte.getByLabel('Organisation').selectOption('LHT');
    // A bailleur's account cannot be a State pilot: refused by the server, shown on "Rôle".
    await compte.getByLabel('Rôle').selectOption('pilote_etat');
    await compte.getByRole('button', { name: 'Créer le compte' }).click();
    await expect.poll(() => compte.getByRole('alert').first().textContent()).toContain('Rôle');
    expect(await compte.getByLabel('Rôle').getAttribute('aria-invalid')).toBe('true');
    await compte.getByLabel('Rôle').selectOption('agent_bailleur');
    await compte.getByRole('button', { name: 'Créer le compte' }).click();
    await expect.poll(() => compte.getByRole('status').first().textContent()).toContain('camille.test@lht.example');
    await expect
      .poll(() => colonne(page, '#tableau-utilisateurs', 'Adresse électronique'))
      .toContain('camille.test@lht.example');

    // The new account signs in.
    const autre = await nav.env.contexte();
    const p2 = await autre.newPage();
    await seConnecter(p2, 'camille.test@lht.example', 'un-mot-de-passe-assez-long');
    expect(await p2.getByRole('heading', { level: 1 }).textContent()).toBe('Loiret Habitat Test');
    await autre.close();
  });
});
