/**
 * `flux simulate`: the contract of docs/scenario-format.md, through `main()` with
 * captured output, and twice through the real binary.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { simulerTexte } from '../../src/app/scenario.ts';
import { ecrireJsonEnFlux } from '../../src/cli/json-en-flux.ts';
import { main } from '../../src/cli/main.ts';
import { totalDimension, type BilanAnnuel } from '../../src/domain/bilan.ts';
import type { ResultatSimulation } from '../../src/domain/engine.ts';
import { convention, jour, liberation, logement, unScenario } from '../helpers/scenario.ts';

const RACINE = fileURLToPath(new URL('../../', import.meta.url));
const EXEMPLE = join(RACINE, 'examples', 'exemple-reglementaire.json');
const BIN = join(RACINE, 'bin', 'flux.js');

const dossier = mkdtempSync(join(tmpdir(), 'flux-cli-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }));

let compteur = 0;
function fichier(texte: string): string {
  const chemin = join(dossier, `scenario-${++compteur}.json`);
  writeFileSync(chemin, texte);
  return chemin;
}

async function lancer(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** A small valid scenario as a plain JSON value, to be broken by each test. */
function valide(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(
      unScenario({
        logements: [logement('L1'), logement('L2')],
        conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
        evenements: [liberation(jour(0), 'L1'), liberation(jour(1), 'L2')],
      }),
    ),
  ) as Record<string, unknown>;
}

function modifie(
  f: (
    s: Record<string, unknown> & { conventions: Record<string, unknown>[]; evenements: Record<string, unknown>[] },
  ) => void,
): string {
  const s = valide() as Parameters<typeof f>[0];
  f(s);
  return fichier(JSON.stringify(s, null, 2));
}

/** Exit 2, nothing on stdout, and every stderr line `chemin: message` with no stack frame. */
function attendreErreurs(r: { code: number; out: string; err: string }): string[] {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.endsWith('\n')).toBe(true);
  expect(r.err).not.toMatch(/^\s+at /m);
  expect(r.err).not.toMatch(/Error:|node:internal|\.ts:\d+/);
  const lignes = r.err.trimEnd().split('\n');
  for (const l of lignes) expect(l).toMatch(/^[^\s:][^:]*: \S.*$/);
  return lignes;
}

