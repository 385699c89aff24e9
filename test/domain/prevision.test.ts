/**
 * The flow forecast (rules.md §3, CCH R.441-5 I; issue 5 item 2): the worked example of
 * regulation.md §3.2 to the unit, the window average, deliveries, demolitions and sales, the
 * exclusions by category, the PRU volume, the carry-over, and the invariants with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DonneesInvalides, type Probleme } from '../../src/domain/errors.ts';
import { MICRO } from '../../src/domain/exact.ts';
import {
  MOTIFS_EXCLUSION,
  prevoirFlux,
  type ConventionPrevision,
  type EntreePrevision,
  type FluxObserve,
  type Prevision,
} from '../../src/domain/prevision.ts';
import { BAILLEUR } from '../../src/domain/types.ts';

const DEPARTEMENT = { departement: '45' };

function cv(id: string, taux: number, overrides: Partial<ConventionPrevision> = {}): ConventionPrevision {
  return { id: `CV-${id}`, reservataire: id, taux, perimetre: DEPARTEMENT, report: 0, ...overrides };
}

/** regulation.md §3.2: 820 re-lettings + 120 first lettings = 940; 240 excluded → 700. */
const ANNEE_2025: FluxObserve = {
  annee: 2025,
  disponibles: 940,
  premieresMisesEnLocation: 120,
  exclus: { mutation_interne: 150, relogement_anru: 60, relogement_insalubrite: 6, relogement_vente: 4, defense: 20 },
};

/** State 30 % (agents 5 %), Action Logement 25 %, commune + EPCI guarantees 12 %, département 3 %. */
const CONVENTIONS_3_2: ConventionPrevision[] = [
  cv('ETAT', 0.3, { tauxAgents: 0.05 }),
  cv('AL', 0.25),
  cv('COLL', 0.12),
  cv('DEP', 0.03),
];

function entree(overrides: Partial<EntreePrevision> = {}): EntreePrevision {
  return {
    annee: 2026,
    perimetre: DEPARTEMENT,
    fenetre: 1,
    historique: [ANNEE_2025],
    livraisons: 120,
    conventions: CONVENTIONS_3_2,
    ...overrides,
  };
}

function problemes(e: EntreePrevision): Probleme[] {
  try {
    prevoirFlux(e);
  } catch (err) {
    expect(err).toBeInstanceOf(DonneesInvalides);
    return (err as DonneesInvalides).problemes;
  }
  return [];
}

const droit = (p: Prevision, id: string) =>
  id === BAILLEUR ? p.bailleur : p.droits.find((d) => d.reservataire === id)!;

describe('CCH R.441-5 I — flux prévisionnel, exemple de regulation.md §3.2', () => {
  const p = prevoirFlux(entree());

  it('rules.md §3 — 820 remises en location + 120 premières mises en location = 940 disponibles', () => {
    expect(p.remisesEnLocation.micro).toBe(820 * MICRO);
    expect(p.premieresMisesEnLocation.micro).toBe(120 * MICRO);
    expect(p.fluxBrut.valeur).toBe(940);
  });

  it('CCH R.441-5 I — 240 exclus par catégorie (mutations, ANRU, insalubrité, vente, défense) → flux net 700', () => {
    const parMotif = Object.fromEntries(p.exclusions.map((x) => [x.motif, x.valeur]));
    expect(parMotif).toEqual({
      mutation_interne: 150,
      relogement_anru: 60,
      relogement_orcod: 0,
      relogement_insalubrite: 6,
      relogement_vente: 4,
      defense: 20,
      securite_interieure: 0,
      eps: 0,
    });
    expect(p.exclusions.every((x) => x.source === 'moyenne')).toBe(true);
    expect(p.totalExclusions.valeur).toBe(240);
    expect(p.fluxNet.micro).toBe(700 * MICRO);
    expect(p.fluxNet.explication).toContain('= 700');
  });

  it('rules.md §3 — droits 210 (dont agents 35) / 175 / 84 / 21 et 210 pour le bailleur, exacts', () => {
    expect(droit(p, 'ETAT').droit.micro).toBe(210 * MICRO);
    expect(droit(p, 'ETAT').droitAgents!.micro).toBe(35 * MICRO);
    expect(droit(p, 'ETAT').droitAgents!.explication).toContain('publics prioritaires : 175');
    expect(droit(p, 'AL').droit.micro).toBe(175 * MICRO);
    expect(droit(p, 'COLL').droit.micro).toBe(84 * MICRO);
    expect(droit(p, 'DEP').droit.micro).toBe(21 * MICRO);
    expect(p.bailleur.droit.micro).toBe(210 * MICRO);
    expect(p.bailleur.tauxMicro).toBe(300_000);
    expect(droit(p, 'AL').droit.explication).toBe('25 % × 700 = 175 ; + report 0 = 175');
  });

  it('rules.md §3 — chaque chiffre porte une explication en français', () => {
    const quantites = [
      p.remisesEnLocation,
      p.premieresMisesEnLocation,
      p.fluxBrut,
      ...p.exclusions,
      p.totalExclusions,
      p.volumePru,
      p.fluxNet,
    ];
    for (const d of [...p.droits, p.bailleur]) quantites.push(d.droitFlux, d.report, d.droit);
    for (const q of quantites) expect(q.explication.length).toBeGreaterThan(5);
    expect(p.avertissements).toEqual([]);
  });
});

