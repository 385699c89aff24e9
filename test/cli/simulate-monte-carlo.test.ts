/**
 * `flux simulate SCENARIO --monte-carlo N [--seed S]` (issue 18 item 5): the year the scenario's
 * events show, drawn N times through the engine; deterministic for a seed; the default output of
 * `flux simulate` untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonteCarloScenario } from '../../src/app/planification.ts';
import { main } from '../../src/cli/main.ts';
import { hypothesesObservees } from '../../src/domain/planification.ts';
import type { Evenement } from '../../src/domain/types.ts';
import {
  bailSigne,
  candidats,
  convention,
  decisionCal,
  jour,
  liberation,
  logements,
  refus,
  sansCandidat,
  unScenario,
} from '../helpers/scenario.ts';

const dossier = mkdtempSync(join(tmpdir(), 'flux-mc-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }));

let n = 0;
function fichier(valeur: unknown): string {
  const chemin = join(dossier, `scenario-${++n}.json`);
  writeFileSync(chemin, JSON.stringify(valeur));
  return chemin;
}

async function lancer(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** 40 units, 10 freed: 1 for PRU, 1 refusal, 1 missed deadline, 7 leases. */
function scenario() {
  const evenements: Evenement[] = [];
  for (let i = 1; i <= 10; i++) {
    const d = jour(i * 20);
    const l = `L${i}`;
    if (i === 1) {
      evenements.push(liberation(d, l, { exclusion: 'relogement_anru' }));
      continue;
    }
    evenements.push(liberation(d, l));
    if (i === 2) evenements.push(candidats(jour(i * 20 + 5), l), refus(jour(i * 20 + 10), l));
    else if (i === 3) evenements.push(sansCandidat(jour(i * 20 + 10), l));
    else
      evenements.push(
        candidats(jour(i * 20 + 5), l),
        decisionCal(jour(i * 20 + 10), l),
        bailSigne(jour(i * 20 + 15), l),
      );
  }
  return unScenario({
    logements: logements('L', 40),
    conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
    evenements,
  });
}

