/**
 * Use case "data-quality report" (issue « Patrimoine », item 3): reads a bailleur's units and its
 * lettings of a year within the actor's scope, then runs the pure `rapportQualite`.
 * - agent_bailleur: its own organisation only (asking for another bailleur → Interdit);
 * - pilote_etat: a bailleur given as a parameter, its units and lettings in the pilot's département;
 * - everyone else: Interdit.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { locations, logements, organisations, quartiersPrioritaires } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import {
  departementDuQpv,
  logementsParControle,
  rapportQualite,
  type LogementQualite,
  type QualiteComplete,
  type RapportQualite,
} from '../domain/qualite.ts';
import { communeCourante } from '../import/cog.ts';
import { Interdit, Introuvable } from './errors.ts';
import { porteeLocations, porteeLogements } from './portee.ts';
import type { Acteur } from './roles.ts';

export interface DemandeQualite {
  bailleur?: string | undefined;
  /** The lettings' year; default: the year before `anneeCourante`. */
  annee?: number | undefined;
}

export type { QualiteComplete } from '../domain/qualite.ts';

/** The bailleur whose report the actor may read, or an error. */
async function bailleurAutorise(tx: Tx, acteur: Acteur, demande: DemandeQualite): Promise<{ id: string; nom: string }> {
  let id: string;
  if (acteur.role === 'agent_bailleur') {
    id = demande.bailleur ?? acteur.organisationId;
    if (id !== acteur.organisationId)
      throw new Interdit('vous ne pouvez consulter que la qualité des données de votre organisme');
  } else if (acteur.role === 'pilote_etat') {
    if (!acteur.departement) throw new Interdit('aucun département n’est rattaché à votre organisation');
    if (!demande.bailleur)
      throw new DonneesInvalides([
        { chemin: 'paramètres.bailleur', message: 'indiquez le bailleur (bailleur=identifiant)' },
      ]);
    id = demande.bailleur;
  } else {
    throw new Interdit('le rapport de qualité des données est réservé aux bailleurs et aux pilotes de l’État');
  }
  const [org] = await tx
    .select({ id: organisations.id, nom: organisations.nom, categorie: organisations.categorie })
    .from(organisations)
    .where(eq(organisations.id, id));
  if (!org || org.categorie !== 'bailleur') throw new Introuvable(`bailleur inconnu : ${id}`);
  return { id: org.id, nom: org.nom };
}

/**
 * The official QPV lists loaded for the départements of the units' QPV codes: a code's quarter, null
 * when a list of its geography is loaded for its département but lacks it, undefined otherwise.
 */
async function listesQpv(
  tx: Tx,
  unites: readonly LogementQualite[],
): Promise<(code: string) => { communes: readonly string[] } | null | undefined> {
  const departements = [
    ...new Set(
      unites
        .flatMap((u) => (u.qpv && /^Q[PN]/i.test(u.qpv) ? [departementDuQpv(u.qpv.toUpperCase()) ?? ''] : []))
        .filter(Boolean),
    ),
  ];
  if (departements.length === 0) return () => undefined;
  const quartiers = await tx
    .select({ code: quartiersPrioritaires.code, communes: quartiersPrioritaires.communes })
    .from(quartiersPrioritaires)
    .where(inArray(quartiersPrioritaires.departement, departements));
  const parCode = new Map(quartiers.map((q) => [q.code, q]));
  const charges = new Set(quartiers.map((q) => `${q.code.slice(0, 2)}|${departementDuQpv(q.code)}`));
  return (code) =>
    parCode.get(code) ?? (charges.has(`${code.slice(0, 2)}|${departementDuQpv(code)}`) ? null : undefined);
}

export async function qualiteComplete(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeQualite,
  anneeCourante: number,
): Promise<QualiteComplete> {
  const bailleur = await bailleurAutorise(tx, acteur, demande);
  const annee = demande.annee ?? anneeCourante - 1;
  const rows = await tx
    .select({
      id: logements.id,
      rpls: logements.rpls,
      departement: logements.departement,
      commune: logements.commune,
      qpv: logements.qpv,
      typologie: logements.typologie,
      financement: logements.financement,
      construction: logements.construction,
      surface: logements.surface,
      conventionne: logements.conventionne,
      reservationStock: logements.reservationStock,
      absentRplsDepuis: logements.absentRplsDepuis,
    })
    .from(logements)
    .where(and(porteeLogements(acteur), eq(logements.bailleurId, bailleur.id)))
    .orderBy(asc(logements.id));
  const unites: LogementQualite[] = rows.map((r) => ({ ...r, surface: r.surface === null ? null : Number(r.surface) }));
  const lettings = await tx
    .select({ id: locations.id, etat: locations.etat, ligne: locations.ligne })
    .from(locations)
    .where(and(porteeLocations(acteur), eq(locations.bailleurId, bailleur.id), eq(locations.annee, annee)))
    .orderBy(asc(locations.id));
  const entree = {
    bailleur,
    logements: unites,
    locations: lettings,
    annee,
    anneeCourante,
    communeCourante,
    quartier: await listesQpv(tx, unites),
  };
  return {
    rapport: rapportQualite(entree),
    logements: new Map(unites.map((u) => [u.id, u])),
    enDefaut: logementsParControle(entree),
  };
}

export async function lireQualite(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeQualite,
  anneeCourante: number,
): Promise<RapportQualite> {
  return (await qualiteComplete(tx, acteur, demande, anneeCourante)).rapport;
}
