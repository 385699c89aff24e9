/**
 * A bailleur's year in a département, read from the database as a scenario of `flux simulate`,
 * and its ledger: always the engine's run over the stored events (one engine, server and CLI).
 * Results are cached per (bailleur, département, année) under the events' last id and count, read at
 * each request (a cheap indexed query), so several server instances stay correct; new events are
 * replayed from the month start before them (ADR 0023).
 */
import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { lignes, type Tx } from '../db/client.ts';
import {
  conventions,
  conventionVersions,
  emissionsBilan,
  evenementsFlux,
  logements,
  organisations,
} from '../db/schema.ts';
import { reprendre, simulerAvecReprises, type RejeuAnnee, type ResultatSimulation } from '../domain/engine.ts';
import { sondes } from './sondes.ts';
import { contrepartieEnOption } from './contreparties.ts';
import { seuilsDeLAnnee } from './quartiles.ts';
import { ciblesCiaDeLAnnee } from './cibles-cia.ts';
import { programmesDuBailleur } from './programmes.ts';
import { completerEpci } from './scenario.ts';
import {
  BAILLEUR,
  type Convention,
  type Evenement,
  type Logement,
  type Programme,
  type Reservataire,
  type Scenario,
  type TypeReservataire,
} from '../domain/types.ts';

export interface CleAnnee {
  bailleurId: string;
  departement: string;
  annee: number;
}

/** The convention version in force at the start of the year, or the first one effective later. */
export async function conventionsEnVigueur(tx: Tx, cle: CleAnnee) {
  const rows = await tx
    .select({
      convention: conventions,
      version: conventionVersions,
      reservataire: organisations,
    })
    .from(conventions)
    .innerJoin(conventionVersions, eq(conventionVersions.conventionId, conventions.id))
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(
      and(
        eq(conventions.bailleurId, cle.bailleurId),
        eq(conventions.departement, cle.departement),
        lte(conventionVersions.effectifLe, `${cle.annee}-12-31`),
      ),
    )
    .orderBy(asc(conventions.id), asc(conventionVersions.version));
  return [...versionsDeLAnnee(rows, cle.annee).values()];
}

type LigneConventionVersion = {
  convention: typeof conventions.$inferSelect;
  version: typeof conventionVersions.$inferSelect;
};

/**
 * Each convention's version for the year, from its versions in order: the latest effective on or
 * before 1 January, else the earliest of the year. Keyed by convention id.
 */
export function versionsDeLAnnee<R extends LigneConventionVersion>(rows: readonly R[], annee: number): Map<string, R> {
  const parConvention = new Map<string, R>();
  for (const r of rows) {
    const deja = parConvention.get(r.convention.id);
    if (!deja || (r.version.effectifLe <= `${annee}-01-01` && r.version.version > deja.version.version))
      parConvention.set(r.convention.id, r);
  }
  return parConvention;
}

/** The columns of a unit the engine reads (`versLogement`). */
export const COLONNES_LOGEMENT = {
  id: logements.id,
  commune: logements.commune,
  qpv: logements.qpv,
  typologie: logements.typologie,
  financement: logements.financement,
  construction: logements.construction,
  horsFlux: logements.horsFlux,
  epci: logements.epci,
};

type LigneLogement = { [K in keyof typeof COLONNES_LOGEMENT]: (typeof logements.$inferSelect)[K] };

/** A stored unit as the scenario's `Logement`. */
export function versLogement(l: LigneLogement): Logement {
  return {
    id: l.id,
    commune: l.commune,
    qpv: l.qpv,
    typologie: l.typologie as Logement['typologie'],
    financement: l.financement as Logement['financement'],
    construction: l.construction,
    horsFlux: l.horsFlux as Logement['horsFlux'],
    ...(l.epci ? { epci: l.epci } : {}),
  };
}

