/**
 * Use cases of conventions kept as versions (avenants): the register of the conventions an actor may
 * see, one convention with its history and its ledger line of the year, a new convention, a new
 * version. A written version is never changed: an avenant is a new row numbered max + 1 under a
 * lock per bailleur × département, checked with the domain's legal rules on the set of conventions
 * in force at its effective date (and at every later date another convention changes), and
 * audited in the same transaction.
 *
 * The convention's form (stock, conversion, flux) is `parametres.forme` (absent = flux). A stock
 * convention not converted by the deadline (`dateLimiteConversion`, 24 Nov 2023) is caduque: the
 * préfet may take its rights back — a decision the State pilot records (`enregistrerReprisePrefet`),
 * after which its share of the flow is the préfet's, on top of the State's own line (ADR 0032).
 *
 * Each version records its contrepartie (CCH R.441-5) in its own columns; the collectivities' 20 %
 * of guarantees is a warning answered beside the written convention, never a refusal.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import {
  conventions,
  conventionVersions,
  evenementsAudit,
  logements,
  organisations,
  reprisesPrefet,
  utilisateurs,
} from '../db/schema.ts';
import {
  LIBELLES_FORME,
  type ConventionDetailApi,
  type ConventionResumeApi,
  type AvertissementApi,
  type ParametresVersion,
  type RegistreConventionsApi,
  type RepriseApi,
  type VersionConventionApi,
} from '../contracts/conventions.ts';
import type { LigneBilan, ResultatSimulation } from '../domain/engine.ts';
import { chiffresLigne } from '../domain/bilan.ts';
import { ajouterJours, dateCourte } from '../domain/calendrier.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { parametreEnVigueur } from '../domain/legal-parameters.ts';
import type { Convention, FormeConvention, Reservataire, Scenario, TypeReservataire } from '../domain/types.ts';
import { avertirConventions, validerConventions } from '../domain/validation.ts';
import { resultatAnnee } from './annee.ts';
import { journaliser } from './audit.ts';
import { colonnesContrepartie, contrepartieApi, contrepartieDe, nommerAvertissements } from './contreparties.ts';
import { Conflit, Introuvable } from './errors.ts';
import { reconcilierAnneesDepuis } from './locations.ts';
import { porteeConventions } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

/** The year of the ledger shown, and today's date (Europe/Paris) for the version in force and the deadline. */
export interface Quand {
  annee: number;
  aujourdhui: string;
}

type LigneConvention = typeof conventions.$inferSelect;
type LigneVersion = typeof conventionVersions.$inferSelect;
type LigneOrganisation = typeof organisations.$inferSelect;

/** Serialises writes on one bailleur's conventions in one département (Σ taux is checked across them). */
const VERROU_CONVENTIONS = 7_201_203;

const pct = (x: number) => `${(x * 100).toLocaleString('fr-FR', { maximumFractionDigits: 4 })} %`;
const unites = (x: number) => x.toLocaleString('fr-FR', { maximumFractionDigits: 1 });

// ───────────────────────────── form and conversion deadline (pure) ─────────────────────────────

/** The conversion deadline in force on a date, with its source; null before the loi ELAN. */
export function echeanceConversion(date: string): { date: string; source: string } | null {
  const p = parametreEnVigueur('dateLimiteConversion', date);
  return p ? { date: p.valeur, source: p.source } : null;
}

export function formeDe(parametres: unknown): FormeConvention {
  const f = (parametres as { forme?: unknown } | null)?.forme;
  return f === 'stock' || f === 'conversion' ? f : 'flux';
}

export interface EtatForme {
  forme: FormeConvention;
  libelle: string;
  echeance: { date: string; source: string } | null;
  statut: 'flux' | 'a_convertir' | 'caduque';
  message: string;
}

/**
 * A convention's form on a date: in flow; still to convert before the deadline; or, past it,
 * caduque — the préfet may take its rights back (loi ELAN art. 114 IV, loi 3DS, décret 2020-145
 * art. 3); once its decision is recorded (`reprise`), they are the préfet's.
 */
export function etatForme(
  forme: FormeConvention,
  aujourdhui: string,
  reprise?: { decideLe: string; reference: string } | null,
): EtatForme {
  const echeance = echeanceConversion(aujourdhui);
  const libelle = LIBELLES_FORME[forme];
  if (forme === 'flux')
    return {
      forme,
      libelle,
      echeance,
      statut: 'flux',
      message: 'Convention en flux : un pourcentage du flux annuel de logements libérés.',
    };
  const quoi =
    forme === 'stock' ? 'Convention en stock (logements identifiés)' : 'Convention en cours de conversion en flux';
  if (echeance && aujourdhui > echeance.date) {
    return {
      forme,
      libelle,
      echeance,
      statut: 'caduque',
      message: reprise
        ? `${quoi} non convertie au ${dateCourte(echeance.date)} : caduque — ${repriseEnClair(reprise)}. Sa part du flux relève du contingent de l’État jusqu’à la signature d’une convention en flux.`
        : `${quoi} non convertie au ${dateCourte(echeance.date)} : caduque — reprise possible par décision du préfet. Tant qu’elle n’est pas prise, la convention reste au bilan ; le pilote de l’État enregistre la décision du préfet quand elle est prise.`,
    };
  }
  return {
    forme,
    libelle,
    echeance,
    statut: 'a_convertir',
    message: echeance
      ? `${quoi} : à convertir en flux au plus tard le ${dateCourte(echeance.date)} ; à défaut, ses droits seront repris par le préfet.`
      : `${quoi}.`,
  };
}

