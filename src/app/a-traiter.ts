/**
 * « À traiter » (issue 12 item 1): what waits for the signed-in person, most urgent first, each
 * item with its deadline and the page where to act. Built from what the other use cases store and
 * decide — the orientation decisions and proposal deadlines (src/app/echeances.ts, boite.ts), the
 * CAL's queue, offers and leases (cal.ts), the correction windows and issued bilans
 * (emission-bilan.ts), the conventions' form (conventions.ts) and the objectives (objectifs.ts) —
 * with queries only: no replay of a year by the engine, so the answer stays fast.
 *
 * - bailleur: orientations to confirm; candidates it designates (delegated management); direct
 *   réservataires' deadlines within a week; the CAL to prepare; offers awaiting an answer; leases to
 *   record; open correction windows; last year's bilan to issue or send (and, in December, this
 *   year's, due by 28 February).
 * - réservataire: units to propose candidates for (direct management); offers made to its
 *   candidates; CAL failures handing the unit back to it.
 * - State pilot: the State's units waiting for candidates, per bailleur; the deadlines missed this
 *   year per bailleur (the dashboard's count); conventions in stock to convert or lapsed; last
 *   year's bilans not issued.
 * - EPCI: objectives at risk on its territory; last year's bilans received or missing.
 */
import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt, lte, max, min, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  candidatures,
  communes,
  conventions,
  conventionVersions,
  delaisProposition,
  emissionsBilan,
  envoisBilan,
  evenementsFlux,
  examensCal,
  fenetresCorrection,
  correctionsAnnee,
  locations,
  logements,
  offresCal,
  organisations,
  reprisesPrefet,
  sessionsCal,
} from '../db/schema.ts';
import {
  LIMITE_A_TRAITER,
  TYPES_A_TRAITER,
  type ATraiterApi,
  type ElementATraiterApi,
  type TypeATraiter,
} from '../contracts/a-traiter.ts';
import { echeanceLegale, premierJourEmission } from '../domain/emission-bilan.ts';
import { LIBELLES_TENDANCE } from '../domain/objectifs.ts';
import { BAILLEUR, EXCLUSIONS } from '../domain/types.ts';
import { resultatAnnee, type CleAnnee } from './annee.ts';
import { bilansAccessibles } from './bilan.ts';
import { aExaminer } from './cal.ts';
import { etatForme, formeDe, versionAu } from './conventions.ts';
import { destinatairesBilan } from './emission-bilan.ts';
import { parametresConventions, type ParametresConvention } from './echeances.ts';
import { ajouterJours, dateCourte, jourParis, joursEntre } from '../domain/calendrier.ts';
import { lireObjectifs } from './objectifs.ts';
import { exiger, type Acteur } from './roles.ts';

export const ROLES_A_TRAITER = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

/** A direct réservataire's proposal deadline shows on the bailleur's list this many days before. */
export const PREAVIS_RELANCE_JOURS = 7;

/** Tendances of an objective that put it « à risque ». */
const A_RISQUE = new Set(['en_retard', 'hors_d_atteinte', 'non_atteint']);

/** 2026-12-07 → 07/12/2026. */
/** « de Val de Loire Logis », « d’Action Logement Services ». */
export const de = (nom: string): string => (/^[aeiouyhéèêàâîôûAEIOUYHÉÈÊÀÂÎÔÛ]/.test(nom) ? `d’${nom}` : `de ${nom}`);
const pluriel = (n: number, mot: string, motPluriel = `${mot}s`): string => `${n} ${n >= 2 ? motPluriel : mot}`;

type Nouveau = Omit<ElementATraiterApi, 'joursRestants' | 'nombre'> & { nombre?: number };

/** The most urgent first: earliest deadline (late ones first), items without deadline last. */
export function trierATraiter(elements: ElementATraiterApi[]): ElementATraiterApi[] {
  const rang = (t: TypeATraiter) => TYPES_A_TRAITER.indexOf(t);
  return [...elements].sort(
    (a, b) =>
      (a.echeance === null ? 1 : 0) - (b.echeance === null ? 1 : 0) ||
      (a.echeance ?? '').localeCompare(b.echeance ?? '') ||
      rang(a.type) - rang(b.type) ||
      a.titre.localeCompare(b.titre, 'fr') ||
      a.cle.localeCompare(b.cle),
  );
}

