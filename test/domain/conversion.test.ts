/**
 * Stock→flow conversion (rules.md §4, regulation.md §2.7 and §3.3; issue 5 item 3): the worked
 * example to the unit (5.0 % by programme, 5.36 % bailleur-wide), the fallback of a segment without
 * history, one-shot rights, draft conventions checked against the legal caps, and the conversion
 * properties with fast-check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  METHODES_CONVERSION,
  convertirStock,
  libelleSegment,
  projeterConventions,
  type CleSegment,
  type EntreeConversion,
  type LogementsReserves,
  type ObservationRotation,
} from '../../src/domain/conversion.ts';
import { DonneesInvalides, type Probleme } from '../../src/domain/errors.ts';
import { MICRO } from '../../src/domain/exact.ts';
import { mulDivArrondi } from '../../src/domain/prevision.ts';
import { FINANCEMENTS, TYPOLOGIES } from '../../src/domain/types.ts';

const P1: CleSegment = { programme: 'P1', commune: '45234', typologie: 'T3', financement: 'PLUS', qpv: false };
const P2: CleSegment = { programme: 'P2', commune: '45147', typologie: 'T2', financement: 'PLAI', qpv: true };
const P3: CleSegment = { programme: 'P3', commune: '45284', typologie: 'T4', financement: 'PLUS', qpv: false };

function obs(cle: CleSegment, annee: number, logements: number, departs: number): ObservationRotation {
  return { ...cle, annee, logements, departs };
}

function reserve(reservataire: string, cle: CleSegment, nombre: number): LogementsReserves {
  return { ...cle, reservataire, nombre };
}

/**
 * regulation.md §3.3: P1 turns over 9 % (90 of 1,000), P2 4 % (20 of 500); with P3 (190 of
 * 2,500) the bailleur-wide turnover is 300 ÷ 4,000 = 7.5 %. R holds 300 units in P1, 200 in P2.
 */
function exemple(overrides: Partial<EntreeConversion> = {}): EntreeConversion {
  return {
    annee: 2026,
    fenetre: 1,
    reservataires: [
      { id: 'R', type: 'action_logement' },
      { id: 'VIDE', type: 'employeur' },
    ],
    reservations: [reserve('R', P1, 300), reserve('R', P2, 200)],
    observations: [obs(P1, 2025, 1000, 90), obs(P2, 2025, 500, 20), obs(P3, 2025, 2500, 190)],
    fluxPrevisionnel: 700,
    ...overrides,
  };
}

function problemes(e: EntreeConversion): Probleme[] {
  try {
    convertirStock(e);
  } catch (err) {
    expect(err).toBeInstanceOf(DonneesInvalides);
    return (err as DonneesInvalides).problemes;
  }
  return [];
}