/** « droits repris par le préfet le 15/01/2024 (arrêté n° 2024-12) ». */
export function repriseEnClair(r: { decideLe: string; reference: string }): string {
  return `droits repris par le préfet le ${dateCourte(r.decideLe)} (${r.reference})`;
}

/** The version in force on a date: the highest-numbered one effective on or before it. */
export function versionAu<V extends { version: number; effectifLe: string }>(
  versions: readonly V[],
  date: string,
): V | null {
  let retenue: V | null = null;
  for (const v of versions) if (v.effectifLe <= date && (!retenue || v.version > retenue.version)) retenue = v;
  return retenue;
}

// ───────────────────────────── reading ─────────────────────────────

function vueVersion(
  v: LigneVersion,
  enVigueur: boolean,
  audit?: { auteur: string | null; motif: string | null },
): VersionConventionApi {
  return {
    id: v.id,
    version: v.version,
    effectifLe: v.effectifLe,
    taux: Number(v.taux),
    tauxAgents: v.tauxAgents === null ? null : Number(v.tauxAgents),
    forme: formeDe(v.parametres),
    parametres: { forme: 'flux', ...(v.parametres as Record<string, unknown>) },
    contrepartie: contrepartieApi(v),
    creeLe: v.creeLe.toISOString(),
    auteur: audit?.auteur ?? null,
    motif: audit?.motif ?? null,
    enVigueur,
  };
}

function vueLigne(annee: number, b: LigneBilan, report: number) {
  return {
    annee,
    report,
    ...chiffresLigne(b),
    reportAnneeSuivante: b.reportAnneeSuivante,
    enCours: b.enCours,
  };
}

interface Annee {
  resultat: ResultatSimulation;
  scenario: Scenario;
}

/**
 * What a caduque convention's rights do to the State's line this year, once the préfet takes them
 * back: its taux and droit added to the State's (shown only to those who may see the State's
 * convention). Before the préfet's decision (`reprise` null) the same figures say what the reprise
 * would do; the ledger keeps the convention's own line either way.
 */
function caducite(
  etat: EtatForme,
  c: LigneConvention,
  reservataire: LigneOrganisation,
  taux: number,
  annee: Annee | null,
  an: number,
  etatVisible: (id: string) => boolean,
  reprise: RepriseApi | null,
  piloteEtat: boolean,
): ConventionResumeApi['forme']['caducite'] {
  if (etat.statut !== 'caduque' || !etat.echeance) return null;
  const ligne = annee?.resultat.bilan.find((b) => b.reservataire === c.reservataireId) ?? null;
  const droitRepris = ligne ? ligne.droit : null;
  // Caduque from the day after the deadline (the deadline day itself was still in time).
  const depuis = ajouterJours(etat.echeance.date, 1);
  if (reservataire.typeReservataire === 'etat') {
    return {
      depuis,
      source: etat.echeance.source,
      tauxRepris: 0,
      droitRepris: null,
      etat: null,
      reprise: null,
      repriseEnregistrable: false,
      message: 'Convention de l’État : le préfet exerce déjà ces droits ; elle doit être signée en flux.',
    };
  }
  const convEtat =
    annee?.scenario.conventions.find(
      (x) => annee.scenario.reservataires.find((r) => r.id === x.reservataire)?.type === 'etat',
    ) ?? null;
  const ligneEtat = convEtat
    ? (annee?.resultat.bilan.find((b) => b.reservataire === convEtat.reservataire) ?? null)
    : null;
  const etatVu =
    convEtat && etatVisible(convEtat.id)
      ? {
          conventionId: convEtat.id,
          tauxAvant: convEtat.taux,
          tauxApres: convEtat.taux + taux,
          droitAvant: ligneEtat ? ligneEtat.droit : null,
          droitApres: ligneEtat && droitRepris !== null ? ligneEtat.droit + droitRepris : null,
        }
      : null;
  const droit =
    droitRepris !== null ? ` (droit ${an} : ${unites(droitRepris)} logement${droitRepris >= 2 ? 's' : ''})` : '';
  const chiffresEtat =
    etatVu && etatVu.droitAvant !== null && etatVu.droitApres !== null
      ? ` (droit ${an} : ${unites(etatVu.droitAvant)} → ${unites(etatVu.droitApres)} logements)`
      : '';
  const tete = `Caduque depuis le ${dateCourte(depuis)} (échéance de conversion : ${dateCourte(etat.echeance.date)})`;
  const message = reprise
    ? `${tete} — ${repriseEnClair(reprise)} : ses ${pct(taux)} du flux${droit} relèvent du contingent de l’État${
        etatVu ? `, qui passe de ${pct(etatVu.tauxAvant)} à ${pct(etatVu.tauxApres)} du flux${chiffresEtat}` : ''
      }, jusqu’à la signature d’une convention en flux.`
    : `${tete} — reprise possible par décision du préfet : s’il la prend, ses ${pct(taux)} du flux${droit} relèveront du contingent de l’État${
        etatVu ? `, qui passerait de ${pct(etatVu.tauxAvant)} à ${pct(etatVu.tauxApres)} du flux${chiffresEtat}` : ''
      }, jusqu’à la signature d’une convention en flux.`;
  return {
    depuis,
    source: etat.echeance.source,
    tauxRepris: taux,
    droitRepris,
    etat: etatVu,
    reprise,
    repriseEnregistrable: piloteEtat && reprise === null,
    message,
  };
}

