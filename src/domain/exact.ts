/**
 * Exact arithmetic for rates and entitlements.
 *
 * A rate is held as an integer number of millionths ("micro"): 0.3 → 300 000. An entitlement is
 * held in micro-units: taux × n is then an integer product, never a float that drifts
 * (0.12 × 90 gives 10.799999999999999 in floating point; 120 000 × 90 is exactly 10 800 000).
 * Values stay far below 2^53 for any realistic year (10^6 × 10^7 units).
 */

export const MICRO = 1_000_000;

/** The rate or quantity as an integer count of millionths, or null if it has more than 6 decimals. */
export function toMicro(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const scaled = value * MICRO;
  const rounded = Math.round(scaled);
  // The float product carries at most ~1e-9 of error for the magnitudes used here; anything
  // further from an integer is a seventh decimal, refused rather than silently rounded.
  if (Math.abs(scaled - rounded) > 1e-6) return null;
  return rounded;
}

/** A micro-unit quantity as a plain number rounded to 6 decimals, for output. */
export function fromMicro(micro: number): number {
  return Math.round(micro) / MICRO + 0; // + 0 turns -0 into 0
}

/**
 * Compares a/b with c/d for b, d > 0, exactly. Falls back to BigInt when the cross products
 * could exceed the safe integer range.
 */
export function compareFractions(a: number, b: number, c: number, d: number): number {
  const left = a * d;
  const right = c * b;
  if (Math.abs(left) < Number.MAX_SAFE_INTEGER && Math.abs(right) < Number.MAX_SAFE_INTEGER) {
    return left < right ? -1 : left > right ? 1 : 0;
  }
  const l = BigInt(a) * BigInt(d);
  const r = BigInt(c) * BigInt(b);
  return l < r ? -1 : l > r ? 1 : 0;
}

/** floor(a / b) for integers, b > 0, exact for negative a too. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}
