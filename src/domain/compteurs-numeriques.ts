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

/** Empty counters for `lignes`, one slot for each key of `registre` (`agrandir` when it grows). */
export function compteursVides(registre: RegistreCles, lignes: readonly Ligne[]): CompteursNumeriques {
  const n = registre.ids.size;
  const c: CompteursNumeriques = {
    recus: lignes.map(() => new Float64Array(n)),
    flux: lignes.map(() => new Float64Array(n)),
    fluxCommune: new Float64Array(n),
    fourchettes: lignes.map(() => []),
    horsQpv: registre.ids.get(CLE_HORS_QPV)!,
  };
  lignes.forEach((l, li) => {
    // A key numbered later is found by `agrandir`.
    for (const [cle, v] of l.contraintes.fourchettes) {
      const i = registre.ids.get(cle);
      if (i !== undefined) c.fourchettes[li]![i] = v;
    }
  });
  return c;
}

/** Makes room for the keys numbered since (a unit seen for the first time), their counts 0. */
export function agrandir(c: CompteursNumeriques, registre: RegistreCles, lignes: readonly Ligne[]): void {
  const n = registre.ids.size;
  const avant = c.fluxCommune.length;
  if (n <= avant) return;
  const plus = (a: Float64Array) => {
    const b = new Float64Array(n);
    b.set(a);
    return b;
  };
  c.recus = c.recus.map(plus);
  c.flux = c.flux.map(plus);
  c.fluxCommune = plus(c.fluxCommune);
  lignes.forEach((l, li) => {
    for (const [cle, v] of l.contraintes.fourchettes) {
      const i = registre.ids.get(cle);
      if (i !== undefined && i >= avant) c.fourchettes[li]![i] = v;
    }
  });
}
