/**
 * Every TanStack Query key of the web client, in one place. A key is an array whose first element
 * names the family (`['cal', 'session', id]`): invalidating a shorter key invalidates every key
 * that starts with it, so `cles.cal.tout()` refreshes the sessions list, each session and the
 * units to examine. Pages never write a key by hand: they call this factory, so that a query and
 * the invalidation that must refresh it cannot drift apart.
 */
import type {
  DemandeBilan,
  lireBoite,
  lireConversion,
  lireSimulation,
  lireDemandes,
  lireEtatDesLieux,
  lireLogements,
  lireLocations,
  lirePrevision,
  lireQualite,
  lireRegistreConventions,
  lireSessionsCal,
  lireVersionsEtat,
} from './api.ts';

/** The first parameter of an API call: what a page asks, and so what its key holds. */
type Demande<F extends (...args: never[]) => unknown> = Parameters<F>[0];

export const cles = {
  /** The signed-in session (`GET /api/session`): kept when the other queries are dropped at sign-in and sign-out. */
  session: () => ['session'] as const,

  accueil: {
    /** Every year of the home page's ledger (also the organisations' names, see `noms.ts`). */
    tout: () => ['accueil'] as const,
    /** One year; the current year when none is asked. */
    annee: (annee: number | undefined) => ['accueil', annee ?? 'courante'] as const,
  },
  aTraiter: () => ['a-traiter'] as const,

  admin: {
    organisations: () => ['admin', 'organisations'] as const,
    utilisateurs: () => ['admin', 'utilisateurs'] as const,
  },

  bilans: () => ['bilans'] as const,
  bilan: (d: DemandeBilan) => ['bilan', d] as const,
  /** The issuing of a year's bilan (versions, sending, late corrections). */
  emissionsBilan: (d: DemandeBilan) => ['emissions-bilan', d] as const,
  tableau: (annee: number) => ['tableau', annee] as const,

  cal: {
    /** Sessions, each session's detail and the units to examine. */
    tout: () => ['cal'] as const,
    sessions: () => ['cal', 'sessions'] as const,
    /** One page of the sessions list: under `sessions`, which refreshes every page. */
    page: (d: Demande<typeof lireSessionsCal>) => ['cal', 'sessions', d] as const,
    session: (id: string) => ['cal', 'session', id] as const,
    aExaminer: () => ['cal', 'a-examiner'] as const,
  },
  objectifs: () => ['objectifs'] as const,
  /** The leases behind one EPCI's objectives: under `objectifs`, refreshed with them. */
  bauxObjectifs: (p: { epci: string; page: number }) => ['objectifs', 'baux', p] as const,
  /** An EPCI's CIA targets (its own when `epci` is null): under `objectifs`, refreshed with them. */
  ciblesCia: (epci: string | null) => ['objectifs', 'cibles-cia', epci ?? 'propre'] as const,

  conventions: {
    /** The register, every year. */
    tout: () => ['conventions'] as const,
    /** One page of the register as the conventions page reads it (filters, page). */
    registre: (d: Demande<typeof lireRegistreConventions>) => ['conventions', 'registre', d] as const,
    /** The register of one year (the lines a letting may be oriented to). */
    registreAnnee: (annee: number) => ['conventions', 'registre', annee] as const,
  },
  /** Drafts of conventions and the CIL's review (each draft under `projets`). */
  projets: {
    tout: () => ['projets'] as const,
    projet: (id: string) => ['projets', id] as const,
  },
  /** The EPCI's consolidation and the State pilot's départemental view. */
  territoire: {
    tout: () => ['territoire'] as const,
    epci: (annee: number | undefined) => ['territoire', 'epci', annee ?? 'courante'] as const,
    departement: (annee: number | undefined) => ['territoire', 'departement', annee ?? 'courante'] as const,
  },
  delegations: () => ['delegations'] as const,
  programmes: {
    tout: () => ['programmes'] as const,
    liste: (bailleur: string | undefined, recherche: string | undefined) =>
      ['programmes', bailleur ?? 'le sien', recherche ?? ''] as const,
  },
  convention: {
    /** One convention, every year. */
    tout: (id: string) => ['convention', id] as const,
    annee: (id: string, annee: number | undefined) => ['convention', id, annee] as const,
  },

  logements: (d: Demande<typeof lireLogements>) => ['logements', d] as const,
  locations: {
    /** Every page of the lettings list. */
    tout: () => ['locations'] as const,
    page: (d: Demande<typeof lireLocations>) => ['locations', d] as const,
    /** The letting page: under `locations`, so that whatever refreshes the list refreshes it too. */
    dossier: (id: string) => ['locations', 'dossier', id] as const,
  },
  /** Units found as the officer types (RPLS number, internal id or address). */
  rechercheLogements: (q: string) => ['recherche-logements', q] as const,
  /** Communes found by name or INSEE code. */
  communes: (q: string) => ['communes', q] as const,
  /** One letting (when the page does not list it). */
  location: (id: string) => ['location', id] as const,
  pieces: (locationId: string) => ['pieces', locationId] as const,
  recommandation: (locationId: string) => ['recommandation', locationId] as const,
  boite: {
    /** Every page of the réservataire's (or bailleur's) inbox. */
    tout: () => ['boite'] as const,
    page: (d: Demande<typeof lireBoite>) => ['boite', d] as const,
  },
  notifications: () => ['notifications'] as const,

  qualite: (d: Demande<typeof lireQualite>) => ['qualite', d] as const,
  quartiles: (annee: number) => ['quartiles', annee] as const,
  etatDesLieux: {
    tout: () => ['etat-des-lieux'] as const,
    demande: (d: Demande<typeof lireEtatDesLieux>) => ['etat-des-lieux', d] as const,
  },
  versionsEtat: {
    tout: () => ['etats-des-lieux'] as const,
    demande: (d: Demande<typeof lireVersionsEtat>) => ['etats-des-lieux', d] as const,
  },
  prevision: {
    tout: () => ['prevision'] as const,
    demande: (d: Demande<typeof lirePrevision>) => ['prevision', d] as const,
  },
  conversion: (d: Demande<typeof lireConversion>) => ['conversion', d] as const,
  simulation: (d: Demande<typeof lireSimulation>) => ['simulation', d] as const,
  /** The CALEOL page (list, sessions, avis): every write refreshes it. */
  caleol: {
    tout: () => ['caleol'] as const,
    date: (date: string | undefined) => ['caleol', date ?? 'aujourdhui'] as const,
  },
  demandes: {
    /** Every page of the organisation's demands (an import refreshes them all). */
    tout: () => ['demandes'] as const,
    page: (d: Demande<typeof lireDemandes>) => ['demandes', d] as const,
  },
  cotation: {
    /** The public grids and the EPCI's own (an adoption refreshes them all). */
    tout: () => ['cotation'] as const,
    publiques: () => ['cotation', 'publiques'] as const,
    publique: (siren: string) => ['cotation', 'publique', siren] as const,
    epci: () => ['cotation', 'epci'] as const,
    essai: () => ['cotation', 'essai'] as const,
  },
} as const;
