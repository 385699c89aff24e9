/**
 * Roles and what each may see and do. Deny by default: a use case asks `exiger(acteur, …)` and the
 * repositories scope every query by the acting organisation (see `portee`).
 */
import { Interdit } from './errors.ts';

export const ROLES = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci', 'administrateur'] as const;
export type Role = (typeof ROLES)[number];

export const LIBELLES_ROLE: Record<Role, string> = {
  agent_bailleur: 'Agent de bailleur',
  agent_reservataire: 'Agent de réservataire',
  pilote_etat: 'Pilote de l’État (DDETS)',
  lecteur_epci: 'Lecteur EPCI',
  administrateur: 'Administrateur',
};

/** Who acts: the signed-in user in one of their organisations. */
export interface Acteur {
  utilisateurId: string;
  organisationId: string;
  role: Role;
  /** Département of the organisation (the State pilot's scope). */
  departement: string | null;
  /** SIREN of an EPCI organisation. */
  epci: string | null;
}

export function exiger(acteur: Acteur, roles: readonly Role[], action: string): void {
  if (!roles.includes(acteur.role))
    throw new Interdit(`action réservée (${action}) : votre rôle « ${LIBELLES_ROLE[acteur.role]} » ne le permet pas`);
}
