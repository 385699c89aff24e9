/**
 * Probes: what the use cases report for the metrics (cache hits and misses, engine replays),
 * without depending on any metrics library. The server plugs its counters in (`brancherSondes`,
 * see src/http/metriques.ts); by default they do nothing (CLI, tests, benches).
 */

/** Which cache answered: the year's engine result (`annee`) or an HTTP answer (`reponse`). */
export type CacheSonde = 'annee' | 'reponse';

export interface Sondes {
  /** A cache lookup: found (`true`) or computed (`false`). */
  cache(cache: CacheSonde, trouve: boolean): void;
  /** One replay of a year by the engine, in milliseconds. */
  rejeu(dureeMs: number): void;
}

const rien: Sondes = { cache: () => undefined, rejeu: () => undefined };

/** The probes in force; use cases call `sondes.cache(…)` and `sondes.rejeu(…)`. */
export const sondes: Sondes = { ...rien };

/** Plugs `s` in (the server's metrics); `null` plugs the no-op probes back. */
export function brancherSondes(s: Sondes | null): void {
  Object.assign(sondes, s ?? rien);
}