describe('rules.md §3 — fenêtre de 1 à 3 ans', () => {
  const historique: FluxObserve[] = [
    { annee: 2023, disponibles: 900, premieresMisesEnLocation: 100, exclus: { mutation_interne: 140 } },
    {
      annee: 2024,
      disponibles: 880,
      premieresMisesEnLocation: 60,
      exclus: { mutation_interne: 160, relogement_orcod: 1 },
    },
    ANNEE_2025,
  ];

  it('rules.md §3 — la moyenne porte sur les années annee − fenetre … annee − 1', () => {
    const p = prevoirFlux(entree({ fenetre: 3, historique }));
    expect(p.anneesRetenues).toEqual([2023, 2024, 2025]);
    // (800 + 820 + 820) ÷ 3 re-lettings; mutations (140 + 160 + 150) ÷ 3 = 150.
    expect(p.remisesEnLocation.micro).toBe(813_333_333);
    expect(p.remisesEnLocation.explication).toContain('(800 + 820 + 820) ÷ 3');
    expect(p.exclusions.find((x) => x.motif === 'mutation_interne')!.micro).toBe(150 * MICRO);
    // ORCOD: 1 in three years → 0.333333 (one rounding to the millionth).
    expect(p.exclusions.find((x) => x.motif === 'relogement_orcod')!.micro).toBe(333_333);
  });

  it('rules.md §3 — une fenêtre de 2 ans ignore l’année 2023', () => {
    const p = prevoirFlux(entree({ fenetre: 2, historique }));
    expect(p.anneesRetenues).toEqual([2024, 2025]);
    expect(p.remisesEnLocation.micro).toBe(820 * MICRO);
  });

  it('rules.md §3 — les premières mises en location passées ne sont pas reconduites : seules les livraisons de l’année comptent', () => {
    const p = prevoirFlux(entree({ livraisons: 0 }));
    expect(p.fluxBrut.valeur).toBe(820);
    expect(p.premieresMisesEnLocation.explication).toContain('ne sont pas reconduites');
  });

  it.each([0, 4, 1.5])('rules.md §3 — fenêtre %s refusée (1 à 3 ans)', (fenetre) => {
    expect(problemes(entree({ fenetre }))).toContainEqual(expect.objectContaining({ chemin: 'fenetre' }));
  });

  it('rules.md §3 — une année manquante de la fenêtre est refusée', () => {
    const pbs = problemes(entree({ fenetre: 3, historique: [historique[0]!, ANNEE_2025] }));
    expect(pbs).toEqual([{ chemin: 'historique', message: expect.stringContaining('l’année 2024 manque') }]);
  });

  it('rules.md §3 — une année en double est refusée', () => {
    expect(problemes(entree({ historique: [ANNEE_2025, ANNEE_2025] }))).toContainEqual(
      expect.objectContaining({ chemin: 'historique[1].annee' }),
    );
  });
});

