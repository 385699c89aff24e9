/** The API's routes: each validates with the shared zod contracts and calls one use case. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accueil, lignesConventions } from '../app/accueil.ts';
import { creerOrganisation, creerUtilisateur, listerOrganisations, listerUtilisateurs } from '../app/admin.ts';
import { verifierAudit } from '../app/audit.ts';
import { connecter, deconnecter, DUREE_SESSION_MS, type SessionOuverte } from '../app/auth.ts';
import { listerLogements } from '../app/logements.ts';
import { memoiserJson } from '../app/memo.ts';
import { lireQualite, qualiteComplete } from '../app/qualite.ts';
import { appliquerTransition, declarerVacance, lireLocation, listerLocations } from '../app/locations.ts';
import type { Acteur } from '../app/roles.ts';
import {
  accueilSchema,
  anneeQuerySchema,
  connexionSchema,
  declarationSchema,
  erreurSchema,
  idParamSchema,
  ligneConventionSchema,
  locationSchema,
  locationsQuerySchema,
  nouvelleOrganisationSchema,
  nouvelUtilisateurSchema,
  organisationSchema,
  pageLocationsSchema,
  pageLogementsSchema,
  pageQuerySchema,
  qualiteQuerySchema,
  rapportQualiteSchema,
  sessionSchema,
  transitionSchema,
  utilisateurSchema,
  verificationAuditSchema,
} from '../contracts/api.ts';
import { classeurQualite, nomFichierQualite, TYPE_XLSX } from '../reports/qualite-xlsx.ts';
import { COOKIE_SESSION, type OptionsServeur } from './server.ts';

const erreurs = { 400: erreurSchema, 401: erreurSchema, 403: erreurSchema, 404: erreurSchema, 409: erreurSchema, 422: erreurSchema, 429: erreurSchema };

function vueSession(s: SessionOuverte) {
  return { utilisateur: s.utilisateur, organisation: s.organisation, role: s.acteur.role, csrf: s.csrf };
}

const reponseConventionsSchema = z.object({ annee: z.number(), conventions: z.array(ligneConventionSchema) });

/** Sends an answer already checked against its contract and serialised (see `memoiserJson`). */
function json(reply: FastifyReply, texte: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').serializer((x: unknown) => x as string).send(texte);
}

/** The current year in Europe/Paris. */
const FORMAT_ANNEE_PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' });

