// CI: `npm audit --omit=dev` (the packages that run in production), time-boxed. Fails on any high
// or critical advisory; when the advisory service does not answer (offline, refused, too slow),
// says so loudly and passes: an outage of the service must not block every change, and the skip
// is visible in the CI log. Usage: node bin/run-ts.js scripts/audit-deps.ts [--delai-s 60]
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * The verdict on `npm audit --json`'s output: `echec` (high or critical advisories), `ok`, or
 * `indisponible` (no report: the service answered an error, or nothing parseable came back).
 */
type Compte = Partial<Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number>>;
export type VerdictAudit =
  | { verdict: 'indisponible'; raison: string }
  | { verdict: 'ok'; compte: Compte }
  | { verdict: 'echec'; graves: number; paquets: string[]; compte: Compte };

interface RapportAudit {
  message?: string;
  error?: { summary?: string };
  metadata?: { vulnerabilities?: Compte };
  vulnerabilities?: Record<string, { severity?: string }>;
}

export function verdictAudit(sortie: string, statut: number | null): VerdictAudit {
  let rapport: RapportAudit;
  try {
    rapport = JSON.parse(sortie) as RapportAudit;
  } catch {
    return { verdict: 'indisponible', raison: statut === null ? 'délai dépassé' : 'réponse illisible' };
  }
  const v = rapport?.metadata?.vulnerabilities;
  if (!v || typeof v !== 'object') {
    const raison = rapport?.message || rapport?.error?.summary || 'aucun rapport';
    return { verdict: 'indisponible', raison: String(raison).slice(0, 200) };
  }
  const graves = (v.high ?? 0) + (v.critical ?? 0);
  const paquets = Object.entries(rapport.vulnerabilities ?? {})
    .filter(([, a]) => a?.severity === 'high' || a?.severity === 'critical')
    .map(([nom, a]) => `${nom} (${a.severity})`);
  return graves > 0 ? { verdict: 'echec', graves, paquets, compte: v } : { verdict: 'ok', compte: v };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--delai-s');
  const delai = i > 0 ? Number(process.argv[i + 1]) : 60;
  const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    encoding: 'utf8',
    timeout: delai * 1000,
    maxBuffer: 64 << 20,
  });
  const v = verdictAudit(r.stdout ?? '', r.signal ? null : r.status);
  if (v.verdict === 'indisponible') {
    console.log('');
    console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    console.log(`!! npm audit IGNORÉ : le service des avis de sécurité ne répond pas (${v.raison}).`);
    console.log('!! Les dépendances de production n’ont PAS été vérifiées dans cette exécution.');
    console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!');
    console.log('');
    process.exit(0);
  }
  const c = v.compte;
  console.log(
    `npm audit (production) : ${c.critical ?? 0} critique(s), ${c.high ?? 0} haute(s), ${c.moderate ?? 0} moyenne(s), ${c.low ?? 0} basse(s)`,
  );
  if (v.verdict === 'echec') {
    console.error(`avis de sécurité hauts ou critiques : ${v.paquets.join(', ')}`);
    spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high'], { stdio: 'inherit', timeout: delai * 1000 });
    process.exit(1);
  }
}