const bailleurs = alias(organisations, 'bailleur');
const reservataires = alias(organisations, 'reservataire');

async function versionsDe(tx: Tx, ids: readonly string[]): Promise<Map<string, LigneVersion[]>> {
  const parConvention = new Map<string, LigneVersion[]>();
  for (let i = 0; i < ids.length; i += 5000) {
    const lot = await tx
      .select()
      .from(conventionVersions)
      .where(inArray(conventionVersions.conventionId, ids.slice(i, i + 5000)))
      .orderBy(asc(conventionVersions.conventionId), asc(conventionVersions.version));
    for (const v of lot) {
      const l = parConvention.get(v.conventionId);
      if (l) l.push(v);
      else parConvention.set(v.conventionId, [v]);
    }
  }
  return parConvention;
}

/** The préfet's reprise decisions recorded on these conventions, with who recorded them. */
async function reprisesDe(tx: Tx, ids: readonly string[]): Promise<Map<string, RepriseApi>> {
  const out = new Map<string, RepriseApi>();
  for (let i = 0; i < ids.length; i += 5000) {
    const lot = await tx
      .select({ r: reprisesPrefet, auteur: utilisateurs.nom })
      .from(reprisesPrefet)
      .leftJoin(utilisateurs, eq(utilisateurs.id, reprisesPrefet.enregistrePar))
      .where(inArray(reprisesPrefet.conventionId, ids.slice(i, i + 5000)));
    for (const { r, auteur } of lot)
      out.set(r.conventionId, {
        decideLe: r.decideLe,
        reference: r.reference,
        commentaire: r.commentaire,
        enregistreLe: r.enregistreLe.toISOString(),
        auteur: auteur ?? (r.enregistrePar === null ? 'ligne de commande' : null),
      });
  }
  return out;
}

/** Resolves a bailleur named by its Flux id or SIREN. */
async function bailleurNomme(tx: Tx, bailleur: string): Promise<string> {
  const [o] = await tx
    .select({ id: organisations.id })
    .from(organisations)
    .where(
      and(
        eq(organisations.categorie, 'bailleur'),
        sql`(${organisations.id} = ${bailleur} or ${organisations.siren} = ${bailleur})`,
      ),
    );
  if (!o)
    throw new DonneesInvalides([
      { chemin: 'bailleur', message: `bailleur « ${bailleur} » inconnu (identifiant Flux ou SIREN)` },
    ]);
  return o.id;
}

/**
 * The conventions `acteur` may see (all of them for the command line, `acteur` null), each with its
 * version in force today, its form and its ledger line of `quand.annee`.
 */
export async function listerConventions(
  tx: Tx,
  acteur: Acteur | null,
  filtre: { bailleur?: string | undefined },
  quand: Quand,
): Promise<Omit<RegistreConventionsApi, 'total' | 'page' | 'parPage'>> {
  const conds = [acteur ? porteeConventions(acteur) : sql`true`];
  if (filtre.bailleur) conds.push(eq(conventions.bailleurId, await bailleurNomme(tx, filtre.bailleur)));
  const lignes = await tx
    .select({ convention: conventions, bailleur: bailleurs, reservataire: reservataires })
    .from(conventions)
    .innerJoin(bailleurs, eq(bailleurs.id, conventions.bailleurId))
    .innerJoin(reservataires, eq(reservataires.id, conventions.reservataireId))
    .where(and(...conds))
    .orderBy(asc(conventions.bailleurId), asc(conventions.departement), asc(conventions.id));
  const versions = await versionsDe(
    tx,
    lignes.map((l) => l.convention.id),
  );
  const reprises = await reprisesDe(
    tx,
    lignes.map((l) => l.convention.id),
  );
  const visibles = new Set(lignes.map((l) => l.convention.id));
  const annees = new Map<string, Annee>();
  const out: ConventionResumeApi[] = [];
  for (const l of lignes) {
    const cle = `${l.convention.bailleurId}|${l.convention.departement}`;
    let annee = annees.get(cle);
    if (!annee) {
      annee = await resultatAnnee(tx, {
        bailleurId: l.convention.bailleurId,
        departement: l.convention.departement,
        annee: quand.annee,
      });
      annees.set(cle, annee);
    }
    out.push(
      resume(l, versions.get(l.convention.id) ?? [], annee, quand, (id) => acteur === null || visibles.has(id), {
        reprise: reprises.get(l.convention.id) ?? null,
        piloteEtat: acteur?.role === 'pilote_etat',
      }),
    );
  }
  return { annee: quand.annee, aujourdhui: quand.aujourdhui, conventions: out };
}

