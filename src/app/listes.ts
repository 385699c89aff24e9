/**
 * Lists as work queues (issue 12): the lettings page on the server, filter by state, deadline,
 * commune, typology, réservataire and bailleur, search a unit by its RPLS number, internal id or
 * address, and sort the most urgent first. Scoping is the queries' (`porteeLocations`,
 * `porteeLogements`): a filter narrows what the actor may see, never widens it.
 */
import { and, asc, count, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, delaisProposition, locations, logements, organisations } from '../db/schema.ts';
import { nomDeCommune } from '../import/cog.ts';
import { ajouterJours } from '../domain/calendrier.ts';
import { ETATS_FINAUX } from '../domain/lifecycle.ts';
import type { ElementBoiteApi } from '../contracts/orientation.ts';
import { lignesAvecUnite, verrousDesAnnees, versApi } from './locations.ts';
import { porteeLocations, porteeLogements } from './portee.ts';
import type { Acteur } from './roles.ts';

/** A letting still under way: not in one of the lifecycle's final states. */
const OUVERTE = sql`${locations.etat} not in (${sql.join(
  [...ETATS_FINAUX].map((e) => sql`${e}`),
  sql`, `,
)})`;

export type FiltreEcheance = 'depassee' | 'semaine' | 'mois';

export interface FiltresLocations {
  etat?: string | undefined;
  annee?: number | undefined;
  echeance?: FiltreEcheance | undefined;
  commune?: string | undefined;
  typologie?: string | undefined;
  reservataire?: string | undefined;
  bailleur?: string | undefined;
  q?: string | undefined;
  tri?: 'urgence' | 'recentes' | undefined;
}

/** `%…%` for ILIKE, the user's `%`, `_` and `\` taken literally. */
export function motif(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A unit found by what an officer types: its internal id or RPLS number (exact or partial), or part of its address. */
export function rechercheLogement(q: string): SQL {
  const m = motif(q.trim());
  return or(ilike(logements.id, m), ilike(logements.rpls, m), ilike(logements.adresse, m))!;
}

function conditionsLocations(acteur: Acteur, f: FiltresLocations, aujourdhui: string): SQL {
  const conds: (SQL | undefined)[] = [porteeLocations(acteur)];
  if (f.etat) conds.push(eq(locations.etat, f.etat));
  if (f.annee) conds.push(eq(locations.annee, f.annee));
  if (f.commune) conds.push(eq(logements.commune, f.commune));
  if (f.typologie) conds.push(eq(logements.typologie, f.typologie));
  if (f.bailleur) conds.push(eq(locations.bailleurId, f.bailleur));
  if (f.reservataire)
    conds.push(
      f.reservataire === 'BAILLEUR'
        ? eq(locations.ligne, 'BAILLEUR')
        : sql`(${locations.reservataireId} = ${f.reservataire} or ${locations.pool} @> ${JSON.stringify([f.reservataire])}::jsonb)`,
    );
  if (f.echeance) {
    // A deadline only matters while the réservataire's candidates are awaited.
    conds.push(eq(locations.etat, 'orientee'));
    if (f.echeance === 'depassee') conds.push(sql`${delaisProposition.echeance} < ${aujourdhui}`);
    else
      conds.push(
        sql`${delaisProposition.echeance} between ${aujourdhui} and ${ajouterJours(aujourdhui, f.echeance === 'semaine' ? 7 : 30)}`,
      );
  }
  if (f.q) conds.push(or(rechercheLogement(f.q), eq(locations.id, f.q.trim()))!);
  return and(...conds)!;
}

/**
 * GET /api/locations: one page of the lettings the actor may see. Most urgent first by default:
 * the open lettings before the closed ones; among the open, a waited-for proposal by its deadline
 * (passed ones first: the unit stands empty), then the others by liberation date (oldest first);
 * the closed ones latest first.
 */
export async function listerLocations(
  tx: Tx,
  acteur: Acteur,
  q: FiltresLocations & { page: number; parPage: number },
  aujourdhui: string,
) {
  const where = conditionsLocations(acteur, q, aujourdhui);
  // The units and deadlines are joined only where a filter or the order reads them: the count of a
  // bailleur's 3,385 lettings walked as many units for nothing (issue 15 item 6).
  const parUnite = Boolean(q.commune || q.typologie || q.q);
  const compte = tx.select({ n: count() }).from(locations).$dynamic();
  if (parUnite) compte.innerJoin(logements, eq(logements.id, locations.logementId));
  if (q.echeance) compte.leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id));
  const [total] = await compte.where(where);
  const ouverte = OUVERTE;
  const ordre =
    q.tri === 'recentes'
      ? [desc(locations.dateLiberation), asc(locations.id)]
      : [
          sql`case when ${ouverte} then 0 else 1 end`,
          sql`case when ${ouverte} then coalesce(case when ${locations.etat} = 'orientee' then ${delaisProposition.echeance} end, ${locations.dateLiberation}) end asc nulls last`,
          desc(locations.dateLiberation),
          asc(locations.id),
        ];
  // The page's ids first (sorted on the lettings and their deadlines), then their rows with units.
  const ids = tx
    .select({ id: locations.id })
    .from(locations)
    .leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .$dynamic();
  if (parUnite) ids.innerJoin(logements, eq(logements.id, locations.logementId));
  const page = (
    await ids
      .where(where)
      .orderBy(...ordre)
      .limit(q.parPage)
      .offset((q.page - 1) * q.parPage)
  ).map((r) => r.id);
  const lues = page.length === 0 ? [] : await lignesAvecUnite(tx, inArray(locations.id, page));
  const rang = new Map(page.map((id, i) => [id, i]));
  const rows = lues.sort((a, b) => rang.get(a.l.id)! - rang.get(b.l.id)!);
  const verrou = await verrousDesAnnees(
    tx,
    rows.map((r) => r.l),
    aujourdhui,
  );
  return {
    total: total?.n ?? 0,
    page: q.page,
    parPage: q.parPage,
    locations: rows.map((r) => versApi(r.l, r, verrou(r.l))),
  };
}

