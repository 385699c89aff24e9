/**
 * Use cases of the letting lifecycle. Each runs in one transaction: the state change (guarded by
 * `update … where etat = $expected and version = $seen`, so of two concurrent actions exactly one wins and the other
 * gets a `Conflit`), the event appended to the year's events in the scenario format, the engine's
 * run over the year (which checks the event and decides the orientation), and the audit event.
 * The guard is the version the user saw (`version`, bumped by every transition) and its state.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNull, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  baux,
  candidatures,
  communes,
  conventions,
  decisionsCal,
  delaisProposition,
  evenementsFlux,
  locations,
  logements,
} from '../db/schema.ts';
import { nomDeCommune } from '../import/cog.ts';
import type { LocationApi, TransitionApi } from '../contracts/api.ts';
import type { Orientation } from '../domain/engine.ts';
import { dateCourte, dateLongue, jourParis } from '../domain/calendrier.ts';
import { DonneesInvalides, FluxError } from '../domain/errors.ts';
import {
  transiter,
  verifierDateSaisie,
  type EtapeDatee,
  type EtatLocation,
  type Transition,
} from '../domain/lifecycle.ts';
import type { EtatAnnee } from '../domain/emission-bilan.ts';
import { BAILLEUR, type Evenement, type Exclusion, type MenageSaisi } from '../domain/types.ts';
import { resultatAnnee, type CleAnnee } from './annee.ts';
import { LIBELLES_ETAT_LOCATION, motifOrientation, nomsDesLignes } from './explication.ts';
import { journaliser, journaliserTout, type EvenementAJournaliser } from './audit.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { delegationDuLogement } from './delegations.ts';
import { porteeLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';
import { colonnesMenage, fixerQuartiles, menageDuBail, menageSaisiDe, verifierMenages } from './menages.ts';
import { controlerEcritureAnnee, etatDeLAnnee, noterCorrection, refuserEcriture, type Issue } from './verrou-annee.ts';

export type LigneLocation = typeof locations.$inferSelect;

export type VerrouAnnee = LocationApi['verrouAnnee'];

/** The lock state of each (bailleur, département, year) of these lettings on this day (two indexed reads per year). */
export async function verrousDesAnnees(
  tx: Tx,
  ls: readonly LigneLocation[],
  aujourdhui: string,
): Promise<(l: LigneLocation) => VerrouAnnee> {
  const cleDe = (l: LigneLocation) => `${l.bailleurId}|${l.departement}|${l.annee}`;
  const verrous = new Map<string, VerrouAnnee>();
  for (const l of ls) {
    const k = cleDe(l);
    if (verrous.has(k)) continue;
    const e = await etatDeLAnnee(
      tx,
      { bailleurId: l.bailleurId, departement: l.departement, annee: l.annee },
      aujourdhui,
    );
    verrous.set(
      k,
      e.etat === 'ouverte'
        ? null
        : { etat: e.etat, version: e.version, emisLe: e.emisLe, fin: e.etat === 'correction' ? e.fenetre.fin : null },
    );
  }
  return (l) => verrous.get(cleDe(l)) ?? null;
}

/** What a letting's row shows of its unit: its one name (internal id, RPLS number, address) and its commune by name. */
export interface UniteDeLocation {
  commune: string;
  nomCommune: string | null;
  typologie: string;
  rpls: string;
  adresse: string | null;
  echeance: string | null;
}

/** The columns `versApi` needs besides the letting: join `logements`, left join `communes` and `delais_proposition`. */
export const COLONNES_UNITE = {
  commune: logements.commune,
  nomCommune: communes.nom,
  typologie: logements.typologie,
  rpls: logements.rpls,
  adresse: logements.adresse,
  echeance: delaisProposition.echeance,
};

/**
 * Lettings with what their rows show of their units (`COLONNES_UNITE`), those `condition` selects:
 * the one read of a letting that `lireLocation`, a batch's declarations and the lettings list share.
 */
export function lignesAvecUnite(tx: Tx, condition: SQL | undefined) {
  return tx
    .select({ l: locations, ...COLONNES_UNITE })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .where(condition);
}

export function versApi(l: LigneLocation, u: UniteDeLocation, verrouAnnee: VerrouAnnee): LocationApi {
  return {
    id: l.id,
    logementId: l.logementId,
    bailleurId: l.bailleurId,
    rpls: u.rpls,
    adresse: u.adresse,
    commune: u.commune,
    nomCommune: u.nomCommune ?? nomDeCommune(u.commune) ?? u.commune,
    typologie: u.typologie,
    dateLiberation: l.dateLiberation,
    dateDepart: l.dateDepart ?? null,
    echeance: u.echeance,
    etat: l.etat,
    exclusion: l.exclusion,
    ligne: l.ligne,
    reservataireId: l.reservataireId,
    pool: (l.pool as string[] | null) ?? null,
    forcee: l.forcee,
    motif: l.motif,
    version: l.version,
    annee: l.annee,
    verrouAnnee,
  };
}

/** A letting the actor may see (404 otherwise, whether it exists or not). */
export async function lireLocation(tx: Tx, acteur: Acteur | null, id: string, maintenant: Date): Promise<LocationApi> {
  const [r] = await lignesAvecUnite(
    tx,
    and(eq(locations.id, id), acteur ? porteeLocations(acteur, jourParis(maintenant)) : undefined),
  );
  if (!r) throw new Introuvable('location introuvable : elle n’existe pas ou n’est pas dans votre périmètre');
  return versApi(r.l, r, (await verrousDesAnnees(tx, [r.l], jourParis(maintenant)))(r.l));
}

