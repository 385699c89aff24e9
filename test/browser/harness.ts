/**
 * End-to-end harness: the real server (in-process, on a free port, an in-memory PGlite seeded with
 * the demo Loiret) serving the real built web app (web/dist), driven by Debian's Chromium through
 * playwright-core. No browser download: Chromium is `$CHROMIUM_PATH` or /usr/bin/chromium.
 *
 * Without Chromium the browser tests are SKIPPED with a loud warning on a developer's machine, and
 * FAIL in CI (`CI=true`), where a skipped end-to-end suite would look like a green one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jourParis } from '../../src/domain/calendrier.ts';
import type { RecommandationApi } from '../../src/contracts/orientation.ts';
import { lignes, type Base } from '../../src/db/client.ts';
import { construireServeur } from '../../src/http/server.ts';
import { MOT_DE_PASSE_DEMO, ORG, seedDemo } from '../../src/seed/demo.ts';
import { baseModele } from '../helpers/modele.ts';

export const RACINE = resolve(import.meta.dirname, '../..');
export const WEB_DIST = join(RACINE, 'web/dist');
export const DOSSIER_CAPTURES = '/tmp/flux-screens';
export { MOT_DE_PASSE_DEMO };

export const CHEMIN_CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_PRESENT = existsSync(CHEMIN_CHROMIUM);
const EN_CI = process.env.CI === 'true';

export const ARGUMENTS_CHROMIUM = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!CHROMIUM_PRESENT && !EN_CI) {
  console.warn(
    `\n⚠ tests navigateur IGNORÉS : Chromium introuvable (${CHEMIN_CHROMIUM}). ` +
      'Installez-le (apt-get install -y chromium) ou indiquez son chemin dans CHROMIUM_PATH. En CI (CI=true), ces tests échouent.\n',
  );
}

const MESSAGE_ABSENT = `Chromium introuvable (${CHEMIN_CHROMIUM}) : les tests navigateur ne peuvent pas tourner. Installez chromium (apt-get install -y chromium) ou définissez CHROMIUM_PATH.`;

/**
 * `describe` for browser suites. Without Chromium: skipped on a developer's machine; in CI, the
 * suite is one failing test that says why (counted as a failure, not as skipped tests).
 */
export function decrireNavigateur(nom: string, corps: () => void): void {
  if (CHROMIUM_PRESENT) describe(nom, corps);
  else if (EN_CI)
    describe(nom, () => {
      it('Chromium est disponible (CI=true)', () => {
        throw new Error(MESSAGE_ABSENT);
      });
    });
  else describe.skip(nom, corps);
}

/** Time for beforeAll: build (first run), seed, start the browser. */
export const DELAI_DEMARRAGE = 180_000;

// ——— the web build ———

function plusRecentQue(chemin: string, reference: number): boolean {
  const s = statSync(chemin, { throwIfNoEntry: false });
  if (!s) return false;
  if (!s.isDirectory()) return s.mtimeMs > reference;
  return readdirSync(chemin).some((nom) => plusRecentQue(join(chemin, nom), reference));
}

function webAJour(): boolean {
  const index = statSync(join(WEB_DIST, 'index.html'), { throwIfNoEntry: false });
  if (!index) return false;
  const sources = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/contracts'].map((s) => join(RACINE, s));
  return !sources.some((s) => plusRecentQue(s, index.mtimeMs));
}