/** Today in Europe/Paris, as YYYY-MM-DD (file names). */
const FORMAT_JOUR_PARIS = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** `attachment` with an ASCII file name and its French (UTF-8, RFC 6266) form. */
function pieceJointe(ascii: string, francais: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(francais)}`;
}

export function anneeCourante(maintenant = new Date()): number {
  return Number(FORMAT_ANNEE_PARIS.format(maintenant));
}

export async function enregistrerRoutes(api: FastifyInstance & { withTypeProvider: () => FastifyInstance }, options: OptionsServeur): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const acteur = (request: { session: SessionOuverte | null }): Acteur => request.session!.acteur;

  app.get('/sante', { config: { acces: 'public' }, schema: { tags: ['système'], summary: 'État du service', response: { 200: z.object({ ok: z.boolean(), base: z.string() }) } } }, async () => ({
    ok: true,
    base: options.base.genre,
  }));

  app.post(
    '/session',
    {
      config: { acces: 'public', rateLimit: { max: options.limiteConnexion ?? 10, timeWindow: '1 minute' } },
      schema: { tags: ['session'], summary: 'Se connecter', body: connexionSchema, response: { 200: sessionSchema, ...erreurs } },
    },
    async (request, reply) => {
      const session = await db.transaction((tx) => connecter(tx, request.body.email, request.body.motDePasse));
      reply.setCookie(COOKIE_SESSION, session.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.https ?? request.protocol === 'https',
        maxAge: DUREE_SESSION_MS / 1000,
      });
      return vueSession(session);
    },
  );

  app.get('/session', { config: { acces: 'connecte' }, schema: { tags: ['session'], summary: 'Session en cours', response: { 200: sessionSchema, ...erreurs } } }, async (request) =>
    vueSession(request.session!),
  );

  app.delete('/session', { config: { acces: 'connecte' }, schema: { tags: ['session'], summary: 'Se déconnecter', response: { 204: z.null(), ...erreurs } } }, async (request, reply) => {
    await db.transaction((tx) => deconnecter(tx, request.session!));
    app.oublierSession(request.session!.id);
    reply.clearCookie(COOKIE_SESSION, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get(
    '/accueil',
    {
      config: { acces: 'connecte' },
      schema: { tags: ['accueil'], summary: 'Écran d’accueil du rôle', querystring: anneeQuerySchema, response: { 200: accueilSchema, ...erreurs } },
    },
    async (request, reply) => {
      const a = acteur(request);
      const annee = request.query.annee ?? anneeCourante();
      return json(reply, await memoiserJson(db, `accueil|${a.organisationId}|${a.role}|${annee}`, accueilSchema, () => db.transaction((tx) => accueil(tx, a, annee))));
    },
  );

  app.get(
    '/conventions',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['conventions'],
        summary: 'Conventions visibles et leur bilan de l’année (moteur)',
        querystring: anneeQuerySchema,
        response: { 200: reponseConventionsSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const annee = request.query.annee ?? anneeCourante();
      const a = acteur(request);
      return json(
        reply,
        await memoiserJson(db, `conventions|${a.organisationId}|${a.role}|${annee}`, reponseConventionsSchema, async () => {
          const { lignes } = await db.transaction((tx) => lignesConventions(tx, a, annee));
          return { annee, conventions: lignes };
        }),
      );
    },
  );

  app.get(
    '/logements',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat', 'lecteur_epci'] },
      schema: { tags: ['patrimoine'], summary: 'Logements visibles', querystring: pageQuerySchema, response: { 200: pageLogementsSchema, ...erreurs } },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      return json(reply, await memoiserJson(db, `logements|${a.organisationId}|${a.role}|${q.page}|${q.taille}|${q.commune ?? ''}`, pageLogementsSchema, () => listerLogements(db, a, q)));
    },
  );

  app.get(
    '/patrimoine/qualite',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat'] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Qualité des données du patrimoine d’un bailleur (contrôles et part des attributions au réservataire connu)',
        querystring: qualiteQuerySchema,
        response: { 200: rapportQualiteSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      const courante = anneeCourante();
      return json(
        reply,
        await memoiserJson(db, `qualite|${a.organisationId}|${a.role}|${q.bailleur ?? ''}|${q.annee ?? courante - 1}`, rapportQualiteSchema, () => db.transaction((tx) => lireQualite(tx, a, q, courante))),
      );
    },
  );

  app.get(
    '/patrimoine/qualite.xlsx',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat'] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Qualité des données du patrimoine d’un bailleur, au format tableur (XLSX)',
        querystring: qualiteQuerySchema,
        response: { 200: z.string().describe(`classeur XLSX (${TYPE_XLSX})`), ...erreurs },
      },
    },
    async (request, reply) => {
      const q = await db.transaction((tx) => qualiteComplete(tx, acteur(request), request.query, anneeCourante()));
      const jour = FORMAT_JOUR_PARIS.format(new Date());
      const classeur = await classeurQualite(q);
      return reply
        .type(TYPE_XLSX)
        .header('content-disposition', pieceJointe(nomFichierQualite(q.rapport.bailleur.id, jour), `Qualité des données — ${q.rapport.bailleur.nom} — ${jour}.xlsx`))
        .send(classeur as unknown as string); // a Buffer is sent as is, never serialised
    },
  );

  app.get(
    '/locations',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: { tags: ['vacances'], summary: 'Vacances visibles', querystring: locationsQuerySchema, response: { 200: pageLocationsSchema, ...erreurs } },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      return json(
        reply,
        await memoiserJson(db, `locations|${a.organisationId}|${a.role}|${q.page}|${q.taille}|${q.etat ?? ''}|${q.annee ?? ''}`, pageLocationsSchema, () => listerLocations(db, a, q)),
      );
    },
  );

  app.get(
    '/locations/:id',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: { tags: ['vacances'], summary: 'Une vacance', params: idParamSchema, response: { 200: locationSchema, ...erreurs } },
    },
    async (request) => lireLocation(db, acteur(request), request.params.id),
  );

  app.post(
    '/locations',
    {
      config: { acces: ['agent_bailleur'] },
      schema: { tags: ['vacances'], summary: 'Déclarer une vacance (préavis, livraison)', body: declarationSchema, response: { 201: locationSchema, ...erreurs } },
    },
    async (request, reply) => {
      const loc = await db.transaction((tx) => declarerVacance(tx, acteur(request), request.body));
      return reply.status(201).send(loc);
    },
  );

  app.post(
    '/locations/:id/transitions',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['vacances'],
        summary: 'Faire avancer une vacance (orienter, proposer des candidats, décision CAL, bail, échec)',
        params: idParamSchema,
        body: transitionSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => appliquerTransition(tx, acteur(request), request.params.id, request.body)),
  );

  app.get(
    '/audit/verification',
    {
      config: { acces: ['administrateur', 'pilote_etat'] },
      schema: { tags: ['audit'], summary: 'Vérifier la chaîne d’empreintes du journal d’audit', response: { 200: verificationAuditSchema, ...erreurs } },
    },
    async () => db.transaction((tx) => verifierAudit(tx)),
  );

  app.get(
    '/admin/organisations',
    { config: { acces: ['administrateur'] }, schema: { tags: ['administration'], summary: 'Organisations', response: { 200: z.array(organisationSchema), ...erreurs } } },
    async (request) => db.transaction((tx) => listerOrganisations(tx, acteur(request))),
  );

  app.post(
    '/admin/organisations',
    {
      config: { acces: ['administrateur'] },
      schema: { tags: ['administration'], summary: 'Créer une organisation', body: nouvelleOrganisationSchema, response: { 201: organisationSchema, ...erreurs } },
    },
    async (request, reply) => reply.status(201).send(await db.transaction((tx) => creerOrganisation(tx, acteur(request), request.body))),
  );

  app.get(
    '/admin/utilisateurs',
    { config: { acces: ['administrateur'] }, schema: { tags: ['administration'], summary: 'Comptes', response: { 200: z.array(utilisateurSchema), ...erreurs } } },
    async (request) => db.transaction((tx) => listerUtilisateurs(tx, acteur(request))),
  );

  app.post(
    '/admin/utilisateurs',
    {
      config: { acces: ['administrateur'] },
      schema: { tags: ['administration'], summary: 'Créer un compte', body: nouvelUtilisateurSchema, response: { 201: utilisateurSchema, ...erreurs } },
    },
    async (request, reply) => reply.status(201).send(await db.transaction((tx) => creerUtilisateur(tx, acteur(request), request.body))),
  );
}
