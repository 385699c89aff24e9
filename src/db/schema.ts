/**
 * The one database schema, for PGlite (embedded, default) and PostgreSQL (`DATABASE_URL`).
 * Migrations are generated from it by drizzle-kit (`npm run db:generate`) and committed; CI fails
 * when they drift (`npm run db:check`).
 *
 * The year of a bailleur in a département is kept as its events, in the scenario format of
 * `flux simulate` (`evenements_flux`): the ledger is always the engine's run over them, so the
 * server and the CLI cannot disagree. `locations` holds each letting's current state, moved only
 * through the lifecycle's transitions with `update … where etat = $expected`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Organisations: bailleurs (SIREN), réservataires (with their kind), EPCI, State services, administration. */
export const organisations = pgTable(
  'organisations',
  {
    id: text('id').primaryKey(),
    nom: text('nom').notNull(),
    /** bailleur | reservataire | etat | epci | administration */
    categorie: text('categorie').notNull(),
    siren: text('siren'),
    /** For réservataires: etat, action_logement, commune, epci, departement… (scenario types). */
    typeReservataire: text('type_reservataire'),
    departement: text('departement'),
    /** INSEE code of a commune réservataire, SIREN of an EPCI. */
    commune: text('commune'),
    epci: text('epci'),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('organisations_siren_categorie').on(t.siren, t.categorie)],
);

export const utilisateurs = pgTable('utilisateurs', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  nom: text('nom').notNull(),
  /** argon2id hash; null for accounts that sign in only through ProConnect (OIDC). */
  motDePasse: text('mot_de_passe'),
  actif: boolean('actif').notNull().default(true),
  creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
});

/** Membership of a user in an organisation, with its role (see src/app/roles.ts). */
export const adhesions = pgTable(
  'adhesions',
  {
    utilisateurId: text('utilisateur_id')
      .notNull()
      .references(() => utilisateurs.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** agent_bailleur | agent_reservataire | pilote_etat | lecteur_epci | administrateur */
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.utilisateurId, t.organisationId] })],
);

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  utilisateurId: text('utilisateur_id')
    .notNull()
    .references(() => utilisateurs.id),
  organisationId: text('organisation_id')
    .notNull()
    .references(() => organisations.id),
  csrf: text('csrf').notNull(),
  creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  expireLe: timestamp('expire_le', { withTimezone: true }).notNull(),
});

/** COG reference: EPCI and communes. */
export const epcis = pgTable('epcis', {
  siren: text('siren').primaryKey(),
  nom: text('nom').notNull(),
});

export const communes = pgTable(
  'communes',
  {
    code: text('code').primaryKey(),
    nom: text('nom').notNull(),
    departement: text('departement').notNull(),
    epci: text('epci').references(() => epcis.siren),
  },
  (t) => [index('communes_departement').on(t.departement), index('communes_epci').on(t.epci)],
);

export const programmes = pgTable('programmes', {
  id: text('id').primaryKey(),
  bailleurId: text('bailleur_id')
    .notNull()
    .references(() => organisations.id),
  nom: text('nom').notNull(),
  commune: text('commune').notNull(),
});

export const logements = pgTable(
  'logements',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    programmeId: text('programme_id').references(() => programmes.id),
    /** The unit's RPLS identifier, unique per bailleur. */
    rpls: text('rpls').notNull(),
    departement: text('departement').notNull(),
    commune: text('commune').notNull(),
    epci: text('epci'),
    qpv: text('qpv'),
    typologie: text('typologie').notNull(),
    financement: text('financement').notNull(),
    construction: integer('construction').notNull(),
    individuel: boolean('individuel').notNull().default(false),
    horsFlux: text('hors_flux'),
    /** From the RPLS import (src/import/rpls.ts): habitable surface (m²), SURFHAB. */
    surface: numeric('surface', { precision: 8, scale: 2 }),
    /** Monthly rent in principal (€), LOYERPRINC; null when absent or "sans objet" (9999). */
    loyer: numeric('loyer', { precision: 9, scale: 2 }),
    /** DPE energy class A–G, DPEENERGIE. */
    dpe: text('dpe'),
    /** APL convention (CONV, else derived from NUMCONV/DATCONV); null when the file says nothing. */
    conventionne: boolean('conventionne'),
    numeroConvention: text('numero_convention'),
    dateConvention: date('date_convention'),
    /** Street address as in the RPLS file (number, street, postcode, commune). */
    adresse: text('adresse'),
    /** The RPLS FINAN code the `financement` category was mapped from (src/import/financement-rpls.ts). */
    codeFinancement: text('code_financement'),
    /** The RPLS import that last created or changed the unit. */
    importRplsId: text('import_rpls_id').references(() => importsRpls.id),
    /** Set when the unit was absent from an RPLS import of its bailleur (never deleted); null when present. */
    absentRplsDepuis: text('absent_rpls_depuis').references(() => importsRpls.id),
    /**
     * The unit's stock reservation before conversion (rules.md §4, §7): null = unknown, 'aucune' =
     * known to be free, 'reserve' = reserved to `reservataireStockId` for the convention's term,
     * 'droit_unique' = a one-shot right (one letting) of `reservataireStockId`.
     */
    reservationStock: text('reservation_stock'),
    reservataireStockId: text('reservataire_stock_id').references(() => organisations.id),
  },
  (t) => [
    uniqueIndex('logements_bailleur_rpls').on(t.bailleurId, t.rpls),
    index('logements_bailleur_departement').on(t.bailleurId, t.departement),
    index('logements_commune').on(t.commune),
    index('logements_reservataire_stock').on(t.reservataireStockId),
    check(
      'logements_reservation_stock',
      sql`(reservation_stock is null and reservataire_stock_id is null) or (reservation_stock = 'aucune' and reservataire_stock_id is null) or (reservation_stock in ('reserve', 'droit_unique') and reservataire_stock_id is not null)`,
    ),
  ],
);

