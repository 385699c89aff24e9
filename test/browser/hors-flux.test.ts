/**
 * Lettings outside the flow in the browser (issue 13, ADR 0033): the bailleur finds its mutations
 * and rehousings waiting for candidates in its « Boîte de réception », designates the household on
 * the letting's page (CCH R.441-5 I: out of the flow, not out of the CAL); the bilan page shows the
 * bilan of rehousing allocations per category (R.441-5) with the API's figures; the EPCI opens the
 * leases behind its objectives (L.441-1: every lease of the year). Checked with axe-core.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { BilanApi } from '../../src/contracts/bilan.ts';
import type { BauxObjectifsApi, ObjectifsApi } from '../../src/contracts/cal.ts';
import type { PageBoiteApi } from '../../src/contracts/listes.ts';
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

decrireNavigateur('locations hors du flux (navigateur)', () => {
  const annee = new Date().getFullYear();
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });
  const api = async <T>(url: string): Promise<T> => {
    const r = await page.request.get(url);
    expect(r.status(), url).toBe(200);
    return (await r.json()) as T;
  };

  it('le bailleur désigne le ménage d’une mutation depuis sa boîte et la page de la location', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    const boite = await api<PageBoiteApi>('/api/boite?etat=exclue&parPage=100');
    const e = boite.elements.find((x) => x.peutProposer && x.exclusion !== null);
    expect(e, 'la démonstration a des locations hors du flux en attente de candidats').toBeDefined();
    await page.goto('/boite?etat=exclue');
    await page.getByRole('heading', { level: 1, name: 'Boîte de réception' }).waitFor();
    await expect.poll(() => page.getByText('vous désignez').first().isVisible()).toBe(true);
    expect(violationsGraves(await auditer(page), 'boîte du bailleur (hors du flux)')).toEqual([]);

    await page.goto(`/locations/${e!.locationId}`);
    const formulaire = page.getByRole('form', { name: `Proposer des candidats pour le logement ${e!.logement.id}` });
    await formulaire.waitFor();
    expect(await page.getByText(/Hors du flux : .*sur aucune ligne/).count()).toBeGreaterThan(0);
    await formulaire.getByLabel('Numéro unique SNE du candidat 1').fill('045261100099901');
    await formulaire.getByLabel('Taille du ménage du candidat 1 (personnes)').fill('3');
    expect(violationsGraves(await auditer(page), 'location hors du flux')).toEqual([]);
    await capturer(page, 'hors-flux-designation');
    await formulaire.getByRole('button', { name: 'Proposer les candidats' }).click();
    await expect
      .poll(async () => (await api<{ etat: string }>(`/api/locations/${e!.locationId}`)).etat)
      .toBe('candidats');
    await expect.poll(() => page.getByText('La suite se décide en commission').isVisible()).toBe(true);
  });

  it('le bilan des relogements par catégorie, avec les chiffres de l’API', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto(`/bilan?annee=${annee}`);
    const tableau = page.locator('#tableau-bilan-relogements');
    await tableau.waitFor();
    const b = await api<BilanApi>(`/api/bilan?annee=${annee}`);
    expect(await colonne(page, '#tableau-bilan-relogements', 'Catégorie')).toEqual(
      b.relogements.categories.map((c) => c.libelle),
    );
    expect(await colonne(page, '#tableau-bilan-relogements', 'Baux signés')).toEqual(
      b.relogements.categories.map((c) => enFrancais(c.bauxSignes)),
    );
    expect(await colonne(page, '#tableau-bilan-relogements', 'En cours')).toEqual(
      b.relogements.categories.map((c) => enFrancais(c.enCours)),
    );
    expect(b.relogements.categories.reduce((t, c) => t + c.bauxSignes, 0)).toBeGreaterThan(0);
    expect(violationsGraves(await auditer(page), 'bilan des relogements')).toEqual([]);
  });

  it('l’EPCI ouvre les baux derrière les objectifs de son territoire, hors du flux compris', async () => {
    await seConnecter(page, 'epci@demo.flux');
    await page.goto('/objectifs');
    await page.getByRole('heading', { level: 1, name: 'Objectifs d’attribution' }).waitFor();
    const o = await api<ObjectifsApi>('/api/objectifs');
    const e = o.parEpci[0]!;
    await page
      .locator('#tableau-objectifs-q1')
      .getByRole('link', { name: `${e.nom} : voir les baux` })
      .click();
    await page.waitForURL((u) => u.searchParams.get('epci') === e.epci);
    const tableau = page.locator('#tableau-objectifs-baux');
    await tableau.waitFor();
    const d = await api<BauxObjectifsApi>(`/api/objectifs/baux?epci=${e.epci}`);
    expect(d.total).toBe(e.quartile1HorsQpv.denominateur + e.nonQuartile1EnQpv.denominateur);
    expect(await tableau.locator('tbody tr').count()).toBe(Math.min(d.total, 50));
    expect(await page.getByText(`Les baux de ${d.annee} : ${d.nom}`).count()).toBe(1);
    const largeur = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(largeur).toBeLessThanOrEqual(1366);
    expect(violationsGraves(await auditer(page), 'baux des objectifs')).toEqual([]);
    await capturer(page, 'objectifs-baux-epci');
  });
});
