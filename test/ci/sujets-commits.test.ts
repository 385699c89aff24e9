/** The commit-habit check of CI (scripts/sujets-commits.ts) on a throw-away repository. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitsDepuis, fautes } from '../../scripts/sujets-commits.ts';

const dossier = mkdtempSync(join(tmpdir(), 'flux-commits-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }));
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=t@example.org', ...args], {
    cwd: dossier,
    encoding: 'utf8',
  }).trim();
function commit(message: string) {
  writeFileSync(join(dossier, 'f.txt'), message);
  git('add', '.');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

describe('sujets des commits (CI)', () => {
  git('init', '-q', '-b', 'main');
  const base = commit('Base\n\nAvant la règle.');
  const bon = commit('Un sujet court\n\nParce que la règle le veut.');
  commit(`${'x'.repeat(73)}\n\nCorps présent.`);
  commit('Sans corps');

  it('lit les commits après la base, sujets et corps', () => {
    const c = commitsDepuis(dossier, base)!;
    expect(c.map((x) => x.sujet)).toEqual(['Sans corps', 'x'.repeat(73), 'Un sujet court']);
    expect(c.find((x) => x.empreinte === bon)!.corps.trim()).toBe('Parce que la règle le veut.');
  });

  it('nomme le sujet trop long et le commit sans corps, pas le bon', () => {
    const f = fautes(commitsDepuis(dossier, base)!);
    expect(f).toHaveLength(2);
    expect(f[0]).toMatch(/pas de corps qui dise pourquoi « Sans corps »/);
    expect(f[1]).toMatch(/sujet de 73 caractères \(au plus 72\)/);
  });

  it('une fusion n’a pas besoin de corps ; 72 caractères passent', () => {
    expect(fautes([{ empreinte: 'a'.repeat(40), sujet: 'y'.repeat(72), corps: '', fusion: true }])).toEqual([]);
  });

  it('sans le commit de base dans l’historique, rien n’est vérifiable (null)', () => {
    expect(commitsDepuis(dossier, 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef')).toBeNull();
  });
});