/** A réservataire organisation as the scenario's `Reservataire`. */
export function versReservataire(r: typeof organisations.$inferSelect): Reservataire {
  return {
    id: r.id,
    type: (r.typeReservataire ?? 'employeur') as TypeReservataire,
    nom: r.nom,
    ...(r.commune ? { commune: r.commune } : {}),
    ...(r.epci ? { epci: r.epci } : {}),
  };
}

/** A convention's version for the year as the scenario's `Convention` (`report`: an inherited carry-over, ADR 0019). */
export function versConvention({ convention: c, version: v }: LigneConventionVersion, report?: number): Convention {
  return {
    ...(v.parametres as Omit<Convention, 'id' | 'reservataire' | 'taux' | 'tauxAgents'>),
    id: c.id,
    reservataire: c.reservataireId,
    taux: Number(v.taux),
    ...(v.tauxAgents !== null ? { tauxAgents: Number(v.tauxAgents) } : {}),
    ...(report !== undefined ? { report } : {}),
    ...contrepartieEnOption(v),
  };
}

/**
 * The carry-over year N inherits from the latest issued bilan of year N−1 (ADR 0019): for each
 * réservataire's line, the opposite of its `reportAnneeSuivante` (what its convention's carry-over
 * rule kept of the balance). None before that bilan is issued: the convention's own `report` holds.
 */
export async function reportsHerites(
  tx: Tx,
  cle: CleAnnee,
): Promise<{ version: string; annee: number; emission: number; reports: Map<string, number> } | null> {
  const [e] = await tx
    .select({ id: emissionsBilan.id, version: emissionsBilan.version, contenu: emissionsBilan.contenu })
    .from(emissionsBilan)
    .where(
      and(
        eq(emissionsBilan.bailleurId, cle.bailleurId),
        eq(emissionsBilan.departement, cle.departement),
        eq(emissionsBilan.annee, cle.annee - 1),
      ),
    )
    .orderBy(desc(emissionsBilan.version))
    .limit(1);
  if (!e) return null;
  const lignes = (e.contenu as { lignes: { ligne: string; reportAnneeSuivante: number }[] }).lignes;
  const reports = new Map(
    lignes
      .filter((l) => l.ligne !== BAILLEUR)
      .map((l) => [l.ligne, l.reportAnneeSuivante === 0 ? 0 : -l.reportAnneeSuivante]),
  );
  return { version: e.id, annee: cle.annee - 1, emission: e.version, reports };
}

/** The year's scenario as stored (see `chargerScenarioLu`). */
export async function chargerScenario(tx: Tx, cle: CleAnnee): Promise<Scenario> {
  return (await chargerScenarioLu(tx, cle)).scenario;
}

/**
 * The year's scenario and the version of the events it holds — their last id and their count, as
 * read by the same statement. Each statement of a READ COMMITTED transaction sees what was
 * committed when it began, so a version counted by an earlier statement may lag the events loaded
 * here: the cache must be labelled by what was loaded, or a later resumption would append an event
 * the scenario already holds (the defect of ADR 0023, found under the mixed bench on PostgreSQL).
 */
