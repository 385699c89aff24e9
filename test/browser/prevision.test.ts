/**
 * « Prévision du flux » and « Conversion » in the browser: the bailleur reads next year's forecast
 * (the same figures as the API), records an avenant on its Action Logement convention from the
 * convention page, and sees the forecast change; the PDF downloads; the conversion page says why it
 * cannot run before an état des lieux is signed. Checked with axe-core, photographed.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { ReponsePrevision } from '../../src/contracts/prevision.ts';
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

const pourcentage = (x: number) =>
  new Intl.NumberFormat('fr-FR', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(x);

decrireNavigateur('prévision du flux et conversion (navigateur)', () => {
  const annee = new Date().getFullYear() + 1;

  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const tauxAl = async () => {
    const p = (await (await page.request.get(`/api/flux/prevision?annee=${annee}`)).json()) as ReponsePrevision;
    return p.previsions[0]!.droits.find((d) => d.reservataire === 'ACTION-LOGEMENT')!;
  };

  it('le bailleur lit la prévision, enregistre un avenant et voit la prévision changer', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Prévision du flux');
    await page.waitForURL((u) => u.pathname === '/prevision');
    const avant = await tauxAl();
    const tableau = page.getByRole('table', { name: /Droits prévus par réservataire — Département 45/ });
    await tableau.waitFor();
    const ligneAl = tableau.getByRole('row', { name: /Action Logement Services/ });
    expect(await ligneAl.textContent()).toContain(pourcentage(avant.taux));
    expect(violationsGraves(await auditer(page), 'prévision du flux')).toEqual([]);
    await capturer(page, 'prevision-bailleur');
    const pdf = await page.request.get(
      (await page.getByRole('link', { name: /Télécharger le prévisionnel PDF/ }).getAttribute('href'))!,
    );
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    // An avenant from the convention page, effective on 1 January of the forecast year.
    await allerAuMenu(page, 'Conventions');
    await page.getByRole('link', { name: 'Convention Action Logement Services' }).click();
    await page.getByLabel('Nouveau taux (en % du flux annuel)').fill('20');
    await page.getByLabel('Date d’effet').fill(`${annee}-01-01`);
    await page.getByLabel('Motif').fill('avenant : taux de flux négocié');
    await page.getByRole('button', { name: 'Enregistrer l’avenant' }).click();
    await page
      .getByRole('heading', { name: /Version en vigueur/ })
      .first()
      .waitFor();

    await page.goto(`/prevision?annee=${annee}`);
    await expect.poll(async () => (await tauxAl()).taux).toBe(0.2);
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: /Droits prévus par réservataire — Département 45/ })
          .getByRole('row', { name: /Action Logement Services/ })
          .textContent(),
      )
      .toContain(pourcentage(0.2));
    expect(await colonne(page, '#tableau-historique', 'Source')).toContain('Événements Flux');
  });

  it('la conversion explique qu’il faut d’abord un état des lieux signé', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/conversion');
    await page.getByText(/aucun état des lieux signé par toutes les parties/i).waitFor();
    // Said as a step to take, not as a failure, in words only: no field path, no « Réessayer ».
    await page.getByRole('heading', { name: 'La conversion attend l’état des lieux signé' }).waitFor();
    const texte = await page.locator('main').innerText();
    expect(texte).not.toMatch(/etatDesLieux|Impossible de charger|Réessayer/);
    await page.getByRole('link', { name: 'Voir l’état des lieux et ses signatures' }).click();
    await page.waitForURL((u) => u.pathname === '/etat-des-lieux');
    await page.goto('/conversion');
    await page.getByRole('heading', { name: 'La conversion attend l’état des lieux signé' }).waitFor();
    expect(violationsGraves(await auditer(page), 'conversion')).toEqual([]);
  });
});