/**
 * The official lists of quartiers prioritaires de la politique de la ville (QPV), 2015 geography
 * ("QP" + département + number, décret 2014-1750) and 2024 geography ("QN…", décret 2023-1314),
 * as imported (`flux import qpv`) or shipped (src/reference/).
 */
export const quartiersPrioritaires = pgTable(
  'quartiers_prioritaires',
  {
    code: text('code').primaryKey(),
    geographie: text('geographie').notNull(),
    nom: text('nom').notNull(),
    departement: text('departement').notNull(),
    /** INSEE codes of the communes the quarter lies in (the first is the main one). */
    communes: jsonb('communes').$type<string[]>().notNull(),
    source: text('source').notNull(),
  },
  (t) => [index('quartiers_prioritaires_departement').on(t.departement, t.geographie)],
);

/**
 * Dated zonings per commune: 'zone_apl' (I, II, III — the APL rent-ceiling zone, arrêté du 17 mars
 * 1978), 'zone_tendue' ('oui' — décret 2013-392, then 2023-822: the rent-control list) and
 * 'zone_examen_occupation' ('oui' — the zones of CCH L.442-5-2, arrêté under R.442-3-3; ADR 0044).
 * A commune's value on a date is the row with du ≤ date < au (au null = still in force).
 */
export const zonagesCommunes = pgTable(
  'zonages_communes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    commune: text('commune').notNull(),
    zonage: text('zonage').notNull(),
    valeur: text('valeur').notNull(),
    du: date('du').notNull(),
    au: date('au'),
    source: text('source').notNull(),
  },
  (t) => [uniqueIndex('zonages_communes_unique').on(t.commune, t.zonage, t.du)],
);

/**
 * A locked état des lieux of a bailleur's reservations in a département (rules.md §7): the agreed
 * « photo de départ », immutable (append-only, migration 0004), versioned, with the SHA-256 of
 * its content that each party signs. The conversion starts from a version signed by every party.
 */
export const etatsDesLieux = pgTable(
  'etats_des_lieux',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    version: integer('version').notNull(),
    /** The content: the mixes per group and the unit-level reservations (src/domain/etat-des-lieux.ts). */
    contenu: jsonb('contenu').notNull(),
    empreinte: text('empreinte').notNull(),
    /** The organisations that must sign: the bailleur and every réservataire holding units. */
    parties: jsonb('parties').$type<string[]>().notNull(),
    verrouilleLe: timestamp('verrouille_le', { withTimezone: true }).notNull().defaultNow(),
    verrouillePar: text('verrouille_par')
      .notNull()
      .references(() => utilisateurs.id),
  },
  (t) => [uniqueIndex('etats_des_lieux_version').on(t.bailleurId, t.departement, t.version)],
);

