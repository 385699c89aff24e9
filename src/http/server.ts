/**
 * The HTTP server: Fastify + zod (validation and OpenAPI from the same schemas), thin routes that
 * validate and call one use case in one transaction. Security: helmet headers, session cookie
 * (httpOnly, SameSite=Lax, Secure behind https), CSRF token on state-changing requests,
 * sign-in limited per address and per account (`limites.ts`), deny-by-default access declared on
 * every route (`config.acces`), `Cache-Control: no-store` on every API answer, the OpenAPI
 * document for signed-in users only (unless `FLUX_API_DOCS_PUBLIQUE=1`). Operations: JSON log
 * (`journal.ts`), health (`routes-exploitation.ts`), Prometheus metrics (`metriques.ts`).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { csrfValide, sessionDeRequete } from '../app/auth.ts';
import { brancherNotificationsCal } from '../app/cal.ts';
import { Interdit, NonAuthentifie } from '../app/errors.ts';
import { oublierVersion } from '../app/memo.ts';
import {
  configSmtpDepuisEnv,
  creerExpediteur,
  expedierNotifications,
  notifierResultatCal,
} from '../app/notifications.ts';
import { verificationPlanifiee } from '../app/verification.ts';
import { COOKIE_SESSION, horlogeServeur, type OptionsServeur } from './commun.ts';
import { controlerEntrees } from './entrees.ts';
import { gestionnaireErreurs } from './errors.ts';
import { brancherJournal, journalDepuisEnv, optionsLogger } from './journal.ts';
import { brancherLimiteCompte, erreurLimiteAdresse, LIMITE_COMPTE_PAR_DEFAUT, proxiesDepuisTexte } from './limites.ts';
import { brancherMetriques } from './metriques.ts';
import { enregistrerRoutesExploitation } from './routes-exploitation.ts';
import { enregistrerOidc } from './oidc.ts';
import { enregistrerRoutes } from './routes.ts';
import { enregistrerRoutesBilan } from './routes-bilan.ts';
import { enregistrerRoutesBilanEmission } from './routes-bilan-emission.ts';
import { enregistrerRoutesCal } from './routes-cal.ts';
import { enregistrerRoutesConventions } from './routes-conventions.ts';
import { enregistrerRoutesFlux } from './routes-flux.ts';
import { enregistrerRoutesListes } from './routes-listes.ts';
import { enregistrerRoutesOrientation } from './routes-orientation.ts';
import { enregistrerRoutesPatrimoine } from './routes-patrimoine.ts';
import { enregistrerRoutesTerritoire } from './routes-territoire.ts';
import { enregistrerRoutesPieces } from './routes-pieces.ts';
import { enregistrerRoutesTableaux } from './routes-tableaux.ts';
import { enregistrerRoutesATraiter } from './routes-a-traiter.ts';
import { enregistrerRoutesCotation } from './routes-cotation.ts';
import { enregistrerRoutesCaleol } from './routes-caleol.ts';
import { enregistrerRoutesDemandes } from './routes-demandes.ts';
import { enregistrerRoutesQuartiles } from './routes-quartiles.ts';
import { enregistrerRoutesCiblesCia } from './routes-cibles-cia.ts';
import { enregistrerRoutesProgrammes } from './routes-programmes.ts';

export { COOKIE_SESSION, type Acces, type OptionsServeur } from './commun.ts';

/** Default interval of the scheduled check (proposal deadlines and CAL offers). */
export const VERIFICATION_ECHEANCES_MS = 15 * 60_000;

