/**
 * Sign-in with a password (argon2id), sessions kept in the database (so any server instance can
 * serve any request), one CSRF token per session for state-changing requests.
 *
 * Each instance keeps the sessions it has read (`sessionDeRequete`, ADR 0046): a request with a
 * cached session makes no query. The cached expiry is checked at every request; a sign-out or a
 * deactivation through this instance drops the session at once (`oublierSessions`); one through
 * another instance or the command line is seen when this instance next reads the data version
 * (at most `VERSION_TTL_MS` later): its audit event names the account, whose sessions are re-read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { adhesions, organisations, sessions, utilisateurs } from '../db/schema.ts';
import { journaliser } from './audit.ts';
import { NonAuthentifie } from './errors.ts';
import { oublierVersion, sessionTientToujours, versionSuivie } from './memo.ts';
import type { Acteur, Role } from './roles.ts';

export const DUREE_SESSION_MS = 12 * 3600 * 1000;

export interface SessionOuverte {
  id: string;
  csrf: string;
  acteur: Acteur;
  utilisateur: { id: string; email: string; nom: string };
  organisation: {
    id: string;
    nom: string;
    categorie: string;
    typeReservataire: string | null;
    departement: string | null;
  };
}

// A hash to verify against when the e-mail is unknown, so both paths take the same time.
const HASH_LEURRE = '$argon2id$v=19$m=19456,t=2,p=1$Jh6XG7rU/BuTRiSsGokN3g$WmfNtFfUF2NwXl2YVgT3p7/ChCp/Kem7D+wjIuLfe2M';

export async function connecter(
  tx: Tx,
  email: string,
  motDePasse: string,
  maintenant = new Date(),
): Promise<SessionOuverte> {
  const [u] = await tx.select().from(utilisateurs).where(eq(utilisateurs.email, email.trim().toLowerCase()));
  const ok = await verify(u?.motDePasse ?? HASH_LEURRE, motDePasse).catch(() => false);
  if (!u || !u.actif || !u.motDePasse || !ok)
    throw new NonAuthentifie('adresse électronique ou mot de passe incorrect');
  const [a] = await tx
    .select()
    .from(adhesions)
    .where(eq(adhesions.utilisateurId, u.id))
    .orderBy(asc(adhesions.organisationId))
    .limit(1);
  if (!a) throw new NonAuthentifie('ce compte n’est rattaché à aucune organisation');
  const id = randomBytes(32).toString('hex');
  const csrf = randomBytes(24).toString('hex');
  await tx.insert(sessions).values({
    id,
    utilisateurId: u.id,
    organisationId: a.organisationId,
    csrf,
    expireLe: new Date(maintenant.getTime() + DUREE_SESSION_MS),
  });
  await journaliser(
    tx,
    { utilisateurId: u.id, organisationId: a.organisationId },
    { action: 'connexion', cibleType: 'utilisateur', cibleId: u.id },
    maintenant,
  );
  const session = await lireSession(tx, id, maintenant);
  return session!;
}

export async function lireSession(tx: Tx, id: string, maintenant = new Date()): Promise<SessionOuverte | null> {
  return (await lireSessionEtExpiration(tx, id, maintenant))?.session ?? null;
}

async function lireSessionEtExpiration(
  tx: Tx,
  id: string,
  maintenant: Date,
): Promise<{ session: SessionOuverte; expireLe: number } | null> {
  const [r] = await tx
    .select({ session: sessions, utilisateur: utilisateurs, organisation: organisations, adhesion: adhesions })
    .from(sessions)
    .innerJoin(utilisateurs, eq(utilisateurs.id, sessions.utilisateurId))
    .innerJoin(organisations, eq(organisations.id, sessions.organisationId))
    .innerJoin(
      adhesions,
      and(eq(adhesions.utilisateurId, sessions.utilisateurId), eq(adhesions.organisationId, sessions.organisationId)),
    )
    .where(and(eq(sessions.id, id), gt(sessions.expireLe, maintenant), eq(utilisateurs.actif, true)));
  if (!r) return null;
  const session: SessionOuverte = {
    id,
    csrf: r.session.csrf,
    acteur: {
      utilisateurId: r.utilisateur.id,
      organisationId: r.organisation.id,
      role: r.adhesion.role as Role,
      departement: r.organisation.departement,
      epci: r.organisation.categorie === 'epci' ? (r.organisation.epci ?? r.organisation.siren) : null,
    },
    utilisateur: { id: r.utilisateur.id, email: r.utilisateur.email, nom: r.utilisateur.nom },
    organisation: {
      id: r.organisation.id,
      nom: r.organisation.nom,
      categorie: r.organisation.categorie,
      typeReservataire: r.organisation.typeReservataire,
      departement: r.organisation.departement,
    },
  };
  return { session, expireLe: r.session.expireLe.getTime() };
}

/** Sessions kept by an instance: how many at most (the oldest read goes first). */
const SESSIONS_EN_CACHE = 10_000;

