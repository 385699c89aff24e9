/**
 * Drafts of conventions and the CIL's review (issue 14 item 3, ADR 0040). The bailleur writes a
 * draft — a new convention or an avenant — checked like the version it proposes, but nothing is in
 * force yet. The draft is presented to the CIL (conférence intercommunale du logement, CCH
 * L.441-1-5) of each EPCI whose territory it covers; the EPCI records its CIL's review (session
 * date, avis favorable or réservé with its reasons) once, before the parties sign. When they have
 * signed, the bailleur records it: the version is written by `creerConvention` / `ajouterAvenant`,
 * with the same checks, and the draft keeps the trace. Every write is audited in its transaction.
 *
 * Who sees a draft: its bailleur, its réservataire, the State pilot of its département, the EPCIs
 * it covers.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import {
  avisCil,
  communes,
  conventions,
  conventionVersions,
  epcis,
  logements,
  organisations,
  projetsConventions,
  signaturesProjetsConventions,
  utilisateurs,
} from '../db/schema.ts';
import type { AvertissementApi } from '../contracts/conventions.ts';
import {
  LIBELLES_AVIS_CIL,
  type AvisCil,
  type AvisCilApi,
  type ClausesApi,
  type EtatProjet,
  type ProjetApi,
  type SignatureDocumentApi,
} from '../contracts/territoire.ts';
import { clausesParDefaut, problemesClauses, type ClausesConvention } from '../domain/convention-document.ts';
import { dateCourte } from '../domain/calendrier.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { epcisCouverts } from '../domain/territoire.ts';
import type { Perimetre } from '../domain/types.ts';
import { journaliser } from './audit.ts';
import {
  ajouterAvenant,
  creerConvention,
  verifierProjetVersion,
  type EntreeVersion,
  type Quand,
} from './conventions.ts';
import { Conflit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';

type LigneProjet = typeof projetsConventions.$inferSelect;
type EntreeProjet = EntreeVersion & { reservataire?: string; departement?: string; versionLue?: number };

/** The draft's clauses: as stored, else Flux's defaults for its réservataire and date of effect. */
export function clausesDuProjet(p: LigneProjet, typeReservataire: string): ClausesConvention {
  if (p.clauses) return p.clauses as ClausesConvention;
  const entree = p.entree as EntreeProjet;
  return clausesParDefaut(typeReservataire, String(entree.effectifLe), entree.contrepartie?.reference);
}

function verifierClauses(c: ClausesConvention): void {
  const problemes = problemesClauses(c);
  if (problemes.length) throw new DonneesInvalides(problemes);
}

const bailleurs = alias(organisations, 'bailleur');
const reservataires = alias(organisations, 'reservataire');

/** Drafts the actor may see (deny by default). */
export function porteeProjets(a: Acteur): SQL {
  switch (a.role) {
    case 'agent_bailleur':
      return eq(projetsConventions.bailleurId, a.organisationId);
    case 'agent_reservataire':
      return eq(projetsConventions.reservataireId, a.organisationId);
    case 'pilote_etat':
      return a.departement ? eq(projetsConventions.departement, a.departement) : sql`false`;
    case 'lecteur_epci':
      return a.epci
        ? sql`(${projetsConventions.epcis} @> ${JSON.stringify([a.epci])}::jsonb or ${projetsConventions.reservataireId} = ${a.organisationId})`
        : sql`false`;
    default:
      return sql`false`;
  }
}

/** The EPCIs whose territory holds units of the bailleur that the périmètre covers. */
async function epcisDuPerimetre(
  tx: Tx,
  bailleurId: string,
  departement: string,
  perimetre: Perimetre,
): Promise<string[]> {
  const places = await tx
    .selectDistinct({
      commune: logements.commune,
      epci: sql<string | null>`coalesce(${logements.epci}, ${communes.epci})`,
    })
    .from(logements)
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(and(eq(logements.bailleurId, bailleurId), eq(logements.departement, departement)));
  return epcisCouverts(perimetre, places);
}

function statutProjet(etat: EtatProjet, signeLe: string | null, avis: readonly AvisCilApi[]): string {
  if (etat === 'signe') return `signé le ${signeLe ? dateCourte(signeLe) : '—'}`;
  if (etat === 'abandonne') return 'abandonné';
  const attendus = avis.filter((a) => a.avis === null).length;
  if (attendus > 0)
    return attendus === avis.length
      ? 'en attente de l’avis de la CIL'
      : `en attente de l’avis de ${attendus} CIL sur ${avis.length}`;
  return 'en attente de signature';
}