function attendre(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds web/dist when missing or older than its sources. Test files run in parallel processes:
 * a lock directory (mkdir is atomic) makes one of them build while the others wait.
 */
export function assurerWeb(): void {
  if (webAJour()) return;
  const verrou = join(RACINE, 'web/.construction');
  const limite = Date.now() + 150_000;
  for (;;) {
    try {
      mkdirSync(verrou);
      break;
    } catch {
      const age = Date.now() - (statSync(verrou, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(verrou, { recursive: true, force: true }); // left by a killed run
      if (Date.now() > limite) throw new Error('construction de web/dist : verrou web/.construction toujours pris');
      attendre(250);
    }
  }
  try {
    if (webAJour()) return;
    const r = spawnSync(
      process.execPath,
      [join(RACINE, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: RACINE,
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`échec de la construction de web/dist :\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(verrou, { recursive: true, force: true });
  }
}

// ——— server + browser ———

export interface Environnement {
  url: string;
  base: Base;
  serveur: FastifyInstance;
  navigateur: Browser;
  /** A fresh browser context (no cookies), with the same-origin route that serves axe-core. */
  contexte(): Promise<BrowserContext>;
  fermer(): Promise<void>;
}

/**
 * Starts everything. `echelle` is the share of the real Loiret stock the demo creates (1 = 50,770
 * units plus 72 new ones, ~13 s to seed; the default 0.1 keeps every bailleur, réservataire and
 * convention).
 */
export async function demarrer(options: { echelle?: number; horloge?: () => Date } = {}): Promise<Environnement> {
  if (!CHROMIUM_PRESENT) throw new Error(MESSAGE_ABSENT);
  assurerWeb();
  const echelle = options.echelle ?? Number(process.env.FLUX_ECHELLE_TESTS ?? 0.1);
  const base = await baseModele(`demo-${echelle}`, async (b) => {
    await seedDemo(b.db, { echelle });
  });
  // Many sign-ins from one address in a few seconds: lift the rate limit for the suite.
  const serveur = await construireServeur({
    base,
    webDist: WEB_DIST,
    limiteConnexion: 10_000,
    ...(options.horloge ? { horloge: options.horloge } : {}),
  });
  await serveur.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(serveur.server.address() as AddressInfo).port}`;
  // launch() gives every run a fresh, temporary profile (user-data-dir), removed on close.
  const navigateur = await chromium.launch({
    executablePath: CHEMIN_CHROMIUM,
    args: ARGUMENTS_CHROMIUM,
    headless: true,
  });
  const axe = readFileSync(join(RACINE, 'node_modules/axe-core/axe.min.js'), 'utf8');
  return {
    url,
    base,
    serveur,
    navigateur,
    async contexte() {
      const c = await navigateur.newContext({
        baseURL: url,
        locale: 'fr-FR',
        timezoneId: 'Europe/Paris',
        viewport: { width: 1280, height: 900 },
      });
      // axe-core is injected from a same-origin address, so the app's real Content-Security-Policy
      // (script-src 'self') stays in force during the audit.
      await c.route('**/__tests__/axe.min.js', (r) =>
        r.fulfill({ status: 200, contentType: 'text/javascript', body: axe }),
      );
      return c;
    },
    async fermer() {
      await navigateur.close().catch(() => undefined);
      await serveur.close();
      await base.fermer();
    },
  };
}

/** What the usual hooks of a browser test file set: the server + browser, and each test's page. */
export interface Navigation {
  readonly env: Environnement;
  readonly contexte: BrowserContext;
  readonly page: Page;
  readonly erreurs: string[];
  /**
   * Another page in a fresh context of its own (no cookies: another person signed in), watched
   * like `page`: closed after the test, its errors must stay empty.
   */
  nouvellePage(): Promise<Page>;
}

/**
 * Registers the hooks every browser test file needs: start the server and the browser once
 * (then `preparer`, for the file's own data), a fresh context and page per test whose errors must
 * stay empty, and everything closed at the end. Read `nav.page` etc. inside the tests.
 */
export function preparerNavigateur(
  options: { preparer?: (env: Environnement) => Promise<void>; horloge?: () => Date } = {},
): Navigation {
  const etat: { env?: Environnement; contexte?: BrowserContext; page?: Page; erreurs?: string[] } = {};
  const autres: { contexte: BrowserContext; erreurs: string[] }[] = [];
  beforeAll(async () => {
    etat.env = await demarrer(options.horloge ? { horloge: options.horloge } : {});
    await options.preparer?.(etat.env);
  }, DELAI_DEMARRAGE);
  afterAll(async () => {
    await etat.env?.fermer();
  });
  beforeEach(async () => {
    etat.contexte = await etat.env!.contexte();
    etat.page = await etat.contexte.newPage();
    etat.erreurs = surveiller(etat.page);
  });
  afterEach(async () => {
    await etat.contexte?.close();
    const ouvertes = autres.splice(0);
    for (const a of ouvertes) await a.contexte.close();
    expect(etat.erreurs, 'erreurs dans la page').toEqual([]);
    expect(
      ouvertes.flatMap((a) => a.erreurs),
      'erreurs dans les autres pages',
    ).toEqual([]);
  });
  return {
    get env() {
      return etat.env!;
    },
    get contexte() {
      return etat.contexte!;
    },
    get page() {
      return etat.page!;
    },
    get erreurs() {
      return etat.erreurs!;
    },
    async nouvellePage() {
      const contexte = await etat.env!.contexte();
      const page = await contexte.newPage();
      autres.push({ contexte, erreurs: surveiller(page) });
      return page;
    },
  };
}

/** Errors the page reports (uncaught exceptions, console errors such as a CSP refusal). */
export function surveiller(page: Page): string[] {
  const erreurs: string[] = [];
  page.on('pageerror', (e) => erreurs.push(`exception : ${e.message}`));
  page.on('console', (m) => {
    // An API refusal (401 before signing in, 403, 422…) is the browser logging a response the
    // page handles and shows; a 5xx, a CSP refusal or a script error is not.
    const refusApi = /\/api\//.test(m.location().url) && /status of 4\d\d/.test(m.text());
    if (m.type() === 'error' && !refusApi) erreurs.push(`console : ${m.text()}`);
  });
  return erreurs;
}

/** Signs in through the form, as a person would, and waits for the home page. */
export async function seConnecter(page: Page, email: string, motDePasse = MOT_DE_PASSE_DEMO): Promise<void> {
  await page.goto('/connexion');
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(motDePasse);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await expect.poll(() => page.getByRole('button', { name: 'Se déconnecter' }).first().isVisible()).toBe(true);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).not.toBe('Connexion à Flux');
}

export interface Violation {
  id: string;
  impact: string | null;
  description: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page (WCAG 2.1 A/AA + best practices); returns its violations. */
export async function auditer(page: Page): Promise<Violation[]> {
  // Audit the page as it settles, not a modal half faded in (its text's contrast is then too low):
  // wait for the running CSS transitions and animations to finish.
  // (At most 2 s: an endless animation, a spinner, never finishes.)
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
      new Promise((fin) => setTimeout(fin, 2_000)),
    ]),
  );
  await page.addScriptTag({ url: '/__tests__/axe.min.js' });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Violation[] }> } }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      description: v.description,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** The serious and critical violations, each on one readable line (minor ones are printed). */
export function violationsGraves(violations: Violation[], ou: string): string[] {
  const mineures = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (mineures.length)
    console.warn(
      `axe (${ou}) — à améliorer : ${mineures.map((v) => `${v.id} [${v.impact}] ×${v.nodes.length}`).join(', ')}`,
    );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} [${v.impact}] ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join(' | ')}`,
    );
}

export async function capturer(page: Page, nom: string): Promise<string> {
  mkdirSync(DOSSIER_CAPTURES, { recursive: true });
  const chemin = join(DOSSIER_CAPTURES, `${nom}.png`);
  await page.mouse.move(0, 0); // no hover effect left where the last click was
  await page.screenshot({ path: chemin, fullPage: true });
  return chemin;
}

/** The text of every cell of one column of a table, by the column's header. */
export async function colonne(page: Page, tableau: string, entete: string): Promise<string[]> {
  return page.locator(tableau).evaluate((t, titre) => {
    const table = t.querySelector('table')!;
    const index = [...table.querySelectorAll('thead th')].findIndex((th) => th.textContent?.trim() === titre);
    if (index < 0) throw new Error(`colonne « ${titre} » absente`);
    return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[index]?.textContent?.trim() ?? '');
  }, entete);
}

/** fr-FR integer, as the interface writes it (narrow no-break space as thousands separator). */
export const enFrancais = (n: number): string => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(n);

// ——— a letting for a réservataire in gestion directe ———

/** Réservataires in gestion directe with a demo account that holds an inbox (the seed's conventions with HLD). */
export const COMPTES_GESTION_DIRECTE: Readonly<Record<string, string>> = {
  [ORG.etat]: 'etat@demo.flux',
  [ORG.departement]: 'departement@demo.flux',
  [ORG.orleans]: 'commune@demo.flux',
};

/** Up to 40 units of HLD in the flow with no open letting, by id (`desc`: from the last). */
export async function logementsLibresHld(env: Environnement, ordre: 'asc' | 'desc' = 'asc'): Promise<string[]> {
  const libres = await lignes<{ id: string }>(
    env.base.db,
    sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id and v.etat not in ('exclue', 'bail_signe', 'refus', 'sans_candidat')) order by id ${sql.raw(ordre)} limit 40`,
  );
  return libres.map((l) => l.id);
}

