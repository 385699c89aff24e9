/**
 * Prometheus metrics (`prom-client`), served at `/metrics`: HTTP request durations by method, route
 * template and status; the engine's replays of a year; cache hits and misses (the years' results
 * and the cached answers, through `src/app/sondes.ts`); the PostgreSQL pool; Node's own (memory,
 * event loop, GC). One registry for the process: the caches and the engine are the process's.
 *
 * Access: with `FLUX_METRICS_TOKEN` set, `Authorization: Bearer <jeton>` is required; without it,
 * only a client on the loopback that no proxy forwarded (no `X-Forwarded-For`) may read them.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { brancherSondes } from '../app/sondes.ts';
import { Interdit, NonAuthentifie } from '../app/errors.ts';
import type { Base } from '../app/base.ts';

interface Metriques {
  registre: Registry;
  http: Histogram<'methode' | 'route' | 'statut'>;
  /** The databases of the servers open, with how many servers use each. */
  bases: Map<Base, number>;
}

let metriques: Metriques | null = null;

/** The process's registry, created on first use (with the probes of the use cases plugged in). */
export function metriquesProcessus(): Metriques {
  if (metriques) return metriques;
  const registre = new Registry();
  collectDefaultMetrics({ register: registre, prefix: 'flux_' });
  const http = new Histogram({
    name: 'flux_http_requete_duree_secondes',
    help: 'Durée des requêtes HTTP, par méthode, modèle de route et statut',
    labelNames: ['methode', 'route', 'statut'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registre],
  });
  const rejeux = new Histogram({
    name: 'flux_moteur_rejeu_duree_secondes',
    help: 'Durée des rejeux d’une année par le moteur',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registre],
  });
  const caches = new Counter({
    name: 'flux_cache_total',
    help: 'Consultations des caches : résultat trouvé (hit) ou calculé (miss)',
    labelNames: ['cache', 'resultat'] as const,
    registers: [registre],
  });
  const bases = new Map<Base, number>();
  const etats = () => [...bases.keys()].map((b) => b.etatPool()).filter((e) => e !== null);
  const jauge = (name: string, help: string, lire: (e: NonNullable<ReturnType<Base['etatPool']>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registre],
      collect() {
        this.set(etats().reduce((s, e) => s + lire(e), 0));
      },
    });
  jauge('flux_pg_connexions', 'Connexions PostgreSQL ouvertes (pool)', (e) => e.ouvertes);
  jauge('flux_pg_connexions_inactives', 'Connexions PostgreSQL inactives (pool)', (e) => e.inactives);
  jauge('flux_pg_requetes_en_attente', 'Requêtes en attente d’une connexion PostgreSQL libre', (e) => e.enAttente);
  jauge('flux_pg_connexions_max', 'Taille maximale du pool PostgreSQL', (e) => e.max);
  brancherSondes({
    cache: (cache, trouve) => caches.inc({ cache, resultat: trouve ? 'hit' : 'miss' }),
    rejeu: (ms) => rejeux.observe(ms / 1000),
  });
  metriques = { registre, http, bases };
  return metriques;
}

const BOUCLE_LOCALE = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function jetonValide(attendu: string, entete: string | undefined): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(entete ?? '');
  if (!m) return false;
  const a = Buffer.from(attendu);
  const b = Buffer.from(m[1]!.trim());
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Who may read the metrics (see the module's comment); throws 401/403 otherwise. */
export function verifierAccesMetriques(request: FastifyRequest, jeton: string | null): void {
  if (jeton) {
    if (!jetonValide(jeton, request.headers.authorization))
      throw new NonAuthentifie('métriques : jeton absent ou invalide (en-tête Authorization: Bearer …)');
    return;
  }
  const local =
    BOUCLE_LOCALE.has(request.socket.remoteAddress ?? '') &&
    BOUCLE_LOCALE.has(request.ip) &&
    request.headers['x-forwarded-for'] === undefined;
  if (!local)
    throw new Interdit(
      'métriques réservées à la machine elle-même : définissez FLUX_METRICS_TOKEN pour les lire à distance',
    );
}

/** Times every request, serves `/metrics`, follows the database's pool until the server closes. */
export function brancherMetriques(app: FastifyInstance, base: Base, jeton: string | null): void {
  const m = metriquesProcessus();
  m.bases.set(base, (m.bases.get(base) ?? 0) + 1);
  app.addHook('onClose', async () => {
    const n = (m.bases.get(base) ?? 1) - 1;
    if (n > 0) m.bases.set(base, n);
    else m.bases.delete(base);
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // Unknown paths share one label: a scan of invented URLs cannot multiply the series.
    const route = request.routeOptions.url ?? '(aucune route)';
    m.http.observe({ methode: request.method, route, statut: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    verifierAccesMetriques(request, jeton);
    return reply.type(m.registre.contentType).send(await m.registre.metrics());
  });
}