describe('rules.md §3 — livraisons, démolitions et ventes prévues', () => {
  it('rules.md §3 — démolitions et ventes réduisent les remises en location au prorata du parc : 820 × (10 000 − 20 − 30) ÷ 10 000 = 815,9', () => {
    const p = prevoirFlux(entree({ parc: 10_000, demolitions: 20, ventes: 30 }));
    expect(p.remisesEnLocation.micro).toBe(815_900_000);
    expect(p.remisesEnLocation.explication).toContain('815,9');
    expect(p.fluxBrut.micro).toBe(935_900_000);
    expect(p.fluxNet.micro).toBe(695_900_000);
  });

  it('rules.md §3 — les livraisons s’ajoutent au flux brut', () => {
    expect(prevoirFlux(entree({ livraisons: 200 })).fluxNet.valeur).toBe(780);
  });

  it('rules.md §3 — démolitions sans parc, ou au-delà du parc, refusées', () => {
    expect(problemes(entree({ demolitions: 5 }))).toContainEqual(expect.objectContaining({ chemin: 'parc' }));
    expect(problemes(entree({ parc: 10, ventes: 11 }))).toContainEqual(expect.objectContaining({ chemin: 'parc' }));
  });

  it('rules.md §3 — comptes négatifs ou fractionnaires refusés, avec leur chemin', () => {
    const pbs = problemes(
      entree({
        livraisons: -1,
        historique: [
          { annee: 2025, disponibles: 10.5, premieresMisesEnLocation: -2, exclus: { mutation_interne: -1 } },
        ],
      }),
    ).map((x) => x.chemin);
    expect(pbs).toEqual(
      expect.arrayContaining([
        'livraisons',
        'historique[0].disponibles',
        'historique[0].premieresMisesEnLocation',
        'historique[0].exclus.mutation_interne',
      ]),
    );
  });
});

describe('CCH R.441-5 I — exclusions prévues par catégorie et volume PRU', () => {
  it('CCH R.441-5 I — une exclusion saisie remplace la moyenne de sa catégorie', () => {
    const p = prevoirFlux(entree({ exclusionsPrevues: { mutation_interne: 100, relogement_orcod: 12 } }));
    const m = p.exclusions.find((x) => x.motif === 'mutation_interne')!;
    expect(m).toMatchObject({ source: 'saisie', valeur: 100 });
    expect(p.exclusions.find((x) => x.motif === 'relogement_anru')).toMatchObject({ source: 'moyenne', valeur: 60 });
    expect(p.fluxNet.valeur).toBe(940 - (100 + 60 + 12 + 6 + 4 + 20));
  });

  it('CCH R.441-5 I — une catégorie inconnue est refusée', () => {
    const e = entree({ exclusionsPrevues: { demenagement: 3 } as unknown as EntreePrevision['exclusionsPrevues'] });
    expect(problemes(e)).toContainEqual(expect.objectContaining({ chemin: 'exclusionsPrevues.demenagement' }));
  });

  it('issue 5 item 4 — le volume PRU/ANRU sort du flux : 700 − 30 = 670, avec un avertissement s’il s’ajoute à des relogements ANRU', () => {
    const p = prevoirFlux(entree({ volumePru: 30 }));
    expect(p.fluxNet.valeur).toBe(670);
    expect(p.avertissements.join()).toContain('volume PRU');
    const sansDoublon = prevoirFlux(entree({ volumePru: 30, exclusionsPrevues: { relogement_anru: 0 } }));
    expect(sansDoublon.fluxNet.valeur).toBe(730);
    expect(sansDoublon.avertissements).toEqual([]);
  });

  it('CCH R.441-5 I — des exclusions au-delà du flux brut sont refusées (le flux net ne peut être négatif)', () => {
    expect(problemes(entree({ exclusionsPrevues: { mutation_interne: 900 } }))).toContainEqual(
      expect.objectContaining({
        chemin: 'exclusionsPrevues',
        message: expect.stringContaining('dépassent le flux brut'),
      }),
    );
  });
});