/**
 * Through the API as the bailleur signed in on `page` (HLD): declares lettings of the free units
 * (`logementsLibresHld`), liberated today in Paris, one by one until the engine recommends a
 * réservataire in gestion directe (the others stay declared, oriented elsewhere). Fails the test
 * when none is. Returns the letting, its unit, the recommendation and that réservataire's account.
 */
export async function locationOrienteeVersDirecte(
  page: Page,
  env: Environnement,
  ordre: 'asc' | 'desc' = 'asc',
): Promise<{ id: string; logementId: string; rec: RecommandationApi; compte: string }> {
  const { csrf } = (await (await page.request.get('/api/session')).json()) as { csrf: string };
  const aujourdhui = jourParis(new Date());
  let choisi: { id: string; logementId: string; rec: RecommandationApi } | null = null;
  for (const logementId of await logementsLibresHld(env, ordre)) {
    const r = await page.request.post('/api/locations', {
      data: { logementId, date: aujourdhui },
      headers: { 'x-csrf-token': csrf },
    });
    if (r.status() !== 201) continue;
    const v = (await r.json()) as { id: string };
    const rec = (await (await page.request.get(`/api/locations/${v.id}/recommandation`)).json()) as RecommandationApi;
    if (rec.recommande && COMPTES_GESTION_DIRECTE[rec.recommande.ligne]) {
      choisi = { id: v.id, logementId, rec };
      break;
    }
  }
  expect(choisi, 'une location recommandée à un réservataire en gestion directe').not.toBeNull();
  return { ...choisi!, compte: COMPTES_GESTION_DIRECTE[choisi!.rec.recommande!.ligne]! };
}
