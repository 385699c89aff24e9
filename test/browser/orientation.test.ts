/**
 * Orientation in the browser (issue 6): the bailleur reads the engine's recommendation with its
 * explanation in « Locations » and confirms it; the réservataire is notified in the header, finds
 * the unit in its « Boîte de réception » with the countdown, is told in French when an SNE number
 * is malformed, and proposes its candidates. Checked with axe-core and photographed.
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
import { allerAuMenu } from './menu.ts';

decrireNavigateur('orientation et boîte de réception (navigateur)', () => {
  const nav = preparerNavigateur();

  it('le bailleur confirme la recommandation ; le réservataire la voit avec le compte à rebours et propose ses candidats', async () => {
    const bailleur = nav.page;
    await seConnecter(bailleur, 'bailleur@demo.flux');
    const { id, logementId, rec, compte } = await locationOrienteeVersDirecte(bailleur, nav.env);

    await bailleur.goto(`/locations?location=${id}`);
    const panneau = bailleur.getByRole('region', { name: `Recommandation pour le logement ${logementId}` });
    await expect.poll(() => panneau.isVisible()).toBe(true);
    expect(await panneau.textContent()).toContain(`Le moteur recommande ${rec.recommande!.nom}`);
    expect(await bailleur.locator('#tableau-recommandation caption').textContent()).toContain(
      'Réservataires qui ont un droit sur ce logement',
    );
    // Plain French with names: « X a reçu N logements pour Y dus », never an identifier nor a negative deadline.
    const explication = (await panneau.textContent())!;
    expect(explication).toContain(`${rec.recommande!.nom} a reçu `);
    expect(explication).not.toMatch(
      /ETAT-45|ACTION-LOGEMENT|DEPARTEMENT-45|VILLE-ORLEANS|BAILLEUR|dans -|échéance dans/,
    );
    const graves = violationsGraves(await auditer(bailleur), 'recommandation');
    expect(graves).toEqual([]);
    await capturer(bailleur, 'orientation-recommandation');
    await bailleur.getByRole('button', { name: `Confirmer la recommandation : ${rec.recommande!.nom}` }).click();
    await expect
      .poll(() => bailleur.getByRole('status').filter({ hasText: 'Décision enregistrée.' }).isVisible())
      .toBe(true);
    await expect.poll(() => panneau.textContent()).toMatch(/recommandation confirmée.*Délai de proposition jusqu’au/);

    // The réservataire: notified in the header, the unit in its inbox with 30 days left.
    const reservataire = await nav.nouvellePage();
    await seConnecter(reservataire, compte);
    const cloche = reservataire.getByRole('button', { name: /^Notifications/ }).first();
    await expect.poll(() => cloche.textContent()).toMatch(/\(\d+\)/);
    await cloche.click();
    await expect
      .poll(() => reservataire.getByRole('region', { name: 'Liste des notifications' }).first().textContent())
      .toContain('Nouveau logement orienté');
    await cloche.click();
    await allerAuMenu(reservataire, 'Boîte de réception');
    await reservataire.waitForURL((u) => u.pathname === '/boite');
    const ligne = reservataire.locator('#tableau-boite tbody tr', { hasText: logementId });
    await expect.poll(() => ligne.textContent()).toContain('30 jours restants');
    expect(violationsGraves(await auditer(reservataire), 'boîte de réception')).toEqual([]);

    await ligne.getByRole('button', { name: `Proposer des candidats pour le logement ${logementId}` }).click();
    const formulaire = reservataire.getByRole('form', {
      name: `Proposer des candidats pour le logement ${logementId}`,
    });
    await formulaire.getByLabel('Numéro unique SNE du candidat 1').fill('04-52');
    await formulaire.getByRole('button', { name: 'Proposer les candidats' }).click();
    await expect
      .poll(() => formulaire.textContent())
      .toContain('Numéro unique SNE invalide : 10 à 20 lettres ou chiffres');
    await formulaire.getByLabel('Numéro unique SNE du candidat 1').fill('045261100012345');
    await formulaire.getByLabel('Taille du ménage du candidat 1 (personnes)').fill('4');
    await formulaire.getByLabel('DALO (candidat 1)').check({ force: true });
    await formulaire.getByLabel('Numéro unique SNE du candidat 2').fill('045261100012346');
    await formulaire.getByLabel('Ressources annuelles du ménage du candidat 1 (€)').fill('21000');
    await formulaire.getByLabel('Dont enfants de moins de 14 ans (candidat 1)').fill('2');
    // A first quartile declared instead of computed at the CAL: an override with its motif (ADR 0034).
    await formulaire.getByLabel(/^Premier quartile \(candidat 2\)/).selectOption('oui');
    await formulaire.getByRole('button', { name: 'Proposer les candidats' }).click();
    await expect
      .poll(() => formulaire.textContent())
      .toContain('Candidat 2 : indiquez le motif du premier quartile déclaré');
    await formulaire.getByLabel(/^Motif de la déclaration \(candidat 2\)/).fill('perte d’emploi depuis la demande');
    await formulaire.getByLabel('Autre public prioritaire (L.441-1) (candidat 2)').check({ force: true });
    expect(violationsGraves(await auditer(reservataire), 'formulaire des candidats')).toEqual([]);
    await capturer(reservataire, 'orientation-boite');
    await formulaire.getByRole('button', { name: 'Proposer les candidats' }).click();
    // Each candidate with its own priority categories as badges.
    const proposes = ligne.locator('li', { hasText: /^n° / });
    await expect.poll(() => proposes.count()).toBe(2);
    expect(await proposes.nth(0).textContent()).toBe('n° 045261100012345DALO');
    expect(await proposes.nth(1).textContent()).toBe('n° 045261100012346Autre L.441-11er quartile');
    expect(await ligne.textContent()).toContain('Candidats proposés');
    const c = await lignes<{
      numero_sne: string;
      taille_menage: number;
      dalo: boolean;
      pdalhpd: boolean;
      autre_l4411: boolean;
      prioritaire: boolean;
      quartile1: boolean | null;
      enfants_moins_14: number;
      ressources_annuelles: number | null;
    }>(
      nav.env.base.db,
      sql`select numero_sne, taille_menage, dalo, pdalhpd, autre_l4411, prioritaire, quartile1, enfants_moins_14, ressources_annuelles from candidatures where location_id = ${id} order by rang`,
    );
    expect(c).toEqual([
      {
        numero_sne: '045261100012345',
        taille_menage: 4,
        dalo: true,
        pdalhpd: false,
        autre_l4411: false,
        prioritaire: true,
        quartile1: null,
        enfants_moins_14: 2,
        ressources_annuelles: 21_000,
      },
      {
        numero_sne: '045261100012346',
        taille_menage: 1,
        dalo: false,
        pdalhpd: false,
        autre_l4411: true,
        prioritaire: true,
        quartile1: true,
        enfants_moins_14: 0,
        ressources_annuelles: null,
      },
    ]);
  });
});
