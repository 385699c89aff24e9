/**
 * The in-process queue of a bailleur's year (issue 15 item 6): writes of one key run one at a time
 * in arrival order, before taking a connection; a failed write lets the next one run; other keys
 * are not held; nothing stays queued afterwards.
 */
import { describe, expect, it } from 'vitest';
import { cleFileEcritures, ecrituresEnFile, enFileDEcriture } from '../../src/app/verrou-annee.ts';

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

describe('file des écritures d’une année (avant la connexion)', () => {
  it('une à la fois, dans l’ordre d’arrivée ; un échec laisse passer la suivante ; les autres clés ne sont pas tenues', async () => {
    const cle = cleFileEcritures('HLD', 2026);
    const journal: string[] = [];
    const a = differe();
    const b = differe();
    const c = differe();
    const ecrire = (nom: string, d: ReturnType<typeof differe>, k = cle) =>
      enFileDEcriture(k, async () => {
        journal.push(`début ${nom}`);
        await d.promesse;
        journal.push(`fin ${nom}`);
        return nom;
      });
    const pa = ecrire('a', a);
    const pb = ecrire('b', b);
    const pc = ecrire('c', c);
    const autre = differe();
    const pAutre = ecrire('autre', autre, cleFileEcritures('VLL', 2026));
    await tick();
    // a runs, b and c wait; the other bailleur's write is not held behind them.
    expect(journal).toEqual(['début a', 'début autre']);
    expect(ecrituresEnFile()).toBe(2);
    b.tenir(); // b's work is ready, but it has not started: still behind a
    await tick();
    expect(journal).toEqual(['début a', 'début autre']);
    a.echouer(new Error('refus'));
    await expect(pa).rejects.toThrow('refus');
    await expect(pb).resolves.toBe('b');
    await tick();
    expect(journal).toEqual(['début a', 'début autre', 'début b', 'fin b', 'début c']);
    c.tenir();
    autre.tenir();
    await expect(pc).resolves.toBe('c');
    await expect(pAutre).resolves.toBe('autre');
    expect(ecrituresEnFile()).toBe(0);
  });
});
