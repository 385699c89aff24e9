/**
 * Use cases of the CAL (issue 6 item 4): sessions, the units each examines with their ranked
 * candidates, the five decisions (through the letting's `decider` transition, so the year's events
 * and the ledger follow), the offer to the candidate ranked first and its 10-day answer (silence =
 * refusal), the lease, or the failure and what follows (next ranked candidate; back to the
 * réservataire; in a QPV, the mayor designates). Each runs in the caller's transaction and is audited.
 *
 * After a failure the letting stays « décision CAL »: whoever designates next (the réservataire, the
 * mayor through the bailleur, or the bailleur) proposes new candidates with `proposer_candidats`,
 * which the lifecycle allows from that state, and a later session examines them.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  candidatures,
  communes,
  decisionsCal,
  examensCal,
  locations,
  logements,
  offresCal,
  organisations,
  sessionsCal,
} from '../db/schema.ts';
import type {
  AExaminerApi,
  DecisionExamenApi,
  ExamenCalApi,
  EtatSession,
  OffreCalApi,
  PageSessionsCalApi,
  SessionCalApi,
  SessionCalDetailApi,
} from '../contracts/cal.ts';
import {
  echeanceReponse,
  LIBELLES_DECISION,
  LIBELLES_SUITE,
  suiteApresEchec,
  verifierDecision,
  verifierExamen,
  type SuiteEchec,
} from '../domain/cal.ts';
import { contreOrdreCotation } from '../domain/cotation.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { LIBELLES_ETAT, verifierDateSaisie, type EtatLocation } from '../domain/lifecycle.ts';
import { DECISIONS_POSITIVES, type DecisionCal } from '../domain/types.ts';
import { journaliser } from './audit.ts';
import { noterCandidats, type CotationCandidat, type MemoCotation } from './cotation.ts';
import { ajouterJours, dateCourte, jourParis } from '../domain/calendrier.ts';
import { Conflit, Introuvable } from './errors.ts';
import { vueCandidat } from './boite.ts';
import { fixerQuartiles, menageSaisiDe, peutLireMenage } from './menages.ts';
import { appliquerTransition, etapesDeLaLocation } from './locations.ts';
import type { ResultatCal } from './notifications.ts';
import { exiger, type Acteur } from './roles.ts';

type LigneSession = typeof sessionsCal.$inferSelect;
type LigneExamen = typeof examensCal.$inferSelect;
type LigneOffre = typeof offresCal.$inferSelect;
type Reponse = 'acceptee' | 'refusee' | 'silence';

type EcouteurCal = (tx: Tx, resultat: ResultatCal) => Promise<void>;
let ecouteurCal: EcouteurCal | null = null;

/**
 * POINT D'APPEL des notifications (issue 6 item 7, module src/app/notifications.ts, hors de ce
 * fichier) : chaque résultat de CAL — décision, offre refusée ou expirée et sa suite, bail signé —
 * passe par `notifierResultatCal`, dans la transaction de l'action. Le module des notifications s'y
 * branche une fois au démarrage avec `brancherNotificationsCal(…)` ; sans branchement, rien n'est envoyé.
 */
export function brancherNotificationsCal(ecouteur: EcouteurCal | null): void {
  ecouteurCal = ecouteur;
}

export async function notifierResultatCal(tx: Tx, resultat: ResultatCal): Promise<void> {
  if (ecouteurCal) await ecouteurCal(tx, resultat);
}

/** Sessions the actor may see: its own (bailleur), those of its département (State pilot). */
function porteeSessions(a: Acteur) {
  if (a.role === 'agent_bailleur') return eq(sessionsCal.bailleurId, a.organisationId);
  if (a.role === 'pilote_etat' && a.departement) return eq(sessionsCal.departement, a.departement);
  return sql`false`;
}

/** The filters and page of the sessions list (issue 12 item 2). */
export interface FiltresSessions {
  page: number;
  parPage: number;
  etat?: EtatSession | undefined;
  du?: string | undefined;
  au?: string | undefined;
}

/**
 * One page of the sessions the actor may see, with their total: the sessions to come (not
 * cancelled, today or later) soonest first, then the others latest first. `aujourdhui` is the
 * Europe/Paris day that splits them.
 */
