/**
 * The only way the front end talks to the server (ESLint refuses `fetch`, `XMLHttpRequest` and
 * `requete` elsewhere in web/src): `requete` for JSON in and out, `televerser` for a file sent as
 * the raw body; both on the same origin, with the session's CSRF token on every state-changing
 * request, and the server's error JSON ({erreur, message, problemes?}) turned into a thrown
 * `ErreurApi` with its French message. Request bodies are typed as `z.input` of the zod contracts
 * the server validates them with; the query keys of the pages are in `cles.ts`.
 */
import type { z } from 'zod';
import type {
  AccueilApi,
  declarationSchema,
  ErreurImportRplsApi,
  logementSchema,
  nouvelleOrganisationSchema,
  nouvelUtilisateurSchema,
  organisationSchema,
  pageLocationsSchema,
  pageLogementsSchema,
  RapportQualiteApi,
  ResumeImportRplsApi,
  SessionApi,
  utilisateurSchema,
  verificationAuditSchema,
} from '../../src/contracts/api.ts';
import type {
  etatDesLieuxSchema,
  resumeReservationsSchema,
  signatureSchema,
  verrouillageSchema,
  versionEtatSchema,
} from '../../src/contracts/etat-des-lieux.ts';

export type {
  AccueilApi,
  ErreurImportRplsApi,
  LigneConventionApi,
  LocationApi,
  RapportQualiteApi,
  ResumeImportRplsApi,
  SessionApi,
} from '../../src/contracts/api.ts';

/** A problem on one field of a refused request (`chemin` is the field's path, e.g. "email"). */
export interface Probleme {
  chemin: string;
  message: string;
}

/** An error answered by the server (or the network), with its French message. */
export class ErreurApi extends Error {
  override readonly name = 'ErreurApi';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly statut: number,
    /** The server's error code (NON_AUTHENTIFIE, INTERDIT, CONFLIT, VALIDATION…). */
    readonly code: string,
    message: string,
    readonly problemes: Probleme[] = [],
    /** The server's error JSON as answered (some refusals carry more than a message, e.g. an error file). */
    readonly corps: unknown = null,
  ) {
    super(message);
  }

  /** The message of the problem on one field of the request's body ("email" matches "corps.email"). */
  probleme(champ: string): string | undefined {
    return this.problemes.find((p) => {
      const chemin = cheminDansLeCorps(p.chemin);
      return chemin === champ || chemin.startsWith(`${champ}.`);
    })?.message;
  }
}

/** "corps.email" → "email": the server prefixes a field's path with the part of the request. */
export function cheminDansLeCorps(chemin: string): string {
  return chemin.replace(/^(corps|body)\./, '');
}

let jetonCsrf: string | null = null;

/** Remembers the CSRF token of the current session (null after signing out). */
export function retenirCsrf(jeton: string | null): void {
  jetonCsrf = jeton;
}

const MESSAGES_STATUT: Record<number, string> = {
  400: 'La demande est incorrecte.',
  401: 'Votre session a expiré : reconnectez-vous.',
  403: 'Votre rôle ne permet pas cette action.',
  404: 'Élément introuvable.',
  409: 'Quelqu’un a modifié cet élément avant vous : rechargez la page puis recommencez.',
  422: 'Certaines informations sont invalides.',
  429: 'Trop de tentatives : patientez une minute avant de réessayer.',
};

function messageParDefaut(statut: number): string {
  return (
    MESSAGES_STATUT[statut] ??
    (statut >= 500
      ? 'Le serveur a rencontré une erreur : réessayez dans un instant.'
      : `Erreur inattendue (${statut}).`)
  );
}

function estObjet(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

async function versErreur(reponse: Response, messages: Partial<Record<number, string>> = {}): Promise<ErreurApi> {
  let corps: unknown = null;
  try {
    corps = await reponse.json();
  } catch {
    // not JSON (a proxy's page, an empty body): the status says enough
  }
  if (estObjet(corps) && typeof corps.message === 'string') {
    const problemes = Array.isArray(corps.problemes)
      ? corps.problemes.filter(
          (p): p is Probleme => estObjet(p) && typeof p.chemin === 'string' && typeof p.message === 'string',
        )
      : [];
    const code = typeof corps.erreur === 'string' ? corps.erreur : `HTTP_${reponse.status}`;
    // 429 from the rate limiter may carry an English message: keep ours.
    const message = reponse.status === 429 ? messageParDefaut(429) : corps.message;
    return new ErreurApi(reponse.status, code, message, problemes, corps);
  }
  return new ErreurApi(
    reponse.status,
    `HTTP_${reponse.status}`,
    messages[reponse.status] ?? messageParDefaut(reponse.status),
  );
}

const MESSAGE_RESEAU = 'Le serveur est injoignable : vérifiez votre connexion puis réessayez.';

type Methode = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OptionsRequete {
  corps?: unknown;
  /** The sign-in request carries no CSRF token (there is no session yet). */
  sansCsrf?: boolean;
  signal?: AbortSignal | undefined;
}

/** One request to the API; resolves with the JSON answer (undefined for 204). */
export async function requete<T>(methode: Methode, chemin: string, options: OptionsRequete = {}): Promise<T> {
  const entetes: Record<string, string> = { accept: 'application/json' };
  if (options.corps !== undefined) entetes['content-type'] = 'application/json';
  if (methode !== 'GET' && !options.sansCsrf && jetonCsrf) entetes['x-csrf-token'] = jetonCsrf;
  let reponse: Response;
  try {
    reponse = await fetch(chemin, {
      method: methode,
      headers: entetes,
      credentials: 'same-origin',
      body: options.corps === undefined ? null : JSON.stringify(options.corps),
      signal: options.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ErreurApi(0, 'RESEAU', MESSAGE_RESEAU);
  }
  if (!reponse.ok) throw await versErreur(reponse);
  if (reponse.status === 204) return undefined as T;
  return (await reponse.json()) as T;
}

export interface OptionsTeleversement {
  /** The body's media type; the file's own type (or application/octet-stream) by default. */
  type?: string | undefined;
  /** Called as the body goes out (bytes sent, total bytes). */
  surProgression?: ((envoyes: number, total: number) => void) | undefined;
  /** Messages for statuses answered without the server's error JSON (a proxy's 413…). */
  messages?: Partial<Record<number, string>> | undefined;
}

/**
 * Uploads a file as the raw body of a POST, with the session's CSRF token; resolves with the JSON
 * answer, throws an `ErreurApi` as `requete` does. XMLHttpRequest rather than fetch: it reports
 * the upload's progress.
 */
export function televerser<T>(chemin: string, fichier: File, options: OptionsTeleversement = {}): Promise<T> {
  return new Promise<T>((resoudre, rejeter) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', chemin);
    xhr.setRequestHeader('content-type', options.type ?? (fichier.type || 'application/octet-stream'));
    xhr.setRequestHeader('accept', 'application/json');
    if (jetonCsrf) xhr.setRequestHeader('x-csrf-token', jetonCsrf);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    const { surProgression } = options;
    if (surProgression)
      xhr.upload.onprogress = (e) => surProgression(e.loaded, e.lengthComputable ? e.total : fichier.size);
    xhr.onerror = () => rejeter(new ErreurApi(0, 'RESEAU', MESSAGE_RESEAU));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (xhr.status === 204 || !xhr.responseText) return resoudre(undefined as T);
        try {
          return resoudre(JSON.parse(xhr.responseText) as T);
        } catch {
          return rejeter(new ErreurApi(xhr.status, `HTTP_${xhr.status}`, messageParDefaut(500)));
        }
      }
      void versErreur(new Response(xhr.responseText || null, { status: xhr.status }), options.messages).then(rejeter);
    };
    xhr.send(fichier);
  });
}

