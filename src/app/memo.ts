/**
 * Read results kept in memory until the data changes. Every write is audited in the same
 * transaction, so the audit trail's last sequence number is a global data version. This instance
 * reads it at most every VERSION_TTL_MS, and forgets it as soon as one of its own writes is
 * answered (`oublierVersion`): its users always read their own writes; a write made through
 * another instance shows within VERSION_TTL_MS (and acting on a stale page is refused by the
 * vacancy's version lock, never applied twice).
 */
import { max } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { evenementsAudit } from '../db/schema.ts';
import { sondes } from './sondes.ts';

const TAILLE_MAX = 2_000;

export const VERSION_TTL_MS = 250;

/**
 * One cache per database handle: two servers of one process on two databases (the tests run
 * PGlite and PostgreSQL side by side) never read each other's answers.
 */
interface Cache {
  memoire: Map<string, { version: number; valeur: Promise<unknown> }>;
  versionLue: { valeur: number; jusqua: number } | null;
}
const caches = new WeakMap<object, Cache>();
const cacheDe = (tx: Tx): Cache => {
  let c = caches.get(tx);
  if (!c) caches.set(tx, (c = { memoire: new Map(), versionLue: null }));
  return c;
};

export async function versionDonnees(tx: Tx): Promise<number> {
  const c = cacheDe(tx);
  const maintenant = Date.now();
  if (c.versionLue && c.versionLue.jusqua > maintenant) return c.versionLue.valeur;
  const [r] = await tx.select({ v: max(evenementsAudit.seq) }).from(evenementsAudit);
  const valeur = Number(r?.v ?? 0);
  c.versionLue = { valeur, jusqua: maintenant + VERSION_TTL_MS };
  return valeur;
}

/** After a write of this instance on `db`: the next read asks the database for the version again. */
export function oublierVersion(db: Tx): void {
  cacheDe(db).versionLue = null;
}

/**
 * The cached value of `cle` if no write happened since, else `calcul()` (then cached). Concurrent
 * requests for the same missing value share one computation.
 */
export async function memoiser<T>(tx: Tx, cle: string, calcul: () => Promise<T>): Promise<T> {
  const { memoire } = cacheDe(tx);
  const version = await versionDonnees(tx);
  const deja = memoire.get(cle);
  sondes.cache('reponse', deja?.version === version);
  if (deja && deja.version === version) return deja.valeur as Promise<T>;
  const valeur = calcul();
  if (memoire.size >= TAILLE_MAX) memoire.delete(memoire.keys().next().value!);
  memoire.set(cle, { version, valeur });
  // A failed computation is not kept: the next request tries again.
  valeur.catch(() => {
    if (memoire.get(cle)?.valeur === valeur) memoire.delete(cle);
  });
  return valeur;
}

/** Like `memoiser`, for an HTTP answer: checked once against its contract, serialised once. */
export async function memoiserJson<T>(
  tx: Tx,
  cle: string,
  contrat: { parse(v: unknown): T },
  calcul: () => Promise<T>,
): Promise<string> {
  return memoiser(tx, `json|${cle}`, async () => JSON.stringify(contrat.parse(await calcul())));
}
