/**
 * New programmes in the browser (issue 14 item 4; ADR 0035, 0047): the bailleur opens « Programmes
 * neufs » from the menu, enters the rights Action Logement negotiated at a programme's financing
 * (CCH R.441-5 I: first lettings are in the flow) after a confirmation, and reads them in the list;
 * a field left wrong is named in French; Action Logement reads the programme where it holds rights.
 * Checked with axe-core, photographed into /tmp/flux-screens/.
 */
import { expect, it } from 'vitest';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('programmes neufs et droits négociés au financement (navigateur)', () => {
  const nav = preparerNavigateur();

  it('CCH R.441-5 — le bailleur saisit les droits d’Action Logement sur un programme neuf ; Action Logement les lit', async () => {
    const page = nav.page;
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'Programmes neufs');
    await page.waitForURL((u) => u.pathname === '/programmes');
    const tableau = page.getByRole('table', { name: 'Programmes et droits négociés à leur financement' });
    await tableau.waitFor();
    const premier = tableau.locator('tbody tr').first();
    const nom = (await premier.locator('th').textContent())!.trim();
    expect(await premier.textContent()).toContain('aucun : les premières mises en location suivent le flux');
    expect(violationsGraves(await auditer(page), 'programmes (bailleur)')).toEqual([]);

    await premier.getByRole('button', { name: 'Saisir les droits' }).click();
    await page.getByRole('heading', { name: `Droits négociés au financement — ${nom}` }).waitFor();
    // Nothing chosen: the form names what is missing, in French, and nothing is sent.
    await page.getByRole('button', { name: 'Enregistrer les droits' }).click();
    await page.getByRole('button', { name: 'Confirmer les droits' }).click();
    await page.getByText('indiquez la référence de la décision de financement').waitFor();
    await page.getByText('indiquez la date de la décision de financement').waitFor();

    await page.getByLabel('Décision de financement').fill('Convention de financement Action Logement n° AL-2024-117');
    await page.getByLabel('Date de la décision').fill('2024-06-12');
    await page.getByLabel('Livraison prévue').fill(`${new Date().getFullYear() + 1}-03-15`);
    await page.getByLabel('Réservataire du droit n° 1').selectOption({ label: 'Action Logement Services' });
    await page.getByLabel('Logements du droit n° 1').fill('2');
    await page.getByRole('button', { name: 'Enregistrer les droits' }).click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer les droits de ce programme ?' });
    await expect.poll(() => modale.textContent()).toContain('Action Logement Services (2)');
    await capturer(page, 'programmes-confirmation');
    await modale.getByRole('button', { name: 'Confirmer les droits' }).click();
    await page.getByText('Droits enregistrés (version 1).').waitFor();
    const ligne = tableau.locator('tbody tr').filter({ hasText: nom });
    await expect.poll(() => ligne.textContent()).toContain('Action Logement Services : 2 logements');
    expect(await ligne.textContent()).toContain(
      'Convention de financement Action Logement n° AL-2024-117 du 12/06/2024',
    );
    await capturer(page, 'programmes-bailleur');

    // The forecast of the delivery's year counts the programme and names its rights.
    await page.goto(`/prevision?annee=${new Date().getFullYear() + 1}`);
    const livres = page.getByRole('table', {
      name: `Programmes livrés en ${new Date().getFullYear() + 1} et droits négociés à leur financement`,
    });
    await livres.waitFor();
    await expect.poll(() => livres.textContent()).toContain(nom);
    expect(await livres.textContent()).toContain('Action Logement Services : 2');
    expect(violationsGraves(await auditer(page), 'prévision (programmes livrés)')).toEqual([]);

    // Action Logement reads the programme where it holds rights, without the form.
    const al = await nav.nouvellePage();
    await seConnecter(al, 'reservataire@demo.flux');
    await al.goto('/programmes?bailleur=HLD');
    const vu = al.getByRole('table', { name: 'Programmes et droits négociés à leur financement' });
    await vu.waitFor();
    await expect.poll(() => vu.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining(nom)]);
    expect(await al.getByRole('button', { name: 'Saisir les droits' }).count()).toBe(0);
    expect(violationsGraves(await auditer(al), 'programmes (réservataire)')).toEqual([]);
  });
});