/** One party's sign-off of a locked état des lieux (append-only). */
export const signaturesEtatDesLieux = pgTable(
  'signatures_etat_des_lieux',
  {
    etatDesLieuxId: text('etat_des_lieux_id')
      .notNull()
      .references(() => etatsDesLieux.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    utilisateurId: text('utilisateur_id')
      .notNull()
      .references(() => utilisateurs.id),
    /** The content's SHA-256 the signer saw (must equal the état des lieux's). */
    empreinte: text('empreinte').notNull(),
    signeLe: timestamp('signe_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.etatDesLieuxId, t.organisationId] })],
);

/** One RPLS file imported for a bailleur (`flux import rpls`): its scope, its fingerprint and its summary. */
export const importsRpls = pgTable(
  'imports_rpls',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    /** The département the import was restricted to (`--departement`), null for the whole file. */
    departement: text('departement'),
    fichier: text('fichier').notNull(),
    /** SHA-256 of the file's bytes. */
    empreinte: text('empreinte').notNull(),
    importeLe: timestamp('importe_le', { withTimezone: true }).notNull().defaultNow(),
    resume: jsonb('resume').notNull(),
  },
  (t) => [index('imports_rpls_bailleur').on(t.bailleurId, t.importeLe)],
);

/** One convention per bailleur × réservataire × département (CCH R.441-5 I). */
export const conventions = pgTable(
  'conventions',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    reservataireId: text('reservataire_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
  },
  (t) => [uniqueIndex('conventions_unique').on(t.bailleurId, t.reservataireId, t.departement)],
);

/** Versions (avenants) of a convention; the one in force on a date is the latest effective one. */
export const conventionVersions = pgTable(
  'convention_versions',
  {
    id: text('id').primaryKey(),
    conventionId: text('convention_id')
      .notNull()
      .references(() => conventions.id),
    version: integer('version').notNull(),
    effectifLe: date('effectif_le').notNull(),
    taux: numeric('taux', { precision: 9, scale: 6 }).notNull(),
    tauxAgents: numeric('taux_agents', { precision: 9, scale: 6 }),
    /** The convention's parameters in the scenario format (perimetre, decompte, contraintes…). */
    parametres: jsonb('parametres').notNull(),
    /**
     * The contrepartie (CCH R.441-5, ADR 0032): the taux split by what the réservataire gave, Σ =
     * taux, and the act's reference. All null on versions written before it was recorded: read as
     * all of the taux granted for loan guarantees, not specified.
     */
    contrepartieGarantie: numeric('contrepartie_garantie', { precision: 9, scale: 6 }),
    contrepartieFinancement: numeric('contrepartie_financement', { precision: 9, scale: 6 }),
    contrepartieTerrain: numeric('contrepartie_terrain', { precision: 9, scale: 6 }),
    contrepartieAutre: numeric('contrepartie_autre', { precision: 9, scale: 6 }),
    contrepartieReference: text('contrepartie_reference'),
    /** The legal content signed with the version (ADR 0043, the draft's `clauses`); null when written without a draft. */
    clauses: jsonb('clauses'),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('convention_versions_unique').on(t.conventionId, t.version),
    check(
      'convention_versions_contrepartie',
      sql`(contrepartie_garantie is null and contrepartie_financement is null and contrepartie_terrain is null and contrepartie_autre is null and contrepartie_reference is null) or (contrepartie_garantie >= 0 and contrepartie_financement >= 0 and contrepartie_terrain >= 0 and contrepartie_autre >= 0 and contrepartie_garantie + contrepartie_financement + contrepartie_terrain + contrepartie_autre = taux)`,
    ),
  ],
);

/**
 * The préfet's decision to take back the rights of a stock convention not converted by the
 * deadline (loi 3DS; ADR 0032): recorded once by the State pilot, never changed, audited. Before
 * it, a caduque convention's reprise is only possible.
 */
export const reprisesPrefet = pgTable('reprises_prefet', {
  conventionId: text('convention_id')
    .primaryKey()
    .references(() => conventions.id),
  /** The date of the préfet's decision. */
  decideLe: date('decide_le').notNull(),
  /** The act's reference (arrêté, décision). */
  reference: text('reference').notNull(),
  commentaire: text('commentaire'),
  enregistrePar: text('enregistre_par').references(() => utilisateurs.id),
  enregistreLe: timestamp('enregistre_le', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The bailleur's forecast inputs for a year in a département (issue 5 item 2): window, planned
 * deliveries, demolitions, sales, forecast exclusions, the PRU/ANRU volume, and the past flows of
 * years Flux holds no events for. One row per year, changed under an optimistic lock, audited.
 */
export const previsionsFlux = pgTable(
  'previsions_flux',
  {
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    parametres: jsonb('parametres').notNull(),
    version: integer('version').notNull().default(1),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
    majPar: text('maj_par').references(() => utilisateurs.id),
  },
  (t) => [primaryKey({ columns: [t.bailleurId, t.departement, t.annee] })],
);

/** A letting (one letting of one unit) and its lifecycle state (src/domain/lifecycle.ts). */
export const locations = pgTable(
  'locations',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    logementId: text('logement_id')
      .notNull()
      .references(() => logements.id),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    /** The day the letting opens: the tenant's notice, or a first letting's announcement (ADR 0026). */
    dateLiberation: date('date_liberation').notNull(),
    /** The tenant's departure when later than the notice: the lease is dated on or after it (ADR 0026). */
    dateDepart: date('date_depart'),
    premiereMiseEnLocation: boolean('premiere_mise_en_location').notNull().default(false),
    exclusion: text('exclusion'),
    etat: text('etat').notNull(),
    /** Réservataire organisation the unit is oriented to; null for the bailleur's own share or none yet. */
    reservataireId: text('reservataire_id').references(() => organisations.id),
    /** Line of the ledger ("BAILLEUR" or a réservataire id) once oriented. */
    ligne: text('ligne'),
    pool: jsonb('pool'),
    forcee: boolean('forcee').notNull().default(false),
    motif: text('motif'),
    /** Incremented by every transition: a client acts on the version it saw (optimistic lock). */
    version: integer('version').notNull().default(0),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('locations_bailleur_annee').on(t.bailleurId, t.departement, t.annee),
    index('locations_reservataire').on(t.reservataireId),
    // One open letting per unit; a letting outside the flow (`exclue`) waits for its candidates, so it is open.
    uniqueIndex('locations_en_cours')
      .on(t.logementId)
      .where(sql`etat not in ('bail_signe', 'refus', 'sans_candidat')`),
  ],
);

/** The year's events of a bailleur × département, in the scenario format, in order. */
export const evenementsFlux = pgTable(
  'evenements_flux',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    locationId: text('location_id').references(() => locations.id),
    evenement: jsonb('evenement').notNull(),
  },
  (t) => [
    index('evenements_flux_annee').on(t.bailleurId, t.departement, t.annee, t.id),
    // A letting's own events: the dates an officer enters are checked against them (ADR 0026).
    index('evenements_flux_location').on(t.locationId),
  ],
);

/**
 * How many events each bailleur × département × year holds, kept by triggers on `evenements_flux`
 * (migration 0027, whoever writes): with the last event id, the year's version that every write
 * and every cache miss reads (`resultatAnnee`), a key lookup instead of counting thousands of
 * events. Derived data: recomputed after a restore (`recompterEvenements`).
 */
export const compteursEvenements = pgTable(
  'compteurs_evenements',
  {
    bailleurId: text('bailleur_id').notNull(),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bailleurId, t.departement, t.annee] })],
);

/**
 * Candidates proposed for a letting: the SNE number and only what the allocation objectives and the
 * bilan need of the household (docs/rgpd.md) — no name. Entered once by whoever proposes it.
 */
export const candidatures = pgTable(
  'candidatures',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    reservataireId: text('reservataire_id').references(() => organisations.id),
    numeroSne: text('numero_sne').notNull(),
    rang: integer('rang').notNull(),
    /** Persons in the household (all ages). */
    tailleMenage: integer('taille_menage'),
    /** Of which children under 14 (consumption units: 0.3 each). */
    enfantsMoins14: integer('enfants_moins_14'),
    /** Annual resources recorded in the demand, whole euros. */
    ressourcesAnnuelles: integer('ressources_annuelles'),
    /** First quartile: computed at the CAL decision (or declared); null = unknown or not decided yet. */
    quartile1: boolean('quartile1'),
    /** 'calcule' (resources per UC against the threshold) or 'declare' (an override with its motif). */
    origineQuartile1: text('origine_quartile1'),
    /** The override entered with the candidate: true/false declared, null = computed. */
    quartile1Declare: boolean('quartile1_declare'),
    motifQuartile1: text('motif_quartile1'),
    /** The threshold (€ per UC) the quartile was computed against, and its act. */
    seuilQuartile1: integer('seuil_quartile1'),
    sourceSeuilQuartile1: text('source_seuil_quartile1'),
    /** Rehousing operation: 'anru' | 'orcod' (counted with the first quartile outside QPV). */
    relogement: text('relogement'),
    /** A State agent, meaningful on the State line only (out of its priority denominator). */
    agentEtat: boolean('agent_etat').notNull().default(false),
    /** When an unsuccessful candidate's household data was erased (docs/rgpd.md, ADR 0034). */
    anonymiseLe: timestamp('anonymise_le', { withTimezone: true }),
    /** Any priority category (DALO, PDALHPD or another L.441-1 one): what the objectives count. */
    prioritaire: boolean('prioritaire').notNull().default(false),
    dalo: boolean('dalo').notNull().default(false),
    /** Priority of the département's action plan (PDALHPD). */
    pdalhpd: boolean('pdalhpd').notNull().default(false),
    /** Another priority category of CCH L.441-1. */
    autreL4411: boolean('autre_l4411').notNull().default(false),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('candidatures_location').on(t.locationId)],
);