export async function lireATraiter(tx: Tx, acteur: Acteur, aujourdhui: string): Promise<ATraiterApi> {
  exiger(acteur, ROLES_A_TRAITER, 'consulter ce qui est à traiter');
  const c = new Contexte(tx, aujourdhui);
  const nouveaux: Nouveau[] =
    acteur.role === 'agent_bailleur'
      ? await pourBailleur(c, acteur)
      : acteur.role === 'agent_reservataire'
        ? await pourReservataire(c, acteur)
        : acteur.role === 'pilote_etat'
          ? await pourPilote(c, acteur)
          : await pourEpci(c, acteur);
  const tous = trierATraiter(
    nouveaux.map((n) => ({
      ...n,
      nombre: n.nombre ?? 1,
      joursRestants: n.echeance === null ? null : joursEntre(aujourdhui, n.echeance),
    })),
  );
  return { aujourdhui, total: tous.length, elements: tous.slice(0, LIMITE_A_TRAITER) };
}

/** What the queries of one answer share: today, and the names and parameters already read. */
class Contexte {
  private readonly nomsCommunes = new Map<string, string>();
  private readonly nomsOrganisations = new Map<string, string>();
  private readonly parametres = new Map<string, Map<string, ParametresConvention>>();
  readonly annee: number;
  constructor(
    readonly tx: Tx,
    readonly aujourdhui: string,
  ) {
    this.annee = Number(aujourdhui.slice(0, 4));
  }

  async chargerCommunes(codes: readonly string[]): Promise<void> {
    const manquants = [...new Set(codes)].filter((x) => !this.nomsCommunes.has(x));
    if (manquants.length === 0) return;
    for (const r of await this.tx
      .select({ code: communes.code, nom: communes.nom })
      .from(communes)
      .where(inArray(communes.code, manquants)))
      this.nomsCommunes.set(r.code, r.nom);
  }

  async chargerOrganisations(ids: readonly (string | null)[]): Promise<void> {
    const manquants = [...new Set(ids)].filter((x): x is string => x !== null && !this.nomsOrganisations.has(x));
    if (manquants.length === 0) return;
    for (const r of await this.tx
      .select({ id: organisations.id, nom: organisations.nom })
      .from(organisations)
      .where(inArray(organisations.id, manquants)))
      this.nomsOrganisations.set(r.id, r.nom);
  }

  /** « T3 à Orléans » (names loaded by `chargerCommunes`). */
  unite(l: { typologie: string; commune: string }): string {
    return `${l.typologie} à ${this.nomsCommunes.get(l.commune) ?? 'une commune inconnue'}`;
  }

  /** An organisation's name (loaded by `chargerOrganisations`); the bailleur's own line by its French name. */
  nom(id: string | null): string {
    if (id === null || id === BAILLEUR) return 'la part propre du bailleur';
    return this.nomsOrganisations.get(id) ?? 'une organisation inconnue';
  }

  async parametresDe(cle: CleAnnee): Promise<Map<string, ParametresConvention>> {
    const k = `${cle.bailleurId}|${cle.departement}|${cle.annee}`;
    let p = this.parametres.get(k);
    if (!p) this.parametres.set(k, (p = await parametresConventions(this.tx, cle)));
    return p;
  }

  /** Does the year have any stored event (a year without any has no bilan to issue)? */
  async aDesEvenements(bailleurId: string, departement: string, annee: number): Promise<boolean> {
    const [r] = await this.tx
      .select({ id: evenementsFlux.id })
      .from(evenementsFlux)
      .where(
        and(
          eq(evenementsFlux.bailleurId, bailleurId),
          eq(evenementsFlux.departement, departement),
          eq(evenementsFlux.annee, annee),
        ),
      )
      .limit(1);
    return r !== undefined;
  }
}

/** The bilan of a year: its last issued version, if any. */
async function derniereEmission(tx: Tx, cle: CleAnnee) {
  const [d] = await tx
    .select({ id: emissionsBilan.id, version: emissionsBilan.version, emisLe: emissionsBilan.emisLe })
    .from(emissionsBilan)
    .where(
      and(
        eq(emissionsBilan.bailleurId, cle.bailleurId),
        eq(emissionsBilan.departement, cle.departement),
        eq(emissionsBilan.annee, cle.annee),
      ),
    )
    .orderBy(sql`${emissionsBilan.version} desc`)
    .limit(1);
  return d ?? null;
}

const lienBilan = (cle: CleAnnee): string =>
  `/bilan?annee=${cle.annee}&bailleur=${encodeURIComponent(cle.bailleurId)}&departement=${encodeURIComponent(cle.departement)}`;

const lienLocation = (id: string): string => `/locations/${encodeURIComponent(id)}`;

/** Open lettings oriented and decided, waiting for candidates, with their unit. */
function enAttenteDeCandidats(tx: Tx, condition: ReturnType<typeof and>) {
  return tx
    .select({
      id: locations.id,
      bailleurId: locations.bailleurId,
      departement: locations.departement,
      annee: locations.annee,
      reservataireId: locations.reservataireId,
      pool: locations.pool,
      echeance: delaisProposition.echeance,
      orienteeLe: delaisProposition.orienteeLe,
      typologie: logements.typologie,
      commune: logements.commune,
    })
    .from(locations)
    .innerJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(and(eq(locations.etat, 'orientee'), isNotNull(delaisProposition.echeance), condition))
    .orderBy(asc(delaisProposition.echeance), asc(locations.id));
}