export async function construireServeur(options: OptionsServeur): Promise<FastifyInstance> {
  const journal =
    options.journal === undefined
      ? journalDepuisEnv(process.env.FLUX_JOURNAL)
      : options.journal === true
        ? {}
        : options.journal;
  // X-Forwarded-For is believed only from the proxies listed: else anyone could pick the address
  // the per-address sign-in limit counts.
  const proxies = options.proxies ?? proxiesDepuisTexte(process.env.FLUX_PROXIES);
  const app = Fastify({
    ...optionsLogger(journal),
    bodyLimit: 1 << 20,
    trustProxy: proxies.length > 0 ? [...proxies] : false,
    ajv: undefined,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(gestionnaireErreurs);
  app.decorateRequest('session', null);
  brancherJournal(app);
  brancherMetriques(
    app,
    options.base,
    options.jetonMetriques === undefined ? process.env.FLUX_METRICS_TOKEN?.trim() || null : options.jetonMetriques,
  );
  const docsPubliques = options.docsPubliques ?? process.env.FLUX_API_DOCS_PUBLIQUE === '1';

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false, errorResponseBuilder: erreurLimiteAdresse });
  brancherLimiteCompte(app, options.limiteCompte ?? LIMITE_COMPTE_PAR_DEFAUT);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flux — API',
        description:
          'Gestion en flux des droits de réservation du logement social. Authentification par cookie de session ; en-tête x-csrf-token sur toute requête qui modifie.',
        version: '0.1.0',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: COOKIE_SESSION } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  // Control characters refused in every field, a malformed session cookie taken as no session.
  controlerEntrees(app, COOKIE_SESSION);

  // Deny by default: a route without an `acces` declaration answers 403 to everyone. Runs on
  // request, before the body is even parsed: an unauthorised caller learns nothing from validation.
  // The session comes from this instance's cache (ADR 0046): its expiry checked at every request,
  // a sign-out here refused at once, a sign-out or a deactivation elsewhere once the data version
  // shows it (≤ 250 ms); else from the database.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/') || request.is404) return;
    const id = request.cookies[COOKIE_SESSION];
    if (id) request.session = await sessionDeRequete(options.base.db, id);
    if (request.url === '/api/docs' || request.url.startsWith('/api/docs/') || request.url.startsWith('/api/docs?')) {
      if (!docsPubliques && !request.session) throw new NonAuthentifie('documentation de l’API : connexion requise');
      return;
    }
    const acces = request.routeOptions.config.acces;
    if (acces === 'public') return;
    if (!request.session) throw new NonAuthentifie();
    if (
      !['GET', 'HEAD', 'OPTIONS'].includes(request.method) &&
      !csrfValide(request.session, request.headers['x-csrf-token'] as string | undefined)
    ) {
      throw new Interdit('jeton CSRF absent ou invalide : rechargez la page');
    }
    if (acces === 'connecte') return;
    if (!acces || !acces.includes(request.session.acteur.role)) throw new Interdit('accès refusé pour votre rôle');
  });

  // No API answer is kept by a browser or a shared cache (personal data, per-user answers).
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url.split('?')[0] === '/metrics')
      reply.header('cache-control', 'no-store');
  });

  // A write answered (committed or not): cached reads must look at the data version again.
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') oublierVersion(options.base.db);
  });

  // E-mail of the notifications and the scheduled check (proposal deadlines, CAL offers), stopped
  // when the server closes.
  brancherNotificationsCal((tx, resultat) => notifierResultatCal(tx, resultat));
  const smtp = options.smtp === undefined ? configSmtpDepuisEnv() : options.smtp;
  const expediteur = options.expediteur ?? (smtp ? creerExpediteur(smtp) : null);
  const intervalle = options.verificationEcheancesMs ?? VERIFICATION_ECHEANCES_MS;
  // The scheduled check reads the same clock as the routes (ADR 0030).
  const { maintenant } = horlogeServeur(options);
  let verification: Promise<void> | null = null;
  const minuteur =
    intervalle > 0
      ? setInterval(() => {
          verification ??= verificationPlanifiee(options.base.db, maintenant())
            .then((v) => {
              for (const b of v.echeances.bloquees)
                app.log.warn(
                  { locationId: b.locationId },
                  `délai de proposition expiré, location laissée en l’état : ${b.raison}`,
                );
            })
            .then(() => expedierNotifications(options.base.db, expediteur))
            .then(() => undefined)
            .catch((e: unknown) => app.log.error(e, 'vérification des délais de proposition et des offres de la CAL'))
            .finally(() => {
              verification = null;
            });
        }, intervalle)
      : null;
  minuteur?.unref();
  // E-mails go one run at a time on this instance: after any write (the CAL's results among them)
  // and, awaited, by the routes that notify (so the e-mail has gone when they answer).
  let envoi: Promise<unknown> = Promise.resolve();
  const expedier = (): Promise<unknown> =>
    (envoi = envoi
      .then(() => expedierNotifications(options.base.db, expediteur))
      .catch((e: unknown) => app.log.error(e, 'envoi des notifications par courriel')));
  if (expediteur) {
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD' && request.url.startsWith('/api/')) void expedier();
    });
  }
  app.addHook('onClose', async () => {
    if (minuteur) clearInterval(minuteur);
    await verification;
    await envoi;
    if (!options.expediteur) expediteur?.fermer();
  });

  await app.register(async (api) => enregistrerRoutesExploitation(api, options), { prefix: '/api' });
  // The business routes share one scope (as before ADR 0030, when routes.ts registered the others).
  await app.register(
    async (api) => {
      const o = { ...options, expediteur, expedier };
      await enregistrerRoutes(api.withTypeProvider<ZodTypeProvider>(), o);
      await enregistrerRoutesPatrimoine(api, o);
      await enregistrerRoutesOrientation(api, o);
      await enregistrerRoutesCal(api, o);
      await enregistrerRoutesConventions(api, o);
      await enregistrerRoutesTerritoire(api, o);
      await enregistrerRoutesFlux(api, o);
      await enregistrerRoutesBilanEmission(api, o);
      await enregistrerRoutesBilan(api, o);
      await enregistrerRoutesPieces(api, o);
      await enregistrerRoutesQuartiles(api, o);
      await enregistrerRoutesCiblesCia(api, o);
      await enregistrerRoutesProgrammes(api, o);
      await enregistrerRoutesListes(api, o);
    },
    { prefix: '/api' },
  );
  await app.register(async (api) => enregistrerRoutesTableaux(api, options), { prefix: '/api' });
  await app.register(async (api) => enregistrerRoutesATraiter(api, options), { prefix: '/api' });
  await app.register(async (api) => enregistrerRoutesDemandes(api, options), { prefix: '/api' });
  await app.register(async (api) => enregistrerRoutesCotation(api, options), { prefix: '/api' });
  await app.register(async (api) => enregistrerRoutesCaleol(api, options), { prefix: '/api' });
  if (options.oidc) await app.register(async (api) => enregistrerOidc(api, options), { prefix: '/api' });

  if (options.webDist && existsSync(resolve(options.webDist, 'index.html'))) {
    // Files are looked up at request time (a rebuilt web app is served without a restart); a path
    // of the single-page app (no file extension) gets index.html, a missing file a 404.
    await app.register(fastifyStatic, { root: resolve(options.webDist), wildcard: true });
    app.setNotFoundHandler((request, reply) => {
      const chemin = request.url.split('?')[0]!;
      if (request.method === 'GET' && !chemin.startsWith('/api') && !/\.[a-z0-9]+$/i.test(chemin))
        return reply.sendFile('index.html');
      return reply.status(404).send({ erreur: 'INTROUVABLE', message: `aucune route ${request.method} ${chemin}` });
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .send({ erreur: 'INTROUVABLE', message: `aucune route ${request.method} ${request.url.split('?')[0]}` }),
    );
  }
  return app;
}