export async function listerSessions(
  tx: Tx,
  acteur: Acteur,
  q: FiltresSessions,
  aujourdhui: string,
): Promise<PageSessionsCalApi> {
  exiger(acteur, ['agent_bailleur', 'pilote_etat'], 'consulter les séances de CAL');
  const aVenir = and(isNull(sessionsCal.annuleeLe), gte(sessionsCal.dateSession, aujourdhui));
  const conditions: (SQL | undefined)[] = [porteeSessions(acteur)];
  if (q.etat === 'a_venir') conditions.push(aVenir);
  if (q.etat === 'tenue') conditions.push(isNull(sessionsCal.annuleeLe), lt(sessionsCal.dateSession, aujourdhui));
  if (q.etat === 'annulee') conditions.push(isNotNull(sessionsCal.annuleeLe));
  if (q.du) conditions.push(gte(sessionsCal.dateSession, q.du));
  if (q.au) conditions.push(lte(sessionsCal.dateSession, q.au));
  const where = and(...conditions);
  const [total] = await tx.select({ n: count() }).from(sessionsCal).where(where);
  const rows = await tx
    .select({
      s: sessionsCal,
      bailleur: organisations.nom,
      examens: sql<number>`(select count(*) from examens_cal e where e.session_id = ${sessionsCal.id})`.mapWith(Number),
      decides:
        sql<number>`(select count(*) from examens_cal e where e.session_id = ${sessionsCal.id} and e.decision_cal_id is not null)`.mapWith(
          Number,
        ),
    })
    .from(sessionsCal)
    .innerJoin(organisations, eq(organisations.id, sessionsCal.bailleurId))
    .where(where)
    .orderBy(
      sql`case when ${aVenir} then 0 else 1 end`,
      sql`case when ${aVenir} then ${sessionsCal.dateSession} end asc`,
      desc(sessionsCal.dateSession),
      asc(sessionsCal.id),
    )
    .limit(q.parPage)
    .offset((q.page - 1) * q.parPage);
  return {
    aujourdhui,
    total: total?.n ?? 0,
    page: q.page,
    parPage: q.parPage,
    sessions: rows.map((r) => versApi(r.s, r.bailleur, r.examens, r.decides)),
  };
}

function versApi(s: LigneSession, bailleur: string, examens: number, decides: number): SessionCalApi {
  return {
    id: s.id,
    bailleurId: s.bailleurId,
    bailleur,
    departement: s.departement,
    date: s.dateSession,
    lieu: s.lieu,
    examens,
    decides,
    annulation: s.annuleeLe !== null ? { le: s.annuleeLe.toISOString(), motif: s.motifAnnulation ?? '' } : null,
  };
}

export async function creerSession(
  tx: Tx,
  acteur: Acteur,
  d: { date: string; departement: string; lieu?: string | undefined },
): Promise<SessionCalApi> {
  exiger(acteur, ['agent_bailleur'], 'créer une séance de CAL');
  const id = randomUUID();
  const [s] = await tx
    .insert(sessionsCal)
    .values({
      id,
      bailleurId: acteur.organisationId,
      departement: d.departement,
      dateSession: d.date,
      lieu: d.lieu ?? null,
    })
    .returning();
  const [b] = await tx
    .select({ nom: organisations.nom })
    .from(organisations)
    .where(eq(organisations.id, acteur.organisationId));
  const apres = versApi(s!, b?.nom ?? acteur.organisationId, 0, 0);
  await journaliser(tx, acteur, {
    action: 'cal.session.creer',
    cibleType: 'session_cal',
    cibleId: id,
    avant: null,
    apres,
  });
  return apres;
}

async function session(tx: Tx, acteur: Acteur, id: string): Promise<LigneSession & { bailleur: string }> {
  const [r] = await tx
    .select({ s: sessionsCal, bailleur: organisations.nom })
    .from(sessionsCal)
    .innerJoin(organisations, eq(organisations.id, sessionsCal.bailleurId))
    .where(and(eq(sessionsCal.id, id), porteeSessions(acteur)));
  if (!r) throw new Introuvable('séance de CAL introuvable : elle n’existe pas ou n’est pas la vôtre');
  return { ...r.s, bailleur: r.bailleur };
}

/** The candidatures of the latest round of proposals of a letting (one `proposer_candidats`). */
async function candidatsDuTour(tx: Tx, locationId: string) {
  return tx
    .select()
    .from(candidatures)
    .where(
      and(
        eq(candidatures.locationId, locationId),
        sql`${candidatures.creeLe} = (select max(c.cree_le) from candidatures c where c.location_id = ${locationId})`,
      ),
    )
    .orderBy(asc(candidatures.rang));
}