// ───────────────────────────── bailleur ─────────────────────────────

async function pourBailleur(c: Contexte, acteur: Acteur): Promise<Nouveau[]> {
  const { tx, aujourdhui } = c;
  const b = acteur.organisationId;
  const out: Nouveau[] = [];

  // Orientations the engine proposed and nobody decided yet (no proposal delay opened).
  const aConfirmer = await tx
    .select({
      id: locations.id,
      ligne: locations.ligne,
      dateLiberation: locations.dateLiberation,
      typologie: logements.typologie,
      commune: logements.commune,
    })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .where(and(eq(locations.bailleurId, b), eq(locations.etat, 'orientee'), isNull(delaisProposition.locationId)));
  const attente = await enAttenteDeCandidats(tx, eq(locations.bailleurId, b));
  const offres = await offresDuBailleur(tx, b);
  await c.chargerCommunes([...aConfirmer, ...attente, ...offres].map((r) => r.commune));
  await c.chargerOrganisations([
    ...aConfirmer.map((r) => r.ligne),
    ...attente.flatMap((r) => [r.reservataireId, ...((r.pool as string[] | null) ?? [])]),
  ]);

  for (const r of aConfirmer)
    out.push({
      cle: `orientation|${r.id}`,
      type: 'orientation_a_confirmer',
      titre: `Confirmer l’orientation du ${c.unite(r)}`,
      detail: `Le moteur recommande ${c.nom(r.ligne)} ; libération le ${dateCourte(r.dateLiberation)}. Confirmez ou orientez autrement, avec un motif.`,
      echeance: r.dateLiberation,
      lien: lienLocation(r.id),
      action: 'Voir la recommandation',
    });

  const relance = ajouterJours(aujourdhui, PREAVIS_RELANCE_JOURS);
  for (const r of attente) {
    const p = await c.parametresDe({ bailleurId: r.bailleurId, departement: r.departement, annee: r.annee });
    const membres = (r.pool as string[] | null) ?? (r.reservataireId ? [r.reservataireId] : []);
    const delegue = membres.find((m) => p.get(m)?.gestion === 'deleguee');
    if (delegue) {
      out.push({
        cle: `designer|${r.id}`,
        type: 'candidats_a_designer',
        titre: `Désigner des candidats pour ${c.nom(delegue)} : ${c.unite(r)}`,
        detail: `Gestion déléguée : vous proposez les candidats pour le compte ${de(c.nom(delegue))}. Sans candidat à l’échéance, le logement revient au bailleur pour un tour.`,
        echeance: r.echeance,
        lien: lienLocation(r.id),
        action: 'Proposer des candidats',
      });
    } else if (r.echeance! <= relance) {
      const qui = membres.map((m) => c.nom(m)).join(', ');
      out.push({
        cle: `relance|${r.id}`,
        type: 'candidats_en_retard',
        titre: `Candidats attendus ${de(qui)} : ${c.unite(r)}`,
        detail: `Orienté le ${dateCourte(r.orienteeLe)} ; aucun candidat proposé à ce jour. Relancez le réservataire avant l’échéance.`,
        echeance: r.echeance,
        lien: lienLocation(r.id),
        action: 'Voir la location',
      });
    }
  }

  // Lettings outside the flow waiting for their candidates: the bailleur designates them (one item).
  const [horsFlux] = await tx
    .select({ n: count(), premiere: min(locations.dateLiberation) })
    .from(locations)
    .where(and(eq(locations.bailleurId, b), eq(locations.etat, 'exclue')));
  if (horsFlux && horsFlux.n > 0)
    out.push({
      cle: 'hors-flux|designer',
      type: 'candidats_a_designer',
      titre: `Désigner des candidats pour ${pluriel(horsFlux.n, 'logement')} hors du flux`,
      detail: `Mutations internes et relogements${horsFlux.premiere ? ` (le plus ancien libéré le ${dateCourte(horsFlux.premiere)})` : ''} : vous désignez le ménage, ou enregistrez celui que désigne le pilote de l’opération ; la CAL décide comme pour les autres attributions, sans compter sur aucune ligne.`,
      echeance: null,
      lien: '/boite?etat=exclue',
      action: 'Désigner les candidats',
      nombre: horsFlux.n,
    });

  // The CAL's queue: units with candidates not yet on a session; the deadline is the next session.
  const file = await aExaminer(tx, acteur);
  if (file.length > 0) {
    const [prochaine] = await tx
      .select({ date: min(sessionsCal.dateSession) })
      .from(sessionsCal)
      .where(and(eq(sessionsCal.bailleurId, b), gte(sessionsCal.dateSession, aujourdhui)));
    const date = prochaine?.date ?? null;
    out.push({
      cle: 'cal|file',
      type: 'cal_a_preparer',
      titre: `Préparer la CAL : ${pluriel(file.length, 'logement')} avec candidats à inscrire`,
      detail: date
        ? `Prochaine séance le ${dateCourte(date)} : inscrivez-y les logements dont les candidats sont proposés.`
        : 'Aucune séance de CAL n’est programmée : créez-en une et inscrivez-y ces logements.',
      echeance: date,
      lien: '/cal',
      action: 'Préparer la séance',
      nombre: file.length,
    });
  }

  for (const o of offres) {
    if (o.reponse === null)
      out.push({
        cle: `offre|${o.id}`,
        type: 'offre_en_attente',
        titre: `Réponse du candidat attendue : ${c.unite(o)}`,
        detail: `Offre du ${dateCourte(o.dateOffre)} au candidat classé ${o.rang === 1 ? '1er' : `${o.rang}e`} par la CAL ; sans réponse le ${dateCourte(o.echeance)} au soir, le silence vaut refus.`,
        echeance: o.echeance,
        lien: `/cal/${encodeURIComponent(o.sessionId)}`,
        action: 'Enregistrer la réponse',
      });
    else {
      // Accepted, lease not recorded: due once the unit is free and the offer accepted.
      const des = [o.dateReponse ?? o.dateOffre, o.dateLiberation].sort().at(-1)!;
      out.push({
        cle: `bail|${o.id}`,
        type: 'bail_a_enregistrer',
        titre: `Enregistrer le bail : ${c.unite(o)}`,
        detail: `Offre acceptée le ${dateCourte(o.dateReponse ?? o.dateOffre)} ; libération le ${dateCourte(o.dateLiberation)}. Enregistrez la signature du bail.`,
        echeance: des,
        lien: `/cal/${encodeURIComponent(o.sessionId)}`,
        action: 'Enregistrer le bail',
      });
    }
  }

  // Late-correction windows still open.
  const fenetres = await tx
    .select({
      id: fenetresCorrection.id,
      departement: fenetresCorrection.departement,
      annee: fenetresCorrection.annee,
      fin: fenetresCorrection.fin,
      corrections:
        sql<number>`(select count(*) from ${correctionsAnnee} ca where ca.fenetre_id = ${fenetresCorrection.id})`.mapWith(
          Number,
        ),
    })
    .from(fenetresCorrection)
    .where(
      and(
        eq(fenetresCorrection.bailleurId, b),
        isNull(fenetresCorrection.clotureeLe),
        gte(fenetresCorrection.fin, aujourdhui),
      ),
    );
  for (const f of fenetres)
    out.push({
      cle: `correction|${f.id}`,
      type: 'correction_tardive',
      titre: `Corrections tardives de ${f.annee} (département ${f.departement}) : fenêtre ouverte`,
      detail: `${f.corrections === 0 ? 'Aucune correction enregistrée' : `${pluriel(f.corrections, 'correction enregistrée', 'corrections enregistrées')}`} ; la fenêtre se ferme le ${dateCourte(f.fin)}. Émettez ensuite une nouvelle version du bilan.`,
      echeance: f.fin,
      lien: lienBilan({ bailleurId: b, departement: f.departement, annee: f.annee }),
      action: 'Voir le bilan',
    });

  // The annual bilan: last year's (due 28 February), and in December this year's, coming.
  const annees = [c.annee - 1, ...(aujourdhui.slice(5, 7) === '12' ? [c.annee] : [])];
  const departements = await tx
    .selectDistinct({ departement: conventions.departement })
    .from(conventions)
    .where(eq(conventions.bailleurId, b));
  for (const { departement } of departements)
    for (const annee of annees) {
      const cle: CleAnnee = { bailleurId: b, departement, annee };
      if (!(await c.aDesEvenements(b, departement, annee))) continue;
      const emise = await derniereEmission(tx, cle);
      const echeance = echeanceLegale(annee);
      // The bilan of rehousing allocations of last year (R.441-5): due with the bilan, before 28 February.
      if (!emise && annee < c.annee && aujourdhui <= echeance) {
        const { resultat } = await resultatAnnee(tx, cle);
        const r = EXCLUSIONS.map((m) => resultat.relogements[m]);
        const total = (k: 'liberes' | 'bauxSignes' | 'enCours') => r.reduce((s, x) => s + x[k], 0);
        if (total('liberes') > 0)
          out.push({
            cle: `relogements|${departement}|${annee}`,
            type: 'relogements_a_transmettre',
            titre: `Transmettre le bilan des relogements ${annee} (département ${departement})`,
            detail: `${pluriel(total('liberes'), 'logement libéré', 'logements libérés')} hors du flux (mutations, relogements), ${pluriel(total('bauxSignes'), 'bail signé', 'baux signés')}, ${pluriel(total('enCours'), 'location en cours', 'locations en cours')} : à transmettre avec le bilan annuel avant le ${dateCourte(echeance)} (CCH R.441-5).`,
            echeance,
            lien: `${lienBilan(cle)}#bilan-relogements`,
            action: 'Voir le bilan des relogements',
            nombre: total('liberes'),
          });
      }
      if (!emise) {
        out.push({
          cle: `bilan|${departement}|${annee}`,
          type: 'bilan_a_emettre',
          titre: `Émettre le bilan annuel ${annee} (département ${departement})`,
          detail:
            aujourdhui < premierJourEmission(annee)
              ? `À émettre à partir du ${dateCourte(premierJourEmission(annee))}, l’année terminée, et à adresser à chaque réservataire et aux EPCI avant le ${dateCourte(echeance)} (CCH R.441-5-1).`
              : `À adresser à chaque réservataire et aux EPCI avant le ${dateCourte(echeance)} (CCH R.441-5-1).`,
          echeance,
          lien: lienBilan(cle),
          action: 'Ouvrir le bilan',
        });
        continue;
      }
      const destinataires = await destinatairesBilan(tx, b, departement);
      const envoyes = new Set(
        (
          await tx
            .select({ o: envoisBilan.organisationId })
            .from(envoisBilan)
            .where(eq(envoisBilan.emissionId, emise.id))
        ).map((e) => e.o),
      );
      const manquants = destinataires.filter((d) => !envoyes.has(d.organisationId));
      if (manquants.length)
        out.push({
          cle: `envoi|${departement}|${annee}`,
          type: 'bilan_a_envoyer',
          titre: `Envoyer le bilan annuel ${annee} (département ${departement})`,
          detail: `La version ${emise.version} n’est pas marquée envoyée à : ${manquants.map((m) => m.nom).join(', ')}.`,
          echeance,
          lien: lienBilan(cle),
          action: 'Marquer l’envoi',
          nombre: manquants.length,
        });
    }
  return out;
}

