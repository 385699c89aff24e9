/**
 * The scenario's second edition, rule by rule (docs/scenario-format.md « Deuxième édition »; CCH
 * L.441-1 objectives, R.441-5 I lettings outside the flow, R.441-5 bilan of rehousing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simuler } from '../../src/domain/engine.ts';
import type { MenageSaisi, Scenario } from '../../src/domain/types.ts';
import {
  candidats,
  convention,
  evenementsDeLocation,
  jour,
  liberation,
  LOCATION_ALEATOIRE,
  locationComplete,
  logement,
  orientationForcee,
  refus,
  unScenario,
} from '../helpers/scenario.ts';

const ORLEANS = '244500468';
const MONTARGIS = '244500203';
const QPV = 'QN04512M';

/** A lease after candidates and a positive CAL decision, on day k+2. */
const louer = (k: number, id: string, menage?: MenageSaisi, reservataire?: string) =>
  locationComplete(k, id, { ...(menage ? { menage } : {}), ...(reservataire ? { reservataire } : {}) });

describe('CCH R.441-5 I — les locations hors flux vivent toute leur vie', () => {
  it('une mutation interne passe en CAL jusqu’au bail, compte dans les objectifs et sur aucune ligne', () => {
    const s = unScenario({
      logements: [logement('M1', { epci: ORLEANS }), logement('F1', { epci: ORLEANS })],
      conventions: [convention('CV-AL', 'AL', 0.25)],
      seuilsPremierQuartile: { [ORLEANS]: 10_000 },
      evenements: [
        liberation(jour(0), 'M1', { exclusion: 'mutation_interne' }),
        liberation(jour(0), 'F1'),
        orientationForcee(jour(0), 'F1', 'AL'),
        ...louer(10, 'M1', { ressourcesAnnuelles: 9_000, personnes: 1 }),
        ...louer(20, 'F1', { ressourcesAnnuelles: 30_000, personnes: 1 }),
      ],
    });
    const r = simuler(s);
    expect(r.flux.fluxAnnuel).toBe(1);
    expect(r.bilan.reduce((n, l) => n + l.bauxSignes, 0)).toBe(1);
    expect(r.relogements.mutation_interne).toEqual({ liberes: 1, bauxSignes: 1, enCours: 0 });
    // Both leases in the EPCI's objective: M1 (9 000 € per UC < 10 000) serves it, F1 does not.
    expect(r.objectifs.parEpci[ORLEANS]!.quartile1HorsQpv).toEqual({
      realise: 0.5,
      cible: 0.25,
      numerateur: 1,
      denominateur: 2,
      inconnus: 0,
    });
  });

  it('CCH R.441-5 — bilan des relogements par catégorie : libérés, baux signés, en cours', () => {
    const s = unScenario({
      logements: [logement('A1'), logement('A2'), logement('O1'), logement('V1')],
      evenements: [
        liberation(jour(0), 'A1', { exclusion: 'relogement_anru' }),
        liberation(jour(0), 'A2', { exclusion: 'relogement_anru' }),
        liberation(jour(0), 'O1', { exclusion: 'relogement_orcod' }),
        liberation(jour(0), 'V1', { exclusion: 'relogement_vente' }),
        ...louer(5, 'A1', { relogement: 'anru' }),
        candidats(jour(5), 'A2'),
        candidats(jour(5), 'V1'),
        refus(jour(9), 'V1'),
      ],
    });
    expect(simuler(s).relogements).toEqual({
      mutation_interne: { liberes: 0, bauxSignes: 0, enCours: 0 },
      relogement_anru: { liberes: 2, bauxSignes: 1, enCours: 1 },
      relogement_orcod: { liberes: 1, bauxSignes: 0, enCours: 1 },
      relogement_insalubrite: { liberes: 0, bauxSignes: 0, enCours: 0 },
      relogement_vente: { liberes: 1, bauxSignes: 0, enCours: 0 },
    });
  });
});