describe('rules.md §4 — exemple : 300 logements à 9 % + 200 à 4 %, flux 700', () => {
  const r = convertirStock(exemple());
  const R = (m: (typeof METHODES_CONVERSION)[number]) =>
    r.methodes[m].reservataires.find((x) => x.reservataire === 'R')!;

  it('rules.md §4 — rotation par programme : 27 + 8 = 35 disponibilités par an → taux 5,0 %', () => {
    const c = R('programme');
    expect(c.logements).toBe(500);
    expect(c.lignes.map((l) => [l.cle, l.rotation.rotationMicro, l.disponibilites.micro])).toEqual([
      ['P1', 90_000, 27 * MICRO],
      ['P2', 40_000, 8 * MICRO],
    ]);
    expect(c.disponibilites.micro).toBe(35 * MICRO);
    expect(c.tauxMicro).toBe(50_000);
    expect(c.pourcentage).toBe('5,00 %');
    expect(c.explication).toContain('300 × 9 % + 200 × 4 % = 35 disponibilités par an');
    expect(c.explication).toContain('= 5 %');
  });

  it('rules.md §4 — rotation du bailleur 7,5 % : 500 × 7,5 % = 37,5 → 5,36 %', () => {
    expect(r.rotations.bailleur.rotationMicro).toBe(75_000);
    const c = R('bailleur');
    expect(c.disponibilites.micro).toBe(37_500_000);
    expect(c.tauxMicro).toBe(53_571); // 37.5 ÷ 700 = 0.0535714… → 6 decimals
    expect(c.pourcentage).toBe('5,36 %');
  });

  it('rules.md §4 — les méthodes côte à côte (programme, segment, bailleur)', () => {
    expect(r.comparaison.find((x) => x.reservataire === 'R')).toEqual({
      reservataire: 'R',
      logements: 500,
      taux: {
        programme: { tauxMicro: 50_000, taux: 0.05, pourcentage: '5,00 %' },
        segment: { tauxMicro: 50_000, taux: 0.05, pourcentage: '5,00 %' },
        bailleur: { tauxMicro: 53_571, taux: 0.053571, pourcentage: '5,36 %' },
      },
    });
  });

  it('issue 5 item 6 — un réservataire sans logement réservé obtient 0, dans chaque méthode', () => {
    for (const m of METHODES_CONVERSION) {
      const c = r.methodes[m].reservataires.find((x) => x.reservataire === 'VIDE')!;
      expect(c).toMatchObject({ logements: 0, tauxMicro: 0, lignes: [] });
      expect(c.disponibilites.micro).toBe(0);
    }
  });

  it('rules.md §4 — la rotation retenue porte sur la fenêtre : Σ départs ÷ Σ logements-années', () => {
    const e = exemple({
      fenetre: 2,
      observations: [
        obs(P1, 2024, 1000, 70),
        obs(P1, 2025, 1000, 110),
        obs(P2, 2024, 500, 20),
        obs(P2, 2025, 500, 20),
        obs(P3, 2023, 2500, 999), // outside the window
        obs(P3, 2024, 2500, 190),
        obs(P3, 2025, 2500, 190),
      ],
    });
    const c = convertirStock(e);
    expect(c.anneesRetenues).toEqual([2024, 2025]);
    expect(c.rotations.programme.find((x) => x.cle === 'P1')!).toMatchObject({
      departs: 180,
      logementsAnnees: 2000,
      rotationMicro: 90_000,
    });
    expect(c.methodes.programme.reservataires[0]!.tauxMicro).toBe(50_000);
  });
});

describe('rules.md §4 — rotation par segment et repli', () => {
  const P1BIS: CleSegment = { ...P1, programme: 'P1B' }; // same segment as P1, another programme
  const NEUF: CleSegment = { programme: 'P9', commune: '45234', typologie: 'T5', financement: 'PLS', qpv: false };
  const AILLEURS: CleSegment = { programme: 'P8', commune: '45999', typologie: 'T1', financement: 'PLAI', qpv: false };

  it('rules.md §4 — le segment commune × typologie × financement × QPV regroupe les programmes', () => {
    const r = convertirStock(exemple({ observations: [...exemple().observations, obs(P1BIS, 2025, 1000, 50)] }));
    const seg = r.rotations.segment.find((s) => s.cle === libelleSegment(P1))!;
    expect(seg).toMatchObject({ departs: 140, logementsAnnees: 2000, rotationMicro: 70_000 });
    expect(r.methodes.segment.reservataires[0]!.disponibilites.micro).toBe(300 * 70_000 + 200 * 40_000);
    expect(r.methodes.programme.reservataires[0]!.disponibilites.micro).toBe(35 * MICRO);
  });

  it('rules.md §4 — un programme sans historique prend le taux de sa commune, dit dans l’explication', () => {
    const r = convertirStock(exemple({ reservations: [reserve('R', NEUF, 100)] }));
    for (const m of ['programme', 'segment'] as const) {
      const l = r.methodes[m].reservataires[0]!.lignes[0]!;
      expect(l.repli).toBe(true);
      expect(l.rotation).toMatchObject({ niveau: 'commune', cle: '45234', rotationMicro: 90_000 });
      expect(l.disponibilites.explication).toContain('sans historique suffisant');
      expect(l.disponibilites.explication).toContain('taux de la commune 45234');
    }
  });

  it('rules.md §4 — une commune sans historique non plus : taux du bailleur', () => {
    const r = convertirStock(exemple({ reservations: [reserve('R', AILLEURS, 100)] }));
    const l = r.methodes.segment.reservataires[0]!.lignes[0]!;
    expect(l.rotation).toMatchObject({ niveau: 'bailleur', rotationMicro: 75_000 });
    expect(l.disponibilites.explication).toContain('taux du bailleur');
    expect(r.methodes.segment.reservataires[0]!.disponibilites.micro).toBe(7_500_000);
  });

  it('rules.md §4 — effectif minimal : un segment trop petit se replie', () => {
    const r = convertirStock(exemple({ effectifMinimal: 600 }));
    const p2 = r.methodes.programme.reservataires[0]!.lignes.find((l) => l.cle === 'P2')!;
    expect(p2.repli).toBe(true);
    expect(p2.rotation.niveau).toBe('bailleur'); // commune 45147 has only P2's 500 unit-years too
    expect(p2.disponibilites.explication).toContain('500 logements-années, minimum 600');
  });

  it('rules.md §4 — rotation du bailleur saisie', () => {
    const r = convertirStock(exemple({ rotationBailleur: 0.066 }));
    expect(r.rotations.bailleur.explication).toContain('saisi');
    expect(r.methodes.bailleur.reservataires[0]!.disponibilites.micro).toBe(33 * MICRO);
  });
});

