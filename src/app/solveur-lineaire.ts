/**
 * The linear solver adapter (ADR 0042): HiGHS compiled to WebAssembly (`highs`, MIT). The domain
 * builds the model (`src/domain/plan-attribution.ts`) and reads the answer; this file loads the
 * solver once (the .wasm file is read from node_modules, the only I/O), hands it the model as
 * sparse rows (CSR) and gives back the columns' values in the model's order, then solves the same
 * model again under other costs (the plan's variants) from the last basis.
 */
import highsModule from 'highs';
import type { ModeleLineaire, Solveur } from '../domain/plan-attribution.ts';

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
  return (m: ModeleLineaire, couts: readonly (readonly number[])[] = []) => {
    const n = m.colonnes.length;
    const starts = new Int32Array(m.contraintes.length + 1);
    let nnz = 0;
    m.contraintes.forEach((c, i) => {
      nnz += c.termes.length;
      starts[i + 1] = nnz;
    });
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    let k = 0;
    for (const c of m.contraintes)
      for (const [j, a] of c.termes) {
        indices[k] = j;
        values[k++] = a;
      }
    const bas = m.contraintes.map((c) => (c.sens === '<=' ? -highs.infinity : c.valeur));
    const haut = m.contraintes.map((c) => (c.sens === '>=' ? highs.infinity : c.valeur));
    return highs.withModel(
      {
        numCols: n,
        numRows: m.contraintes.length,
        colCost: m.colonnes.map((c) => c.cout),
        colLower: new Float64Array(n),
        colUpper: new Float64Array(n).fill(highs.infinity),
        rowLower: bas,
        rowUpper: haut,
        matrix: { format: 'csr', numRows: m.contraintes.length, numCols: n, starts, indices, values },
      },
      (modele) => {
        modele.options.set({ output_flag: false });
        const resoudre = () => {
          modele.run();
          const statut = modele.getModelStatus();
          // The model is elastic (every term has its slack): anything but an optimum is a bug, not an input problem.
          if (statut !== highs.constants.modelStatus.optimal)
            throw new Error(`le solveur linéaire n’a pas trouvé d’optimum (statut ${statut})`);
          return Array.from(modele.getSolution().colValue);
        };
        const solutions = [resoudre()];
        // Other costs on the same constraints: HiGHS starts again from the last basis.
        for (const c of couts) {
          modele.changeColsCost({ kind: 'range', from: 0, to: n - 1 }, Float64Array.from(c));
          solutions.push(resoudre());
        }
        return solutions;
      },
    );
  };
}