/** Builds "/api/x?a=1&b=2", leaving out empty values. */
export function avecParametres(chemin: string, parametres: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [cle, valeur] of Object.entries(parametres))
    if (valeur !== undefined && valeur !== null && valeur !== '') q.set(cle, String(valeur));
  const s = q.toString();
  return s ? `${chemin}?${s}` : chemin;
}

// ——— The calls the pages make ———

export type Logement = z.infer<typeof logementSchema>;
export type PageLogements = z.infer<typeof pageLogementsSchema>;
export type PageLocations = z.infer<typeof pageLocationsSchema>;
export type Organisation = z.infer<typeof organisationSchema>;
export type Utilisateur = z.infer<typeof utilisateurSchema>;
export type NouvelleOrganisation = z.input<typeof nouvelleOrganisationSchema>;
export type NouvelUtilisateur = z.input<typeof nouvelUtilisateurSchema>;
export type VerificationAudit = z.infer<typeof verificationAuditSchema>;

/** The signed-in session, or null when nobody is signed in (401). */
export async function lireSession(signal?: AbortSignal): Promise<SessionApi | null> {
  try {
    const s = await requete<SessionApi>('GET', '/api/session', { signal });
    retenirCsrf(s.csrf);
    return s;
  } catch (e) {
    if (e instanceof ErreurApi && e.statut === 401) {
      retenirCsrf(null);
      return null;
    }
    throw e;
  }
}

export async function seConnecter(email: string, motDePasse: string): Promise<SessionApi> {
  const s = await requete<SessionApi>('POST', '/api/session', { corps: { email, motDePasse }, sansCsrf: true });
  retenirCsrf(s.csrf);
  return s;
}

export async function seDeconnecter(): Promise<void> {
  try {
    await requete<undefined>('DELETE', '/api/session');
  } finally {
    retenirCsrf(null);
  }
}

export const lireAccueil = (annee: number | undefined, signal?: AbortSignal) =>
  requete<AccueilApi>('GET', avecParametres('/api/accueil', { annee }), { signal });

/** Query parameters of a list (issue 12): values left out when empty. */
export type ParametresListe = Record<string, string | number | undefined>;

export const lireLogements = (p: { page: number; parPage: number } & ParametresListe, signal?: AbortSignal) =>
  requete<PageLogements>('GET', avecParametres('/api/logements', p), { signal });

export const lireLocations = (p: { page: number; parPage: number } & ParametresListe, signal?: AbortSignal) =>
  requete<PageLocations>('GET', avecParametres('/api/locations', p), { signal });

/** A letting the bailleur declares: a tenant's notice with the expected date, or a first letting; out of the flow with a legal reason. */
export type DeclarationLocation = z.input<typeof declarationSchema>;
export const declarerLocation = (corps: DeclarationLocation) => requete<_Location>('POST', '/api/locations', { corps });

/** A list answered either as an array or wrapped in an object ({organisations: […]}). */
function liste<T>(reponse: unknown, cle: string): T[] {
  if (Array.isArray(reponse)) return reponse as T[];
  if (estObjet(reponse) && Array.isArray(reponse[cle])) return reponse[cle] as T[];
  return [];
}

export const lireOrganisations = async (signal?: AbortSignal) =>
  liste<Organisation>(await requete<unknown>('GET', '/api/admin/organisations', { signal }), 'organisations');
export const lireUtilisateurs = async (signal?: AbortSignal) =>
  liste<Utilisateur>(await requete<unknown>('GET', '/api/admin/utilisateurs', { signal }), 'utilisateurs');
export const creerOrganisation = (o: NouvelleOrganisation) =>
  requete<Organisation>('POST', '/api/admin/organisations', { corps: o });
export const verifierAudit = (signal?: AbortSignal) =>
  requete<VerificationAudit>('GET', '/api/audit/verification', { signal });
export const creerUtilisateur = (u: NouvelUtilisateur) =>
  requete<Utilisateur>('POST', '/api/admin/utilisateurs', { corps: u });

/** The data-quality report of a bailleur (the State pilot names it; a bailleur gets its own). */
export const lireQualite = (p: { bailleur?: string | undefined; annee?: number | undefined }, signal?: AbortSignal) =>
  requete<RapportQualiteApi>('GET', avecParametres('/api/patrimoine/qualite', p), { signal });