export async function lireSession(tx: Tx, acteur: Acteur, id: string): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur', 'pilote_etat'], 'consulter une séance de CAL');
  const s = await session(tx, acteur, id);
  const rows = await tx
    .select({ e: examensCal, l: locations, logement: logements, d: decisionsCal, nomCommune: communes.nom })
    .from(examensCal)
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .leftJoin(decisionsCal, eq(decisionsCal.id, examensCal.decisionCalId))
    .where(eq(examensCal.sessionId, id))
    .orderBy(asc(examensCal.ordre));
  const idsCandidats = rows.flatMap((r) => r.e.candidats as string[]);
  const cands = idsCandidats.length
    ? await tx.select().from(candidatures).where(inArray(candidatures.id, idsCandidats))
    : [];
  const parId = new Map(cands.map((c) => [c.id, c]));
  const offres = rows.length
    ? await tx
        .select({ o: offresCal, numeroSne: candidatures.numeroSne })
        .from(offresCal)
        .innerJoin(candidatures, eq(candidatures.id, offresCal.candidatureId))
        .where(
          inArray(
            offresCal.examenId,
            rows.map((r) => r.e.id),
          ),
        )
        .orderBy(asc(offresCal.rang))
    : [];
  // The cotation of each unit's candidates, on the session's date (an aid shown beside them).
  const cotations = new Map<string, Map<string, CotationCandidat>>();
  const memo: MemoCotation = new Map();
  for (const r of rows)
    cotations.set(
      r.e.id,
      await noterCandidats(
        tx,
        r.logement.commune,
        (r.e.candidats as string[]).flatMap((c) => {
          const x = parId.get(c);
          return x ? [{ id: x.id, numeroSne: x.numeroSne }] : [];
        }),
        s.dateSession,
        memo,
      ),
    );
  const liste = rows.map((r): ExamenCalApi => {
    const suite = r.e.suite as ExamenCalApi['suite'];
    return {
      id: r.e.id,
      ordre: r.e.ordre,
      locationId: r.l.id,
      logementId: r.l.logementId,
      commune: r.logement.commune,
      nomCommune: r.nomCommune,
      typologie: r.logement.typologie,
      financement: r.logement.financement,
      qpv: r.logement.qpv,
      ligne: r.l.ligne,
      reservataireId: r.l.reservataireId,
      pool: (r.l.pool as string[] | null) ?? null,
      etat: r.l.etat,
      version: r.l.version,
      dateLiberation: r.l.dateLiberation,
      dateDepart: r.l.dateDepart,
      motifMoinsDeTrois: r.e.motifMoinsDeTrois,
      candidats: (r.e.candidats as string[])
        .map((c) => parId.get(c))
        .filter((c) => c !== undefined)
        .map((c) => {
          const voit = peutLireMenage(acteur, c, s.bailleurId);
          return {
            id: c.id,
            reservataireId: c.reservataireId,
            ...vueCandidat(c, voit),
            cotation: voit ? (cotations.get(r.e.id)?.get(c.id) ?? null) : null,
          };
        }),
      decision: r.d
        ? {
            decision: r.d.decision as DecisionCal,
            libelle: LIBELLES_DECISION[r.d.decision as DecisionCal],
            motif: r.d.motif,
            date: r.d.dateDecision,
            classement: r.e.classement as string[],
            motifEcartCotation: r.e.motifEcartCotation,
          }
        : null,
      offres: offres.filter((o) => o.o.examenId === r.e.id).map((o) => offreVersApi(o.o, o.numeroSne)),
      suite,
      libelleSuite: suite ? LIBELLES_SUITE[suite] : null,
    };
  });
  return { ...versApi(s, s.bailleur, rows.length, rows.filter((r) => r.e.decisionCalId !== null).length), liste };
}

function offreVersApi(o: LigneOffre, numeroSne: string): OffreCalApi {
  return {
    id: o.id,
    candidatureId: o.candidatureId,
    numeroSne,
    rang: o.rang,
    dateOffre: o.dateOffre,
    echeance: o.echeance,
    reponse: o.reponse as Reponse | null,
    dateReponse: o.dateReponse,
  };
}