describe('rules.md §3 — droits prévisionnels et report', () => {
  it('ADR 0005 — le report de l’an dernier s’ajoute au droit ; le bailleur le fournit sur sa part', () => {
    const p = prevoirFlux(entree({ conventions: [cv('ETAT', 0.3), cv('AL', 0.25, { report: 2.5 })] }));
    expect(droit(p, 'AL').droit.micro).toBe(177_500_000);
    expect(droit(p, 'AL').droit.arrondi).toBe(178);
    expect(p.bailleur.droit.micro).toBe(315 * MICRO - 2_500_000);
    const total = [...p.droits, p.bailleur].reduce((s, d) => s + d.droit.micro, 0);
    expect(total).toBe(p.fluxNet.micro);
  });

  it('CCH R.441-5-3 — prévision d’une commune : 12 % d’un flux communal de 90 = 10,8 (affiché 11), les conventions départementales s’y appliquent', () => {
    const p = prevoirFlux(
      entree({
        perimetre: { communes: ['45234'] },
        historique: [{ annee: 2025, disponibles: 100, premieresMisesEnLocation: 0, exclus: { mutation_interne: 10 } }],
        livraisons: 0,
        conventions: [
          cv('ETAT', 0.3),
          cv('C', 0.12, { perimetre: { communes: ['45234'] } }),
          cv('AUTRE', 0.1, { perimetre: { communes: ['45147'] } }),
        ],
      }),
    );
    expect(p.fluxNet.valeur).toBe(90);
    expect(droit(p, 'C').droit).toMatchObject({ micro: 10_800_000, valeur: 10.8, arrondi: 11 });
    expect(droit(p, 'ETAT').droit.micro).toBe(27 * MICRO);
    expect(droit(p, 'AUTRE').applicable).toBe(false);
    expect(p.avertissements.join()).toContain('CV-AUTRE');
    expect(p.bailleur.tauxMicro).toBe(580_000);
  });

  it('CCH R.441-5 I — Σ taux au-delà de 100 % refusée', () => {
    expect(problemes(entree({ conventions: [cv('ETAT', 0.3), cv('AL', 0.75)] }))).toContainEqual(
      expect.objectContaining({ chemin: 'conventions' }),
    );
  });
});

// ───────────────────────────── properties ─────────────────────────────

const anneeArb = (annee: number) =>
  fc
    .record({
      remises: fc.integer({ min: 0, max: 3000 }),
      premieres: fc.integer({ min: 0, max: 300 }),
      exclus: fc.array(fc.integer({ min: 0, max: 60 }), {
        minLength: MOTIFS_EXCLUSION.length,
        maxLength: MOTIFS_EXCLUSION.length,
      }),
    })
    .map(({ remises, premieres, exclus }): FluxObserve => {
      // Exclusions never exceed what was available.
      const disponibles = remises + premieres + exclus.reduce((s, x) => s + x, 0);
      return {
        annee,
        disponibles,
        premieresMisesEnLocation: premieres,
        exclus: Object.fromEntries(MOTIFS_EXCLUSION.map((m, i) => [m, exclus[i]!])),
      };
    });

const entreeArb = fc
  .record({
    fenetre: fc.integer({ min: 1, max: 3 }),
    historique: fc.tuple(anneeArb(2023), anneeArb(2024), anneeArb(2025)),
    livraisons: fc.integer({ min: 0, max: 200 }),
    parc: fc.integer({ min: 1000, max: 20_000 }),
    demolitions: fc.integer({ min: 0, max: 100 }),
    ventes: fc.integer({ min: 0, max: 100 }),
    volumePru: fc.integer({ min: 0, max: 50 }),
    taux: fc.array(fc.integer({ min: 0, max: 250_000 }), { maxLength: 4 }),
    reports: fc.array(fc.integer({ min: -5_000_000, max: 5_000_000 }), { minLength: 4, maxLength: 4 }),
  })
  .map((t): EntreePrevision => ({
    annee: 2026,
    perimetre: DEPARTEMENT,
    fenetre: t.fenetre,
    historique: t.historique,
    livraisons: t.livraisons,
    parc: t.parc,
    demolitions: t.demolitions,
    ventes: t.ventes,
    volumePru: t.volumePru,
    exclusionsPrevues: { relogement_anru: 0 },
    conventions: t.taux.map((m, i) => cv(`R${i}`, m / MICRO, { report: t.reports[i]! / MICRO })),
  }));

