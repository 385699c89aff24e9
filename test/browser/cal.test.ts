/**
 * « CAL » and « Objectifs » in the browser: a letting with three candidates is prepared through the
 * use cases; the bailleur creates a session, inscribes the unit, records an attribution with its
 * ranking and reason, downloads the minutes (a PDF), records the candidate's acceptance and the
 * lease; the State pilot reads the session without forms; the objectives page shows its bars, tables
 * and warnings. Checked with axe-core and photographed into /tmp/flux-screens/.
 */
import { readFileSync } from 'node:fs';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { appliquerTransition, declarerLocation } from '../../src/app/locations.ts';
import type { Acteur } from '../../src/app/roles.ts';
import { logements } from '../../src/db/schema.ts';
import { auditer, capturer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';
import { allerAuMenu } from './menu.ts';

const aujourdhui = () =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

decrireNavigateur('séance de CAL et objectifs (navigateur)', () => {
  let logementId = '';
  let adresseSeance = '';

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
        const [libre] = await tx
          .select({ id: logements.id })
          .from(logements)
          .where(
            and(
              eq(logements.bailleurId, 'HLD'),
              isNull(logements.horsFlux),
              isNull(logements.qpv),
              sql`not exists (select 1 from locations l where l.logement_id = ${logements.id} and l.etat not in ('exclue', 'bail_signe', 'refus', 'sans_candidat'))`,
            ),
          )
          .limit(1);
        logementId = libre!.id;
        const jour = aujourdhui();
        const loc = await declarerLocation(tx, acteur, { logementId, date: jour }, new Date());
        await appliquerTransition(
          tx,
          acteur,
          loc.id,
          {
            transition: 'proposer_candidats',
            etatAttendu: loc.etat,
            version: loc.version,
            date: jour,
            candidats: [
              {
                numeroSne: '04500000000101',
                tailleMenage: 3,
                quartile1Declare: true,
                motifQuartile1: 'ressources de l’année en cours',
                prioritaire: false,
                dalo: false,
                pdalhpd: true,
                autreL4411: false,
              },
              {
                numeroSne: '04500000000102',
                tailleMenage: 2,
                quartile1: false,
                prioritaire: false,
                dalo: false,
                pdalhpd: false,
                autreL4411: false,
              },
              {
                numeroSne: '04500000000103',
                tailleMenage: 4,
                quartile1: false,
                prioritaire: false,
                dalo: false,
                pdalhpd: false,
                autreL4411: false,
              },
            ],
          },
          new Date(),
        );
      });
    },
  });
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  it('le bailleur tient une séance : inscription, décision motivée, procès-verbal, acceptation et bail', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await allerAuMenu(page, 'CAL');
    await page.waitForURL((u) => u.pathname === '/cal');
    await page.getByLabel('Lieu').fill('Siège, salle du conseil');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await page.waitForURL((u) => /^\/cal\/[^/]+$/.test(u.pathname));
    adresseSeance = new URL(page.url()).pathname;
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Séance de CAL du /);

    const choix = page.getByLabel('Logement dont les candidats sont proposés');
    await expect
      .poll(async () => (await choix.locator('option').allTextContents()).some((t) => t.startsWith(logementId)))
      .toBe(true);
    const valeur = await choix.locator('option', { hasText: logementId }).getAttribute('value');
    await choix.selectOption(valeur!);
    await page.getByRole('button', { name: 'Inscrire' }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(`^1\\. Logement ${logementId}`) }).waitFor();
    const candidats = page.getByRole('table', { name: `Candidats examinés pour le logement ${logementId}` });
    await candidats.waitFor();
    // The priority categories, each apart, as badges.
    expect(
      await candidats.locator('tbody tr', { hasText: '04500000000101' }).locator('.fr-badge').allTextContents(),
    ).toEqual(['PDALHPD', '1er quartile']);

    await page.getByLabel('Attribution avec classement').check({ force: true }); // the DSFR label covers its radio
    await page.getByLabel('Rang du candidat n° 04500000000101').selectOption('1');
    await page.getByLabel('Rang du candidat n° 04500000000102').selectOption('2');
    await page.getByLabel('Motif de la décision').fill('adéquation de la typologie et des ressources');
    expect(violationsGraves(await auditer(page), 'séance de CAL (formulaire de décision)')).toEqual([]);
    await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
    await page.getByText('Décision : Attribution avec classement par rang').waitFor();
    await page.getByRole('table', { name: new RegExp(`^Offres pour le logement ${logementId}`) }).waitFor();
    expect(violationsGraves(await auditer(page), 'séance de CAL (décision enregistrée)')).toEqual([]);
    await capturer(page, 'cal-seance-bailleur');

    const [telechargement] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Télécharger le procès-verbal (PDF)' }).click(),
    ]);
    const pdf = readFileSync((await telechargement.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect(telechargement.suggestedFilename()).toMatch(
      /^Procès-verbal CAL \d{4}-\d{2}-\d{2} — Habitat Loiret Démo\.pdf$/,
    );

    await page.getByRole('button', { name: 'Acceptée (n° 04500000000101)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Enregistrer l’acceptation' }).click();
    await page.getByRole('button', { name: 'Bail signé (n° 04500000000101)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Enregistrer le bail' }).click();
    await page.getByText('Suite : bail signé.').waitFor();
    await expect
      .poll(() =>
        page.getByRole('heading', { level: 2, name: new RegExp(`^1\\. Logement ${logementId}`) }).textContent(),
      )
      .toContain('Bail signé');
  });

  it('l’État lit la séance sans formulaire ; les objectifs montrent barres, tableaux et alertes', async () => {
    await seConnecter(page, 'etat@demo.flux');
    await page.goto('/cal');
    await page.locator('#tableau-sessions-cal').waitFor();
    expect(await page.getByRole('button', { name: 'Créer la séance' }).count()).toBe(0);
    // The demo's sessions are listed too (the next one first): open the one the bailleur held.
    expect(await page.locator('#tableau-sessions-cal a').count()).toBeGreaterThan(1);
    await page
      .getByRole('status')
      .filter({ hasText: /séances? — page 1 sur 1/ })
      .waitFor();
    // The state filter goes into the address and the server returns only past sessions.
    await page.locator('#filtre-seance-etat').selectOption('tenue');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('etat') === 'tenue');
    await expect
      .poll(async () => {
        const etats = await page.locator('#tableau-sessions-cal .fr-badge').allTextContents();
        return etats.length > 0 && etats.every((e) => e === 'Tenue' || e === 'Décisions à enregistrer');
      })
      .toBe(true);
    expect(violationsGraves(await auditer(page), 'séances de CAL filtrées (État)')).toEqual([]);
    await page.goto(adresseSeance);
    await page.getByRole('heading', { level: 2, name: new RegExp(`Logement ${logementId}`) }).waitFor();
    expect(await page.getByRole('button', { name: 'Enregistrer la décision' }).count()).toBe(0);

    await allerAuMenu(page, 'Objectifs');
    await page.waitForURL((u) => u.pathname === '/objectifs');
    await page.locator('#tableau-objectifs-q1').waitFor();
    await page.locator('#tableau-objectifs-prioritaires').waitFor();
    expect(await page.getByRole('img', { name: /par EPCI$/ }).count()).toBe(2);
    await page.getByText(/^Tendance : le rythme de l’année/).waitFor();
    expect(violationsGraves(await auditer(page), 'objectifs (État)')).toEqual([]);
    await capturer(page, 'objectifs-etat');
  });
});
