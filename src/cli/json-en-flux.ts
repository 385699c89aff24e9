/**
 * Compact JSON written as it goes: the top-level arrays of an answer (the year's orientations,
 * hundreds of thousands at a large bailleur) are written element by element in blocks of about
 * 1 MiB, so that the whole text is never one string in memory. The bytes are exactly those of
 * `JSON.stringify(valeur)` (same keys in the same order, undefined fields left out).
 */

/** Writes one block; may return a promise (a stream's backpressure) that the writer awaits. */
export type Ecrire = (bloc: string) => void | Promise<void>;

const TAILLE_BLOC = 1 << 20;

export interface OptionsJsonEnFlux {
  /** Rewrites each element of a top-level array before it is written (e.g. drops a field). */
  element?: (cle: string, element: unknown) => unknown;
  /** Characters per block (default 1 MiB). */
  tailleBloc?: number;
}

/** Writes `valeur` (a plain object) as compact JSON, then a newline. */
export async function ecrireJsonEnFlux(
  valeur: Record<string, unknown>,
  ecrire: Ecrire,
  options: OptionsJsonEnFlux = {},
): Promise<void> {
  const taille = options.tailleBloc ?? TAILLE_BLOC;
  let bloc = '';
  const pousser = async (s: string): Promise<void> => {
    bloc += s;
    if (bloc.length >= taille) {
      const b = bloc;
      bloc = '';
      await ecrire(b);
    }
  };
  let premier = true;
  await pousser('{');
  for (const [cle, v] of Object.entries(valeur)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    await pousser(`${premier ? '' : ','}${JSON.stringify(cle)}:`);
    premier = false;
    if (!Array.isArray(v)) {
      await pousser(JSON.stringify(v) ?? 'null');
      continue;
    }
    await pousser('[');
    for (let i = 0; i < v.length; i++) {
      const e = options.element ? options.element(cle, v[i]) : v[i];
      // As JSON.stringify: an undefined element of an array is written null.
      await pousser(`${i === 0 ? '' : ','}${JSON.stringify(e) ?? 'null'}`);
    }
    await pousser(']');
  }
  await pousser('}\n');
  if (bloc) await ecrire(bloc);
}
