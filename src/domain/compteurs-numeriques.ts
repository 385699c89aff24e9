/**
 * The qualitative mix's counters as numbers (the Monte Carlo year, `preparerAnnees`, ADR 0051):
 * each dimension key (`cleDimension`, the plan's segment) gets a small integer once per plan, and
 * a run counts each line's units by key in a typed array instead of a `Map` keyed by strings. The
 * counts are the same integers, read in the same order: the engine's choices do not change. The
 * product's runs (`simuler`, resumptions) keep the maps, which their results read.
 */
import { CLE_HORS_QPV, type Ligne } from './etat-moteur.ts';

/** The keys seen so far, each with its number (0, 1, 2… in the order first seen). */
export class RegistreCles {
  /** The key outside QPV first (number 0): the least share outside QPV reads it on every line. */
  readonly ids = new Map<string, number>([[CLE_HORS_QPV, 0]]);

  id(cle: string): number {
    let i = this.ids.get(cle);
    if (i === undefined) {
      i = this.ids.size;
      this.ids.set(cle, i);
    }
    return i;
  }
}

/** One run's counters, by line then key number (`Ligne.recus`, `Ligne.fluxParValeur`, `EtatMoteur.fluxCommune`). */
export interface CompteursNumeriques {
  /** Held units by key. */
  recus: Float64Array[];
  /** Flow units of the line's perimeter by key. */
  flux: Float64Array[];
  /** Flow units by commune key (`DIM_COMMUNE`'s number). */
  fluxCommune: Float64Array;
  /** The convention's [min, max] share by key number (`ContraintesResolues.fourchettes`). */
  fourchettes: (readonly [number, number] | undefined)[][];
  /** The number of the key outside QPV. */
  horsQpv: number;
}

/** Empty counters for `lignes`; every unit's keys must be in `registre` already. */
export function compteursVides(registre: RegistreCles, lignes: readonly Ligne[]): CompteursNumeriques {
  const n = registre.ids.size;
  return {
    recus: lignes.map(() => new Float64Array(n)),
    flux: lignes.map(() => new Float64Array(n)),
    fluxCommune: new Float64Array(n),
    fourchettes: lignes.map((l) => {
      const f: (readonly [number, number] | undefined)[] = [];
      // A key no unit has is never read.
      for (const [cle, v] of l.contraintes.fourchettes) {
        const i = registre.ids.get(cle);
        if (i !== undefined) f[i] = v;
      }
      return f;
    }),
    horsQpv: registre.ids.get(CLE_HORS_QPV)!,
  };
}
