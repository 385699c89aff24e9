/**
 * Abuse limits of the sign-in, and which proxies are trusted to say who the client is.
 *
 * - Per address: at most `limiteConnexion` attempts a minute from one client address
 *   (`@fastify/rate-limit`, keyed by `request.ip`). The address is the connection's own unless the
 *   connection comes from a proxy listed in `FLUX_PROXIES`: only then is `X-Forwarded-For` read.
 * - Per account: after `echecs` wrong passwords for one e-mail address within `fenetreMs`, that
 *   address is locked until the window ends, whatever the client's address; even the right
 *   password is refused meanwhile (else the lock would only slow the guessing down). A successful
 *   sign-in clears the count. The count is kept by each server instance in memory.
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FluxError } from '../domain/errors.ts';

/** Too many attempts: answered 429 with a `Retry-After` header and the time to retry in French. */
export class TropDeTentatives extends FluxError {
  readonly code = 'TROP_DE_TENTATIVES';
  readonly statusCode = 429;
  constructor(
    message: string,
    /** When the client may try again (epoch ms). */
    readonly reessayerA: number,
  ) {
    super(message);
  }
}

const HEURE_PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });

/** « dans 42 secondes (à 14:07) », « dans 15 minutes (à 14:22) ». */
export function delaiFrancais(maintenant: number, reessayerA: number): string {
  const s = Math.max(1, Math.ceil((reessayerA - maintenant) / 1000));
  const duree = s < 120 ? `${s} seconde${s > 1 ? 's' : ''}` : `${Math.ceil(s / 60)} minutes`;
  return `dans ${duree} (à ${HEURE_PARIS.format(new Date(reessayerA))})`;
}

/**
 * The proxies whose `X-Forwarded-For` is believed: a comma-separated list of IP addresses, CIDR
 * ranges or the words `loopback`, `linklocal`, `uniquelocal`; empty: none (the connection's own
 * address is the client's). A bad entry stops the start-up with its name.
 */
export function proxiesDepuisTexte(texte: string | undefined): string[] {
  const entrees = (texte ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entrees) {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(e)) continue;
    const [adresse, longueur, ...reste] = e.split('/');
    const version = isIP(adresse ?? '');
    const longueurValide =
      longueur === undefined ||
      (/^\d{1,3}$/.test(longueur) && Number(longueur) <= (version === 6 ? 128 : 32) && reste.length === 0);
    if (!version || !longueurValide)
      throw new Error(
        `FLUX_PROXIES : « ${e} » n’est ni une adresse IP, ni une plage CIDR (ex. 10.0.0.0/8), ni loopback/linklocal/uniquelocal`,
      );
  }
  return entrees;
}

export interface LimiteCompte {
  /** Wrong passwords allowed per account within the window (default 10). */
  echecs: number;
  /** Window of the count, and length of the lock (default 15 minutes). */
  fenetreMs: number;
}

export const LIMITE_COMPTE_PAR_DEFAUT: LimiteCompte = { echecs: 10, fenetreMs: 15 * 60_000 };

/** At most this many accounts followed in memory (a flood of invented addresses cannot grow it). */
const COMPTES_SUIVIS_MAX = 100_000;

/** Counts of wrong passwords by account (normalised e-mail address), in fixed windows. */
export class CompteurEchecs {
  private readonly comptes = new Map<string, { debut: number; echecs: number }>();
  constructor(
    private readonly limite: LimiteCompte,
    private readonly horloge: () => number = Date.now,
  ) {}

  private cle(email: string): string {
    return email.trim().toLowerCase();
  }

  /** When the account is locked: the time it may try again (epoch ms); else null. */
  verrouJusqua(email: string): number | null {
    const c = this.comptes.get(this.cle(email));
    if (!c) return null;
    const fin = c.debut + this.limite.fenetreMs;
    if (fin <= this.horloge()) {
      this.comptes.delete(this.cle(email));
      return null;
    }
    return c.echecs >= this.limite.echecs ? fin : null;
  }

  echec(email: string): void {
    const cle = this.cle(email);
    const maintenant = this.horloge();
    const c = this.comptes.get(cle);
    if (c && c.debut + this.limite.fenetreMs > maintenant) {
      c.echecs++;
      return;
    }
    if (this.comptes.size >= COMPTES_SUIVIS_MAX) {
      for (const [k, v] of this.comptes) if (v.debut + this.limite.fenetreMs <= maintenant) this.comptes.delete(k);
      // Still full of live counts: the oldest go first.
      while (this.comptes.size >= COMPTES_SUIVIS_MAX) this.comptes.delete(this.comptes.keys().next().value!);
    }
    this.comptes.set(cle, { debut: maintenant, echecs: 1 });
  }

  reussite(email: string): void {
    this.comptes.delete(this.cle(email));
  }
}

/** Sign-in route (`POST /api/session`): the body's e-mail, once validated. */
function emailDeConnexion(request: FastifyRequest): string | null {
  if (request.method !== 'POST' || request.routeOptions.url !== '/api/session') return null;
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email : null;
}

/**
 * The per-account lock of the password sign-in: checked before the password is (after the body is
 * validated), counted from the answer (401: a wrong password; 200: signed in).
 */
export function brancherLimiteCompte(app: FastifyInstance, limite: LimiteCompte, horloge = Date.now): void {
  const compteur = new CompteurEchecs(limite, horloge);
  app.addHook('preHandler', async (request) => {
    const email = emailDeConnexion(request);
    if (email === null) return;
    const jusqua = compteur.verrouJusqua(email);
    if (jusqua !== null)
      throw new TropDeTentatives(
        `trop de mots de passe erronés pour ce compte : connexion bloquée, réessayez ${delaiFrancais(horloge(), jusqua)}`,
        jusqua,
      );
  });
  app.addHook('onResponse', async (request, reply) => {
    const email = emailDeConnexion(request);
    if (email === null) return;
    if (reply.statusCode === 401) compteur.echec(email);
    else if (reply.statusCode === 200) compteur.reussite(email);
  });
}

/** The answer of the per-address limit (`@fastify/rate-limit`'s `errorResponseBuilder`). */
export function erreurLimiteAdresse(_request: FastifyRequest, contexte: { ttl: number }): TropDeTentatives {
  const maintenant = Date.now();
  const a = maintenant + contexte.ttl;
  return new TropDeTentatives(
    `trop de tentatives de connexion depuis cette adresse : réessayez ${delaiFrancais(maintenant, a)}`,
    a,
  );
}
