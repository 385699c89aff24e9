/**
 * Every menu page of every role, as a laptop officer sees it (1366 × 900): each page loads with no
 * error, is no wider than the screen (document.documentElement.scrollWidth ≤ 1366), has no serious
 * or critical axe-core violation (WCAG 2.1 A/AA, RGAA 4.1), and shows no internal identifier
 * (réservataire ids such as ETAT-45, UUIDs) nor a command-line hint. The public accessibility
 * statement is checked too. Issue 12, items 6, 10 and 11.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ORG } from '../../src/seed/demo.ts';
import { RUBRIQUES, type Role } from '../../web/src/roles.ts';
import { auditer, decrireNavigateur, preparerNavigateur, seConnecter, violationsGraves } from './harness.ts';

const LARGEUR = 1366;

/** The menu pages a role gets, in the table's order (web/src/roles.ts). */
const pagesDe = (role: Role) => Object.values(RUBRIQUES).filter((r) => r.roles.includes(role));

/** Ids an officer must never read: the seed's réservataire ids, the bailleurs' codes as ids, UUIDs. */
const IDS_INTERNES = [...new Set(Object.values(ORG))].filter((id) => /[-_]/.test(id) && id.length > 3);
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const LIGNE_DE_COMMANDE = /\b(npx|npm (run|start)|flux (simulate|import|audit|serve|bilan))\b/;

/**
 * The administrator types and manages the organisations' identifiers (the creation form asks for
 * one): the only page where they are data, not internal words.
 */
const IDENTIFIANTS_SAISIS: ReadonlySet<string> = new Set(['/administration']);

const nav = preparerNavigateur();

/** Waits until the page's queries have answered: a title, no « Chargement … » left. */
async function attendrePage(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await expect
    .poll(() => page.locator('.flux-chargement').count(), { timeout: 20_000, message: 'chargement terminé' })
    .toBe(0);
  await page.waitForLoadState('networkidle');
}

interface Constat {
  chemin: string;
  largeur: number;
  axe: string[];
  ids: string[];
}

async function examiner(page: Page, chemin: string): Promise<Constat> {
  await page.goto(chemin);
  await attendrePage(page);
  const largeur = await page.evaluate(() => document.documentElement.scrollWidth);
  const axe = violationsGraves(await auditer(page), chemin);
  const texte = await page.locator('body').innerText();
  const ids = [
    ...(IDENTIFIANTS_SAISIS.has(chemin) ? [] : IDS_INTERNES).filter((id) =>
      new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`).test(texte),
    ),
    ...(UUID.exec(texte) ?? []),
    ...(LIGNE_DE_COMMANDE.exec(texte)?.slice(0, 1) ?? []),
  ];
  return { chemin, largeur, axe, ids };
}

const COMPTES: { email: string; role: Role }[] = [
  { email: 'bailleur@demo.flux', role: 'agent_bailleur' },
  { email: 'reservataire@demo.flux', role: 'agent_reservataire' },
  { email: 'commune@demo.flux', role: 'agent_reservataire' },
  { email: 'etat@demo.flux', role: 'pilote_etat' },
  { email: 'epci@demo.flux', role: 'lecteur_epci' },
  { email: 'admin@demo.flux', role: 'administrateur' },
];

decrireNavigateur('chaque page du menu de chaque rôle, à 1366 px', () => {
  it('la déclaration d’accessibilité dit « partiellement conforme » et liste ce qui reste', async () => {
    const { page } = nav;
    await page.setViewportSize({ width: LARGEUR, height: 900 });
    const c = await examiner(page, '/accessibilite');
    expect(c).toEqual({ chemin: '/accessibilite', largeur: c.largeur, axe: [], ids: [] });
    expect(c.largeur).toBeLessThanOrEqual(LARGEUR);
    const texte = await page.locator('main').innerText();
    expect(texte).toContain('Flux est partiellement conforme au RGAA 4.1');
    expect(texte).not.toContain('non conforme');
    await page.getByRole('heading', { name: 'Non-conformités' }).waitFor();
    expect(await page.locator('main ul').last().locator('li').count()).toBeGreaterThan(0);
  });

  it('les grilles de cotation publiques (sans connexion) : largeur, accessibilité, mots', async () => {
    const { page } = nav;
    await page.setViewportSize({ width: LARGEUR, height: 900 });
    await page.context().clearCookies();
    for (const chemin of ['/cotation', '/cotation/244500468']) {
      const c = await examiner(page, chemin);
      expect(c).toEqual({ chemin, largeur: c.largeur, axe: [], ids: [] });
      expect(c.largeur).toBeLessThanOrEqual(LARGEUR);
    }
  });

  for (const { email, role } of COMPTES)
    it(`${email} : largeur, accessibilité, mots des pages`, { timeout: 300_000 }, async () => {
      const { page } = nav;
      await page.setViewportSize({ width: LARGEUR, height: 900 });
      await seConnecter(page, email);
      const constats: Constat[] = [];
      for (const r of pagesDe(role)) constats.push(await examiner(page, r.chemin));
      expect(constats.map((c) => c.chemin)).toEqual(pagesDe(role).map((r) => r.chemin));
      const trop = constats.filter((c) => c.largeur > LARGEUR).map((c) => `${c.chemin} : ${c.largeur} px`);
      expect(trop, 'pages plus larges que 1366 px').toEqual([]);
      expect(
        constats.filter((c) => c.axe.length).map((c) => `${c.chemin} — ${c.axe.join('\n')}`),
        'violations axe graves',
      ).toEqual([]);
      expect(
        constats.filter((c) => c.ids.length).map((c) => `${c.chemin} : ${c.ids.join(', ')}`),
        'identifiants internes ou commandes',
      ).toEqual([]);
    });
});
