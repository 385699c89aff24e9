/**
 * Sign-in through ProConnect (OpenID Connect), the use case: a ProConnect identity opens a session
 * of the Flux account with the same e-mail address (active, attached to an organisation), audited.
 * The OpenID exchange itself (discovery, PKCE, the callback) is the route's, in src/http/oidc.ts.
 * Off by default: set FLUX_OIDC_ISSUER, FLUX_OIDC_CLIENT_ID, FLUX_OIDC_CLIENT_SECRET and
 * FLUX_OIDC_REDIRECT_URI.
 */
import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { adhesions, sessions, utilisateurs } from '../db/schema.ts';
import { journaliser } from './audit.ts';
import { DUREE_SESSION_MS, lireSession, type SessionOuverte } from './auth.ts';
import { NonAuthentifie } from './errors.ts';

export interface ConfigOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export function configOidcDepuisEnv(env: NodeJS.ProcessEnv): ConfigOidc | null {
  const {
    FLUX_OIDC_ISSUER: issuer,
    FLUX_OIDC_CLIENT_ID: clientId,
    FLUX_OIDC_CLIENT_SECRET: clientSecret,
    FLUX_OIDC_REDIRECT_URI: redirectUri,
  } = env;
  return issuer && clientId && clientSecret && redirectUri ? { issuer, clientId, clientSecret, redirectUri } : null;
}

/**
 * Opens a session for the account of this e-mail (as ProConnect vouched for it): refused when no
 * active account has it or when it belongs to no organisation. The session is that of its first
 * organisation, like a password sign-in (src/app/auth.ts).
 */
export async function connecterProConnect(tx: Tx, email: string, maintenant = new Date()): Promise<SessionOuverte> {
  const adresse = email.toLowerCase();
  const [u] = await tx.select().from(utilisateurs).where(eq(utilisateurs.email, adresse));
  if (!u || !u.actif) throw new NonAuthentifie(`aucun compte Flux actif pour ${adresse}`);
  const [a] = await tx
    .select()
    .from(adhesions)
    .where(eq(adhesions.utilisateurId, u.id))
    .orderBy(asc(adhesions.organisationId))
    .limit(1);
  if (!a) throw new NonAuthentifie('ce compte n’est rattaché à aucune organisation');
  const sid = randomBytes(32).toString('hex');
  await tx.insert(sessions).values({
    id: sid,
    utilisateurId: u.id,
    organisationId: a.organisationId,
    csrf: randomBytes(24).toString('hex'),
    expireLe: new Date(maintenant.getTime() + DUREE_SESSION_MS),
  });
  await journaliser(
    tx,
    { utilisateurId: u.id, organisationId: a.organisationId },
    { action: 'connexion.proconnect', cibleType: 'utilisateur', cibleId: u.id },
    maintenant,
  );
  const session = await lireSession(tx, sid, maintenant);
  if (!session) throw new NonAuthentifie();
  return session;
}
