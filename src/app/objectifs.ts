/**
 * Allocation objectives, live and per territory (issue 6 item 6): the signed leases of the year so
 * far, in the actor's scope, through the pure computation of src/domain/objectifs.ts.
 *
 * Scope: a bailleur sees its own leases; a réservataire the leases counted on its line; the State
 * pilot its département; an EPCI reader the units of its territory. Targets are the dated legal
 * parameters (CCH L.441-1); the State's line is for priority publics but for its agents' share
 * (1 − taux agents / taux of its conventions in force, averaged when several bailleurs are in scope).
 */
import { and, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  baux,
  communes,
  conventions,
  conventionVersions,
  epcis,
  locations,
  logements,
  organisations,
} from '../db/schema.ts';
import type { ObjectifsApi } from '../contracts/cal.ts';
import { valeurAu } from '../domain/legal-parameters.ts';
import { calculerObjectifs, type BailObjectif } from '../domain/objectifs.ts';
import { BAILLEUR, type Menage } from '../domain/types.ts';
import { porteeLignesLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

export const METHODE_TENDANCE =
  'Tendance : le rythme de l’année (baux signés jusqu’à aujourd’hui ÷ part de l’année écoulée) donne le nombre de baux attendus au 31 décembre. ' +
  '« En retard » : la part actuelle est sous l’objectif et, prolongée telle quelle, le manquerait ; il faut qu’une part plus forte des baux restants serve l’objectif. ' +
  '« Hors d’atteinte » : même si tous les baux restants au rythme de l’année servaient l’objectif, il ne serait pas atteint.';

export async function lireObjectifs(tx: Tx, acteur: Acteur, annee: number, aujourdhui: string): Promise<ObjectifsApi> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
    'consulter les objectifs d’attribution',
  );
  const rows = await tx
    .select({
      date: baux.dateSignature,
      menage: baux.menage,
      ligne: locations.ligne,
      bailleurId: locations.bailleurId,
      qpv: logements.qpv,
      epci: sql<string | null>`coalesce(${logements.epci}, ${communes.epci})`,
    })
    .from(baux)
    .innerJoin(locations, eq(locations.id, baux.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(
      and(
        gte(baux.dateSignature, `${annee}-01-01`),
        lte(baux.dateSignature, `${annee}-12-31`),
        porteeLignesLocations(acteur),
      ),
    );
  const liste: BailObjectif[] = rows.map((r) => ({
    date: r.date,
    epci: r.epci,
    qpv: r.qpv !== null,
    ligne: r.ligne ?? BAILLEUR,
    menage: r.menage as Menage,
  }));

  const idsLignes = [...new Set(liste.map((b) => b.ligne))].filter((l) => l !== BAILLEUR);
  if (acteur.role === 'agent_reservataire' && !idsLignes.includes(acteur.organisationId))
    idsLignes.push(acteur.organisationId);
  const orgs = idsLignes.length
    ? await tx
        .select({ id: organisations.id, nom: organisations.nom, type: organisations.typeReservataire })
        .from(organisations)
        .where(inArray(organisations.id, idsLignes))
    : [];
  const idsEpci = [...new Set(liste.map((b) => b.epci).filter((e): e is string => e !== null))];
  const nomsEpci = Object.fromEntries(
    (idsEpci.length ? await tx.select().from(epcis).where(inArray(epcis.siren, idsEpci)) : []).map((e) => [
      e.siren,
      e.nom,
    ]),
  );
  const nomsLignes = Object.fromEntries(orgs.map((o) => [o.id, o.nom]));

  // The State's line: its priority target is its share for priority publics.
  const ciblesPrioritairesParLigne: Record<string, number> = {};
  for (const o of orgs.filter((x) => x.type === 'etat')) {
    const bailleurs = [...new Set(rows.filter((r) => r.ligne === o.id).map((r) => r.bailleurId))];
    const parts = await partsPrioritairesEtat(tx, o.id, bailleurs, `${annee}-12-31`);
    if (parts.length) ciblesPrioritairesParLigne[o.id] = parts.reduce((s, x) => s + x, 0) / parts.length;
  }

  const date = `${annee}-12-31`;
  const r = calculerObjectifs(
    liste,
    {
      annee,
      aujourdhui,
      cibleQuartile1HorsQpv: valeurAu('objectifQuartile1HorsQpv', date),
      cibleNonQuartile1EnQpv: valeurAu('objectifNonQuartile1EnQpv', date),
      ciblePrioritaires: valeurAu('objectifPrioritaires', date),
      ciblesPrioritairesParLigne,
    },
    { lignes: acteur.role === 'agent_reservataire' ? [acteur.organisationId] : [], nomsEpci, nomsLignes },
  );
  return {
    annee: r.annee,
    aujourdhui: r.aujourdhui,
    avancement: r.avancement,
    baux: r.baux,
    methode: METHODE_TENDANCE,
    parEpci: r.parEpci.map((e) => ({ ...e, nom: e.epci === null ? 'Hors EPCI connu' : (nomsEpci[e.epci] ?? e.epci) })),
    parLigne: r.parLigne.map((l) => ({
      ...l,
      nom: l.ligne === BAILLEUR ? 'Part propre du bailleur' : (nomsLignes[l.ligne] ?? l.ligne),
    })),
    alertes: r.alertes,
  };
}

/** 1 − taux agents / taux of the State's conventions with these bailleurs, latest version effective by `date`. */
async function partsPrioritairesEtat(tx: Tx, etat: string, bailleurs: string[], date: string): Promise<number[]> {
  if (bailleurs.length === 0) return [];
  const rows = await tx
    .select({
      convention: conventions.id,
      version: conventionVersions.version,
      taux: conventionVersions.taux,
      tauxAgents: conventionVersions.tauxAgents,
    })
    .from(conventions)
    .innerJoin(conventionVersions, eq(conventionVersions.conventionId, conventions.id))
    .where(
      and(
        eq(conventions.reservataireId, etat),
        inArray(conventions.bailleurId, bailleurs),
        lte(conventionVersions.effectifLe, date),
      ),
    );
  const derniere = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if ((derniere.get(r.convention)?.version ?? -1) < r.version) derniere.set(r.convention, r);
  return [...derniere.values()]
    .filter((r) => Number(r.taux) > 0)
    .map((r) => 1 - Number(r.tauxAgents ?? 0) / Number(r.taux));
}