/** Offers of the bailleur's CAL awaiting an answer, or accepted with the lease not yet recorded. */
function offresDuBailleur(tx: Tx, bailleurId: string) {
  return tx
    .select({
      id: offresCal.id,
      sessionId: examensCal.sessionId,
      rang: offresCal.rang,
      dateOffre: offresCal.dateOffre,
      echeance: offresCal.echeance,
      reponse: offresCal.reponse,
      dateReponse: offresCal.dateReponse,
      dateLiberation: locations.dateLiberation,
      typologie: logements.typologie,
      commune: logements.commune,
    })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(
      and(
        eq(sessionsCal.bailleurId, bailleurId),
        or(
          and(isNull(offresCal.reponse), eq(locations.etat, 'decision_cal')),
          and(eq(offresCal.reponse, 'acceptee'), eq(locations.etat, 'decision_cal')),
        ),
      ),
    );
}

// ───────────────────────────── réservataire ─────────────────────────────

/** The lettings oriented to the organisation, alone or in a pool. */
const orienteesVers = (organisationId: string) =>
  sql`(${locations.reservataireId} = ${organisationId} or ${locations.pool} @> ${JSON.stringify([organisationId])}::jsonb)`;

async function pourReservataire(c: Contexte, acteur: Acteur): Promise<Nouveau[]> {
  const { tx } = c;
  const r = acteur.organisationId;
  const out: Nouveau[] = [];
  const attente = await enAttenteDeCandidats(tx, orienteesVers(r));
  const offres = await tx
    .select({
      id: offresCal.id,
      locationId: locations.id,
      bailleurId: locations.bailleurId,
      dateOffre: offresCal.dateOffre,
      echeance: offresCal.echeance,
      typologie: logements.typologie,
      commune: logements.commune,
    })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .innerJoin(candidatures, eq(candidatures.id, offresCal.candidatureId))
    .where(
      and(
        isNull(offresCal.reponse),
        eq(locations.etat, 'decision_cal'),
        orienteesVers(r),
        // In a pool, only the offers to this réservataire's candidates.
        or(isNull(locations.pool), eq(candidatures.reservataireId, r)),
      ),
    );
  // A CAL failure that hands the unit back to this réservataire for new candidates.
  const rendues = await tx
    .select({
      locationId: locations.id,
      bailleurId: locations.bailleurId,
      date: sessionsCal.dateSession,
      typologie: logements.typologie,
      commune: logements.commune,
    })
    .from(examensCal)
    .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .where(
      and(
        eq(examensCal.suite, 'reservataire'),
        eq(locations.etat, 'decision_cal'),
        eq(locations.reservataireId, r),
        // The letting's latest examination only.
        sql`not exists (select 1 from examens_cal e2 join sessions_cal s2 on s2.id = e2.session_id where e2.location_id = ${locations.id} and e2.id <> ${examensCal.id} and s2.date_session > ${sessionsCal.dateSession})`,
      ),
    );
  await c.chargerCommunes([...attente, ...offres, ...rendues].map((x) => x.commune));
  await c.chargerOrganisations([...attente, ...offres, ...rendues].map((x) => x.bailleurId));

  for (const x of attente) {
    const p = await c.parametresDe({ bailleurId: x.bailleurId, departement: x.departement, annee: x.annee });
    if (p.get(r)?.gestion !== 'directe') continue;
    out.push({
      cle: `proposer|${x.id}`,
      type: 'candidats_a_proposer',
      titre: `Proposer des candidats : ${c.unite(x)}`,
      detail: `Logement ${de(c.nom(x.bailleurId))} orienté vers vous le ${dateCourte(x.orienteeLe)}${x.pool ? ' (proposé à plusieurs réservataires)' : ''}. Sans proposition à l’échéance, il revient au bailleur pour un tour.`,
      echeance: x.echeance,
      lien: lienLocation(x.id),
      action: 'Proposer des candidats',
    });
  }
  for (const o of offres)
    out.push({
      cle: `offre|${o.id}`,
      type: 'offre_en_attente',
      titre: `Offre faite à votre candidat : ${c.unite(o)}`,
      detail: `La CAL ${de(c.nom(o.bailleurId))} a attribué le logement ; offre du ${dateCourte(o.dateOffre)}, réponse attendue au plus tard le ${dateCourte(o.echeance)} (le silence vaut refus).`,
      echeance: o.echeance,
      lien: lienLocation(o.locationId),
      action: 'Voir la location',
    });
  for (const x of rendues)
    out.push({
      cle: `cal|${x.locationId}`,
      type: 'resultat_cal',
      titre: `Après la CAL du ${dateCourte(x.date)} : de nouveaux candidats à proposer pour le ${c.unite(x)}`,
      detail: `La CAL ${de(c.nom(x.bailleurId))} n’a pas abouti ; le logement vous revient pour une nouvelle proposition.`,
      echeance: null,
      lien: lienLocation(x.locationId),
      action: 'Voir la location',
    });
  return out;
}

