/**
 * What an actor may see, as query conditions: isolation is enforced in the queries, not only in
 * the interface. Deny by default: a role not listed sees nothing.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, conventions, locations, logements } from '../db/schema.ts';
import type { Acteur } from './roles.ts';

const RIEN = sql`false`;

/** Units the actor may see. */
export function porteeLogements(a: Acteur): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(logements.bailleurId, a.organisationId);
    case 'pilote_etat':
      return a.departement ? eq(logements.departement, a.departement) : RIEN;
    case 'lecteur_epci':
      return a.epci ? eq(logements.epci, a.epci) : RIEN;
    default:
      return RIEN;
  }
}

/** Conventions the actor may see. */
export function porteeConventions(a: Acteur): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(conventions.bailleurId, a.organisationId);
    case 'agent_reservataire':
    case 'lecteur_epci':
      return eq(conventions.reservataireId, a.organisationId);
    case 'pilote_etat':
      return a.departement ? eq(conventions.departement, a.departement) : RIEN;
    default:
      return RIEN;
  }
}

/** Lettings the actor may see: its own (bailleur), those oriented or pooled to it (réservataire). */
export function porteeLocations(a: Acteur): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(locations.bailleurId, a.organisationId);
    case 'agent_reservataire':
      return sql`(${locations.reservataireId} = ${a.organisationId} or ${locations.pool} @> ${JSON.stringify([a.organisationId])}::jsonb)`;
    case 'pilote_etat':
      return a.departement ? eq(locations.departement, a.departement) : RIEN;
    default:
      return RIEN;
  }
}

/**
 * Lettings the actor may follow by their ledger line (objectives, deadlines): the bailleur its own,
 * a réservataire those counted for it, the State pilot its département, an EPCI reader those of its
 * territory's units. The query must join `logements` and `communes` (the unit's EPCI, else its commune's).
 */
export function porteeLignesLocations(a: Acteur): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(locations.bailleurId, a.organisationId);
    case 'agent_reservataire':
      return eq(locations.ligne, a.organisationId);
    case 'pilote_etat':
      return a.departement ? eq(locations.departement, a.departement) : RIEN;
    case 'lecteur_epci':
      return a.epci ? sql`coalesce(${logements.epci}, ${communes.epci}) = ${a.epci}` : RIEN;
    default:
      return RIEN;
  }
}

/** The communes of an EPCI's territory. */
export async function communesDuTerritoire(tx: Tx, epci: string): Promise<string[]> {
  const rows = await tx.select({ code: communes.code }).from(communes).where(eq(communes.epci, epci));
  return rows.map((r) => r.code);
}
