/**
 * Candidates' households (issue 13, ADR 0034): what is entered once with the proposal, checked; the
 * first quartile fixed at the CAL decision against the threshold of the unit's EPCI for the
 * letting's year (the one the year's engine reads, so both agree); the household the lease hands
 * to the engine; and who may read it (docs/rgpd.md): the bailleur and the réservataire who proposed
 * the candidate — the State pilot and the EPCI see the categories and the aggregates, not the
 * resources or the composition, unless their organisation proposed it.
 */
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import type { CandidatBoite } from '../contracts/orientation.ts';
import { jourParis } from '../domain/calendrier.ts';
import { candidatures, decisionsCal, locations, logements, offresCal, organisations } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { libelleQuartile, problemesMenage, quartileALaDecision, type QuartileDecide } from '../domain/quartile.ts';
import { valeurAu } from '../domain/legal-parameters.ts';
import { resoudreMenage } from '../domain/menage.ts';
import type { Menage, MenageSaisi } from '../domain/types.ts';
import { epciDeCommune } from '../import/cog.ts';
import { seuilDe } from './quartiles.ts';
import { journaliser } from './audit.ts';
import type { Acteur } from './roles.ts';

type Candidature = typeof candidatures.$inferSelect;
type SaisieMenage = Pick<
  CandidatBoite,
  'enfantsMoins14' | 'ressourcesAnnuelles' | 'relogement' | 'agentEtat' | 'quartile1Declare' | 'motifQuartile1'
> & { tailleMenage?: number | undefined };

/** Refuses a proposal whose households are inconsistent (children, motif, State agent off the State line). */
export async function verifierMenages(tx: Tx, reservataireId: string | null, candidats: SaisieMenage[]): Promise<void> {
  let ligneEtat = false;
  if (reservataireId) {
    const [o] = await tx
      .select({ t: organisations.typeReservataire })
      .from(organisations)
      .where(eq(organisations.id, reservataireId));
    ligneEtat = o?.t === 'etat';
  }
  const problemes = candidats.flatMap((c, i) => problemesMenage(c, `candidats[${i}]`, ligneEtat));
  if (problemes.length) throw new DonneesInvalides(problemes);
}

/** The columns a proposal writes for one household (the quartile itself waits for the CAL). */
export function colonnesMenage(c: SaisieMenage) {
  const declare = c.quartile1Declare ?? null;
  return {
    enfantsMoins14: c.enfantsMoins14 ?? 0,
    ressourcesAnnuelles: c.ressourcesAnnuelles ?? null,
    relogement: c.relogement ?? null,
    agentEtat: c.agentEtat ?? false,
    quartile1Declare: declare,
    motifQuartile1: declare === null ? null : (c.motifQuartile1?.trim() ?? null),
    quartile1: declare,
    origineQuartile1: declare === null ? null : 'declare',
  };
}

/**
 * At the CAL decision: each examined candidate's first quartile, from its resources per UC against
 * the threshold in force for the unit's EPCI (the letting's year), or its declaration. Returns what
 * was fixed, for the audit (no resources in it).
 */
export async function fixerQuartiles(
  tx: Tx,
  locationId: string,
  ids: readonly string[],
): Promise<{ candidat: string; quartile1: boolean | null; origine: string | null }[]> {
  if (ids.length === 0) return [];
  const [l] = await tx
    .select({ annee: locations.annee, epci: logements.epci, commune: logements.commune })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(eq(locations.id, locationId));
  const seuil = l ? await seuilDe(tx, l.epci ?? epciDeCommune(l.commune), l.annee) : null;
  const cands = await tx
    .select()
    .from(candidatures)
    .where(inArray(candidatures.id, [...ids]));
  const fixes = [];
  for (const c of cands) {
    if (c.anonymiseLe) continue;
    const d = quartileALaDecision(
      {
        ressourcesAnnuelles: c.ressourcesAnnuelles,
        personnes: c.tailleMenage,
        enfantsMoins14: c.enfantsMoins14,
        quartile1Declare: c.quartile1Declare,
      },
      seuil,
    );
    await tx
      .update(candidatures)
      .set({
        quartile1: d.quartile1,
        origineQuartile1: d.origine,
        seuilQuartile1: d.seuil,
        sourceSeuilQuartile1: d.source,
      })
      .where(eq(candidatures.id, c.id));
    fixes.push({ candidat: c.id, quartile1: d.quartile1, origine: d.origine });
  }
  return fixes;
}