// ───────────────────────────── State pilot ─────────────────────────────

async function pourPilote(c: Contexte, acteur: Acteur): Promise<Nouveau[]> {
  const { tx, aujourdhui, annee } = c;
  const d = acteur.departement;
  if (!d) return [];
  const out: Nouveau[] = [];

  // The State's units waiting for candidates, per bailleur.
  const contingent = await tx
    .select({
      bailleurId: locations.bailleurId,
      n: count(),
      premiere: min(delaisProposition.echeance),
      retard: sql<number>`count(*) filter (where ${delaisProposition.echeance} < ${aujourdhui})`.mapWith(Number),
    })
    .from(locations)
    .innerJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .where(
      and(
        eq(locations.departement, d),
        eq(locations.etat, 'orientee'),
        isNotNull(delaisProposition.echeance),
        orienteesVers(acteur.organisationId),
      ),
    )
    .groupBy(locations.bailleurId);

  // Deadlines missed this year, per bailleur: the dashboard's two counts (src/app/tableaux.ts).
  const debut = `${annee}-01-01`;
  const fin = `${annee}-12-31`;
  const propositions = await tx
    .select({ bailleurId: locations.bailleurId, n: count(), derniere: max(delaisProposition.echeance) })
    .from(delaisProposition)
    .innerJoin(locations, eq(locations.id, delaisProposition.locationId))
    .where(
      and(
        eq(locations.departement, d),
        gte(delaisProposition.echeance, debut),
        lte(delaisProposition.echeance, fin),
        lt(delaisProposition.echeance, aujourdhui),
        inArray(locations.etat, ['orientee', 'sans_candidat']),
      ),
    )
    .groupBy(locations.bailleurId);
  const expirees = await tx
    .select({ bailleurId: locations.bailleurId, n: count(), derniere: max(offresCal.echeance) })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .where(
      and(
        eq(locations.departement, d),
        eq(offresCal.reponse, 'silence'),
        gte(offresCal.echeance, debut),
        lte(offresCal.echeance, fin),
      ),
    )
    .groupBy(locations.bailleurId);

  // Conventions of the département in stock or in conversion: to convert, or lapsed.
  const versions = await tx
    .select({
      id: conventions.id,
      bailleurId: conventions.bailleurId,
      reservataireId: conventions.reservataireId,
      version: conventionVersions.version,
      effectifLe: conventionVersions.effectifLe,
      parametres: conventionVersions.parametres,
      repriseLe: reprisesPrefet.decideLe,
      repriseReference: reprisesPrefet.reference,
    })
    .from(conventions)
    .innerJoin(conventionVersions, eq(conventionVersions.conventionId, conventions.id))
    .leftJoin(reprisesPrefet, eq(reprisesPrefet.conventionId, conventions.id))
    .where(eq(conventions.departement, d));

  const bailleurs = await tx
    .selectDistinct({ bailleurId: conventions.bailleurId })
    .from(conventions)
    .where(eq(conventions.departement, d));

  await c.chargerOrganisations([
    ...contingent.map((x) => x.bailleurId),
    ...propositions.map((x) => x.bailleurId),
    ...expirees.map((x) => x.bailleurId),
    ...versions.flatMap((v) => [v.bailleurId, v.reservataireId]),
    ...bailleurs.map((x) => x.bailleurId),
  ]);

  for (const x of contingent)
    out.push({
      cle: `contingent|${x.bailleurId}`,
      type: 'contingent_en_attente',
      titre: `${pluriel(x.n, 'logement')} du contingent de l’État chez ${c.nom(x.bailleurId)} ${x.n >= 2 ? 'attendent' : 'attend'} des candidats`,
      detail:
        x.retard > 0
          ? `Dont ${x.retard} au délai de proposition dépassé ; le plus ancien délai était le ${dateCourte(x.premiere!)}.`
          : `Le premier délai de proposition expire le ${dateCourte(x.premiere!)}.`,
      echeance: x.premiere,
      lien: '/boite',
      action: 'Ouvrir la boîte de réception',
      nombre: x.n,
    });

  const manques = new Map<string, { propositions: number; offres: number; derniere: string }>();
  for (const p of propositions)
    manques.set(p.bailleurId, { propositions: p.n, offres: 0, derniere: p.derniere ?? debut });
  for (const o of expirees) {
    const m = manques.get(o.bailleurId) ?? { propositions: 0, offres: 0, derniere: debut };
    m.offres = o.n;
    if ((o.derniere ?? debut) > m.derniere) m.derniere = o.derniere!;
    manques.set(o.bailleurId, m);
  }
  for (const [bailleurId, m] of manques) {
    const parts = [
      ...(m.propositions
        ? [`${pluriel(m.propositions, 'délai de proposition dépassé', 'délais de proposition dépassés')} sans candidat`]
        : []),
      ...(m.offres ? [`${pluriel(m.offres, 'offre restée', 'offres restées')} sans réponse`] : []),
    ];
    out.push({
      cle: `delais|${bailleurId}`,
      type: 'delais_manques',
      titre: `Délais manqués en ${annee} chez ${c.nom(bailleurId)} : ${m.propositions + m.offres}`,
      detail: `${parts.join(' et ')} ; le dernier le ${dateCourte(m.derniere)}.`,
      echeance: null,
      lien: '/tableau',
      action: 'Voir le tableau de bord',
      nombre: m.propositions + m.offres,
    });
  }

  const parConvention = new Map<string, typeof versions>();
  for (const v of versions) parConvention.set(v.id, [...(parConvention.get(v.id) ?? []), v]);
  for (const [id, vs] of parConvention) {
    const enVigueur = versionAu(vs, aujourdhui);
    if (!enVigueur) continue;
    const reprise =
      enVigueur.repriseLe !== null && enVigueur.repriseReference !== null
        ? { decideLe: enVigueur.repriseLe, reference: enVigueur.repriseReference }
        : null;
    const etat = etatForme(formeDe(enVigueur.parametres), aujourdhui, reprise);
    if (etat.statut === 'flux') continue;
    const qui = `${c.nom(enVigueur.bailleurId)} — ${c.nom(enVigueur.reservataireId)}`;
    out.push({
      cle: `convention|${id}`,
      type: etat.statut === 'caduque' ? 'convention_caduque' : 'convention_a_convertir',
      titre:
        etat.statut === 'caduque'
          ? reprise
            ? `Convention caduque, droits repris par le préfet, à signer en flux : ${qui}`
            : `Convention caduque, reprise possible par décision du préfet : ${qui}`
          : `Convention ${etat.libelle} à convertir en flux : ${qui}`,
      detail: etat.message,
      echeance: etat.echeance?.date ?? null,
      lien: `/conventions/${encodeURIComponent(id)}`,
      action: 'Ouvrir la convention',
    });
  }

  // Last year's bilans not issued (due 28 February).
  const anneeBilan = annee - 1;
  for (const { bailleurId } of bailleurs) {
    const cle: CleAnnee = { bailleurId, departement: d, annee: anneeBilan };
    if (!(await c.aDesEvenements(bailleurId, d, anneeBilan))) continue;
    if (await derniereEmission(tx, cle)) continue;
    const echeance = echeanceLegale(anneeBilan);
    out.push({
      cle: `bilan|${bailleurId}|${anneeBilan}`,
      type: 'bilan_en_retard',
      titre: `Bilan annuel ${anneeBilan} ${de(c.nom(bailleurId))} non émis`,
      detail:
        aujourdhui > echeance
          ? `L’échéance légale du ${dateCourte(echeance)} est passée (CCH R.441-5-1).`
          : `Échéance légale : ${dateCourte(echeance)} (CCH R.441-5-1).`,
      echeance,
      lien: lienBilan(cle),
      action: 'Voir le bilan',
    });
  }
  return out;
}