/** The address of the same report as an XLSX workbook (a plain link: the browser downloads it). */
export const adresseQualiteXlsx = (p: { bailleur?: string | undefined; annee?: number | undefined }) =>
  avecParametres('/api/patrimoine/qualite.xlsx', p);

/** The outcome of an RPLS upload: imported (the summary), or refused because rows are invalid (the problems and the error file). */
export type ResultatTeleversement =
  { importe: true; resume: ResumeImportRplsApi } | { importe: false; refus: ErreurImportRplsApi };

/**
 * Uploads an RPLS file as the raw body of POST /api/patrimoine/import-rpls, reporting the upload's
 * progress (`surProgression(envoyes, total)`). A refusal because rows are invalid is a result (its
 * problems and error file); other errors are thrown as `ErreurApi`.
 */
export async function televerserRpls(
  fichier: File,
  options: { validesSeulement: boolean; surProgression?: (envoyes: number, total: number) => void },
): Promise<ResultatTeleversement> {
  const chemin = avecParametres('/api/patrimoine/import-rpls', {
    valides: options.validesSeulement ? '1' : undefined,
    nom: fichier.name,
  });
  try {
    const resume = await televerser<ResumeImportRplsApi>(chemin, fichier, {
      type: 'text/csv',
      surProgression: options.surProgression,
    });
    return { importe: true, resume };
  } catch (e) {
    if (e instanceof ErreurApi && e.statut === 422 && e.code === 'LIGNES_INVALIDES')
      return { importe: false, refus: e.corps as ErreurImportRplsApi };
    throw e;
  }
}

// ——— État des lieux des réservations ———

export type EtatDesLieuxApi = z.infer<typeof etatDesLieuxSchema>;
export type VersionEtatApi = z.infer<typeof versionEtatSchema>;
export type ResumeReservationsApi = z.infer<typeof resumeReservationsSchema>;

type DemandeEtat = { bailleur?: string | undefined; departement?: string | undefined };

export const lireEtatDesLieux = (p: DemandeEtat, signal?: AbortSignal) =>
  requete<EtatDesLieuxApi>('GET', avecParametres('/api/patrimoine/etat-des-lieux', p), { signal });
export const adresseEtatXlsx = (p: DemandeEtat) => avecParametres('/api/patrimoine/etat-des-lieux.xlsx', p);
export const lireVersionsEtat = (p: DemandeEtat, signal?: AbortSignal) =>
  requete<VersionEtatApi[]>('GET', avecParametres('/api/patrimoine/etats-des-lieux', p), { signal });
export const verrouillerEtat = (p: z.input<typeof verrouillageSchema>) =>
  requete<VersionEtatApi>('POST', '/api/patrimoine/etats-des-lieux', { corps: p });
export const signerEtat = (id: string, empreinte: string) =>
  requete<VersionEtatApi>('POST', `/api/patrimoine/etats-des-lieux/${encodeURIComponent(id)}/signatures`, {
    corps: { empreinte } satisfies z.input<typeof signatureSchema>,
  });
export const adresseVersionXlsx = (id: string) => `/api/patrimoine/etats-des-lieux/${encodeURIComponent(id)}/xlsx`;

/** Uploads a stock-reservations CSV (raw body); refused files come back as an ErreurApi with their problems. */
export async function televerserReservations(fichier: File): Promise<ResumeReservationsApi> {
  try {
    return await televerser<ResumeReservationsApi>(
      avecParametres('/api/patrimoine/reservations', { nom: fichier.name }),
      fichier,
      { type: 'text/csv' },
    );
  } catch (e) {
    if (e instanceof ErreurApi && e.statut === 422 && e.code === 'LIGNES_INVALIDES')
      throw new RefusTeleversementApi(e.corps as ErreurImportRplsApi);
    throw e;
  }
}

/** An upload refused for its rows: the summary, the first problems and the error file's link. */
export class RefusTeleversementApi extends ErreurApi {
  constructor(readonly refus: ErreurImportRplsApi) {
    super(422, refus.erreur, refus.message, refus.problemes ?? []);
  }
}

// ——— Prévision du flux et conversion ———

export type { ReponsePrevision as PrevisionApi, ParametresPrevision } from '../../src/contracts/prevision.ts';
export type { ReponseConversion as ConversionApi } from '../../src/app/conversion.ts';
import type {
  avenantsConversionSchema as _avenantsConversionSchema,
  enregistrementPrevisionSchema as _enregistrementPrevisionSchema,
  ReponsePrevision as _Prevision,
} from '../../src/contracts/prevision.ts';
import type { ReponseConversion as _Conversion } from '../../src/app/conversion.ts';

type DemandePrevision = { bailleur?: string | undefined; departement?: string | undefined; annee?: number | undefined };
export const lirePrevision = (p: DemandePrevision, signal?: AbortSignal) =>
  requete<_Prevision>('GET', avecParametres('/api/flux/prevision', p), { signal });
export const enregistrerPrevision = (corps: z.input<typeof _enregistrementPrevisionSchema>) =>
  requete<_Prevision>('PUT', '/api/flux/prevision', { corps });
export type { ReponseSimulation as SimulationApi } from '../../src/contracts/simulation.ts';
import type { ReponseSimulation as _Simulation } from '../../src/contracts/simulation.ts';
/** The Monte Carlo year's query: the stored year, then the editable assumptions. */
export type DemandeSimulation = {
  bailleur?: string | undefined;
  annee?: number | undefined;
  tirages?: number | undefined;
  graine?: number | undefined;
  pruMin?: number | undefined;
  pruMax?: number | undefined;
  refus?: number | undefined;
  visitesParCandidat?: number | undefined;
  seuil?: number | undefined;
  sansCandidatDelegue?: number | undefined;
  plafondReport?: number | undefined;
  /** One or two past years' turnover, shares separated by « ; ». */
  historique?: string | undefined;
};
export const lireSimulation = (p: DemandeSimulation, signal?: AbortSignal) =>
  requete<_Simulation>('GET', avecParametres('/api/flux/simulation', p), { signal });
