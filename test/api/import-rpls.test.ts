/**
 * POST /api/patrimoine/import-rpls on the seeded demo (PGlite, and PostgreSQL when DATABASE_URL is
 * set): the real Narbonne file uploaded raw by the demo bailleur, a file with an invalid row (422,
 * nothing stored, the error file by its own link), the valid rows only (`valides=1`), and who may call it.
 */
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErreurImportRplsApi, ResumeImportRplsApi } from '../../src/contracts/api.ts';
import { fichiersErreurs, importsRpls, logements } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { csv, ligne, NARBONNE_LOGEMENTS, narbonne } from '../import/fichiers.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const URL_IMPORT = '/api/patrimoine/import-rpls';

describe.each(genresDeTest())('import RPLS par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  function televerser(
    email: string,
    corps: Buffer | string,
    options: { query?: string; type?: string; csrf?: boolean } = {},
  ) {
    const c = s.comptes[email]!;
    return s.app.inject({
      method: 'POST',
      url: `${URL_IMPORT}${options.query ?? ''}`,
      payload: corps,
      cookies: { flux_session: c.cookie },
      headers: {
        'content-type': options.type ?? 'text/csv',
        ...(options.csrf === false ? {} : { 'x-csrf-token': c.csrf }),
      },
    });
  }

  async function nombre(bailleurId: string): Promise<number> {
    const [r] = await s.t.base.db.select({ n: count() }).from(logements).where(eq(logements.bailleurId, bailleurId));
    return Number(r!.n);
  }
  async function imports(bailleurId: string): Promise<number> {
    const [r] = await s.t.base.db
      .select({ n: count() })
      .from(importsRpls)
      .where(eq(importsRpls.bailleurId, bailleurId));
    return Number(r!.n);
  }

  /** Three valid rows and, unless `valide`, one with an invalid surface and construction year. */
  const fichier = (valide = false) =>
    csv([
      ligne('R-1'),
      ligne('R-2', { NBPIECE: '2' }),
      ...(valide ? [] : [ligne('R-3', { SURFHAB: 'grande', CONSTRUCT: '3000' })]),
      ligne('R-4', { FINAN: '10' }),
    ]);

  it(`le bailleur de démo téléverse le fichier de Narbonne : 200 et ${NARBONNE_LOGEMENTS} logements`, async () => {
    const avant = await nombre('HLD');
    const r = await televerser('bailleur@demo.flux', narbonne(), {
      query: '?nom=RPLS_correct.csv',
      type: 'application/octet-stream',
    });
    expect(r.statusCode, r.body).toBe(200);
    const resume = r.json() as ResumeImportRplsApi;
    expect(resume).toMatchObject({
      fichier: 'RPLS_correct.csv',
      bailleur: { id: 'HLD', siren: '999450001' },
      importe: true,
      lignes: 1170,
      logements: NARBONNE_LOGEMENTS,
      rejetes: 0,
      nouveaux: NARBONNE_LOGEMENTS,
      modifies: 0,
      disparus: avant,
      communesFusionnees: [],
      parCategorie: { PLAI: 573, PLUS: 3632, PLS: 59, PLI: 0, AUTRE: 1779 },
    });
    // The units of the demo (Loiret) are marked gone, never deleted.
    expect(await nombre('HLD')).toBe(avant + NARBONNE_LOGEMENTS);
    expect(await imports('HLD')).toBe(1);
  });

  it('une ligne invalide : 422 avec le résumé et les premiers problèmes ; le fichier d’erreurs par son lien, pour l’organisation seule', async () => {
    const avant = await nombre('VLL');
    const r = await televerser('bailleur2@demo.flux', `${fichier()}`, {
      query: '?nom=patrimoine%202026.csv',
      type: 'text/csv; charset=utf-8',
    });
    expect(r.statusCode, r.body).toBe(422);
    const e = r.json() as ErreurImportRplsApi;
    expect(e.erreur).toBe('LIGNES_INVALIDES');
    expect(e.message).toContain('rien n’a été importé');
    expect(e).toMatchObject({ rejetes: 1, nombreProblemes: e.problemes!.length });
    expect(e.problemes!.length).toBeGreaterThanOrEqual(1);
    expect(e.problemes!.length).toBeLessThanOrEqual(50);
    expect(e.problemes!.every((p) => /^ligne 4, colonne [A-Z]+$/.test(p.chemin))).toBe(true);
    expect(e.problemes!.map((p) => p.chemin)).toContain('ligne 4, colonne SURFHAB');
    // The answer carries the link, never the file.
    expect(r.body.length).toBeLessThan(4000);
    const f = e.fichierErreurs!;
    expect(f).toMatchObject({ nom: 'patrimoine 2026.erreurs.csv', lignes: 1 });
    expect(f.url).toMatch(/^\/api\/fichiers-erreurs\/[0-9a-f-]{36}$/);
    expect(Date.parse(f.expireLe) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const d = await s.appel('bailleur2@demo.flux', 'GET', f.url);
    expect(d.statusCode, d.body).toBe(200);
    expect(d.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(d.headers['content-disposition']).toContain('patrimoine%202026.erreurs.csv');
    expect(d.rawPayload.length).toBe(f.taille);
    expect([...d.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lignes = d.rawPayload.toString('utf8').slice(1).split('\r\n');
    expect(lignes[0]!.split(';').at(-1)).toBe('Erreur');
    expect(lignes[1]).toContain('R-3');
    expect(lignes[1]).toContain('SURFHAB');
    // Another organisation is told it does not exist (réservataires upload demands files and read
    // their own error files since ADR 0036); without a session, refused.
    const autre = await s.appel('bailleur@demo.flux', 'GET', f.url);
    expect(autre.statusCode).toBe(404);
    expect(autre.json().message).toMatch(/^fichier d’erreurs introuvable ou expiré/);
    expect((await s.appel('reservataire@demo.flux', 'GET', f.url)).statusCode).toBe(404);
    expect((await s.appel(null, 'GET', f.url)).statusCode).toBe(401);
    expect((await s.appel('bailleur2@demo.flux', 'GET', '/api/fichiers-erreurs/pas-un-uuid')).statusCode).toBe(400);
    // Expired: gone (and purged by the next file stored).
    await s.t.base.db
      .update(fichiersErreurs)
      .set({ expireLe: new Date(Date.now() - 1000) })
      .where(eq(fichiersErreurs.id, f.url.split('/').at(-1)!));
    expect((await s.appel('bailleur2@demo.flux', 'GET', f.url)).statusCode).toBe(404);
    expect(await nombre('VLL')).toBe(avant);
    expect(await imports('VLL')).toBe(0);
    const r2 = await televerser('bailleur2@demo.flux', fichier());
    expect(r2.statusCode).toBe(422);
    const ids = (await s.t.base.db.select({ id: fichiersErreurs.id }).from(fichiersErreurs)).map((x) => x.id);
    expect(ids).not.toContain(f.url.split('/').at(-1));
    expect(ids).toContain((r2.json() as ErreurImportRplsApi).fichierErreurs!.url.split('/').at(-1));
  });

  it('la limite de taille est dite et vérifiée avant la lecture (Content-Length)', async () => {
    const c = s.comptes['bailleur2@demo.flux']!;
    const r = await s.app.inject({
      method: 'POST',
      url: URL_IMPORT,
      payload: fichier(true),
      cookies: { flux_session: c.cookie },
      headers: { 'content-type': 'text/csv', 'x-csrf-token': c.csrf, 'content-length': String(400 * 1024 * 1024) },
    });
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json()).toEqual({
      erreur: 'FICHIER_TROP_VOLUMINEUX',
      message: 'fichier : fichier trop volumineux (400 Mo) : 300 Mo au plus',
      problemes: [{ chemin: 'fichier', message: 'fichier trop volumineux (400 Mo) : 300 Mo au plus' }],
    });
  });

  it('« importer seulement les lignes valides » (valides=1) : 200, la ligne invalide est rejetée, son fichier d’erreurs lié', async () => {
    const r = await televerser('bailleur3@demo.flux', fichier(), { query: '?valides=1' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ importe: true, logements: 3, rejetes: 1, nouveaux: 3, bailleur: { id: 'GBH' } });
    const lien = (r.json() as ResumeImportRplsApi).fichierErreurs!;
    const d = await s.appel('bailleur3@demo.flux', 'GET', lien);
    expect(d.statusCode).toBe(200);
    expect(d.body).toContain('R-3');
    expect(await imports('GBH')).toBe(1);
  });

  it('refus : réservataire 403, sans jeton CSRF 403, sans session 401, corps JSON 415, en-tête illisible 422', async () => {
    expect((await televerser('reservataire@demo.flux', fichier(true))).statusCode).toBe(403);
    expect((await televerser('etat@demo.flux', fichier(true))).statusCode).toBe(403);
    const sansCsrf = await televerser('bailleur2@demo.flux', fichier(true), { csrf: false });
    expect(sansCsrf.statusCode).toBe(403);
    expect(sansCsrf.json()).toMatchObject({ erreur: 'INTERDIT' });
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: URL_IMPORT,
          payload: fichier(true),
          headers: { 'content-type': 'text/csv' },
        })
      ).statusCode,
    ).toBe(401);
    const json = await s.appel('bailleur2@demo.flux', 'POST', URL_IMPORT, {});
    expect(json.statusCode).toBe(415);
    const vide = await televerser('bailleur2@demo.flux', 'n’importe quoi\n');
    expect(vide.statusCode).toBe(422);
    // Above the global 1 MiB limit: the route's own limit (300 MiB) applies.
    const gros = await televerser('bailleur2@demo.flux', `${'COLONNE;'.repeat(300_000)}\n`);
    expect(gros.statusCode, gros.body).toBe(422);
    expect(await imports('VLL')).toBe(0);
  });
});