/** The bailleur's lettings with candidates and no pending examination: what a session can examine. */
export async function aExaminer(tx: Tx, acteur: Acteur): Promise<AExaminerApi[]> {
  exiger(acteur, ['agent_bailleur'], 'préparer une séance de CAL');
  const rows = await tx
    .select({
      l: locations,
      commune: logements.commune,
      typologie: logements.typologie,
      qpv: logements.qpv,
      candidats:
        sql<number>`(select count(*) from candidatures c where c.location_id = ${locations.id} and c.cree_le = (select max(c2.cree_le) from candidatures c2 where c2.location_id = ${locations.id}))`.mapWith(
          Number,
        ),
      dalo: sql<boolean>`exists (select 1 from candidatures c where c.location_id = ${locations.id} and c.dalo and c.cree_le = (select max(c2.cree_le) from candidatures c2 where c2.location_id = ${locations.id}))`.mapWith(
        Boolean,
      ),
    })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(
      and(
        eq(locations.bailleurId, acteur.organisationId),
        eq(locations.etat, 'candidats'),
        sql`not exists (select 1 from examens_cal e where e.location_id = ${locations.id} and e.decision_cal_id is null)`,
      ),
    )
    .orderBy(asc(locations.dateLiberation), asc(locations.id))
    .limit(500);
  return rows.map((r) => ({
    locationId: r.l.id,
    logementId: r.l.logementId,
    departement: r.l.departement,
    commune: r.commune,
    typologie: r.typologie,
    qpv: r.qpv,
    ligne: r.l.ligne,
    candidats: r.candidats,
    dalo: r.dalo,
  }));
}

export async function ajouterExamen(
  tx: Tx,
  acteur: Acteur,
  sessionId: string,
  d: { locationId: string; motifMoinsDeTrois?: string | undefined },
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'inscrire un logement à une séance de CAL');
  const s = await session(tx, acteur, sessionId);
  const [loc] = await tx
    .select()
    .from(locations)
    .where(and(eq(locations.id, d.locationId), eq(locations.bailleurId, acteur.organisationId)));
  if (!loc) throw new Introuvable('location introuvable dans votre patrimoine');
  if (loc.departement !== s.departement)
    throw new Conflit(`la location est dans le département ${loc.departement}, la séance dans le ${s.departement}`);
  if (loc.etat !== 'candidats') {
    const etat = loc.etat as EtatLocation;
    const suite =
      etat === 'orientee' || etat === 'liberee'
        ? 'inscrivez-le une fois les candidats proposés'
        : etat === 'decision_cal'
          ? 'après un échec, une nouvelle proposition de candidats le ramène parmi les logements à examiner'
          : 'sa location est terminée';
    throw new Conflit(
      `ce logement est « ${LIBELLES_ETAT[etat] ?? etat} » : la CAL examine les logements dont les candidats sont proposés ; ${suite}`,
    );
  }
  sessionOuverte(s);
  const [enCours] = await tx
    .select({ date: sessionsCal.dateSession })
    .from(examensCal)
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .where(and(eq(examensCal.locationId, loc.id), isNull(examensCal.decisionCalId)));
  if (enCours)
    throw new Conflit(
      `ce logement est déjà inscrit à la séance du ${dateCourte(enCours.date)}, qui n’a pas encore statué : retirez-le de cette séance pour l’inscrire à une autre`,
    );
  // The CAL may sit during the notice, but not before the candidates it examines (ADR 0026).
  const avantSeance = (await etapesDeLaLocation(tx, loc.id)).filter((e) => e.date > s.dateSession);
  if (avantSeance.length)
    throw new Conflit(
      `la séance du ${dateCourte(s.dateSession)} précède ${avantSeance.at(-1)!.libelle} du ${dateCourte(avantSeance.at(-1)!.date)} : inscrivez ce logement à une séance datée de ce jour ou après`,
    );
  const cands = await candidatsDuTour(tx, loc.id);
  const problemes = verifierExamen(cands, d.motifMoinsDeTrois);
  if (problemes.length) throw new DonneesInvalides(problemes);
  const [n] = await tx.select({ n: count() }).from(examensCal).where(eq(examensCal.sessionId, sessionId));
  const id = randomUUID();
  await tx.insert(examensCal).values({
    id,
    sessionId,
    locationId: loc.id,
    ordre: (n?.n ?? 0) + 1,
    candidats: cands.map((c) => c.id),
    motifMoinsDeTrois: cands.length < 3 && !cands.some((c) => c.dalo) ? (d.motifMoinsDeTrois ?? null) : null,
  });
  await journaliser(tx, acteur, {
    action: 'cal.examen.inscrire',
    cibleType: 'session_cal',
    cibleId: sessionId,
    avant: null,
    apres: { examen: id, locationId: loc.id, candidats: cands.map((c) => c.numeroSne) },
    motif: d.motifMoinsDeTrois ?? null,
  });
  return lireSession(tx, acteur, sessionId);
}

