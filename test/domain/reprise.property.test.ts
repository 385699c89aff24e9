/**
 * Resuming a year from a month start (`reprendre`, ADR 0023) gives exactly the answer of a full
 * replay (`simuler`): on random years with every kind of event (forced, pooled and confirmed
 * orientations, CAL decisions, leases, failures, exclusions), random dates (backdated events
 * included) and random appends in several batches — byte for byte, or the same refusal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reprendre, simuler, simulerAvecReprises, type RejeuAnnee } from '../../src/domain/engine.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import {
  DECISIONS_CAL,
  EXCLUSIONS,
  FINANCEMENTS,
  TYPOLOGIES,
  type Convention,
  type Evenement,
  type Logement,
  type Scenario,
} from '../../src/domain/types.ts';

const COMMUNES = ['45234', '45284', '45147'];
const RESERVATAIRES = ['R0', 'R1', 'R2'];

const jourArb = fc
  .integer({ min: 0, max: 364 })
  .map((j) => new Date(Date.UTC(2025, 0, 1 + j)).toISOString().slice(0, 10));
const plusTard = (date: string, jours: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + jours * 86_400_000).toISOString().slice(0, 10);

/** One unit's letting: its liberation and the steps that may follow, some of them impossible on purpose. */
const locationArb = fc.record({
  date: jourArb,
  exclusion: fc.option(fc.constantFrom(...EXCLUSIONS), { nil: undefined, freq: 6 }),
  orientation: fc.oneof(
    fc.constant(null),
    fc.constant(null),
    fc.record({ type: fc.constant('forcee' as const), ligne: fc.constantFrom(...RESERVATAIRES, 'BAILLEUR') }),
    fc.record({ type: fc.constant('confirmee' as const), ligne: fc.constantFrom(...RESERVATAIRES, 'BAILLEUR') }),
    fc.record({
      type: fc.constant('pool' as const),
      membres: fc.subarray(RESERVATAIRES, { minLength: 2, maxLength: 3 }),
    }),
  ),
  /** Days after the liberation for the orientation (0: the same day, a manual orientation). */
  delaiOrientation: fc.constantFrom(0, 0, 3),
  etapes: fc.integer({ min: 0, max: 4 }),
  decision: fc.constantFrom(...DECISIONS_CAL),
  fin: fc.constantFrom('bail' as const, 'refus' as const, 'sans_candidat' as const),
  delais: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
  signataire: fc.option(fc.constantFrom(...RESERVATAIRES), { nil: undefined }),
  menage: fc.option(fc.record({ quartile1: fc.boolean(), prioritaire: fc.boolean(), relogementAnru: fc.boolean() }), {
    nil: undefined,
  }),
});

const anneeArb = fc.record({
  taux: fc.array(fc.constantFrom(0.05, 0.1, 0.2, 0.25, 0.3), { minLength: 3, maxLength: 3 }),
  logements: fc.array(
    fc.record({
      commune: fc.constantFrom(...COMMUNES),
      qpv: fc.option(fc.constant('QN04500A'), { nil: null }),
      typologie: fc.constantFrom(...TYPOLOGIES),
      financement: fc.constantFrom(...FINANCEMENTS),
    }),
    { minLength: 1, maxLength: 25, size: 'max' },
  ),
  locations: fc.array(locationArb, { minLength: 1, maxLength: 40, size: 'max' }),
  decompte: fc.constantFrom('mise_a_disposition' as const, 'attribution' as const, 'bail_signe' as const),
  echecDecompte: fc.boolean(),
  etatUniforme: fc.boolean(),
  /** Where the events are cut into batches (fractions of the list). */
  coupes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 3 }),
  /** Shuffle the events before cutting: later batches then hold backdated events. */
  melange: fc.boolean(),
  graine: fc.integer(),
});

type Annee = typeof anneeArb extends fc.Arbitrary<infer T> ? T : never;

