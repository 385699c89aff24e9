/**
 * Raw uploads that cannot take the server down (issue 15 item 1): the body streams to a temporary
 * file, cut off as soon as it goes over the route's limit even without a Content-Length (a chunked
 * upload), in French and naming the limit; nothing is left on disk; the JSON body limit answers in
 * French too. The error files' storage: chunked, compressed, downloaded whole.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FichierTropVolumineux } from '../../src/app/errors.ts';
import {
  enregistrerFichierErreurs,
  lireFichierErreurs,
  MORCEAU_MAX,
  tailleStockee,
} from '../../src/app/fichiers-erreurs.ts';
import { TAILLE_MAX_RESERVATIONS } from '../../src/contracts/televersement.ts';
import { recevoirFichier } from '../../src/http/televersement.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

/** `n` chunks of 1 MiB, as a stream with no known length. */
const flux = (n: number): Readable =>
  Readable.from(
    (function* () {
      for (let i = 0; i < n; i++) yield Buffer.alloc(1 << 20, 0x41);
    })(),
  );

describe('réception d’un fichier téléversé', () => {
  let dossier: string;
  let avant: string | undefined;
  beforeAll(() => {
    dossier = mkdtempSync(join(tmpdir(), 'flux-tmp-'));
    avant = process.env['TMPDIR'];
    process.env['TMPDIR'] = dossier;
  });
  afterAll(() => {
    if (avant === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = avant;
    rmSync(dossier, { recursive: true, force: true });
  });

  it('sous la limite : le fichier sur disque, sa taille', async () => {
    const f = await recevoirFichier(flux(3), 4 << 20);
    expect(f.octets).toBe(3 << 20);
    expect(readdirSync(dossier)).toHaveLength(1);
    rmSync(f.chemin);
  });

  it('au-delà de la limite en cours de lecture : refusé, en français, et rien ne reste sur disque', async () => {
    const e = await recevoirFichier(flux(5), 2 << 20).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FichierTropVolumineux);
    expect((e as Error).message).toBe('fichier trop volumineux : 2 Mo au plus');
    expect(readdirSync(dossier)).toHaveLength(0);
  });
});

describe.each(genresDeTest())('téléversements et fichiers d’erreurs (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  it('un envoi sans Content-Length au-delà de la limite : 413 en français, coupé en cours de route', async () => {
    const c = s.comptes['bailleur@demo.flux']!;
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/patrimoine/reservations',
      payload: flux(TAILLE_MAX_RESERVATIONS / (1 << 20) + 1),
      cookies: { flux_session: c.cookie },
      headers: { 'content-type': 'text/csv', 'x-csrf-token': c.csrf },
    });
    expect(r.statusCode, r.body).toBe(413);
    expect(r.json()).toMatchObject({
      erreur: 'FICHIER_TROP_VOLUMINEUX',
      message: 'fichier : fichier trop volumineux : 20 Mo au plus',
    });
  });

  it('un corps JSON au-delà de 1 Mo : 413 en français, la limite dite', async () => {
    const r = await s.appel('bailleur@demo.flux', 'POST', '/api/locations', { motif: 'x'.repeat(1 << 20) });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toEqual({
      erreur: 'CORPS_TROP_VOLUMINEUX',
      message: 'corps de requête trop volumineux : 1 Mo au plus',
    });
  });

  it('un fichier d’erreurs de plusieurs morceaux : compressé, relu entier et à l’identique', async () => {
    const dossier = mkdtempSync(join(tmpdir(), 'flux-erreurs-'));
    try {
      // Incompressible enough to need several chunks of MORCEAU_MAX compressed bytes.
      const lignes: string[] = ['\uFEFFA;Erreur'];
      let graine = 1;
      while (lignes.length < 120_000) {
        graine = (graine * 48271) % 2147483647;
        lignes.push(`${graine.toString(36)};ligne ${lignes.length + 1} : valeur « ${graine % 9973} » invalide`);
      }
      const texte = `${lignes.join('\r\n')}\r\n`;
      const chemin = join(dossier, 'e.csv');
      writeFileSync(chemin, texte);
      const octets = Buffer.byteLength(texte);
      const f = await enregistrerFichierErreurs(
        s.t.base.db,
        { organisationId: 'HLD', utilisateurId: null },
        { chemin, octets, lignes: lignes.length - 1 },
        'e.erreurs.csv',
      );
      const stocke = await tailleStockee(s.t.base.db, f.id);
      expect(stocke).toBeGreaterThan(MORCEAU_MAX);
      expect(stocke).toBeLessThan(octets);
      const lu = await lireFichierErreurs(s.t.base.db, { organisationId: 'HLD' }, f.id);
      const morceaux: Buffer[] = [];
      for await (const m of lu.contenu) morceaux.push(m as Buffer);
      expect(Buffer.concat(morceaux).toString('utf8')).toBe(texte);
      expect(lu.taille).toBe(octets);
      await expect(lireFichierErreurs(s.t.base.db, { organisationId: 'VLL' }, f.id)).rejects.toThrow(
        /fichier d’erreurs introuvable ou expiré/,
      );
    } finally {
      rmSync(dossier, { recursive: true, force: true });
    }
  }, 60_000);
});
