/**
 * Allocation objectives, live and per territory (issue 6 item 6): the signed leases of the year so
 * far, in the actor's scope, through the pure computation of src/domain/objectifs.ts.
 *
 * Every lease of the year counts, in the flow or outside it (a mutation interne, a rehousing, a unit
 * kept out of the flow: per EPCI, on no line). Scope: a bailleur sees its own leases; a réservataire
 * the leases counted on its line; the State pilot its département; an EPCI reader the units of its
 * territory, every bailleur's (the CIL's view). Targets are the dated legal parameters (CCH
 * L.441-1); the State's line is for priority publics: all of its leases but those to its agents.
 */
import { and, asc, count, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { baux, communes, epcis, locations, logements, organisations } from '../db/schema.ts';
import type { BauxObjectifsApi, ObjectifsApi } from '../contracts/cal.ts';
import { nomDeCommune } from '../import/cog.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';
import { estRelogePru } from '../domain/menage.ts';
import { valeurAu } from '../domain/legal-parameters.ts';
import { calculerObjectifs, type BailObjectif } from '../domain/objectifs.ts';
import { BAILLEUR, type Menage } from '../domain/types.ts';
import { ciaDeLAnnee } from './cibles-cia.ts';
import { porteeLignesLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

export const METHODE_TENDANCE =
  'Tendance : le rythme de l’année (baux signés jusqu’à aujourd’hui ÷ part de l’année écoulée) donne le nombre de baux attendus au 31 décembre. ' +
  '« En retard » : la part actuelle est sous l’objectif et, prolongée telle quelle, le manquerait ; il faut qu’une part plus forte des baux restants serve l’objectif. ' +
  '« Hors d’atteinte » : même si tous les baux restants au rythme de l’année servaient l’objectif, il ne serait pas atteint.';

/** The rows of a raw query, whichever driver ran it (PGlite or node-postgres). */
function lignesDe<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}

export async function lireObjectifs(tx: Tx, acteur: Acteur, annee: number, aujourdhui: string): Promise<ObjectifsApi> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
    'consulter les objectifs d’attribution',
  );
  // The year's leases first (one scan of `baux`, materialised), then their lettings and units by
  // key: without statistics (PGlite has no autovacuum) the planner otherwise walks every letting
  // of the département and looks each lease up — about 40 % slower for the State pilot (bench/api/objectifs.ts).
  const resultat = await tx.execute(sql`
    with b as materialized (
      select ${baux.locationId} as location_id, ${baux.dateSignature}::text as date, ${baux.menage} as menage
      from ${baux}
      where ${baux.dateSignature} >= ${`${annee}-01-01`} and ${baux.dateSignature} <= ${`${annee}-12-31`}
    )
    select b.date, b.menage, ${locations.ligne} as ligne, ${locations.exclusion} as exclusion, ${logements.qpv} as qpv,
           coalesce(${logements.epci}, ${communes.epci}) as epci
    from b
    join ${locations} on ${locations.id} = b.location_id
    join ${logements} on ${logements.id} = ${locations.logementId}
    left join ${communes} on ${communes.code} = ${logements.commune}
    where ${porteeLignesLocations(acteur)}`);
  const rows = lignesDe<{
    date: string;
    menage: unknown;
    ligne: string | null;
    exclusion: string | null;
    qpv: string | null;
    epci: string | null;
  }>(resultat);
  const liste: BailObjectif[] = rows.map((r) => ({
    date: r.date,
    epci: r.epci,
    qpv: r.qpv !== null,
    // Outside the flow: counted per EPCI, on no line.
    ligne: r.exclusion !== null ? null : (r.ligne ?? BAILLEUR),
    menage: r.menage as Menage,
  }));

  const idsLignes = [...new Set(liste.map((b) => b.ligne))].filter((l): l is string => l !== null && l !== BAILLEUR);
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

  const date = `${annee}-12-31`;
  // The CIA's own targets where the EPCI entered them (ADR 0038); the law's elsewhere.
  const cia = await ciaDeLAnnee(tx, annee);
  const r = calculerObjectifs(
    liste,
    {
      annee,
      aujourdhui,
      cibleQuartile1HorsQpv: valeurAu('objectifQuartile1HorsQpv', date),
      cibleNonQuartile1EnQpv: valeurAu('objectifNonQuartile1EnQpv', date),
      ciblePrioritaires: valeurAu('objectifPrioritaires', date),
      ciblesParEpci: Object.fromEntries([...cia].map(([e, v]) => [e, v.cibles])),
      lignesEtat: orgs.filter((o) => o.type === 'etat').map((o) => o.id),
    },
    { lignes: acteur.role === 'agent_reservataire' ? [acteur.organisationId] : [], nomsEpci, nomsLignes },
  );
  return {
    annee: r.annee,
    aujourdhui: r.aujourdhui,
    avancement: r.avancement,
    baux: r.baux,
    bauxHorsFlux: r.bauxHorsFlux,
    methode: METHODE_TENDANCE,
    parEpci: r.parEpci.map((e) => ({
      ...e,
      nom: e.epci === null ? 'Hors EPCI connu' : (nomsEpci[e.epci] ?? e.epci),
      referenceCia: (e.epci !== null ? cia.get(e.epci)?.referenceCia : undefined) ?? null,
    })),
    parLigne: r.parLigne.map((l) => ({
      ...l,
      nom: l.ligne === BAILLEUR ? 'Part propre du bailleur' : (nomsLignes[l.ligne] ?? l.ligne),
    })),
    alertes: r.alertes,
  };
}