function evenementsDe(a: Annee, logements: Logement[]): Evenement[] {
  const evs: Evenement[] = [];
  a.locations.forEach((loc, i) => {
    const logement = logements[i % logements.length]!.id;
    evs.push({ date: loc.date, type: 'liberation', logement, ...(loc.exclusion ? { exclusion: loc.exclusion } : {}) });
    let date = loc.date;
    const o = loc.orientation;
    if (o) {
      const d = o.type === 'confirmee' ? loc.date : plusTard(loc.date, loc.delaiOrientation);
      if (o.type === 'pool')
        evs.push({ date: d, type: 'orientation_multiple', logement, reservataires: o.membres, motif: 'pool' });
      else
        evs.push({
          date: d,
          type: 'orientation_forcee',
          logement,
          reservataire: o.ligne,
          motif: 'choix',
          ...(o.type === 'confirmee' ? { confirmee: true as const } : {}),
        });
    }
    if (loc.etapes >= 1)
      evs.push({ date: (date = plusTard(date, loc.delais[0]!)), type: 'candidats', logement, nombre: 3 });
    if (loc.etapes >= 2)
      evs.push({
        date: (date = plusTard(date, loc.delais[1]!)),
        type: 'decision_cal',
        logement,
        decision: loc.decision,
      });
    if (loc.etapes >= 3) {
      date = plusTard(date, loc.delais[2]!);
      if (loc.fin === 'bail')
        evs.push({
          date,
          type: 'bail_signe',
          logement,
          ...(loc.menage ? { menage: loc.menage } : {}),
          ...(loc.signataire ? { reservataire: loc.signataire } : {}),
        });
      else evs.push({ date, type: loc.fin, logement });
    }
  });
  // Only the scenario's year is valid input; later steps past 31 December are dropped.
  return evs.filter((e) => e.date <= '2025-12-31');
}

function melanger<T>(xs: T[], graine: number): T[] {
  const r = xs.slice();
  let s = graine >>> 0 || 1;
  for (let i = r.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    const j = s % (i + 1);
    [r[i], r[j]] = [r[j]!, r[i]!];
  }
  return r;
}

function scenarioDe(a: Annee): { base: Omit<Scenario, 'evenements'>; evenements: Evenement[] } {
  const logements: Logement[] = a.logements.map((l, i) => ({
    ...l,
    id: `L${i}`,
    construction: 1980,
    horsFlux: null,
  }));
  const conventions: Convention[] = a.taux.map((taux, i) => ({
    id: `CV${i}`,
    reservataire: `R${i}`,
    taux,
    perimetre: { departement: '45' },
    decompte: a.decompte,
    echecDecompte: a.echecDecompte,
    delaiPropositionJours: 30,
    candidatsDemandes: 3,
    gestion: 'directe',
    report: 0,
    ...(i === 0
      ? { contraintes: { uniformiteCommunale: a.etatUniforme } }
      : { contraintes: { partHorsQpvMin: 0.3, typologie: { T1: [0, 0.5] as [number, number] } } }),
  }));
  const evenements = evenementsDe(a, logements);
  return {
    base: {
      annee: 2025,
      departement: '45',
      bailleur: { id: 'B', nom: 'Bailleur' },
      logements,
      reservataires: a.taux.map((_, i) => ({ id: `R${i}`, type: i === 0 ? 'etat' : 'employeur', nom: `R ${i}` })),
      conventions,
    },
    evenements: a.melange ? melanger(evenements, a.graine) : evenements,
  };
}

/** The run's answer as text, or its refusal. */
function issue(f: () => { resultat: unknown }): string {
  try {
    return JSON.stringify(f().resultat);
  } catch (e) {
    if (e instanceof DonneesInvalides) return `refus: ${e.message}`;
    throw e;
  }
}

/**
 * The answer of `scenario` resumed from the last good run (the first run has nothing to resume
 * from); a good run becomes the next one's starting point, a refused one leaves it, as on the server.
 */
function repriseApres(dernier: { rejeu: RejeuAnnee | null }, scenario: Scenario): string {
  const p = dernier.rejeu;
  return issue(() => {
    const r = p ? reprendre(p.reprises, scenario, { detail: true }) : simulerAvecReprises(scenario, { detail: true });
    dernier.rejeu = r;
    return r;
  });
}

