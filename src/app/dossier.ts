/**
 * The letting page (issue 12, `/locations/:id`): one letting's whole story — its unit named by its
 * internal id, RPLS number and address, its orientation and proposal deadline, candidates, CAL
 * examinations, offers and lease — and a timeline in French built from the letting's events (the
 * day it happened) and the audit trail (who recorded it, when, why). Read-only: the actions stay
 * the existing use cases; `actions` says which of them the actor may take now.
 */
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  baux,
  candidatures,
  communes,
  decisionsCal,
  delaisProposition,
  evenementsAudit,
  evenementsFlux,
  examensCal,
  logements,
  offresCal,
  organisations,
  sessionsCal,
  utilisateurs,
} from '../db/schema.ts';
import type { DossierLocationApi, FaitChronologieApi } from '../contracts/listes.ts';
import type { ElementBoiteApi } from '../contracts/orientation.ts';
import { dateLongue, jourParis, joursEntre } from '../domain/calendrier.ts';
import { ETATS_FINAUX, type EtatLocation } from '../domain/lifecycle.ts';
import { BAILLEUR, type Evenement } from '../domain/types.ts';
import { nomDeCommune } from '../import/cog.ts';
import { actionCourante } from './audit.ts';
import { elements as elementsBoite, vueCandidat } from './boite.ts';
import { peutLireMenage } from './menages.ts';
import { lireLocation } from './locations.ts';
import type { Acteur } from './roles.ts';

/** The audit trail's actions in French (an action not listed reads « Modification enregistrée »). */
const ACTIONS: Record<string, string> = {
  'location.declarer': 'Location ouverte (préavis ou livraison déclaré)',
  'location.orientation_provisoire': 'Orientation provisoire recalculée par le moteur',
  'location.confirmer_orientation': 'Recommandation du moteur confirmée par le bailleur',
  'location.orienter': 'Orientation décidée par le bailleur (autre que la recommandation)',
  'location.orienter_multiple': 'Orientée vers plusieurs réservataires à la fois',
  'location.proposer_candidats': 'Candidats proposés',
  'location.decider': 'Décision de la CAL enregistrée',
  'location.signer_bail': 'Bail signé',
  'location.refuser': 'Refus enregistré',
  'location.constater_sans_candidat': 'Délai de proposition dépassé sans candidat',
  'location.clore_hors_flux': 'Close sans candidat : nouveau préavis sur le logement (hors du flux)',
  'location.piece.ajouter': 'Photo ou plan joint',
  'location.piece.supprimer': 'Photo ou plan retiré',
  'cal.examen.inscrire': 'Inscrite à l’ordre du jour d’une CAL',
  'cal.decider': 'Décision de la CAL',
  'cal.offre.accepter': 'Offre acceptée par le candidat',
  'cal.offre.refuser': 'Offre refusée par le candidat',
  'cal.offre.expirer': 'Offre sans réponse dans les 10 jours : vaut refus',
  'cal.bail': 'Bail signé après l’offre',
};

/** The letting's events (scenario format) in French. */
const EVENEMENTS: Record<Evenement['type'], string> = {
  liberation: 'Libération du logement',
  orientation_forcee: 'Orientation décidée par le bailleur',
  orientation_multiple: 'Orientée vers plusieurs réservataires à la fois',
  candidats: 'Candidats proposés',
  decision_cal: 'Décision de la CAL',
  bail_signe: 'Bail signé',
  refus: 'Refus du logement',
  sans_candidat: 'Délai de proposition dépassé sans candidat',
} as Record<Evenement['type'], string>;

/** Which audit actions record which event of the letting (so that one fact is one line of the timeline). */
const ACTIONS_DE_L_EVENEMENT: Record<string, readonly string[]> = {
  liberation: ['location.declarer'],
  orientation_forcee: ['location.confirmer_orientation', 'location.orienter'],
  orientation_multiple: ['location.orienter_multiple'],
  candidats: ['location.proposer_candidats'],
  decision_cal: ['location.decider', 'cal.decider'],
  bail_signe: ['location.signer_bail', 'cal.bail'],
  refus: ['location.refuser'],
  sans_candidat: ['location.constater_sans_candidat'],
};

export const DECISIONS_CAL_FR: Record<string, string> = {
  attribution: 'Attribution',
  attribution_rang: 'Attribution par rang',
  attribution_condition_suspensive: 'Attribution sous condition suspensive',
  non_attribution: 'Non-attribution',
  irrecevabilite: 'Irrecevabilité',
};

const UUID = /\s*\(?(?:(?:vacance|location)\s+)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)?/gi;

/** A reason as people read it: no internal ids, ISO dates as 07/12/2026. */
function enFrancais(texte: string | null): string | null {
  if (!texte) return null;
  const t = texte.replace(UUID, '').replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (d) => dateLongue(d));
  return t.trim() || null;
}

/** The Europe/Paris day of a stored instant. */
function jourDe(instant: string): string {
  return jourParis(new Date(instant));
}