describe('rules.md §4 — droits uniques', () => {
  it('rules.md §4 — ponctuels : un compteur de 6 la première année, hors taux', () => {
    const r = convertirStock(exemple({ droitsUniques: [{ reservataire: 'R', nombre: 6 }] }));
    expect(r.droitsUniques).toEqual([expect.objectContaining({ reservataire: 'R', mode: 'ponctuel', tauxMicro: 0 })]);
    expect(r.droitsUniques[0]!.ponctuel.micro).toBe(6 * MICRO);
    const projet = projeterConventions(r, 'programme').projets.find((p) => p.reservataire === 'R')!;
    expect(projet).toMatchObject({ tauxMicro: 50_000, reportInitial: 6 });
  });

  it('regulation.md §3.3 — étalés sur 3 ans : 6 ÷ 3 = 2 par an → + 0,29 % pendant 3 ans', () => {
    const r = convertirStock(
      exemple({ droitsUniques: [{ reservataire: 'R', nombre: 6 }], modeDroitsUniques: { mode: 'etale', annees: 3 } }),
    );
    const d = r.droitsUniques[0]!;
    expect(d.parAn.micro).toBe(2 * MICRO);
    expect(d.tauxMicro).toBe(2_857); // 2 ÷ 700
    expect(d.explication).toContain('pendant 3 ans');
    const projet = projeterConventions(r, 'programme').projets.find((p) => p.reservataire === 'R')!;
    expect(projet).toMatchObject({ tauxMicro: 52_857, reportInitial: 0, pourcentage: '5,29 %' });
    // The stock conversion itself is unchanged.
    expect(r.methodes.programme.reservataires[0]!.tauxMicro).toBe(50_000);
  });
});

describe('projets de conventions — plafonds légaux en avertissement, jamais écrêtés', () => {
  const beaucoup = (id: string, type: 'etat' | 'commune' | 'departement' | 'action_logement', n: number) => ({
    reservataire: { id, type },
    reservation: reserve(id, P1, n),
  });

  it('CCH R.441-5-2 I — un taux de l’État converti au-delà de 30 % est signalé, pas écrêté', () => {
    const e = beaucoup('ETAT', 'etat', 3000); // 3000 × 9 % = 270 ÷ 700 = 38.57 %
    const r = convertirStock(exemple({ reservataires: [e.reservataire], reservations: [e.reservation] }));
    const projet = projeterConventions(r, 'programme');
    expect(projet.projets[0]!.tauxMicro).toBe(385_714);
    expect(projet.avertissements).toContainEqual({
      chemin: 'projets[0].taux',
      message: expect.stringContaining('CCH R.441-5-2 I'),
    });
  });

  it('CCH R.441-5 I — Σ taux au-delà de 100 % signalée ; part du bailleur négative montrée', () => {
    const a = beaucoup('AL', 'action_logement', 5000);
    const b = beaucoup('ETAT', 'etat', 3000);
    const r = convertirStock(
      exemple({ reservataires: [a.reservataire, b.reservataire], reservations: [a.reservation, b.reservation] }),
    );
    const projet = projeterConventions(r, 'programme');
    expect(projet.avertissements).toContainEqual({
      chemin: 'projets',
      message: expect.stringContaining('ne peut dépasser 100 %'),
    });
    expect(projet.tauxBailleurMicro).toBeLessThan(0);
  });

  it('CCH R.441-5 — droits des collectivités au-delà de 20 % signalés', () => {
    const d = beaucoup('DEP', 'departement', 2000); // 180 ÷ 700 = 25.7 %
    const r = convertirStock(exemple({ reservataires: [d.reservataire], reservations: [d.reservation] }));
    expect(projeterConventions(r, 'programme').avertissements).toContainEqual({
      chemin: 'projets',
      message: expect.stringContaining('garanties d’emprunt'),
    });
  });

  it('CCH R.441-5-3 — une commune convertie sur le flux du département est signalée ; sur son propre flux, non', () => {
    const c = beaucoup('C', 'commune', 100);
    const base = exemple({ reservataires: [c.reservataire], reservations: [c.reservation] });
    expect(projeterConventions(convertirStock(base), 'programme').avertissements).toContainEqual({
      chemin: 'projets[0].taux',
      message: expect.stringContaining('CCH R.441-5-3'),
    });
    const propre = convertirStock({ ...base, fluxParReservataire: { C: 90 } });
    expect(propre.methodes.programme.reservataires[0]!.tauxMicro).toBe(100_000); // 9 ÷ 90
    expect(projeterConventions(propre, 'programme').avertissements).toEqual([]);
  });

  it('rules.md §2 — les taux d’un projet conforme sont repris tels quels, et la part du bailleur est le reste', () => {
    const projet = projeterConventions(convertirStock(exemple()), 'bailleur');
    expect(projet.avertissements).toEqual([]);
    expect(projet.projets.map((p) => p.tauxMicro)).toEqual([53_571, 0]);
    expect(projet.tauxBailleurMicro).toBe(MICRO - 53_571);
  });
});