// ───────────────────────────── EPCI ─────────────────────────────

async function pourEpci(c: Contexte, acteur: Acteur): Promise<Nouveau[]> {
  const { tx, aujourdhui, annee } = c;
  const out: Nouveau[] = [];
  const objectifs = await lireObjectifs(tx, acteur, annee, aujourdhui);
  const finAnnee = `${annee}-12-31`;
  const objectif = (cle: string, quoi: string, s: { tendance: string; explication: string }) =>
    out.push({
      cle,
      type: 'objectif_a_risque',
      titre: `Objectif ${LIBELLES_TENDANCE[s.tendance as keyof typeof LIBELLES_TENDANCE]} : ${quoi}`,
      detail: s.explication,
      echeance: finAnnee,
      lien: '/objectifs',
      action: 'Voir les objectifs',
    });
  for (const e of objectifs.parEpci) {
    if (A_RISQUE.has(e.quartile1HorsQpv.tendance))
      objectif(`objectif|q1|${e.epci ?? ''}`, `baux hors QPV au premier quartile — ${e.nom}`, e.quartile1HorsQpv);
    if (A_RISQUE.has(e.nonQuartile1EnQpv.tendance))
      objectif(`objectif|qpv|${e.epci ?? ''}`, `baux en QPV hors premier quartile — ${e.nom}`, e.nonQuartile1EnQpv);
  }
  for (const l of objectifs.parLigne)
    if (A_RISQUE.has(l.prioritaires.tendance))
      objectif(`objectif|prioritaires|${l.ligne}`, `publics prioritaires — ${l.nom}`, l.prioritaires);

  const anneeBilan = annee - 1;
  const echeance = echeanceLegale(anneeBilan);
  for (const a of await bilansAccessibles(tx, acteur)) {
    const cle: CleAnnee = { bailleurId: a.bailleurId, departement: a.departement, annee: anneeBilan };
    if (!(await c.aDesEvenements(a.bailleurId, a.departement, anneeBilan))) continue;
    const emise = await derniereEmission(tx, cle);
    const [envoi] = emise
      ? await tx
          .select({ le: envoisBilan.envoyeLe })
          .from(envoisBilan)
          .where(and(eq(envoisBilan.emissionId, emise.id), eq(envoisBilan.organisationId, acteur.organisationId)))
      : [];
    if (emise && envoi) {
      out.push({
        cle: `bilan|${a.bailleurId}|${a.departement}|${anneeBilan}`,
        type: 'bilan_recu',
        titre: `Bilan annuel ${anneeBilan} ${de(a.bailleur)} reçu`,
        detail: `Version ${emise.version}, émise le ${dateCourte(jourParis(emise.emisLe))}, envoyée le ${dateCourte(jourParis(envoi.le))}.`,
        echeance: null,
        lien: lienBilan(cle),
        action: 'Lire le bilan',
      });
      continue;
    }
    out.push({
      cle: `bilan|${a.bailleurId}|${a.departement}|${anneeBilan}`,
      type: 'bilan_manquant',
      titre: `Bilan annuel ${anneeBilan} ${de(a.bailleur)} non reçu`,
      detail: emise
        ? `Émis le ${dateCourte(jourParis(emise.emisLe))} (version ${emise.version}) mais pas encore marqué envoyé à votre EPCI ; échéance légale le ${dateCourte(echeance)}.`
        : `Pas encore émis par le bailleur ; échéance légale le ${dateCourte(echeance)} (CCH R.441-5-1).`,
      echeance,
      lien: lienBilan(cle),
      action: 'Voir le bilan',
    });
  }
  return out;
}