export const adresseSimulationXlsx = (p: DemandeSimulation) => avecParametres('/api/flux/simulation.xlsx', p);
export const adresseSimulationPdf = (p: DemandeSimulation) => avecParametres('/api/flux/simulation.pdf', p);
export const adressePrevisionnel = (p: DemandePrevision, format: 'xlsx' | 'pdf') =>
  avecParametres(`/api/flux/prevision.${format}`, p);
export const lireConversion = (
  p: DemandePrevision & {
    fenetre?: number | undefined;
    droitsUniques?: 'ponctuel' | 'etale' | undefined;
    annees?: number | undefined;
  },
  signal?: AbortSignal,
) => requete<_Conversion>('GET', avecParametres('/api/flux/conversion', p), { signal });
export const creerAvenantsConversion = (corps: z.input<typeof _avenantsConversionSchema>) =>
  requete<{ conventions: string[]; avertissements: { chemin: string; message: string }[] }>(
    'POST',
    '/api/flux/conversion/avenants',
    { corps },
  );

// ——— Conventions et avenants ———

export type {
  AvenantEntree,
  AvertissementApi,
  ContrepartieApi,
  ConventionDetailApi,
  ConventionResumeApi,
  RegistreConventionsApi,
  RepriseEntree,
  VersionConventionApi,
} from '../../src/contracts/conventions.ts';
import type {
  AvenantEntree as _Avenant,
  ConventionDetailApi as _Convention,
  RegistreConventionsApi as _Registre,
  RepriseEntree as _Reprise,
} from '../../src/contracts/conventions.ts';

/** The conventions the actor may see: version in force, form, balance of the year. */
export const lireRegistreConventions = (
  p: { annee?: number | undefined; bailleur?: string | undefined } & ParametresListe,
  signal?: AbortSignal,
) => requete<_Registre>('GET', avecParametres('/api/conventions/registre', p), { signal });
/** One convention: its versions (avenants), its form and its ledger line of the year. */
export const lireConvention = (id: string, annee: number | undefined, signal?: AbortSignal) =>
  requete<_Convention>('GET', avecParametres(`/api/conventions/${encodeURIComponent(id)}`, { annee }), { signal });
/** A new version of the convention; refused (422) with a French message per field, or 409 when another version was written since `versionLue`. */
export const ajouterAvenant = (id: string, corps: _Avenant) =>
  requete<_Convention>('POST', `/api/conventions/${encodeURIComponent(id)}/versions`, { corps });
/** The préfet's decision taking back a caduque convention's rights (State pilot only; once, irreversible). */
export const enregistrerReprisePrefet = (id: string, corps: _Reprise) =>
  requete<_Convention>('POST', `/api/conventions/${encodeURIComponent(id)}/reprise-prefet`, { corps });

// ——— Projets de convention, avis de la CIL, territoire, délégation (issue 14 items 3 et 5) ———

export type {
  AvisCilApi,
  AvisCilEntree,
  ClausesApi,
  SignatureDocumentApi,
  ConsolidationEpciApi,
  DelegationApi,
  DelegationEntree,
  DelegationsApi,
  ProjetApi,
  VueDepartementaleApi,
} from '../../src/contracts/territoire.ts';
import type {
  AvisCilEntree as _AvisCil,
  ClausesApi as _Clauses,
  ConsolidationEpciApi as _Consolidation,
  DelegationEntree as _Delegation,
  DelegationsApi as _Delegations,
  ProjetApi as _Projet,
  VueDepartementaleApi as _VueDepartementale,
} from '../../src/contracts/territoire.ts';

/** A draft of an avenant (the avenant's body): checked, nothing in force until the parties sign. */
export const creerProjetAvenant = (id: string, corps: _Avenant) =>
  requete<_Projet>('POST', `/api/conventions/${encodeURIComponent(id)}/projets`, { corps });
export const lireProjets = (signal?: AbortSignal) =>
  requete<{ projets: _Projet[] }>('GET', '/api/conventions/projets', { signal });
export const lireProjet = (id: string, signal?: AbortSignal) =>
  requete<_Projet>('GET', `/api/conventions/projets/${encodeURIComponent(id)}`, { signal });
/** The CIL's review, by the EPCI (once, before the signature). */
export const enregistrerAvisCil = (id: string, corps: _AvisCil) =>
  requete<_Projet>('POST', `/api/conventions/projets/${encodeURIComponent(id)}/avis-cil`, { corps });
/** The parties signed: the draft's version is written. */
export const signerProjet = (id: string, version: number) =>
  requete<_Projet>('POST', `/api/conventions/projets/${encodeURIComponent(id)}/signature`, { corps: { version } });
/** The bailleur changes the draft's clauses (the draft's version it read). */
export const modifierClausesProjet = (id: string, version: number, clauses: _Clauses) =>
  requete<_Projet>('PUT', `/api/conventions/projets/${encodeURIComponent(id)}/clauses`, {
    corps: { version, clauses },
  });
/** A party signs the document it read (its fingerprint). */
export const signerDocumentProjet = (id: string, empreinte: string) =>
  requete<_Projet>('POST', `/api/conventions/projets/${encodeURIComponent(id)}/signatures-document`, {
    corps: { empreinte },
  });
/** The address of the draft's document (a plain link: the browser downloads it). */
/** The document of a convention's version (a plain link: the browser downloads it). */
export const adresseDocumentVersion = (id: string, version: number, format: 'pdf' | 'docx') =>
  `/api/conventions/${encodeURIComponent(id)}/document.${format}?version=${version}`;
export const adresseDocumentProjet = (id: string, format: 'pdf' | 'docx') =>
  `/api/conventions/projets/${encodeURIComponent(id)}/document.${format}`;
export const lireConsolidationEpci = (annee: number | undefined, signal?: AbortSignal) =>
  requete<_Consolidation>('GET', avecParametres('/api/territoire/epci', { annee }), { signal });