/** The drafts matching `filtre` that the actor may see, most recent first. */
export async function lireProjets(
  tx: Tx,
  acteur: Acteur,
  filtre: { id?: string; departement?: string; epci?: string; etat?: EtatProjet } = {},
): Promise<ProjetApi[]> {
  const conds: SQL[] = [porteeProjets(acteur)];
  if (filtre.id) conds.push(eq(projetsConventions.id, filtre.id));
  if (filtre.departement) conds.push(eq(projetsConventions.departement, filtre.departement));
  if (filtre.epci) conds.push(sql`${projetsConventions.epcis} @> ${JSON.stringify([filtre.epci])}::jsonb`);
  if (filtre.etat) conds.push(eq(projetsConventions.etat, filtre.etat));
  const lignes = await tx
    .select({ p: projetsConventions, bailleur: bailleurs, reservataire: reservataires, auteur: utilisateurs.nom })
    .from(projetsConventions)
    .innerJoin(bailleurs, eq(bailleurs.id, projetsConventions.bailleurId))
    .innerJoin(reservataires, eq(reservataires.id, projetsConventions.reservataireId))
    .leftJoin(utilisateurs, eq(utilisateurs.id, projetsConventions.creePar))
    .where(and(...conds))
    .orderBy(desc(projetsConventions.creeLe), asc(projetsConventions.id));
  if (!lignes.length) return [];
  const ids = lignes.map((l) => l.p.id);
  const avis = await tx
    .select({ a: avisCil, auteur: utilisateurs.nom })
    .from(avisCil)
    .leftJoin(utilisateurs, eq(utilisateurs.id, avisCil.enregistrePar))
    .where(inArray(avisCil.projetId, ids));
  const signees = await tx
    .select({ s: signaturesProjetsConventions, signataire: utilisateurs.nom })
    .from(signaturesProjetsConventions)
    .innerJoin(utilisateurs, eq(utilisateurs.id, signaturesProjetsConventions.utilisateurId))
    .where(inArray(signaturesProjetsConventions.projetId, ids))
    .orderBy(asc(signaturesProjetsConventions.signeLe));
  const sirens = [...new Set(lignes.flatMap((l) => l.p.epcis as string[]))];
  const noms = new Map(
    sirens.length
      ? (await tx.select().from(epcis).where(inArray(epcis.siren, sirens))).map((e) => [e.siren, e.nom])
      : [],
  );
  return lignes.map(({ p, bailleur, reservataire, auteur }) => {
    const entree = p.entree as EntreeVersion & Record<string, unknown>;
    const vus = (p.epcis as string[]).map((siren): AvisCilApi => {
      const a = avis.find((x) => x.a.projetId === p.id && x.a.epci === siren);
      return {
        epci: siren,
        epciNom: noms.get(siren) ?? `EPCI ${siren}`,
        seanceLe: a?.a.seanceLe ?? null,
        avis: (a?.a.avis as AvisCil | undefined) ?? null,
        motifs: a?.a.motifs ?? null,
        enregistreLe: a ? a.a.enregistreLe.toISOString() : null,
        auteur: a ? (a.auteur ?? null) : null,
        enregistrable: !a && p.etat === 'projet' && acteur.role === 'lecteur_epci' && acteur.epci === siren,
      };
    });
    vus.sort((x, y) => x.epciNom.localeCompare(y.epciNom, 'fr'));
    const { taux, effectifLe, motif } = entree;
    const parametres = Object.fromEntries(
      Object.entries(entree).filter(
        ([k]) => !['taux', 'effectifLe', 'motif', 'versionLue', 'reservataire', 'departement'].includes(k),
      ),
    );
    return {
      id: p.id,
      bailleur: { id: bailleur.id, nom: bailleur.nom },
      reservataire: { id: reservataire.id, nom: reservataire.nom, type: reservataire.typeReservataire ?? '' },
      departement: p.departement,
      conventionId: p.conventionId,
      etat: p.etat as EtatProjet,
      version: p.version,
      taux: Number(taux),
      effectifLe: String(effectifLe),
      motif: typeof motif === 'string' ? motif : null,
      parametres: { forme: 'flux', ...parametres, taux: Number(taux) },
      creeLe: p.creeLe.toISOString(),
      auteur: auteur ?? null,
      signeLe: p.signeLe,
      versionId: p.versionId,
      avisCil: vus,
      statut: statutProjet(p.etat as EtatProjet, p.signeLe, vus),
      signable: p.etat === 'projet' && acteur.role === 'agent_bailleur' && acteur.organisationId === p.bailleurId,
      avertissements: [],
      clauses: clausesDuProjet(p, reservataire.typeReservataire ?? ''),
      clausesModifiables:
        p.etat === 'projet' && acteur.role === 'agent_bailleur' && acteur.organisationId === p.bailleurId,
      empreinte: null,
      signatures: signees
        .filter((x) => x.s.projetId === p.id)
        .map((x): SignatureDocumentApi => ({
          partie: x.s.organisationId === p.bailleurId ? 'bailleur' : 'reservataire',
          organisation: x.s.organisationId === p.bailleurId ? bailleur.nom : reservataire.nom,
          signataire: x.signataire,
          signeLe: x.s.signeLe.toISOString(),
          empreinte: x.s.empreinte,
          aJour: null,
        })),
      signataire: partieSignataire(acteur, p),
    };
  });
}

