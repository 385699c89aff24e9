/**
 * Photos and plans in the browser (issue 6 item 2): the bailleur confirms the recommendation of a
 * letting for a réservataire in gestion directe, attaches a plan (PDF) and a photo (PNG, with its
 * description) from « Locations », is told in French when a file is not what it claims; the
 * réservataire then finds them in its « Boîte de réception »: the photo as a thumbnail with its
 * description as alternative text, the plan as a download link with its size. axe-core on both.
 */
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import {
  auditer,
  capturer,
  decrireNavigateur,
  preparerNavigateur,
  seConnecter,
  locationOrienteeVersDirecte,
  violationsGraves,
} from './harness.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

decrireNavigateur('photos et plans d’une location (navigateur)', () => {
  const nav = preparerNavigateur();

  it('le bailleur joint un plan et une photo à une location orientée ; le réservataire les voit dans sa boîte de réception', async () => {
    const bailleur = nav.page;
    await seConnecter(bailleur, 'bailleur@demo.flux');
    const { id, logementId, rec, compte } = await locationOrienteeVersDirecte(bailleur, nav.env, 'desc');

    // The bailleur confirms the recommendation, then attaches the files under it.
    await bailleur.goto(`/locations?location=${id}`);
    await bailleur.getByRole('button', { name: `Confirmer la recommandation : ${rec.recommande!.nom}` }).click();
    await expect
      .poll(() => bailleur.getByRole('status').filter({ hasText: 'Décision enregistrée.' }).isVisible())
      .toBe(true);
    const panneau = bailleur.getByRole('region', { name: `Photos et plans du logement ${logementId}` });
    await expect.poll(() => panneau.isVisible()).toBe(true);
    expect(await panneau.textContent()).toContain('aucun');
    const fichier = panneau.locator('input[type="file"]');
    expect(await fichier.getAttribute('accept')).toContain('application/pdf');

    // A text file renamed .png: refused by the server, which reads its first bytes.
    await fichier.setInputFiles({
      name: 'faux.png',
      mimeType: 'image/png',
      buffer: Buffer.from('ceci n’est pas une image'),
    });
    await panneau.getByRole('button', { name: 'Joindre le fichier' }).click();
    await expect.poll(() => panneau.textContent()).toContain('Le contenu du fichier n’est pas une image PNG');

    await fichier.setInputFiles({ name: 'plan-T3.pdf', mimeType: 'application/pdf', buffer: PDF });
    await panneau.getByRole('button', { name: 'Joindre le fichier' }).click();
    await expect.poll(() => panneau.getByRole('status').textContent()).toBe('« plan-T3.pdf » est joint à la location.');
    await fichier.setInputFiles({ name: 'sejour.png', mimeType: 'image/png', buffer: PNG });
    await panneau.getByLabel('Description (facultative)').fill('Séjour avec balcon, vue sur le parc');
    await panneau.getByRole('button', { name: 'Joindre le fichier' }).click();
    await expect.poll(() => panneau.getByRole('status').textContent()).toBe('« sejour.png » est joint à la location.');
    await expect
      .poll(() => panneau.getByRole('img', { name: 'Séjour avec balcon, vue sur le parc' }).isVisible())
      .toBe(true);
    expect(await panneau.getByRole('link', { name: /Plan « plan-T3\.pdf »/ }).textContent()).toContain(
      `PDF – ${PDF.length} octets`,
    );
    expect(violationsGraves(await auditer(bailleur), 'photos et plans (bailleur)')).toEqual([]);
    await capturer(bailleur, 'pieces-bailleur');

    const stockees = await lignes<{ nom: string; type_mime: string; taille: number }>(
      nav.env.base.db,
      sql`select nom, type_mime, taille from pieces_locations where location_id = ${id} order by ajoute_le`,
    );
    expect(stockees).toEqual([
      { nom: 'plan-T3.pdf', type_mime: 'application/pdf', taille: PDF.length },
      { nom: 'sejour.png', type_mime: 'image/png', taille: PNG.length },
    ]);

    // The réservataire: both in its inbox's row, the photo displayed from the server.
    const reservataire = await nav.nouvellePage();
    await seConnecter(reservataire, compte);
    await reservataire.goto('/boite');
    const ligne = reservataire.locator('#tableau-boite tbody tr', { hasText: logementId });
    await expect.poll(() => ligne.count()).toBe(1);
    const photo = ligne.getByRole('img', { name: 'Séjour avec balcon, vue sur le parc' });
    // Thumbnails load lazily: the photo is brought into view, as someone reading the row would.
    await photo.scrollIntoViewIfNeeded();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    const plan = ligne.getByRole('link', { name: /Plan « plan-T3\.pdf »/ });
    expect(await plan.textContent()).toContain(`PDF – ${PDF.length} octets`);
    const reponse = await reservataire.request.get((await plan.getAttribute('href'))!);
    expect(reponse.status()).toBe(200);
    expect(reponse.headers()['content-disposition']).toMatch(/^attachment; filename="plan-T3\.pdf"/);
    expect(Buffer.from(await reponse.body()).equals(PDF)).toBe(true);
    expect(violationsGraves(await auditer(reservataire), 'boîte de réception avec photos et plans')).toEqual([]);
    await capturer(reservataire, 'pieces-boite');
  });
});
