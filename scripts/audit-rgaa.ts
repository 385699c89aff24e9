/**
 * The manual checks of an RGAA 4.1 audit, run for real in Chromium on the demo (docs/accessibilite.md):
 * keyboard path and visible focus, reflow at 200 % zoom (a 1366-px screen at 200 % is a 683-px
 * CSS viewport), form fields' labels, table headers, text alternatives of the charts, and the
 * contrast of the focus ring. Prints one line per finding and writes screenshots to
 * /tmp/flux-rgaa/. Run: CHROMIUM_PATH=/usr/bin/chromium node bin/run-ts.js scripts/audit-rgaa.ts
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { RUBRIQUES, type Role } from '../web/src/roles.ts';
import { demarrer, MOT_DE_PASSE_DEMO } from '../test/browser/harness.ts';

const DOSSIER = '/tmp/flux-rgaa';
mkdirSync(DOSSIER, { recursive: true });

const COMPTES: { email: string; role: Role }[] = [
  { email: 'bailleur@demo.flux', role: 'agent_bailleur' },
  { email: 'reservataire@demo.flux', role: 'agent_reservataire' },
  { email: 'etat@demo.flux', role: 'pilote_etat' },
  { email: 'epci@demo.flux', role: 'lecteur_epci' },
  { email: 'admin@demo.flux', role: 'administrateur' },
];

async function connecter(page: Page, email: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(MOT_DE_PASSE_DEMO);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

async function charge(page: Page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  for (let i = 0; i < 100 && (await page.locator('.flux-chargement').count()) > 0; i++) await page.waitForTimeout(200);
  await page.waitForLoadState('networkidle');
}

/** The focused element, and whether its focus is visible (outline or box-shadow), with its contrast. */
async function focus(page: Page) {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return null;
    // DSFR draws some focus rings on a pseudo-element: an enlarged link's ::before covers its tile,
    // the header's brand link its whole block.
    // (no named function inside evaluate: the TypeScript loader would wrap it in a helper the page lacks)
    const s = getComputedStyle(e);
    const visible = [s, getComputedStyle(e, '::before'), getComputedStyle(e, '::after')].some(
      (x) =>
        (x.outlineStyle !== 'none' && parseFloat(x.outlineWidth) > 0) || (x.boxShadow !== 'none' && x.boxShadow !== ''),
    );
    return {
      quoi: `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} « ${(e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 40)} »`,
      visible,
      contour: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    };
  });
}

/** Static checks of one page: fields without a label, data tables without headers, charts without a name. */
async function statiques(page: Page) {
  return page.evaluate(() => {
    const sansEtiquette = [...document.querySelectorAll('input, select, textarea')]
      .filter((c) => (c as HTMLInputElement).type !== 'hidden')
      .filter((c) => {
        const id = c.id;
        const label = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
        return !label && !c.closest('label') && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby');
      })
      .map((c) => c.outerHTML.slice(0, 80));
    const tables = [...document.querySelectorAll('table')];
    const sansEntete = tables.filter((t) => t.querySelectorAll('th').length === 0).length;
    const sansLegende = tables.filter((t) => !t.querySelector('caption')).length;
    const thSansPortee = tables
      .flatMap((t) => [...t.querySelectorAll('thead th')])
      .filter((th) => !th.getAttribute('scope')).length;
    const svgs = [...document.querySelectorAll('svg')].filter(
      (s) => s.getAttribute('aria-hidden') !== 'true' && !s.closest('[aria-hidden="true"]'),
    );
    const graphiquesSansNom = svgs.filter((s) =>
      s.getAttribute('role') === 'img' ? !(s.getAttribute('aria-label') || s.getAttribute('aria-labelledby')) : true,
    ).length;
    const graphiques = svgs.filter((s) => s.getAttribute('role') === 'img').length;
    const imagesSansAlt = [...document.querySelectorAll('img')].filter((i) => !i.hasAttribute('alt')).length;
    return {
      sansEtiquette,
      tables: tables.length,
      sansEntete,
      sansLegende,
      thSansPortee,
      graphiques,
      graphiquesSansNom,
      imagesSansAlt,
      titre: document.title,
    };
  });
}

