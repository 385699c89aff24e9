/**
 * Issuing and sending the bilan in the browser (issue 7 items 2–3), the server's clock set to
 * January of the year after the demo's: the bailleur issues the bilan from « Bilan annuel » and
 * marks it sent to Action Logement; Action Logement sees « Envoyé le … » and downloads the issued
 * version, which holds its own line only; the download is recorded; the bailleur opens a
 * late-correction window, corrects one letting with its reason and re-issues: the version 2 shows
 * the change « avant → après » and the reason. Checked with axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { EmissionsAnneeApi } from '../../src/contracts/emission-bilan.ts';
import type { BilanAnnuel } from '../../src/domain/bilan.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

decrireNavigateur('émission et envoi du bilan annuel (navigateur)', () => {
  // The demo seeds the current year; the server lives on 20 January of the next one.
  const annee = new Date().getFullYear();
  const maintenant = new Date(`${annee + 1}-01-20T10:00:00Z`);
  const leJour = `20/01/${annee + 1}`;

  const nav = preparerNavigateur({ horloge: () => maintenant });
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const ouvrir = async (email: string, bailleur?: string) => {
    await seConnecter(page, email);
    await allerAuMenu(page, 'Bilan annuel');
    await page.waitForURL((u) => u.pathname === '/bilan');
    if (bailleur) await page.getByLabel('Bailleur et département').selectOption({ label: bailleur });
    await page.getByLabel('Année du bilan').selectOption(String(annee));
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL((u) => u.searchParams.get('annee') === String(annee));
    await page.getByRole('heading', { name: `Émission et envoi du bilan ${annee}` }).waitFor();
  };

  it('le bailleur émet le bilan et le marque envoyé à un réservataire', async () => {
    await ouvrir('bailleur@demo.flux');
    await page.getByText('Non émis').waitFor();
    await page.getByRole('button', { name: `Émettre le bilan ${annee}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Émettre le bilan' }).click();
    await page.getByText('Émis — version 1').waitFor();
    expect(await page.getByText(`Année ${annee} verrouillée`).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: /Version 1 — émise le/ }).textContent()).toContain(leJour);

    const destinataires = page.locator('#tableau-destinataires-1');
    const ligneAL = destinataires.getByRole('row', { name: /Action Logement Services/ });
    expect(await ligneAL.textContent()).toContain('non envoyé');
    await page.getByRole('button', { name: 'Marquer envoyé : version 1 à Action Logement Services' }).click();
    await expect.poll(() => ligneAL.textContent()).toContain(`envoyé le ${leJour}`);
    expect(
      await page.getByRole('button', { name: 'Marquer envoyé : version 1 à Action Logement Services' }).count(),
    ).toBe(0);
    // The others are still to send.
    expect(await page.getByRole('button', { name: /Marquer envoyé : version 1 à/ }).count()).toBeGreaterThan(0);
    // The correction window form says how long a window may last.
    expect(await page.getByText('30 jours au plus').isVisible()).toBe(true);

    expect(violationsGraves(await auditer(page), 'émission du bilan (bailleur)')).toEqual([]);
    await capturer(page, 'bilan-emission-bailleur');
  });

  it('le réservataire voit « Envoyé le … » et télécharge sa version, limitée à sa ligne', async () => {
    await ouvrir('reservataire@demo.flux', 'Habitat Loiret Démo — département 45');
    await page.getByText(`Envoyé le ${leJour}`).waitFor();
    // A réservataire neither issues nor sees the other recipients.
    expect(await page.getByRole('button', { name: /Émettre le bilan/ }).count()).toBe(0);
    expect(await page.locator('#tableau-destinataires-1').count()).toBe(0);

    const [telechargement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Télécharger la version 1 au format JSON/ }).click(),
    ]);
    const v = JSON.parse(readFileSync((await telechargement.path())!, 'utf8')) as {
      version: number;
      bilan: BilanAnnuel;
    };
    expect(v.version).toBe(1);
    expect(v.bilan.annee).toBe(annee);
    expect(v.bilan.lignes.map((l) => l.ligne)).toEqual(['ACTION-LOGEMENT']);
    expect(v.bilan.detail.every((d) => d.ligne === 'ACTION-LOGEMENT')).toBe(true);

    const r = await page.request.get(`/api/bilan/emissions?annee=${annee}&bailleur=HLD&departement=45`);
    expect(r.status()).toBe(200);
    const e = (await r.json()) as EmissionsAnneeApi;
    expect(e.versions[0]!.telechargements.map((t) => t.organisationId)).toEqual(['ACTION-LOGEMENT']);

    expect(violationsGraves(await auditer(page), 'émission du bilan (réservataire)')).toEqual([]);
    await capturer(page, 'bilan-emission-reservataire');
  });

  it('le bailleur ouvre une fenêtre de correction, corrige avec un motif et réémet : « avant → après » et le motif', async () => {
    await ouvrir('bailleur@demo.flux');
    await page.getByText('Émis — version 1').waitFor();
    await page.getByLabel('Motif de la correction').fill('Délai de proposition dépassé non constaté');
    await page.getByLabel('Fin de la fenêtre').fill(`${annee + 1}-02-10`);
    await page.getByRole('button', { name: 'Ouvrir la fenêtre de correction' }).click();
    await page.getByText('Fenêtre de correction ouverte').waitFor();

    // The correction itself, through the API with its reason (a letting of the year still oriented).
    const { csrf } = (await (await page.request.get('/api/session')).json()) as { csrf: string };
    const l = (await (await page.request.get(`/api/locations?etat=orientee&annee=${annee}&taille=100`)).json()) as {
      locations: { id: string; version: number; reservataireId: string | null; logementId: string }[];
    };
    const v = l.locations.find((x) => x.reservataireId !== null)!;
    expect(v).toBeDefined();
    const corps = {
      transition: 'constater_sans_candidat',
      etatAttendu: 'orientee',
      version: v.version,
      date: `${annee}-12-31`,
    };
    const sans = await page.request.post(`/api/locations/${v.id}/transitions`, {
      data: corps,
      headers: { 'x-csrf-token': csrf },
    });
    expect(sans.status()).toBe(422);
    const avec = await page.request.post(`/api/locations/${v.id}/transitions`, {
      data: { ...corps, motif: 'aucun candidat reçu dans le délai' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(avec.status()).toBe(200);

    await page.reload();
    await page
      .getByRole('table', { name: 'Corrections enregistrées, pas encore émises' })
      .getByText('aucun candidat reçu dans le délai')
      .waitFor();
    await page.getByRole('button', { name: `Réémettre le bilan ${annee} (version 2)` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Réémettre le bilan' }).click();
    await page.getByText('Émis — version 2').waitFor();
    const changements = page.getByRole('table', {
      name: 'Chiffres modifiés entre la version 1 et la version 2 (avant → après)',
    });
    await expect
      .poll(() =>
        changements.getByRole('row', { name: new RegExp(`Logement ${v.logementId} .* Statut`) }).textContent(),
      )
      .toContain('en cours → échec');
    expect(
      await page
        .getByRole('table', { name: 'Corrections tardives prises en compte dans la version 2' })
        .getByText('aucun candidat reçu dans le délai')
        .count(),
    ).toBe(1);
    // Issuing again locked the year: the form is offered again, no window is open.
    expect(await page.getByText(`Année ${annee} verrouillée`).isVisible()).toBe(true);

    expect(violationsGraves(await auditer(page), 'réémission du bilan (bailleur)')).toEqual([]);
    await capturer(page, 'bilan-emission-version-2');
  });
});