/** Every organisation's name by its id (documents name the parties, never their ids). */
export async function nomsDesOrganisations(tx: Tx): Promise<Record<string, string>> {
  const orgs = await tx.select({ id: organisations.id, nom: organisations.nom }).from(organisations);
  return Object.fromEntries(orgs.map((o) => [o.id, o.nom]));
}

/** Commune names by code: the stored reference (`communes`), else the COG, else the code itself. */
export async function nomsDesCommunes(tx: Tx, codes: readonly string[]): Promise<Map<string, string>> {
  const uniques = [...new Set(codes)];
  const noms = new Map<string, string>();
  if (uniques.length === 0) return noms;
  const rows = await tx
    .select({ code: communes.code, nom: communes.nom })
    .from(communes)
    .where(inArray(communes.code, uniques));
  for (const r of rows) noms.set(r.code, r.nom);
  for (const c of uniques) if (!noms.has(c)) noms.set(c, nomDeCommune(c) ?? c);
  return noms;
}

/** GET /api/logements: one page of the units the actor may see, filtered and searched. */
export async function listerLogements(
  tx: Tx,
  acteur: Acteur,
  q: {
    page: number;
    parPage: number;
    commune?: string | undefined;
    typologie?: string | undefined;
    bailleur?: string | undefined;
    q?: string | undefined;
  },
) {
  const where = and(
    porteeLogements(acteur),
    q.commune ? eq(logements.commune, q.commune) : undefined,
    q.typologie ? eq(logements.typologie, q.typologie) : undefined,
    q.bailleur ? eq(logements.bailleurId, q.bailleur) : undefined,
    q.q ? rechercheLogement(q.q) : undefined,
  );
  const [total] = await tx.select({ n: count() }).from(logements).where(where);
  const rows = await tx
    .select({ l: logements, nomCommune: communes.nom })
    .from(logements)
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(where)
    .orderBy(asc(logements.commune), asc(logements.id))
    .limit(q.parPage)
    .offset((q.page - 1) * q.parPage);
  return {
    total: total?.n ?? 0,
    page: q.page,
    parPage: q.parPage,
    logements: rows.map(({ l, nomCommune }) => ({
      id: l.id,
      bailleurId: l.bailleurId,
      rpls: l.rpls,
      adresse: l.adresse,
      commune: l.commune,
      nomCommune: nomCommune ?? nomDeCommune(l.commune) ?? l.commune,
      qpv: l.qpv,
      typologie: l.typologie,
      financement: l.financement,
      construction: l.construction,
      horsFlux: l.horsFlux,
    })),
  };
}

/** The most units the declaration form's autocomplete proposes. */
export const SUGGESTIONS_MAX = 10;