/**
 * A cached session is read again from the database after this long whatever the audit trail says:
 * the bound for a change made behind the application's back (SQL by hand, which no audit event
 * names). Changes made through Flux are seen at once (this instance) or within `VERSION_TTL_MS`.
 */
export const SESSION_RELUE_MS = 60_000;

interface SessionEnCache {
  session: SessionOuverte;
  expireLe: number;
  /** When it was read from the database (ms). */
  luLe: number;
  /** The data version (`versionSuivie`) read before the session was. */
  version: number;
}

/** One cache per database handle, like the answers' (`memo.ts`). */
const sessionsEnCache = new WeakMap<object, { parId: Map<string, SessionEnCache>; generation: number }>();
const cacheSessions = (db: Tx) => {
  let c = sessionsEnCache.get(db);
  if (!c) sessionsEnCache.set(db, (c = { parId: new Map(), generation: 0 }));
  return c;
};

/**
 * The session of a request's cookie: from this instance's cache when nothing since it was read
 * concerns its account and it has not expired (no query), else from the database. Null when it is
 * unknown, closed, expired or its account deactivated.
 */
export async function sessionDeRequete(db: Tx, id: string, maintenant = new Date()): Promise<SessionOuverte | null> {
  const c = cacheSessions(db);
  // Read before the session: a change committed after this read has a later version, so is seen.
  const version = await versionSuivie(db);
  const e = c.parId.get(id);
  if (e) {
    if (e.expireLe <= maintenant.getTime()) {
      c.parId.delete(id);
      return null;
    }
    if (
      e.luLe + SESSION_RELUE_MS > Date.now() &&
      e.version <= version &&
      sessionTientToujours(db, e.session.acteur.utilisateurId, e.version, version)
    ) {
      e.version = version;
      return e.session;
    }
    c.parId.delete(id);
  }
  const generation = c.generation;
  const lu = await lireSessionEtExpiration(db, id, maintenant);
  if (!lu) return null;
  // A session dropped by this instance while it was being read is not put back.
  if (c.generation === generation) {
    if (c.parId.size >= SESSIONS_EN_CACHE) c.parId.delete(c.parId.keys().next().value!);
    c.parId.set(id, { ...lu, luLe: Date.now(), version });
  }
  return lu.session;
}

/**
 * Drops this instance's cached sessions — one (a sign-out) or all of an account (deactivated) —
 * once the change is committed: the next request reads them from the database. A read of the
 * session begun before is not cached.
 */
export function oublierSessions(db: Tx, quoi: { id: string } | { utilisateurId: string }): void {
  const c = cacheSessions(db);
  c.generation++;
  for (const [id, e] of c.parId)
    if ('id' in quoi ? id === quoi.id : e.session.acteur.utilisateurId === quoi.utilisateurId) c.parId.delete(id);
  oublierVersion(db);
}

export async function deconnecter(tx: Tx, session: SessionOuverte): Promise<void> {
  await tx.delete(sessions).where(eq(sessions.id, session.id));
  await journaliser(tx, session.acteur, {
    action: 'deconnexion',
    cibleType: 'utilisateur',
    cibleId: session.acteur.utilisateurId,
  });
}

export function csrfValide(session: SessionOuverte, jeton: string | undefined): boolean {
  if (!jeton) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(jeton);
  return a.length === b.length && timingSafeEqual(a, b);
}