const env = await demarrer();
try {
  const contexte = await env.contexte();
  const page = await contexte.newPage();

  // 1. Keyboard path from the sign-in page: skip links, fields, button, focus visible at each step.
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').waitFor();
  const parcours: string[] = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const f = await focus(page);
    parcours.push(f ? `${f.visible ? '✓' : '✗ FOCUS INVISIBLE'} ${f.quoi} (${f.contour})` : '∅');
    if (i === 0) await page.screenshot({ path: `${DOSSIER}/clavier-1-lien-evitement.png` });
  }
  console.log(`CLAVIER connexion :\n  ${parcours.join('\n  ')}`);
  // Sign in with the keyboard only.
  await page.getByLabel('Adresse électronique').focus();
  await page.keyboard.type('bailleur@demo.flux');
  await page.keyboard.press('Tab');
  await page.keyboard.type(MOT_DE_PASSE_DEMO);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/');
  await charge(page);
  console.log('CLAVIER connexion au clavier seul : ✓ accueil atteint');
  // Skip link to the content, then the first focusable of the page.
  await page.keyboard.press('Tab');
  const lien = await focus(page);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const apres = await focus(page);
  console.log(
    `CLAVIER évitement : ${lien?.quoi} → puis ${apres?.quoi} (${apres?.visible ? 'focus visible' : 'FOCUS INVISIBLE'})`,
  );
  await page.screenshot({ path: `${DOSSIER}/clavier-2-apres-evitement.png` });
  // Every focus stop of the home page: count the invisible ones.
  let invisibles = 0;
  let arrets = 0;
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const f = await focus(page);
    if (!f) break;
    arrets++;
    if (!f.visible) {
      invisibles++;
      console.log(`  ✗ focus invisible : ${f.quoi}`);
    }
    if (i === 12) await page.screenshot({ path: `${DOSSIER}/clavier-3-menu.png` });
  }
  console.log(`CLAVIER accueil bailleur : ${arrets} arrêts de tabulation, ${invisibles} sans focus visible`);
  await contexte.close();

  // 2. Every menu page of every role: reflow at 200 % (683 px), static checks, screenshots.
  for (const { email, role } of COMPTES) {
    const c = await env.contexte();
    const p = await c.newPage();
    await p.setViewportSize({ width: 1366, height: 900 });
    await connecter(p, email);
    for (const r of Object.values(RUBRIQUES).filter((x) => x.roles.includes(role))) {
      await p.setViewportSize({ width: 1366, height: 900 });
      await p.goto(r.chemin);
      await charge(p);
      const s = await statiques(p);
      await p.setViewportSize({ width: 683, height: 450 });
      await p.waitForTimeout(300);
      const largeur = await p.evaluate(() => document.documentElement.scrollWidth);
      const nom = `${role}-${r.chemin.replace(/\W+/g, '') || 'accueil'}`;
      await p.screenshot({ path: `${DOSSIER}/zoom200-${nom}.png` });
      console.log(
        `${role} ${r.chemin} « ${s.titre} » : 200 % ${largeur <= 683 ? '✓' : '✗'} ${largeur}px ; tableaux ${s.tables} (sans th ${s.sansEntete}, sans caption ${s.sansLegende}, th sans scope ${s.thSansPortee}) ; graphiques ${s.graphiques} (sans nom ${s.graphiquesSansNom}) ; images sans alt ${s.imagesSansAlt} ; champs sans étiquette ${s.sansEtiquette.length}${s.sansEtiquette.length ? ` ${s.sansEtiquette.join(' | ')}` : ''}`,
      );
    }
    await c.close();
  }
} finally {
  await env.fermer();
}