/** A year of 36 liberations, three a month, with no other event. */
const anneeFixe: Annee = {
  taux: [0.3, 0.2, 0.1],
  logements: Array.from({ length: 36 }, (_, i) => ({
    commune: COMMUNES[i % 3]!,
    qpv: i % 4 === 0 ? 'QN04500A' : null,
    typologie: TYPOLOGIES[i % TYPOLOGIES.length]!,
    financement: FINANCEMENTS[i % FINANCEMENTS.length]!,
  })),
  locations: Array.from({ length: 36 }, (_, i) => ({
    date: `2025-${String(Math.floor(i / 3) + 1).padStart(2, '0')}-${String(1 + (i % 3) * 9).padStart(2, '0')}`,
    exclusion: undefined,
    orientation: null,
    delaiOrientation: 0,
    etapes: 0,
    decision: 'attribution',
    fin: 'bail',
    delais: [0, 0, 0],
    signataire: undefined,
    menage: undefined,
  })),
  decompte: 'mise_a_disposition',
  echecDecompte: true,
  etatUniforme: false,
  coupes: [0.5],
  melange: false,
  graine: 1,
};

describe('reprise depuis un début de mois (ADR 0023)', () => {
  it('donne exactement la réponse d’un rejeu complet, quels que soient les événements ajoutés', () => {
    fc.assert(
      fc.property(anneeArb, (a) => {
        const { base, evenements } = scenarioDe(a);
        const bornes = [...new Set(a.coupes.map((c) => Math.floor(c * evenements.length)))].sort((x, y) => x - y);
        const dernier: { rejeu: RejeuAnnee | null } = { rejeu: null };
        for (const n of [...bornes, evenements.length]) {
          const scenario: Scenario = { ...base, evenements: evenements.slice(0, n) };
          expect(repriseApres(dernier, scenario)).toBe(
            issue(() => ({ resultat: simuler(scenario, { detail: true }) })),
          );
          // A refused year keeps the last good run to resume from, as the server does.
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reprend vraiment d’un point intermédiaire (pas tout depuis janvier) et ne modifie pas le point', () => {
    const { base, evenements } = scenarioDe(anneeFixe);
    const liberations = evenements.filter((e) => e.type === 'liberation').sort((x, y) => (x.date < y.date ? -1 : 1));
    const avant = { ...base, evenements: liberations.slice(0, -1) };
    const premier = simulerAvecReprises(avant);
    expect(premier.reprises.points.length).toBeGreaterThan(2);
    const instantane = JSON.stringify(premier.reprises.points.map((p) => p.etat.orientations));
    const apres = { ...avant, evenements: [...avant.evenements, liberations.at(-1)!] };
    const repris = reprendre(premier.reprises, apres);
    expect(JSON.stringify(repris.resultat)).toBe(JSON.stringify(simuler(apres)));
    // The earlier points are the very same objects: nothing before the new event's month was replayed.
    expect(repris.reprises.points[1]).toBe(premier.reprises.points[1]);
    expect(JSON.stringify(premier.reprises.points.map((p) => p.etat.orientations))).toBe(instantane);
    // The first run's answer is untouched by the resumption.
    expect(JSON.stringify(premier.resultat)).toBe(JSON.stringify(simuler(avant)));
  });

  it('rejoue tout quand autre chose qu’un ajout d’événements a changé', () => {
    const { base, evenements } = scenarioDe(anneeFixe);
    const liberations = evenements.filter((e) => e.type === 'liberation');
    const s1 = { ...base, evenements: liberations };
    const premier = simulerAvecReprises(s1);
    const autreTaux: Scenario = {
      ...s1,
      conventions: s1.conventions.map((c, i) => (i === 0 ? { ...c, taux: c.taux / 2 } : c)),
    };
    expect(JSON.stringify(reprendre(premier.reprises, autreTaux).resultat)).toBe(JSON.stringify(simuler(autreTaux)));
    const sansPremier: Scenario = { ...s1, evenements: liberations.slice(1) };
    expect(JSON.stringify(reprendre(premier.reprises, sansPremier).resultat)).toBe(
      JSON.stringify(simuler(sansPremier)),
    );
  });
});

/**
 * As the server resumes a year (`src/app/annee.ts`): each batch of events brings the units it names
 * for the first time, sorted by id among the others (new places, a commune's collectivity whose
 * guarantees cross the 20 % warning once its first unit comes); and a batch may bring what the
 * checks refuse or flag — an unknown unit or réservataire, a date outside the year, a unit of
 * another département or repeating an id, a household whose quartile is unknown.
 */
const ajoutArb = fc.record({
  annee: anneeArb,
  epci: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
  collectivite: fc.boolean(),
  defauts: fc.array(
    fc.constantFrom(
      'aucun',
      'aucun',
      'aucun',
      'logementInconnu',
      'horsAnnee',
      'reservataireInconnu',
      'autreDepartement',
      'doublon',
      'quartileInconnu',
    ),
    { minLength: 4, maxLength: 4 },
  ),
});

function scenarioParLots(x: typeof ajoutArb extends fc.Arbitrary<infer T> ? T : never): {
  base: Omit<Scenario, 'evenements' | 'logements'>;
  lots: { logements: Logement[]; evenements: Evenement[] }[];
} {
  const { base, evenements } = scenarioDe(x.annee);
  const logements = base.logements.map((l, i) => (x.epci[i] ? { ...l, epci: '244500468' } : l));
  const parId = new Map(logements.map((l) => [l.id, l]));
  const evs = evenements.map((e) => ({ ...e, logement: e.logement }));
  const reservataires = x.collectivite
    ? base.reservataires.map((r, i) => (i === 2 ? { ...r, type: 'commune' as const, commune: '45147' } : r))
    : base.reservataires;
  const conventions = x.collectivite
    ? base.conventions.map((c, i) => (i === 2 ? { ...c, taux: 0.25, perimetre: { communes: ['45147'] } } : c))
    : base.conventions;
  const bornes = [...new Set(x.annee.coupes.map((c) => Math.floor(c * evs.length)))].sort((a, b) => a - b);
  const lots: { logements: Logement[]; evenements: Evenement[] }[] = [];
  const vus = new Set<string>();
  let debut = 0;
  [...bornes, evs.length].forEach((fin, k) => {
    const lot = evs.slice(debut, fin) as Evenement[];
    debut = fin;
    const nouveaux: Logement[] = [];
    for (const e of lot)
      if (!vus.has(e.logement)) {
        vus.add(e.logement);
        nouveaux.push(parId.get(e.logement)!);
      }
    const defaut = k === 0 ? 'aucun' : x.defauts[k % x.defauts.length]!;
    const date = lot[0]?.date ?? '2025-06-01';
    if (defaut === 'logementInconnu') lot.push({ date, type: 'liberation', logement: 'LX' });
    if (defaut === 'horsAnnee') lot.push({ ...lot[0]!, date: '2026-01-02' });
    if (defaut === 'reservataireInconnu')
      lot.push({
        date,
        type: 'orientation_forcee',
        logement: lot[0]?.logement ?? 'L0',
        reservataire: 'R9',
        motif: 'choix',
      });
    if (defaut === 'autreDepartement') {
      nouveaux.push({ ...logements[0]!, id: 'LY', commune: '75056' });
      lot.push({ date, type: 'liberation', logement: 'LY' });
    }
    if (defaut === 'doublon') nouveaux.push({ ...logements[0]!, commune: '45284' });
    if (defaut === 'quartileInconnu')
      lot.push({
        date,
        type: 'bail_signe',
        logement: lot[0]?.logement ?? 'L0',
        menage: { ressourcesAnnuelles: 20_000 },
      });
    lots.push({
      logements: nouveaux,
      evenements: lot.filter((e) => e.date !== '2026-01-02' || defaut === 'horsAnnee'),
    });
  });
  return { base: { ...base, reservataires, conventions }, lots };
}

describe('reprise avec des logements ajoutés, contrôlée sur ce qui est ajouté seulement', () => {
  it('donne exactement la réponse (ou le refus, ou les avertissements) d’un rejeu complet', () => {
    fc.assert(
      fc.property(ajoutArb, (x) => {
        const { base, lots } = scenarioParLots(x);
        const dernier: { rejeu: RejeuAnnee | null } = { rejeu: null };
        let logements: Logement[] = [];
        let evenements: Evenement[] = [];
        for (const lot of lots) {
          logements = [...logements, ...lot.logements].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          evenements = [...evenements, ...lot.evenements];
          const scenario: Scenario = { ...base, logements, evenements };
          expect(repriseApres(dernier, scenario)).toBe(
            issue(() => ({ resultat: simuler(scenario, { detail: true }) })),
          );
          // A refused batch stays in: the next batch resumes from the last good run, the refused one with it.
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ne recontrôle pas l’année entière quand on ajoute un événement et un logement d’un lieu connu', () => {
    const { base, evenements } = scenarioDe(anneeFixe);
    const liberations = evenements.filter((e) => e.type === 'liberation').sort((x, y) => (x.date < y.date ? -1 : 1));
    const dernier = liberations.at(-1)!;
    const sans = base.logements.filter((l) => l.id !== dernier.logement);
    const avant: Scenario = { ...base, logements: sans, evenements: liberations.slice(0, -1) };
    const premier = simulerAvecReprises(avant);
    const apres: Scenario = { ...base, evenements: liberations };
    const repris = reprendre(premier.reprises, apres);
    expect(JSON.stringify(repris.resultat)).toBe(JSON.stringify(simuler(apres)));
    // The same units map underneath (only the added unit is held apart), and the same month points.
    expect(repris.reprises.verifie.logements.get(dernier.logement)?.id).toBe(dernier.logement);
    expect(repris.reprises.verifie.logements).not.toBe(premier.reprises.verifie.logements);
    expect(repris.reprises.points[1]).toBe(premier.reprises.points[1]);
    // An unknown unit appended: refused exactly as the full check refuses it.
    const inconnu: Scenario = { ...apres, evenements: [...liberations, { ...dernier, logement: 'LX' }] };
    expect(issue(() => reprendre(repris.reprises, inconnu))).toBe(issue(() => ({ resultat: simuler(inconnu) })));
  });

  it('contrôle et avertit sur ce qui est ajouté comme le rejeu complet (lieu nouveau, autre département, doublon, ménage)', () => {
    const { base, evenements } = scenarioDe(anneeFixe);
    // A commune's collectivity, 25 % of guarantees on its territory (the 20 % warning) once a unit is there.
    const jeu = {
      ...base,
      reservataires: base.reservataires.map((r, i) =>
        i === 2 ? { ...r, type: 'commune' as const, commune: '45147' } : r,
      ),
      conventions: base.conventions.map((c, i) =>
        i === 2 ? { ...c, taux: 0.25, perimetre: { communes: ['45147'] } } : c,
      ),
    };
    const trie = (ls: Logement[]) => [...ls].sort((a, b) => (a.id < b.id ? -1 : 1));
    // In id order, as the server keeps them: a resumption finds the old units in the same order.
    const hors = trie(jeu.logements.filter((l) => l.commune !== '45147'));
    const dans = jeu.logements.find((l) => l.commune === '45147')!;
    const libs = evenements.filter(
      (e) => e.type === 'liberation' && hors.some((l) => l.id === e.logement) && e.date < '2025-10-01',
    );
    const avant: Scenario = { ...jeu, logements: hors, evenements: libs };
    const premier = simulerAvecReprises(avant, { detail: true });
    expect(premier.resultat.avertissements).toEqual([]);
    const cas: Scenario[] = [
      // A new place: the warning appears, as in the full run.
      {
        ...jeu,
        logements: trie([...hors, dans]),
        evenements: [...libs, { date: '2025-11-03', type: 'liberation', logement: dans.id }],
      },
      // A unit of another département, and one repeating an id: refused as the full check refuses them.
      {
        ...jeu,
        logements: trie([...hors, { ...dans, id: 'LY', commune: '75056' }]),
        evenements: [...libs, { date: '2025-11-03', type: 'liberation', logement: 'LY' }],
      },
      {
        ...jeu,
        logements: trie([...hors, { ...hors[0]! }]),
        evenements: [...libs, { date: '2025-11-03', type: 'liberation', logement: hors[0]!.id }],
      },
    ];
    // A lease whose household's resources come without its size: a warning of the appended event.
    const l0 = hors.find((l) => !libs.some((e) => e.logement === l.id))!;
    const bail: Evenement[] = [
      { date: '2025-11-03', type: 'liberation', logement: l0.id },
      { date: '2025-11-04', type: 'candidats', logement: l0.id, nombre: 3 },
      { date: '2025-11-05', type: 'decision_cal', logement: l0.id, decision: 'attribution' },
      { date: '2025-11-06', type: 'bail_signe', logement: l0.id, menage: { ressourcesAnnuelles: 20_000 } },
    ];
    cas.push({ ...avant, evenements: [...libs, ...bail] });
    const textes = cas.map((s) => issue(() => ({ resultat: simuler(s, { detail: true }) })));
    expect(textes[0]).toContain('garanties d’emprunt');
    expect(textes[1]).toContain('refus');
    expect(textes[2]).toContain('en double');
    expect(textes[3]).toContain('unités de consommation');
    cas.forEach((s, i) => expect(issue(() => reprendre(premier.reprises, s, { detail: true }))).toBe(textes[i]));
  });
});
