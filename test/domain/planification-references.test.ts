/**
 * The Monte Carlo's seeded answers do not move (issue 18 item 6): the faster runner gives, byte for
 * byte, the answers main gave before it (test/domain/references/, written then by `planifier`), in
 * this thread and spread over worker threads, whatever their number and the slices' size.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { filsParDefaut, planifierEnParallele } from '../../src/app/tirages-paralleles.ts';
import { Rng } from '../../src/domain/aleatoire.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { planifier, preparerTirage } from '../../src/domain/planification.ts';
import { DOSSIER_REFERENCES, plansDeReference } from '../helpers/planification-references.ts';

const plans = await plansDeReference();

describe('planification — réponses de référence, graine fixée', () => {
  it.each(Object.keys(plans))('%s : octet pour octet', (nom) => {
    const attendu = readFileSync(`${DOSSIER_REFERENCES}/${nom}`, 'utf8');
    expect(`${JSON.stringify(planifier(plans[nom]!))}\n`).toBe(attendu);
  });
});

describe('planification — fils de calcul (worker threads)', () => {
  it('le même résultat avec 2 ou 3 fils, des tranches de 1 ou 3 tirages, ce fil compris ou non', async () => {
    const nom = 'synthetique-40-graine-2026.json';
    const attendu = readFileSync(`${DOSSIER_REFERENCES}/${nom}`, 'utf8');
    for (const o of [
      { fils: 2, tranche: 3 },
      { fils: 3, tranche: 1, ceFil: true },
    ]) {
      const r = await planifierEnParallele(plans[nom]!, o);
      expect(`${JSON.stringify(r)}\n`, JSON.stringify(o)).toBe(attendu);
    }
  });

  it('l’exemple du Loiret et le plan suivi par le moteur : octet pour octet sur 2 fils', async () => {
    for (const nom of ['loiret-2019-12-graine-7.json', 'synthetique-moteur-plan-15-graine-9.json']) {
      const r = await planifierEnParallele(plans[nom]!, { fils: 2, tranche: 2, ceFil: true });
      expect(`${JSON.stringify(r)}\n`, nom).toBe(readFileSync(`${DOSSIER_REFERENCES}/${nom}`, 'utf8'));
    }
  });

  it('un scénario invalide est refusé avant tout fil, le champ nommé', async () => {
    const plan = plans['synthetique-40-graine-2026.json']!;
    const invalide = {
      ...plan,
      scenario: { ...plan.scenario, conventions: [{ ...plan.scenario.conventions[0]!, reservataire: 'INCONNU' }] },
    };
    await expect(planifierEnParallele(invalide, { fils: 2 })).rejects.toThrow(DonneesInvalides);
  });

  it('peu de tirages restent dans ce fil ; beaucoup en prennent plusieurs', () => {
    expect(filsParDefaut(10, 3)).toBe(1);
    expect(filsParDefaut(1000, 1)).toBe(Math.min(8, availableParallelism()));
  });
});

describe('tirage — le générateur repris où il en était', () => {
  it('une année passée sans ses événements laisse le générateur comme une année tirée', () => {
    const { scenario, hypotheses } = plans['synthetique-40-graine-2026.json']!;
    const tirer = preparerTirage(scenario, hypotheses);
    const a = new Rng(5);
    const b = new Rng(5);
    for (let i = 0; i < 6; i++) {
      expect(tirer(a).length).toBeGreaterThan(0);
      expect(tirer(b, false)).toEqual([]);
      expect(b.etat).toBe(a.etat);
    }
    // Resumed from its state, a generator draws the same year.
    expect(tirer(new Rng(a.etat))).toEqual(tirer(a));
  });
});