export const lireVueDepartementale = (annee: number | undefined, signal?: AbortSignal) =>
  requete<_VueDepartementale>('GET', avecParametres('/api/territoire/departement', { annee }), { signal });
/** The address of the départemental view's XLSX (a plain link: the browser downloads it). */
export const lienVueDepartementaleXlsx = (annee: number | undefined) =>
  avecParametres('/api/territoire/departement.xlsx', { annee });
export const lireDelegations = (signal?: AbortSignal) => requete<_Delegations>('GET', '/api/delegations', { signal });
export const enregistrerDelegation = (corps: _Delegation) =>
  requete<_Delegations>('POST', '/api/delegations', { corps });
/** The préfet ends a delegation early: its new last day and the decision. */
export const terminerDelegation = (id: string, corps: { dernierJour: string; motif: string }) =>
  requete<_Delegations>('POST', `/api/delegations/${encodeURIComponent(id)}/fin`, { corps });

// ───────────── New programmes and the rights negotiated at their financing (issue 14 item 4) ─────────────

import type {
  ProgrammeApi as _Programme,
  ProgrammesApi as _Programmes,
  SaisieDroitsProgramme as _SaisieDroitsProgramme,
} from '../../src/contracts/programmes.ts';
export type ProgrammeApi = _Programme;
export type ProgrammesApi = _Programmes;
export type SaisieDroitsProgramme = _SaisieDroitsProgramme;

/** GET /api/programmes: a bailleur's new programmes (or those matching `recherche`) and their rights. */
export const lireProgrammes = (
  p: { bailleur?: string | undefined; recherche?: string | undefined },
  signal?: AbortSignal,
) => requete<_Programmes>('GET', avecParametres('/api/programmes', p), { signal });
/** PUT /api/programmes/:id/droits: the bailleur enters a new version of a programme's rights. */
export const enregistrerDroitsProgramme = (id: string, corps: _SaisieDroitsProgramme) =>
  requete<{ version: number }>('PUT', `/api/programmes/${encodeURIComponent(id)}/droits`, { corps });

// ───────────── CAL sessions and allocation objectives (issue 6 items 4 and 6) ─────────────

export type {
  AExaminerApi,
  ExamenCalApi,
  BauxObjectifsApi,
  ObjectifsApi,
  OffreCalApi,
  SessionCalApi,
  SessionCalDetailApi,
} from '../../src/contracts/cal.ts';
import type {
  AExaminerApi as _AExaminer,
  ajoutExamenSchema as _ajoutExamenSchema,
  annulationSessionSchema as _annulationSessionSchema,
  bailOffreSchema as _bailOffreSchema,
  decisionExamenSchema as _decisionExamenSchema,
  nouvelleSessionSchema as _nouvelleSessionSchema,
  BauxObjectifsApi as _BauxObjectifs,
  ObjectifsApi as _Objectifs,
  PageSessionsCalApi as _PageSessionsCal,
  reponseOffreSchema as _reponseOffreSchema,
  retraitExamenSchema as _retraitExamenSchema,
  SessionCalApi as _SessionCal,
  SessionCalDetailApi as _SessionCalDetail,
} from '../../src/contracts/cal.ts';

export const lireSessionsCal = (p: { page: number; parPage: number } & ParametresListe, signal?: AbortSignal) =>
  requete<_PageSessionsCal>('GET', avecParametres('/api/cal/sessions', p), { signal });
export const creerSessionCal = (corps: z.input<typeof _nouvelleSessionSchema>) =>
  requete<_SessionCal>('POST', '/api/cal/sessions', { corps });
export const lireSessionCal = (id: string, signal?: AbortSignal) =>
  requete<_SessionCalDetail>('GET', `/api/cal/sessions/${encodeURIComponent(id)}`, { signal });
export const lireAExaminer = (signal?: AbortSignal) => requete<_AExaminer[]>('GET', '/api/cal/a-examiner', { signal });
export const inscrireExamen = (session: string, corps: z.input<typeof _ajoutExamenSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/sessions/${encodeURIComponent(session)}/examens`, { corps });
export const deciderExamen = (session: string, corps: z.input<typeof _decisionExamenSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/sessions/${encodeURIComponent(session)}/decisions`, { corps });
export const retirerExamen = (session: string, corps: z.input<typeof _retraitExamenSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/sessions/${encodeURIComponent(session)}/retraits`, { corps });
export const annulerSessionCal = (session: string, corps: z.input<typeof _annulationSessionSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/sessions/${encodeURIComponent(session)}/annulation`, { corps });
export const adresseProcesVerbal = (session: string) =>
  `/api/cal/sessions/${encodeURIComponent(session)}/proces-verbal.pdf`;
