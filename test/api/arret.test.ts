/**
 * Graceful stop of `npm start` (scripts/start.ts, issue 15 item 4): on SIGTERM the server stops
 * accepting, finishes the requests in progress, closes its database (PGlite directory, or the PostgreSQL pool: no backend
 * left) and exits 0. The real script, spawned on a temporary database, API only, no demo seed.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { genresDeTest, ouvrirBaseDeTest } from '../helpers/database.ts';

const racine = resolve(import.meta.dirname, '../..');

interface Arret {
  code: number | null;
  sortie: string;
  dureeArretMs: number;
  pret: number;
  /** Status of the request in progress when the signal came. */
  reponseEnCours: number;
}

async function demarrerEtArreter(env: Record<string, string>, signal: NodeJS.Signals): Promise<Arret> {
  const parent = { ...process.env };
  delete parent.DATABASE_URL;
  const enfant = spawn(process.execPath, ['bin/run-ts.js', 'scripts/start.ts'], {
    cwd: racine,
    env: {
      ...parent,
      PORT: '0',
      HOST: '127.0.0.1',
      FLUX_WEB: '0',
      FLUX_DEMO: '0',
      FLUX_JOURNAL: '1',
      FLUX_ARRET_DELAI_MS: '30000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let sortie = '';
  enfant.stdout.on('data', (d: Buffer) => (sortie += d.toString()));
  enfant.stderr.on('data', (d: Buffer) => (sortie += d.toString()));
  const fin = new Promise<number | null>((ok) => enfant.on('exit', (code) => ok(code)));
  const adresse = await new Promise<string>((ok, echec) => {
    const minuteur = setInterval(() => {
      const m = /Flux est prêt \([\d.]+ s\) : (http:\/\/[^\s]+)/.exec(sortie);
      if (m) {
        clearInterval(minuteur);
        ok(m[1]!);
      }
    }, 50);
    void fin.then(() => {
      clearInterval(minuteur);
      echec(new Error(`le serveur s’est arrêté avant d’être prêt :\n${sortie}`));
    });
  });
  const pret = (await fetch(`${adresse}api/sante/pret`)).status;
  // A request in progress when the signal comes: its body is half sent, the rest follows after.
  const corps = JSON.stringify({ email: 'personne@exemple.fr', motDePasse: 'x'.repeat(100) });
  const u = new URL(`${adresse}api/session`);
  let reponseEnCours = 0;
  const enCours = new Promise<number>((ok, echec) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(corps) },
      },
      (res) => {
        res.resume();
        res.on('end', () => ok((reponseEnCours = res.statusCode ?? 0)));
      },
    );
    req.on('error', echec);
    req.write(corps.slice(0, 20));
    setTimeout(() => req.end(corps.slice(20)), 700);
  });
  await new Promise((ok) => setTimeout(ok, 200));
  const debut = Date.now();
  enfant.kill(signal);
  await enCours;
  const code = await fin;
  return { code, sortie, dureeArretMs: Date.now() - debut, pret, reponseEnCours };
}

describe.each(genresDeTest())('arrêt propre de npm start (%s)', (genre) => {
  it('SIGTERM : fin des requêtes, base fermée, code de sortie 0', async () => {
    const dossier = mkdtempSync(join(tmpdir(), 'flux-arret-'));
    const t = genre === 'postgresql' ? await ouvrirBaseDeTest('postgresql') : null;
    try {
      const env: Record<string, string> = { FLUX_DATA_DIR: join(dossier, 'flux') };
      if (t) env.DATABASE_URL = t.url!;
      const r = await demarrerEtArreter(env, 'SIGTERM');
      expect(r.pret).toBe(200);
      // The request in progress was answered (401: no such account), not cut.
      expect(r.reponseEnCours).toBe(401);
      expect(r.code, r.sortie).toBe(0);
      // Exit 0: stopped within FLUX_ARRET_DELAI_MS without cutting anything (the forced path exits 1).
      expect(r.dureeArretMs).toBeLessThan(30_000);
      const journal = r.sortie
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { message?: string; signal?: string });
      expect(journal.map((l) => l.message)).toEqual(
        expect.arrayContaining(['arrêt demandé : fin des requêtes en cours', 'arrêt terminé']),
      );
      expect(journal.find((l) => l.message === 'arrêt demandé : fin des requêtes en cours')?.signal).toBe('SIGTERM');
      if (t) {
        const base = new URL(t.url!).pathname.slice(1);
        const [c] = await lignes<{ n: string }>(
          t.base.db,
          sql`select count(*)::text as n from pg_stat_activity where datname = ${base} and pid <> pg_backend_pid()`,
        );
        // No backend of the server is left behind: only this test’s own pool is still connected.
        expect(Number(c!.n)).toBeLessThan(t.base.etatPool()!.ouvertes);
      }
    } finally {
      await t?.fermer();
      rmSync(dossier, { recursive: true, force: true });
    }
  }, 120_000);
});