/**
 * First-quartile thresholds (CCH L.441-1): per EPCI and year, the annual arrêté's amount in € per
 * consumption unit, with its act and who imported it (`flux import quartiles`, ADR 0034).
 */
export const seuilsPremierQuartile = pgTable(
  'seuils_premier_quartile',
  {
    epci: text('epci').notNull(),
    annee: integer('annee').notNull(),
    /** € per consumption unit and per year. */
    montant: integer('montant').notNull(),
    source: text('source').notNull(),
    importePar: text('importe_par').notNull(),
    importeLe: timestamp('importe_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.annee, t.epci] })],
);

export const decisionsCal = pgTable('decisions_cal', {
  id: text('id').primaryKey(),
  locationId: text('location_id')
    .notNull()
    .references(() => locations.id),
  candidatureId: text('candidature_id').references(() => candidatures.id),
  decision: text('decision').notNull(),
  motif: text('motif'),
  dateDecision: date('date_decision').notNull(),
});

export const baux = pgTable('baux', {
  id: text('id').primaryKey(),
  locationId: text('location_id')
    .notNull()
    .references(() => locations.id)
    .unique(),
  dateSignature: date('date_signature').notNull(),
  menage: jsonb('menage').notNull(),
});

/**
 * The audit trail: append-only and hash-chained. Each event stores the hash of the previous one;
 * `flux audit verify` recomputes the chain and names the first altered or missing event.
 */
export const evenementsAudit = pgTable('evenements_audit', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  /** ISO 8601 instant as written (text, so that the hashed form reads back byte for byte). */
  horodatage: text('horodatage').notNull(),
  utilisateurId: text('utilisateur_id'),
  organisationId: text('organisation_id'),
  action: text('action').notNull(),
  cibleType: text('cible_type').notNull(),
  cibleId: text('cible_id').notNull(),
  avant: jsonb('avant'),
  apres: jsonb('apres'),
  motif: text('motif'),
  hashPrecedent: text('hash_precedent').notNull(),
  hash: text('hash').notNull(),
});

/**
 * The bailleur's decision on a letting's orientation (issue 6): the engine's line confirmed, or
 * overridden (another line, or a pool, with the reason kept on the letting and in the audit). It
 * opens the réservataire's proposal delay: `echeance` = `orienteeLe` + the convention's
 * `delaiPropositionJours`, both Europe/Paris dates. One row per letting, replaced by a new decision.
 */
export const delaisProposition = pgTable(
  'delais_proposition',
  {
    locationId: text('location_id')
      .primaryKey()
      .references(() => locations.id),
    /** confirmee | forcee | pool */
    decision: text('decision').notNull(),
    orienteeLe: date('orientee_le').notNull(),
    /** Null for the bailleur's own line (no réservataire to wait for). */
    echeance: date('echeance'),
    decidePar: text('decide_par'),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('delais_proposition_echeance').on(t.echeance)],
);

/**
 * Notifications to an organisation (in the application, and by e-mail when SMTP is configured):
 * new orientation, deadline approaching, deadline passed, CAL result. `cle` makes each one unique
 * (a scheduled check run twice notifies once); `envoyeeLe` is set once the e-mail has gone.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** orientation | echeance_proche | echeance_depassee | resultat_cal */
    type: text('type').notNull(),
    locationId: text('location_id').references(() => locations.id),
    titre: text('titre').notNull(),
    message: text('message').notNull(),
    cle: text('cle').notNull(),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
    lueLe: timestamp('lue_le', { withTimezone: true }),
    envoyeeLe: timestamp('envoyee_le', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notifications_cle').on(t.cle),
    index('notifications_organisation').on(t.organisationId, t.creeLe),
  ],
);

/**
 * CAL sessions (issue 6 item 4): one date, one bailleur, the lettings it examines. A session's
 * decisions go through the letting's `decider` transition (`decisions_cal`); this records the
 * session, the order of examination and what followed each decision.
 */
export const sessionsCal = pgTable(
  'sessions_cal',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    dateSession: date('date_session').notNull(),
    lieu: text('lieu'),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
    /** A cancelled session (its undecided units withdrawn), with the written reason. */
    annuleeLe: timestamp('annulee_le', { withTimezone: true }),
    motifAnnulation: text('motif_annulation'),
  },
  (t) => [index('sessions_cal_bailleur').on(t.bailleurId, t.dateSession)],
);

/** One letting examined by one session, with the CAL's ranking and what followed its decision. */
export const examensCal = pgTable(
  'examens_cal',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessionsCal.id),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    ordre: integer('ordre').notNull(),
    /** The candidatures examined (ids, in the order proposed): the round of proposals on the table that day. */
    candidats: jsonb('candidats').notNull().default([]),
    /** Why fewer than three applications are examined without a DALO designation (too few applicants). */
    motifMoinsDeTrois: text('motif_moins_de_trois'),
    decisionCalId: text('decision_cal_id').references(() => decisionsCal.id),
    /** Candidatures ranked by the CAL (rang 1, 2, 3), in order; empty for a negative decision. */
    classement: jsonb('classement').notNull().default([]),
    /** Why the CAL ranked candidates against the cotation's order (issue 17, ADR 0039); null = in order. */
    motifEcartCotation: text('motif_ecart_cotation'),
    /** After a failure or a negative decision: rang_suivant | reservataire | bailleur | maire; bail once signed. */
    suite: text('suite'),
  },
  (t) => [
    uniqueIndex('examens_cal_unique').on(t.sessionId, t.locationId),
    index('examens_cal_location').on(t.locationId),
  ],
);