/** As which party the actor may sign a draft's document: an agent of the bailleur or of the réservataire. */
export function partieSignataire(acteur: Acteur, p: LigneProjet): 'bailleur' | 'reservataire' | null {
  if (p.etat !== 'projet') return null;
  if (acteur.role === 'agent_bailleur' && acteur.organisationId === p.bailleurId) return 'bailleur';
  if (['agent_reservataire', 'pilote_etat'].includes(acteur.role) && acteur.organisationId === p.reservataireId)
    return 'reservataire';
  return null;
}

export async function lireProjet(tx: Tx, acteur: Acteur, id: string): Promise<ProjetApi> {
  const [p] = await lireProjets(tx, acteur, { id });
  if (!p) throw new Introuvable('projet de convention introuvable');
  return p;
}

/**
 * A draft of a new convention (`conventionId` null: `entree.reservataire`, `entree.departement`) or
 * of an avenant to one of the acting bailleur's conventions (`entree.versionLue`: the version it
 * starts from). Checked as the version will be at signature; nothing comes into force.
 */
export async function creerProjet(
  tx: Tx,
  acteur: Acteur,
  conventionId: string | null,
  corps: EntreeProjet & { clauses?: ClausesApi | undefined },
): Promise<ProjetApi> {
  exiger(acteur, ['agent_bailleur'], 'préparer un projet de convention');
  const { clauses: clausesEntrees, ...entree } = corps;
  let reservataireId: string;
  let typeReservataire: string;
  let departement: string;
  if (conventionId) {
    const [c] = await tx
      .select()
      .from(conventions)
      .where(and(eq(conventions.id, conventionId), eq(conventions.bailleurId, acteur.organisationId)));
    if (!c) throw new Introuvable(`convention « ${conventionId} » introuvable`);
    const [derniere] = await tx
      .select({ version: conventionVersions.version })
      .from(conventionVersions)
      .where(eq(conventionVersions.conventionId, conventionId))
      .orderBy(desc(conventionVersions.version))
      .limit(1);
    if (entree.versionLue !== undefined && entree.versionLue !== (derniere?.version ?? 0))
      throw new Conflit(
        `la convention a changé depuis votre lecture (version ${derniere?.version ?? 0}) ; rechargez la page puis recommencez`,
      );
    reservataireId = c.reservataireId;
    departement = c.departement;
    const [r] = await tx
      .select({ type: organisations.typeReservataire })
      .from(organisations)
      .where(eq(organisations.id, c.reservataireId));
    typeReservataire = r?.type ?? '';
  } else {
    const [r] = await tx
      .select()
      .from(organisations)
      .where(eq(organisations.id, entree.reservataire ?? ''));
    if (!r || !r.typeReservataire || r.id === acteur.organisationId)
      throw new DonneesInvalides([
        { chemin: 'reservataire', message: `« ${entree.reservataire ?? ''} » n’est pas un réservataire connu de Flux` },
      ]);
    departement = entree.departement ?? '';
    const [existante] = await tx
      .select({ id: conventions.id })
      .from(conventions)
      .where(
        and(
          eq(conventions.bailleurId, acteur.organisationId),
          eq(conventions.reservataireId, r.id),
          eq(conventions.departement, departement),
        ),
      );
    if (existante)
      throw new DonneesInvalides([
        {
          chemin: 'reservataire',
          message: `une seule convention par bailleur, réservataire et département (CCH R.441-5 I) : ${r.nom} en a déjà une ; préparez un projet d’avenant`,
        },
      ]);
    reservataireId = r.id;
    typeReservataire = r.typeReservataire;
  }
  const clauses: ClausesConvention =
    clausesEntrees ?? clausesParDefaut(typeReservataire, entree.effectifLe, entree.contrepartie?.reference);
  verifierClauses(clauses);
  const avertissements: AvertissementApi[] = await verifierProjetVersion(
    tx,
    { bailleurId: acteur.organisationId, departement, reservataireId, conventionId },
    entree,
  );
  const couverts = await epcisDuPerimetre(tx, acteur.organisationId, departement, entree.perimetre);
  const id = randomUUID();
  await tx.insert(projetsConventions).values({
    id,
    bailleurId: acteur.organisationId,
    reservataireId,
    departement,
    conventionId,
    epcis: couverts,
    entree,
    clauses,
    creePar: acteur.utilisateurId,
  });
  await journaliser(tx, acteur, {
    action: 'convention.projet',
    cibleType: 'projet_convention',
    cibleId: id,
    avant: null,
    apres: { conventionId, reservataireId, departement, epcis: couverts, entree, clauses },
    motif: entree.motif ?? null,
  });
  return { ...(await lireProjet(tx, acteur, id)), avertissements };
}

