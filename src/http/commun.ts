/**
 * What every route file shares, and the only module a route file imports from `src/http` besides
 * `errors.ts` and `televersement.ts` (never `server.ts`, never another routes file: ADR 0030):
 * the server's options, who may call a route, the signed-in actor, the session cookie, the file
 * download header, and the one clock.
 *
 * The clock: "now", "today" and "this year" of a route come from the server's injected clock
 * (`OptionsServeur.horloge`, fixed by the tests; the system's otherwise) through `horlogeServeur`,
 * the day in Europe/Paris (`src/domain/calendrier.ts`). Use cases never read a clock: the route
 * hands them `maintenant` (or the day). Sessions' expiry, sign-in limits and log timestamps are
 * wall-clock timers, not the business day: they keep the system's clock.
 */
import type { FastifyReply } from 'fastify';
import type { SessionOuverte } from '../app/auth.ts';
import { DUREE_SESSION_MS } from '../app/auth.ts';
import type { Base } from '../app/base.ts';
import type { ConfigSmtp, Expediteur } from '../app/notifications.ts';
import type { Acteur, Role } from '../app/roles.ts';
import { anneeParis, jourParis } from '../domain/calendrier.ts';
import { TYPE_CSV } from '../reports/bilan-csv.ts';
import { TYPE_PDF } from '../reports/bilan-pdf.ts';
import { TYPE_XLSX } from '../reports/bilan-xlsx.ts';
import type { LimiteCompte } from './limites.ts';
import type { OptionsJournal } from './journal.ts';
import type { ConfigOidc } from '../app/proconnect.ts';

export const COOKIE_SESSION = 'flux_session';

/** Who may call a route: nobody signed in needed, any signed-in user, or these roles only. */
export type Acces = 'public' | 'connecte' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    acces?: Acces;
  }
  interface FastifyRequest {
    session: SessionOuverte | null;
  }
}

export interface OptionsServeur {
  base: Base;
  /** Built web app to serve at / (web/dist); none in API-only tests. */
  webDist?: string | undefined;
  /** Behind https: Secure cookies. */
  https?: boolean;
  /** JSON log: default from FLUX_JOURNAL (on unless `0`); false: off. */
  journal?: boolean | OptionsJournal;
  oidc?: ConfigOidc | null;
  /** Sign-in attempts allowed per minute and client address (default 10). */
  limiteConnexion?: number;
  /** Wrong passwords allowed per account before it is locked for a while (default 10 in 15 minutes). */
  limiteCompte?: LimiteCompte;
  /** Proxies whose X-Forwarded-For gives the client's address (IPs, CIDRs); default from FLUX_PROXIES, else none. */
  proxies?: readonly string[];
  /** OpenAPI document and Swagger UI without signing in; default FLUX_API_DOCS_PUBLIQUE=1, else signed-in users only. */
  docsPubliques?: boolean;
  /** Token required to read /metrics; default FLUX_METRICS_TOKEN; null: loopback only. */
  jetonMetriques?: string | null;
  /** SMTP for the notification e-mails; default from FLUX_SMTP_URL / FLUX_SMTP_FROM (off when unset); null: off. */
  smtp?: ConfigSmtp | null;
  /** Interval of the scheduled check (proposal deadlines, CAL offers), in ms (default 15 minutes); 0: not started. */
  verificationEcheancesMs?: number;
  /** The one clock of the routes and the scheduled check: dates decisions, decides "today" (tests fix it); default the system's. */
  horloge?: () => Date;
  /** Set by the server from `smtp`: what the routes send the e-mails with. */
  expediteur?: Expediteur | null;
  /** Set by the server: sends the pending e-mails, one run at a time. */
  expedier?: () => Promise<unknown>;
}

/** The signed-in actor of a route that is not public (the `onRequest` hook has checked the session). */
export function acteur(request: { session: SessionOuverte | null }): Acteur {
  return request.session!.acteur;
}

/** The server's clock, read by the routes: the instant, the day and the year in Europe/Paris. */
export interface Horloge {
  maintenant(): Date;
  /** Today in Europe/Paris, YYYY-MM-DD. */
  aujourdhui(): string;
  /** The current year in Europe/Paris. */
  anneeCourante(): number;
}

/** The one way a route knows "now": the injected clock (`options.horloge`), else the system's. */
export function horlogeServeur(options: Pick<OptionsServeur, 'horloge'>): Horloge {
  const maintenant = options.horloge ?? (() => new Date());
  return {
    maintenant,
    aujourdhui: () => jourParis(maintenant()),
    anneeCourante: () => anneeParis(maintenant()),
  };
}

/** `attachment` (or `inline`) with an ASCII file name and its French, UTF-8 form (RFC 6266). */
export function pieceJointe(ascii: string, francais: string, genre: 'attachment' | 'inline' = 'attachment'): string {
  return `${genre}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(francais)}`;
}

/** A French file name's ASCII form for the `filename` parameter (accents dropped, quotes replaced). */
export function nomAscii(nom: string): string {
  return nom
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
}

/** The bilan's download formats: its MIME type and what the OpenAPI document says of it. */
export const FORMATS_BILAN = {
  xlsx: { type: TYPE_XLSX, description: 'classeur XLSX : synthèse, une feuille par dimension, détail des locations' },
  csv: {
    type: TYPE_CSV,
    description:
      'table CSV (« ; », UTF-8 avec BOM) : une ligne par dimension × valeur × réservataire, et les totaux par ligne',
  },
  pdf: { type: TYPE_PDF, description: 'document PDF avec graphiques' },
} as const;

/** Sets the session cookie (httpOnly, SameSite=Lax) for the session's lifetime. */
export function poserCookieSession(reply: FastifyReply, id: string, secure: boolean): void {
  reply.setCookie(COOKIE_SESSION, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: DUREE_SESSION_MS / 1000,
  });
}