/** An offer made to a ranked candidate after a positive decision: 10 days to answer, silence = refusal. */
export const offresCal = pgTable(
  'offres_cal',
  {
    id: text('id').primaryKey(),
    examenId: text('examen_id')
      .notNull()
      .references(() => examensCal.id),
    candidatureId: text('candidature_id')
      .notNull()
      .references(() => candidatures.id),
    rang: integer('rang').notNull(),
    dateOffre: date('date_offre').notNull(),
    /** Last day to answer (Europe/Paris). */
    echeance: date('echeance').notNull(),
    /** null while pending; acceptee | refusee | silence (refusal by silence after the deadline). */
    reponse: text('reponse'),
    dateReponse: date('date_reponse'),
  },
  (t) => [
    index('offres_cal_en_attente')
      .on(t.echeance)
      .where(sql`reponse is null`),
    index('offres_cal_examen').on(t.examenId),
  ],
);

/**
 * The issued versions of a bailleur's annual bilan in a département (issue 7; ADR 0015): the
 * BilanAnnuel JSON as issued, its SHA-256 fingerprint, who and when, and — from version 2 — what
 * changed since the previous version and the late corrections behind it. Issuing locks the year.
 * Append-only (triggers of migration 0009).
 */
export const emissionsBilan = pgTable(
  'emissions_bilan',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    version: integer('version').notNull(),
    contenu: jsonb('contenu').notNull(),
    empreinte: text('empreinte').notNull(),
    /** What changed since the previous version (src/domain/emission-bilan.ts); null for version 1. */
    difference: jsonb('difference'),
    /** The late corrections recorded since the previous version, as they were. */
    corrections: jsonb('corrections').notNull().default([]),
    emisLe: timestamp('emis_le', { withTimezone: true }).notNull().defaultNow(),
    emisPar: text('emis_par')
      .notNull()
      .references(() => utilisateurs.id),
  },
  (t) => [uniqueIndex('emissions_bilan_version').on(t.bailleurId, t.departement, t.annee, t.version)],
);

/** An issued version marked sent to one recipient (a réservataire or an EPCI). Append-only. */
export const envoisBilan = pgTable(
  'envois_bilan',
  {
    emissionId: text('emission_id')
      .notNull()
      .references(() => emissionsBilan.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    envoyeLe: timestamp('envoye_le', { withTimezone: true }).notNull().defaultNow(),
    envoyePar: text('envoye_par')
      .notNull()
      .references(() => utilisateurs.id),
  },
  (t) => [primaryKey({ columns: [t.emissionId, t.organisationId] })],
);

/** Each download of an issued version (who, for which organisation, when). Append-only. */
export const telechargementsBilan = pgTable(
  'telechargements_bilan',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    emissionId: text('emission_id')
      .notNull()
      .references(() => emissionsBilan.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    utilisateurId: text('utilisateur_id')
      .notNull()
      .references(() => utilisateurs.id),
    telechargeLe: timestamp('telecharge_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('telechargements_bilan_emission').on(t.emissionId, t.organisationId)],
);

/**
 * A late-correction window on an issued year: open until `fin` (inclusive, Europe/Paris) or until
 * closed. Only its closing may be written afterwards (trigger of migration 0009).
 */
export const fenetresCorrection = pgTable(
  'fenetres_correction',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    annee: integer('annee').notNull(),
    motif: text('motif').notNull(),
    fin: date('fin').notNull(),
    ouverteLe: timestamp('ouverte_le', { withTimezone: true }).notNull().defaultNow(),
    ouvertePar: text('ouverte_par')
      .notNull()
      .references(() => utilisateurs.id),
    clotureeLe: timestamp('cloturee_le', { withTimezone: true }),
    clotureePar: text('cloturee_par').references(() => utilisateurs.id),
  },
  (t) => [index('fenetres_correction_annee').on(t.bailleurId, t.departement, t.annee)],
);

/** One write of an issued year accepted in a correction window, with its reason. Append-only. */
export const correctionsAnnee = pgTable(
  'corrections_annee',
  {
    id: text('id').primaryKey(),
    fenetreId: text('fenetre_id')
      .notNull()
      .references(() => fenetresCorrection.id),
    locationId: text('location_id').references(() => locations.id),
    /** The letting's audit action (location.declarer, location.orienter, …; `location.*` before migration 0017). */
    action: text('action').notNull(),
    motif: text('motif').notNull(),
    /** null when the scheduled check wrote it. */
    utilisateurId: text('utilisateur_id').references(() => utilisateurs.id),
    organisationId: text('organisation_id').references(() => organisations.id),
    corrigeLe: timestamp('corrige_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('corrections_annee_fenetre').on(t.fenetreId)],
);

/** Binary content (bytea): a Buffer on both drivers (PGlite answers a Uint8Array). */
const octets = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/**
 * Photos and plans the bailleur attached to a letting (issue 6 item 2): JPEG, PNG, WebP or PDF
 * (checked on their magic bytes), 5 MiB each, 10 per letting. Read by the bailleur, the
 * réservataire(s) it was oriented to once decided, and the State pilot of the département.
 */
export const piecesLocations = pgTable(
  'pieces_locations',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    /** The original file name, without any path. */
    nom: text('nom').notNull(),
    /** Optional, the image's alternative text. */
    description: text('description'),
    typeMime: text('type_mime').notNull(),
    taille: integer('taille').notNull(),
    /** SHA-256 of the content, hex. */
    empreinte: text('empreinte').notNull(),
    contenu: octets('contenu').notNull(),
    ajoutePar: text('ajoute_par')
      .notNull()
      .references(() => utilisateurs.id),
    ajouteLe: timestamp('ajoute_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('pieces_locations_location').on(t.locationId, t.ajouteLe),
    check('pieces_locations_type', sql`${t.typeMime} in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')`),
    check(
      'pieces_locations_taille',
      sql`${t.taille} > 0 and ${t.taille} <= 5242880 and ${t.taille} = octet_length(${t.contenu})`,
    ),
  ],
);

/**
 * Error files of refused uploads (RPLS, stock reservations): written once, as the upload is read,
 * gzip-compressed in chunks of at most 1 MiB (`fichiers_erreurs_morceaux`), downloaded by their own
 * link by the organisation that uploaded, until `expire_le` (then purged). Never in the 422 itself.
 */
export const fichiersErreurs = pgTable(
  'fichiers_erreurs',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** Who uploaded (null: the command line). */
    utilisateurId: text('utilisateur_id').references(() => utilisateurs.id),
    /** The file name offered at download (`patrimoine.erreurs.csv`). */
    nom: text('nom').notNull(),
    /** Size of the uncompressed file, in bytes. */
    taille: bigint('taille', { mode: 'number' }).notNull(),
    /** Rejected rows in the file. */
    lignes: integer('lignes').notNull(),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
    expireLe: timestamp('expire_le', { withTimezone: true }).notNull(),
  },
  (t) => [index('fichiers_erreurs_expiration').on(t.expireLe)],
);

export const fichiersErreursMorceaux = pgTable(
  'fichiers_erreurs_morceaux',
  {
    fichierId: text('fichier_id')
      .notNull()
      .references(() => fichiersErreurs.id, { onDelete: 'cascade' }),
    rang: integer('rang').notNull(),
    /** A piece of the gzip stream of the file. */
    octets: octets('octets').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fichierId, t.rang] })],
);

