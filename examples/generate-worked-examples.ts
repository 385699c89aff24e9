/**
 * Writes the worked examples of rules.md §3/§5 and regulation.md §3.2:
 *
 * - `examples/exemple-reglementaire.json`: a bailleur of 10,000 units in Orléans Métropole;
 *   820 re-lettings + 120 first lettings = 940 available; 150 mutations, 60 ANRU, 6 insalubrité,
 *   4 sales and 20 defence units out → flux annuel 700. State 30 % (of which agents 5 %) = 210,
 *   Action Logement 25 % = 175, the EPCI (loan guarantees) 12 % = 84, the département 3 % = 21,
 *   bailleur 30 % = 210.
 * - `examples/exemple-commune.json`: the same year with a commune convention on Orléans only
 *   (12 % of a commune flow of 90 = 10.8 units) beside the State, whose 30 % applies in each commune.
 *
 * Deterministic: `node bin/run-ts.js examples/generate-worked-examples.ts` rewrites both files identically.
 */
import { writeFileSync } from 'node:fs';
import type { Convention, Evenement, Logement, Scenario } from '../src/domain/types.ts';
import { conventionDeBase } from '../test/helpers/scenario.ts';

// Orléans Métropole: Orléans (45234) and five other member communes.
const AUTRES_COMMUNES = ['45284', '45147', '45232', '45302', '45075'];
const TYPOLOGIES = ['T1', 'T2', 'T3', 'T3', 'T4', 'T4', 'T5'] as const;
const FINANCEMENTS = ['PLUS', 'PLUS', 'PLUS', 'PLAI', 'PLS'] as const;

function logements(): Logement[] {
  const out: Logement[] = [];
  for (let i = 0; i < 10_000; i++) {
    const commune = i < 1500 ? '45234' : AUTRES_COMMUNES[i % AUTRES_COMMUNES.length]!;
    out.push({
      id: `L${String(i + 1).padStart(5, '0')}`,
      commune,
      qpv: i % 5 === 0 ? 'QN04500A' : null,
      typologie: TYPOLOGIES[i % TYPOLOGIES.length]!,
      financement: FINANCEMENTS[(i >> 1) % FINANCEMENTS.length]!,
      construction: i >= 9_880 ? 2025 : 1960 + (i % 60),
      horsFlux: i >= 9_860 && i < 9_880 ? 'defense' : null,
    });
  }
  return out;
}

function date(k: number, total: number): string {
  const jour = Math.floor((k * 365) / total); // spread over the year
  return new Date(Date.UTC(2025, 0, 1 + jour)).toISOString().slice(0, 10);
}

function evenements(): Evenement[] {
  // 940 available units: 800 ordinary re-lettings (90 of them in Orléans, none of those excluded),
  // 20 re-lettings of defence units and 120 first lettings of a new programme.
  const nom = (i: number) => `L${String(i + 1).padStart(5, '0')}`;
  const disponibles: Evenement[] = [];
  for (let i = 0; i < 90; i++) disponibles.push({ date: '', type: 'liberation', logement: nom(i) });
  for (let k = 0; k < 710; k++) {
    // 220 exclusions among the 710 others: 150 mutations, 60 ANRU, 6 insalubrité, 4 sales.
    const e: Evenement = { date: '', type: 'liberation', logement: nom(1500 + k) };
    if (k < 220) e.exclusion = k < 150 ? 'mutation_interne' : k < 210 ? 'relogement_anru' : k < 216 ? 'relogement_insalubrite' : 'relogement_vente';
    disponibles.push(e);
  }
  for (let i = 9_860; i < 9_880; i++) disponibles.push({ date: '', type: 'liberation', logement: nom(i) });
  for (let i = 9_880; i < 10_000; i++) disponibles.push({ date: '', type: 'liberation', logement: nom(i), premiereMiseEnLocation: true });
  // Spread over the year in a fixed interleaved order (a multiplicative permutation of 0..939).
  const ordre = disponibles.map((_, n) => (n * 347) % disponibles.length);
  return ordre.map((n, rang) => ({ ...disponibles[n]!, date: date(rang, disponibles.length) }));
}

function convention(id: string, reservataire: string, taux: number, extra: Partial<Convention> = {}): Convention {
  return { id, reservataire, taux, ...conventionDeBase(), ...extra };
}

const base = {
  annee: 2025,
  departement: '45',
  bailleur: { id: 'B1', nom: 'Bailleur de l’exemple réglementaire' },
  logements: logements(),
};

const reglementaire: Scenario = {
  ...base,
  reservataires: [
    { id: 'ETAT', type: 'etat', nom: 'Préfet du Loiret' },
    { id: 'AL', type: 'action_logement', nom: 'Action Logement Services' },
    { id: 'EPCI', type: 'epci', nom: 'Orléans Métropole', epci: '244500468' },
    { id: 'DEP', type: 'departement', nom: 'Département du Loiret' },
  ],
  conventions: [
    convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 }),
    convention('CV-AL', 'AL', 0.25),
    convention('CV-EPCI', 'EPCI', 0.12, { perimetre: { epci: '244500468' } }),
    convention('CV-DEP', 'DEP', 0.03),
  ],
  evenements: evenements(),
};

const commune: Scenario = {
  ...base,
  reservataires: [
    { id: 'ETAT', type: 'etat', nom: 'Préfet du Loiret' },
    { id: 'ORLEANS', type: 'commune', nom: 'Orléans', commune: '45234' },
  ],
  conventions: [convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 }), convention('CV-ORLEANS', 'ORLEANS', 0.12, { perimetre: { communes: ['45234'] } })],
  evenements: evenements(),
};

for (const [nom, s] of [
  ['exemple-reglementaire.json', reglementaire],
  ['exemple-commune.json', commune],
] as const) {
  writeFileSync(new URL(nom, import.meta.url), `${JSON.stringify(s)}\n`);
}
console.error('exemples réglementaires écrits');
