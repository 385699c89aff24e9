/**
 * The in-process batches of a bailleur's year (issue 15 item 6): what arrived together makes one
 * batch, those that arrive while it runs make the next one, in arrival order; each element gets its own answer
 * or refusal; a batch that fails refuses its elements and lets the next batch run; other keys are
 * not held; nothing stays queued afterwards.
 */
import { describe, expect, it, vi } from 'vitest';
import { cleFileEcritures, ecrituresEnFile, enLot, type Issue } from '../../src/app/verrou-annee.ts';

function differe(): { promesse: Promise<void>; tenir: () => void; echouer: (e: Error) => void } {
  let tenir!: () => void;
  let echouer!: (e: Error) => void;
  const promesse = new Promise<void>((r, j) => {
    tenir = r;
    echouer = j;
  });
  return { promesse, tenir, echouer };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('lots des écritures d’une année (avant la connexion)', () => {
  it('ce qui arrive pendant un lot fait le suivant, dans l’ordre ; chacune sa réponse ; les autres clés ne sont pas tenues', async () => {
    const cle = cleFileEcritures('HLD', 2026);
    const lots: string[][] = [];
    const suites = [differe(), differe(), differe()];
    // Each batch waits for its own signal, then answers each element, refusing those named « refus… ».
    const traiter = async (noms: string[]): Promise<Issue<string>[]> => {
      const d = suites[lots.length]!;
      lots.push(noms);
      await d.promesse;
      return noms.map((n) =>
        n.startsWith('refus') ? { erreur: new Error(`refusée : ${n}`) } : { ok: n.toUpperCase() },
      );
    };
    const pa = enLot(cle, 'a', traiter);
    // a's batch has begun (a batch first lets the event loop turn twice).
    await vi.waitFor(() => expect(lots).toHaveLength(1));
    const pb = enLot(cle, 'b', traiter);
    const pRefus = enLot(cle, 'refus-c', traiter);
    const pd = enLot(cle, 'd', traiter);
    const autre = differe();
    const pAutre = enLot(cleFileEcritures('VLL', 2026), 'autre', async (noms: string[]) => {
      await autre.promesse;
      return noms.map((n) => ({ ok: n }));
    });
    await tick();
    // a runs; b, c and d, arrived meanwhile, wait for it; the other bailleur's write is not held behind them.
    expect(lots).toEqual([['a']]);
    expect(ecrituresEnFile()).toBe(2);
    autre.tenir();
    await expect(pAutre).resolves.toBe('autre');
    suites[0]!.tenir();
    await expect(pa).resolves.toBe('A');
    await vi.waitFor(() => expect(lots).toHaveLength(2));
    // Those that arrived meanwhile: one batch, in arrival order; each gets its own answer.
    expect(lots).toEqual([['a'], ['b', 'refus-c', 'd']]);
    const pe = enLot(cle, 'e', traiter);
    suites[1]!.tenir();
    await expect(pb).resolves.toBe('B');
    await expect(pRefus).rejects.toThrow('refusée : refus-c');
    await expect(pd).resolves.toBe('D');
    await vi.waitFor(() => expect(lots).toHaveLength(3));
    expect(lots).toEqual([['a'], ['b', 'refus-c', 'd'], ['e']]);
    // A batch that fails as a whole refuses each of its elements; the key is then free.
    suites[2]!.echouer(new Error('base indisponible'));
    await expect(pe).rejects.toThrow('base indisponible');
    expect(ecrituresEnFile()).toBe(0);
  });

  it('ce qui arrive ensemble fait un lot, qui ne dépasse pas sa taille : le reste attend le suivant', async () => {
    const cle = cleFileEcritures('GBH', 2026);
    const tailles: number[] = [];
    const premier = differe();
    const traiter = async (ns: number[]): Promise<Issue<number>[]> => {
      tailles.push(ns.length);
      if (tailles.length === 1) await premier.promesse;
      return ns.map((n) => ({ ok: n * 2 }));
    };
    // Asked in the same turn: all queued before the first batch begins.
    const promesses = Array.from({ length: 8 }, (_, i) => enLot(cle, i, traiter, 3));
    premier.tenir();
    expect(await Promise.all(promesses)).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(tailles).toEqual([3, 3, 2]);
    expect(ecrituresEnFile()).toBe(0);
  });
});