describe('flux simulate — the regulatory worked example', () => {
  it('--json: flow 940 → 700, rights 210/175/84/21/210, each made available exactly', async () => {
    const r = await lancer(['simulate', EXEMPLE, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as ResultatSimulation;
    expect(res.flux).toMatchObject({ disponibles: 940, fluxAnnuel: 700 });
    const droits = Object.fromEntries(res.bilan.map((l) => [l.reservataire, l.droit]));
    expect(droits).toEqual({ ETAT: 210, AL: 175, EPCI: 84, DEP: 21, BAILLEUR: 210 });
    for (const l of res.bilan) expect(l.misADisposition, l.reservataire).toBe(l.droit);
    expect(res.orientations).toHaveLength(940);
    expect(res.orientations.filter((o) => o.reservataire === null)).toHaveLength(240);
  });

  it('--bilan: the annual bilan, lines = --json bilan, each dimension summing to its line', async () => {
    const r = await lancer(['simulate', EXEMPLE, '--bilan']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.out) as BilanAnnuel;
    const json = JSON.parse((await lancer(['simulate', EXEMPLE, '--json'])).out) as ResultatSimulation;
    expect(b.lignes.map((l) => [l.ligne, l.droit, l.decomptes])).toEqual(
      json.bilan.map((l) => [l.reservataire, l.droit, l.decomptes]),
    );
    expect(b.detail).toHaveLength(940);
    expect(b.exclusions.reduce((n, e) => n + e.logements, 0)).toBe(240);
    for (const l of b.lignes)
      expect(totalDimension(b.dimensions.typologie, l.ligne).misADisposition, l.ligne).toBe(l.misADisposition);
  });

  it('without --json: the French table', async () => {
    const r = await lancer(['simulate', EXEMPLE]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Flux annuel');
    expect(r.out).toContain('700');
    expect(r.out).toContain('Réservataire');
    expect(r.out).toMatch(/^ETAT\s+30,0 %\s+210,0\s+210\b/m);
  });
});

describe('flux simulate — bad inputs exit 2 with `chemin: message` lines', () => {
  it('malformed JSON (missing comma): the message names line and column', async () => {
    const r = await lancer(['simulate', fichier('{\n  "annee": 2025\n  "departement": "45"\n}\n')]);
    expect(attendreErreurs(r)).toEqual(['ligne 3, colonne 3: JSON invalide']);
  });

  it('malformed JSON (unexpected token): the message names line and column', async () => {
    // V8 words this error without a position ("Unexpected token ',', … is not valid JSON").
    const r = await lancer(['simulate', fichier('{\n  "annee": 2025,\n  "departement": ,\n}\n')]);
    expect(attendreErreurs(r)).toEqual([expect.stringMatching(/^ligne 3, colonne \d+: JSON invalide$/)]);
  });

  it('malformed JSON (truncated file): the message names line and column', async () => {
    // V8: "Unexpected end of JSON input", no position either; the error is at the end of the text.
    const r = await lancer(['simulate', fichier('{\n  "annee": 2025,\n  "departement":')]);
    expect(attendreErreurs(r)).toEqual([expect.stringMatching(/^ligne 3, colonne \d+: JSON invalide$/)]);
  });

  it('unknown field → `conventions[0].tauxx: champ inconnu`', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.conventions[0]!['tauxx'] = 0.3;
      }),
    ]);
    expect(attendreErreurs(r)).toEqual(['conventions[0].tauxx: champ inconnu']);
  });

  it('wrong type → the field and the expected type (not « manquant »: the field is there)', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s['annee'] = '2025';
      }),
    ]);
    expect(attendreErreurs(r)).toEqual(['annee: un nombre attendu']);
  });

  it('missing field → the field and « manquant »', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        delete s.conventions[1]!['echecDecompte'];
      }),
    ]);
    expect(attendreErreurs(r)).toEqual([
      'conventions[1].echecDecompte: champ obligatoire manquant (un booléen (true/false) attendu)',
    ]);
  });

  it('a rate of 1.5 → conventions[i].taux is a fraction between 0 and 1', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.conventions[1]!['taux'] = 1.5;
      }),
    ]);
    expect(attendreErreurs(r)).toEqual(['conventions[1].taux: un taux est une fraction entre 0 et 1 (0,3 = 30 %)']);
  });

  it('an unknown unit in an event → evenements[i].logement', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.evenements[1]!['logement'] = 'L99';
      }),
    ]);
    expect(attendreErreurs(r)).toEqual(['evenements[1].logement: logement « L99 » inconnu']);
  });

  it('Σ taux > 100 % → the last convention’s taux, naming 100 %', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.conventions[1]!['taux'] = 0.8;
      }),
    ]);
    const lignes = attendreErreurs(r);
    expect(lignes).toHaveLength(1);
    expect(lignes[0]).toMatch(/^conventions\[1\]\.taux: .*110 %.*100 %/);
  });

  it('the State above 30 % without a derogation → conventions[i].taux', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.conventions[0]!['taux'] = 0.31;
      }),
    ]);
    expect(attendreErreurs(r)).toEqual([expect.stringMatching(/^conventions\[0\]\.taux: .*R\.441-5-2 I/)]);
  });

  it('several problems → one line each', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.conventions[0]!['tauxx'] = 1;
        s.conventions[1]!['taux'] = 2;
      }),
    ]);
    expect(attendreErreurs(r)).toHaveLength(2);
  });

  it('an impossible event sequence → evenements[i]', async () => {
    const r = await lancer([
      'simulate',
      modifie((s) => {
        s.evenements.push({ date: jour(2), type: 'bail_signe', logement: 'L1' });
      }),
    ]);
    expect(attendreErreurs(r)).toEqual([expect.stringMatching(/^evenements\[2\]: transition impossible/)]);
  });

  it('a missing file → its name and « fichier illisible »', async () => {
    const absent = join(dossier, 'absent.json');
    const r = await lancer(['simulate', absent]);
    expect(attendreErreurs(r)).toEqual([`${absent}: fichier illisible (ENOENT)`]);
  });

  it('an unknown option → exit 2', async () => {
    const r = await lancer(['simulate', EXEMPLE, '--jsn']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).not.toMatch(/^\s+at /m);
  });
});