describe('CCH L.441-1 — objectifs par EPCI sur tous les baux de l’année', () => {
  // Outside QPV in Orléans: H1 Q1 computed, H2 not Q1, H3 ORCOD-rehoused, H4 quartile declared.
  // In QPV in Orléans: Q1 not Q1 (computed), Q2 Q1. In Montargis (no threshold): K1 unknown.
  const s: Scenario = unScenario({
    logements: [
      logement('H1', { epci: ORLEANS }),
      logement('H2', { epci: ORLEANS }),
      logement('H3', { epci: ORLEANS }),
      logement('H4', { epci: ORLEANS }),
      logement('Q1', { epci: ORLEANS, qpv: QPV }),
      logement('Q2', { epci: ORLEANS, qpv: QPV }),
      logement('K1', { epci: MONTARGIS, commune: '45208' }),
    ],
    conventions: [convention('CV-AL', 'AL', 0.25)],
    seuilsPremierQuartile: { [ORLEANS]: 10_000 },
    objectifsEpci: { [ORLEANS]: { quartile1HorsQpv: 0.3 } },
    evenements: [
      ...['H1', 'H2', 'Q1', 'Q2', 'K1'].map((id) => liberation(jour(0), id)),
      liberation(jour(0), 'H3', { exclusion: 'relogement_orcod' }),
      liberation(jour(0), 'H4', { exclusion: 'mutation_interne' }),
      ...louer(10, 'H1', { ressourcesAnnuelles: 14_200, personnes: 3, enfantsMoins14: 1 }),
      ...louer(13, 'H2', { ressourcesAnnuelles: 40_000, personnes: 2 }),
      ...louer(16, 'H3', { ressourcesAnnuelles: 60_000, personnes: 1, relogement: 'orcod' }),
      ...louer(19, 'H4', { quartile1: true }),
      ...louer(22, 'Q1', { ressourcesAnnuelles: 25_000, personnes: 2 }),
      ...louer(25, 'Q2', { ressourcesAnnuelles: 8_000, personnes: 1 }),
      ...louer(28, 'K1', { ressourcesAnnuelles: 8_000, personnes: 1 }),
    ],
  });
  const r = simuler(s);

  it('hors QPV : 1er quartile (calculé ou déclaré) ou relogé ANRU/ORCOD, cible de la CIA', () => {
    expect(r.objectifs.parEpci[ORLEANS]!.quartile1HorsQpv).toEqual({
      realise: 0.75,
      cible: 0.3,
      numerateur: 3,
      denominateur: 4,
      inconnus: 0,
    });
  });

  it('en QPV : ménages connus hors 1er quartile, cible légale faute de CIA', () => {
    expect(r.objectifs.parEpci[ORLEANS]!.nonQuartile1EnQpv).toEqual({
      realise: 0.5,
      cible: 0.5,
      numerateur: 1,
      denominateur: 2,
      inconnus: 0,
    });
  });

  it('sans seuil pour l’EPCI ni quartile déclaré : quartile inconnu, compté à part', () => {
    expect(r.objectifs.parEpci[MONTARGIS]!.quartile1HorsQpv).toEqual({
      realise: 0,
      cible: 0.25,
      numerateur: 0,
      denominateur: 1,
      inconnus: 1,
    });
  });

  it('les quartiles déclarés sont comptés à part', () => {
    expect(r.objectifs.quartile1Declares).toBe(1);
  });
});

describe('CCH L.441-1 — la ligne de l’État : tous ses baux hors agents aux publics prioritaires', () => {
  it('cible 100 %, baux aux agents de l’État hors du dénominateur', () => {
    const s = unScenario({
      logements: [logement('E1'), logement('E2'), logement('E3')],
      conventions: [convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 })],
      evenements: [
        ...['E1', 'E2', 'E3'].flatMap((id) => [liberation(jour(0), id), orientationForcee(jour(0), id, 'ETAT')]),
        ...louer(10, 'E1', { categories: ['dalo'] }),
        ...louer(13, 'E2', { agentEtat: true }),
        ...louer(16, 'E3', { personnes: 2 }),
      ],
    });
    expect(simuler(s).objectifs.prioritaires['ETAT']).toEqual({
      realise: 0.5,
      cible: 1,
      numerateur: 1,
      denominateur: 2,
    });
  });
});

describe('propriété — les objectifs comptent chaque bail de l’année, dans le flux ou hors flux', () => {
  it('Σ des baux des objectifs (hors QPV + en QPV) = tous les baux signés ; par EPCI aussi', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ...LOCATION_ALEATOIRE,
            epci: fc.constantFrom(ORLEANS, MONTARGIS),
            ressources: fc.option(fc.integer({ min: 0, max: 40_000 })),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (us) => {
          const s = unScenario({
            logements: us.map((u, i) =>
              logement(`U${i}`, { commune: u.commune, qpv: u.qpv ? QPV : null, epci: u.epci }),
            ),
            conventions: [convention('CV-AL', 'AL', 0.25), convention('CV-ETAT', 'ETAT', 0.3)],
            seuilsPremierQuartile: { [ORLEANS]: 10_000 },
            evenements: us.flatMap((u, i) =>
              evenementsDeLocation(`U${i}`, u, { liberation: jour(i % 100), suite: jour(200 + (i % 100)) }).map((e) =>
                e.type === 'bail_signe' && u.ressources !== null
                  ? { ...e, menage: { ressourcesAnnuelles: u.ressources, personnes: 1 } }
                  : e,
              ),
            ),
          });
          const r = simuler(s);
          const baux = s.evenements.filter((e) => e.type === 'bail_signe').length;
          const o = r.objectifs;
          expect(o.quartile1HorsQpv.denominateur + o.nonQuartile1EnQpv.denominateur).toBe(baux);
          const parEpci = Object.values(o.parEpci).reduce(
            (n, e) => n + e.quartile1HorsQpv.denominateur + e.nonQuartile1EnQpv.denominateur,
            0,
          );
          expect(parEpci).toBe(baux);
          const horsFlux = Object.values(r.relogements).reduce((n, b) => n + b.bauxSignes, 0);
          expect(r.bilan.reduce((n, l) => n + l.bauxSignes, 0) + horsFlux).toBe(baux);
        },
      ),
      { numRuns: 200 },
    );
  });
});