/** Loads a draft the actor may see, for a write. */
async function projetPourEcriture(tx: Tx, acteur: Acteur, id: string): Promise<LigneProjet> {
  const [p] = await tx
    .select()
    .from(projetsConventions)
    .where(and(eq(projetsConventions.id, id), porteeProjets(acteur)))
    .for('update');
  if (!p) throw new Introuvable('projet de convention introuvable');
  return p;
}

/**
 * The CIL's review of a draft, recorded by the EPCI the draft covers (CCH L.441-1-5): once per EPCI,
 * before the parties sign, never changed; a session date no later than today; an avis réservé says
 * its reasons (the contract checks it).
 */
export async function enregistrerAvisCil(
  tx: Tx,
  acteur: Acteur,
  id: string,
  entree: { seanceLe: string; avis: AvisCil; motifs?: string | undefined },
  quand: Quand,
): Promise<ProjetApi> {
  exiger(acteur, ['lecteur_epci'], 'enregistrer l’avis de la CIL');
  const p = await projetPourEcriture(tx, acteur, id);
  if (!acteur.epci || !(p.epcis as string[]).includes(acteur.epci))
    throw new Introuvable('projet de convention introuvable');
  if (p.etat !== 'projet')
    throw new Conflit(
      p.etat === 'signe'
        ? 'les parties ont déjà signé : l’avis de la CIL se recueille avant la signature'
        : 'ce projet a été abandonné',
    );
  if (entree.seanceLe > quand.aujourdhui)
    throw new DonneesInvalides([
      {
        chemin: 'seanceLe',
        message: `un avis s’enregistre une fois rendu : séance au plus tard aujourd’hui (${dateCourte(quand.aujourdhui)})`,
      },
    ]);
  const [deja] = await tx
    .select()
    .from(avisCil)
    .where(and(eq(avisCil.projetId, id), eq(avisCil.epci, acteur.epci)));
  if (deja)
    throw new Conflit(
      `l’avis de la CIL est déjà enregistré (${LIBELLES_AVIS_CIL[deja.avis as AvisCil]}, séance du ${dateCourte(deja.seanceLe)}) ; il ne se modifie pas`,
    );
  const ligne = {
    projetId: id,
    epci: acteur.epci,
    seanceLe: entree.seanceLe,
    avis: entree.avis,
    motifs: entree.motifs?.trim() || null,
    enregistrePar: acteur.utilisateurId,
  };
  await tx.insert(avisCil).values(ligne);
  await journaliser(tx, acteur, {
    action: 'convention.avis_cil',
    cibleType: 'projet_convention',
    cibleId: id,
    avant: null,
    apres: { epci: ligne.epci, seanceLe: ligne.seanceLe, avis: ligne.avis, motifs: ligne.motifs },
    motif: ligne.motifs,
  });
  return lireProjet(tx, acteur, id);
}