async function examenDe(tx: Tx, sessionId: string, locationId: string): Promise<LigneExamen> {
  const [e] = await tx
    .select()
    .from(examensCal)
    .where(and(eq(examensCal.sessionId, sessionId), eq(examensCal.locationId, locationId)));
  if (!e) throw new Introuvable('ce logement n’est pas (ou plus) inscrit à cette séance : rechargez la page');
  return e;
}

/** The notes of a unit's examined candidates (candidature id → note) on the session's date. */
async function ordreCotation(tx: Tx, locationId: string, examines: string[], date: string) {
  const [l] = await tx
    .select({ commune: logements.commune })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(eq(locations.id, locationId));
  const cands = examines.length
    ? await tx
        .select({ id: candidatures.id, numeroSne: candidatures.numeroSne })
        .from(candidatures)
        .where(inArray(candidatures.id, examines))
    : [];
  const c = l ? await noterCandidats(tx, l.commune, cands, date) : new Map<string, CotationCandidat>();
  return {
    notes: new Map([...c].map(([id, x]) => [id, x.note])),
    version: [...c.values()][0]?.version ?? null,
  };
}

/** Records the CAL's decision on one examined unit; a positive one sends the offer to rang 1. */
export async function deciderExamen(
  tx: Tx,
  acteur: Acteur,
  sessionId: string,
  d: DecisionExamenApi,
  maintenant: Date,
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'enregistrer une décision de CAL');
  const s = await session(tx, acteur, sessionId);
  const e = await examenDe(tx, sessionId, d.locationId);
  if (e.decisionCalId) throw new Conflit('la CAL a déjà statué sur ce logement dans cette séance : rechargez la page');
  sessionOuverte(s);
  const problemes = verifierDecision(d.decision, d.classement, d.motif, e.candidats as string[]);
  if (problemes.length) throw new DonneesInvalides(problemes);
  // The cotation is an aid: ranking against its order is allowed, with a reason (issue 17).
  const cotation = await ordreCotation(tx, d.locationId, e.candidats as string[], s.dateSession);
  const contre = contreOrdreCotation(d.classement, e.candidats as string[], cotation.notes);
  const motifEcart = contre ? (d.motifEcartCotation ?? '') : null;
  if (motifEcart !== null && motifEcart.length < 3)
    throw new DonneesInvalides([
      {
        chemin: 'motifEcartCotation',
        message:
          'ce classement s’écarte de l’ordre de la cotation : indiquez pourquoi la commission en décide ainsi (3 caractères au moins)',
      },
    ]);
  // The decision is dated on the session: it must have sat, after the steps the unit went through.
  const aujourdhui = jourParis(maintenant);
  if (s.dateSession > aujourdhui)
    throw new Conflit(
      `la séance du ${dateCourte(s.dateSession)} n’a pas encore eu lieu : enregistrez ses décisions à partir de ce jour`,
    );
  const avant = (await etapesDeLaLocation(tx, d.locationId)).filter((x) => x.date > s.dateSession);
  if (avant.length)
    throw new Conflit(
      `la séance du ${dateCourte(s.dateSession)} précède ${avant.at(-1)!.libelle} du ${dateCourte(avant.at(-1)!.date)} : retirez ce logement de la séance et inscrivez-le à une séance datée de ce jour ou après`,
    );
  const dejaLa = await tx
    .select({ id: decisionsCal.id })
    .from(decisionsCal)
    .where(eq(decisionsCal.locationId, d.locationId));
  // The letting's own transition: version lock, year's event, the engine's check, its audit.
  await appliquerTransition(
    tx,
    acteur,
    d.locationId,
    {
      transition: 'decider',
      etatAttendu: 'candidats',
      version: d.version,
      date: s.dateSession,
      decision: d.decision,
      ...(d.motif ? { motif: d.motif } : {}),
    },
    maintenant,
  );
  // Each examined household's first quartile, fixed at the decision (ADR 0034).
  const quartiles = await fixerQuartiles(tx, d.locationId, e.candidats as string[]);
  const deja = new Set(dejaLa.map((a) => a.id));
  const [nouvelle] = (
    await tx.select({ id: decisionsCal.id }).from(decisionsCal).where(eq(decisionsCal.locationId, d.locationId))
  ).filter((r) => !deja.has(r.id));
  const premier = d.classement[0] ?? null;
  if (premier) await tx.update(decisionsCal).set({ candidatureId: premier }).where(eq(decisionsCal.id, nouvelle!.id));
  const positive = DECISIONS_POSITIVES.has(d.decision);
  let suite: SuiteEchec | null = null;
  if (!positive) suite = await suiteDe(tx, d.locationId, [], 0, null);
  await tx
    .update(examensCal)
    .set({ decisionCalId: nouvelle!.id, classement: d.classement, suite, motifEcartCotation: motifEcart })
    .where(eq(examensCal.id, e.id));
  if (positive && premier) {
    await tx.insert(offresCal).values({
      id: randomUUID(),
      examenId: e.id,
      candidatureId: premier,
      rang: 1,
      dateOffre: s.dateSession,
      echeance: echeanceReponse(s.dateSession),
    });
  }
  await journaliser(tx, acteur, {
    action: 'cal.decider',
    cibleType: 'location',
    cibleId: d.locationId,
    avant: null,
    apres: {
      session: sessionId,
      decision: d.decision,
      classement: d.classement,
      suite,
      quartiles,
      ...(cotation.notes.size
        ? { cotation: { notes: Object.fromEntries(cotation.notes), version: cotation.version, motifEcart } }
        : {}),
    },
    motif: d.motif ?? null,
  });
  await notifierResultatCal(tx, { locationId: d.locationId, type: 'decision', decision: d.decision, suite });
  return lireSession(tx, acteur, sessionId);
}

