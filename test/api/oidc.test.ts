/** ProConnect (OpenID Connect) sign-in: off by default, wired when configured. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configOidcDepuisEnv } from '../../src/app/proconnect.ts';
import { construireServeur } from '../../src/http/server.ts';
import { ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';

describe('connexion ProConnect (OIDC)', () => {
  let t: BaseDeTest;
  beforeAll(async () => {
    t = await ouvrirBaseDeTest('pglite');
  }, 60_000);
  afterAll(() => t?.fermer());

  it('désactivée par défaut : sans les quatre variables, aucune configuration', () => {
    expect(configOidcDepuisEnv({})).toBeNull();
    expect(configOidcDepuisEnv({ FLUX_OIDC_ISSUER: 'https://idp.exemple' })).toBeNull();
    expect(
      configOidcDepuisEnv({
        FLUX_OIDC_ISSUER: 'https://idp.exemple',
        FLUX_OIDC_CLIENT_ID: 'flux',
        FLUX_OIDC_CLIENT_SECRET: 's',
        FLUX_OIDC_REDIRECT_URI: 'https://flux.exemple/api/auth/proconnect/retour',
      }),
    ).toEqual({
      issuer: 'https://idp.exemple',
      clientId: 'flux',
      clientSecret: 's',
      redirectUri: 'https://flux.exemple/api/auth/proconnect/retour',
    });
  });

  it('les routes ProConnect n’existent que si elle est configurée', async () => {
    const sans = await construireServeur({ base: t.base });
    expect((await sans.inject({ method: 'GET', url: '/api/auth/proconnect' })).statusCode).toBe(404);
    await sans.close();
    const avec = await construireServeur({
      base: t.base,
      docsPubliques: true,
      oidc: {
        issuer: 'https://idp.exemple',
        clientId: 'flux',
        clientSecret: 's',
        redirectUri: 'https://flux.exemple/api/auth/proconnect/retour',
      },
    });
    const doc = (await avec.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/proconnect', '/api/auth/proconnect/retour']),
    );
    // Without its state cookie, the return from ProConnect is refused before any network call.
    const r = await avec.inject({ method: 'GET', url: '/api/auth/proconnect/retour?code=x&state=y' });
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toMatch(/ProConnect/);
    await avec.close();
  });
});