describe('flux simulate — second edition: households, lettings outside the flow, warnings', () => {
  /** Département at 12 % (10 % guarantee, 2 % financing) and the commune at 12 % (all guarantee). */
  function deuxiemeEdition(): string {
    return fichier(
      JSON.stringify({
        annee: 2025,
        departement: '45',
        bailleur: { id: 'B1', nom: 'Office X' },
        seuilsPremierQuartile: { '244500468': 10000 },
        objectifsEpci: { '244500468': { quartile1HorsQpv: 0.3 } },
        logements: [
          { id: 'L1', commune: '45234', qpv: null, typologie: 'T3', financement: 'PLUS', construction: 1975 },
          { id: 'L2', commune: '45234', qpv: null, typologie: 'T3', financement: 'PLUS', construction: 1975 },
        ],
        reservataires: [
          { id: 'C234', type: 'commune', nom: 'Saint-Jean-de-Braye', commune: '45234' },
          { id: 'D45', type: 'departement', nom: 'Département du Loiret' },
        ],
        conventions: [
          {
            id: 'CV1',
            reservataire: 'C234',
            taux: 0.12,
            perimetre: { communes: ['45234'] },
            decompte: 'bail_signe',
            echecDecompte: false,
          },
          {
            id: 'CV2',
            reservataire: 'D45',
            taux: 0.12,
            perimetre: { departement: '45' },
            decompte: 'bail_signe',
            echecDecompte: false,
            contrepartie: { garantie: 0.1, financement: 0.02, terrain: 0 },
          },
        ],
        evenements: [
          { date: '2025-01-06', type: 'liberation', logement: 'L1', exclusion: 'mutation_interne' },
          { date: '2025-02-01', type: 'candidats', logement: 'L1', nombre: 1 },
          { date: '2025-02-15', type: 'decision_cal', logement: 'L1', decision: 'attribution' },
          {
            date: '2025-03-01',
            type: 'bail_signe',
            logement: 'L1',
            menage: {
              ressourcesAnnuelles: 14200,
              personnes: 3,
              enfantsMoins14: 1,
              categories: ['dalo'],
              relogement: null,
              agentEtat: false,
            },
          },
          { date: '2025-01-07', type: 'liberation', logement: 'L2', exclusion: 'relogement_orcod' },
        ],
      }),
    );
  }

  it('CCH R.441-5 — a Département at 12 % and a commune at 12 % run (exit 0) with a warning on stderr', async () => {
    const r = await lancer(['simulate', deuxiemeEdition(), '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out) as ResultatSimulation;
    expect(o.avertissements).toHaveLength(1);
    expect(o.avertissements[0]!.chemin).toBe('conventions[1].contrepartie.garantie');
    expect(r.err).toMatch(/^avertissement : conventions\[1\]\.contrepartie\.garantie : .*22 %.*R\.441-5/m);
  });

  it('the mutation is let on no line; objectives by EPCI (filled from the COG) and relogements by category', async () => {
    const r = await lancer(['simulate', deuxiemeEdition(), '--json']);
    const o = JSON.parse(r.out) as ResultatSimulation;
    expect(o.bilan.every((l) => l.bauxSignes === 0)).toBe(true);
    expect(o.relogements.mutation_interne).toEqual({ liberes: 1, bauxSignes: 1, enCours: 0 });
    expect(o.relogements.relogement_orcod).toEqual({ liberes: 1, bauxSignes: 0, enCours: 1 });
    // Saint-Jean-de-Braye is in Orléans Métropole: 14 200 € / 1.8 UC < 10 000 € → first quartile.
    expect(o.objectifs.parEpci['244500468']!.quartile1HorsQpv).toEqual({
      realise: 1,
      cible: 0.3,
      numerateur: 1,
      denominateur: 1,
      inconnus: 0,
    });
  });

  it('without --json: the French summary lists the EPCI objective and the rehousing bilan', async () => {
    const r = await lancer(['simulate', deuxiemeEdition()]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('EPCI 244500468');
    expect(r.out).toContain('bilan des relogements');
  });

  it('a household with more children than persons → evenements[i].menage.enfantsMoins14, exit 2', async () => {
    const f = modifie((s) => {
      s.evenements.push(
        { date: jour(2), type: 'candidats', logement: 'L1', nombre: 1 },
        { date: jour(3), type: 'decision_cal', logement: 'L1', decision: 'attribution' },
        { date: jour(4), type: 'bail_signe', logement: 'L1', menage: { personnes: 2, enfantsMoins14: 2 } },
      );
    });
    const r = await lancer(['simulate', f, '--json']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('evenements[4].menage.enfantsMoins14');
  });
});

describe('flux simulate --json at scale: compact, streamed, explanations optional', () => {
  const LOIRET = join(RACINE, 'examples', 'loiret-2019.json');

  it('writes exactly JSON.stringify of the result, in blocks, never one string', async () => {
    const blocs: string[] = [];
    const code = await main(['simulate', LOIRET, '--json'], { out: (s) => blocs.push(s), err: (s) => blocs.push(s) });
    expect(code).toBe(0);
    const resultat = simulerTexte(readFileSync(LOIRET, 'utf8'));
    const attendu = `${JSON.stringify(resultat)}\n`;
    expect(blocs.join('')).toBe(attendu);
    // Blocks of 64 KiB: each ends just after the element (an orientation, the bilan…) that took it past the size.
    const petits: string[] = [];
    await ecrireJsonEnFlux(resultat as unknown as Record<string, unknown>, (b) => void petits.push(b), {
      tailleBloc: 64 * 1024,
    });
    expect(petits.join('')).toBe(attendu);
    expect(petits.length).toBeGreaterThan(attendu.length / (128 * 1024));
    for (const b of petits) expect(b.length).toBeLessThan(96 * 1024);
  });

  it.each([['--sans-explications'], ['--no-explications']])(
    '%s: the same answer without the orientations’ « explication »',
    async (option) => {
      const avec = JSON.parse((await lancer(['simulate', EXEMPLE, '--json'])).out) as ResultatSimulation;
      const r = await lancer(['simulate', EXEMPLE, '--json', option]);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      const sans = JSON.parse(r.out) as ResultatSimulation;
      expect(sans.orientations).toHaveLength(avec.orientations.length);
      for (const o of sans.orientations) expect(o).not.toHaveProperty('explication');
      expect(sans).toEqual({
        ...avec,
        orientations: avec.orientations.map((o) => {
          const copie: Partial<typeof o> = { ...o };
          delete copie.explication;
          return copie;
        }),
      });
      expect(avec.orientations.every((o) => Array.isArray(o.explication.candidats))).toBe(true);
    },
  );

  it('--explications is the default (accepted explicitly)', async () => {
    const r = await lancer(['simulate', EXEMPLE, '--json', '--explications']);
    expect(r.code).toBe(0);
    expect(r.out).toBe((await lancer(['simulate', EXEMPLE, '--json'])).out);
  });

  it('waits for each block to be written before building the next (backpressure)', async () => {
    const valeur = {
      a: 1,
      vide: [],
      absent: undefined,
      liste: Array.from({ length: 30_000 }, (_, i) => ({ i, t: 'x'.repeat(80) })),
      fin: { b: [1, null] },
    };
    let enCours = false;
    let texte = '';
    let blocs = 0;
    await ecrireJsonEnFlux(valeur, async (b) => {
      expect(enCours).toBe(false);
      enCours = true;
      await new Promise((r) => setTimeout(r, 1));
      texte += b;
      blocs++;
      enCours = false;
    });
    expect(blocs).toBeGreaterThanOrEqual(2);
    expect(texte).toBe(`${JSON.stringify(valeur)}\n`);
  });
});

describe('flux --help', () => {
  it('--help exits 0 and lists the simulate command', async () => {
    const r = await lancer(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('simulate');
  });

  it('simulate --help exits 0 and shows --json', async () => {
    const r = await lancer(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--json');
  });
});

describe('the real binary (bin/flux.js)', () => {
  it('`node bin/flux.js simulate … --json` exits 0 with parseable JSON', () => {
    const p = spawnSync(process.execPath, [BIN, 'simulate', EXEMPLE, '--json'], {
      cwd: RACINE,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(p.error).toBeUndefined();
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    const res = JSON.parse(p.stdout) as ResultatSimulation;
    expect(res.flux.fluxAnnuel).toBe(700);
  });

  it('`node bin/flux.js simulate BAD_FILE` exits with status 2 and no stack trace', () => {
    const bad = fichier('{ "annee": 2025, "departement": "45", "bailleur": 1 }');
    const p = spawnSync(process.execPath, [BIN, 'simulate', bad], { cwd: RACINE, encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr).toMatch(/^bailleur: /m);
    expect(p.stderr).not.toMatch(/^\s+at /m);
  });
});
