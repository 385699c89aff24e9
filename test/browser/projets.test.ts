/**
 * A draft through the CIL's review, in the browser (issue 14 items 3 and 6): the bailleur prepares
 * a draft of an avenant from the convention's form and lands on the draft's page « en attente de
 * l’avis de la CIL »; the EPCI finds it on « Conventions du territoire », records its CIL's avis
 * réservé with its reasons after a confirmation (CCH L.441-1-5); the bailleur reads the review on
 * the draft's page, changes a clause of the convention (issue 14 item 2, ADR 0043), downloads the
 * document (PDF, DOCX) and signs the fingerprint it read after a confirmation; Action Logement
 * signs the same fingerprint; the register shows who signed what; the bailleur then records the
 * parties' signature after a confirmation that recalls the reserve; the State pilot reads its départemental view (CCH R.441-5-2) and records a delegation of
 * the contingent to the Ville d'Orléans (CCH L.441-1) after a confirmation. Checked with axe-core,
 * photographed into /tmp/flux-screens/.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
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

decrireNavigateur('un projet de convention et l’avis de la CIL (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });
  const aujourdhui = new Date().toISOString().slice(0, 10);
  const anneeProchaine = new Date().getFullYear() + 1;
  let adresse = '';

  it('CCH L.441-1-5 — le bailleur prépare un projet d’avenant : rien n’entre en vigueur, l’avis de la CIL est attendu', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/conventions/HLD-CV2');
    await page.locator('#tableau-cv-versions').waitFor();
    await page.getByLabel('Nouveau taux (en % du flux annuel)').fill('26');
    await page.getByLabel('Date d’effet').fill(`${anneeProchaine}-01-01`);
    await page.getByLabel('Motif').fill('renégociation de la convention avec Action Logement');
    await page.getByRole('button', { name: 'Préparer un projet d’avenant pour la CIL' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/conventions/projets/'));
    adresse = new URL(page.url()).pathname;
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Projet d’avenant — Action Logement Services');
    await page.getByText('en attente de l’avis de la CIL').first().waitFor();
    await page.getByRole('rowheader', { name: 'Orléans Métropole' }).waitFor();
    expect(violationsGraves(await auditer(page), 'projet (bailleur)')).toEqual([]);
    await capturer(page, 'projet-bailleur');
    // The convention itself is unchanged, and lists the draft.
    await page.getByRole('link', { name: 'La convention en vigueur' }).click();
    await page.waitForURL((u) => u.pathname === '/conventions/HLD-CV2');
    await page.getByRole('heading', { name: 'Projets d’avenant' }).waitFor();
    expect(await colonne(page, '#tableau-cv-versions', 'Version')).toEqual(['n° 1 en vigueur']);
  });

  it('CCH L.441-1-5 — l’EPCI trouve le projet sur son territoire et enregistre l’avis réservé de sa CIL après confirmation', async () => {
    await seConnecter(page, 'epci@demo.flux');
    await allerAuMenu(page, 'Conventions du territoire');
    await page.waitForURL((u) => u.pathname === '/territoire');
    await page.getByRole('heading', { name: 'Par réservataire' }).waitFor();
    await page.getByRole('heading', { name: 'Action Logement Services', level: 3 }).waitFor();
    expect(violationsGraves(await auditer(page), 'conventions du territoire')).toEqual([]);
    await capturer(page, 'territoire-epci');
    await page
      .getByRole('link', { name: /Avenant .* — Action Logement Services/ })
      .first()
      .click();
    await page.waitForURL((u) => u.pathname === adresse);
    await page.getByRole('heading', { name: 'Enregistrer l’avis de la CIL — Orléans Métropole' }).waitFor();
    // A reserved avis says its reasons: refused in the form before anything is sent.
    await page.getByLabel('Date de la séance').fill(aujourdhui);
    await page.getByText('Réservé', { exact: true }).click();
    await page.getByRole('button', { name: 'Enregistrer l’avis' }).click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer l’avis de la CIL ?' });
    await modale.waitFor();
    await modale.getByText('L’avis ne peut être ni modifié ni retiré dans Flux', { exact: false }).waitFor();
    await modale.getByRole('button', { name: 'Confirmer l’avis' }).click();
    await page.getByText('un avis réservé dit ses raisons').waitFor();
    await modale.waitFor({ state: 'hidden' });
    await page.getByLabel('Réserves de la CIL').fill('Préciser la part des logements hors QPV sur la Métropole');
    await page.getByRole('button', { name: 'Enregistrer l’avis' }).click();
    await modale.waitFor();
    await modale.getByRole('button', { name: 'Confirmer l’avis' }).click();
    await page.getByRole('cell', { name: /avis réservé \(séance du/ }).waitFor();
    await page.getByRole('cell', { name: 'Préciser la part des logements hors QPV sur la Métropole' }).waitFor();
    expect(await page.getByRole('heading', { name: /Enregistrer l’avis de la CIL/ }).count()).toBe(0);
    // The draft covers several EPCIs of the bailleur: the others' reviews are still awaited.
    await page
      .getByText(/en attente de l’avis de \d+ CIL sur \d+|en attente de signature/)
      .first()
      .waitFor();
    expect(violationsGraves(await auditer(page), 'avis de la CIL enregistré')).toEqual([]);
    await capturer(page, 'projet-avis-cil');
  });

  it('arrêté du 10 mars 2011 art. 1 — le bailleur modifie une clause, télécharge le document et signe l’empreinte lue après confirmation', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto(adresse);
    await page.getByRole('heading', { name: 'Clauses de la convention' }).waitFor();
    await page.getByRole('button', { name: 'Modifier les clauses' }).click();
    await page.getByLabel('Signalement d’un logement libéré').fill('5');
    await page.getByRole('button', { name: 'Enregistrer les clauses' }).click();
    await page.getByText('dans les 5 jours', { exact: true }).waitFor();
    // The document is written from the stored terms: the PDF and the editable DOCX download.
    for (const [nom, type] of [
      ['Télécharger le document PDF', 'application/pdf'],
      ['Télécharger le document modifiable DOCX', 'application/vnd.openxmlformats-officedocument'],
    ] as const) {
      const href = await page.getByRole('link', { name: nom }).getAttribute('href');
      const r = await page.request.get(href!);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toContain(type);
    }
    const empreinte = (await page.getByTestId('empreinte-document').textContent())!;
    expect(empreinte).toMatch(/^[0-9a-f]{64}$/);
    await page.getByRole('button', { name: /^Signer le document pour / }).click();
    const modale = page.getByRole('dialog', { name: 'Signer le document de la convention ?' });
    await modale.waitFor();
    await modale.getByText(empreinte).waitFor();
    expect(violationsGraves(await auditer(page), 'signature du document (modale)')).toEqual([]);
    await modale.getByRole('button', { name: 'Confirmer la signature' }).click();
    await page.getByRole('cell', { name: 'celui de maintenant' }).waitFor();
    expect(await page.getByRole('button', { name: /^Signer le document pour / }).count()).toBe(0);
    expect(violationsGraves(await auditer(page), 'projet (clauses et document)')).toEqual([]);
    await capturer(page, 'projet-document');
  });

  it('Action Logement signe la même empreinte ; le registre dit qui a signé quoi et quand', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    await page.goto(adresse);
    await page.getByRole('heading', { name: 'Registre des signatures' }).waitFor();
    await page.getByRole('button', { name: 'Signer le document pour Action Logement Services' }).click();
    const modale = page.getByRole('dialog', { name: 'Signer le document de la convention ?' });
    await modale.waitFor();
    await modale.getByRole('button', { name: 'Confirmer la signature' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'celui de maintenant' }).count()).toBe(2);
    await page.getByRole('rowheader', { name: 'Action Logement Services' }).waitFor();
    expect(violationsGraves(await auditer(page), 'registre des signatures')).toEqual([]);
    await capturer(page, 'projet-registre-signatures');
  });

  it('le bailleur lit l’avis de la CIL et enregistre la signature des parties après confirmation', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto(adresse);
    await page.getByRole('cell', { name: /avis réservé/ }).waitFor();
    // The bailleur reads the CIL's reasons before signing.
    await page.getByRole('cell', { name: 'Préciser la part des logements hors QPV sur la Métropole' }).waitFor();
    await page.getByRole('button', { name: 'Enregistrer la signature' }).click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer la signature des parties ?' });
    await modale.waitFor();
    await modale.getByText('Avis réservé de la CIL : Orléans Métropole.').waitFor();
    // Both parties signed the document as it reads: no warning about a missing signature.
    expect(await modale.getByText('Document pas encore signé').count()).toBe(0);
    await modale.getByRole('button', { name: 'Confirmer la signature' }).click();
    await page
      .getByText(/^signé le \d{2}\/\d{2}\/\d{4}$/)
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Enregistrer la signature' }).count()).toBe(0);
    await capturer(page, 'projet-signe');
    await page.goto('/conventions/HLD-CV2');
    await expect.poll(() => colonne(page, '#tableau-cv-versions', 'Version')).toEqual(['n° 2', 'n° 1 en vigueur']);
  });

  it('CCH R.441-5-2 et L.441-1 — le pilote lit la vue départementale et délègue le contingent à la Ville après confirmation', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await allerAuMenu(page, 'Vue départementale');
    await page.waitForURL((u) => u.pathname === '/departement');
    await page.getByRole('heading', { name: 'La part de l’État par bailleur' }).waitFor();
    await page.getByRole('link', { name: /Télécharger la vue départementale/ }).waitFor();
    expect(violationsGraves(await auditer(page), 'vue départementale')).toEqual([]);
    await capturer(page, 'vue-departementale');

    await allerAuMenu(page, 'Délégations du contingent');
    await page.waitForURL((u) => u.pathname === '/delegations');
    await page.getByText('Aucune délégation enregistrée.').waitFor();
    await page.getByLabel('Délégataire').selectOption({ label: 'Ville d’Orléans' });
    await page.getByLabel('Communes déléguées (codes INSEE)').fill('45234');
    await page.getByLabel('Dernier jour').fill(`${anneeProchaine}-12-31`);
    await page.getByLabel('Acte de délégation').fill('Convention de délégation du contingent n° 2026-45-01');
    await page.getByRole('button', { name: 'Enregistrer la délégation' }).click();
    const modale = page.getByRole('dialog', { name: 'Enregistrer la délégation du contingent ?' });
    await modale.waitFor();
    await modale.getByRole('button', { name: 'Confirmer la délégation' }).click();
    await page.getByText('Délégation enregistrée.').waitFor();
    await page.getByRole('rowheader', { name: 'Ville d’Orléans' }).waitFor();
    await page.getByText('en vigueur', { exact: true }).waitFor();
    expect(violationsGraves(await auditer(page), 'délégations')).toEqual([]);
    await capturer(page, 'delegations');

    // The préfet ends it early: the decision asked for in the confirmation, the act's last day kept beside.
    await page.getByRole('button', { name: 'Mettre fin' }).click();
    const fin = page.getByRole('dialog', { name: 'Mettre fin à la délégation à Ville d’Orléans ?' });
    await fin.waitFor();
    await fin.getByLabel('Décision du préfet').fill('Arrêté préfectoral mettant fin à la délégation');
    await fin.getByRole('button', { name: 'Confirmer la fin' }).click();
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: 'Ville d’Orléans' }).first().textContent())
      .toContain(`fin anticipée (prévue le 31/12/${anneeProchaine}) : Arrêté préfectoral mettant fin à la délégation`);
    expect(violationsGraves(await auditer(page), 'délégation terminée')).toEqual([]);
  });
});