describe('rules.md §4 — validation des entrées', () => {
  it.each([0, 4])('rules.md §4 — fenêtre %s refusée (1 à 3 ans)', (fenetre) => {
    expect(problemes(exemple({ fenetre }))).toContainEqual(expect.objectContaining({ chemin: 'fenetre' }));
  });

  it('rules.md §4 — réservataire inconnu, nombre négatif, typologie inconnue, flux nul', () => {
    const pbs = problemes(
      exemple({
        reservations: [reserve('X', P1, 3), { ...reserve('R', P1, -1), typologie: 'T9' as 'T1' }],
        fluxPrevisionnel: 0,
      }),
    ).map((p) => p.chemin);
    expect(pbs).toEqual(
      expect.arrayContaining([
        'reservations[0].reservataire',
        'reservations[1].nombre',
        'reservations[1].typologie',
        'fluxPrevisionnel',
      ]),
    );
  });

  it('rules.md §4 — une année de la fenêtre sans observation est refusée', () => {
    expect(problemes(exemple({ fenetre: 2 }))).toContainEqual({
      chemin: 'observations',
      message: expect.stringContaining('l’année 2024 manque'),
    });
  });

  it('rules.md §4 — ni observation ni rotation du bailleur : refusé ; avec la rotation saisie : tout au taux du bailleur', () => {
    expect(problemes(exemple({ observations: [] }))).toContainEqual(
      expect.objectContaining({ chemin: 'observations' }),
    );
    const r = convertirStock(exemple({ observations: [], rotationBailleur: 0.075 }));
    expect(r.methodes.programme.reservataires[0]!.tauxMicro).toBe(53_571);
  });
});

// ───────────────────────────── properties ─────────────────────────────

const PROGRAMMES: CleSegment[] = Array.from({ length: 6 }, (_, i) => ({
  programme: `P${i}`,
  commune: ['45234', '45147', '45284'][i % 3]!,
  typologie: TYPOLOGIES[i % TYPOLOGIES.length]!,
  financement: FINANCEMENTS[i % 3]!,
  qpv: i % 2 === 0,
}));

const tirageArb = fc.record({
  observations: fc.array(
    fc.record({ logements: fc.integer({ min: 1, max: 3000 }), departs: fc.integer({ min: 0, max: 300 }) }),
    { minLength: PROGRAMMES.length, maxLength: PROGRAMMES.length },
  ),
  reservations: fc.array(
    fc.record({
      reservataire: fc.integer({ min: 0, max: 3 }),
      programme: fc.integer({ min: 0, max: PROGRAMMES.length - 1 }),
      nombre: fc.integer({ min: 0, max: 400 }),
    }),
    { maxLength: 20 },
  ),
  flux: fc.integer({ min: 1, max: 200_000_000 }).map((m) => m / 1000),
});