/** Runs the forecast, or null when the draw makes exclusions exceed the gross flow (refused). */
function prevoirOuNull(e: EntreePrevision): Prevision | null {
  try {
    return prevoirFlux(e);
  } catch (err) {
    if (err instanceof DonneesInvalides && err.problemes.every((x) => x.message.includes('dépassent le flux brut')))
      return null;
    throw err;
  }
}

describe('propriétés du flux prévisionnel (fast-check)', () => {
  it('rules.md §3 — flux net = flux brut − exclusions − volume PRU ≥ 0, exactement', () => {
    fc.assert(
      fc.property(entreeArb, (e) => {
        const p = prevoirOuNull(e);
        fc.pre(p !== null);
        expect(p.totalExclusions.micro).toBe(p.exclusions.reduce((s, x) => s + x.micro, 0));
        expect(p.fluxNet.micro).toBe(p.fluxBrut.micro - p.totalExclusions.micro - p.volumePru.micro);
        expect(p.fluxNet.micro).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(p.fluxNet.micro)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rules.md §3 — moyenne de la fenêtre : à un millionième près, Σ des années retenues ÷ fenêtre', () => {
    fc.assert(
      fc.property(entreeArb, (e) => {
        const p = prevoirOuNull({ ...e, demolitions: 0, ventes: 0 });
        fc.pre(p !== null);
        const retenues = e.historique.filter((h) => h.annee >= 2026 - e.fenetre);
        expect(retenues.map((h) => h.annee)).toEqual(p.anneesRetenues);
        const remises = retenues.reduce((s, h) => s + h.disponibles - h.premieresMisesEnLocation, 0);
        expect(Math.abs(p.remisesEnLocation.micro * e.fenetre - remises * MICRO)).toBeLessThanOrEqual(e.fenetre / 2);
        for (const x of p.exclusions) {
          if (x.source !== 'moyenne') continue;
          const somme = retenues.reduce((s, h) => s + (h.exclus[x.motif] ?? 0), 0);
          expect(Math.abs(x.micro * e.fenetre - somme * MICRO)).toBeLessThanOrEqual(e.fenetre / 2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rules.md §3 — une histoire constante se prévoit à l’identique, quelle que soit la fenêtre', () => {
    fc.assert(
      fc.property(anneeArb(2025), fc.integer({ min: 1, max: 3 }), (annee, fenetre) => {
        const historique = [2023, 2024, 2025].map((a) => ({ ...annee, annee: a }));
        const p = prevoirFlux(
          entree({ fenetre, historique, livraisons: annee.premieresMisesEnLocation, conventions: [] }),
        );
        const exclus = MOTIFS_EXCLUSION.reduce((s, m) => s + (annee.exclus[m] ?? 0), 0);
        expect(p.fluxNet.micro).toBe((annee.disponibles - exclus) * MICRO);
      }),
    );
  });

  it('rules.md §3 — Σ des droits de toutes les lignes (bailleur compris) = flux net, exactement', () => {
    fc.assert(
      fc.property(entreeArb, (e) => {
        const p = prevoirOuNull(e);
        fc.pre(p !== null);
        expect([...p.droits, p.bailleur].reduce((s, d) => s + d.droit.micro, 0)).toBe(p.fluxNet.micro);
        expect([...p.droits, p.bailleur].reduce((s, d) => s + d.tauxMicro, 0)).toBe(MICRO);
      }),
      { numRuns: 300 },
    );
  });

  it('rules.md §3 — démolitions et ventes ne font jamais croître le flux', () => {
    fc.assert(
      fc.property(entreeArb, (e) => {
        const avec = prevoirOuNull(e);
        const sans = prevoirOuNull({ ...e, demolitions: 0, ventes: 0 });
        if (!avec || !sans) return;
        expect(avec.fluxBrut.micro).toBeLessThanOrEqual(sans.fluxBrut.micro);
      }),
      { numRuns: 200 },
    );
  });
});