/** The household the lease hands to the engine (scenario « Second edition »): it recomputes the same quartile. */
export function menageSaisiDe(c: Candidature, relogementAnru = false): MenageSaisi {
  const categories = [
    ...(c.dalo ? ['dalo'] : []),
    ...(c.pdalhpd ? ['pdalhpd'] : []),
    ...(c.autreL4411 ? ['autre_l441_1'] : []),
  ];
  const relogement = (c.relogement as 'anru' | 'orcod' | null) ?? (relogementAnru ? 'anru' : null);
  const m: MenageSaisi = { prioritaire: c.prioritaire, relogementAnru: relogement === 'anru' };
  if (c.quartile1Declare !== null) m.quartile1 = c.quartile1Declare;
  if (c.ressourcesAnnuelles !== null) m.ressourcesAnnuelles = c.ressourcesAnnuelles;
  if (c.tailleMenage !== null) m.personnes = c.tailleMenage;
  if (c.tailleMenage !== null) m.enfantsMoins14 = Math.min(c.enfantsMoins14 ?? 0, c.tailleMenage - 1);
  if (categories.length) m.categories = categories;
  if (relogement !== null) m.relogement = relogement;
  if (c.agentEtat) m.agentEtat = true;
  return m;
}

/**
 * The household a lease records (`baux.menage`), as the objectives read it: resolved against the
 * threshold of the unit's EPCI for the letting's year, the same one the year's engine reads.
 */
export async function menageDuBail(
  tx: Tx,
  loc: { logementId: string; annee: number },
  saisi: MenageSaisi,
): Promise<Menage> {
  const [u] = await tx
    .select({ epci: logements.epci, commune: logements.commune })
    .from(logements)
    .where(eq(logements.id, loc.logementId));
  const seuil = u ? await seuilDe(tx, u.epci ?? epciDeCommune(u.commune), loc.annee) : null;
  return resoudreMenage(saisi, seuil?.montant);
}

/** Whether the actor may read this candidate's household: its bailleur, or the organisation that proposed it. */
export function peutLireMenage(
  acteur: Acteur | null,
  c: Pick<Candidature, 'reservataireId'>,
  bailleurId: string | null,
): boolean {
  if (acteur === null) return true;
  if (acteur.role === 'agent_bailleur') return bailleurId === null || acteur.organisationId === bailleurId;
  return c.reservataireId !== null && c.reservataireId === acteur.organisationId;
}

/** A candidate's household as a screen shows it; hidden (nulls, `masque`) from whoever may not read it. */
export function vueMenage(c: Candidature, voit: boolean) {
  const decide: QuartileDecide | null =
    c.origineQuartile1 === null && c.seuilQuartile1 === null && c.sourceSeuilQuartile1 === null
      ? null
      : {
          quartile1: c.quartile1,
          origine: c.origineQuartile1 as QuartileDecide['origine'],
          seuil: c.seuilQuartile1,
          source: c.sourceSeuilQuartile1,
        };
  if (!voit || c.anonymiseLe)
    return {
      tailleMenage: null,
      quartile1: null,
      enfantsMoins14: null,
      ressourcesAnnuelles: null,
      relogement: null,
      agentEtat: null,
      origineQuartile1: null,
      libelleQuartile1: c.anonymiseLe
        ? 'données du ménage effacées (candidature non retenue)'
        : 'données du ménage réservées au bailleur et au réservataire qui l’a proposé',
      masque: true,
    };
  return {
    tailleMenage: c.tailleMenage,
    quartile1: c.quartile1,
    enfantsMoins14: c.enfantsMoins14,
    ressourcesAnnuelles: c.ressourcesAnnuelles,
    relogement: c.relogement as 'anru' | 'orcod' | null,
    agentEtat: c.agentEtat,
    origineQuartile1: c.origineQuartile1 as 'calcule' | 'declare' | null,
    libelleQuartile1: libelleQuartile(
      {
        ressourcesAnnuelles: c.ressourcesAnnuelles,
        personnes: c.tailleMenage,
        enfantsMoins14: c.enfantsMoins14,
        quartile1Declare: c.quartile1Declare,
        motifQuartile1: c.motifQuartile1,
      },
      decide,
    ),
    masque: false,
  };
}

