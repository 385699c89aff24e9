/**
 * Seeded randomness, identical on every platform: the demo's generator and the Monte Carlo year
 * (`planification.ts`) draw from it, so that a seed gives the same year everywhere. Pure.
 */

/** mulberry32: a small 32-bit PRNG, identical on every platform (as in examples/lib/synthetic.ts). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator's whole state: `new Rng(rng.etat)` draws from here on what `rng` would (a worker resumes a sequence). */
  get etat(): number {
    return this.state;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('tirage dans une liste vide');
    return item;
  }

  /** A key drawn with the given weights (they need not sum to 1). */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let u = this.next() * total;
    for (const [key, w] of entries) {
      if (u < w) return key;
      u -= w;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error('tirage pondéré sans poids');
    return last[0];
  }

  /** `k` distinct indices of [0, n), in draw order (partial Fisher–Yates). */
  sample(n: number, k: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    const m = Math.min(k, n);
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const a = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = a;
    }
    return idx.slice(0, m);
  }

  /** `n` decimal digits. */
  chiffres(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}