/**
 * Demands of housing a réservataire (or a bailleur, for the demands it designates on its own
 * share) imported from its SNE/Imhoweb extract (`flux import demandes`, docs/demandes.md; ADR 0036):
 * only the template's fields, read only by the organisation that imported them. One row per
 * organisation × numéro unique; a re-import of the same number updates it (`version` + 1, the
 * import in `import_id`, audited as `demandes.importer`). Purged once the demand's validity (one
 * year from its registration or last renewal, CCH R.441-2-7) has passed.
 */
export const demandes = pgTable(
  'demandes',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    numeroSne: text('numero_sne').notNull(),
    dateDemande: date('date_demande').notNull(),
    dateRenouvellement: date('date_renouvellement'),
    personnes: integer('personnes').notNull(),
    enfantsMoins14: integer('enfants_moins_14').notNull().default(0),
    /** € per year as recorded in the demand; null = not given. */
    ressourcesAnnuelles: integer('ressources_annuelles'),
    dalo: boolean('dalo').notNull().default(false),
    pdalhpd: boolean('pdalhpd').notNull().default(false),
    autreL4411: boolean('autre_l4411').notNull().default(false),
    /** INSEE codes of the communes wished, in the file's order. */
    communes: jsonb('communes').$type<string[]>().notNull(),
    /** Typologies wished (T1…T6). */
    typologies: jsonb('typologies').$type<string[]>().notNull(),
    /** Situations of the demand (codes as `codeSituation` writes them), for the cotation grids. */
    situations: jsonb('situations').$type<string[]>().notNull().default([]),
    /** Works or lives in the territory (the grids' « lien local »). */
    lienLocal: boolean('lien_local').notNull().default(false),
    /** Dates of the suitable units the household refused (the grids' refusal effect). */
    refusAdaptes: jsonb('refus_adaptes').$type<string[]>().notNull().default([]),
    /** A tenant of a bailleur asking for another of its units (the grids' internal mutations). */
    mutationInterne: boolean('mutation_interne').notNull().default(false),
    /** The import that created or last changed the row (the audit event's target). */
    importId: text('import_id').notNull(),
    version: integer('version').notNull().default(1),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('demandes_organisation_numero').on(t.organisationId, t.numeroSne),
    check('demandes_composition', sql`personnes >= 1 and enfants_moins_14 >= 0 and enfants_moins_14 < personnes`),
  ],
);

/**
 * An EPCI's CIA targets (convention intercommunale d'attribution, CCH L.441-1 and L.441-1-6), as
 * dated, versioned data (ADR 0038): each row is one version, never updated; the one in force for
 * a year is the latest taking effect on or before its 31 December. A target left null keeps the
 * legal one. Entered by the EPCI itself (`lecteur_epci`), audited.
 */
