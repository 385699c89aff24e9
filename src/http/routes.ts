/** The API's routes: each validates with the shared zod contracts and calls one use case. */
import { basename, extname } from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accueil, lignesConventions } from '../app/accueil.ts';
import { creerOrganisation, creerUtilisateur, listerOrganisations, listerUtilisateurs } from '../app/admin.ts';
import { verifierAudit } from '../app/audit.ts';
import { connecter, deconnecter, DUREE_SESSION_MS, type SessionOuverte } from '../app/auth.ts';
import { listerLogements } from '../app/logements.ts';
import { avecBailleur, memoiserJson, porteeActeur } from '../app/memo.ts';
import { lireQualite, qualiteComplete } from '../app/qualite.ts';
import { appliquerTransition, declarerVacance, lireLocation, listerLocations } from '../app/locations.ts';
import { jourDuVerrou } from '../app/emission-bilan.ts';
import type { Acteur } from '../app/roles.ts';
import { organisations } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { importerRpls, sourceOctets } from '../import/rpls-import.ts';
import {
  accueilSchema,
  anneeQuerySchema,
  connexionSchema,
  declarationSchema,
  erreurImportRplsSchema,
  erreurSchema,
  idParamSchema,
  importRplsQuerySchema,
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
  resumeImportRplsSchema,
  sessionSchema,
  transitionSchema,
  utilisateurSchema,
  verificationAuditSchema,
} from '../contracts/api.ts';
import { classeurQualite, nomFichierQualite, TYPE_XLSX } from '../reports/qualite-xlsx.ts';
import { enregistrerRoutesConventions } from './routes-conventions.ts';
import { enregistrerRoutesFlux } from './routes-flux.ts';
import { enregistrerRoutesOrientation } from './routes-orientation.ts';
import { enregistrerRoutesPatrimoine } from './routes-patrimoine.ts';
import { COOKIE_SESSION, type OptionsServeur } from './server.ts';

const erreurs = {
  400: erreurSchema,
  401: erreurSchema,
  403: erreurSchema,
  404: erreurSchema,
  409: erreurSchema,
  422: erreurSchema,
  429: erreurSchema,
};

function vueSession(s: SessionOuverte) {
  return { utilisateur: s.utilisateur, organisation: s.organisation, role: s.acteur.role, csrf: s.csrf };
}

const reponseConventionsSchema = z.object({ annee: z.number(), conventions: z.array(ligneConventionSchema) });

/** Sends an answer already checked against its contract and serialised (see `memoiserJson`). */
function json(reply: FastifyReply, texte: string): FastifyReply {
  return reply
    .type('application/json; charset=utf-8')
    .serializer((x: unknown) => x as string)
    .send(texte);
}

/** The current year in Europe/Paris. */
const FORMAT_ANNEE_PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric' });