/**
 * The parties signed the draft: its version is written (new convention or avenant, with the same
 * legal checks), the draft is « signé » and points to it. `version` is the draft's version the
 * bailleur read (409 otherwise, or if the convention changed since the draft was written).
 */
export async function signerProjet(
  tx: Tx,
  acteur: Acteur,
  id: string,
  corps: { version: number },
  quand: Quand,
): Promise<ProjetApi> {
  exiger(acteur, ['agent_bailleur'], 'enregistrer la signature d’une convention');
  const p = await projetPourEcriture(tx, acteur, id);
  if (p.etat !== 'projet' || p.version !== corps.version)
    throw new Conflit('ce projet a changé depuis votre lecture ; rechargez la page');
  const entree = p.entree as EntreeProjet;
  const ecrite = p.conventionId
    ? await ajouterAvenant(tx, acteur, p.conventionId, { ...entree, motif: entree.motif ?? 'projet signé' }, quand)
    : await creerConvention(
        tx,
        acteur,
        { ...entree, reservataire: p.reservataireId, departement: p.departement },
        quand,
      );
  const versionId = ecrite.historique[0]!.id;
  const [r] = await tx
    .select({ type: organisations.typeReservataire })
    .from(organisations)
    .where(eq(organisations.id, p.reservataireId));
  await tx
    .update(conventionVersions)
    .set({ clauses: clausesDuProjet(p, r?.type ?? '') })
    .where(eq(conventionVersions.id, versionId));
  const maj = await tx
    .update(projetsConventions)
    .set({ etat: 'signe', signeLe: quand.aujourdhui, versionId, version: p.version + 1 })
    .where(and(eq(projetsConventions.id, id), eq(projetsConventions.version, p.version)))
    .returning({ id: projetsConventions.id });
  if (!maj.length) throw new Conflit('ce projet a changé depuis votre lecture ; rechargez la page');
  await journaliser(tx, acteur, {
    action: 'convention.projet_signe',
    cibleType: 'projet_convention',
    cibleId: id,
    avant: { etat: p.etat },
    apres: { etat: 'signe', signeLe: quand.aujourdhui, conventionId: ecrite.id, versionId },
    motif: null,
  });
  return { ...(await lireProjet(tx, acteur, id)), avertissements: ecrite.avertissements };
}

/**
 * The bailleur changes a draft's clauses (the draft's version it read; 409 otherwise). The document
 * changes with them: a signature given before is kept in the register but no longer matches.
 */
export async function modifierClauses(
  tx: Tx,
  acteur: Acteur,
  id: string,
  corps: { version: number; clauses: ClausesApi },
): Promise<ProjetApi> {
  exiger(acteur, ['agent_bailleur'], 'modifier les clauses d’un projet de convention');
  const p = await projetPourEcriture(tx, acteur, id);
  if (p.bailleurId !== acteur.organisationId) throw new Introuvable('projet de convention introuvable');
  if (p.etat !== 'projet') throw new Conflit('les parties ont signé : les clauses se modifient par un nouvel avenant');
  if (p.version !== corps.version) throw new Conflit('ce projet a changé depuis votre lecture ; rechargez la page');
  verifierClauses(corps.clauses);
  const [r] = await tx
    .select({ type: organisations.typeReservataire })
    .from(organisations)
    .where(eq(organisations.id, p.reservataireId));
  const avant = clausesDuProjet(p, r?.type ?? '');
  const maj = await tx
    .update(projetsConventions)
    .set({ clauses: corps.clauses, version: p.version + 1 })
    .where(and(eq(projetsConventions.id, id), eq(projetsConventions.version, p.version)))
    .returning({ id: projetsConventions.id });
  if (!maj.length) throw new Conflit('ce projet a changé depuis votre lecture ; rechargez la page');
  await journaliser(tx, acteur, {
    action: 'convention.projet_clauses',
    cibleType: 'projet_convention',
    cibleId: id,
    avant,
    apres: corps.clauses,
    motif: null,
  });
  return lireProjet(tx, acteur, id);
}