/** What follows a failure on this letting (the candidate's réservataire, else the letting's). */
async function suiteDe(
  tx: Tx,
  locationId: string,
  classement: string[],
  rangCourant: number,
  candidatureId: string | null,
): Promise<SuiteEchec> {
  const [r] = await tx
    .select({ qpv: logements.qpv, reservataireId: locations.reservataireId, pool: locations.pool })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(eq(locations.id, locationId));
  let reservataire = r?.reservataireId !== null && r?.reservataireId !== undefined;
  if (candidatureId) {
    const [c] = await tx
      .select({ r: candidatures.reservataireId })
      .from(candidatures)
      .where(eq(candidatures.id, candidatureId));
    if (c?.r) reservataire = true;
  }
  if (!reservataire && ((r?.pool as string[] | null) ?? []).length > 0) reservataire = true;
  return suiteApresEchec({ classement, rangCourant, qpv: r?.qpv !== null && r?.qpv !== undefined, reservataire });
}

async function offreDuBailleur(tx: Tx, acteur: Acteur, offreId: string) {
  const [r] = await tx
    .select({ o: offresCal, e: examensCal, s: sessionsCal })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .where(and(eq(offresCal.id, offreId), eq(sessionsCal.bailleurId, acteur.organisationId)));
  if (!r) throw new Introuvable('offre introuvable : elle n’existe pas ou ne concerne pas vos logements');
  return r;
}

/**
 * The answer closes the offer (guarded: of two concurrent answers one wins). A refusal — or the
 * silence past the deadline — passes to the next ranked candidate, or records what follows.
 */
async function cloreOffre(
  tx: Tx,
  acteur: Acteur | null,
  o: LigneOffre,
  e: LigneExamen,
  reponse: Reponse,
  date: string,
): Promise<SuiteEchec | null> {
  const maj = await tx
    .update(offresCal)
    .set({ reponse, dateReponse: date })
    .where(and(eq(offresCal.id, o.id), isNull(offresCal.reponse)))
    .returning({ id: offresCal.id });
  if (maj.length === 0) throw new Conflit('cette offre a déjà reçu une réponse : rechargez la page');
  let suite: SuiteEchec | null = null;
  if (reponse !== 'acceptee') {
    const classement = e.classement as string[];
    suite = await suiteDe(tx, e.locationId, classement, o.rang, o.candidatureId);
    if (suite === 'rang_suivant') {
      await tx.insert(offresCal).values({
        id: randomUUID(),
        examenId: e.id,
        candidatureId: classement[o.rang]!,
        rang: o.rang + 1,
        dateOffre: date,
        echeance: echeanceReponse(date),
      });
    }
    await tx.update(examensCal).set({ suite }).where(eq(examensCal.id, e.id));
    await notifierResultatCal(tx, { locationId: e.locationId, type: 'echec_offre', suite });
  }
  await journaliser(tx, acteur, {
    action:
      reponse === 'silence' ? 'cal.offre.expirer' : `cal.offre.${reponse === 'acceptee' ? 'accepter' : 'refuser'}`,
    cibleType: 'offre_cal',
    cibleId: o.id,
    avant: { reponse: null },
    apres: { reponse, date, suite },
    motif: reponse === 'silence' ? `sans réponse au ${o.echeance} (10 jours) : vaut refus` : null,
  });
  return suite;
}