export const repondreOffre = (offre: string, corps: z.input<typeof _reponseOffreSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/offres/${encodeURIComponent(offre)}/reponse`, { corps });
export const signerBailOffre = (offre: string, corps: z.input<typeof _bailOffreSchema>) =>
  requete<_SessionCalDetail>('POST', `/api/cal/offres/${encodeURIComponent(offre)}/bail`, { corps });
export const expirerOffres = () =>
  requete<{ expirees: number; offres: string[] }>('POST', '/api/cal/offres/expirer', { corps: {} });
export const lireObjectifs = (annee: number | undefined, signal?: AbortSignal) =>
  requete<_Objectifs>('GET', avecParametres('/api/objectifs', { annee }), { signal });
/** The leases behind one EPCI's objectives (`epci`: SIREN, or « aucun »), a page at a time. */
export const lireBauxObjectifs = (
  p: { epci: string; page: number; parPage: number; annee?: number | undefined },
  signal?: AbortSignal,
) => requete<_BauxObjectifs>('GET', avecParametres('/api/objectifs/baux', p), { signal });

// ——— orientation decision, réservataire's inbox, notifications (issue 6) ———

export type {
  BoiteApi,
  ElementBoiteApi,
  NotificationApi,
  NotificationsApi,
  RecommandationApi,
} from '../../src/contracts/orientation.ts';
import type {
  candidatBoiteSchema as _candidatBoiteSchema,
  decisionOrientationCorpsSchema as _decisionOrientationCorpsSchema,
  NotificationsApi as _Notifications,
  propositionCorpsSchema as _propositionCorpsSchema,
  RecommandationApi as _Recommandation,
} from '../../src/contracts/orientation.ts';
import type { LocationApi as _Location } from '../../src/contracts/api.ts';

/** A candidate as the CAL needs it: SNE number, household size and flags, nothing else. */
export type CandidatSaisi = z.input<typeof _candidatBoiteSchema>;
/** Confirm the recommendation, or override it (another line, or a pool) with a reason. */
export type DecisionOrientation = z.input<typeof _decisionOrientationCorpsSchema>;

export const lireRecommandation = (id: string, signal?: AbortSignal) =>
  requete<_Recommandation>('GET', `/api/locations/${encodeURIComponent(id)}/recommandation`, { signal });
export const deciderOrientation = (id: string, corps: DecisionOrientation) =>
  requete<_Location>('POST', `/api/locations/${encodeURIComponent(id)}/orientation`, { corps });
export const lireBoite = (p: { page: number; parPage: number } & ParametresListe, signal?: AbortSignal) =>
  requete<PageBoiteApi>('GET', avecParametres('/api/boite', p), { signal });
export const proposerCandidats = (id: string, corps: z.input<typeof _propositionCorpsSchema>) =>
  requete<_Location>('POST', `/api/boite/${encodeURIComponent(id)}/candidats`, { corps });
export const lireNotifications = (signal?: AbortSignal) =>
  requete<_Notifications>('GET', '/api/notifications', { signal });
export const marquerNotificationLue = (id: string) =>
  requete<{ ok: true }>('POST', `/api/notifications/${encodeURIComponent(id)}/lue`, { corps: {} });

// ——— late correction of a letting (issue 7 item 3) ———

import type { transitionSchema as _transitionSchema } from '../../src/contracts/api.ts';

/** A transition of a letting as the API takes it; `motif` is required for any of them on a year in a late-correction window. */
export type TransitionLocation = z.input<typeof _transitionSchema>;
/** POST /api/locations/:id/transitions: 409 when the year is locked or the letting changed since `version`, 422 with the field (`motif`…) otherwise. */
export const appliquerTransition = (id: string, corps: TransitionLocation) =>
  requete<_Location>('POST', `/api/locations/${encodeURIComponent(id)}/transitions`, { corps });

// ——— « À traiter » on each role's home (issue 12 item 1) ———

export type { ATraiterApi, ElementATraiterApi } from '../../src/contracts/a-traiter.ts';
import type { ATraiterApi as _ATraiter } from '../../src/contracts/a-traiter.ts';
/** What waits for the signed-in person, most urgent first. */
export const lireATraiter = (signal?: AbortSignal) => requete<_ATraiter>('GET', '/api/a-traiter', { signal });

// ——— Photos and plans of a letting (issue 6 item 2) ———

export type { PieceApi, PieceBoiteApi, PiecesApi } from '../../src/contracts/pieces.ts';
import {
  adressePiece as _adressePiece,
  TAILLE_MAX_PIECE as _TAILLE_MAX_PIECE,
  type ajoutPieceQuerySchema as _ajoutPieceQuerySchema,
  type PieceApi as _Piece,
  type PiecesApi as _Pieces,
} from '../../src/contracts/pieces.ts';

/** One letting (the unit's identifier when the page does not show it). */
export const lireLocation = (id: string, signal?: AbortSignal) =>
  requete<_Location>('GET', `/api/locations/${encodeURIComponent(id)}`, { signal });
export const lirePieces = (locationId: string, signal?: AbortSignal) =>
  requete<_Pieces>('GET', `/api/locations/${encodeURIComponent(locationId)}/pieces`, { signal });
/** Attaches a photo or plan (the file's own type as the body's); its name and description go in the query. */
export const joindrePiece = (
  locationId: string,
  fichier: File,
  p: Omit<z.input<typeof _ajoutPieceQuerySchema>, 'nom'>,
) =>
  televerser<_Piece>(
    avecParametres(`/api/locations/${encodeURIComponent(locationId)}/pieces`, { nom: fichier.name, ...p }),
    fichier,
    { messages: { 413: `Fichier trop volumineux : ${_TAILLE_MAX_PIECE / (1024 * 1024)} Mo au plus.` } },
  );
export const supprimerPiece = (locationId: string, pieceId: string) =>
  requete<undefined>('DELETE', _adressePiece(locationId, pieceId));

// ——— Bilan annuel, its issuing and sending, the dashboard (issue 7) ———

export type { BilanAccessibleApi, BilanApi } from '../../src/contracts/bilan.ts';
export type { EmissionsAnneeApi } from '../../src/contracts/emission-bilan.ts';
export type { LigneTableauApi, TableauApi } from '../../src/contracts/tableaux.ts';
import type { BilanAccessibleApi as _BilanAccessible, BilanApi as _Bilan } from '../../src/contracts/bilan.ts';
import type {
  emettreSchema as _emettreSchema,
  EmissionsAnneeApi as _EmissionsAnnee,
  envoiSchema as _envoiSchema,
  fenetreSchema as _fenetreSchema,
} from '../../src/contracts/emission-bilan.ts';
import type { TableauApi as _Tableau } from '../../src/contracts/tableaux.ts';

/** A year's bilan of one bailleur in one département. */
export interface DemandeBilan {
  annee: number;
  bailleur?: string | undefined;
  departement?: string | undefined;
}

/** The bilans the actor may read (bailleur × département). */
export const lireBilans = (signal?: AbortSignal) =>
  requete<{ bilans: _BilanAccessible[] }>('GET', '/api/bilans', { signal });
export const lireBilan = (d: DemandeBilan, signal?: AbortSignal) =>
  requete<_Bilan>('GET', avecParametres('/api/bilan', { ...d }), { signal });
/** The issued versions of a year's bilan, their sending, the late-correction windows. */
export const lireEmissionsBilan = (d: DemandeBilan, signal?: AbortSignal) =>
  requete<_EmissionsAnnee>('GET', avecParametres('/api/bilan/emissions', { ...d }), { signal });
export const emettreBilan = (corps: z.input<typeof _emettreSchema>) =>
  requete<_EmissionsAnnee>('POST', '/api/bilan/emissions', { corps });
export const marquerBilanEnvoye = (corps: z.input<typeof _envoiSchema>) =>
  requete<_EmissionsAnnee>('POST', '/api/bilan/emissions/envois', { corps });
export const ouvrirFenetreCorrection = (corps: z.input<typeof _fenetreSchema>) =>
  requete<_EmissionsAnnee>('POST', '/api/annees/corrections', { corps });
export const cloreFenetreCorrection = (id: string) =>
  requete<_EmissionsAnnee>('POST', `/api/annees/corrections/${encodeURIComponent(id)}/cloture`);

export const lireTableau = (annee: number | undefined, signal?: AbortSignal) =>
  requete<_Tableau>('GET', avecParametres('/api/tableau', { annee }), { signal });

// ——— work-queue lists, unit search, letting page (issue 12) ———

export type {
  DossierLocationApi,
  ElementBoiteListeApi,
  FaitChronologieApi,
  PageBoiteApi,
  SuggestionLogementApi,
} from '../../src/contracts/listes.ts';
import type {
  DossierLocationApi as _Dossier,
  PageBoiteApi,
  SuggestionLogementApi as _Suggestion,
} from '../../src/contracts/listes.ts';

/** GET /api/logements/recherche: up to 10 units by RPLS number, internal id or address. */
export const rechercherLogements = (q: string, signal?: AbortSignal) =>
  requete<{ logements: _Suggestion[] }>('GET', avecParametres('/api/logements/recherche', { q }), { signal });
/** GET /api/communes/recherche: up to 10 communes by name or INSEE code. */
export const rechercherCommunes = (q: string, signal?: AbortSignal) =>
  requete<{ communes: { code: string; nom: string }[] }>('GET', avecParametres('/api/communes/recherche', { q }), {
    signal,
  });
/** GET /api/locations/:id/dossier: the letting page. */
export const lireDossier = (id: string, signal?: AbortSignal) =>
  requete<_Dossier>('GET', `/api/locations/${encodeURIComponent(id)}/dossier`, { signal });

// ——— Objectifs de la CIA d’un EPCI (ADR 0038) ———

import type {
  CiblesCiaApi as _CiblesCia,
  SaisieCiblesCia as _SaisieCiblesCia,
} from '../../src/contracts/cibles-cia.ts';

export type CiblesCiaApi = _CiblesCia;
export type SaisieCiblesCia = _SaisieCiblesCia;

/** GET /api/cibles-cia: an EPCI's targets for the year (its own for an EPCI reader when `epci` is omitted). */
export const lireCiblesCia = (p: { epci?: string | undefined; annee?: number | undefined }, signal?: AbortSignal) =>
  requete<CiblesCiaApi>('GET', avecParametres('/api/cibles-cia', p), { signal });
/** POST /api/cibles-cia: the EPCI enters a new version of its CIA targets. */
export const enregistrerCiblesCia = (corps: SaisieCiblesCia) =>
  requete<{ version: number }>('POST', '/api/cibles-cia', { corps });

// ——— Seuils du premier quartile (ADR 0034) ———

import type {
  resumeImportQuartilesSchema as _resumeImportQuartilesSchema,
  SeuilsAnneeApi as _SeuilsAnnee,
} from '../../src/contracts/quartiles.ts';

export type SeuilsAnneeApi = _SeuilsAnnee;
export type ResumeImportQuartilesApi = z.infer<typeof _resumeImportQuartilesSchema>;

export const lireQuartiles = (annee: number, signal?: AbortSignal) =>
  requete<SeuilsAnneeApi>('GET', avecParametres('/api/quartiles', { annee }), { signal });

/** Uploads a thresholds CSV (SIREN ; MONTANT) for one year: all or nothing, problems by line:column. */
export const televerserQuartiles = (fichier: File, annee: number, source?: string) =>
  televerser<ResumeImportQuartilesApi>(
    avecParametres('/api/quartiles', { annee, nom: fichier.name, ...(source ? { source } : {}) }),
    fichier,
    { type: 'text/csv' },
  );

// ——— Demandes et rapprochement des attributions (ADR 0036) ———

export type {
  EcartRapprochementApi,
  PageDemandesApi,
  RapprochementApi,
  ResumeDemandesApi,
} from '../../src/contracts/demandes.ts';
import type {
  PageDemandesApi as _PageDemandes,
  RapprochementApi as _Rapprochement,
  ResumeDemandesApi as _ResumeDemandes,
} from '../../src/contracts/demandes.ts';

/** One page of the organisation's own demands. */
export const lireDemandes = (p: { page: number; parPage: number; numero?: string | undefined }, signal?: AbortSignal) =>
  requete<_PageDemandes>('GET', avecParametres('/api/demandes', p), { signal });

/** The demands template as an Excel workbook (a plain link: the browser downloads it). */
export const ADRESSE_MODELE_DEMANDES_XLSX = '/api/demandes/modele.xlsx';

/** Uploads a demands file (raw body); a refusal for its rows comes back as a `RefusTeleversementApi`. */
export async function televerserDemandes(
  fichier: File,
  surProgression?: (envoyes: number, total: number) => void,
): Promise<_ResumeDemandes> {
  try {
    return await televerser<_ResumeDemandes>(avecParametres('/api/demandes', { nom: fichier.name }), fichier, {
      type: 'text/csv',
      surProgression,
    });
  } catch (e) {
    if (e instanceof ErreurApi && e.statut === 422 && e.code === 'LIGNES_INVALIDES')
      throw new RefusTeleversementApi(e.corps as ErreurImportRplsApi);
    throw e;
  }
}

type DemandeRapprochement = { annee: number; departement?: string | undefined };

/** Reconciles a year's allocations file with Flux's leases; nothing of the file is kept by the server. */
export const rapprocherAttributions = (fichier: File, p: DemandeRapprochement) =>
  televerser<_Rapprochement>(avecParametres('/api/rapprochements', { ...p, nom: fichier.name }), fichier, {
    type: 'text/csv',
  });

/**
 * The same reconciliation as an XLSX workbook: the file is sent again (the server keeps nothing of
 * it) and the answer saved by the browser under `nom`.
 */
export function telechargerRapprochement(fichier: File, p: DemandeRapprochement, nom: string): Promise<void> {
  return new Promise<void>((resoudre, rejeter) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', avecParametres('/api/rapprochements.xlsx', { ...p, nom: fichier.name }));
    xhr.setRequestHeader('content-type', 'text/csv');
    if (jetonCsrf) xhr.setRequestHeader('x-csrf-token', jetonCsrf);
    xhr.withCredentials = true;
    xhr.responseType = 'blob';
    xhr.onerror = () => rejeter(new ErreurApi(0, 'RESEAU', MESSAGE_RESEAU));
    xhr.onload = () => {
      const corps = xhr.response as Blob;
      if (xhr.status >= 200 && xhr.status < 300) {
        const url = URL.createObjectURL(corps);
        const a = document.createElement('a');
        a.href = url;
        a.download = nom;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        return resoudre();
      }
      void corps
        .text()
        .then((t) => versErreur(new Response(t || null, { status: xhr.status })))
        .then(rejeter);
    };
    xhr.send(fichier);
  });
}

// ——— Examen de l’occupation par la CALEOL (issue 17, ADR 0044) ———

export type {
  AvisCaleolApi,
  ListeCaleolApi,
  MenageCaleolApi,
  ResumeOccupationApi,
  SeanceCaleolApi,
} from '../../src/contracts/caleol.ts';
import type {
  AvisCaleolApi as _AvisCaleol,
  ListeCaleolApi as _ListeCaleol,
  ResumeOccupationApi as _ResumeOccupation,
  SeanceCaleolApi as _SeanceCaleol,
} from '../../src/contracts/caleol.ts';

/** The households to examine by case on a date (today by default), the sessions and their avis. */
export const lireCaleol = (p: { date?: string | undefined }, signal?: AbortSignal) =>
  requete<_ListeCaleol>('GET', avecParametres('/api/caleol', p), { signal });

export const creerSeanceCaleol = (date: string) =>
  requete<_SeanceCaleol>('POST', '/api/caleol/seances', { corps: { date } });

export const enregistrerAvisCaleol = (
  seanceId: string,
  corps: { occupationId: string; avis: _AvisCaleol['avis']; caracteristiques?: string | null },
) => requete<_AvisCaleol>('POST', `/api/caleol/seances/${encodeURIComponent(seanceId)}/avis`, { corps });

export const suivreAvisCaleol = (
  avisId: string,
  corps: {
    suivi: NonNullable<_AvisCaleol['suivi']>;
    version: number;
    logementPropose?: string;
    date?: string;
    dateLiberation?: string;
  },
) => requete<_AvisCaleol>('POST', `/api/caleol/avis/${encodeURIComponent(avisId)}/suivi`, { corps });

/** Enters or corrects the household in place in one unit (by its RPLS number). */
export const saisirOccupation = (corps: {
  rpls: string;
  dateBail: string;
  personnes: number;
  ressources: number | null;
  plafond: number | null;
  handicap: boolean | null;
  logementAdapte: boolean | null;
  pieces: number | null;
  surface: number | null;
}) => requete<{ rpls: string; nouveau: boolean; champs: string[] }>('PUT', '/api/occupation', { corps });

/** Uploads the occupancy file (raw body); a refusal for its rows comes back as a `RefusTeleversementApi`. */
export async function televerserOccupation(fichier: File): Promise<_ResumeOccupation> {
  try {
    return await televerser<_ResumeOccupation>(avecParametres('/api/occupation', { nom: fichier.name }), fichier, {
      type: 'text/csv',
    });
  } catch (e) {
    if (e instanceof ErreurApi && e.statut === 422 && e.code === 'LIGNES_INVALIDES')
      throw new RefusTeleversementApi(e.corps as ErreurImportRplsApi);
    throw e;
  }
}

// ——— Cotation des demandes (issue 17, ADR 0039) ———

export type {
  AdoptionApi,
  BrouillonApi,
  CotationApi,
  CritereApi,
  EssaiApi,
  GrilleApi,
  GrillePubliqueApi,
  GrillesEpciApi,
  GrillesPubliquesApi,
} from '../../src/contracts/cotation.ts';
import type {
  AdoptionApi as _Adoption,
  BrouillonApi as _Brouillon,
  EssaiApi as _Essai,
  GrillePubliqueApi as _GrillePublique,
  GrillesEpciApi as _GrillesEpci,
  GrillesPubliquesApi as _GrillesPubliques,
} from '../../src/contracts/cotation.ts';

export const lireGrillesPubliques = (signal?: AbortSignal) =>
  requete<_GrillesPubliques>('GET', '/api/cotation/grilles', { signal });
export const lireGrillePublique = (siren: string, signal?: AbortSignal) =>
  requete<_GrillePublique>('GET', `/api/cotation/grilles/${encodeURIComponent(siren)}`, { signal });
export const lireGrillesEpci = (signal?: AbortSignal) => requete<_GrillesEpci>('GET', '/api/cotation/epci', { signal });
export const enregistrerBrouillon = (b: _Brouillon) =>
  requete<_GrillesEpci>('PUT', '/api/cotation/epci/brouillon', { corps: b });
export const adopterBrouillon = (a: _Adoption) =>
  requete<_GrillesEpci>('POST', '/api/cotation/epci/adoption', { corps: a });
export const lireEssai = (signal?: AbortSignal) => requete<_Essai>('GET', '/api/cotation/epci/essai', { signal });
export const ADRESSE_ESSAI_XLSX = '/api/cotation/epci/essai.xlsx';