function resume(
  l: { convention: LigneConvention; bailleur: LigneOrganisation; reservataire: LigneOrganisation },
  versions: readonly LigneVersion[],
  annee: Annee,
  quand: Quand,
  etatVisible: (id: string) => boolean,
  prefet: { reprise: RepriseApi | null; piloteEtat: boolean },
  audit?: Map<string, { auteur: string | null; motif: string | null }>,
): ConventionResumeApi {
  const enVigueur = versionAu(versions, quand.aujourdhui);
  // Before its first version takes effect, a convention is shown with that version.
  const reference = enVigueur ?? versions[0] ?? null;
  const forme = etatForme(formeDe(reference?.parametres), quand.aujourdhui, prefet.reprise);
  const ligne = annee.resultat.bilan.find(
    (b) =>
      b.reservataire === l.convention.reservataireId &&
      annee.scenario.conventions.some((c) => c.id === l.convention.id),
  );
  return {
    id: l.convention.id,
    bailleur: { id: l.bailleur.id, nom: l.bailleur.nom },
    reservataire: { id: l.reservataire.id, nom: l.reservataire.nom, type: l.reservataire.typeReservataire ?? '' },
    departement: l.convention.departement,
    versionEnVigueur: enVigueur ? vueVersion(enVigueur, true, audit?.get(enVigueur.id)) : null,
    versions: versions.length,
    forme: {
      ...forme,
      caducite: caducite(
        forme,
        l.convention,
        l.reservataire,
        reference ? Number(reference.taux) : 0,
        annee,
        quand.annee,
        etatVisible,
        prefet.reprise,
        prefet.piloteEtat,
      ),
    },
    // The report in effect: the previous year's carry-over once its bilan is issued (ADR 0019), else the convention's.
    ligne: ligne
      ? vueLigne(quand.annee, ligne, annee.scenario.conventions.find((c) => c.id === l.convention.id)?.report ?? 0)
      : null,
  };
}

/** One convention the actor may see, with every version (author and reason from the audit trail) and its ledger line. */
export async function lireConvention(
  tx: Tx,
  acteur: Acteur | null,
  id: string,
  quand: Quand,
): Promise<ConventionDetailApi> {
  const [l] = await tx
    .select({ convention: conventions, bailleur: bailleurs, reservataire: reservataires })
    .from(conventions)
    .innerJoin(bailleurs, eq(bailleurs.id, conventions.bailleurId))
    .innerJoin(reservataires, eq(reservataires.id, conventions.reservataireId))
    .where(and(eq(conventions.id, id), acteur ? porteeConventions(acteur) : sql`true`));
  if (!l) throw new Introuvable(`convention « ${id} » introuvable`);
  const versions = (await versionsDe(tx, [id])).get(id) ?? [];
  const journal = await tx
    .select({
      apres: evenementsAudit.apres,
      motif: evenementsAudit.motif,
      utilisateurId: evenementsAudit.utilisateurId,
      auteur: utilisateurs.nom,
    })
    .from(evenementsAudit)
    .leftJoin(utilisateurs, eq(utilisateurs.id, evenementsAudit.utilisateurId))
    .where(and(eq(evenementsAudit.cibleType, 'convention'), eq(evenementsAudit.cibleId, id)))
    .orderBy(asc(evenementsAudit.seq));
  const audit = new Map<string, { auteur: string | null; motif: string | null }>();
  for (const e of journal) {
    const versionId = (e.apres as { id?: unknown } | null)?.id;
    if (typeof versionId === 'string')
      audit.set(versionId, {
        auteur: e.auteur ?? (e.utilisateurId === null ? 'ligne de commande' : null),
        motif: e.motif,
      });
  }
  const annee = await resultatAnnee(tx, {
    bailleurId: l.convention.bailleurId,
    departement: l.convention.departement,
    annee: quand.annee,
  });
  const visibles = acteur
    ? new Set(
        (
          await tx
            .select({ id: conventions.id })
            .from(conventions)
            .where(
              and(
                eq(conventions.bailleurId, l.convention.bailleurId),
                eq(conventions.departement, l.convention.departement),
                porteeConventions(acteur),
              ),
            )
        ).map((r) => r.id),
      )
    : null;
  const reprise = (await reprisesDe(tx, [id])).get(id) ?? null;
  const base = resume(
    l,
    versions,
    annee,
    quand,
    (x) => visibles === null || visibles.has(x),
    {
      reprise,
      piloteEtat: acteur?.role === 'pilote_etat',
    },
    audit,
  );
  const enVigueur = base.versionEnVigueur?.id;
  // Today's warnings on this convention: its version in force among the others in force today.
  const vEnVigueur = versionAu(versions, quand.aujourdhui);
  const avertissements = vEnVigueur
    ? (
        await controlerJeu(
          tx,
          {
            bailleurId: l.convention.bailleurId,
            departement: l.convention.departement,
            reservataire: l.reservataire,
            remplace: id,
          },
          versConvention(id, l.convention.reservataireId, vEnVigueur),
          quand.aujourdhui,
          { dateSeule: true },
        )
      ).avertissements
    : [];
  return {
    ...base,
    annee: quand.annee,
    aujourdhui: quand.aujourdhui,
    historique: [...versions].reverse().map((v) => vueVersion(v, v.id === enVigueur, audit.get(v.id))),
    modifiable: acteur?.role === 'agent_bailleur' && acteur.organisationId === l.convention.bailleurId,
    avertissements,
  };
}