export async function repondreOffre(
  tx: Tx,
  acteur: Acteur,
  offreId: string,
  d: { reponse: 'acceptee' | 'refusee'; date: string },
  aujourdhui: string,
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'enregistrer la réponse d’un candidat');
  const { o, e, s } = await offreDuBailleur(tx, acteur, offreId);
  if (o.reponse !== null)
    throw new Conflit('ce candidat a déjà répondu à cette offre : rechargez la page pour voir la suite');
  const problemes = verifierDateSaisie({
    quoi: 'la réponse du candidat',
    date: d.date,
    aujourdhui,
    suit: [{ libelle: 'l’offre', date: o.dateOffre }],
  });
  if (problemes.length) throw new DonneesInvalides(problemes);
  if (d.reponse === 'acceptee' && d.date > o.echeance) {
    throw new Conflit(
      `le délai de réponse a expiré le ${dateCourte(o.echeance)} : le silence vaut refus, l’offre ne peut plus être acceptée ; enregistrez un refus, l’offre passe alors au candidat suivant ou à la suite prévue`,
    );
  }
  await cloreOffre(tx, acteur, o, e, d.reponse, d.date);
  return lireSession(tx, acteur, s.id);
}

/**
 * Turns every offer whose 10 days have passed (at `aujourdhui`, Europe/Paris) into a refusal by
 * silence, dated the day after its deadline. Idempotent: an answered offer is never touched again.
 * `acteur` null = the server's scheduled check (every bailleur); else that bailleur's offers only.
 */
export async function expirerOffres(
  tx: Tx,
  acteur: Acteur | null,
  aujourdhui: string,
): Promise<{ expirees: number; offres: string[] }> {
  if (acteur) exiger(acteur, ['agent_bailleur'], 'constater les offres expirées');
  const rows = await tx
    .select({ o: offresCal, e: examensCal })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .where(
      and(
        isNull(offresCal.reponse),
        lt(offresCal.echeance, aujourdhui),
        acteur ? eq(sessionsCal.bailleurId, acteur.organisationId) : undefined,
      ),
    )
    .orderBy(asc(offresCal.echeance), asc(offresCal.id));
  const offres: string[] = [];
  for (const r of rows) {
    // A row locked by a concurrent run is skipped there: re-read under this transaction's guard.
    const [encore] = await tx
      .select({ id: offresCal.id })
      .from(offresCal)
      .where(and(eq(offresCal.id, r.o.id), isNull(offresCal.reponse)));
    if (!encore) continue;
    await cloreOffre(tx, acteur, r.o, r.e, 'silence', ajouterJours(r.o.echeance, 1));
    offres.push(r.o.id);
  }
  return { expirees: offres.length, offres };
}

/**
 * `expirerOffres` at an instant: the day is read in Europe/Paris (23:30 UTC on 5 December is already
 * 6 December in Paris). The server's scheduled check runs it (`verificationPlanifiee`, src/app/verification.ts).
 */
export function expirerOffresAu(
  tx: Tx,
  acteur: Acteur | null,
  maintenant: Date,
): Promise<{ expirees: number; offres: string[] }> {
  return expirerOffres(tx, acteur, jourParis(maintenant));
}

/** The lease signed by the candidate who accepted the offer: the letting's `signer_bail` transition. */
export async function signerBailOffre(
  tx: Tx,
  acteur: Acteur,
  offreId: string,
  d: { date: string; version: number; relogementAnru: boolean },
  maintenant: Date,
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'enregistrer un bail signé');
  const { o, e, s } = await offreDuBailleur(tx, acteur, offreId);
  if (o.reponse !== 'acceptee')
    throw new Conflit('le bail suit l’acceptation de l’offre par le candidat : enregistrez d’abord sa réponse');
  const [lieu] = await tx
    .select({ depart: locations.dateDepart })
    .from(locations)
    .where(eq(locations.id, e.locationId));
  const problemes = verifierDateSaisie({
    quoi: 'le bail',
    date: d.date,
    aujourdhui: jourParis(maintenant),
    suit: [
      { libelle: 'la décision de la CAL', date: s.dateSession },
      { libelle: 'l’acceptation de l’offre', date: o.dateReponse ?? o.dateOffre },
    ],
    depart: lieu?.depart ?? null,
  });
  if (problemes.length) throw new DonneesInvalides(problemes);
  const [c] = await tx.select().from(candidatures).where(eq(candidatures.id, o.candidatureId));
  const [loc] = await tx.select({ pool: locations.pool }).from(locations).where(eq(locations.id, e.locationId));
  const pool = (loc?.pool as string[] | null) ?? null;
  await appliquerTransition(
    tx,
    acteur,
    e.locationId,
    {
      transition: 'signer_bail',
      etatAttendu: 'decision_cal',
      version: d.version,
      date: d.date,
      menage: { prioritaire: c!.prioritaire, relogementAnru: false, ...menageSaisiDe(c!, d.relogementAnru) },
      ...(pool && c!.reservataireId ? { reservataire: c!.reservataireId } : {}),
    },
    maintenant,
  );
  await tx.update(examensCal).set({ suite: 'bail' }).where(eq(examensCal.id, e.id));
  await journaliser(tx, acteur, {
    action: 'cal.bail',
    cibleType: 'offre_cal',
    cibleId: o.id,
    avant: null,
    apres: { locationId: e.locationId, candidat: c!.numeroSne, date: d.date },
  });
  await notifierResultatCal(tx, { locationId: e.locationId, type: 'bail', suite: 'bail' });
  return lireSession(tx, acteur, s.id);
}

