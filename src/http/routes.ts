/** The API's routes: each validates with the shared zod contracts and calls one use case. */
import { basename, extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accueil, lignesConventions, stockEnCache, voitStock } from '../app/accueil.ts';
import { creerOrganisation, creerUtilisateur, listerOrganisations, listerUtilisateurs } from '../app/admin.ts';
import { verifierAudit } from '../app/audit.ts';
import { connecter, deconnecter, oublierSessions, type SessionOuverte } from '../app/auth.ts';
import { listerLocations, listerLogements } from '../app/listes.ts';
import { avecBailleur, memoiserJson, porteeActeur } from '../app/memo.ts';
import { lireQualite, qualiteComplete } from '../app/qualite.ts';
import { appliquerTransition, declarerEnLot, lireLocation } from '../app/locations.ts';
import { cleFileEcritures, enLot } from '../app/verrou-annee.ts';
import { importerRplsDeSonOrganisme, sourceFichier } from '../app/import-rpls.ts';
import { enregistrerFichierErreurs, lienFichierErreurs, lireFichierErreurs } from '../app/fichiers-erreurs.ts';
import { supprimerTemporaire } from '../import/fichier-temporaire.ts';
import {
  erreurTeleversementSchema,
  libelleTaille,
  PROBLEMES_MAX_TELEVERSEMENT,
  TAILLE_MAX_RPLS,
} from '../contracts/televersement.ts';
import { accepterTeleversements, estTeleversement } from './televersement.ts';
import {
  accueilSchema,
  anneeQuerySchema,
  connexionSchema,
  declarationSchema,
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
  parPageDe,
  qualiteQuerySchema,
  rapportQualiteSchema,
  resumeImportRplsSchema,
  sessionSchema,
  transitionSchema,
  utilisateurSchema,
  verificationAuditSchema,
} from '../contracts/api.ts';
import { classeurQualite, nomFichierQualite, TYPE_XLSX } from '../reports/qualite-xlsx.ts';
import {
  acteur,
  COOKIE_SESSION,
  horlogeServeur,
  pieceJointe,
  poserCookieSession,
  type OptionsServeur,
} from './commun.ts';

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

export { TAILLE_MAX_RPLS } from '../contracts/televersement.ts';
const TYPES_FICHIER_RPLS = ['text/csv', 'application/octet-stream'];

/** A file name as sent by the browser, without any path, safe for a header or a download. */
function nomDeFichier(nom: string | undefined): string {
  const propre = [...basename((nom ?? '').replace(/\\/g, '/'))]
    .map((c) => (c.charCodeAt(0) < 0x20 || '"<>|:*?'.includes(c) ? '_' : c))
    .join('')
    .trim();
  return propre || 'RPLS.csv';
}