async function chargerScenarioLu(tx: Tx, cle: CleAnnee): Promise<{ scenario: Scenario; dernier: number; n: number }> {
  const [bailleur] = await tx.select().from(organisations).where(eq(organisations.id, cle.bailleurId));
  const convs = await conventionsEnVigueur(tx, cle);
  const herites = await reportsHerites(tx, cle);
  const evs = await tx
    .select({ id: evenementsFlux.id, evenement: evenementsFlux.evenement })
    .from(evenementsFlux)
    .where(
      and(
        eq(evenementsFlux.bailleurId, cle.bailleurId),
        eq(evenementsFlux.departement, cle.departement),
        eq(evenementsFlux.annee, cle.annee),
      ),
    )
    .orderBy(asc(evenementsFlux.id));
  const evenements = evs.map((e) => e.evenement as Evenement);
  // The units the year's events name, in one query (a list of thousands of parameters was 3 to 4
  // times slower for a département: bench/bilan), only the columns the engine reads.
  const lus = await tx
    .select(COLONNES_LOGEMENT)
    .from(logements)
    .where(
      sql`${logements.id} in (select distinct ${evenementsFlux.evenement} ->> 'logement' from ${evenementsFlux} where ${evenementsFlux.bailleurId} = ${cle.bailleurId} and ${evenementsFlux.departement} = ${cle.departement} and ${evenementsFlux.annee} = ${cle.annee})`,
    );
  // New programmes with rights negotiated at their financing (ADR 0035, 0047): all their units are
  // known to the engine from the start, so a first letting declared later resumes the same way.
  const progs = await programmesDuBailleur(tx, cle.bailleurId, cle.departement);
  const lusIds = new Set(lus.map((l) => l.id));
  const manquants = progs.logements.filter((id) => !lusIds.has(id));
  if (manquants.length > 0)
    lus.push(...(await tx.select(COLONNES_LOGEMENT).from(logements).where(inArray(logements.id, manquants))));
  const unites = lus.map(versLogement);
  unites.sort((a, b) => (a.id < b.id ? -1 : 1));
  const reservataires = convs.map(({ reservataire: r }) => versReservataire(r));
  const convsScenario = convs.map((cv) => versConvention(cv, herites?.reports.get(cv.convention.reservataireId)));
  let dernier = 0;
  for (const e of evs) if (Number(e.id) > dernier) dernier = Number(e.id);
  return {
    scenario: completerEpci({
      annee: cle.annee,
      departement: cle.departement,
      bailleur: { id: cle.bailleurId, nom: bailleur?.nom ?? cle.bailleurId },
      logements: unites,
      reservataires,
      conventions: convsScenario,
      evenements,
      // The year's first-quartile thresholds: the engine computes each lease's household quartile.
      seuilsPremierQuartile: await seuilsDeLAnnee(tx, cle.annee),
      // The CIA targets the EPCIs entered (ADR 0038); absent when none, as in a first-edition file.
      ...(await avecObjectifsEpci(tx, cle.annee)),
      ...avecProgrammes(progs.programmes, new Set(reservataires.map((r) => r.id))),
    }),
    dernier,
    n: evs.length,
  };
}

/**
 * The programmes as the engine can hold them this year: rights only for réservataires with a
 * convention in force (a right whose convention ended waits for its renewal, never stops the year),
 * and never more rights than the programme's units in the département.
 */
function avecProgrammes(programmes: Programme[], enVigueur: ReadonlySet<string>): Pick<Scenario, 'programmes'> {
  const tenus = programmes.flatMap((p) => {
    let reste = p.logements.length;
    const droits = p.droits
      .filter((d) => enVigueur.has(d.reservataire))
      .map((d) => {
        const n = Math.min(d.logements, reste);
        reste -= n;
        return { ...d, logements: n };
      })
      .filter((d) => d.logements > 0);
    return droits.length ? [{ ...p, droits }] : [];
  });
  return tenus.length ? { programmes: tenus } : {};
}

async function avecObjectifsEpci(tx: Tx, annee: number): Promise<Pick<Scenario, 'objectifsEpci'>> {
  const cibles = await ciblesCiaDeLAnnee(tx, annee);
  return Object.keys(cibles).length ? { objectifsEpci: cibles } : {};
}

/** Puts `v` under `k` as the most recent entry and drops the least recent beyond `max`; returns `v`. */
export function garderRecent<K, V>(m: Map<K, V>, k: K, v: V, max: number): V {
  m.delete(k);
  m.set(k, v);
  while (m.size > max) m.delete(m.keys().next().value as K);
  return v;
}

/**
 * A year in memory: the engine's run over its events, under the version of what it read. `reprises`
 * (the engine's state at each month start) is kept only when the run read committed data: a run
 * inside a write transaction may read an event that is then rolled back, so it is never the base
 * of a later resumption, until a read outside any write confirms it (same version).
 */