/** Today in Europe/Paris, as YYYY-MM-DD (file names). */
const FORMAT_JOUR_PARIS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** `attachment` with an ASCII file name and its French (UTF-8, RFC 6266) form. */
function pieceJointe(ascii: string, francais: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(francais)}`;
}

/** The largest RPLS file accepted by the upload (a big bailleur's national file is a few hundred MB). */
export const TAILLE_MAX_RPLS = 300 * 1024 * 1024;
/** Problems listed in a refused import's answer (the error file has them all). */
export const PROBLEMES_MAX_RPLS = 50;
const TYPES_FICHIER_RPLS = ['text/csv', 'application/octet-stream'];

/** A file name as sent by the browser, without any path, safe for a header or a download. */
function nomDeFichier(nom: string | undefined): string {
  const propre = [...basename((nom ?? '').replace(/\\/g, '/'))]
    .map((c) => (c.charCodeAt(0) < 0x20 || '"<>|:*?'.includes(c) ? '_' : c))
    .join('')
    .trim();
  return propre || 'RPLS.csv';
}

export function anneeCourante(maintenant = new Date()): number {
  return Number(FORMAT_ANNEE_PARIS.format(maintenant));
}

export async function enregistrerRoutes(
  api: FastifyInstance & { withTypeProvider: () => FastifyInstance },
  options: OptionsServeur,
): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const acteur = (request: { session: SessionOuverte | null }): Acteur => request.session!.acteur;

  app.get(
    '/sante',
    {
      config: { acces: 'public' },
      schema: {
        tags: ['système'],
        summary: 'État du service',
        response: { 200: z.object({ ok: z.boolean(), base: z.string() }) },
      },
    },
    async () => ({
      ok: true,
      base: options.base.genre,
    }),
  );

  app.post(
    '/session',
    {
      config: { acces: 'public', rateLimit: { max: options.limiteConnexion ?? 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['session'],
        summary: 'Se connecter',
        body: connexionSchema,
        response: { 200: sessionSchema, ...erreurs },
      },
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

  app.get(
    '/session',
    {
      config: { acces: 'connecte' },
      schema: { tags: ['session'], summary: 'Session en cours', response: { 200: sessionSchema, ...erreurs } },
    },
    async (request) => vueSession(request.session!),
  );

  app.delete(
    '/session',
    {
      config: { acces: 'connecte' },
      schema: { tags: ['session'], summary: 'Se déconnecter', response: { 204: z.null(), ...erreurs } },
    },
    async (request, reply) => {
      await db.transaction((tx) => deconnecter(tx, request.session!));
      app.oublierSession(request.session!.id);
      reply.clearCookie(COOKIE_SESSION, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/accueil',
    {
      config: { acces: 'connecte' },
      schema: {
        tags: ['accueil'],
        summary: 'Écran d’accueil du rôle',
        querystring: anneeQuerySchema,
        response: { 200: accueilSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const annee = request.query.annee ?? anneeCourante();
      return json(
        reply,
        await memoiserJson(
          db,
          `accueil|${a.organisationId}|${a.role}|${annee}`,
          accueilSchema,
          () => db.transaction((tx) => accueil(tx, a, annee)),
          await porteeActeur(db, a),
        ),
      );
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
        await memoiserJson(
          db,
          `conventions|${a.organisationId}|${a.role}|${annee}`,
          reponseConventionsSchema,
          async () => {
            const { lignes } = await db.transaction((tx) => lignesConventions(tx, a, annee));
            return { annee, conventions: lignes };
          },
          await porteeActeur(db, a),
        ),
      );
    },
  );

  app.get(
    '/logements',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat', 'lecteur_epci'] },
      schema: {
        tags: ['patrimoine'],
        summary: 'Logements visibles',
        querystring: pageQuerySchema,
        response: { 200: pageLogementsSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      return json(
        reply,
        await memoiserJson(
          db,
          `logements|${a.organisationId}|${a.role}|${q.page}|${q.taille}|${q.commune ?? ''}`,
          pageLogementsSchema,
          () => listerLogements(db, a, q),
          await porteeActeur(db, a),
        ),
      );
    },
  );

  app.get(
    '/patrimoine/qualite',
    {
      config: { acces: ['agent_bailleur', 'pilote_etat'] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'Qualité des données du patrimoine d’un bailleur (contrôles et part des attributions au réservataire connu)',
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
        await memoiserJson(
          db,
          `qualite|${a.organisationId}|${a.role}|${q.bailleur ?? ''}|${q.annee ?? courante - 1}`,
          rapportQualiteSchema,
          () => db.transaction((tx) => lireQualite(tx, a, q, courante)),
          avecBailleur(await porteeActeur(db, a), q.bailleur),
        ),
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
        .header(
          'content-disposition',
          pieceJointe(
            nomFichierQualite(q.rapport.bailleur.id, jour),
            `Qualité des données — ${q.rapport.bailleur.nom} — ${jour}.xlsx`,
          ),
        )
        .send(classeur as unknown as string); // a Buffer is sent as is, never serialised
    },
  );

  // The raw RPLS file: its own scope, so only this route reads CSV / octet-stream bodies (as a Buffer).
  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    route.addContentTypeParser(
      TYPES_FICHIER_RPLS,
      { parseAs: 'buffer', bodyLimit: TAILLE_MAX_RPLS },
      (_request, corps, fini) => fini(null, corps),
    );
    route.post(
      '/patrimoine/import-rpls',
      {
        bodyLimit: TAILLE_MAX_RPLS,
        config: { acces: ['agent_bailleur'] },
        schema: {
          tags: ['patrimoine'],
          summary:
            'Importer le fichier RPLS du bailleur (corps : le fichier brut, text/csv ou application/octet-stream ; 300 Mo au plus)',
          description:
            'Tout ou rien : une ligne invalide et rien n’est importé (422, avec les premiers problèmes et le fichier d’erreurs en base64), sauf avec `valides=1` qui importe les lignes valides.',
          querystring: importRplsQuerySchema,
          response: {
            200: resumeImportRplsSchema,
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurImportRplsSchema,
          },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          return reply.status(415).send({
            erreur: 'TYPE_NON_PRIS_EN_CHARGE',
            message: 'envoyez le fichier RPLS lui-même (content-type text/csv ou application/octet-stream)',
          });
        }
        const a = acteur(request);
        const [organisation] = await db
          .select({ siren: organisations.siren })
          .from(organisations)
          .where(eq(organisations.id, a.organisationId));
        if (!organisation?.siren) {
          throw new DonneesInvalides([
            {
              chemin: 'bailleur',
              message: 'votre organisme n’a pas de SIREN : l’administrateur doit le renseigner avant un import RPLS',
            },
          ]);
        }
        const nom = nomDeFichier(request.query.nom);
        const valides = request.query.valides === '1' || request.query.valides === 'true';
        const r = await importerRpls(db, sourceOctets(nom, request.body), {
          siren: organisation.siren,
          valideSeulement: valides,
          acteur: a,
        });
        if (r.resume.importe) return r.resume;
        const n = r.problemes.length;
        return reply.status(422).send({
          erreur: 'LIGNES_INVALIDES',
          message: `${n} problème${n > 1 ? 's' : ''} sur ${r.resume.rejetes} ligne${r.resume.rejetes > 1 ? 's' : ''} rejetée${r.resume.rejetes > 1 ? 's' : ''} : rien n’a été importé. Corrigez le fichier, ou importez seulement les lignes valides.`,
          problemes: r.problemes.slice(0, PROBLEMES_MAX_RPLS),
          ...(r.erreurs !== null
            ? {
                fichierErreurs: Buffer.from(r.erreurs, 'utf8').toString('base64'),
                nomFichierErreurs: `${basename(nom, extname(nom))}.erreurs.csv`,
              }
            : {}),
        });
      },
    );
  });

  await enregistrerRoutesPatrimoine(api, options);
  await enregistrerRoutesOrientation(api, options);
  await (await import('./routes-cal.ts')).enregistrerRoutesCal(api, options);
  await enregistrerRoutesConventions(api, options);
  await enregistrerRoutesFlux(api, options);
  await (await import('./routes-bilan-emission.ts')).enregistrerRoutesBilanEmission(api, options);
  await (await import('./routes-bilan.ts')).enregistrerRoutesBilan(api, options);
  await (await import('./routes-pieces.ts')).enregistrerRoutesPieces(api, options);

  app.get(
    '/locations',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['vacances'],
        summary: 'Vacances visibles',
        querystring: locationsQuerySchema,
        response: { 200: pageLocationsSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      // Keyed by the day too: a correction window's end changes each row's lock state without any write.
      return json(
        reply,
        await memoiserJson(
          db,
          `locations|${a.organisationId}|${a.role}|${q.page}|${q.taille}|${q.etat ?? ''}|${q.annee ?? ''}|${jourDuVerrou()}`,
          pageLocationsSchema,
          () => listerLocations(db, a, q),
          await porteeActeur(db, a),
        ),
      );
    },
  );

  app.get(
    '/locations/:id',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['vacances'],
        summary: 'Une vacance',
        params: idParamSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) => lireLocation(db, acteur(request), request.params.id),
  );

  app.post(
    '/locations',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['vacances'],
        summary: 'Déclarer une vacance (préavis, livraison)',
        body: declarationSchema,
        response: { 201: locationSchema, ...erreurs },
      },
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
    async (request) =>
      db.transaction((tx) => appliquerTransition(tx, acteur(request), request.params.id, request.body)),
  );

  app.get(
    '/audit/verification',
    {
      config: { acces: ['administrateur', 'pilote_etat'] },
      schema: {
        tags: ['audit'],
        summary: 'Vérifier la chaîne d’empreintes du journal d’audit',
        response: { 200: verificationAuditSchema, ...erreurs },
      },
    },
    async () => db.transaction((tx) => verifierAudit(tx)),
  );

  app.get(
    '/admin/organisations',
    {
      config: { acces: ['administrateur'] },
      schema: {
        tags: ['administration'],
        summary: 'Organisations',
        response: { 200: z.array(organisationSchema), ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerOrganisations(tx, acteur(request))),
  );

  app.post(
    '/admin/organisations',
    {
      config: { acces: ['administrateur'] },
      schema: {
        tags: ['administration'],
        summary: 'Créer une organisation',
        body: nouvelleOrganisationSchema,
        response: { 201: organisationSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await db.transaction((tx) => creerOrganisation(tx, acteur(request), request.body))),
  );

  app.get(
    '/admin/utilisateurs',
    {
      config: { acces: ['administrateur'] },
      schema: {
        tags: ['administration'],
        summary: 'Comptes',
        response: { 200: z.array(utilisateurSchema), ...erreurs },
      },
    },
    async (request) => db.transaction((tx) => listerUtilisateurs(tx, acteur(request))),
  );

  app.post(
    '/admin/utilisateurs',
    {
      config: { acces: ['administrateur'] },
      schema: {
        tags: ['administration'],
        summary: 'Créer un compte',
        body: nouvelUtilisateurSchema,
        response: { 201: utilisateurSchema, ...erreurs },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await db.transaction((tx) => creerUtilisateur(tx, acteur(request), request.body))),
  );
}