// ───────────────────────────── writing ─────────────────────────────

/** A version's parameters as entered (the contract's output), with the date it takes effect. */
export type EntreeVersion = ParametresVersion & { effectifLe: string; motif?: string | undefined };

/** Fields of a request that are not the version's parameters. */
const HORS_PARAMETRES = new Set([
  'taux',
  'tauxAgents',
  'effectifLe',
  'motif',
  'versionLue',
  'reservataire',
  'departement',
  'contrepartie',
]);

/** The parameters stored in `convention_versions.parametres` (the taux apart, in their own columns); the form always written. */
function parametresStockes(e: EntreeVersion): Record<string, unknown> {
  const parametres = Object.fromEntries(
    Object.entries(e).filter(([k, v]) => !HORS_PARAMETRES.has(k) && v !== undefined),
  );
  return { ...parametres, forme: e.forme ?? 'flux' };
}

function versConvention(
  id: string,
  reservataire: string,
  v: {
    taux: string | number;
    tauxAgents?: string | number | null | undefined;
    parametres: unknown;
    contrepartieGarantie?: string | null | undefined;
    contrepartieFinancement?: string | null | undefined;
    contrepartieTerrain?: string | null | undefined;
    contrepartieAutre?: string | null | undefined;
    contrepartieReference?: string | null | undefined;
  },
): Convention {
  const contrepartie = contrepartieDe(v);
  return {
    ...(v.parametres as Omit<Convention, 'id' | 'reservataire' | 'taux' | 'tauxAgents'>),
    id,
    reservataire,
    taux: Number(v.taux),
    ...(v.tauxAgents !== null && v.tauxAgents !== undefined ? { tauxAgents: Number(v.tauxAgents) } : {}),
    ...(contrepartie ? { contrepartie } : {}),
  };
}

function versReservataire(o: LigneOrganisation): Reservataire {
  return {
    id: o.id,
    type: (o.typeReservataire ?? 'employeur') as TypeReservataire,
    nom: o.nom,
    ...(o.commune ? { commune: o.commune } : {}),
    ...(o.epci ? { epci: o.epci } : {}),
  };
}