export async function enregistrerRoutes(
  api: FastifyInstance & { withTypeProvider: () => FastifyInstance },
  options: OptionsServeur,
): Promise<void> {
  const app = api.withTypeProvider<ZodTypeProvider>();
  const { db } = options.base;
  const { maintenant, aujourdhui, anneeCourante } = horlogeServeur(options);

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
      poserCookieSession(reply, session.id, options.https ?? request.protocol === 'https');
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
      // Refused at once by this instance; others see the sign-out's audit event (ADR 0046).
      oublierSessions(db, { id: request.session!.id });
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
          // The units by kind from their own cache, read before the transaction (PGlite has one
          // connection: a statement outside the transaction would wait for its end).
          async () => {
            const stockLu = voitStock(a) ? await stockEnCache(db, a) : undefined;
            return db.transaction((tx) => accueil(tx, a, annee, stockLu));
          },
          await porteeActeur(db, a),
          a.utilisateurId,
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
          a.utilisateurId,
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
        summary:
          'Logements visibles, une page (100 au plus) : filtres (commune, typologie, bailleur), recherche (numéro RPLS, identifiant, adresse)',
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
          `logements|${a.organisationId}|${a.role}|${JSON.stringify({ ...q, parPage: parPageDe(q), taille: undefined })}`,
          pageLogementsSchema,
          () => listerLogements(db, a, { ...q, parPage: parPageDe(q) }),
          await porteeActeur(db, a),
          a.utilisateurId,
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
          a.utilisateurId,
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
      const jour = aujourdhui();
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

  // The raw RPLS file: its own scope, so only this route reads CSV / octet-stream bodies (streamed
  // to a temporary file, never held in memory).
  await app.register(async (portee) => {
    const route = portee.withTypeProvider<ZodTypeProvider>();
    accepterTeleversements(portee, TYPES_FICHIER_RPLS, TAILLE_MAX_RPLS);
    route.post(
      '/patrimoine/import-rpls',
      {
        config: { acces: ['agent_bailleur'] },
        schema: {
          tags: ['patrimoine'],
          summary: `Importer le fichier RPLS du bailleur (corps : le fichier brut, text/csv ou application/octet-stream ; ${libelleTaille(TAILLE_MAX_RPLS)} au plus)`,
          description:
            'Tout ou rien : une ligne invalide et rien n’est importé (422, avec le résumé, les premiers problèmes et le lien du fichier d’erreurs), sauf avec `valides=1` qui importe les lignes valides (200, avec le lien du fichier d’erreurs s’il y a des lignes rejetées). Le fichier d’erreurs se télécharge par GET /api/fichiers-erreurs/{id}, pendant 24 heures, par l’organisation qui a téléversé.',
          querystring: importRplsQuerySchema,
          response: {
            200: resumeImportRplsSchema,
            ...erreurs,
            413: erreurSchema,
            415: erreurSchema,
            422: erreurTeleversementSchema,
          },
        },
      },
      async (request, reply) => {
        if (!estTeleversement(request.body)) {
          return reply.status(415).send({
            erreur: 'TYPE_NON_PRIS_EN_CHARGE',
            message: 'envoyez le fichier RPLS lui-même (content-type text/csv ou application/octet-stream)',
          });
        }
        const a = acteur(request);
        const nom = nomDeFichier(request.query.nom);
        const valides = request.query.valides === '1' || request.query.valides === 'true';
        const r = await importerRplsDeSonOrganisme(
          db,
          a,
          { ...(await sourceFichier(request.body.chemin)), nom },
          { valideSeulement: valides },
        );
        // The error file, written as the upload was read, is stored once and linked, never sent here.
        let fichier = null;
        if (r.erreurs) {
          try {
            fichier = await enregistrerFichierErreurs(db, a, r.erreurs, `${basename(nom, extname(nom))}.erreurs.csv`);
          } finally {
            await supprimerTemporaire(r.erreurs.chemin);
          }
        }
        if (r.resume.importe)
          return fichier ? { ...r.resume, fichierErreurs: lienFichierErreurs(fichier.id) } : r.resume;
        const n = r.nombreProblemes;
        const rejetes = r.resume.rejetes;
        return reply.status(422).send({
          erreur: 'LIGNES_INVALIDES',
          message: `${n} problème${n > 1 ? 's' : ''} sur ${rejetes} ligne${rejetes > 1 ? 's' : ''} rejetée${rejetes > 1 ? 's' : ''} : rien n’a été importé. Corrigez le fichier, ou importez seulement les lignes valides.`,
          rejetes,
          nombreProblemes: n,
          problemes: r.problemes.slice(0, PROBLEMES_MAX_TELEVERSEMENT),
          ...(fichier
            ? {
                fichierErreurs: {
                  url: lienFichierErreurs(fichier.id),
                  nom: fichier.nom,
                  lignes: fichier.lignes,
                  taille: fichier.taille,
                  expireLe: fichier.expireLe.toISOString(),
                },
              }
            : {}),
        });
      },
    );
  });

  app.get(
    '/fichiers-erreurs/:id',
    {
      // Whoever may upload a file that answers with one (RPLS, reservations, demands); only its organisation reads it.
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['patrimoine'],
        summary:
          'Télécharger le fichier d’erreurs d’un téléversement refusé (CSV, UTF-8 avec BOM, « ; ») : l’organisation qui a téléversé, pendant 24 heures',
        params: z.strictObject({ id: z.uuid('identifiant de fichier d’erreurs invalide') }),
        response: { 200: z.string().describe('fichier CSV (text/csv)'), ...erreurs },
      },
    },
    async (request, reply) => {
      const f = await lireFichierErreurs(db, acteur(request), request.params.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-length', String(f.taille))
        .header('content-disposition', pieceJointe(f.nom.replace(/[^\x20-\x7e]|["\\]/g, '_'), f.nom))
        .send(f.contenu as unknown as string); // a stream is piped as is, never serialised
    },
  );

  app.get(
    '/locations',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary:
          'Locations visibles, une page (100 au plus) : filtres (état, échéance, commune, typologie, réservataire, bailleur), recherche d’un logement (numéro RPLS, identifiant, adresse), les plus urgentes d’abord',
        querystring: locationsQuerySchema,
        response: { 200: pageLocationsSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      const q = request.query;
      const f = { ...q, parPage: parPageDe(q), taille: undefined };
      // Keyed by the day too: a correction window's end and the deadline filters change without any write.
      const jour = aujourdhui();
      return json(
        reply,
        await memoiserJson(
          db,
          `locations|${a.organisationId}|${a.role}|${JSON.stringify(f)}|${jour}`,
          pageLocationsSchema,
          () => listerLocations(db, a, f, jour),
          await porteeActeur(db, a),
          a.utilisateurId,
        ),
      );
    },
  );

  app.get(
    '/locations/:id',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary: 'Une location',
        params: idParamSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) => lireLocation(db, acteur(request), request.params.id, maintenant()),
  );

  app.post(
    '/locations',
    {
      config: { acces: ['agent_bailleur'] },
      schema: {
        tags: ['locations'],
        summary: 'Ouvrir une location (préavis, livraison)',
        body: declarationSchema,
        response: { 201: locationSchema, ...erreurs },
      },
    },
    async (request, reply) => {
      const a = acteur(request);
      // Declarations of a bailleur's year that arrive together are written together (one
      // transaction, one engine run), before taking a connection: waiting writes leave the pool to reads.
      const loc = await enLot(
        cleFileEcritures(a.organisationId, request.body.date.slice(0, 4)),
        { acteur: a, declaration: request.body, maintenant: maintenant() },
        (demandes) => declarerEnLot(db, demandes),
      );
      return reply.status(201).send(loc);
    },
  );

  app.post(
    '/locations/:id/transitions',
    {
      config: { acces: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] },
      schema: {
        tags: ['locations'],
        summary: 'Faire avancer une location (orienter, proposer des candidats, décision CAL, bail, échec)',
        params: idParamSchema,
        body: transitionSchema,
        response: { 200: locationSchema, ...erreurs },
      },
    },
    async (request) =>
      db.transaction((tx) => appliquerTransition(tx, acteur(request), request.params.id, request.body, maintenant())),
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
