/**
 * The organisation a file is imported for (demands, occupancy): the signed-in actor's own — its
 * role must allow the import, and it never imports for another — or, from the command line (no
 * actor), the one named by its Flux identifier or its SIREN, of one of the accepted categories.
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { organisations } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { Interdit, Introuvable } from './errors.ts';
import { exiger, type Acteur, type Role } from './roles.ts';

export interface RegleImport {
  roles: readonly Role[];
  /** What the actor does, for a refusal by role (« importer des demandes »). */
  action: string;
  /** The refusal when the actor names another organisation. */
  autreOrganisation: string;
  /** The field named when no organisation is given (command line). */
  chemin: string;
  categories: readonly string[];
  /** The refusal of an unknown reference. */
  inconnue: (ref: string) => string;
}

export async function organisationDeLImport(
  tx: Tx,
  acteur: Acteur | null,
  cible: string | null,
  r: RegleImport,
): Promise<{ id: string; nom: string }> {
  if (acteur) {
    exiger(acteur, r.roles, r.action);
    if (cible !== null && cible !== acteur.organisationId) throw new Interdit(r.autreOrganisation);
  }
  const ref = acteur?.organisationId ?? cible;
  if (!ref) throw new DonneesInvalides([{ chemin: r.chemin, message: `${r.chemin} manquant` }]);
  const [o] = await tx
    .select({ id: organisations.id, nom: organisations.nom })
    .from(organisations)
    .where(
      and(
        or(eq(organisations.id, ref), eq(organisations.siren, ref)),
        inArray(organisations.categorie, [...r.categories]),
      ),
    )
    .limit(1);
  if (!o) throw new Introuvable(r.inconnue(ref));
  return o;
}