interface AnneeEnCache {
  version: string;
  /** The part of the version that is not the events: convention versions, inherited carry-over. */
  cadre: string;
  dernier: number;
  n: number;
  resultat: ResultatSimulation;
  scenario: Scenario;
  rejeu: RejeuAnnee;
  confirmee: boolean;
  /**
   * Not confirmed yet, but resumed from a confirmed run: the ids of the events read since. Once
   * all of them are visible to another transaction they are committed (ids are never reused),
   * and the run is confirmed.
   */
  aVerifier: number[] | null;
}

const cache = new Map<string, AnneeEnCache>();
/** Years kept in memory, least recently used out first (France has ≈ 2,000 bailleur × département years). */
export const ANNEES_EN_CACHE = 256;

/** How each year was obtained (for the tests and the metrics): cache, resumption or full replay; the engine's time. */
export const statistiquesAnnees = { enCache: 0, reprises: 0, rejeuxComplets: 0, msMoteur: 0 };

/**
 * The engine's result for the year, recomputed only when an event or a convention version changed.
 * When events were only appended since the last committed run, the engine resumes from the month
 * start before the earliest new event (`reprendre`, ADR 0023) and only the new events and units are
 * read; anything else reloads and replays the whole year. Both give the same answer byte for byte.
 */
export async function resultatAnnee(
  tx: Tx,
  cle: CleAnnee,
  /** Test seam: runs after the version is counted, where a concurrent commit lands in production. */
  essai: { apresComptage?: () => Promise<void> } = {},
): Promise<{ resultat: ResultatSimulation; scenario: Scenario }> {
  const k = `${cle.bailleurId}|${cle.departement}|${cle.annee}`;
  const enCache = cache.get(k);
  // What a resumption would read, asked in the same statement when this year is in memory (one
  // round trip instead of four at each declaration, and one snapshot): whether the events of the
  // cached run made in another write transaction are committed (`vus`), the events after its last
  // id and the units they name.
  const aVerifier =
    enCache && !enCache.confirmee && enCache.aVerifier && enCache.aVerifier.length <= 1_000 ? enCache.aVerifier : null;
  const reprise = enCache !== undefined && process.env['FLUX_REPRISE'] !== '0';
  // Event ids are taken at insert, not at commit: a transaction may commit an id below one already
  // visible. The count and the last id together change with every committed event (append-only);
  // the count is the one the triggers keep (`compteurs_evenements`, migration 0027), committed with
  // the events: a key lookup, where counting a large bailleur's 9,000 events cost 5 to 13 ms.
  // `txid_current_if_assigned()` is not null inside a transaction that has written. The rest is
  // what else the run reads: convention versions, the inherited carry-over (the issued bilan's id),
  // the year's quartile thresholds, the CIA targets, the bailleur's programme rights. One statement
  // (one snapshot, one round trip: six before ADR 0046), run at every write and every cache miss.
  const [ev] = await lignes<{
    dernier: string | null;
    n: string;
    ecriture: string | null;
    cadre: string;
    vus: string | null;
    nouveaux: unknown;
    unites: unknown;
  }>(
    tx,
    sql`select e.dernier::text, e.n::text, txid_current_if_assigned()::text as ecriture,
      concat_ws('|',
        (select count(*)::text || '|' || coalesce(max(v.cree_le)::text, '') from convention_versions v
          join conventions c on c.id = v.convention_id
          where c.bailleur_id = ${cle.bailleurId} and c.departement = ${cle.departement}),
        coalesce((select b.id from emissions_bilan b
          where b.bailleur_id = ${cle.bailleurId} and b.departement = ${cle.departement} and b.annee = ${cle.annee - 1}
          order by b.version desc limit 1), ''),
        (select count(*)::text || '@' || coalesce(max(q.importe_le)::text, '') from seuils_premier_quartile q
          where q.annee = ${cle.annee}),
        (select count(*)::text || '@' || coalesce(max(ci.saisi_le)::text, '') from cibles_cia ci),
        (select count(*)::text || '@' || coalesce(max(d.saisi_le)::text, '') from droits_programmes d
          join programmes p on p.id = d.programme_id where p.bailleur_id = ${cle.bailleurId})
      ) as cadre,
      ${
        aVerifier && aVerifier.length === 0
          ? sql`'0'`
          : aVerifier
            ? sql`(select count(*)::text from evenements_flux v where v.id in (${sql.join(
                aVerifier.map((id) => sql`${id}`),
                sql`, `,
              )}))`
            : sql`null`
      } as vus,
      ${
        reprise
          ? sql`(select json_agg(json_build_object('id', f.id, 'evenement', f.evenement) order by f.id) from evenements_flux f
          where f.bailleur_id = ${cle.bailleurId} and f.departement = ${cle.departement} and f.annee = ${cle.annee}
            and f.id > ${enCache.dernier})`
          : sql`null`
      } as nouveaux,
      ${
        reprise
          ? sql`(select json_agg(json_build_object('id', l.id, 'commune', l.commune, 'qpv', l.qpv, 'typologie', l.typologie,
              'financement', l.financement, 'construction', l.construction, 'horsFlux', l.hors_flux, 'epci', l.epci))
            from logements l where l.id in (select f.evenement ->> 'logement' from evenements_flux f
              where f.bailleur_id = ${cle.bailleurId} and f.departement = ${cle.departement} and f.annee = ${cle.annee}
                and f.id > ${enCache.dernier}))`
          : sql`null`
      } as unites
    from (select (select max(f.id) from evenements_flux f
        where f.bailleur_id = ${cle.bailleurId} and f.departement = ${cle.departement} and f.annee = ${cle.annee}) as dernier,
      coalesce((select c.n from compteurs_evenements c
        where c.bailleur_id = ${cle.bailleurId} and c.departement = ${cle.departement} and c.annee = ${cle.annee}), 0) as n) e`,
  );
  const dernier = Number(ev?.dernier ?? 0);
  const n = Number(ev?.n ?? 0);
  const cadre = ev?.cadre ?? '';
  const version = `${dernier}|${n}|${cadre}`;
  const confirmee = ev?.ecriture === null || ev?.ecriture === undefined;
  await essai.apresComptage?.();
  sondes.cache('annee', enCache?.version === version);
  if (enCache && enCache.version === version) {
    // Read outside any write with the same version: what the run read is committed.
    if (confirmee) enCache.confirmee = true;
    statistiquesAnnees.enCache++;
    return garderRecent(cache, k, enCache, ANNEES_EN_CACHE);
  }
  let rejeu: RejeuAnnee | null = null;
  let verifies: number[] | null = null;
  // What the cached run holds: set from what was loaded, never from the counts above alone.
  let charge = { dernier, n };
  // A run made in another write transaction: were its events committed?
  if (enCache && aVerifier && Number(ev?.vus ?? 0) === aVerifier.length) enCache.confirmee = true;
  // Resuming (ADR 0023) is on unless FLUX_REPRISE=0, the operator's escape hatch: the same answer, slower.
  if (
    process.env['FLUX_REPRISE'] !== '0' &&
    enCache?.confirmee &&
    enCache.cadre === cadre &&
    n > enCache.n &&
    dernier > enCache.dernier
  ) {
    // Committed events never disappear: if as many events are above the cached last id as were
    // added, those are exactly the new ones (an older id committed late would make one short).
    const nouveaux = json<{ id: number; evenement: Evenement }[]>(ev?.nouveaux) ?? [];
    if (nouveaux.length === n - enCache.n) {
      const scenario = prolongerScenario(
        enCache.scenario,
        nouveaux.map((e) => e.evenement),
        (json<LigneLogement[]>(ev?.unites) ?? []).map(versLogement),
        // The run's units by id (the engine's index of the scenario: no set of thousands rebuilt).
        enCache.rejeu.reprises.verifie.logements,
      );
      const debut = performance.now();
      rejeu = reprendre(enCache.rejeu.reprises, scenario, { detail: true });
      statistiquesAnnees.msMoteur += performance.now() - debut;
      sondes.rejeu(performance.now() - debut);
      verifies = nouveaux.map((e) => Number(e.id));
      charge = {
        dernier: Math.max(enCache.dernier, ...nouveaux.map((e) => Number(e.id))),
        n: enCache.n + nouveaux.length,
      };
      statistiquesAnnees.reprises++;
    }
  }
  if (!rejeu) {
    // With the per-letting detail: the bilan and the dashboards read it (the rest is unchanged).
    const lu = await chargerScenarioLu(tx, cle);
    charge = { dernier: lu.dernier, n: lu.n };
    const debut = performance.now();
    rejeu = simulerAvecReprises(lu.scenario, { detail: true });
    statistiquesAnnees.msMoteur += performance.now() - debut;
    sondes.rejeu(performance.now() - debut);
    statistiquesAnnees.rejeuxComplets++;
    if (!confirmee) {
      // In a write transaction, every event read is committed but those written by this
      // transaction (or committed after it began): `age(xmin) <= 0`. Those are to be verified.
      const propres = await tx
        .select({ id: evenementsFlux.id })
        .from(evenementsFlux)
        .where(
          and(
            eq(evenementsFlux.bailleurId, cle.bailleurId),
            eq(evenementsFlux.departement, cle.departement),
            eq(evenementsFlux.annee, cle.annee),
            sql`age(${evenementsFlux}.xmin) <= 0`,
          ),
        );
      verifies = propres.map((e) => e.id);
    }
  }
  const { scenario } = rejeu.reprises;
  return garderRecent(
    cache,
    k,
    {
      version: `${charge.dernier}|${charge.n}|${cadre}`,
      cadre,
      dernier: charge.dernier,
      n: charge.n,
      resultat: rejeu.resultat,
      scenario,
      rejeu,
      confirmee,
      aVerifier: confirmee ? null : verifies,
    },
    ANNEES_EN_CACHE,
  );
}

