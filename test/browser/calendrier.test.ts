/**
 * The real calendar of a letting in the browser (issue 12 items 4, 5, 8 and 11): a tenant gave notice
 * twenty days ago and left two days ago; the bailleur holds a CAL session during the notice, decides,
 * records the acceptance on its day, is told in French that the lease cannot precede the departure,
 * then records it after; another unit is withdrawn from the session and goes back « à examiner ».
 * Issuing an empty bilan asks first and warns. Action Logement, in direct management with two
 * bailleurs of the demo, has units to propose. Checked with axe-core; with FLUX_CAPTURES set, the
 * README's screenshots are written there (`npm run captures`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { appliquerTransition, declarerLocation } from '../../src/app/locations.ts';
import type { Acteur } from '../../src/app/roles.ts';
import { logements } from '../../src/db/schema.ts';
import { ajouterJours, dateCourte, jourParis } from '../../src/domain/calendrier.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

/** A day relative to today (Europe/Paris), as the officer types it. */
const jour = (n: number) => ajouterJours(jourParis(new Date()), n);

/** The README's screenshots: the visible screen at 1366 px, only when asked (`npm run captures`). */
async function capturerPourLeReadme(page: Page, nom: string): Promise<void> {
  const dossier = process.env.FLUX_CAPTURES;
  if (!dossier) return;
  mkdirSync(dossier, { recursive: true });
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.mouse.move(0, 0);
  // A modal still fading in would be photographed half transparent.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))));
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dossier, `${nom}.png`) });
}

const SNE = (n: number) => `0450000000${String(n).padStart(4, '0')}`;