export const ciblesCia = pgTable(
  'cibles_cia',
  {
    epci: text('epci')
      .notNull()
      .references(() => epcis.siren),
    version: integer('version').notNull(),
    /** Share of leases outside QPV to Q1 or ANRU/ORCOD-rehoused households (0–1); null = the law's. */
    quartile1HorsQpv: numeric('quartile1_hors_qpv', { precision: 5, scale: 4 }),
    /** Share of leases in QPV to households above the first quartile (0–1); null = the law's. */
    nonQuartile1EnQpv: numeric('non_quartile1_en_qpv', { precision: 5, scale: 4 }),
    /** The date the targets apply from (leases signed from then on). */
    applicableDu: date('applicable_du').notNull(),
    /** The CIA's reference: deliberation, signature, its number. */
    referenceCia: text('reference_cia').notNull(),
    /** The date the CIA (or its amendment) was adopted. */
    adopteeLe: date('adoptee_le').notNull(),
    saisiPar: text('saisi_par')
      .notNull()
      .references(() => utilisateurs.id),
    saisiLe: timestamp('saisi_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.epci, t.version] }),
    check(
      'cibles_cia_parts',
      sql`(quartile1_hors_qpv is null or (quartile1_hors_qpv >= 0 and quartile1_hors_qpv <= 1)) and (non_quartile1_en_qpv is null or (non_quartile1_en_qpv >= 0 and non_quartile1_en_qpv <= 1))`,
    ),
  ],
);

/**
 * Cotation grids of an EPCI (CCH L.441-2-8; ADR 0037, 0039): dated, versioned data. At most one
 * draft per EPCI (`brouillon`, version null) that its officers edit and try on the current demands;
 * adopting it gives it the next version, the act, who adopted it and when, and the date it applies
 * from. An adopted grid is never changed again (the next one supersedes it from its date). Every
 * write is audited (`cotation.enregistrer`, `cotation.adopter`).
 */
export const grillesCotation = pgTable(
  'grilles_cotation',
  {
    id: text('id').primaryKey(),
    epci: text('epci')
      .notNull()
      .references(() => epcis.siren),
    /** brouillon | adoptee */
    statut: text('statut').notNull(),
    version: integer('version'),
    /** The criteria and their points (src/domain/cotation.ts `Critere[]`). */
    criteres: jsonb('criteres').notNull(),
    /** Points off per suitable unit refused, for how many months. */
    refusPoints: integer('refus_points').notNull().default(0),
    refusDureeMois: integer('refus_duree_mois').notNull().default(12),
    mutationsPoints: integer('mutations_points').notNull().default(0),
    enVigueurDu: date('en_vigueur_du'),
    /** The adopting body (« le conseil communautaire ») and its act (« délibération n° … du … »). */
    adoptionPar: text('adoption_par'),
    adoptionActe: text('adoption_acte'),
    adoptionLe: date('adoption_le'),
    /** The officer who recorded the adoption in Flux, and when. */
    adopteeParUtilisateur: text('adoptee_par_utilisateur').references(() => utilisateurs.id),
    enregistreeLe: timestamp('enregistree_le', { withTimezone: true }),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('grilles_cotation_version').on(t.epci, t.version),
    uniqueIndex('grilles_cotation_un_brouillon')
      .on(t.epci)
      .where(sql`statut = 'brouillon'`),
    check(
      'grilles_cotation_statut',
      sql`(statut = 'brouillon' and version is null) or (statut = 'adoptee' and version >= 1 and en_vigueur_du is not null and adoption_le is not null)`,
    ),
  ],
);

/**
 * A draft of a convention or of an avenant (issue 14 item 3, ADR 0040): the version's parameters as
 * the bailleur proposes them, presented to the CIL of each EPCI it covers before the parties sign.
 * `etat`: `projet` → `signe` (its version written, `versionId`) | `abandonne`. Changed under an
 * optimistic lock (`version`), audited.
 */
export const projetsConventions = pgTable(
  'projets_conventions',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    reservataireId: text('reservataire_id')
      .notNull()
      .references(() => organisations.id),
    departement: text('departement').notNull(),
    /** SIRENs of the EPCIs whose territory holds units the draft's périmètre covers (each CIL reviews it). */
    epcis: jsonb('epcis').notNull(),
    /** The convention an avenant draft amends; null for a new convention. */
    conventionId: text('convention_id').references(() => conventions.id),
    /** The version's parameters and date of effect as entered (the contracts' `EntreeVersion`). */
    entree: jsonb('entree').notNull(),
    /** The legal content beyond rates (ADR 0043, `ClausesConvention`); null on drafts written before: the defaults. */
    clauses: jsonb('clauses'),
    etat: text('etat').notNull().default('projet'),
    version: integer('version').notNull().default(1),
    /** The version written when the parties signed. */
    versionId: text('version_id').references(() => conventionVersions.id),
    signeLe: date('signe_le'),
    creePar: text('cree_par').references(() => utilisateurs.id),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('projets_conventions_departement').on(t.departement, t.etat)],
);

/**
 * A party's signature of a draft's document (ADR 0043): the SHA-256 of the document's canonical
 * content it read, signed by an agent of the bailleur or of the réservataire; never changed. A party
 * signs each fingerprint once; a changed document needs a new signature.
 */
