/**
 * Sign-in through ProConnect (OpenID Connect), the routes: the redirection to ProConnect and its
 * callback (discovery, PKCE, state and nonce). The account and the session are the use case's
 * (`connecterProConnect`, src/app/proconnect.ts). Wired behind configuration, off by default.
 */
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { NonAuthentifie } from '../app/errors.ts';
import { connecterProConnect } from '../app/proconnect.ts';
import { poserCookieSession, type OptionsServeur } from './commun.ts';

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
      const session = await options.base.db.transaction((tx) => connecterProConnect(tx, email));
      reply.clearCookie('flux_oidc', { path: '/api/auth' });
      // ProConnect only answers over https: the cookie is always Secure.
      poserCookieSession(reply, session.id, true);
      return reply.redirect('/');
    },
  );
}
