/**
 * What each role may open in the interface. The server enforces access on every request (deny by
 * default); this table only decides what the navigation offers and which pages explain, in French,
 * that they are not for this role.
 */
import type { SessionApi } from './api.ts';

export type Role = SessionApi['role'];

export const LIBELLES_ROLE: Record<Role, string> = {
  agent_bailleur: 'Agent de bailleur',
  agent_reservataire: 'Agent de réservataire',
  pilote_etat: 'Pilote de l’État (DDETS)',
  lecteur_epci: 'Lecteur EPCI',
  administrateur: 'Administrateur',
};

export type Rubrique =
  | 'accueil'
  | 'logements'
  | 'locations'
  | 'boite'
  | 'cal'
  | 'objectifs'
  | 'quartiles'
  | 'tableau'
  | 'conventions'
  | 'territoire'
  | 'departement'
  | 'delegations'
  | 'programmes'
  | 'qualite'
  | 'etat-des-lieux'
  | 'prevision'
  | 'simulation'
  | 'bilan'
  | 'conversion'
  | 'import'
  | 'demandes'
  | 'caleol'
  | 'cotation'
  | 'rapprochement'
  | 'administration';

export const RUBRIQUES: Record<Rubrique, { titre: string; chemin: string; roles: readonly Role[] }> = {
  accueil: {
    titre: 'Accueil',
    chemin: '/',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci', 'administrateur'],
  },
  logements: { titre: 'Logements', chemin: '/logements', roles: ['agent_bailleur', 'pilote_etat', 'lecteur_epci'] },
  locations: {
    titre: 'Locations',
    chemin: '/locations',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  boite: {
    titre: 'Boîte de réception',
    chemin: '/boite',
    roles: ['agent_reservataire', 'pilote_etat', 'agent_bailleur'],
  },
  cal: { titre: 'CAL', chemin: '/cal', roles: ['agent_bailleur', 'pilote_etat'] },
  objectifs: {
    titre: 'Objectifs',
    chemin: '/objectifs',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
  },
  quartiles: {
    titre: 'Seuils du premier quartile',
    chemin: '/quartiles',
    // The bailleur reads them too: its CAL computes each candidate's quartile against them (ADR 0050).
    roles: ['agent_bailleur', 'pilote_etat', 'lecteur_epci', 'administrateur'],
  },
  tableau: {
    titre: 'Tableau de bord',
    chemin: '/tableau',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
  },
  conventions: {
    titre: 'Conventions',
    chemin: '/conventions',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
  },
  territoire: { titre: 'Conventions du territoire', chemin: '/territoire', roles: ['lecteur_epci'] },
  departement: { titre: 'Vue départementale', chemin: '/departement', roles: ['pilote_etat'] },
  delegations: { titre: 'Délégations du contingent', chemin: '/delegations', roles: ['pilote_etat'] },
  programmes: {
    titre: 'Programmes neufs',
    chemin: '/programmes',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  qualite: { titre: 'Qualité des données', chemin: '/qualite', roles: ['agent_bailleur', 'pilote_etat'] },
  'etat-des-lieux': {
    titre: 'État des lieux',
    chemin: '/etat-des-lieux',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  prevision: {
    titre: 'Prévision du flux',
    chemin: '/prevision',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  simulation: {
    titre: 'Simulation',
    chemin: '/simulation',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  bilan: {
    titre: 'Bilan annuel',
    chemin: '/bilan',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
  },
  conversion: {
    titre: 'Conversion',
    chemin: '/conversion',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  import: { titre: 'Import RPLS', chemin: '/import', roles: ['agent_bailleur'] },
  demandes: {
    titre: 'Demandes',
    chemin: '/demandes',
    roles: ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  },
  caleol: { titre: 'CALEOL', chemin: '/caleol', roles: ['agent_bailleur'] },
  cotation: { titre: 'Grille de cotation', chemin: '/grille-de-cotation', roles: ['lecteur_epci'] },
  rapprochement: {
    titre: 'Rapprochement SNE',
    chemin: '/rapprochement',
    roles: ['agent_bailleur', 'pilote_etat'],
  },
  administration: { titre: 'Administration', chemin: '/administration', roles: ['administrateur'] },
};

export function peutOuvrir(role: Role, rubrique: Rubrique): boolean {
  return RUBRIQUES[rubrique].roles.includes(role);
}

/**
 * The main navigation (issue 12 item 9): the home, then the pages grouped by when an officer needs
 * them, each group a DSFR sub-menu; at most 7 top entries, on one line at 1366 px for every role.
 */
export const MENU: readonly (Rubrique | { titre: string; rubriques: readonly Rubrique[] })[] = [
  'accueil',
  { titre: 'Au quotidien', rubriques: ['locations', 'boite', 'cal', 'caleol', 'demandes'] },
  { titre: 'Pilotage', rubriques: ['tableau', 'objectifs', 'bilan', 'quartiles', 'cotation', 'rapprochement'] },
  {
    titre: 'Patrimoine et conventions',
    rubriques: [
      'conventions',
      'territoire',
      'departement',
      'delegations',
      'logements',
      'programmes',
      'qualite',
      'etat-des-lieux',
      'prevision',
      'simulation',
      'conversion',
      'import',
    ],
  },
  'administration',
];

export type EntreeMenu =
  | { rubrique: Rubrique; titre: string; chemin: string }
  | { titre: string; rubriques: { rubrique: Rubrique; titre: string; chemin: string }[] };

/** The role's menu: the groups with the pages it may open (a group of one page is that page). */
export function menuDuRole(role: Role): EntreeMenu[] {
  const page = (r: Rubrique) => ({ rubrique: r, titre: RUBRIQUES[r].titre, chemin: RUBRIQUES[r].chemin });
  return MENU.flatMap((m): EntreeMenu[] => {
    if (typeof m === 'string') return peutOuvrir(role, m) ? [page(m)] : [];
    const pages = m.rubriques.filter((r) => peutOuvrir(role, r)).map(page);
    if (pages.length === 0) return [];
    return pages.length === 1 ? [pages[0]!] : [{ titre: m.titre, rubriques: pages }];
  });
}

/** Categories of organisations, as the administration creates them. */
export const CATEGORIES: Record<string, string> = {
  bailleur: 'Bailleur social',
  reservataire: 'Réservataire',
  etat: 'Services de l’État',
  epci: 'EPCI',
  administration: 'Administration de la plateforme',
};

export const TYPES_RESERVATAIRE: Record<string, string> = {
  etat: 'État (contingent préfectoral)',
  action_logement: 'Action Logement',
  commune: 'Commune',
  epci: 'EPCI',
  ept: 'EPT',
  departement: 'Département',
  region: 'Région',
  employeur: 'Employeur',
  organisme_desinteresse: 'Organisme à caractère désintéressé',
  bailleur: 'Part propre du bailleur',
};

/** The states of a letting (`EtatLocation`), in French, with the DSFR badge severity that goes with them. */
export const ETATS_LOCATION: Record<
  string,
  { libelle: string; severite?: 'success' | 'error' | 'info' | 'warning' | 'new' }
> = {
  liberee: { libelle: 'Libérée', severite: 'new' },
  orientee: { libelle: 'Orientée', severite: 'info' },
  candidats: { libelle: 'Candidats proposés', severite: 'info' },
  decision_cal: { libelle: 'Décision de la CAL', severite: 'warning' },
  bail_signe: { libelle: 'Bail signé', severite: 'success' },
  refus: { libelle: 'Refus', severite: 'error' },
  sans_candidat: { libelle: 'Sans candidat', severite: 'error' },
  exclue: { libelle: 'Hors du flux, candidats à désigner', severite: 'new' },
};

export const EXCLUSIONS: Record<string, string> = {
  mutation_interne: 'Mutation interne',
  relogement_anru: 'Relogement ANRU',
  relogement_orcod: 'Relogement ORCOD',
  relogement_insalubrite: 'Relogement (insalubrité)',
  relogement_vente: 'Relogement (vente HLM)',
};

export const HORS_FLUX: Record<string, string> = {
  defense: 'Défense',
  securite_interieure: 'Sécurité intérieure',
  eps: 'Établissement public de santé',
};

/** The typologies of a unit (T6 = six rooms and more), the lists' filter. */
export const TYPOLOGIES: readonly string[] = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];
