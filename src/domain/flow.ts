/**
 * The annual flow of a perimeter (CCH R.441-5 I): units made available for letting in the year
 * (re-lettings after departure and first lettings), minus the legal exclusions; units of défense,
 * sécurité intérieure and EPS are identified stock and never in the flow.
 */
import { EXCLUSIONS, HORS_FLUX, type Exclusion, type HorsFlux } from './types.ts';

export type MotifExclusion = Exclusion | HorsFlux;

export interface FluxAnnuel {
  /** Every unit vacated or first let in the year. */
  disponibles: number;
  /** Of which first lettings of new programmes. */
  premieresMisesEnLocation: number;
  /** Units taken out of the flow, by legal category (identified stock included). */
  exclus: Record<MotifExclusion, number>;
  /** disponibles − Σ exclus. */
  fluxAnnuel: number;
}

export interface Disponibilite {
  exclusion: Exclusion | null;
  horsFlux: HorsFlux | null;
  premiereMiseEnLocation: boolean;
}

export function motifExclusion(d: Disponibilite): MotifExclusion | null {
  return d.horsFlux ?? d.exclusion;
}

export function fluxVide(): FluxAnnuel {
  const exclus = {} as Record<MotifExclusion, number>;
  for (const k of [...EXCLUSIONS, ...HORS_FLUX]) exclus[k] = 0;
  return { disponibles: 0, premieresMisesEnLocation: 0, exclus, fluxAnnuel: 0 };
}

/** Adds one availability to the flow (mutates and returns it); tells whether it is in the flow. */
export function ajouterAuFlux(flux: FluxAnnuel, d: Disponibilite): boolean {
  flux.disponibles += 1;
  if (d.premiereMiseEnLocation) flux.premieresMisesEnLocation += 1;
  const motif = motifExclusion(d);
  if (motif !== null) {
    flux.exclus[motif] += 1;
    return false;
  }
  flux.fluxAnnuel += 1;
  return true;
}

/** The annual flow of a list of availabilities. */
export function calculerFlux(disponibilites: Iterable<Disponibilite>): FluxAnnuel {
  const flux = fluxVide();
  for (const d of disponibilites) ajouterAuFlux(flux, d);
  return flux;
}

export const LIBELLES_EXCLUSION: Record<MotifExclusion, string> = {
  mutation_interne: 'mutation interne',
  relogement_anru: 'relogement ANRU/NPNRU',
  relogement_orcod: 'relogement ORCOD',
  relogement_insalubrite: 'relogement insalubrité (L.521-3-1 à 3)',
  relogement_vente: 'relogement lié à une vente HLM',
  defense: 'logement identifié défense',
  securite_interieure: 'logement identifié sécurité intérieure',
  eps: 'logement identifié établissement public de santé',
};
