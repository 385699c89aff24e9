/**
 * Sign-in with a password (argon2id), sessions kept in the database (so any server instance can
 * serve any request), one CSRF token per session for state-changing requests.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { adhesions, organisations, sessions, utilisateurs } from '../db/schema.ts';
import { journaliser } from './audit.ts';
import { NonAuthentifie } from './errors.ts';
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
  return {
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