decrireNavigateur('calendrier d’une location : préavis, CAL, départ, bail (navigateur)', () => {
  const logementsPrepares: string[] = [];

  const nav = preparerNavigateur({
    preparer: async (env) => {
      const acteur: Acteur = {
        utilisateurId: 'U-BAILLEUR',
        organisationId: 'HLD',
        role: 'agent_bailleur',
        departement: '45',
        epci: null,
      };
      await env.base.db.transaction(async (tx) => {
        const libres = await tx
          .select({ id: logements.id })
          .from(logements)
          .where(
            and(
              eq(logements.bailleurId, 'HLD'),
              isNull(logements.horsFlux),
              isNull(logements.qpv),
              sql`not exists (select 1 from locations l where l.logement_id = ${logements.id})`,
            ),
          )
          .limit(2);
        // A: notice 20 days ago, departure 2 days ago. B: notice 20 days ago, no later departure.
        for (const [k, l] of libres.entries()) {
          const loc = await declarerLocation(
            tx,
            acteur,
            {
              logementId: l.id,
              date: jour(-20),
              ...(k === 0 ? { dateDepart: jour(-2) } : {}),
            },
            new Date(),
          );
          await appliquerTransition(
            tx,
            acteur,
            loc.id,
            {
              transition: 'proposer_candidats',
              etatAttendu: loc.etat,
              version: loc.version,
              date: jour(-15),
              candidats: [1, 2, 3].map((r) => ({
                numeroSne: SNE(100 * (k + 1) + r),
                tailleMenage: 2,
                quartile1: r === 1,
                prioritaire: false,
                dalo: false,
                pdalhpd: false,
                autreL4411: false,
              })),
            },
            new Date(),
          );
          logementsPrepares.push(l.id);
        }
      });
    },
  });
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('la CAL décide pendant le préavis ; le bail attend le départ ; un logement se retire de la séance', async () => {
    const [a, b] = logementsPrepares as [string, string];
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/cal');
    await page.getByLabel('Date de la séance').fill(jour(-10));
    await page.getByLabel('Lieu').fill('Siège, salle du conseil');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await page.waitForURL((u) => /^\/cal\/[^/]+$/.test(u.pathname));

    const choix = page.getByLabel('Logement dont les candidats sont proposés');
    const inscrire = async (logementId: string) => {
      await expect
        .poll(async () => (await choix.locator('option').allTextContents()).some((t) => t.startsWith(logementId)))
        .toBe(true);
      await choix.selectOption((await choix.locator('option', { hasText: logementId }).getAttribute('value'))!);
      await page.getByRole('button', { name: 'Inscrire' }).click();
      await page.getByRole('heading', { level: 2, name: new RegExp(`Logement ${logementId}`) }).waitFor();
    };
    await inscrire(a);
    await inscrire(b);

    // B is withdrawn: it leaves the session and can be inscribed again.
    await page.getByRole('button', { name: `Retirer le logement ${b} de la séance` }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: new RegExp(`Logement ${b}`) }).count()).toBe(0);
    await expect
      .poll(async () => (await choix.locator('option').allTextContents()).some((t) => t.startsWith(b)))
      .toBe(true);

    // A is examined during the notice: the page says when the tenant leaves.
    await page.getByText(`départ du locataire le ${dateCourte(jour(-2))}`).waitFor();
    await page.getByRole('radio', { name: /^Attribution\s*un candidat/ }).check({ force: true });
    await page.getByLabel(`Rang du candidat n° ${SNE(101)}`).selectOption('1');
    await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await page.getByText('Décision : Attribution', { exact: false }).waitFor();

    // The acceptance, dated on its day in the modal.
    await page.getByRole('button', { name: `Acceptée (n° ${SNE(101)})` }).click();
    const dialogue = page.getByRole('dialog');
    await dialogue.getByLabel('Date de la réponse').fill(jour(-8));
    expect(violationsGraves(await auditer(page), 'CAL (confirmation de l’acceptation)')).toEqual([]);
    await dialogue.getByRole('button', { name: 'Enregistrer l’acceptation' }).click();
    await page.getByText(`Acceptée le ${dateCourte(jour(-8))}`).waitFor();

    // A lease before the departure is refused, saying from when; after it, recorded.
    await page.getByRole('button', { name: `Bail signé (n° ${SNE(101)})` }).click();
    await dialogue.getByLabel('Date de signature du bail').fill(jour(-5));
    await dialogue.getByRole('button', { name: 'Enregistrer le bail' }).click();
    const erreur = page.getByRole('alert').filter({ hasText: 'avant le départ du locataire' });
    await erreur.waitFor();
    expect(await erreur.textContent()).toContain(dateCourte(jour(-2)));
    expect(await erreur.textContent()).not.toMatch(/evenements\[/);
    await page.getByRole('button', { name: `Bail signé (n° ${SNE(101)})` }).click();
    await dialogue.getByLabel('Date de signature du bail').fill(jour(-1));
    await capturerPourLeReadme(page, '3-bail-apres-le-depart');
    await dialogue.getByRole('button', { name: 'Enregistrer le bail' }).click();
    await page.getByText('Suite : bail signé.').waitFor();
    expect(violationsGraves(await auditer(page), 'CAL (bail après le départ)')).toEqual([]);
    await capturer(page, 'calendrier-cal');
  });

  it('émettre un bilan vide demande confirmation et avertit ; « Annuler » n’émet rien', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    // The demo issued last year's bilan: the year before it has no event, its bilan is empty.
    const annee = Number(jour(0).slice(0, 4)) - 2;
    await page.goto(`/bilan?annee=${annee}`);
    await page.getByRole('heading', { name: `Émission et envoi du bilan ${annee}` }).waitFor();
    await page.getByText('Non émis').waitFor();
    await page.getByRole('button', { name: `Émettre le bilan ${annee}` }).click();
    const dialogue = page.getByRole('dialog');
    await dialogue.getByText(`L’année ${annee} est alors verrouillée`, { exact: false }).waitFor();
    expect(await dialogue.getByText('Ce bilan est vide', { exact: false }).isVisible()).toBe(true);
    expect(violationsGraves(await auditer(page), 'bilan (confirmation d’un bilan vide)')).toEqual([]);
    await capturerPourLeReadme(page, '4-emission-bilan-vide');
    await dialogue.getByRole('button', { name: 'Annuler' }).click();
    await expect.poll(() => dialogue.count()).toBe(0);
    expect(await page.getByText('Non émis').isVisible()).toBe(true);
    expect(await page.getByText('Émis — version 1').count()).toBe(0);
  });

  it('Action Logement, en gestion directe chez deux bailleurs, a des logements à proposer', async () => {
    await seConnecter(page, 'reservataire@demo.flux');
    await allerAuMenu(page, 'Boîte de réception');
    await page.waitForURL((u) => u.pathname === '/boite');
    await expect
      .poll(() => page.getByRole('button', { name: /^Proposer des candidats pour le logement / }).count())
      .toBeGreaterThan(0);
    expect(violationsGraves(await auditer(page), 'boîte de réception (Action Logement)')).toEqual([]);
    await capturerPourLeReadme(page, '2-boite-action-logement');
  });

  it('le bailleur voit les séances de la démonstration : passées et à venir', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.goto('/');
    await capturerPourLeReadme(page, '1-accueil-bailleur');
    await page.goto('/cal');
    await page.locator('#tableau-sessions-cal').waitFor();
    const etats = await page.locator('#tableau-sessions-cal .fr-badge').allTextContents();
    expect(etats).toContain('À venir');
    expect(etats.some((e) => e === 'Tenue' || e === 'Décisions à enregistrer')).toBe(true);
  });
});