/**
 * GET /api/logements/recherche?q=: the units of the actor's scope that match what the officer
 * typed (internal id, RPLS number or address), exact matches first, with whether a letting is
 * already under way (the form then says so before the server refuses).
 */
export async function rechercherLogements(tx: Tx, acteur: Acteur, q: string) {
  const saisi = q.trim();
  const exact = sql`case when ${logements.id} = ${saisi} or ${logements.rpls} = ${saisi.toUpperCase()} then 0 else 1 end`;
  const rows = await tx
    .select({
      l: logements,
      nomCommune: communes.nom,
      enCours:
        sql<boolean>`exists (select 1 from ${locations} where ${locations.logementId} = ${logements.id} and ${OUVERTE})`.mapWith(
          Boolean,
        ),
    })
    .from(logements)
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(and(porteeLogements(acteur), rechercheLogement(saisi)))
    .orderBy(exact, asc(logements.rpls), asc(logements.id))
    .limit(SUGGESTIONS_MAX);
  return {
    logements: rows.map(({ l, nomCommune, enCours }) => ({
      id: l.id,
      rpls: l.rpls,
      adresse: l.adresse,
      commune: l.commune,
      nomCommune: nomCommune ?? nomDeCommune(l.commune) ?? l.commune,
      typologie: l.typologie,
      horsFlux: l.horsFlux,
      locationEnCours: enCours,
    })),
  };
}

/** An inbox element with its unit's one name (RPLS number, address, commune by name). */
export type ElementBoiteListe = ElementBoiteApi & {
  logement: ElementBoiteApi['logement'] & { rpls: string; adresse: string | null; nomCommune: string };
};

/**
 * How urgent an inbox element is (smaller first): a proposal still possible, soonest deadline
 * first; then one without a deadline; then deadlines passed (latest passed first: the unit is
 * about to go back to the bailleur); then the units whose candidates are in, by deadline.
 */
function urgence(e: ElementBoiteApi): [number, number] {
  if (e.etat === 'orientee') {
    if (e.joursRestants === null) return [1, 0];
    return e.joursRestants >= 0 ? [0, e.joursRestants] : [2, -e.joursRestants];
  }
  return [3, e.joursRestants ?? Number.MAX_SAFE_INTEGER];
}

export interface FiltresBoite {
  etat?: string | undefined;
  echeance?: FiltreEcheance | undefined;
  commune?: string | undefined;
  typologie?: string | undefined;
  reservataire?: string | undefined;
  bailleur?: string | undefined;
  q?: string | undefined;
}

/**
 * GET /api/boite: one page of the inbox `lireBoite` computes (src/app/boite.ts), filtered and
 * sorted most urgent first, each unit with its RPLS number, address and commune name.
 */
export async function pageBoite(
  tx: Tx,
  elements: readonly ElementBoiteApi[],
  f: FiltresBoite & { page: number; parPage: number },
) {
  const ids = [...new Set(elements.map((e) => e.logement.id))];
  const unites = new Map<string, { rpls: string; adresse: string | null; commune: string }>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await tx
      .select({ id: logements.id, rpls: logements.rpls, adresse: logements.adresse, commune: logements.commune })
      .from(logements)
      .where(inArray(logements.id, ids.slice(i, i + 1000)));
    for (const r of rows) unites.set(r.id, r);
  }
  const noms = await nomsDesCommunes(
    tx,
    elements.map((e) => e.logement.commune),
  );
  const q = f.q?.trim().toLowerCase();
  const garde = elements
    .map((e): ElementBoiteListe => ({
      ...e,
      logement: {
        ...e.logement,
        rpls: unites.get(e.logement.id)?.rpls ?? '',
        adresse: unites.get(e.logement.id)?.adresse ?? null,
        nomCommune: noms.get(e.logement.commune) ?? e.logement.commune,
      },
    }))
    .filter((e) => {
      if (f.etat && e.etat !== f.etat) return false;
      if (f.commune && e.logement.commune !== f.commune) return false;
      if (f.typologie && e.logement.typologie !== f.typologie) return false;
      if (f.reservataire && e.reservataire.id !== f.reservataire && !(e.pool ?? []).includes(f.reservataire))
        return false;
      if (f.bailleur && e.bailleur.id !== f.bailleur) return false;
      if (f.echeance) {
        if (e.etat !== 'orientee' || e.joursRestants === null) return false;
        if (f.echeance === 'depassee' ? e.joursRestants >= 0 : e.joursRestants < 0) return false;
        if (f.echeance !== 'depassee' && e.joursRestants > (f.echeance === 'semaine' ? 7 : 30)) return false;
      }
      if (q) {
        const texte = [e.logement.id, e.logement.rpls, e.logement.adresse ?? '', e.locationId].join(' ').toLowerCase();
        if (!texte.includes(q)) return false;
      }
      return true;
    })
    .sort((a, b) => {
      const [ga, ja] = urgence(a);
      const [gb, jb] = urgence(b);
      return (
        ga - gb ||
        ja - jb ||
        a.dateLiberation.localeCompare(b.dateLiberation) ||
        a.locationId.localeCompare(b.locationId)
      );
    });
  const debut = (f.page - 1) * f.parPage;
  return {
    total: garde.length,
    page: f.page,
    parPage: f.parPage,
    /** Of the units listed (after filters), those where the actor may still propose: « N logements, dont M ». */
    aProposer: garde.filter((e) => e.peutProposer && (e.joursRestants === null || e.joursRestants >= 0)).length,
    elements: garde.slice(debut, debut + f.parPage),
  };
}

