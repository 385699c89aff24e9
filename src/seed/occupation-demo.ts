/**
 * The demo's occupancy review (ADR 0044): a few households in place in the demo bailleur's units of
 * Orléans Métropole, each in one of the situations of CCH L.442-5-2 (or none), with lease dates
 * whose three-year anniversary falls within the last ten months or the coming quarter; and the
 * zones of L.442-5-2 as a FICTITIOUS list (the communes of Orléans Métropole), labelled as such:
 * the arrêté's list could not be sourced where Flux was built. Deterministic: drawn from the units'
 * order, no random stream.
 */
import type { logements, occupations, zonagesCommunes } from '../db/schema.ts';
import { ajouterAns } from '../domain/caleol.ts';
import { ajouterJours } from '../domain/calendrier.ts';

export const SOURCE_ZONES_CALEOL_DEMO =
  'Liste fictive (démonstration) : communes d’Orléans Métropole — à remplacer par la liste de l’arrêté pris en application de l’article R.442-3-3 du CCH';

/** Households written (a small set: the page is not empty, the seed stays fast). */
const MENAGES_DEMO = 24;

export function occupationsDemo(e: {
  aujourdhui: string;
  bailleurId: string;
  logements: readonly (typeof logements.$inferInsert)[];
  /** Units that have a letting in the demo (their household is not the one in place). */
  logementsAvecLocation: ReadonlySet<string>;
  communesZone: readonly string[];
}): { occupations: (typeof occupations.$inferInsert)[]; zones: (typeof zonagesCommunes.$inferInsert)[] } {
  const zone = new Set(e.communesZone);
  const unites = e.logements
    .filter((l) => l.bailleurId === e.bailleurId && zone.has(l.commune) && !e.logementsAvecLocation.has(l.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MENAGES_DEMO);
  const lignes = unites.map((l, i) => {
    const pieces = Number(/^T(\d)$/.exec(l.typologie)?.[1] ?? 3);
    // Anniversary between 300 days ago and 80 days ahead; every sixth a second one (six years).
    const decalage = ((i * 53) % 380) - 80;
    const dateBail = ajouterJours(ajouterAns(e.aujourdhui, i % 6 === 5 ? -6 : -3), -decalage);
    const cas = i % 6;
    const personnes = cas === 0 ? Math.max(1, pieces - 2) : cas === 1 ? pieces + 3 : Math.max(1, pieces - 1);
    const surface = cas === 1 ? 16 + (pieces - 1) * 9 : 20 + pieces * 14;
    const plafond = 21_000 + personnes * 4_500;
    return {
      id: `occupation-demo-${l.id}`,
      bailleurId: e.bailleurId,
      logementId: l.id,
      dateBail,
      personnes,
      ressources: cas === 2 ? Math.round(plafond * 1.18) : Math.round(plafond * (0.45 + ((i * 7) % 40) / 100)),
      plafond,
      handicap: cas === 4,
      logementAdapte: cas === 3,
      pieces: null,
      surface: surface.toFixed(2),
      importId: 'demo',
    };
  });
  return {
    occupations: lignes,
    zones: [...zone].sort().map((commune) => ({
      commune,
      zonage: 'zone_examen_occupation',
      valeur: 'oui',
      du: '2019-01-01',
      au: null,
      source: SOURCE_ZONES_CALEOL_DEMO,
    })),
  };
}
