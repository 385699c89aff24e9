/**
 * The linear solver adapter (ADR 0042): HiGHS compiled to WebAssembly (`highs`, MIT). The domain
 * builds the model (`src/domain/plan-attribution.ts`) and reads the answer; this file loads the
 * solver once (the .wasm file is read from node_modules, the only I/O), hands it the model as CPLEX
 * LP text and gives back the columns' values in the model's order.
 */
import highsModule from 'highs';
import { ecrireLp, type ModeleLineaire, type Solveur } from '../domain/plan-attribution.ts';

type Chargeur = typeof highsModule.default;
// The package's types describe a CommonJS module (default = the namespace) while Node's ESM import
// gives the loader itself: take whichever is the function.
const loadHighs: Chargeur =
  typeof highsModule === 'function' ? (highsModule as unknown as Chargeur) : highsModule.default;

let chargement: ReturnType<Chargeur> | null = null;

/** The solver, loaded on first use and kept (≈ 0.3 s to compile the WebAssembly once). */
export async function solveurHighs(): Promise<Solveur> {
  chargement ??= loadHighs();
  const highs = await chargement;
  return (m: ModeleLineaire) => {
    const r = highs.solve(ecrireLp(m), { output_flag: false });
    // The model is elastic (every term has its slack): anything but an optimum is a bug, not an input problem.
    if (r.Status !== 'Optimal') throw new Error(`le solveur linéaire n’a pas trouvé d’optimum (${r.Status})`);
    const colonnes = r.Columns as Record<string, { Primal: number } | undefined>;
    return m.colonnes.map((c) => colonnes[c.nom]?.Primal ?? 0);
  };
}
