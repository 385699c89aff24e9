/**
 * Every demo role signs in through the form and finds its own home page, with its real data from
 * GET /api/accueil: the right title, navigation, key figures and ledger lines, and nothing that
 * belongs to another organisation. Each home page is checked with axe-core and photographed into
 * /tmp/flux-screens/.
 */
import { count, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import type { AccueilApi } from '../../src/contracts/api.ts';
import { logements } from '../../src/db/schema.ts';
import { BAILLEURS_DEMO } from '../../src/seed/demo.ts';
import { menuDuRole, type Role } from '../../web/src/roles.ts';
import {
  auditer,
  capturer,
  colonne,
  decrireNavigateur,
  enFrancais,
  preparerNavigateur,
  seConnecter,
  violationsGraves,
} from './harness.ts';
import { entreesDuMenu } from './menu.ts';

/** The menu's top entries a role gets: pages and groups it may open (web/src/roles.ts). */
const menuDe = (role: Role): string[] => menuDuRole(role).map((m) => m.titre);

const RESERVATAIRES = [
  'Préfecture du Loiret — DDETS',
  'Action Logement Services',
  'Orléans Métropole',
  'Ville d’Orléans',
  'Département du Loiret',
  'Part propre du bailleur',
];

interface Cas {
  email: string;
  capture: string;
  titre: string;
  badge: string;
  navigation: string[];
  tuiles: (string | RegExp)[];
}

const CAS: Cas[] = [
  {
    email: 'bailleur@demo.flux',
    capture: 'accueil-bailleur',
    titre: 'Habitat Loiret Démo',
    badge: 'Agent de bailleur',
    navigation: menuDe('agent_bailleur'),
    tuiles: ['Logements du parc', 'Logements en QPV', /^Logements disponibles en \d{4}$/, /^Flux annuel \d{4}$/],
  },
  {
    email: 'bailleur2@demo.flux',
    capture: 'accueil-bailleur2',
    titre: 'Val de Loire Logis Démo',
    badge: 'Agent de bailleur',
    navigation: menuDe('agent_bailleur'),
    tuiles: ['Logements du parc', 'Logements en QPV', /^Logements disponibles en/, /^Flux annuel/],
  },
  {
    email: 'reservataire@demo.flux',
    capture: 'accueil-action-logement',
    titre: 'Action Logement Services',
    badge: 'Agent de réservataire',
    navigation: menuDe('agent_reservataire'),
    tuiles: [/^Droit \d{4}$/, 'Logements mis à disposition'],
  },
  {
    email: 'commune@demo.flux',
    capture: 'accueil-commune',
    titre: 'Ville d’Orléans',
    badge: 'Agent de réservataire',
    navigation: menuDe('agent_reservataire'),
    tuiles: [/^Droit/, 'Logements mis à disposition'],
  },
  {
    email: 'etat@demo.flux',
    capture: 'accueil-etat',
    titre: 'Préfecture du Loiret — DDETS',
    badge: 'Pilote de l’État (DDETS)',
    navigation: menuDe('pilote_etat'),
    tuiles: ['Logements du parc', 'Logements en QPV', /^Logements disponibles en/, /^Flux annuel/],
  },
  {
    email: 'epci@demo.flux',
    capture: 'accueil-epci',
    titre: 'Orléans Métropole',
    badge: 'Lecteur EPCI',
    navigation: menuDe('lecteur_epci'),
    tuiles: ['Logements du parc', 'Logements en QPV', /^Droit/, 'Logements mis à disposition'],
  },
  {
    email: 'admin@demo.flux',
    capture: 'accueil-admin',
    titre: 'Administration de Flux (démo)',
    badge: 'Administrateur',
    navigation: menuDe('administrateur'),
    tuiles: ['Organisations', 'Comptes utilisateurs'],
  },
];

decrireNavigateur('accueil de chaque rôle (navigateur)', () => {
  const nav = preparerNavigateur();
  let page: Page;
  beforeEach(() => {
    page = nav.page;
  });

  const tuile = (libelle: string | RegExp) =>
    page
      .locator('.flux-chiffre', { has: page.getByRole('heading', { name: libelle }) })
      .locator('.flux-chiffre__valeur');
  const lignesBilan = () => page.locator('.flux-bilan table tbody tr');

  /** Signs in, waits for the figures, checks what every role's home has in common; returns the API's data. */
  async function accueil(c: Cas): Promise<AccueilApi> {
    await seConnecter(page, c.email);
    await page.locator('.flux-chiffre').first().waitFor();
    const api = (await (await page.request.get('/api/accueil')).json()) as AccueilApi;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(c.titre);
    expect(await page.title()).toBe(`Accueil — ${c.titre} — Flux`);
    expect(await page.locator('main .fr-badge').first().textContent()).toBe(c.badge);
    expect(await page.locator('.flux-perimetre').textContent()).toBe(api.perimetre);
    expect(await entreesDuMenu(page)).toEqual(c.navigation);
    expect(c.navigation[0]).toBe('Accueil');
    // The administrator also loads reference data: the first-quartile thresholds (ADR 0034).
    if (c.badge === 'Administrateur')
      expect(c.navigation).toEqual(['Accueil', 'Seuils du premier quartile', 'Administration']);
    for (const t of c.tuiles) expect(await tuile(t).count(), `tuile ${String(t)}`).toBe(1);
    if (api.stock) {
      expect(await tuile('Logements du parc').textContent()).toBe(enFrancais(api.stock.logements));
      expect(await tuile('Logements en QPV').textContent()).toBe(enFrancais(api.stock.enQpv));
    }
    if (api.flux) {
      expect(await tuile(/^Logements disponibles en/).textContent()).toBe(enFrancais(api.flux.disponibles));
      expect(await tuile(/^Flux annuel/).textContent()).toBe(enFrancais(api.flux.fluxAnnuel));
    }
    expect(await lignesBilan().count()).toBe(api.conventions.length);
    expect(violationsGraves(await auditer(page), `accueil ${c.email}`)).toEqual([]);
    await capturer(page, c.capture);
    return api;
  }

  it('agent de bailleur : son parc, son flux et les conventions de son seul organisme', async () => {
    const c = CAS[0]!;
    const api = await accueil(c);
    expect(api.conventions.length).toBeGreaterThan(1);
    expect(new Set(api.conventions.map((l) => l.bailleur.id))).toEqual(new Set(['HLD']));
    expect(await colonne(page, '.flux-bilan', 'Réservataire')).toEqual(
      api.conventions.map((l) => expect.stringContaining(l.reservataire.nom) as unknown as string),
    );
    expect(await colonne(page, '.flux-bilan', 'Réservataire')).toContainEqual(
      expect.stringContaining('Part propre du bailleur'),
    );
    // Figures in French: rate in %, entitlement with one decimal, signed balance with words.
    const premiere = api.conventions[0]!;
    expect((await colonne(page, '.flux-bilan', 'Taux'))[0]).toBe(
      new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 2 }).format(premiere.taux),
    );
    expect((await colonne(page, '.flux-bilan', 'Droit'))[0]).toBe(
      new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(premiere.droit),
    );
    const soldes = await colonne(page, '.flux-bilan', 'Solde');
    for (const s of soldes)
      expect(s).toMatch(/^([+−]\d[\d\u202f]*,\d|0,0)\s*(sous le droit|au-dessus du droit|à l’équilibre)$/);
    const main = await page.locator('main').textContent();
    for (const autre of BAILLEURS_DEMO.filter((b) => b.id !== 'HLD')) expect(main).not.toContain(autre.nom);
    // The tables say what they hold.
    expect(await page.locator('main table caption').count()).toBe(await page.locator('main table').count());
  });

  it('second agent de bailleur : un autre organisme, d’autres chiffres, rien du premier', async () => {
    const api = await accueil(CAS[1]!);
    expect(new Set(api.conventions.map((l) => l.bailleur.id))).toEqual(new Set(['VLL']));
    expect(await page.locator('main').textContent()).not.toContain('Habitat Loiret Démo');
  });

  it('Action Logement : seulement ses lignes, chez chaque bailleur, jamais celles d’un autre réservataire', async () => {
    const api = await accueil(CAS[2]!);
    expect(api.conventions.length).toBeGreaterThan(0);
    expect(new Set(api.conventions.map((l) => l.reservataire.id))).toEqual(new Set(['ACTION-LOGEMENT']));
    const reservataires = await colonne(page, '.flux-bilan', 'Réservataire');
    expect(reservataires.length).toBe(api.conventions.length);
    for (const r of reservataires) expect(r.startsWith('Action Logement Services')).toBe(true);
    const main = (await page.locator('main').textContent())!;
    for (const autre of RESERVATAIRES.filter((r) => r !== 'Action Logement Services'))
      expect(main, autre).not.toContain(autre);
    expect(new Set(await colonne(page, '.flux-bilan', 'Bailleur'))).toEqual(
      new Set(api.conventions.map((l) => l.bailleur.nom)),
    );
  });

  it('Ville d’Orléans : seulement ses propres lignes', async () => {
    const api = await accueil(CAS[3]!);
    expect(new Set(api.conventions.map((l) => l.reservataire.id))).toEqual(new Set(['VILLE-ORLEANS']));
    for (const r of await colonne(page, '.flux-bilan', 'Réservataire'))
      expect(r.startsWith('Ville d’Orléans')).toBe(true);
  });

  it('pilote de l’État : tous les bailleurs du Loiret, un bilan par bailleur', async () => {
    const api = await accueil(CAS[4]!);
    const bailleurs = new Set(api.conventions.map((l) => l.bailleur.nom));
    expect(bailleurs).toEqual(new Set(BAILLEURS_DEMO.map((b) => b.nom)));
    const legendes = await page.locator('.flux-bilan table caption').allTextContents();
    for (const b of BAILLEURS_DEMO) expect(legendes).toContainEqual(expect.stringContaining(b.nom));
    const [parc] = await nav.env.base.db.select({ n: count() }).from(logements).where(eq(logements.departement, '45'));
    expect(await tuile('Logements du parc').textContent()).toBe(enFrancais(parc!.n));
  });

  it('lecteur EPCI : le parc de son territoire et ses conventions', async () => {
    const api = await accueil(CAS[5]!);
    expect(api.stock?.logements).toBeGreaterThan(0);
    expect(new Set(api.conventions.map((l) => l.reservataire.id))).toEqual(new Set(['ORLEANS-METROPOLE']));
  });

  it('administrateur : les chiffres de la plateforme, aucune donnée de logement', async () => {
    const api = await accueil(CAS[6]!);
    expect(await tuile('Organisations').textContent()).toBe(enFrancais(api.administration!.organisations));
    expect(await tuile('Comptes utilisateurs').textContent()).toBe(enFrancais(api.administration!.utilisateurs));
    expect(await page.locator('.flux-bilan').count()).toBe(0);
    expect(await page.getByRole('heading', { name: /Parc de logements/ }).count()).toBe(0);
  });

  it('changer d’année recharge l’accueil de cette année-là', async () => {
    await seConnecter(page, 'bailleur@demo.flux');
    await page.getByRole('heading', { name: /^Chiffres clés \d{4}$/ }).waitFor();
    const annee = Number((await page.getByRole('heading', { name: /^Chiffres clés/ }).textContent())!.slice(-4));
    await page.getByLabel('Année affichée', { exact: true }).selectOption(String(annee - 1));
    await page.getByRole('button', { name: 'Afficher', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('annee') === String(annee - 1));
    await expect
      .poll(() => page.getByRole('heading', { name: /^Chiffres clés/ }).textContent())
      .toBe(`Chiffres clés ${annee - 1}`);
  });
});