/**
 * GET /api/communes/recherche?q=: communes of the reference (COG) by name or INSEE code, the
 * actor's département first, exact matches first (the commune filters of the lists).
 */
export async function rechercherCommunes(tx: Tx, acteur: Acteur, q: string) {
  const saisi = q.trim();
  // Accents, hyphens and apostrophes do not matter: « saint jean de braye » finds Saint-Jean-de-Braye.
  const simple = saisi
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[-’']/g, ' ');
  const nomSimple = sql`translate(lower(${communes.nom}), ${"àâäçéèêëîïôöùûüÿ-’'"}, ${'aaaceeeeiioouuuy   '})`;
  const rows = await tx
    .select({ code: communes.code, nom: communes.nom })
    .from(communes)
    .where(
      or(
        sql`${nomSimple} like ${motif(simple)}`,
        /^[\dAB]{1,5}$/i.test(saisi) ? ilike(communes.code, `${saisi}%`) : undefined,
      ),
    )
    .orderBy(
      sql`case when ${communes.code} = ${saisi} or ${nomSimple} = ${simple} then 0 else 1 end`,
      sql`case when ${communes.departement} = ${acteur.departement ?? ''} then 0 else 1 end`,
      asc(communes.nom),
    )
    .limit(SUGGESTIONS_MAX);
  return { communes: rows };
}

const RANG_STATUT = { caduque: 0, a_convertir: 1, flux: 2 } as const;

/**
 * GET /api/conventions/registre, one page: filtered by réservataire, form status or a name
 * (réservataire or bailleur), most urgent first — caduque, then to convert (nearest deadline
 * first), then in flow by balance (the line most behind first).
 */
export function pageRegistre<
  C extends {
    bailleur: { nom: string };
    reservataire: { id: string; nom: string };
    forme: { statut: 'flux' | 'a_convertir' | 'caduque'; echeance: { date: string } | null };
    ligne: { solde: number } | null;
    id: string;
  },
>(
  conventions: readonly C[],
  f: {
    page: number;
    parPage: number;
    reservataire?: string | undefined;
    statut?: 'flux' | 'a_convertir' | 'caduque' | undefined;
    q?: string | undefined;
  },
) {
  const q = f.q?.toLowerCase();
  const gardees = conventions
    .filter(
      (c) =>
        (!f.reservataire || c.reservataire.id === f.reservataire) &&
        (!f.statut || c.forme.statut === f.statut) &&
        (!q || `${c.reservataire.nom} ${c.bailleur.nom}`.toLowerCase().includes(q)),
    )
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        RANG_STATUT[a.c.forme.statut] - RANG_STATUT[b.c.forme.statut] ||
        (a.c.forme.statut === 'a_convertir'
          ? (a.c.forme.echeance?.date ?? '').localeCompare(b.c.forme.echeance?.date ?? '')
          : 0) ||
        (a.c.ligne?.solde ?? 0) - (b.c.ligne?.solde ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.c);
  const debut = (f.page - 1) * f.parPage;
  return {
    total: gardees.length,
    page: f.page,
    parPage: f.parPage,
    conventions: gardees.slice(debut, debut + f.parPage),
  };
}
