/**
 * The demo's cotation grid (ADR 0037, 0039): the kind of grid an EPCI of the Centre-Val de Loire
 * adopts in its PPGD — seniority first, the priority categories of L.441-1, low resources, a
 * household that fits the typology wished. Points are the demo's choice, not any EPCI's real grid.
 * Also the grid of `bench/cotation` and of the tests.
 */
import type { Critere, GrilleCotation } from '../domain/cotation.ts';

export const CRITERES_DEMO: Critere[] = [
  { type: 'anciennete', pointsParMois: 1, plafond: 60 },
  { type: 'categorie', categorie: 'dalo', libelle: 'Ménage reconnu prioritaire et urgent (DALO)', points: 60 },
  { type: 'categorie', categorie: 'pdalhpd', libelle: 'Ménage prioritaire du PDALHPD', points: 40 },
  { type: 'categorie', categorie: 'autre_l441_1', libelle: 'Autre public prioritaire (L.441-1)', points: 25 },
  { type: 'ressources', plafondParUc: 10_500, points: 20 },
  { type: 'adequation', points: 10 },
];

export function grilleDemo(epci: string, adoptee = '2026-01-15'): GrilleCotation {
  return {
    epci,
    version: 1,
    enVigueurDu: '2026-02-01',
    adoption: {
      par: 'le conseil communautaire',
      le: adoptee,
      acte: 'délibération du plan partenarial (démonstration)',
    },
    criteres: CRITERES_DEMO,
    refusAdapte: { points: 10, dureeMois: 12 },
    mutationsInternes: { points: 0 },
  };
}