/** Serialises the engine's decisions of one bailleur × département × year across connections. */
async function verrouillerAnnee(tx: Tx, cle: CleAnnee): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`flux|${cle.bailleurId}|${cle.departement}|${cle.annee}`}))`,
  );
}

/** The year's run as `resultatAnnee` gives it. */
type AnneeCalculee = Awaited<ReturnType<typeof resultatAnnee>>;

/**
 * Stores an event and reconciles the provisional orientations after it; returns the year's run
 * when the reconciliation needed it (with this event: the caller need not ask for it again).
 */
async function ajouterEvenement(
  tx: Tx,
  cle: CleAnnee,
  locationId: string,
  evenement: Evenement,
): Promise<AnneeCalculee | null> {
  await tx.insert(evenementsFlux).values({ ...cle, locationId, evenement });
  return reconcilierOrientations(tx, cle, evenement.date, [locationId]);
}

/**
 * The engine replays the whole year at each write, in date order: an event dated before other
 * lettings (a notice declared late, an override dated on its liberation, a backdated failure) may
 * change the engine's orientation of the lettings liberated after it. A provisional orientation
 * (oriented, not yet decided by the bailleur) follows the engine, audited as the system's; so does
 * the provisional holder of a pool. A letting already decided, with candidates, or closed keeps its
 * line: the write is refused, naming those it would move (a decision is never moved behind its
 * parties' backs, and the ledger never counts a unit for a line whose screens do not show it).
 */
/** The whole year reconciled with the engine's replay (after a change of its inputs other than an event). */
export async function reconcilierAnnee(tx: Tx, cle: CleAnnee): Promise<void> {
  await reconcilierOrientations(tx, cle, `${cle.annee}-01-01`, []);
}

/** Every stored year of a bailleur × département from `annee` on, reconciled (after a convention changed). */
export async function reconcilierAnneesDepuis(
  tx: Tx,
  bailleurId: string,
  departement: string,
  annee: number,
): Promise<void> {
  const annees = await tx
    .selectDistinct({ annee: evenementsFlux.annee })
    .from(evenementsFlux)
    .where(
      and(
        eq(evenementsFlux.bailleurId, bailleurId),
        eq(evenementsFlux.departement, departement),
        gte(evenementsFlux.annee, annee),
      ),
    )
    .orderBy(asc(evenementsFlux.annee));
  for (const a of annees) await reconcilierAnnee(tx, { bailleurId, departement, annee: a.annee });
}

async function reconcilierOrientations(
  tx: Tx,
  cle: CleAnnee,
  depuis: string,
  /** The lettings whose events were just stored (their orientation is set by their own write). */
  sauf: readonly string[],
): Promise<AnneeCalculee | null> {
  // Only what the comparison reads: a large bailleur's lettings after a date are thousands of rows,
  // and their explanations (`motif`) most of the bytes read.
  const rows = await tx
    .select({
      l: {
        id: locations.id,
        logementId: locations.logementId,
        dateLiberation: locations.dateLiberation,
        ligne: locations.ligne,
        pool: locations.pool,
        etat: locations.etat,
        forcee: locations.forcee,
        version: locations.version,
      },
      decidee: sql<boolean>`exists (select 1 from delais_proposition d where d.location_id = ${locations.id})`.mapWith(
        Boolean,
      ),
    })
    .from(locations)
    .where(
      and(
        eq(locations.bailleurId, cle.bailleurId),
        eq(locations.departement, cle.departement),
        eq(locations.annee, cle.annee),
        gte(locations.dateLiberation, depuis),
        sauf.length ? notInArray(locations.id, [...sauf]) : undefined,
        ne(locations.etat, 'exclue'),
        ne(locations.etat, 'liberee'),
      ),
    );
  if (rows.length === 0) return null;
  const annee = await resultatAnnee(tx, cle);
  const { resultat, scenario } = annee;
  const noms = nomsDesLignes(scenario);
  const nom = (ligne: string | null, sinon: string) => (ligne === null ? sinon : (noms.get(ligne) ?? ligne));
  const parLiberation = new Map(resultat.orientations.map((o) => [`${o.logement}|${o.date}`, o]));
  const conflits: string[] = [];
  for (const { l, decidee } of rows) {
    const o = parLiberation.get(`${l.logementId}|${l.dateLiberation}`);
    if (!o) continue;
    const pool = o.pool ?? null;
    const memePool = JSON.stringify(pool) === JSON.stringify((l.pool as string[] | null) ?? null);
    if (o.reservataire === l.ligne && memePool) continue;
    const provisoire =
      (l.etat === 'orientee' && !decidee && !l.forcee) || (pool !== null && memePool && l.etat !== 'bail_signe');
    if (!provisoire) {
      conflits.push(
        `logement ${l.logementId} libéré le ${dateLongue(l.dateLiberation)} (${nom(l.ligne, 'non orienté')} → ${nom(o.reservataire, 'aucune ligne')})`,
      );
      continue;
    }
    await tx
      .update(locations)
      .set({
        ligne: o.reservataire,
        reservataireId: ligneVersOrganisation(o.reservataire),
        motif: motifOrientation(o, noms),
        version: sql`${locations.version} + 1`,
        majLe: new Date(),
      })
      .where(eq(locations.id, l.id));
    await journaliser(tx, null, {
      action: 'location.orientation_provisoire',
      cibleType: 'location',
      cibleId: l.id,
      avant: { ligne: l.ligne, version: l.version },
      apres: { ligne: o.reservataire, version: l.version + 1 },
      motif: `orientation provisoire recalculée par le moteur après un événement du ${dateLongue(depuis)} (location ${sauf.join(', ')})`,
    });
  }
  if (conflits.length > 0) {
    const liste =
      conflits.slice(0, 5).join(' ; ') + (conflits.length > 5 ? ` ; et ${conflits.length - 5} autre(s)` : '');
    throw new Conflit(
      `cet événement du ${dateLongue(depuis)} changerait l’orientation de locations déjà décidées : ${liste}. Datez-le après ces libérations, ou corrigez d’abord ces locations.`,
    );
  }
  return annee;
}

/** The engine's orientation of this letting (the last one of the unit in the year). */
async function orientationMoteur(
  tx: Tx,
  cle: CleAnnee,
  logementId: string,
  /** The year's run already computed since the last event was stored (`ajouterEvenement`). */
  annee?: AnneeCalculee | null,
): Promise<Orientation | undefined> {
  const { resultat, scenario } = annee ?? (await resultatAnnee(tx, cle));
  const noms = nomsDesLignes(scenario);
  for (let i = resultat.orientations.length - 1; i >= 0; i--) {
    const o = resultat.orientations[i]!;
    // The motif officers read: in French with names, not the engine's command-line wording.
    if (o.logement === logementId) return { ...o, motif: motifOrientation(o, noms) };
  }
  return undefined;
}

function ligneVersOrganisation(ligne: string | null): string | null {
  return ligne === null || ligne === BAILLEUR ? null : ligne;
}

/** What an officer declares: a unit's notice (or delivery), with its departure, exclusion and reason. */
export interface Declaration {
  logementId: string;
  date: string;
  dateDepart?: string | undefined;
  exclusion?: Exclusion | undefined;
  premiereMiseEnLocation?: boolean | undefined;
  motif?: string | undefined;
}

/** One declaration of a batch: who, what, when (`declarerLocations`). */
export interface DemandeDeclaration {
  acteur: Acteur;
  declaration: Declaration;
  maintenant: Date;
}

/** What became of one declaration of a batch: the letting, or the refusal it alone gets. */
export type IssueDeclaration = Issue<LocationApi>;

export async function declarerLocation(tx: Tx, acteur: Acteur, d: Declaration, maintenant: Date): Promise<LocationApi> {
  const [issue] = await declarerLocations(tx, [{ acteur, declaration: d, maintenant }]);
  if (!issue || 'erreur' in issue) throw issue?.erreur;
  return issue.ok;
}

/**
 * Declarations one after the other in one transaction, as if each had its own (issue 15 item 6):
 * each is checked against what the ones before it wrote and a refused one writes nothing; then the
 * engine runs once per year for all of them, each letting is oriented, and their audit events are
 * appended together. When the engine refuses, a statement fails or a unit comes twice, the whole
 * transaction is refused (`declarerEnLot` then tries each one on its own).
 */
export async function declarerLocations(tx: Tx, demandes: readonly DemandeDeclaration[]): Promise<IssueDeclaration[]> {
  const issues: IssueDeclaration[] = [];
  const acceptees: ({ rang: number; demande: DemandeDeclaration } & Enregistree)[] = [];
  const lot: Lot = { annees: new Map(), etats: new Map(), unites: new Set(), journal: [], seul: demandes.length === 1 };
  for (const [rang, demande] of demandes.entries()) {
    try {
      acceptees.push({ rang, demande, ...(await enregistrerDeclaration(tx, demande, lot)) });
      issues.push({ erreur: null });
    } catch (erreur) {
      // A refusal is this declaration's alone (it wrote nothing); anything else — a database
      // error, which may have aborted the transaction — refuses the batch (`declarerEnLot`).
      if (!(erreur instanceof FluxError)) throw erreur;
      issues.push({ erreur });
    }
  }
  // The engine, once per year, with all the new events; the lettings it would move are reconciled.
  const calculees = new Map<string, AnneeCalculee>();
  for (const [k, a] of lot.annees) {
    if (a.depuis === null) continue;
    const annee = await reconcilierOrientations(tx, a.cle, a.depuis, a.ids).catch((err: unknown) => {
      throw refusEnFrancais(err);
    });
    calculees.set(k, annee ?? (await resultatAnnee(tx, a.cle)));
  }
  for (const { id, logementId, cle, exclu } of acceptees) {
    const o = await orientationMoteur(tx, cle, logementId, calculees.get(cleTexte(cle)));
    if (!exclu && o) {
      await tx
        .update(locations)
        .set({
          etat: 'orientee',
          ligne: o.reservataire,
          reservataireId: ligneVersOrganisation(o.reservataire),
          motif: o.motif,
          majLe: new Date(),
        })
        .where(eq(locations.id, id));
    }
  }
  const lues = await lireLocations(
    tx,
    acceptees.map((a) => ({ id: a.id, maintenant: a.demande.maintenant })),
  );
  for (const { audit, id } of acceptees) audit.apres = lues.get(id);
  // After the year locks, as every other write takes the audit trail's lock.
  await journaliserTout(tx, lot.journal);
  for (const { rang, id } of acceptees) issues[rang] = { ok: lues.get(id)! };
  return issues;
}

/**
 * A batch that cannot be written as one: a unit declared twice in it (its second declaration
 * must read the first one as it would be alone, oriented). `declarerEnLot` writes each alone.
 */
class LotARejouer extends Error {}

const cleTexte = (cle: CleAnnee) => `${cle.bailleurId}|${cle.departement}|${cle.annee}`;

/**
 * What a batch holds while it is written: the years it locked, each with the earliest event and
 * the lettings it accepted there; each year's state (issued, in a correction window) by day, read
 * once; the units it declared; its audit events, in order, appended at the end.
 */
interface Lot {
  annees: Map<string, { cle: CleAnnee; depuis: string | null; ids: string[] }>;
  etats: Map<string, EtatAnnee>;
  unites: Set<string>;
  journal: { acteur: Acteur; evenement: EvenementAJournaliser }[];
  /** A batch of one declaration: nothing to write again alone. */
  seul: boolean;
}

/** A declaration written, waiting for the engine; its audit event, whose `apres` is read last. */
interface Enregistree {
  id: string;
  logementId: string;
  cle: CleAnnee;
  exclu: boolean;
  audit: EvenementAJournaliser;
}

/**
 * One declaration of a batch checked, then written (the letting, its correction record in a
 * correction window, its event), under its year's lock: every refusal comes before its first
 * write, so a refused declaration leaves the batch's transaction as it was.
 */
async function enregistrerDeclaration(
  tx: Tx,
  { acteur, declaration: d, maintenant }: DemandeDeclaration,
  lot: Lot,
): Promise<Enregistree> {
  exiger(acteur, ['agent_bailleur'], 'déclarer une location');
  if (d.dateDepart !== undefined && d.dateDepart < d.date)
    throw new DonneesInvalides([
      {
        chemin: 'dateDepart',
        message: `le départ du locataire (${dateCourte(d.dateDepart)}) ne peut précéder son préavis (${dateCourte(d.date)}) : la location s’ouvre au préavis, indiquez un départ à cette date ou après`,
      },
    ]);
  // The departure is kept when later than the notice: the lease will be dated on or after it.
  const depart = d.dateDepart !== undefined && d.dateDepart > d.date ? d.dateDepart : null;
  // The unit by its internal id or its RPLS number (issue 12: one name for a unit); the id wins a tie.
  const saisi = d.logementId.trim();
  const trouves = await tx
    .select()
    .from(logements)
    .where(
      and(
        eq(logements.bailleurId, acteur.organisationId),
        or(eq(logements.id, saisi), eq(logements.rpls, saisi.toUpperCase()), eq(logements.rpls, saisi)),
      ),
    );
  const logement = trouves.find((l) => l.id === saisi) ?? trouves[0];
  if (!logement)
    throw new Introuvable(
      `logement « ${saisi} » introuvable dans votre patrimoine (ni identifiant interne, ni numéro RPLS)`,
    );
  const cle: CleAnnee = {
    bailleurId: acteur.organisationId,
    departement: logement.departement,
    annee: Number(d.date.slice(0, 4)),
  };
  if (lot.unites.has(logement.id) && !lot.seul) throw new LotARejouer();
  const k = cleTexte(cle);
  let annee = lot.annees.get(k);
  if (!annee) {
    await verrouillerAnnee(tx, cle);
    annee = { cle, depuis: null, ids: [] };
    lot.annees.set(k, annee);
  }
  const jour = jourParis(maintenant);
  let etat = lot.etats.get(`${k}|${jour}`);
  if (!etat) lot.etats.set(`${k}|${jour}`, (etat = await etatDeLAnnee(tx, cle, jour)));
  const [ouverte] = await tx
    .select({ id: locations.id, etat: locations.etat, version: locations.version })
    .from(locations)
    .where(
      and(
        eq(locations.logementId, logement.id),
        sql`${locations.etat} not in ('bail_signe', 'refus', 'sans_candidat')`,
      ),
    );
  if (ouverte && ouverte.etat !== 'exclue')
    throw new Conflit(
      `le logement ${logement.id} a déjà une location en cours (état « ${LIBELLES_ETAT_LOCATION[ouverte.etat] ?? ouverte.etat} »)`,
    );
  // An issued year is locked (issue 7): refused, or recorded as a late correction with its reason.
  refuserEcriture(etat, cle, d.motif);
  // A letting outside the flow that never got a candidate ends with the unit's next notice, as in the engine.
  if (ouverte) lot.journal.push({ acteur, evenement: await clore(tx, ouverte, d.date, maintenant) });
  const id = randomUUID();
  const exclu = d.exclusion !== undefined || logement.horsFlux !== null;
  await tx.insert(locations).values({
    id,
    bailleurId: acteur.organisationId,
    logementId: logement.id,
    departement: logement.departement,
    annee: cle.annee,
    dateLiberation: d.date,
    dateDepart: depart,
    premiereMiseEnLocation: d.premiereMiseEnLocation ?? false,
    exclusion: d.exclusion ?? logement.horsFlux,
    etat: exclu ? 'exclue' : 'liberee',
  });
  await noterCorrection(tx, etat, { acteur, locationId: id, action: 'location.declarer', motif: d.motif }, maintenant);
  const evenement: Evenement = {
    date: d.date,
    type: 'liberation',
    logement: logement.id,
    ...(d.exclusion ? { exclusion: d.exclusion } : {}),
    ...(d.premiereMiseEnLocation ? { premiereMiseEnLocation: true } : {}),
    ...(depart ? { depart } : {}),
  };
  await tx.insert(evenementsFlux).values({ ...cle, locationId: id, evenement });
  annee.ids.push(id);
  if (annee.depuis === null || d.date < annee.depuis) annee.depuis = d.date;
  lot.unites.add(logement.id);
  const audit: EvenementAJournaliser = { action: 'location.declarer', cibleType: 'location', cibleId: id, avant: null };
  lot.journal.push({ acteur, evenement: audit });
  return { id, logementId: logement.id, cle, exclu, audit };
}

/** Lettings by id, as `lireLocation` gives each on its own day (no scope: the caller wrote them). */
async function lireLocations(
  tx: Tx,
  demandees: readonly { id: string; maintenant: Date }[],
): Promise<Map<string, LocationApi>> {
  if (demandees.length === 0) return new Map();
  const rows = await lignesAvecUnite(
    tx,
    inArray(
      locations.id,
      demandees.map((d) => d.id),
    ),
  );
  const jourDe = new Map(demandees.map((d) => [d.id, jourParis(d.maintenant)]));
  const lues = new Map<string, LocationApi>();
  for (const jour of new Set(jourDe.values())) {
    const duJour = rows.filter((r) => jourDe.get(r.l.id) === jour);
    const verrou = await verrousDesAnnees(
      tx,
      duJour.map((r) => r.l),
      jour,
    );
    for (const r of duJour) lues.set(r.l.id, versApi(r.l, r, verrou(r.l)));
  }
  return lues;
}

/**
 * Declarations that arrived together for one bailleur's year (`enLot`), in one transaction; if
 * the batch is refused as a whole (the engine refusing one of them or a conflict with a decided
 * letting, a database error, a unit declared twice), each is tried again on its own, so each gets
 * exactly the answer it would have had alone.
 */
export async function declarerEnLot(db: Tx, demandes: readonly DemandeDeclaration[]): Promise<IssueDeclaration[]> {
  if (demandes.length > 1) {
    try {
      return await db.transaction((tx) => declarerLocations(tx, demandes));
    } catch {
      // Nothing of the batch was kept: each declaration on its own below.
    }
  }
  const issues: IssueDeclaration[] = [];
  for (const d of demandes) {
    try {
      issues.push({ ok: await db.transaction((tx) => declarerLocation(tx, d.acteur, d.declaration, d.maintenant)) });
    } catch (erreur) {
      issues.push({ erreur });
    }
  }
  return issues;
}

/**
 * Ends a letting outside the flow that never got a candidate, when its unit's next notice comes: it
 * is closed without a candidate (no event: the engine ends it at that notice by itself, and it
 * counted on no line). Returns its audit event, with the new notice's date, which the batch appends
 * after its year locks (`declarerLocations`).
 */
async function clore(
  tx: Tx,
  l: { id: string; version: number },
  date: string,
  maintenant: Date,
): Promise<EvenementAJournaliser> {
  const avant = await lireLocation(tx, null, l.id, maintenant);
  const maj = await tx
    .update(locations)
    .set({ etat: 'sans_candidat', version: sql`${locations.version} + 1`, majLe: new Date() })
    .where(and(eq(locations.id, l.id), eq(locations.etat, 'exclue'), eq(locations.version, l.version)))
    .returning({ id: locations.id });
  if (maj.length === 0)
    throw new Conflit('la location précédente de ce logement vient d’être modifiée ; rechargez la page');
  return {
    action: 'location.clore_hors_flux',
    cibleType: 'location',
    cibleId: l.id,
    avant,
    apres: await lireLocation(tx, null, l.id, maintenant),
    motif: `close sans candidat : nouveau préavis du ${dateLongue(date)} sur le logement`,
  };
}

const TRANSITIONS_API: Record<TransitionApi['transition'], Transition> = {
  orienter: 'orienter',
  orienter_multiple: 'orienter',
  proposer_candidats: 'proposer_candidats',
  decider: 'decider',
  signer_bail: 'signer_bail',
  refuser: 'refuser',
  constater_sans_candidat: 'constater_sans_candidat',
};

export async function appliquerTransition(
  tx: Tx,
  acteur: Acteur,
  id: string,
  t: TransitionApi,
  maintenant: Date,
): Promise<LocationApi> {
  const [loc] = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.id, id), porteeLocations(acteur, jourParis(maintenant))));
  if (!loc) throw new Introuvable('location introuvable : elle n’existe pas ou n’est pas dans votre périmètre');
  // A réservataire's agent reaching a letting neither oriented nor pooled to it holds it by a
  // delegation of the State's contingent (`porteeLocations`); the State pilot then only follows it (ADR 0040).
  const delegue =
    acteur.role === 'agent_reservataire' &&
    loc.reservataireId !== acteur.organisationId &&
    !((loc.pool as string[] | null) ?? []).includes(acteur.organisationId);
  if (acteur.role === 'pilote_etat' && t.transition === 'proposer_candidats' && !loc.pool) {
    const d = await delegationDuLogement(tx, loc.reservataireId ?? '', loc.logementId, jourParis(maintenant));
    if (d)
      throw new Interdit(
        `le contingent de l’État est délégué à ${d.delegataireNom} pour ce logement jusqu’au ${dateLongue(d.fin)} (${d.acte}) : c’est le délégataire qui propose les candidats`,
      );
  }
  peutAgir(acteur, loc, t, delegue);
  const etat = loc.etat as EtatLocation;
  if (t.etatAttendu !== etat || t.version !== loc.version) {
    throw new Conflit(
      `la location a changé entre-temps (elle est « ${LIBELLES_ETAT_LOCATION[etat] ?? etat} », version ${loc.version} ; vous aviez vu « ${LIBELLES_ETAT_LOCATION[t.etatAttendu] ?? t.etatAttendu} », version ${t.version}) : rechargez la page`,
    );
  }
  let transition = TRANSITIONS_API[t.transition];
  if (transition === 'orienter' && etat === 'orientee') transition = 'reorienter';
  const suivant = transiter(etat, transition, loc.logementId);
  // The guarded update: of two concurrent transitions from the same version, exactly one matches.
  const maj = await tx
    .update(locations)
    .set({ etat: suivant, version: sql`${locations.version} + 1`, majLe: new Date() })
    .where(and(eq(locations.id, id), eq(locations.etat, etat), eq(locations.version, t.version)))
    .returning({ id: locations.id });
  if (maj.length === 0)
    throw new Conflit('la location vient d’être modifiée par quelqu’un d’autre ; rechargez la page');
  const cle: CleAnnee = { bailleurId: loc.bailleurId, departement: loc.departement, annee: loc.annee };
  await verrouillerAnnee(tx, cle);
  await controlerEcritureAnnee(
    tx,
    cle,
    { acteur, locationId: id, action: `location.${t.transition}`, motif: t.motif },
    maintenant,
  );
  await verifierDateTransition(tx, loc, t, jourParis(maintenant));
  // Before/after for the audit trail, read whatever the actor's scope (it may change with the action).
  const avant = await lireLocation(tx, null, id, maintenant).then((l) => ({ ...l, etat, version: loc.version }));
  try {
    await enregistrerTransition(tx, cle, loc, t);
  } catch (err) {
    throw refusEnFrancais(err);
  }
  const apres = await lireLocation(tx, null, id, maintenant);
  await journaliser(tx, acteur, {
    action: `location.${t.transition}`,
    cibleType: 'location',
    cibleId: id,
    avant,
    apres,
    motif: motifJournal(t),
  });
  return apres;
}

/** The audited reason: the transition's, with a declared quartile's own motif when a lease declares one. */
function motifJournal(t: TransitionApi): string | null {
  const motif = 'motif' in t ? (t.motif ?? null) : null;
  if (t.transition !== 'signer_bail' || t.menage?.quartile1Declare == null) return motif;
  const q = `premier quartile déclaré (${t.menage.quartile1Declare ? 'oui' : 'non'}) : ${t.menage.motifQuartile1 ?? ''}`;
  return motif ? `${motif} — ${q}` : q;
}

/**
 * The household a lease signed through `appliquerTransition` hands to the engine (ADR 0050): the
 * candidate's, entered once with the proposal (`candidatSne`), its quartile fixed at the CAL (now, if
 * the CAL's decision did not); else the one entered with the lease (`menage`), a declared quartile
 * only with its motif. Refusals name the field.
 */
async function menageDuSignataire(
  tx: Tx,
  loc: LigneLocation,
  t: Extract<TransitionApi, { transition: 'signer_bail' }>,
): Promise<MenageSaisi> {
  if ((t.candidatSne === undefined) === (t.menage === undefined))
    throw new DonneesInvalides([
      {
        chemin: t.candidatSne === undefined ? 'candidatSne' : 'menage',
        message:
          'ménage signataire : indiquez soit le candidat de la location qui signe (son numéro unique SNE), soit le ménage saisi avec le bail, pas les deux',
      },
    ]);
  if (t.candidatSne !== undefined) {
    const [c] = await tx
      .select()
      .from(candidatures)
      .where(
        and(
          eq(candidatures.locationId, loc.id),
          eq(candidatures.numeroSne, t.candidatSne),
          isNull(candidatures.anonymiseLe),
        ),
      )
      .orderBy(desc(candidatures.creeLe))
      .limit(1);
    if (!c)
      throw new DonneesInvalides([
        {
          chemin: 'candidatSne',
          message: `candidat signataire : aucun candidat de numéro unique ${t.candidatSne} n’a été proposé pour cette location`,
        },
      ]);
    if (c.origineQuartile1 === null) {
      await fixerQuartiles(tx, loc.id, [c.id]);
      const [fixe] = await tx.select().from(candidatures).where(eq(candidatures.id, c.id));
      return menageSaisiDe(fixe!);
    }
    return menageSaisiDe(c);
  }
  const { quartile1Declare, motifQuartile1, ...m } = t.menage!;
  if (quartile1Declare != null && (motifQuartile1 ?? '').trim().length < 3)
    throw new DonneesInvalides([
      {
        chemin: 'menage.motifQuartile1',
        message:
          'premier quartile déclaré : indiquez son motif (3 caractères au moins), ou laissez-le calculer sur les ressources',
      },
    ]);
  if (m.enfantsMoins14 !== undefined && m.enfantsMoins14 > (m.personnes ?? 1) - 1)
    throw new DonneesInvalides([
      {
        chemin: 'menage.enfantsMoins14',
        message: `ménage signataire : au plus ${(m.personnes ?? 1) - 1} enfant(s) de moins de 14 ans (le demandeur compte pour une personne)`,
      },
    ]);
  return quartile1Declare != null ? { ...m, quartile1: quartile1Declare } : m;
}

/** What each step the officer dates is called, and the steps of a letting it follows (ADR 0026). */
const QUOI_TRANSITION: Partial<Record<TransitionApi['transition'], string>> = {
  proposer_candidats: 'la proposition des candidats',
  decider: 'la décision de la CAL',
  signer_bail: 'le bail',
  refuser: 'le refus',
};
const ETAPES: Partial<Record<Evenement['type'], string>> = {
  liberation: 'l’ouverture de la location (préavis)',
  candidats: 'la proposition des candidats',
  decision_cal: 'la décision de la CAL',
};

/** A letting's dated steps so far, from its events in the year (ADR 0026). */
export async function etapesDeLaLocation(tx: Tx, locationId: string): Promise<EtapeDatee[]> {
  const evs = await tx
    .select({ e: evenementsFlux.evenement })
    .from(evenementsFlux)
    .where(eq(evenementsFlux.locationId, locationId));
  return evs.flatMap(({ e }) => {
    const ev = e as Evenement;
    const libelle = ETAPES[ev.type];
    return libelle ? [{ libelle, date: ev.date }] : [];
  });
}

/**
 * The date an officer gives a step: never before the steps it follows, a decision, a refusal or a
 * lease never in the future, a lease never before the tenant's departure (ADR 0026). French, with
 * the date that would do.
 */
async function verifierDateTransition(tx: Tx, loc: LigneLocation, t: TransitionApi, aujourdhui: string): Promise<void> {
  const quoi = QUOI_TRANSITION[t.transition];
  if (!quoi) return;
  const problemes = verifierDateSaisie({
    quoi,
    date: t.date,
    // Candidates may be proposed during the notice, dated by the inbox; the others happened.
    aujourdhui: t.transition === 'proposer_candidats' ? '9999-12-31' : aujourdhui,
    suit: await etapesDeLaLocation(tx, loc.id),
    depart: t.transition === 'signer_bail' ? loc.dateDepart : null,
  });
  if (problemes.length) throw new DonneesInvalides(problemes);
}

/**
 * The engine refuses an event with its position in the year's events (« evenements[8507] : … »):
 * officers read what was refused and what to do, never a field path.
 */
export function refusEnFrancais(err: unknown): unknown {
  if (!(err instanceof DonneesInvalides) || !err.problemes.some((p) => p.chemin.startsWith('evenements'))) return err;
  const motifs = [...new Set(err.problemes.map((p) => p.message))].join(' ; ');
  return new Conflit(
    `le calendrier de la location ne permet pas cette étape (${motifs}) : vérifiez sa date — après le préavis, après l’étape précédente, et pour un bail après le départ du locataire — ou corrigez d’abord l’étape précédente`,
  );
}

async function enregistrerTransition(tx: Tx, cle: CleAnnee, loc: LigneLocation, t: TransitionApi): Promise<void> {
  const id = loc.id;
  const base = { date: t.date, logement: loc.logementId };
  switch (t.transition) {
    case 'orienter':
      await verifierConventions(
        tx,
        loc,
        [t.reservataire].filter((r) => r !== BAILLEUR),
      );
      await ajouterEvenement(tx, cle, id, {
        ...base,
        type: 'orientation_forcee',
        reservataire: t.reservataire,
        motif: t.motif,
      });
      break;
    case 'orienter_multiple':
      await verifierConventions(tx, loc, t.reservataires);
      await ajouterEvenement(tx, cle, id, {
        ...base,
        type: 'orientation_multiple',
        reservataires: t.reservataires,
        motif: t.motif,
      });
      break;
    case 'proposer_candidats':
      await verifierMenages(tx, loc.reservataireId, t.candidats);
      await ajouterEvenement(tx, cle, id, { ...base, type: 'candidats', nombre: t.candidats.length });
      await tx.insert(candidatures).values(
        t.candidats.map((c, i) => ({
          id: randomUUID(),
          locationId: id,
          reservataireId: loc.reservataireId,
          numeroSne: c.numeroSne,
          rang: i + 1,
          tailleMenage: c.tailleMenage ?? null,
          // The household entered once (ADR 0034); its quartile is fixed at the CAL decision.
          ...colonnesMenage(c),
          // What the objectives count: any priority category (rules.md §6).
          prioritaire: c.prioritaire || c.dalo || c.pdalhpd || c.autreL4411,
          dalo: c.dalo,
          pdalhpd: c.pdalhpd,
          autreL4411: c.autreL4411,
        })),
      );
      break;
    case 'decider': {
      await ajouterEvenement(tx, cle, id, { ...base, type: 'decision_cal', decision: t.decision });
      // A decision entered here (a late correction) fixes the quartile of the candidates whose
      // quartile is not fixed yet, as the CAL page does for those it examined (ADR 0050).
      const examines = await tx
        .select({ id: candidatures.id })
        .from(candidatures)
        .where(
          and(eq(candidatures.locationId, id), isNull(candidatures.anonymiseLe), isNull(candidatures.origineQuartile1)),
        );
      await fixerQuartiles(
        tx,
        id,
        examines.map((c) => c.id),
      );
      await tx.insert(decisionsCal).values({
        id: randomUUID(),
        locationId: id,
        decision: t.decision,
        motif: t.motif ?? null,
        dateDecision: t.date,
      });
      break;
    }
    case 'signer_bail': {
      const menage = await menageDuSignataire(tx, loc, t);
      await ajouterEvenement(tx, cle, id, {
        ...base,
        type: 'bail_signe',
        menage,
        ...(t.reservataire ? { reservataire: t.reservataire } : {}),
      });
      // The lease keeps the household as the objectives read it: its quartile resolved (ADR 0034).
      await tx.insert(baux).values({
        id: randomUUID(),
        locationId: id,
        dateSignature: t.date,
        menage: await menageDuBail(tx, loc, menage),
      });
      break;
    }
    case 'refuser':
      await ajouterEvenement(tx, cle, id, { ...base, type: 'refus' });
      break;
    case 'constater_sans_candidat':
      await ajouterEvenement(tx, cle, id, { ...base, type: 'sans_candidat' });
      break;
  }
  // The engine replays the year with the new event: it refuses what the rules forbid (the whole
  // transaction is then rolled back) and gives the unit's line after the change.
  const o = await orientationMoteur(tx, cle, loc.logementId);
  if (o) {
    await tx
      .update(locations)
      .set({
        ligne: o.reservataire,
        reservataireId: ligneVersOrganisation(o.reservataire),
        pool: o.pool ?? null,
        forcee: o.forcee,
        motif: o.motif,
      })
      .where(eq(locations.id, id));
  }
}

/**
 * The bailleur confirms the engine's recommendation: pinned as an `orientation_forcee` with
 * `confirmee`, dated on the liberation, so that no event recorded later and dated before it moves
 * the unit to another line (ADR 0018). Guarded by the letting's version like any transition.
 */
export async function epinglerOrientation(
  tx: Tx,
  acteur: Acteur,
  id: string,
  version: number,
  maintenant: Date,
): Promise<LocationApi> {
  const [loc] = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.id, id), porteeLocations(acteur)));
  if (!loc) throw new Introuvable('location introuvable : elle n’existe pas ou n’est pas dans votre périmètre');
  if (loc.etat !== 'orientee' || loc.ligne === null)
    throw new Conflit(
      `la location n’est plus à orienter (elle est « ${LIBELLES_ETAT_LOCATION[loc.etat] ?? loc.etat} »)`,
    );
  const maj = await tx
    .update(locations)
    .set({ version: sql`${locations.version} + 1`, majLe: new Date() })
    .where(and(eq(locations.id, id), eq(locations.etat, 'orientee'), eq(locations.version, version)))
    .returning({ id: locations.id });
  if (maj.length === 0)
    throw new Conflit('la location vient d’être modifiée par quelqu’un d’autre ; rechargez la page');
  const cle: CleAnnee = { bailleurId: loc.bailleurId, departement: loc.departement, annee: loc.annee };
  await verrouillerAnnee(tx, cle);
  await controlerEcritureAnnee(
    tx,
    cle,
    {
      acteur,
      locationId: id,
      action: 'location.confirmer_orientation',
      motif: undefined,
    },
    maintenant,
  );
  await ajouterEvenement(tx, cle, id, {
    date: loc.dateLiberation,
    type: 'orientation_forcee',
    logement: loc.logementId,
    reservataire: loc.ligne,
    motif: 'recommandation du moteur confirmée par le bailleur',
    confirmee: true,
  });
  const o = await orientationMoteur(tx, cle, loc.logementId);
  if (o)
    await tx
      .update(locations)
      .set({
        ligne: o.reservataire,
        reservataireId: ligneVersOrganisation(o.reservataire),
        forcee: o.forcee,
        motif: o.motif,
      })
      .where(eq(locations.id, id));
  return lireLocation(tx, null, id, maintenant);
}

/** Who may move a letting: its bailleur always; the réservataire it is oriented to may propose candidates. */
function peutAgir(acteur: Acteur, loc: LigneLocation, t: TransitionApi, delegue = false): void {
  if (acteur.role === 'agent_bailleur' && loc.bailleurId === acteur.organisationId) return;
  const titulaire =
    delegue ||
    loc.reservataireId === acteur.organisationId ||
    ((loc.pool as string[] | null) ?? []).includes(acteur.organisationId);
  if (
    (acteur.role === 'agent_reservataire' || acteur.role === 'pilote_etat') &&
    titulaire &&
    t.transition === 'proposer_candidats'
  )
    return;
  throw new Interdit(
    'seul le bailleur fait avancer cette location ; le réservataire titulaire peut proposer des candidats',
  );
}

async function verifierConventions(tx: Tx, loc: LigneLocation, reservataires: string[]): Promise<void> {
  for (const r of reservataires) {
    const [c] = await tx
      .select({ id: conventions.id })
      .from(conventions)
      .where(
        and(
          eq(conventions.bailleurId, loc.bailleurId),
          eq(conventions.reservataireId, r),
          eq(conventions.departement, loc.departement),
        ),
      );
    if (!c)
      throw new Introuvable(
        `aucune convention entre ce bailleur et le réservataire « ${r} » dans le département ${loc.departement}`,
      );
  }
}

/**
 * The scheduled check's transition (issue 6): a proposal deadline passed without candidates, so the
 * letting ends `sans_candidat` and the unit goes back to the bailleur for this letting (counted or
 * not per the convention's `echecDecompte`, in the engine). No actor: audited as the system. Guarded
 * like any transition; returns null when the letting moved meanwhile (nothing to do).
 */
export async function constaterSansCandidatSysteme(
  tx: Tx,
  id: string,
  date: string,
  motif: string,
  maintenant: Date,
): Promise<LocationApi | null> {
  const [loc] = await tx.select().from(locations).where(eq(locations.id, id));
  if (!loc || loc.etat !== 'orientee') return null;
  const maj = await tx
    .update(locations)
    .set({
      etat: transiter('orientee', 'constater_sans_candidat', loc.logementId),
      version: sql`${locations.version} + 1`,
      majLe: new Date(),
    })
    .where(and(eq(locations.id, id), eq(locations.etat, 'orientee'), eq(locations.version, loc.version)))
    .returning({ id: locations.id });
  if (maj.length === 0) return null;
  const cle: CleAnnee = { bailleurId: loc.bailleurId, departement: loc.departement, annee: loc.annee };
  await verrouillerAnnee(tx, cle);
  await controlerEcritureAnnee(
    tx,
    cle,
    {
      acteur: null,
      locationId: id,
      action: 'location.constater_sans_candidat',
      motif,
    },
    maintenant,
  );
  const avant = await lireLocation(tx, null, id, maintenant).then((l) => ({
    ...l,
    etat: 'orientee',
    version: loc.version,
  }));
  await ajouterEvenement(tx, cle, id, { date, type: 'sans_candidat', logement: loc.logementId });
  const o = await orientationMoteur(tx, cle, loc.logementId);
  if (o) {
    await tx
      .update(locations)
      .set({
        ligne: o.reservataire,
        reservataireId: ligneVersOrganisation(o.reservataire),
        pool: o.pool ?? null,
        forcee: o.forcee,
        motif: o.motif,
      })
      .where(eq(locations.id, id));
  }
  const apres = await lireLocation(tx, null, id, maintenant);
  await journaliser(tx, null, {
    action: 'location.constater_sans_candidat',
    cibleType: 'location',
    cibleId: id,
    avant,
    apres,
    motif,
  });
  return apres;
}
