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
      return eq(conventions.reservataireId, a.organisationId);
    case 'lecteur_epci':
      // Its own, and every convention covering its territory, for every bailleur (issue 14 item 3):
      // one whose latest version's périmètre covers a unit of the bailleur on the EPCI's territory.
      return a.epci
        ? sql`(${conventions.reservataireId} = ${a.organisationId} or exists (
            select 1 from convention_versions v
            join logements l on l.bailleur_id = ${conventions.bailleurId} and l.departement = ${conventions.departement}
            left join communes c on c.code = l.commune
            where v.convention_id = ${conventions.id}
              and v.version = (select max(w.version) from convention_versions w where w.convention_id = ${conventions.id})
              and coalesce(l.epci, c.epci) = ${a.epci}
              and (jsonb_exists(v.parametres -> 'perimetre', 'departement')
                or v.parametres -> 'perimetre' ->> 'epci' = ${a.epci}
                or jsonb_exists(v.parametres -> 'perimetre' -> 'communes', l.commune))))`
        : eq(conventions.reservataireId, a.organisationId);
    case 'pilote_etat':
      return a.departement ? eq(conventions.departement, a.departement) : RIEN;
    default:
      return RIEN;
  }
}

/**
 * Lettings the actor may see: its own (bailleur), those oriented or pooled to it (réservataire) —
 * and, given the day (`jour`), the State's of the communes whose contingent was delegated to it
 * (CCH L.441-1, ADR 0040).
 */
export function porteeLocations(a: Acteur, jour?: string): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(locations.bailleurId, a.organisationId);
    case 'agent_reservataire':
      return jour
        ? sql`(${locations.reservataireId} = ${a.organisationId} or ${locations.pool} @> ${JSON.stringify([a.organisationId])}::jsonb
            or (${locations.pool} is null and exists (select 1 from delegations_contingent d join logements lg on lg.id = ${locations.logementId}
              where d.delegataire_id = ${a.organisationId} and d.etat_id = ${locations.reservataireId}
                and d.debut <= ${jour} and d.fin >= ${jour} and jsonb_exists(d.communes, lg.commune))))`
        : sql`(${locations.reservataireId} = ${a.organisationId} or ${locations.pool} @> ${JSON.stringify([a.organisationId])}::jsonb)`;
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
