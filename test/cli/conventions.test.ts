/**
 * `flux conventions list|avenant` on the seeded demo, through `main()` with captured output, on
 * PGlite (a data directory) and on PostgreSQL when DATABASE_URL is set: the list in French and
 * JSON, an avenant from a version file, and invalid input as exit 2 with `chemin: message` lines.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import type { RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { baseCli } from '../helpers/cli.ts';
import { genresDeTest } from '../helpers/database.ts';

/** Exit 2, nothing on stdout, every stderr line `chemin: message`, no stack frame. */
function erreurs(r: { code: number; out: string; err: string }): string[] {
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).not.toMatch(/^\s+at /m);
  expect(r.err).not.toMatch(/Error:|node:internal|\.ts:\d+/);
  const lignes = r.err.trimEnd().split('\n');
  for (const l of lignes) expect(l).toMatch(/^[^\s:][^:]*: \S.*$/);
  return lignes;
}

describe.each(genresDeTest())('flux conventions (%s)', (genre) => {
  const cli = baseCli(genre, 'flux-conventions-', async (db) => {
    await seedDemo(db, { echelle: 0.02, aujourdhui: '2026-11-20' });
  });
  const { dossier, lancer } = cli;

  function fichier(nom: string, contenu: unknown): string {
    const chemin = join(dossier, nom);
    writeFileSync(chemin, typeof contenu === 'string' ? contenu : JSON.stringify(contenu, null, 2));
    return chemin;
  }

  const versionAl = (changements: Record<string, unknown> = {}) => ({
    taux: 0.3,
    perimetre: { departement: '45' },
    decompte: 'attribution',
    echecDecompte: true,
    gestion: 'deleguee',
    effectifLe: '2026-01-01',
    motif: 'avenant n° 1',
    ...changements,
  });

  it('list --bailleur : une ligne en français par convention, taux, version, forme et solde', async () => {
    const r = await lancer(['conventions', 'list', '--bailleur', 'HLD', '--annee', '2026']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lignes = r.out.trimEnd().split('\n');
    expect(lignes.length).toBeGreaterThanOrEqual(3);
    expect(lignes[0]).toMatch(
      /^HLD-CV1 — Préfecture du Loiret — DDETS \(45\) : taux 25 % \(dont agents 5 %\), version 1 du 01\/01\/2025 ; en flux ; droit 2026 [\d,]+, solde /,
    );
    // The SIREN names the bailleur too.
    const parSiren = await lancer(['conventions', 'list', '--bailleur', '999450001', '--annee', '2026']);
    expect(parSiren.out).toBe(r.out);
  });

  it('list --json : le registre du bailleur', async () => {
    const r = await lancer(['conventions', 'list', '--bailleur', 'HLD', '--annee', '2026', '--json']);
    expect(r.code).toBe(0);
    const reg = JSON.parse(r.out) as RegistreConventionsApi;
    expect(reg.annee).toBe(2026);
    expect(new Set(reg.conventions.map((c) => c.bailleur.id))).toEqual(new Set(['HLD']));
    expect(reg.conventions.find((c) => c.id === 'HLD-CV2')?.versionEnVigueur).toMatchObject({ version: 1, taux: 0.25 });
  });

  it('entrée invalide : statut 2 et une ligne « chemin: message » par problème', async () => {
    expect(erreurs(await lancer(['conventions', 'list', '--bailleur', 'PERSONNE']))).toEqual([
      'bailleur: bailleur « PERSONNE » inconnu (identifiant Flux ou SIREN)',
    ]);
    const forme = erreurs(
      await lancer([
        'conventions',
        'avenant',
        '--convention',
        'HLD-CV2',
        '--fichier',
        fichier('forme.json', { taux: 'beaucoup', decompte: 'jamais' }),
      ]),
    );
    expect(forme).toEqual(
      expect.arrayContaining([
        'taux: un nombre attendu',
        expect.stringMatching(/^perimetre: /),
        expect.stringMatching(/^decompte: valeur non admise/),
        expect.stringMatching(/^effectifLe: champ obligatoire manquant/),
      ]),
    );
    const json = erreurs(
      await lancer([
        'conventions',
        'avenant',
        '--convention',
        'HLD-CV2',
        '--fichier',
        fichier('casse.json', '{ "taux": 0.3,\n  oups }'),
      ]),
    );
    expect(json).toEqual([expect.stringMatching(/casse\.json: JSON invalide \(ligne 2, colonne \d+\)$/)]);
    const loi = erreurs(
      await lancer([
        'conventions',
        'avenant',
        '--convention',
        'HLD-CV1',
        '--fichier',
        fichier('etat.json', versionAl({ taux: 0.31, tauxAgents: 0.05, decompte: 'bail_signe' })),
      ]),
    );
    expect(loi).toEqual([
      expect.stringMatching(/^taux: le contingent de l’État est de 30 % au plus du flux annuel \(CCH R\.441-5-2 I\)/),
    ]);
    expect(
      erreurs(
        await lancer([
          'conventions',
          'avenant',
          '--convention',
          'PAS-LA',
          '--fichier',
          fichier('al.json', versionAl()),
        ]),
      ),
    ).toEqual(['--convention: convention « PAS-LA » introuvable']);
  });

  it('avenant : nouvelle version enregistrée, auditée, en vigueur dans la liste', async () => {
    const r = await lancer([
      'conventions',
      'avenant',
      '--convention',
      'HLD-CV2',
      '--fichier',
      fichier('al-ok.json', versionAl()),
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'Avenant enregistré : convention HLD-CV2 (Action Logement Services), version 2 effective le 01/01/2026, taux 30 %, en flux.\n',
    );
    const liste = JSON.parse(
      (await lancer(['conventions', 'list', '--bailleur', 'HLD', '--annee', '2026', '--json'])).out,
    ) as RegistreConventionsApi;
    const al = liste.conventions.find((c) => c.id === 'HLD-CV2')!;
    expect(al.versionEnVigueur).toMatchObject({ version: 2, taux: 0.3 });
    expect(al.ligne?.taux).toBe(0.3);
    expect((await cli.avecBase((db) => verifierAudit(db))).ok).toBe(true);
  });
});