/** What an event adds to its title (the CAL's decision, how many candidates). */
function detail(e: Evenement): string {
  if (e.type === 'decision_cal') return ` : ${(DECISIONS_CAL_FR[e.decision] ?? 'décision').toLowerCase()}`;
  if (e.type === 'candidats') return ` (${e.nombre})`;
  if (e.type === 'liberation' && e.premiereMiseEnLocation) return ' (première mise en location)';
  return '';
}

/** GET /api/locations/:id/dossier */
export async function dossierLocation(
  tx: Tx,
  acteur: Acteur,
  id: string,
  maintenant: Date,
): Promise<DossierLocationApi> {
  const aujourdhui = jourParis(maintenant);
  const location = await lireLocation(tx, acteur, id, maintenant); // 404 outside the actor's scope
  const [u] = await tx
    .select({ l: logements, nomCommune: communes.nom, bailleur: organisations.nom })
    .from(logements)
    .leftJoin(communes, eq(communes.code, logements.commune))
    .innerJoin(organisations, eq(organisations.id, logements.bailleurId))
    .where(eq(logements.id, location.logementId));
  const logement = u!.l;
  const [delai] = await tx.select().from(delaisProposition).where(eq(delaisProposition.locationId, id));

  // Names of every organisation this page mentions.
  const noms = new Map<string, string>([[BAILLEUR, 'Part propre du bailleur']]);
  const nommer = async (ids: (string | null | undefined)[]) => {
    const manquants = [...new Set(ids.filter((x): x is string => !!x && !noms.has(x)))];
    if (manquants.length === 0) return;
    const rows = await tx
      .select({ id: organisations.id, nom: organisations.nom })
      .from(organisations)
      .where(inArray(organisations.id, manquants));
    for (const r of rows) noms.set(r.id, r.nom);
  };

  // A réservataire sees its own candidates only (a pool's other members' are theirs).
  const reservataire = acteur.role === 'agent_reservataire';
  const cands = await tx
    .select()
    .from(candidatures)
    .where(
      and(
        eq(candidatures.locationId, id),
        reservataire ? eq(candidatures.reservataireId, acteur.organisationId) : undefined,
      ),
    )
    .orderBy(asc(candidatures.creeLe), asc(candidatures.rang));
  const sneDe = new Map(cands.map((c) => [c.id, c.numeroSne]));
  await nommer([
    location.ligne,
    location.reservataireId,
    ...(location.pool ?? []),
    ...cands.map((c) => c.reservataireId),
  ]);

  const examens = await tx
    .select({ e: examensCal, s: sessionsCal, d: decisionsCal })
    .from(examensCal)
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .leftJoin(decisionsCal, eq(decisionsCal.id, examensCal.decisionCalId))
    .where(eq(examensCal.locationId, id))
    .orderBy(asc(sessionsCal.dateSession));
  const offres = examens.length
    ? await tx
        .select()
        .from(offresCal)
        .where(
          inArray(
            offresCal.examenId,
            examens.map((x) => x.e.id),
          ),
        )
        .orderBy(asc(offresCal.dateOffre), asc(offresCal.rang))
    : [];
  const offresVisibles = offres.filter((o) => sneDe.has(o.candidatureId));
  const [bail] = await tx.select().from(baux).where(eq(baux.locationId, id));

  const orientation = location.exclusion
    ? null
    : location.pool && location.pool.length > 0
      ? `Plusieurs réservataires : ${location.pool.map((p) => noms.get(p) ?? p).join(', ')}`
      : location.ligne
        ? (noms.get(location.ligne) ?? location.ligne)
        : null;

  const chronologie = await chronologieLocation(
    tx,
    id,
    offres.map((o) => o.id),
    reservataire,
  );

  // What the actor may do now.
  const bailleur = acteur.role === 'agent_bailleur' && location.bailleurId === acteur.organisationId;
  const ouverte = !ETATS_FINAUX.has(location.etat as EtatLocation);
  let boite: ElementBoiteApi | undefined;
  if (
    (location.etat === 'orientee' || location.etat === 'exclue') &&
    acteur.role !== 'lecteur_epci' &&
    acteur.role !== 'administrateur'
  )
    [boite] = await elementsBoite(tx, acteur, aujourdhui, id);

  return {
    location,
    logement: {
      id: logement.id,
      rpls: logement.rpls,
      adresse: logement.adresse,
      commune: logement.commune,
      nomCommune: u!.nomCommune ?? nomDeCommune(logement.commune) ?? logement.commune,
      typologie: logement.typologie,
      financement: logement.financement,
      qpv: logement.qpv,
      construction: logement.construction,
      surface: logement.surface === null ? null : Number(logement.surface),
      loyer: logement.loyer === null ? null : Number(logement.loyer),
    },
    bailleur: { id: logement.bailleurId, nom: u!.bailleur },
    orientation,
    delai: delai
      ? {
          decision: delai.decision,
          orienteeLe: delai.orienteeLe,
          echeance: delai.echeance,
          joursRestants: delai.echeance ? joursEntre(aujourdhui, delai.echeance) : null,
        }
      : null,
    candidats: cands.map((c) => ({
      ...vueCandidat(c, peutLireMenage(acteur, c, logement.bailleurId)),
      reservataire: c.reservataireId ? (noms.get(c.reservataireId) ?? null) : null,
    })),
    cal: examens.map(({ e, s, d }) => ({
      sessionId: s.id,
      dateSession: s.dateSession,
      lieu: s.lieu,
      decision: d ? (DECISIONS_CAL_FR[d.decision] ?? null) : null,
      motif: enFrancais(d?.motif ?? null),
      classement: ((e.classement as string[] | null) ?? []).map((c) => sneDe.get(c)).filter((x): x is string => !!x),
    })),
    offres: offresVisibles.map((o) => ({
      rang: o.rang,
      numeroSne: sneDe.get(o.candidatureId)!,
      dateOffre: o.dateOffre,
      echeance: o.echeance,
      reponse: o.reponse,
      dateReponse: o.dateReponse,
    })),
    bail: bail ? { dateSignature: bail.dateSignature } : null,
    chronologie,
    boite: boite ?? null,
    actions: {
      recommandation:
        location.etat === 'orientee' && (bailleur || acteur.role === 'pilote_etat') && location.exclusion === null,
      decider: bailleur && location.etat === 'orientee' && delai === undefined,
      proposer: boite?.peutProposer ?? false,
      pieces: bailleur && ouverte,
      corriger: bailleur && location.verrouAnnee?.etat === 'correction',
    },
  };
}