/**
 * The leases behind an EPCI's objectives (the drill-down): every lease of the year so far on its
 * territory in the actor's scope, in the flow or outside it, each with what the objectives read of
 * it, most recent first, a page at a time. `epci` null: the units in no known EPCI.
 */
export async function lireBauxObjectifs(
  tx: Tx,
  acteur: Acteur,
  q: { annee: number; epci: string | null; page: number; parPage: number },
  aujourdhui: string,
): Promise<BauxObjectifsApi> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
    'consulter les baux des objectifs d’attribution',
  );
  const epci = sql<string | null>`coalesce(${logements.epci}, ${communes.epci})`;
  const conditions = and(
    gte(baux.dateSignature, `${q.annee}-01-01`),
    lte(baux.dateSignature, `${q.annee}-12-31`),
    lte(baux.dateSignature, aujourdhui),
    q.epci === null ? sql`${epci} is null` : sql`${epci} = ${q.epci}`,
    porteeLignesLocations(acteur),
  );
  const [{ n } = { n: 0 }] = await tx
    .select({ n: count() })
    .from(baux)
    .innerJoin(locations, eq(locations.id, baux.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(conditions);
  const rows = await tx
    .select({
      locationId: locations.id,
      date: baux.dateSignature,
      menage: baux.menage,
      ligne: locations.ligne,
      exclusion: locations.exclusion,
      logementId: logements.id,
      rpls: logements.rpls,
      adresse: logements.adresse,
      commune: logements.commune,
      nomCommune: communes.nom,
      qpv: logements.qpv,
      bailleur: organisations.nom,
    })
    .from(baux)
    .innerJoin(locations, eq(locations.id, baux.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .innerJoin(organisations, eq(organisations.id, locations.bailleurId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(conditions)
    .orderBy(desc(baux.dateSignature), asc(logements.id))
    .limit(q.parPage)
    .offset((q.page - 1) * q.parPage);
  const idsLignes = [...new Set(rows.map((r) => r.ligne))].filter((l): l is string => l !== null && l !== BAILLEUR);
  const noms = new Map(
    (idsLignes.length
      ? await tx
          .select({ id: organisations.id, nom: organisations.nom })
          .from(organisations)
          .where(inArray(organisations.id, idsLignes))
      : []
    ).map((o) => [o.id, o.nom]),
  );
  const [territoire] =
    q.epci === null ? [] : await tx.select({ nom: epcis.nom }).from(epcis).where(eq(epcis.siren, q.epci));
  return {
    annee: q.annee,
    epci: q.epci,
    nom: q.epci === null ? 'Hors EPCI connu' : (territoire?.nom ?? `EPCI ${q.epci}`),
    total: n,
    page: q.page,
    parPage: q.parPage,
    baux: rows.map((r) => {
      const m = r.menage as Menage;
      const quartile1 = m.quartile1 ?? null;
      const horsQpv = r.qpv === null;
      return {
        locationId: r.locationId,
        dateSignature: r.date,
        bailleur: r.bailleur,
        logement: {
          id: r.logementId,
          rpls: r.rpls,
          adresse: r.adresse,
          commune: r.commune,
          nomCommune: r.nomCommune ?? nomDeCommune(r.commune) ?? r.commune,
          qpv: r.qpv,
        },
        horsFlux: r.exclusion === null ? null : (LIBELLES_EXCLUSION[r.exclusion as MotifExclusion] ?? 'hors du flux'),
        ligne:
          r.exclusion !== null
            ? null
            : r.ligne === null || r.ligne === BAILLEUR
              ? 'Part propre du bailleur'
              : (noms.get(r.ligne) ?? 'Réservataire'),
        quartile1,
        relogement: estRelogePru(m) ? (m.relogement === 'orcod' ? 'ORCOD' : 'ANRU') : null,
        prioritaire: m.prioritaire,
        agentEtat: m.agentEtat ?? false,
        objectif: horsQpv ? 'quartile1HorsQpv' : 'nonQuartile1EnQpv',
        sert: horsQpv ? quartile1 === true || estRelogePru(m) : quartile1 === false,
      };
    }),
  };
}
