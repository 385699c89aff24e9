/**
 * The server's log: JSON lines (pino, Fastify's own), on by default. One line per answered request
 * with its id, method, route template, status, duration and the signed-in user's id — never the
 * URL (its query may carry names), an address, a header, a cookie, a body or a token. Errors carry
 * their type, message, code and stack; the parameters of a failed query are cut out (they may be
 * personal data). `FLUX_JOURNAL=0` silences it (the test harnesses), `FLUX_JOURNAL=debug|info|warn|error`
 * sets its level (1 = info).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';

export type NiveauJournal = 'debug' | 'info' | 'warn' | 'error';

export interface OptionsJournal {
  niveau?: NiveauJournal;
  /** Where the lines go (default standard output): tests read them. */
  destination?: { write(ligne: string): void };
}

/** `FLUX_JOURNAL`: unset or 1 → info; 0 → off; a level name → that level. */
export function journalDepuisEnv(valeur: string | undefined): OptionsJournal | false {
  const v = (valeur ?? '').trim().toLowerCase();
  if (v === '0' || v === 'false' || v === 'non') return false;
  if (v === '' || v === '1' || v === 'true' || v === 'oui') return { niveau: 'info' };
  if (['debug', 'info', 'warn', 'error'].includes(v)) return { niveau: v as NiveauJournal };
  throw new Error(`FLUX_JOURNAL : « ${valeur} » attendu 0, 1, debug, info, warn ou error`);
}

/** A failed Drizzle query says "Failed query: … params: …": the parameters are cut out. */
function sansParametres(texte: string): string {
  return texte.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, '\nparams: [retirés du journal]');
}

type ErreurJournal = {
  type: string;
  message: string;
  code?: string;
  stack: string;
  cause?: ErreurJournal;
  [autre: string]: unknown;
};

/** An error as logged: no `detail`, `where`, parameters or other fields that may hold data. */
export function erreurJournal(e: unknown, profondeur = 0): ErreurJournal {
  if (!(e instanceof Error)) return { type: typeof e, message: sansParametres(String(e)), stack: '' };
  const code = (e as { code?: unknown }).code;
  const r: ErreurJournal = {
    type: e.constructor?.name ?? 'Error',
    message: sansParametres(e.message),
    ...(typeof code === 'string' ? { code } : {}),
    stack: sansParametres(e.stack ?? ''),
  };
  if (e.cause !== undefined && profondeur < 3) r.cause = erreurJournal(e.cause, profondeur + 1);
  return r;
}

/** A request id given by a proxy (`X-Request-Id`) when it is plain enough, else a new one. */
function idRequete(req: IncomingMessage): string {
  const donne = req.headers['x-request-id'];
  return typeof donne === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(donne) ? donne : randomUUID();
}

/** Fastify's logger and request-id options for `Fastify({...})`. */
export function optionsLogger(journal: OptionsJournal | false): Partial<FastifyServerOptions> {
  return {
    genReqId: idRequete,
    // The one line per request is ours (`brancherJournal`): Fastify's own carry the URL and the address.
    logController: new LogController({ requestIdLogLabel: 'requete', disableRequestLogging: true }),
    logger: journal
      ? {
          level: journal.niveau ?? 'info',
          base: { service: 'flux' },
          timestamp: () => `,"time":"${new Date().toISOString()}"`,
          messageKey: 'message',
          formatters: { level: (label: string) => ({ niveau: label }) },
          serializers: { err: (e: unknown) => erreurJournal(e), error: (e: unknown) => erreurJournal(e) },
          // `log.error(err)` alone takes the error's message as the line's: without its query parameters.
          hooks: {
            logMethod(args: unknown[], method: (...a: unknown[]) => void) {
              const [premier, second] = args;
              if (premier instanceof Error && typeof second !== 'string')
                return method.apply(this, [premier, sansParametres(premier.message), ...args.slice(1)]);
              return method.apply(this, args);
            },
          },
          ...(journal.destination ? { stream: journal.destination } : {}),
        }
      : false,
  };
}

/** Probes and scrapes: logged at debug level only, not to drown the log. */
const ROUTES_DISCRETES = new Set(['/api/sante', '/api/sante/pret', '/metrics']);

/** The line of each answered request, and the request id sent back (`X-Request-Id`). */
export function brancherJournal(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? null;
    const ligne = {
      methode: request.method,
      route: route ?? '(aucune route)',
      statut: reply.statusCode,
      dureeMs: Math.round(reply.elapsedTime * 10) / 10,
      ...(request.session ? { utilisateur: request.session.acteur.utilisateurId } : {}),
    };
    if (route && ROUTES_DISCRETES.has(route)) request.log.debug(ligne, 'requête');
    else request.log.info(ligne, 'requête');
  });
}