export interface BilanAnonymisation {
  /** Candidatures whose household data was erased by this run. */
  anonymisees: number;
  /** Lettings closed before this instant were concerned. */
  avant: string;
  delaiMois: number;
}

/**
 * Erases the household data of unsuccessful candidates (docs/rgpd.md, ADR 0034): every candidature
 * of a closed letting (lease signed, refusal, no candidate) but the tenant's — the one whose offer was
 * accepted, else the one the CAL ranked first (lettings recorded before offers) — once the letting closed more than the dated delay ago. The SNE number, composition,
 * resources, categories, rehousing and declaration go; the quartile's outcome stays (no longer
 * linked to anyone). Audited without any personal data; idempotent. `acteur` null: the scheduled job.
 */
export async function anonymiserCandidatsNonRetenus(
  tx: Tx,
  acteur: Acteur | null,
  maintenant: Date,
): Promise<BilanAnonymisation> {
  const jour = jourParis(maintenant);
  const delaiMois = valeurAu('delaiAnonymisationCandidatsMois', jour);
  const limite = new Date(maintenant);
  limite.setUTCMonth(limite.getUTCMonth() - delaiMois);
  const ids = (
    await tx
      .select({ id: candidatures.id })
      .from(candidatures)
      .innerJoin(locations, eq(locations.id, candidatures.locationId))
      .where(
        and(
          isNull(candidatures.anonymiseLe),
          inArray(locations.etat, ['bail_signe', 'refus', 'sans_candidat', 'exclue']),
          lt(locations.majLe, limite),
          // The tenant: the candidate whose offer was accepted, else the one the CAL ranked first.
          sql`not (${locations.etat} = 'bail_signe' and (
            exists (select 1 from ${offresCal} o where o.candidature_id = ${candidatures.id} and o.reponse = 'acceptee')
            or (not exists (select 1 from ${offresCal} o join ${candidatures} c2 on c2.id = o.candidature_id
                            where c2.location_id = ${locations.id} and o.reponse = 'acceptee')
                and exists (select 1 from ${decisionsCal} d where d.location_id = ${locations.id} and d.candidature_id = ${candidatures.id}))))`,
        ),
      )
  ).map((r) => r.id);
  for (let i = 0; i < ids.length; i += 1000)
    await tx
      .update(candidatures)
      .set({
        numeroSne: 'anonymisé',
        tailleMenage: null,
        enfantsMoins14: null,
        ressourcesAnnuelles: null,
        relogement: null,
        agentEtat: false,
        quartile1Declare: null,
        motifQuartile1: null,
        prioritaire: false,
        dalo: false,
        pdalhpd: false,
        autreL4411: false,
        anonymiseLe: maintenant,
      })
      .where(inArray(candidatures.id, ids.slice(i, i + 1000)));
  const bilan = { anonymisees: ids.length, avant: limite.toISOString(), delaiMois };
  if (ids.length > 0)
    await journaliser(
      tx,
      acteur,
      {
        action: 'candidatures.anonymiser',
        cibleType: 'candidatures',
        cibleId: jour,
        avant: null,
        apres: bilan,
        motif: `données des candidats non retenus effacées ${delaiMois} mois après la fin de leur location (ADR 0034)`,
      },
      maintenant,
    );
  return bilan;
}
