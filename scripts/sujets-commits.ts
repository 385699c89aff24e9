// CI: the team's commit habit (issue 16 item 5, CONTRIBUTING in README): every commit after the
// rule was adopted has a subject of at most 72 characters, and every commit that is not a merge has
// a body saying why. Earlier history is left as it is (rewriting it would rewrite merges). A clone
// without that history (shallow, or an archive) cannot be checked: it says so and passes.
// Usage: node bin/run-ts.js scripts/sujets-commits.ts [--depuis COMMIT] [--dossier DIR]
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** The last commit before the rule was checked by CI; later commits must keep it. */
export const DEPUIS = '1c4c339';
export const LONGUEUR_MAX = 72;

export interface Commit {
  empreinte: string;
  sujet: string;
  corps: string;
  fusion: boolean;
}

/** What is wrong with each commit, in French (empty: all good). */
export function fautes(commits: readonly Commit[]): string[] {
  const f: string[] = [];
  for (const c of commits) {
    const court = c.empreinte.slice(0, 7);
    if ([...c.sujet].length > LONGUEUR_MAX)
      f.push(`${court} : sujet de ${[...c.sujet].length} caractères (au plus ${LONGUEUR_MAX}) « ${c.sujet} »`);
    if (!c.fusion && c.corps.trim() === '') f.push(`${court} : pas de corps qui dise pourquoi « ${c.sujet} »`);
  }
  return f;
}

function git(dossier: string, args: string[]): { code: number | null; sortie: string } {
  const r = spawnSync('git', args, { cwd: dossier, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, sortie: r.stdout ?? '' };
}

/** The commits after `depuis`, or null when the history does not hold it. */
export function commitsDepuis(dossier: string, depuis: string): Commit[] | null {
  if (git(dossier, ['cat-file', '-e', `${depuis}^{commit}`]).code !== 0) return null;
  const { code, sortie } = git(dossier, ['log', '--format=%H%x1f%P%x1f%s%x1f%b%x1e', `${depuis}..HEAD`]);
  if (code !== 0) return null;
  return sortie
    .split('\x1e')
    .map((bloc) => bloc.replace(/^\n/, ''))
    .filter((bloc) => bloc.trim() !== '')
    .map((bloc) => {
      const [empreinte = '', parents = '', sujet = '', corps = ''] = bloc.split('\x1f');
      return { empreinte, sujet, corps, fusion: parents.trim().split(' ').length > 1 };
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (nom: string) => {
    const i = process.argv.indexOf(nom);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const depuis = arg('--depuis') ?? DEPUIS;
  const commits = commitsDepuis(arg('--dossier') ?? process.cwd(), depuis);
  if (commits === null) {
    console.log(`!! historique sans le commit ${depuis} (clone superficiel ?) : sujets des commits NON vérifiés`);
    process.exit(0);
  }
  const f = fautes(commits);
  for (const l of f) console.error(l);
  console.log(
    `${commits.length} commit(s) depuis ${depuis} : ${f.length === 0 ? 'tous conformes' : `${f.length} faute(s)`}`,
  );
  process.exit(f.length === 0 ? 0 : 1);
}