export const signaturesProjetsConventions = pgTable(
  'signatures_projets_conventions',
  {
    projetId: text('projet_id')
      .notNull()
      .references(() => projetsConventions.id),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    utilisateurId: text('utilisateur_id')
      .notNull()
      .references(() => utilisateurs.id),
    empreinte: text('empreinte').notNull(),
    signeLe: timestamp('signe_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projetId, t.organisationId, t.empreinte] })],
);

/**
 * The CIL's review of a draft (CCH L.441-1-5; issue 14 item 3): one per draft and EPCI, recorded by
 * the EPCI once, never changed; `avis` favorable or réservé (then `motifs` required).
 */
export const avisCil = pgTable(
  'avis_cil',
  {
    projetId: text('projet_id')
      .notNull()
      .references(() => projetsConventions.id),
    /** SIREN of the EPCI whose CIL gave the review. */
    epci: text('epci').notNull(),
    seanceLe: date('seance_le').notNull(),
    avis: text('avis').notNull(),
    motifs: text('motifs'),
    enregistrePar: text('enregistre_par').references(() => utilisateurs.id),
    enregistreLe: timestamp('enregistre_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projetId, t.epci] })],
);

/**
 * The préfet's delegation of the State's contingent to a maire or an EPCI president (CCH L.441-1;
 * issue 14 item 5): the delegatee organisation acts on the State's line for the units of its scope
 * (communes) from `debut` to `fin` included; the State pilot keeps the view. Recorded by the pilot,
 * audited, never changed nor deleted (a new act is a new delegation).
 */
export const delegationsContingent = pgTable(
  'delegations_contingent',
  {
    id: text('id').primaryKey(),
    departement: text('departement').notNull(),
    /** The State's organisation (réservataire `etat`) whose line is delegated. */
    etatId: text('etat_id')
      .notNull()
      .references(() => organisations.id),
    delegataireId: text('delegataire_id')
      .notNull()
      .references(() => organisations.id),
    /** INSEE codes of the communes the delegation covers. */
    communes: jsonb('communes').notNull(),
    debut: date('debut').notNull(),
    fin: date('fin').notNull(),
    /** The delegation convention or arrêté (reference). */
    acte: text('acte').notNull(),
    enregistrePar: text('enregistre_par').references(() => utilisateurs.id),
    enregistreLe: timestamp('enregistre_le', { withTimezone: true }).notNull().defaultNow(),
    /** Ended early by the préfet's decision: the last day the act first gave (`fin` is then the new one). */
    finInitiale: date('fin_initiale'),
    /** The decision ending it early (reference, reason). */
    motifFin: text('motif_fin'),
    termineePar: text('terminee_par').references(() => utilisateurs.id),
    termineeLe: timestamp('terminee_le', { withTimezone: true }),
  },
  (t) => [index('delegations_contingent_delegataire').on(t.delegataireId, t.fin)],
);

/**
 * The rights réservataires negotiated at a new programme's financing (ADR 0035, 0047): each entry is
 * a new version of the programme's whole list (never an update), with the financing decision it
 * rests on; the latest version is in force. An empty list withdraws the rights.
 */
export const droitsProgrammes = pgTable(
  'droits_programmes',
  {
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
    version: integer('version').notNull(),
    /** The financing decision's reference (convention of financing, deliberation, decision number). */
    decisionFinancement: text('decision_financement').notNull(),
    dateFinancement: date('date_financement').notNull(),
    /** In order: the réservataire (organisation id) and the number of first lettings it holds. */
    droits: jsonb('droits').$type<{ reservataire: string; logements: number }[]>().notNull(),
    /** The programme's planned delivery (its first lettings): what the forecast of that year counts. */
    livraisonPrevue: date('livraison_prevue'),
    saisiPar: text('saisi_par')
      .notNull()
      .references(() => utilisateurs.id),
    saisiLe: timestamp('saisi_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.programmeId, t.version] })],
);

/**
 * The household in place in a unit, for the CALEOL's occupancy review (CCH L.442-5-2, ADR 0044):
 * what the review needs and nothing more — the lease date, the persons, the annual resources and
 * the ceiling applicable (the SLS survey's figures), a disability needing an adapted unit, the
 * unit's adaptation, and when the file says so the rooms and surface (else the unit's typology and
 * RPLS surface). No name, no birth date. One row per unit (the household in place); imported
 * (`flux import occupation`, docs/occupation.md) or entered, audited. Erased when a later lease of
 * the unit is recorded in Flux (the household left) and on a re-import's newer lease date.
 */
export const occupations = pgTable(
  'occupations',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    logementId: text('logement_id')
      .notNull()
      .references(() => logements.id),
    dateBail: date('date_bail').notNull(),
    personnes: integer('personnes').notNull(),
    /** € per year (SLS survey); null = unknown. */
    ressources: integer('ressources'),
    /** The ceiling applicable to the unit and household, € per year; null = unknown. */
    plafond: integer('plafond'),
    /** A person of the household has a recognised disability or loss of autonomy needing an adapted unit. */
    handicap: boolean('handicap'),
    /** The unit is adapted to persons with disabilities. */
    logementAdapte: boolean('logement_adapte'),
    /** Habitable rooms (kitchens not counted) when the file says so; null = the unit's typology. */
    pieces: integer('pieces'),
    /** Habitable surface (m²) when the file says so; null = the unit's RPLS surface. */
    surface: numeric('surface', { precision: 8, scale: 2 }),
    importId: text('import_id'),
    version: integer('version').notNull().default(1),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('occupations_logement').on(t.logementId),
    index('occupations_bailleur').on(t.bailleurId),
    check('occupations_personnes', sql`personnes >= 1`),
  ],
);

/** A CALEOL session (occupancy review) of a bailleur: one date, the avis it gives per household. */
export const seancesCaleol = pgTable(
  'seances_caleol',
  {
    id: text('id').primaryKey(),
    bailleurId: text('bailleur_id')
      .notNull()
      .references(() => organisations.id),
    dateSeance: date('date_seance').notNull(),
    creeLe: timestamp('cree_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('seances_caleol_bailleur').on(t.bailleurId, t.dateSeance)],
);

/**
 * The CALEOL's avis on one household (ADR 0044): the anniversary examined, the cases found (with
 * their reasons, as shown to the commission), the avis, the characteristics of the unit to
 * propose, and the follow-up of the proposal; an accepted mutation names the letting it opened
 * (outside the flow, `mutation_interne`) on the new unit and the notice of the freed unit.
 * Kept after the occupancy row is erased (`occupation_id` set null): no personal data but the
 * unit and the cases.
 */
export const avisCaleol = pgTable(
  'avis_caleol',
  {
    id: text('id').primaryKey(),
    seanceId: text('seance_id')
      .notNull()
      .references(() => seancesCaleol.id),
    occupationId: text('occupation_id').references(() => occupations.id, { onDelete: 'set null' }),
    logementId: text('logement_id')
      .notNull()
      .references(() => logements.id),
    echeance: date('echeance').notNull(),
    cas: jsonb('cas').$type<{ cas: string; motif: string }[]>().notNull(),
    avis: text('avis').notNull(),
    /** The characteristics of a unit suited to the household, as the commission defines them. */
    caracteristiques: text('caracteristiques'),
    suivi: text('suivi'),
    logementProposeId: text('logement_propose_id').references(() => logements.id),
    /** The letting outside the flow opened on the new unit when the mutation was accepted. */
    locationMutationId: text('location_mutation_id').references(() => locations.id),
    /** The notice declared on the freed unit. */
    locationLibereeId: text('location_liberee_id').references(() => locations.id),
    version: integer('version').notNull().default(1),
    majLe: timestamp('maj_le', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('avis_caleol_unique').on(t.seanceId, t.logementId),
    index('avis_caleol_occupation').on(t.occupationId),
  ],
);