async function verrouiller(tx: Tx, bailleurId: string, departement: string): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${VERROU_CONVENTIONS}, hashtext(${`${bailleurId}|${departement}`}))`,
  );
}

interface Cible {
  bailleurId: string;
  departement: string;
  reservataire: LigneOrganisation;
  remplace: string | null;
}

/**
 * The legal rules on the bailleur's conventions in force on the new version's date, with it in
 * place of (or beside) the convention's — and again at each later date another convention's
 * version takes effect (`dateSeule`: on that date only). Problems on the written convention are
 * named by the request's field (`taux`, `derogation`…); those on another convention by
 * `conventions.<id>.<champ>`. Warnings (the collectivities' 20 % of guarantees, CCH R.441-5): those
 * of the written convention only, put last so that each place it overshoots names it, worded for a
 * person (`nommerAvertissements`).
 */
async function controlerJeu(
  tx: Tx,
  cible: Cible,
  nouvelle: Convention,
  effectifLe: string,
  options: { dateSeule?: boolean } = {},
): Promise<{ problemes: Probleme[]; avertissements: AvertissementApi[] }> {
  const autres = (
    await tx
      .select({ convention: conventions, reservataire: organisations })
      .from(conventions)
      .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
      .where(and(eq(conventions.bailleurId, cible.bailleurId), eq(conventions.departement, cible.departement)))
      .orderBy(asc(conventions.id))
  ).filter((a) => a.convention.id !== cible.remplace);
  const versions = await versionsDe(
    tx,
    autres.map((a) => a.convention.id),
  );
  const lieux = await tx
    .selectDistinct({ commune: logements.commune, epci: logements.epci })
    .from(logements)
    .where(and(eq(logements.bailleurId, cible.bailleurId), eq(logements.departement, cible.departement)));
  const places = lieux.map((p) => ({ commune: p.commune, ...(p.epci ? { epci: p.epci } : {}) }));
  const dates = new Set([effectifLe]);
  if (!options.dateSeule)
    for (const vs of versions.values()) for (const v of vs) if (v.effectifLe > effectifLe) dates.add(v.effectifLe);
  const problemes: Probleme[] = [];
  const avertissements: Probleme[] = [];
  const vus = new Set<string>();
  for (const date of [...dates].sort()) {
    const enVigueur: { convention: Convention; reservataire: Reservataire }[] = [];
    for (const a of autres) {
      const v = versionAu(versions.get(a.convention.id) ?? [], date);
      if (v)
        enVigueur.push({
          convention: versConvention(a.convention.id, a.convention.reservataireId, v),
          reservataire: versReservataire(a.reservataire),
        });
    }
    enVigueur.push({ convention: nouvelle, reservataire: versReservataire(cible.reservataire) });
    const dernier = enVigueur.length - 1;
    const jeu = {
      annee: Number(date.slice(0, 4)),
      departement: cible.departement,
      logements: places,
      reservataires: enVigueur.map((e) => e.reservataire),
      conventions: enVigueur.map((e) => e.convention),
    };
    const trouves = validerConventions(jeu);
    for (const a of avertirConventions(jeu)) {
      const m = /^conventions\[(\d+)\](?:\.(.*))?$/.exec(a.chemin);
      if (!m || Number(m[1]) !== dernier) continue;
      const chemin = m[2] ?? 'taux';
      const message =
        date === effectifLe ? a.message : `${a.message} (au ${dateCourte(date)}, date d’effet d’un autre avenant)`;
      const cle = `a|${chemin}|${a.message}`;
      if (vus.has(cle)) continue;
      vus.add(cle);
      avertissements.push({ chemin, message });
    }
    for (const p of trouves) {
      const m = /^conventions\[(\d+)\](?:\.(.*))?$/.exec(p.chemin);
      const i = m ? Number(m[1]) : -1;
      const champ = m?.[2] ?? '';
      const chemin =
        i === dernier
          ? champ || 'convention'
          : i >= 0
            ? `conventions.${enVigueur[i]!.convention.id}${champ ? `.${champ}` : ''}`
            : p.chemin;
      // The domain names other conventions by their index in the set: name them by their id.
      const texte = p.message.replace(/conventions\[(\d+)\]/g, (_t, k: string) =>
        Number(k) === dernier ? 'cette convention' : `la convention ${enVigueur[Number(k)]?.convention.id ?? k}`,
      );
      const message =
        date === effectifLe ? texte : `${texte} (au ${dateCourte(date)}, date d’effet d’un autre avenant)`;
      const cle = `${chemin}|${p.message}`;
      if (vus.has(cle)) continue;
      vus.add(cle);
      problemes.push({ chemin, message });
    }
  }
  return { problemes, avertissements: await nommerAvertissements(tx, avertissements, cible.reservataire.nom) };
}

/** `controlerJeu`, refusing the write on any problem (422); the warnings are answered beside the write. */
async function verifierJeu(
  tx: Tx,
  cible: Cible,
  nouvelle: Convention,
  effectifLe: string,
): Promise<AvertissementApi[]> {
  const { problemes, avertissements } = await controlerJeu(tx, cible, nouvelle, effectifLe);
  if (problemes.length) throw new DonneesInvalides(problemes);
  return avertissements;
}

/**
 * The legal checks of a draft (issue 14 item 3): the version it proposes among the bailleur's
 * conventions in force at its date, exactly as `creerConvention` / `ajouterAvenant` will check it
 * when the parties sign. Problems refuse the draft (422); the warnings are answered beside it.
 */
export async function verifierProjetVersion(
  tx: Tx,
  cible: { bailleurId: string; departement: string; reservataireId: string; conventionId: string | null },
  entree: EntreeVersion,
): Promise<AvertissementApi[]> {
  const [reservataire] = await tx.select().from(organisations).where(eq(organisations.id, cible.reservataireId));
  if (!reservataire) throw new Introuvable(`réservataire « ${cible.reservataireId} » introuvable`);
  const id = cible.conventionId ?? `${cible.bailleurId}-CV-${cible.departement}-${reservataire.id} (projet)`;
  return verifierJeu(
    tx,
    {
      bailleurId: cible.bailleurId,
      departement: cible.departement,
      reservataire,
      remplace: cible.conventionId,
    },
    versConvention(id, reservataire.id, ecrireVersion(id, 1, entree)),
    entree.effectifLe,
  );
}

function ecrireVersion(
  conventionId: string,
  version: number,
  e: EntreeVersion,
): typeof conventionVersions.$inferInsert {
  return {
    id: `${conventionId}-V${version}`,
    conventionId,
    version,
    effectifLe: e.effectifLe,
    taux: e.taux.toFixed(6),
    tauxAgents: e.tauxAgents !== undefined ? e.tauxAgents.toFixed(6) : null,
    parametres: parametresStockes(e),
    ...colonnesContrepartie(e.contrepartie),
  };
}

function resumeAudit(v: typeof conventionVersions.$inferInsert | LigneVersion) {
  return {
    id: v.id,
    version: v.version,
    effectifLe: v.effectifLe,
    taux: Number(v.taux),
    tauxAgents: v.tauxAgents === null || v.tauxAgents === undefined ? null : Number(v.tauxAgents),
    parametres: v.parametres,
    contrepartie: contrepartieApi(v),
  };
}

function violeUnicite(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/**
 * A new version (avenant) of a convention, by its bailleur's agent (or the command line, `acteur`
 * null). `versionLue` is the version the author read: another one written since → `Conflit` (409).
 */
export async function ajouterAvenant(
  tx: Tx,
  acteur: Acteur | null,
  conventionId: string,
  entree: EntreeVersion & { versionLue?: number | undefined },
  quand: Quand,
): Promise<ConventionDetailApi> {
  if (acteur) exiger(acteur, ['agent_bailleur'], 'ajouter un avenant');
  const [c] = await tx
    .select({ convention: conventions, reservataire: organisations })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(
      and(eq(conventions.id, conventionId), acteur ? eq(conventions.bailleurId, acteur.organisationId) : sql`true`),
    );
  if (!c) throw new Introuvable(`convention « ${conventionId} » introuvable`);
  await verrouiller(tx, c.convention.bailleurId, c.convention.departement);
  const [derniere] = await tx
    .select()
    .from(conventionVersions)
    .where(eq(conventionVersions.conventionId, conventionId))
    .orderBy(desc(conventionVersions.version))
    .limit(1);
  const max = derniere?.version ?? 0;
  if (entree.versionLue !== undefined && entree.versionLue !== max) {
    throw new Conflit(
      `la convention a changé depuis votre lecture : la version ${max} a été enregistrée (vous partiez de la version ${entree.versionLue}) ; rechargez la page puis recommencez`,
    );
  }
  if (derniere && entree.effectifLe < derniere.effectifLe) {
    throw new DonneesInvalides([
      {
        chemin: 'effectifLe',
        message: `un avenant prend effet au plus tôt à la date de la version précédente (version ${derniere.version}, effective le ${dateCourte(derniere.effectifLe)})`,
      },
    ]);
  }
  const ligne = ecrireVersion(conventionId, max + 1, entree);
  const avertissements = await verifierJeu(
    tx,
    {
      bailleurId: c.convention.bailleurId,
      departement: c.convention.departement,
      reservataire: c.reservataire,
      remplace: conventionId,
    },
    versConvention(conventionId, c.convention.reservataireId, ligne),
    entree.effectifLe,
  );
  try {
    await tx.insert(conventionVersions).values(ligne);
  } catch (err) {
    if (violeUnicite(err))
      throw new Conflit(
        'un autre avenant vient d’être enregistré sur cette convention ; rechargez la page puis recommencez',
      );
    throw err;
  }
  await journaliser(tx, acteur, {
    action: 'convention.avenant',
    cibleType: 'convention',
    cibleId: conventionId,
    avant: derniere ? resumeAudit(derniere) : null,
    apres: resumeAudit(ligne),
    motif: entree.motif ?? null,
  });
  // The years it applies to are replayed with it: provisional orientations follow, decided ones stay (ADR 0018).
  await reconcilierAnneesDepuis(
    tx,
    c.convention.bailleurId,
    c.convention.departement,
    Number(entree.effectifLe.slice(0, 4)),
  );
  return { ...(await lireConvention(tx, acteur, conventionId, quand)), avertissements };
}

/** A new convention of the acting bailleur with a réservataire in a département, and its first version. */
export async function creerConvention(
  tx: Tx,
  acteur: Acteur,
  entree: EntreeVersion & { reservataire: string; departement: string },
  quand: Quand,
): Promise<ConventionDetailApi> {
  exiger(acteur, ['agent_bailleur'], 'créer une convention');
  const bailleurId = acteur.organisationId;
  const [reservataire] = await tx.select().from(organisations).where(eq(organisations.id, entree.reservataire));
  if (!reservataire || !reservataire.typeReservataire || reservataire.id === bailleurId) {
    throw new DonneesInvalides([
      { chemin: 'reservataire', message: `« ${entree.reservataire} » n’est pas un réservataire connu de Flux` },
    ]);
  }
  await verrouiller(tx, bailleurId, entree.departement);
  const id = `${bailleurId}-CV-${entree.departement}-${reservataire.id}`;
  const ligne = ecrireVersion(id, 1, entree);
  // Checked beside the conventions already signed: the domain refuses a second one for the same
  // réservataire in force on that date (CCH R.441-5 I); one that starts later is refused below.
  const [existante] = await tx
    .select({ id: conventions.id })
    .from(conventions)
    .where(
      and(
        eq(conventions.bailleurId, bailleurId),
        eq(conventions.reservataireId, reservataire.id),
        eq(conventions.departement, entree.departement),
      ),
    );
  const avertissements = await verifierJeu(
    tx,
    { bailleurId, departement: entree.departement, reservataire, remplace: null },
    versConvention(`${id} (nouvelle)`, reservataire.id, ligne),
    entree.effectifLe,
  );
  if (existante) {
    throw new DonneesInvalides([
      {
        chemin: 'reservataire',
        message: `une seule convention par bailleur, réservataire et département (CCH R.441-5 I) : « ${reservataire.id} » en a déjà une dans le département ${entree.departement} (${existante.id}) ; ajoutez-lui un avenant`,
      },
    ]);
  }
  try {
    await tx
      .insert(conventions)
      .values({ id, bailleurId, reservataireId: reservataire.id, departement: entree.departement });
    await tx.insert(conventionVersions).values(ligne);
  } catch (err) {
    if (violeUnicite(err))
      throw new Conflit('cette convention vient d’être créée par quelqu’un d’autre ; rechargez la page');
    throw err;
  }
  await journaliser(tx, acteur, {
    action: 'convention.creer',
    cibleType: 'convention',
    cibleId: id,
    avant: null,
    apres: resumeAudit(ligne),
    motif: entree.motif ?? null,
  });
  await reconcilierAnneesDepuis(tx, bailleurId, entree.departement, Number(entree.effectifLe.slice(0, 4)));
  return { ...(await lireConvention(tx, acteur, id, quand)), avertissements };
}

/**
 * The préfet's decision taking back a caduque convention's rights (loi ELAN art. 114 IV, loi 3DS;
 * ADR 0032), recorded by the State pilot of the convention's département: once, never changed,
 * audited in the same transaction. Refused on a convention that is not caduque today, on the
 * State's own convention, on a decision dated before the convention fell due or after today.
 */
export async function enregistrerReprisePrefet(
  tx: Tx,
  acteur: Acteur,
  conventionId: string,
  entree: { decideLe: string; reference: string; commentaire?: string | undefined },
  quand: Quand,
): Promise<ConventionDetailApi> {
  exiger(acteur, ['pilote_etat'], 'enregistrer la décision de reprise du préfet');
  const [c] = await tx
    .select({ convention: conventions, reservataire: organisations })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(and(eq(conventions.id, conventionId), porteeConventions(acteur)));
  if (!c) throw new Introuvable(`convention « ${conventionId} » introuvable`);
  await verrouiller(tx, c.convention.bailleurId, c.convention.departement);
  const versions = (await versionsDe(tx, [conventionId])).get(conventionId) ?? [];
  const reference = versionAu(versions, quand.aujourdhui) ?? versions[0] ?? null;
  const forme = etatForme(formeDe(reference?.parametres), quand.aujourdhui);
  if (forme.statut !== 'caduque' || !forme.echeance)
    throw new Conflit(
      `la convention avec ${c.reservataire.nom} n’est pas caduque (${forme.libelle}) : il n’y a pas de droits à reprendre`,
    );
  if (c.reservataire.typeReservataire === 'etat')
    throw new Conflit('c’est la convention de l’État : le préfet exerce déjà ces droits, il n’y a rien à reprendre');
  const [deja] = await tx.select().from(reprisesPrefet).where(eq(reprisesPrefet.conventionId, conventionId));
  if (deja)
    throw new Conflit(
      `la décision du préfet est déjà enregistrée : ${repriseEnClair(deja)} ; elle ne se modifie pas (rechargez la page)`,
    );
  const depuis = ajouterJours(forme.echeance.date, 1);
  const problemes: Probleme[] = [];
  if (entree.decideLe < depuis)
    problemes.push({
      chemin: 'decideLe',
      message: `la convention n’est caduque que depuis le ${dateCourte(depuis)} (échéance de conversion du ${dateCourte(forme.echeance.date)}) : la décision du préfet ne peut la précéder`,
    });
  if (entree.decideLe > quand.aujourdhui)
    problemes.push({
      chemin: 'decideLe',
      message: `une décision est enregistrée une fois prise : au plus tard aujourd’hui (${dateCourte(quand.aujourdhui)})`,
    });
  if (problemes.length) throw new DonneesInvalides(problemes);
  const ligne = {
    conventionId,
    decideLe: entree.decideLe,
    reference: entree.reference.trim(),
    commentaire: entree.commentaire?.trim() || null,
    enregistrePar: acteur.utilisateurId,
  };
  try {
    await tx.insert(reprisesPrefet).values(ligne);
  } catch (err) {
    if (violeUnicite(err))
      throw new Conflit('la décision du préfet vient d’être enregistrée par quelqu’un d’autre ; rechargez la page');
    throw err;
  }
  await journaliser(tx, acteur, {
    action: 'convention.reprise_prefet',
    cibleType: 'convention',
    cibleId: conventionId,
    avant: null,
    apres: { decideLe: ligne.decideLe, reference: ligne.reference, commentaire: ligne.commentaire },
    motif: ligne.commentaire,
  });
  return lireConvention(tx, acteur, conventionId, quand);
}
