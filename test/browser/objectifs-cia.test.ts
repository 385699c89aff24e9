/**
 * The CIA targets in the browser (issue 13 item 4, ADR 0038): the EPCI sees that the reform binds it
 * and the law's targets, enters its own (a French error on a bad percentage, a confirmation before
 * saving), and its objectives are then measured against them; the State pilot reads them on the
 * EPCI's drill-down without a form. Checked with axe-core, no page wider than the screen.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { ObjectifsApi } from '../../src/contracts/cal.ts';
import type { CiblesCiaApi } from '../../src/contracts/cibles-cia.ts';
import { SIREN_ORLEANS_METROPOLE } from '../../src/seed/demo.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';

decrireNavigateur('objectifs de la CIA (navigateur)', () => {
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
  const reference = 'Délibération du conseil métropolitain n° 2025-118 du 20 novembre 2025';

  it('l’EPCI saisit les objectifs de sa CIA, confirme, et ses objectifs s’y mesurent', async () => {
    await seConnecter(page, 'epci@demo.flux');
    await page.goto('/objectifs');
    const section = page.locator('section[aria-labelledby="cibles-cia"]');
    await section.getByRole('heading', { name: /Objectifs de la CIA — .*Orléans/ }).waitFor();
    expect(await section.getByText('Soumis à la réforme des attributions').count()).toBe(1);
    expect(await section.getByText(/Aucune CIA saisie pour \d{4} : les objectifs de la loi/).count()).toBe(1);

    const formulaire = page.getByRole('form', { name: 'Saisir les objectifs de la CIA' });
    const q1 = formulaire.getByLabel(/Hors QPV : part des baux/);
    expect(await q1.inputValue()).toBe('25');
    await q1.fill('trente');
    await q1.blur();
    await formulaire
      .getByText('Un pourcentage entre 1 et 100 (par exemple 30), ou vide pour celui de la loi.')
      .first()
      .waitFor();
    const bouton = formulaire.getByRole('button', { name: 'Enregistrer les objectifs de la CIA' });
    expect(await bouton.isDisabled()).toBe(true);

    await q1.fill('30');
    await formulaire.getByLabel(/En QPV : part des baux/).fill('40');
    await formulaire.getByLabel('CIA adoptée le').fill('2025-11-20');
    await formulaire.getByLabel('Référence de la CIA').fill(reference);
    expect(violationsGraves(await auditer(page), 'objectifs de la CIA (saisie)')).toEqual([]);
    await capturer(page, 'objectifs-cia-saisie');
    await bouton.click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer ces objectifs de la CIA ?' });
    await modale.waitFor();
    expect(await modale.getByText(/Hors QPV : 30\s% ; en QPV : 40\s%/).count()).toBe(1);
    await modale.getByRole('button', { name: 'Confirmer' }).click();
    await formulaire.getByText('Objectifs de la CIA enregistrés (version 1).').waitFor();

    const c = await api<CiblesCiaApi>('/api/cibles-cia');
    expect(c.enVigueur).toMatchObject({ quartile1HorsQpv: 0.3, nonQuartile1EnQpv: 0.4, origine: 'cia' });
    await section.getByText(/Objectifs \d{4} fixés par la CIA/).waitFor();
    expect(await page.locator('#tableau-versions-cia tbody tr').count()).toBe(1);
    const o = await api<ObjectifsApi>('/api/objectifs');
    expect(o.parEpci.find((e) => e.epci === SIREN_ORLEANS_METROPOLE)!.quartile1HorsQpv.cible).toBe(0.3);
    await page.getByText(/Objectifs fixés par la CIA pour : .*Orléans/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
  });

  it('le pilote de l’État lit les objectifs de la CIA d’un EPCI, sans pouvoir les saisir', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto(`/objectifs?epci=${SIREN_ORLEANS_METROPOLE}`);
    const section = page.locator('section[aria-labelledby="cibles-cia"]');
    await section.getByRole('heading', { name: /Objectifs de la CIA — .*Orléans/ }).waitFor();
    expect(await section.getByText('Soumis à la réforme des attributions').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Saisir les objectifs de la CIA' }).count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'objectifs de la CIA (lecture)')).toEqual([]);
  });
});