/** A cancelled session takes no unit and no decision. */
function sessionOuverte(s: LigneSession): void {
  if (s.annuleeLe !== null)
    throw new Conflit(
      `la séance du ${dateCourte(s.dateSession)} a été annulée (${s.motifAnnulation ?? 'sans motif'}) : inscrivez les logements à une autre séance`,
    );
}

/**
 * Withdraws a unit from a session before its decision (not examined after all, or to move it to
 * another session): the unit goes back to « à examiner », its candidates unchanged. Audited.
 */
export async function retirerExamen(
  tx: Tx,
  acteur: Acteur,
  sessionId: string,
  d: { locationId: string; motif?: string | undefined },
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'retirer un logement d’une séance de CAL');
  const s = await session(tx, acteur, sessionId);
  const e = await examenDe(tx, sessionId, d.locationId);
  if (e.decisionCalId)
    throw new Conflit(
      'la CAL a déjà statué sur ce logement : sa décision ne se retire pas ; une nouvelle proposition de candidats après un échec le ramène à une prochaine séance',
    );
  const retire = await tx
    .delete(examensCal)
    .where(and(eq(examensCal.id, e.id), isNull(examensCal.decisionCalId)))
    .returning({ id: examensCal.id });
  if (retire.length === 0)
    throw new Conflit('ce logement vient d’être modifié par quelqu’un d’autre : rechargez la page');
  await journaliser(tx, acteur, {
    action: 'cal.examen.retirer',
    cibleType: 'session_cal',
    cibleId: sessionId,
    avant: { examen: e.id, locationId: d.locationId, date: s.dateSession },
    apres: null,
    motif: d.motif?.trim() || null,
  });
  return lireSession(tx, acteur, sessionId);
}

/**
 * Cancels a session that has decided nothing yet, with a written reason: its units are withdrawn and
 * go back to « à examiner ». A session that has decided on a unit has sat: withdraw the others instead.
 */
export async function annulerSession(
  tx: Tx,
  acteur: Acteur,
  sessionId: string,
  d: { motif: string },
): Promise<SessionCalDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'annuler une séance de CAL');
  const s = await session(tx, acteur, sessionId);
  sessionOuverte(s);
  const [decidees] = await tx
    .select({ n: count() })
    .from(examensCal)
    .where(and(eq(examensCal.sessionId, sessionId), sql`${examensCal.decisionCalId} is not null`));
  if ((decidees?.n ?? 0) > 0)
    throw new Conflit(
      `la séance du ${dateCourte(s.dateSession)} a déjà statué sur ${decidees!.n} logement(s) : elle a eu lieu et ne s’annule pas ; retirez un à un les logements qu’elle n’a pas examinés`,
    );
  const retires = await tx
    .delete(examensCal)
    .where(and(eq(examensCal.sessionId, sessionId), isNull(examensCal.decisionCalId)))
    .returning({ locationId: examensCal.locationId });
  const maj = await tx
    .update(sessionsCal)
    .set({ annuleeLe: new Date(), motifAnnulation: d.motif.trim() })
    .where(and(eq(sessionsCal.id, sessionId), isNull(sessionsCal.annuleeLe)))
    .returning({ id: sessionsCal.id });
  if (maj.length === 0) throw new Conflit('la séance vient d’être annulée par quelqu’un d’autre : rechargez la page');
  await journaliser(tx, acteur, {
    action: 'cal.session.annuler',
    cibleType: 'session_cal',
    cibleId: sessionId,
    avant: { date: s.dateSession, logements: retires.map((r) => r.locationId) },
    apres: { annulee: true },
    motif: d.motif.trim(),
  });
  return lireSession(tx, acteur, sessionId);
}