type Tirage = typeof tirageArb extends fc.Arbitrary<infer T> ? T : never;

function entreeDe(t: Tirage): EntreeConversion {
  return {
    annee: 2026,
    fenetre: 1,
    reservataires: [0, 1, 2, 3].map((i) => ({ id: `R${i}`, type: 'employeur' as const })),
    reservations: t.reservations.map((r) => reserve(`R${r.reservataire}`, PROGRAMMES[r.programme]!, r.nombre)),
    observations: t.observations.map((o, i) => obs(PROGRAMMES[i]!, 2025, o.logements, o.departs)),
    fluxPrevisionnel: t.flux,
  };
}

describe('propriétés de la conversion (fast-check)', () => {
  it('issue 5 item 6 — Σ des disponibilités converties = Σ des disponibilités attendues des logements réservés, pour chaque méthode', () => {
    fc.assert(
      fc.property(tirageArb, (t) => {
        const r = convertirStock(entreeDe(t));
        // Independently: each programme is its own segment here, with its own history.
        const rotation = (i: number) => mulDivArrondi(t.observations[i]!.departs, MICRO, t.observations[i]!.logements);
        const totalObs = t.observations.reduce((s, o) => ({ d: s.d + o.departs, l: s.l + o.logements }), {
          d: 0,
          l: 0,
        });
        const rotationBailleur = mulDivArrondi(totalObs.d, MICRO, totalObs.l);
        const attendu = t.reservations.reduce((s, x) => s + x.nombre * rotation(x.programme), 0);
        const attenduBailleur = t.reservations.reduce((s, x) => s + x.nombre * rotationBailleur, 0);
        for (const m of METHODES_CONVERSION) {
          const somme = r.methodes[m].reservataires.reduce((s, c) => s + c.disponibilites.micro, 0);
          expect(somme).toBe(r.methodes[m].totalDisponibilites.micro);
          expect(somme).toBe(m === 'bailleur' ? attenduBailleur : attendu);
        }
        const logements = t.reservations.reduce((s, x) => s + x.nombre, 0);
        expect(r.comparaison.reduce((s, c) => s + c.logements, 0)).toBe(logements);
      }),
      { numRuns: 300 },
    );
  });

  it('issue 5 item 6 — un réservataire sans logement réservé obtient 0', () => {
    fc.assert(
      fc.property(tirageArb, (t) => {
        const r = convertirStock(entreeDe({ ...t, reservations: t.reservations.filter((x) => x.reservataire !== 3) }));
        for (const m of METHODES_CONVERSION) {
          const c = r.methodes[m].reservataires.find((x) => x.reservataire === 'R3')!;
          expect(c.logements).toBe(0);
          expect(c.disponibilites.micro).toBe(0);
          expect(c.tauxMicro).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rules.md §4 — le taux croît avec les logements réservés (jamais ne décroît)', () => {
    fc.assert(
      fc.property(
        tirageArb,
        fc.integer({ min: 0, max: PROGRAMMES.length - 1 }),
        fc.integer({ min: 1, max: 500 }),
        (t, programme, ajout) => {
          const avant = convertirStock(entreeDe(t));
          const apres = convertirStock(
            entreeDe({ ...t, reservations: [...t.reservations, { reservataire: 0, programme, nombre: ajout }] }),
          );
          for (const m of METHODES_CONVERSION) {
            const a = avant.methodes[m].reservataires[0]!;
            const b = apres.methodes[m].reservataires[0]!;
            expect(b.logements).toBe(a.logements + ajout);
            expect(b.tauxMicro).toBeGreaterThanOrEqual(a.tauxMicro);
            // The others do not move.
            for (let i = 1; i < 4; i++)
              expect(apres.methodes[m].reservataires[i]!.tauxMicro).toBe(avant.methodes[m].reservataires[i]!.tauxMicro);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rules.md §4 — taux = disponibilités ÷ flux, arrondi au millionième', () => {
    fc.assert(
      fc.property(tirageArb, (t) => {
        const r = convertirStock(entreeDe(t));
        for (const m of METHODES_CONVERSION) {
          for (const c of r.methodes[m].reservataires) {
            expect(Math.abs(c.tauxMicro * c.flux.micro - c.disponibilites.micro * MICRO)).toBeLessThanOrEqual(
              c.flux.micro / 2,
            );
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
