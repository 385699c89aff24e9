/**
 * Sign-in through ProConnect (OpenID Connect), wired behind configuration and off by default:
 * set FLUX_OIDC_ISSUER, FLUX_OIDC_CLIENT_ID, FLUX_OIDC_CLIENT_SECRET and FLUX_OIDC_REDIRECT_URI.
 * A ProConnect identity signs in to the Flux account with the same e-mail address.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { eq, asc } from 'drizzle-orm';
import { lireSession, DUREE_SESSION_MS } from '../app/auth.ts';
import { journaliser } from '../app/audit.ts';
import { NonAuthentifie } from '../app/errors.ts';
import { adhesions, sessions, utilisateurs } from '../db/schema.ts';
import type { OptionsServeur } from './commun.ts';

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

export async function enregistrerOidc(app: FastifyInstance, options: OptionsServeur): Promise<void> {
  const conf = options.oidc!;
  let configuration: client.Configuration | null = null;
  const config = async () =>
    (configuration ??= await client.discovery(new URL(conf.issuer), conf.clientId, conf.clientSecret));

  app.get(
    '/auth/proconnect',
    {
      config: { acces: 'public' },
      schema: { tags: ['session'], summary: 'Se connecter avec ProConnect (redirection)', hide: false },
    },
    async (_request, reply) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(await config(), {
        redirect_uri: conf.redirectUri,
        scope: 'openid email given_name usual_name',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      reply.setCookie('flux_oidc', JSON.stringify({ verifier, state, nonce }), {
        path: '/api/auth',
        httpOnly: true,
        sameSite: 'lax',
        secure: true,
        maxAge: 600,
      });
      return reply.redirect(url.href);
    },
  );

  app.get(
    '/auth/proconnect/retour',
    { config: { acces: 'public' }, schema: { tags: ['session'], summary: 'Retour de ProConnect' } },
    async (request, reply) => {
      const attendu = JSON.parse(request.cookies.flux_oidc ?? '{}') as {
        verifier?: string;
        state?: string;
        nonce?: string;
      };
      if (!attendu.verifier) throw new NonAuthentifie('connexion ProConnect expirée : recommencez');
      const jetons = await client.authorizationCodeGrant(await config(), new URL(request.url, conf.redirectUri), {
        pkceCodeVerifier: attendu.verifier,
        expectedState: attendu.state,
        expectedNonce: attendu.nonce,
      });
      const email = String(jetons.claims()?.email ?? '').toLowerCase();
      const id = await options.base.db.transaction(async (tx) => {
        const [u] = await tx.select().from(utilisateurs).where(eq(utilisateurs.email, email));
        if (!u || !u.actif) throw new NonAuthentifie(`aucun compte Flux actif pour ${email}`);
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
          expireLe: new Date(Date.now() + DUREE_SESSION_MS),
        });
        await journaliser(
          tx,
          { utilisateurId: u.id, organisationId: a.organisationId },
          { action: 'connexion.proconnect', cibleType: 'utilisateur', cibleId: u.id },
        );
        return sid;
      });
      if (!(await lireSession(options.base.db, id))) throw new NonAuthentifie();
      reply.clearCookie('flux_oidc', { path: '/api/auth' });
      reply.setCookie('flux_session', id, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: true,
        maxAge: DUREE_SESSION_MS / 1000,
      });
      return reply.redirect('/');
    },
  );
}
