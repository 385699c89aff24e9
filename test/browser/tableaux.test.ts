/**
 * « Tableau de bord » in the browser (issue 7 item 4): the bailleur and the State pilot open it
 * from the menu; the line charts and their tables are there, the tables' figures are the API's
 * (the ledger month by month, the State contingent's use), and axe-core finds nothing serious.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { TableauApi } from '../../src/contracts/tableaux.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

const entier = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const uneDecimale = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pourcentage = new Intl.NumberFormat('fr-FR', {
  style: 'percent',
  minimumFractionDigits: 0,
  maximumFractionDigits: 2,
});
const exact = (texte: string) => new RegExp(`^${texte.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

decrireNavigateur('tableau de bord (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const ouvrir = async (email: string): Promise<TableauApi> => {
    await seConnecter(page, email);
    await allerAuMenu(page, 'Tableau de bord');
    await page.waitForURL((u) => u.pathname === '/tableau');
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    const r = await page.request.get(`/api/tableau?annee=${new Date().getFullYear()}`);
    expect(r.status()).toBe(200);
    return (await r.json()) as TableauApi;
  };

  /** The chart of a line is drawn and its table gives the API's figures, month by month. */
  const verifierLigne = async (
    nom: string,
    l: TableauApi['bailleurs'][number]['lignes'][number],
    moisCourant: number | null,
  ) => {
    // Months to come are shown as « — ».
    const attendu = (f: (p: (typeof l.points)[number]) => string) =>
      l.points.map((p) => (moisCourant !== null && p.mois > moisCourant ? '—' : f(p)));
    await expect
      .poll(() =>
        page
          .getByRole('img', { name: exact(`${nom} : droit et logements décomptés, mois par mois`) })
          .first()
          .isVisible(),
      )
      .toBe(true);
    const table = page.getByRole('table', { name: exact(`${nom} : registre à la fin de chaque mois`) }).first();
    await table.waitFor();
    const cellules = async (ligne: RegExp) =>
      (await table.getByRole('row', { name: ligne }).getByRole('cell').allTextContents()).map((t) => t.trim());
    expect(await cellules(/^Droit \(cumul\)/)).toEqual(attendu((p) => uneDecimale.format(p.droit)));
    expect(await cellules(/^Logements décomptés \(cumul\)/)).toEqual(attendu((p) => entier.format(p.decomptes)));
  };

  it('le bailleur ouvre son tableau de bord : courbes, tableaux et chiffres de l’API', async () => {
    const t = await ouvrir('bailleur@demo.flux');
    expect(t.bailleurs.length).toBeGreaterThan(0);
    const b = t.bailleurs[0]!;
    await page.getByRole('heading', { level: 2, name: `${b.bailleur} — département ${b.departement}` }).waitFor();
    expect(b.lignes.length).toBeGreaterThan(1);
    for (const l of b.lignes) await verifierLigne(l.nom, l, t.moisCourant);
    // The mix received vs vacated, and the deadlines missed, with their tables.
    await page
      .getByRole('table', {
        name: exact(`Typologie : part des logements reçus et part du flux libéré — ${b.bailleur}`),
      })
      .waitFor();
    const delais = page.getByRole('table', { name: /Délais manqués par mois/ });
    const annee = await delais
      .getByRole('row', { name: /^Locations terminées sans candidat/ })
      .getByRole('cell')
      .last()
      .textContent();
    expect(annee?.trim()).toBe(entier.format(t.delais.sansCandidat.reduce((a, n) => a + n, 0)));
    await page.getByRole('heading', { level: 2, name: 'Objectifs d’attribution et tendance' }).waitFor();
    expect(violationsGraves(await auditer(page), 'tableau de bord du bailleur')).toEqual([]);
    await capturer(page, 'tableau-bailleur');
  });

  it('le pilote de l’État voit l’usage du contingent préfectoral et chaque bailleur du département', async () => {
    const t = await ouvrir('etat@demo.flux');
    const c = t.contingentEtat!;
    expect(c).not.toBeNull();
    const tuile = page.locator('.flux-chiffre', {
      has: page.getByRole('heading', { name: 'Part du contingent utilisée' }),
    });
    await expect
      .poll(async () => (await tuile.textContent()) ?? '')
      .toContain(c.taux === null ? '—' : pourcentage.format(c.taux));
    await expect
      .poll(() =>
        page
          .getByText(/Historiquement, moins de la moitié/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    const parBailleur = page.getByRole('table', { name: 'Usage du contingent préfectoral par bailleur' });
    for (const b of c.parBailleur) {
      const cellules = (
        await parBailleur
          .getByRole('row', { name: exact(b.bailleur) })
          .getByRole('cell')
          .allTextContents()
      ).map((x) => x.trim());
      expect(cellules).toEqual([
        uneDecimale.format(b.droit),
        entier.format(b.decomptes),
        b.taux === null ? '—' : pourcentage.format(b.taux),
      ]);
    }
    await verifierLigne(c.ligne.nom, c.ligne, t.moisCourant);
    expect(t.bailleurs.length).toBeGreaterThan(1);
    for (const b of t.bailleurs)
      await page.getByRole('heading', { level: 2, name: `${b.bailleur} — département ${b.departement}` }).waitFor();
    expect(violationsGraves(await auditer(page), 'tableau de bord du pilote de l’État')).toEqual([]);
    await capturer(page, 'tableau-pilote-etat');
  });

  it('un réservataire voit sa ligne chez chaque bailleur et leur somme ; l’EPCI voit son territoire', async () => {
    const t = await ouvrir('reservataire@demo.flux');
    await page.getByRole('heading', { level: 2, name: 'Toutes vos conventions' }).waitFor();
    await verifierLigne(t.total!.nom, t.total!, t.moisCourant);
    const lignes = await page.getByRole('heading', { level: 3 }).allTextContents();
    expect(lignes.filter((h) => h.startsWith('Votre ligne chez '))).toHaveLength(t.bailleurs.length);
    expect(lignes.some((h) => /contingent propre|Préfecture/.test(h))).toBe(false);
    expect(violationsGraves(await auditer(page), 'tableau de bord d’un réservataire')).toEqual([]);

    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    const e = await ouvrir('epci@demo.flux');
    const ter = e.territoire!;
    // « de » elided before a vowel: « Territoire d’Orléans Métropole ».
    await page.getByRole('heading', { level: 2, name: `Territoire d’${ter.nom}` }).waitFor();
    expect(ter.nom).toMatch(/^[AEIOU]/);
    await expect
      .poll(() =>
        page.getByRole('img', { name: exact(`${ter.nom} : logements du flux libérés et baux signés`) }).isVisible(),
      )
      .toBe(true);
    const mois = page.getByRole('table', { name: `${ter.nom} : locations du territoire par mois` });
    expect(await mois.getByRole('row').count()).toBe(13);
    const colonneFlux = (await mois.locator('tbody tr td:nth-of-type(1)').allTextContents()).map((x) => x.trim());
    expect(colonneFlux).toEqual(ter.mois.map((m) => entier.format(m.flux)));
    expect(violationsGraves(await auditer(page), 'tableau de bord d’un EPCI')).toEqual([]);
    await capturer(page, 'tableau-epci');
  });
});
