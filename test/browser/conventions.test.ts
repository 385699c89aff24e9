/**
 * « Conventions » in the browser: the bailleur opens the list, then a convention (parameters in plain
 * French, history, the year's ledger line), sees the server's French message on the taux field for
 * an illegal avenant, adds a legal one and sees the new version; on the Département's convention,
 * takes the collectivities' guarantees past 20 % and sees the warning (saved all the same), then
 * records the contrepartie and sees it in plain French (CCH R.441-5); records a convention still in
 * stock and sees it « caduque — reprise possible par décision du préfet »; the State pilot reads
 * without an avenant form and records the préfet's reprise after a confirmation (loi 3DS). Checked
 * with axe-core and photographed into /tmp/flux-screens/.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import {
  auditer,
  capturer,
  colonne,
  decrireNavigateur,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('conventions et avenants (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('le bailleur ouvre une convention, voit le refus motivé d’un avenant illégal, ajoute un avenant et voit la nouvelle version', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Conventions');
    await page.waitForURL((u) => u.pathname === '/conventions');
    await page.locator('#tableau-conventions').waitFor();
    const registre = (await (await page.request.get('/api/conventions/registre')).json()) as RegistreConventionsApi;
    expect(await colonne(page, '#tableau-conventions', 'Réservataire')).toEqual(
      registre.conventions.map((c) => c.reservataire.nom),
    );
    expect((await colonne(page, '#tableau-conventions', 'Forme')).every((f) => f === 'En flux')).toBe(true);
    expect(violationsGraves(await auditer(page), 'liste des conventions (bailleur)')).toEqual([]);
    await capturer(page, 'conventions-bailleur');

    await page.getByRole('link', { name: 'Convention Action Logement Services' }).click();
    await page.waitForURL((u) => u.pathname === '/conventions/HLD-CV2');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Convention Action Logement Services');
    await page.locator('#tableau-cv-parametres').waitFor();
    expect(await colonne(page, '#tableau-cv-parametres', 'Paramètre')).toEqual(
      expect.arrayContaining(['Taux', 'Périmètre', 'Décompte', 'Gestion', 'Report du solde', 'Forme']),
    );
    await page.getByText(/^25\s% du flux annuel de logements libérés$/).waitFor();
    await page.getByText('à l’attribution par la commission (CAL)', { exact: false }).waitFor();
    await page.locator('#tableau-cv-bilan').waitFor();
    expect(await colonne(page, '#tableau-cv-versions', 'Version')).toEqual(['n° 1 en vigueur']);
    expect(violationsGraves(await auditer(page), 'convention (bailleur)')).toEqual([]);

    // Σ taux above 100 %: refused, the server's message on the taux field, nothing written.
    const annee = new Date().getFullYear();
    await page.getByLabel('Nouveau taux (en % du flux annuel)').fill('80');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('essai au-delà du plafond');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText('Avenant refusé : rien n’a été enregistré').waitFor();
    const message = page.locator('#avenant-taux-messages-group .fr-message--error');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/la somme des taux atteint .* ne peut dépasser 100 % du flux/);
    expect(await page.locator('#avenant-taux').getAttribute('aria-invalid')).toBe('true');
    expect(violationsGraves(await auditer(page), 'avenant refusé')).toEqual([]);
    await capturer(page, 'convention-avenant-refuse');

    await page.getByLabel('Nouveau taux (en % du flux annuel)').fill('27,5');
    await page.getByLabel('Motif').fill('avenant n° 1 : hausse négociée');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText(/Avenant enregistré : version n° 2, effective le 01\/01\/\d{4}\./).waitFor();
    await expect.poll(() => colonne(page, '#tableau-cv-versions', 'Version')).toEqual(['n° 2 en vigueur', 'n° 1']);
    expect(await colonne(page, '#tableau-cv-versions', 'Motif')).toEqual(['avenant n° 1 : hausse négociée', '—']);
    await expect
      .poll(async () => (await colonne(page, '#tableau-cv-bilan', 'Taux')).map((t) => t.replace(/\s/g, ' ')))
      .toEqual(['27,5 %']);
    await page.getByRole('heading', { name: 'Version en vigueur : n° 2' }).waitFor();
    await page.getByText(/^27,5\s% du flux annuel de logements libérés$/).waitFor();
    expect(violationsGraves(await auditer(page), 'convention après avenant')).toEqual([]);
    await capturer(page, 'convention-apres-avenant');

    // CCH R.441-5 — the Département to 9 %: 10 + 9 + 5 = 24 % of collectivities' guarantees on Orléans, a warning, saved.
    await page.goto('/conventions/HLD-CV4');
    await page.locator('#tableau-cv-parametres').waitFor();
    await page.getByText('tout le taux en contrepartie de garanties d’emprunt (non précisé)').waitFor();
    await page.getByLabel('Nouveau taux (en % du flux annuel)').fill('9');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('hausse du Département');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText(/Avenant enregistré : version n° 2/).waitFor();
    await page.getByText('Enregistré, avec un avertissement (CCH R.441-5)').waitFor();
    await page
      .getByRole('heading', {
        name: 'Avertissement : droits des collectivités en contrepartie de garanties d’emprunt (CCH R.441-5)',
      })
      .waitFor();
    await page
      .getByText(/^Convention avec Département du Loiret : .*garanties d’emprunt atteignent 24\s% à Orléans/)
      .first()
      .waitFor();
    expect(violationsGraves(await auditer(page), 'avertissement des 20 %')).toEqual([]);
    await capturer(page, 'convention-avertissement-garanties');

    // The contrepartie recorded: 2 % guarantee, 7 % financing; no warning any more, the page says it in words.
    await page.getByLabel('Garantie d’emprunt (en %)').fill('2');
    await page.getByLabel('Financement (en %)').fill('7');
    await page.getByLabel('Acte accordant les droits (facultatif)').fill('Délibération CD45 n° 2026-114');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('contrepartie précisée');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText(/Avenant enregistré : version n° 3/).waitFor();
    await page
      .getByText(
        /^2\s% en contrepartie de garanties d’emprunt ; 7\s% en contrepartie d’un financement — acte : Délibération CD45 n° 2026-114$/,
      )
      .waitFor();
    await expect
      .poll(() => page.getByRole('heading', { name: /^Avertissement : droits des collectivités/ }).count())
      .toBe(0);

    // Parts that do not make the taux: refused, the message under the contrepartie.
    await page.getByLabel('Financement (en %)').fill('5');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('parts fausses');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText('Avenant refusé : rien n’a été enregistré').waitFor();
    expect(await page.locator('#avenant-contrepartie-erreur').textContent()).toMatch(
      /les parts de la contrepartie .* font 7\s% : elles doivent faire le taux de la convention, 9\s%/,
    );
    expect(violationsGraves(await auditer(page), 'contrepartie refusée')).toEqual([]);
    await page.getByLabel('Financement (en %)').fill('7');

    // A convention recorded as still in stock is past the conversion deadline: caduque, the préfet may take its rights back.
    await page.locator('#avenant-forme').selectOption('stock');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('convention historique restée en stock');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page.getByText(/Avenant enregistré : version n° 4/).waitFor();
    await page
      .getByRole('heading', { name: 'Caduque — reprise possible par décision du préfet', exact: true })
      .waitFor();
    await page.getByText(/Contingent de l’État si le préfet reprend ces droits : 25\s% → 34\s% du flux/).waitFor();
    await page.getByText(/Caduque depuis le 25\/11\/2023 \(échéance de conversion : 24\/11\/2023\)/).waitFor();
    // Only the State pilot records the préfet's decision.
    expect(await page.getByRole('heading', { name: 'Enregistrer la décision de reprise du préfet' }).count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'convention caduque')).toEqual([]);
    await capturer(page, 'convention-caduque');
    await page.goto('/conventions');
    await page.locator('#tableau-conventions').waitFor();
    expect(await colonne(page, '#tableau-conventions', 'Forme')).toContain('Caduque — reprise possible par le préfet');
  });

  it('loi 3DS — le pilote de l’État enregistre la décision de reprise du préfet après confirmation', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/conventions/HLD-CV4');
    await page.getByRole('heading', { name: 'Enregistrer la décision de reprise du préfet' }).waitFor();
    expect(violationsGraves(await auditer(page), 'reprise à enregistrer (pilote)')).toEqual([]);
    await page.getByLabel('Date de la décision').fill('2024-03-15');
    await page.getByLabel('Acte du préfet').fill('arrêté préfectoral n° 2024-045');
    await page.getByRole('button', { name: 'Enregistrer la décision du préfet' }).click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer la reprise des droits par le préfet ?' });
    await modale.waitFor();
    await modale.getByText('Cette décision ne peut être ni modifiée ni retirée dans Flux', { exact: false }).waitFor();
    await modale.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await page
      .getByRole('heading', { name: 'Caduque — droits repris par le préfet le 15/03/2024', exact: true })
      .waitFor();
    await page
      .getByText(/droits repris par le préfet le 15\/03\/2024 \(arrêté préfectoral n° 2024-045\)/)
      .first()
      .waitFor();
    expect(await page.getByRole('heading', { name: 'Enregistrer la décision de reprise du préfet' }).count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'reprise enregistrée (pilote)')).toEqual([]);
    await capturer(page, 'convention-reprise-prefet');
  });

  it('le pilote de l’État lit une convention sans formulaire d’avenant', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/conventions/HLD-CV1');
    await page.locator('#tableau-cv-parametres').waitFor();
    await page.getByText(/dont 5\s%\spour les agents de l’État/).waitFor();
    expect(await page.getByRole('heading', { name: 'Ajouter un avenant' }).count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'convention (pilote)')).toEqual([]);
  });
});