/** The year's scenario with `evenements` appended (in id order) and those of `lus` (the units they name) it lacked. */
function prolongerScenario(
  scenario: Scenario,
  evenements: Evenement[],
  lus: Logement[],
  connus: { has(id: string): boolean },
): Scenario {
  const manquants = lus.filter((l) => !connus.has(l.id));
  let unites = scenario.logements;
  if (manquants.length > 0) {
    unites = [...unites, ...manquants];
    unites.sort((a, b) => (a.id < b.id ? -1 : 1));
  }
  return completerEpci({ ...scenario, logements: unites, evenements: [...scenario.evenements, ...evenements] });
}

/** A `json` column of a raw statement: parsed by the driver, or its text. */
function json<T>(v: unknown): T | null {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/** The (bailleur, département) pairs that have conventions or events, for a set of bailleurs or all. */
export async function anneesConnues(
  tx: Tx,
  filtre: { bailleurIds?: string[]; departement?: string },
): Promise<{ bailleurId: string; departement: string }[]> {
  const conds = [];
  if (filtre.bailleurIds)
    conds.push(inArray(conventions.bailleurId, filtre.bailleurIds.length ? filtre.bailleurIds : ['']));
  if (filtre.departement) conds.push(eq(conventions.departement, filtre.departement));
  const rows = await tx
    .selectDistinct({ bailleurId: conventions.bailleurId, departement: conventions.departement })
    .from(conventions)
    .where(conds.length ? and(...conds) : undefined);
  return rows.sort((a, b) => (a.bailleurId + a.departement < b.bailleurId + b.departement ? -1 : 1));
}
