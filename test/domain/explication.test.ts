/**
 * The engine's orientations told to officers (src/app/explication.ts, issue 12 item 6): names, not
 * line identifiers; plain French; never a negative deadline — on real engine runs (fast-check
 * scenarios) and on the edge cases by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  motifOrientation,
  nommerLignes,
  nomsDesLignes,
  phraseDroit,
  phraseEcheance,
  raisonCandidat,
} from '../../src/app/explication.ts';
import type { CandidatExplication, Orientation } from '../../src/domain/engine.ts';
import { simuler } from '../../src/domain/engine.ts';
import type { Scenario } from '../../src/domain/types.ts';

const NOMS = new Map([
  ['ETAT-45', 'Préfecture du Loiret — DDETS'],
  ['AL', 'Action Logement Services'],
  ['BAILLEUR', 'la part non réservée du bailleur'],
]);
const nom = (l: string) => NOMS.get(l) ?? l;

const candidat = (c: Partial<CandidatExplication> & { reservataire: string }): CandidatExplication => ({
  droitExact: 0,
  oriente: 0,
  echeance: null,
  besoinQualitatif: 0,
  retenu: false,
  raison: '',
  ...c,
});

describe('explications en français pour les agents', () => {
  it('« la Préfecture a reçu 462 logements pour 463,5 dus : en retard de 1,5 »', () => {
    expect(phraseDroit('Préfecture du Loiret — DDETS', 463.5, 462)).toBe(
      'Préfecture du Loiret — DDETS a reçu 462 logements pour 463,5 dus : en retard de 1,5',
    );
    expect(phraseDroit('Action Logement Services', 11.6, 12)).toBe(
      'Action Logement Services a reçu 12 logements pour 11,6 dus : en avance de 0,4',
    );
    expect(phraseDroit('la part non réservée du bailleur', 1, 1)).toBe(
      'La part non réservée du bailleur a reçu 1 logement pour 1 dus : à jour',
    );
  });

  it('une échéance n’est jamais dite négative', () => {
    expect(phraseEcheance(-2)).toBe('il devrait déjà avoir reçu un logement de plus');
    expect(phraseEcheance(0)).toBe('il devrait déjà avoir reçu un logement de plus');
    expect(phraseEcheance(0.4)).toBe('un logement lui sera dû dès le prochain logement libéré de son périmètre');
    expect(phraseEcheance(2.3)).toBe('un logement lui sera dû d’ici 3 logements libérés de son périmètre');
    expect(phraseEcheance(null)).toBe('');
  });

  it('les raisons nomment la ligne servie à la place, jamais son identifiant', () => {
    const edf = candidat({ reservataire: 'ETAT-45', droitExact: 3.4, oriente: 3, echeance: 1.5 });
    const qualite = candidat({ reservataire: 'AL', droitExact: 2.3, oriente: 2, echeance: 2.5, retenu: true });
    const servi = candidat({ reservataire: 'BAILLEUR', droitExact: 1, oriente: 2, echeance: 4 });
    const tous = [edf, qualite, servi];
    expect(raisonCandidat(qualite, tous, nom)).toBe(
      'retenu : il manque davantage de logements de ce type que Préfecture du Loiret — DDETS, dont les droits restent tenus',
    );
    expect(raisonCandidat(edf, tous, nom)).toContain('manque davantage à Action Logement Services');
    expect(raisonCandidat(servi, tous, nom)).toBe('non retenu : il a déjà reçu ce qui lui est dû');
  });

  it('un motif composé par le moteur autour de la raison du bailleur nomme les lignes', () => {
    const pool: Orientation = {
      logement: 'L1',
      date: '2026-03-01',
      reservataire: 'ETAT-45',
      motif:
        'Orientation vers plusieurs réservataires (ETAT-45, AL) : grand logement ; compté provisoirement pour ETAT-45, dont le droit est le plus pressant, jusqu’au bail ; bail signé par un candidat de AL',
      forcee: false,
      pool: ['ETAT-45', 'AL'],
      explication: { candidats: [] },
    };
    expect(motifOrientation(pool, NOMS)).toBe(
      'Orientation vers plusieurs réservataires (Préfecture du Loiret — DDETS, Action Logement Services) : grand logement ; compté provisoirement pour Préfecture du Loiret — DDETS, dont le droit est le plus pressant, jusqu’au bail ; bail signé par un candidat de Action Logement Services',
    );
    // A word that merely contains an identifier is left alone.
    expect(nommerLignes('ALINE et AL-2 et AL', NOMS)).toBe('ALINE et AL-2 et Action Logement Services');
  });

  it('sur des années simulées : chaque motif automatique est en français, avec des noms, sans échéance négative', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('T1', 'T2', 'T3', 'T4'), { minLength: 5, maxLength: 40 }), (typos) => {
        const scenario: Scenario = {
          version: 1,
          annee: 2026,
          departement: '45',
          bailleur: { id: 'HLD', nom: 'Habitat Loiret' },
          logements: typos.map((t, i) => ({
            id: `L${i}`,
            commune: i % 2 ? '45234' : '45147',
            qpv: i % 3 ? null : 'QN04501M',
            typologie: t as 'T1',
            financement: 'PLUS',
            construction: 1990,
            horsFlux: null,
          })),
          reservataires: [
            { id: 'ETAT-45', type: 'etat', nom: 'Préfecture du Loiret — DDETS' },
            { id: 'AL', type: 'action_logement', nom: 'Action Logement Services' },
          ],
          conventions: [
            {
              id: 'c1',
              reservataire: 'ETAT-45',
              taux: 0.3,
              perimetre: { departement: '45' },
              decompte: 'mise_a_disposition',
              echecDecompte: false,
              delaiPropositionJours: 30,
              candidatsDemandes: 3,
              gestion: 'directe',
              report: 0,
            },
            {
              id: 'c2',
              reservataire: 'AL',
              taux: 0.25,
              perimetre: { departement: '45' },
              decompte: 'mise_a_disposition',
              echecDecompte: false,
              delaiPropositionJours: 30,
              candidatsDemandes: 3,
              gestion: 'directe',
              report: 0,
            },
          ],
          evenements: typos.map((_, i) => ({
            type: 'liberation' as const,
            logement: `L${i}`,
            date: `2026-${String(1 + Math.floor((i * 12) / typos.length)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
          })),
        } as unknown as Scenario;
        const r = simuler(scenario);
        const noms = nomsDesLignes(scenario);
        expect(r.orientations.filter((o) => o.reservataire !== null).length).toBe(typos.length);
        for (const o of r.orientations as Orientation[]) {
          if (o.reservataire === null) continue;
          const m = motifOrientation(o, noms);
          expect(m).not.toMatch(/ETAT-45|\bAL\b|BAILLEUR|-\d/);
          expect(m).toMatch(/^Orienté vers /);
          for (const c of o.explication.candidats) expect(phraseEcheance(c.echeance)).not.toMatch(/-|\u2212/);
        }
      }),
      { numRuns: 30 },
    );
  });
});
