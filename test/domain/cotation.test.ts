/**
 * Cotation of demands (CCH L.441-2-8, décret 2019-1378): the note and its breakdown, the position
 * among similar demands, the grid in plain French, a draft tried against the grid in force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contreOrdreCotation,
  enoncer,
  essayerGrille,
  moisEntre,
  noter,
  positionner,
  positionnerTout,
  type DemandeCotee,
  type GrilleCotation,
} from '../../src/domain/cotation.ts';

const grille: GrilleCotation = {
  epci: '244500468',
  version: 1,
  enVigueurDu: '2024-01-01',
  adoption: { par: 'le conseil métropolitain', le: '2023-12-14', acte: 'délibération n° 2023-112' },
  criteres: [
    { type: 'anciennete', pointsParMois: 1, plafond: 60 },
    { type: 'categorie', categorie: 'dalo', libelle: 'Ménage reconnu prioritaire DALO', points: 50 },
    { type: 'situation', situation: 'sans_logement', libelle: 'Sans logement', points: 30 },
    { type: 'ressources', plafondParUc: 10_000, points: 20 },
    { type: 'adequation', points: 10 },
    { type: 'lienLocal', points: 5 },
  ],
  refusAdapte: { points: 15, dureeMois: 12 },
  mutationsInternes: { points: 0 },
};

const demande = (numero: string, o: Partial<DemandeCotee> = {}): DemandeCotee => ({
  numero,
  dateDemande: '2024-06-10',
  personnes: 3,
  enfantsMoins14: 1,
  ressourcesAnnuelles: 25_000,
  categories: [],
  situations: [],
  communesSouhaitees: ['45234'],
  typologiesSouhaitees: ['T3'],
  lienLocal: false,
  refusAdaptes: [],
  mutationInterne: false,
  ...o,
});

const DATE = '2025-06-10';

describe('cotation — la note et son détail', () => {
  it('mois pleins d’ancienneté', () => {
    expect(moisEntre('2025-01-15', '2025-04-15')).toBe(3);
    expect(moisEntre('2025-01-15', '2025-04-14')).toBe(2);
  });

  it('chaque critère rempli apporte ses points, détaillés', () => {
    const n = noter(
      demande('A', {
        categories: ['dalo'],
        situations: ['sans_logement'],
        ressourcesAnnuelles: 14_000,
        lienLocal: true,
      }),
      grille,
      DATE,
    );
    // 12 months, DALO 50, sans logement 30, 14 000 € / 1.8 UC < 10 000 € → 20, T3 for 3 persons 10, local 5.
    expect(n.total).toBe(12 + 50 + 30 + 20 + 10 + 5);
    expect(n.detail.map((l) => l.critere)).toEqual([
      'ancienneté de la demande (12 mois)',
      'Ménage reconnu prioritaire DALO',
      'Sans logement',
      'ressources sous 10 000 € par unité de consommation',
      'taille du ménage adaptée au logement demandé',
      'lien avec le territoire (emploi ou résidence)',
    ]);
  });

  it('l’ancienneté est plafonnée ; un refus de logement adapté retire ses points pendant sa durée', () => {
    const n = noter(
      demande('B', { dateDemande: '2015-01-01', refusAdaptes: ['2025-01-01', '2023-01-01'] }),
      grille,
      DATE,
    );
    expect(n.detail[0]).toEqual({ critere: 'ancienneté de la demande (125 mois)', points: 60 });
    expect(n.detail.find((l) => l.critere.includes('refus'))).toEqual({
      critere: '1 refus de logement adapté depuis moins de 12 mois',
      points: -15,
    });
  });
});

describe('cotation — positionnement parmi les demandes semblables', () => {
  it('rang parmi les demandes de même commune et typologie, et leur attente moyenne', () => {
    const demandes = [
      demande('A', { categories: ['dalo'] }),
      demande('B'),
      demande('C', { dateDemande: '2025-06-10' }),
      demande('D', { communesSouhaitees: ['45147'], categories: ['dalo'] }),
    ];
    const p = positionner(demandes[1]!, demandes, grille, DATE);
    expect(p).toEqual({ rang: 2, sur: 3, dureeMoyenneAttenteJours: Math.round((365 + 365 + 0) / 3) });
  });
});

describe('cotation — la grille en clair (page publique)', () => {
  it('une phrase par règle, et la CAL reste libre', () => {
    const e = enoncer(grille);
    expect(e[0]).toContain('délibération n° 2023-112');
    expect(e[1]).toContain('la CAL décide');
    expect(e).toContain('Ancienneté : 1 point par mois depuis le dépôt de la demande, 60 points au plus.');
    expect(e).toContain('Refus d’un logement adapté : -15 points par refus pendant 12 mois.');
  });
});

describe('cotation — essayer une grille avant de l’adopter', () => {
  it('la distribution des notes, qui monte et qui descend, par catégorie et par quartile', () => {
    const demandes = [
      demande('A', { categories: ['dalo'], ressourcesAnnuelles: 30_000 }),
      demande('B', { ressourcesAnnuelles: 9_000 }),
      demande('C', { ressourcesAnnuelles: null, dateDemande: '2020-01-01' }),
    ];
    // The draft weighs resources heavily and DALO less.
    const brouillon: GrilleCotation = {
      ...grille,
      version: 2,
      criteres: grille.criteres.map((c) =>
        c.type === 'ressources' ? { ...c, points: 100 } : c.type === 'categorie' ? { ...c, points: 10 } : c,
      ),
    };
    const e = essayerGrille(brouillon, grille, demandes, DATE, 10_000);
    expect(e.distribution.reduce((s, t) => s + t.enVigueur, 0)).toBe(3);
    expect(e.distribution.reduce((s, t) => s + t.brouillon, 0)).toBe(3);
    const groupe = (g: string) => e.groupes.find((x) => x.groupe === g)!;
    expect(groupe('1er quartile')).toMatchObject({ demandes: 1, montent: 1 });
    expect(groupe('catégorie dalo')).toMatchObject({ demandes: 1, descendent: 1 });
    expect(groupe('quartile inconnu').demandes).toBe(1);
    expect(e.mouvements[0]).toMatchObject({ numero: 'B', rangBrouillon: 1 });
  });
});

describe('cotation — toutes les demandes à la fois (listes, essai, bench/cotation)', () => {
  const communes = ['45234', '45147', '45302', '45208', '45285', '45001'];
  const arbDemande = fc.record({
    dateDemande: fc.constantFrom('2020-03-01', '2023-11-30', '2024-06-10', '2025-06-10'),
    personnes: fc.integer({ min: 1, max: 6 }),
    ressourcesAnnuelles: fc.option(fc.integer({ min: 3_000, max: 40_000 })),
    categories: fc.subarray(['dalo', 'pdalhpd']),
    communesSouhaitees: fc.subarray(communes, { maxLength: 6 }),
    typologiesSouhaitees: fc.subarray(['T1', 'T2', 'T3', 'T4', 'T5'] as const, { maxLength: 5 }),
  });

  it('la même note et le même positionnement que noter() et positionner() pour chaque demande', () => {
    fc.assert(
      fc.property(fc.array(arbDemande, { maxLength: 40 }), (xs) => {
        const ds = xs.map((x, i) => demande(`N${i}`, { ...x, typologiesSouhaitees: [...x.typologiesSouhaitees] }));
        const tout = positionnerTout(ds, grille, DATE);
        ds.forEach((d, i) => {
          expect(tout[i]!.note).toBe(noter(d, grille, DATE).total);
          expect(tout[i]!.positionnement).toEqual(positionner(d, ds, grille, DATE));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('une demande à six communes passe par l’union simple, avec le même résultat', () => {
    const ds = [
      demande('A', { communesSouhaitees: communes, categories: ['dalo'] }),
      demande('B'),
      demande('C', { communesSouhaitees: ['45001'], typologiesSouhaitees: ['T3', 'T4'] }),
      demande('D', { communesSouhaitees: ['45001'], typologiesSouhaitees: ['T2'] }),
    ];
    const tout = positionnerTout(ds, grille, DATE);
    expect(tout[0]!.positionnement).toEqual({ rang: 1, sur: 3, dureeMoyenneAttenteJours: 365 });
    ds.forEach((d, i) => expect(tout[i]!.positionnement).toEqual(positionner(d, ds, grille, DATE)));
  });
});

describe('cotation — un classement de la CAL contre l’ordre des notes', () => {
  const notes = new Map([
    ['a', 80],
    ['b', 60],
    ['c', 60],
  ]);
  it.each([
    [['a', 'b', 'c'], false, 'dans l’ordre'],
    [['a', 'c', 'b'], false, 'deux notes égales dans un sens ou dans l’autre'],
    [['a'], false, 'le mieux noté seul'],
    [['b', 'a'], true, 'un moins bien noté avant le mieux noté'],
    [['b'], true, 'le mieux noté écarté'],
    [['x', 'a'], false, 'un candidat sans note ne compte pas'],
    [[], false, 'aucun classement (décision négative)'],
  ])('%j → %s (%s)', (classement, attendu) => {
    expect(contreOrdreCotation(classement, ['a', 'b', 'c', 'x'], notes)).toBe(attendu);
  });
});
