/** The years' result cache keeps the most recently used years only (bounded memory on a national server). */
import { describe, expect, it } from 'vitest';
import { garderRecent } from '../../src/app/annee.ts';

describe('cache des années (LRU)', () => {
  it('garde les plus récemment utilisées et oublie la plus ancienne au-delà du maximum', () => {
    const m = new Map<string, number>();
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      garderRecent(m, k, v, 3);
    garderRecent(m, 'a', 1, 3); // a relue : la plus récente
    expect(garderRecent(m, 'd', 4, 3)).toBe(4);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
    garderRecent(m, 'c', 30, 3);
    expect([...m.entries()]).toEqual([
      ['a', 1],
      ['d', 4],
      ['c', 30],
    ]);
  });
});