describe('hypothesesObservees', () => {
  it('lit la rotation, les mois, les refus, les délais manqués et le PRU du scénario', () => {
    const h = hypothesesObservees(scenario());
    expect(h.rotation).toBe(0.25);
    expect(h.rotationParTypologie).toEqual({ T3: 0.25 });
    expect(h.refus).toBeCloseTo(1 / 9, 3);
    expect(h.sansCandidat).toBeCloseTo(1 / 9, 3);
    expect(h.pru).toEqual([1, 1]);
    expect(h.saisonnalite!.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('une année sans préavis : rotation nulle, mois uniformes', () => {
    const h = hypothesesObservees(unScenario({ logements: logements('L', 5), evenements: [] }));
    expect(h).toMatchObject({ rotation: 0, refus: 0, sansCandidat: 0, pru: [0, 0] });
    expect(h.saisonnalite).toBeUndefined();
  });
});

describe('flux simulate --monte-carlo', () => {
  it('résumé en français : hypothèses observées, fourchettes par ligne, une option par règle de décompte', async () => {
    const r = await lancer(['simulate', fichier(scenario()), '--monte-carlo', '12', '--seed', '5']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Hypothèses observées dans le scénario : rotation 25 %');
    expect(r.out).toContain('12 années tirées (graine 5)');
    for (const o of [
      'conventions telles quelles',
      'décompte à l’orientation',
      'décompte à l’attribution',
      'décompte au bail signé',
    ])
      expect(r.out).toContain(`Option « ${o} »`);
    expect(r.out).toMatch(/ETAT : droit [\d,]+ \[/);
  });

  it('même graine, même réponse ; autre graine, autre tirage ; graine 1 par défaut', async () => {
    const f = fichier(scenario());
    const a = await lancer(['simulate', f, '--monte-carlo', '8', '--seed', '7', '--json']);
    const b = await lancer(['simulate', f, '--monte-carlo', '8', '--seed', '7', '--json']);
    const c = await lancer(['simulate', f, '--monte-carlo', '8', '--seed', '8', '--json']);
    const d = await lancer(['simulate', f, '--monte-carlo', '8', '--json']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toBe(b.out);
    expect(c.out).not.toBe(a.out);
    const o = JSON.parse(a.out) as MonteCarloScenario;
    expect(o).toMatchObject({ tirages: 8, graine: 7, hypotheses: { rotation: 0.25 } });
    expect(o.options.map((x) => x.nom)).toEqual([
      'conventions telles quelles',
      'décompte à l’orientation',
      'décompte à l’attribution',
      'décompte au bail signé',
      'tous les réservataires par logement',
      'gestion déléguée au bailleur (contingent de l’État)',
      'report : aucun',
      'report plafonné à 2 logements',
      'report : intégral',
    ]);
    expect(o.optionsAbsentes.map((a) => a.nom)).toEqual(['historique de 3 ans (rotation)']);
    expect(o.options[0]!.lignes.map((l) => l.reservataire)).toEqual(['ETAT', 'AL', 'BAILLEUR']);
    expect(o.options[0]!.charge).toHaveLength(12);
    expect((JSON.parse(d.out) as MonteCarloScenario).graine).toBe(1);
  });

  it('--historique, --plafond-report et --pdf : l’option d’historique, le plafond, le PDF écrit', async () => {
    const pdf = join(dossier, 'options.pdf');
    const r = await lancer([
      'simulate',
      fichier(scenario()),
      '--monte-carlo',
      '6',
      '--historique',
      '0,1;0,4',
      '--plafond-report',
      '1',
      '--pdf',
      pdf,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Option « historique de 3 ans (rotation) »');
    expect(r.out).toContain('Option « report plafonné à 1 logement »');
    expect(r.out).toContain('Option « tous les réservataires par logement »');
    expect(r.out).toMatch(/dossiers instruits : ETAT [\d ]+, AL [\d ]+, BAILLEUR [\d ]+/);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const sans = await lancer(['simulate', fichier(scenario()), '--pdf', pdf]);
    expect(sans.code).toBe(2);
    expect(sans.err).toContain('--pdf: ne s’emploie qu’avec --monte-carlo N');
    const faux = await lancer(['simulate', fichier(scenario()), '--monte-carlo', '2', '--historique', '0,1;0,2;0,3']);
    expect(faux.code).toBe(2);
    expect(faux.err).toContain('--historique');
  });

  it('flux planifier lit les options de l’ADR 0049 dans le fichier plan', async () => {
    const plan = {
      scenario: { ...scenario(), evenements: [] },
      hypotheses: { rotation: 0.5, refus: 0.1, sansCandidat: 0.2 },
      tirages: 5,
      options: [
        { nom: 'tous', parLogement: 'tous' },
        { nom: 'délégué', gestionDeleguee: { lignes: ['ETAT'] } },
        { nom: 'sans report', regleReport: 'aucun', description: 'rien reporté' },
      ],
    };
    const r = await lancer(['planifier', fichier(plan), '--json']);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as MonteCarloScenario;
    expect(o.options.map((x) => x.nom)).toEqual(['conventions telles quelles', 'tous', 'délégué', 'sans report']);
    expect(o.options[3]!.description).toBe('rien reporté');
    const etat = (i: number) => o.options[i]!.charge.reduce((n, m) => n + (m.dossiers['ETAT'] ?? 0), 0);
    expect(etat(2)).toBe(0);
    expect(etat(1)).toBeGreaterThan(etat(0));
    const faux = await lancer([
      'planifier',
      fichier({ ...plan, options: [{ nom: 'x', parLogement: 'deux' }] }),
      '--json',
    ]);
    expect(faux.code).toBe(2);
    expect(faux.err).toContain('options[0].parLogement');
  });

  it('sans --monte-carlo, la sortie de flux simulate ne change pas', async () => {
    const r = await lancer(['simulate', fichier(scenario()), '--json']);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(o)).toContain('orientations');
    expect(o).not.toHaveProperty('hypotheses');
  });

  it.each([
    [['--monte-carlo', '0'], '--monte-carlo: entier attendu, de 1 à 2'],
    [['--monte-carlo', '2001'], '--monte-carlo: entier attendu'],
    [['--monte-carlo', 'dix'], '--monte-carlo: entier attendu'],
    [['--monte-carlo', '3', '--seed', '-1'], '--seed: entier attendu'],
    [['--seed', '3'], '--seed: ne s’emploie qu’avec --monte-carlo N'],
    [['--monte-carlo', '3', '--bilan'], '--bilan: ne se combine pas avec --monte-carlo'],
  ])('%j : sortie 2, le problème nommé', async (options, message) => {
    const r = await lancer(['simulate', fichier(scenario()), ...options]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('un scénario invalide : sortie 2, le champ nommé', async () => {
    const s = { ...scenario(), conventions: [convention('CV-ETAT', 'ETAT', 1.3)] };
    const r = await lancer(['simulate', fichier(s), '--monte-carlo', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/conventions\[0\]\.taux/);
  });
});

describe('planifierPasAPas', () => {
  it('rend la réponse de planifier, un pas par passage du moteur', async () => {
    const { planifier, planifierPasAPas, OPTIONS_DECOMPTE } = await import('../../src/domain/planification.ts');
    const plan = {
      scenario: scenario(),
      hypotheses: hypothesesObservees(scenario()),
      tirages: 5,
      graine: 9,
      options: [...OPTIONS_DECOMPTE],
    };
    const etapes = planifierPasAPas(plan);
    let pas = 0;
    let n = etapes.next();
    while (!n.done) {
      pas++;
      n = etapes.next();
    }
    expect(pas).toBe(5 * 4);
    expect(n.value).toEqual(planifier(plan));
    for (const l of n.value.options[0]!.lignes) {
      expect(l.cumulMensuel).toHaveLength(12);
      expect(l.cumulMensuel[11]!.mediane).toBe(l.misADisposition.mediane);
    }
  });
});

describe('flux simulate --plan', () => {
  /** Every T3 PLUS outside QPV of the test commune planned for AL. */
  const cibles = (ligne = 'AL') => ({
    lignes: [{ ligne, parSegment: { '45234|T3|PLUS|horsQPV': 40 } }],
  });

  it('le moteur suit les cibles du plan, le motif le dit ; la propriété de quota tient', async () => {
    const r = await lancer(['simulate', fichier(scenario()), '--json', '--plan', fichier(cibles())]);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as { orientations: { reservataire: string | null; motif: string }[] };
    expect(o.orientations.some((x) => x.motif.startsWith('Plan d’attribution : AL'))).toBe(true);
    const sans = await lancer(['simulate', fichier(scenario()), '--json']);
    expect(sans.out).not.toContain('Plan d’attribution');
  });

  it('avec --monte-carlo, chaque tirage suit le plan', async () => {
    const f = fichier(scenario());
    const avec = await lancer(['simulate', f, '--monte-carlo', '4', '--json', '--plan', fichier(cibles())]);
    const sans = await lancer(['simulate', f, '--monte-carlo', '4', '--json']);
    expect(avec.code, avec.err).toBe(0);
    expect(avec.out).not.toBe(sans.out);
  });

  it.each([
    ['{"lignes": 3}', '--plan: lignes'],
    ['pas du json', '--plan: '],
  ])('un plan invalide (%s) : sortie 2, le problème nommé', async (texte, message) => {
    const chemin = join(dossier, `plan-invalide-${++n}.json`);
    writeFileSync(chemin, texte);
    const r = await lancer(['simulate', fichier(scenario()), '--plan', chemin]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});
