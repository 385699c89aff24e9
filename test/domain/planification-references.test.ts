/**
 * The Monte Carlo's seeded answers do not move (issue 18 item 6): the faster runner gives, byte for
 * byte, the answers main gave before it (test/domain/references/, written then by `planifier`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planifier } from '../../src/domain/planification.ts';
import { DOSSIER_REFERENCES, plansDeReference } from '../helpers/planification-references.ts';

const plans = await plansDeReference();

describe('planification — réponses de référence, graine fixée', () => {
  it.each(Object.keys(plans))('%s : octet pour octet', (nom) => {
    const attendu = readFileSync(`${DOSSIER_REFERENCES}/${nom}`, 'utf8');
    expect(`${JSON.stringify(planifier(plans[nom]!))}\n`).toBe(attendu);
  });
});