/**
 * The timeline: each event of the letting (its day) joined to the audit line that recorded it
 * (who, when, why); audit lines with no event of their own (photos, provisional re-orientation,
 * offers) come in at the day they were recorded. Oldest first.
 */
async function chronologieLocation(
  tx: Tx,
  id: string,
  offres: string[],
  reservataire: boolean,
): Promise<FaitChronologieApi[]> {
  const evenements = await tx
    .select({ e: evenementsFlux.evenement })
    .from(evenementsFlux)
    .where(eq(evenementsFlux.locationId, id))
    .orderBy(asc(evenementsFlux.id));
  const audit = await tx
    .select({
      a: evenementsAudit,
      utilisateur: utilisateurs.nom,
      organisation: organisations.nom,
    })
    .from(evenementsAudit)
    .leftJoin(utilisateurs, eq(utilisateurs.id, evenementsAudit.utilisateurId))
    .leftJoin(organisations, eq(organisations.id, evenementsAudit.organisationId))
    .where(
      or(
        and(eq(evenementsAudit.cibleType, 'location'), eq(evenementsAudit.cibleId, id)),
        offres.length
          ? and(eq(evenementsAudit.cibleType, 'offre_cal'), inArray(evenementsAudit.cibleId, offres))
          : undefined,
        and(eq(evenementsAudit.cibleType, 'session_cal'), sql`${evenementsAudit.apres}->>'locationId' = ${id}`),
      ),
    )
    .orderBy(asc(evenementsAudit.seq));
  const qui = (r: (typeof audit)[number]) =>
    r.a.utilisateurId === null
      ? 'Flux (automatique)'
      : `${r.utilisateur ?? 'Utilisateur'}${r.organisation ? ` (${r.organisation})` : ''}`;
  const utilises = new Set<number>();
  const faits: (FaitChronologieApi & { ordre: number })[] = [];
  let ordre = 0;
  for (const { e } of evenements) {
    const ev = e as Evenement;
    const actions = ACTIONS_DE_L_EVENEMENT[ev.type] ?? [];
    const trace = audit.find((r) => !utilises.has(r.a.seq) && actions.includes(actionCourante(r.a.action)));
    if (trace) utilises.add(trace.a.seq);
    const motifEvenement = 'motif' in ev && typeof ev.motif === 'string' ? ev.motif : null;
    faits.push({
      date: ev.date,
      enregistreLe: trace?.a.horodatage ?? null,
      quoi:
        ev.type === 'orientation_forcee' && 'confirmee' in ev && ev.confirmee
          ? 'Recommandation du moteur confirmée par le bailleur'
          : `${EVENEMENTS[ev.type] ?? 'Événement'}${detail(ev)}`,
      qui: trace ? qui(trace) : null,
      pourquoi: enFrancais(trace?.a.motif ?? motifEvenement),
      ordre: ordre++,
    });
  }
  for (const r of audit) {
    if (utilises.has(r.a.seq)) continue;
    // A réservataire does not read the bailleur's internal re-computations of other lettings.
    if (reservataire && actionCourante(r.a.action) === 'location.orientation_provisoire') continue;
    faits.push({
      date: jourDe(r.a.horodatage),
      enregistreLe: r.a.horodatage,
      quoi: ACTIONS[actionCourante(r.a.action)] ?? 'Modification enregistrée',
      qui: qui(r),
      pourquoi: enFrancais(r.a.motif),
      ordre: ordre++,
    });
  }
  return faits
    .sort(
      (a, b) =>
        a.date.localeCompare(b.date) || (a.enregistreLe ?? '').localeCompare(b.enregistreLe ?? '') || a.ordre - b.ordre,
    )
    .map((f) => ({ date: f.date, enregistreLe: f.enregistreLe, quoi: f.quoi, qui: f.qui, pourquoi: f.pourquoi }));
}
