/**
 * The convention document of a draft and the parties' signatures of it (issue 14 item 2, ADR 0043).
 * The document is written from the stored terms (`documentConvention`): the draft's version and
 * clauses, each CIL's review, the latest état des lieux signed by every party and the figures of the
 * conversion. Its fingerprint is the SHA-256 of its canonical JSON, as for the état des lieux: each
 * party — an agent of the bailleur, an agent of the réservataire (the State pilot for the State) —
 * signs the fingerprint of the document it read; a fingerprint that no longer matches (the clauses
 * changed, a CIL gave its review) is refused. Every signature is audited and kept in the register.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, lte } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../db/client.ts';
import {
  conventions,
  conventionVersions,
  organisations,
  projetsConventions,
  signaturesProjetsConventions,
} from '../db/schema.ts';
import type { ProjetApi } from '../contracts/territoire.ts';
import {
  clausesParDefaut,
  documentConvention,
  type ClausesConvention,
  type DocumentConvention,
} from '../domain/convention-document.ts';
import { versConvention } from './annee.ts';
import { porteeConventions } from './portee.ts';
import type { Convention } from '../domain/types.ts';
import { canonique, journaliser } from './audit.ts';
import type { EntreeVersion } from './conventions.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { photoDeDepart } from './etat-des-lieux.ts';
import { clausesDuProjet, lireProjet, partieSignataire } from './projets-conventions.ts';
import type { Acteur } from './roles.ts';

/** SHA-256 of the canonical JSON of a document: what each party signs. */
export function empreinteDocument(d: DocumentConvention): string {
  return createHash('sha256').update(canonique(d)).digest('hex');
}

export interface DocumentProjet {
  projet: ProjetApi;
  document: DocumentConvention;
  empreinte: string;
}

/** The draft (the actor may see it), its document as it reads now, and its fingerprint. */
export async function documentProjet(tx: Tx, acteur: Acteur, id: string): Promise<DocumentProjet> {
  const projet = await lireProjet(tx, acteur, id);
  const [ligne] = await tx.select().from(projetsConventions).where(eq(projetsConventions.id, id));
  if (!ligne) throw new Introuvable('projet de convention introuvable');
  const entree = ligne.entree as EntreeVersion & Record<string, unknown>;
  const { effectifLe, motif } = entree;
  const parametres = Object.fromEntries(
    Object.entries(entree).filter(
      ([k]) => !['effectifLe', 'motif', 'versionLue', 'reservataire', 'departement'].includes(k),
    ),
  );
  let avenantDe: { version: number; taux: number; forme: string | null } | null = null;
  if (ligne.conventionId) {
    const conds = [eq(conventionVersions.conventionId, ligne.conventionId)];
    if (typeof entree.versionLue === 'number') conds.push(lte(conventionVersions.version, entree.versionLue));
    const [lue] = await tx
      .select()
      .from(conventionVersions)
      .where(and(...conds))
      .orderBy(desc(conventionVersions.version))
      .limit(1);
    if (lue) {
      const par = lue.parametres as { forme?: string };
      avenantDe = { version: lue.version, taux: Number(lue.taux), forme: par.forme ?? null };
    }
  }
  const photo = await photoDeDepart(tx, ligne.bailleurId, ligne.departement);
  const groupe = photo?.etat.groupes.find((g) => g.id === ligne.reservataireId);
  const ensemble = photo?.etat.groupes.find((g) => g.nature === 'ensemble');
  const document = documentConvention({
    bailleur: projet.bailleur.nom,
    reservataire: { nom: projet.reservataire.nom, type: projet.reservataire.type },
    departement: ligne.departement,
    avenantDe,
    parametres: parametres as unknown as Omit<Convention, 'id' | 'reservataire' | 'report'>,
    effectifLe: String(effectifLe),
    motif: typeof motif === 'string' ? motif : null,
    clauses: clausesDuProjet(ligne, projet.reservataire.type),
    avisCil: projet.avisCil.map((a) => ({ epci: a.epciNom, avis: a.avis, seanceLe: a.seanceLe, motifs: a.motifs })),
    etatDesLieux: photo
      ? {
          version: photo.version.version,
          date: photo.etat.date,
          empreinte: photo.version.empreinte,
          logements: ensemble?.logements ?? photo.etat.unites.length,
          reservesReservataire: groupe?.logements ?? 0,
          droitsUniquesReservataire: groupe?.droitsUniques ?? 0,
        }
      : null,
  });
  const empreinte = empreinteDocument(document);
  return {
    projet: {
      ...projet,
      empreinte,
      signatures: projet.signatures.map((s) => ({ ...s, aJour: s.empreinte === empreinte })),
    },
    document,
    empreinte,
  };
}

/** The draft as its page reads it: with the document's fingerprint and whether each signature matches it. */
export async function lireProjetEtDocument(tx: Tx, acteur: Acteur, id: string): Promise<ProjetApi> {
  return (await documentProjet(tx, acteur, id)).projet;
}

/**
 * A party signs the document it read: `empreinte` must be the document's as it reads now (409
 * otherwise: the clauses changed, or a CIL gave its review since). Once per party and fingerprint.
 */
export async function signerDocumentProjet(tx: Tx, acteur: Acteur, id: string, empreinte: string): Promise<ProjetApi> {
  if (!['agent_bailleur', 'agent_reservataire', 'pilote_etat'].includes(acteur.role))
    throw new Interdit('votre rôle ne permet pas de signer une convention');
  const [ligne] = await tx.select().from(projetsConventions).where(eq(projetsConventions.id, id)).for('update');
  // Outside the actor's reach: 404 like any draft it may not see (lireProjet checks the scope).
  const { projet, empreinte: actuelle } = await documentProjet(tx, acteur, id);
  if (!ligne) throw new Introuvable('projet de convention introuvable');
  const partie = partieSignataire(acteur, ligne);
  if (!partie) {
    if (ligne.etat !== 'projet')
      throw new Conflit('les parties ont déjà signé ce projet : sa version est écrite, la signature est close');
    throw new Interdit('votre organisation n’est pas partie à cette convention');
  }
  if (empreinte !== actuelle)
    throw new Conflit(
      `l’empreinte signée (${empreinte.slice(0, 12)}…) n’est pas celle du document tel qu’il se lit maintenant (${actuelle.slice(0, 12)}…) : le projet a changé depuis votre lecture ; relisez le document avant de signer`,
    );
  const organisationId = partie === 'bailleur' ? ligne.bailleurId : ligne.reservataireId;
  const deja = projet.signatures.find((s) => s.partie === partie && s.empreinte === empreinte);
  if (deja) throw new Conflit(`${deja.organisation} a déjà signé cette version du document (${deja.signataire})`);
  const inserees = await tx
    .insert(signaturesProjetsConventions)
    .values({ projetId: id, organisationId, utilisateurId: acteur.utilisateurId, empreinte })
    .onConflictDoNothing()
    .returning();
  if (!inserees.length) throw new Conflit('votre organisation a déjà signé cette version du document');
  const [org] = await tx
    .select({ nom: organisations.nom })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  await journaliser(tx, acteur, {
    action: 'convention.document_signe',
    cibleType: 'projet_convention',
    cibleId: id,
    avant: null,
    apres: { partie, organisation: org?.nom ?? organisationId, empreinte },
    motif: null,
  });
  return lireProjetEtDocument(tx, acteur, id);
}

/**
 * The document of a convention's version as written (the one in force when `version` is absent):
 * its terms, the clauses signed with it — or, for a version written without a draft, the defaults
 * a draft would have started from, said so in the document's heading — and the état des lieux.
 * Read by whoever sees the convention; nobody signs it here (the parties signed the act itself).
 */
export async function documentVersion(
  tx: Tx,
  acteur: Acteur,
  conventionId: string,
  version: number | undefined,
  aujourdhui: string,
): Promise<{
  document: DocumentConvention;
  empreinte: string;
  bailleur: string;
  reservataire: string;
  departement: string;
}> {
  const bailleurs = alias(organisations, 'bailleur');
  const reservataires = alias(organisations, 'reservataire');
  const [c] = await tx
    .select({ convention: conventions, bailleur: bailleurs, reservataire: reservataires })
    .from(conventions)
    .innerJoin(bailleurs, eq(bailleurs.id, conventions.bailleurId))
    .innerJoin(reservataires, eq(reservataires.id, conventions.reservataireId))
    .where(and(eq(conventions.id, conventionId), porteeConventions(acteur)));
  if (!c) throw new Introuvable('convention introuvable');
  const versions = await tx
    .select()
    .from(conventionVersions)
    .where(eq(conventionVersions.conventionId, conventionId))
    .orderBy(desc(conventionVersions.version));
  const v =
    version === undefined
      ? (versions.find((x) => x.effectifLe <= aujourdhui) ?? versions[versions.length - 1])
      : versions.find((x) => x.version === version);
  if (!v)
    throw new Introuvable(
      version === undefined ? 'cette convention n’a aucune version' : `version ${version} introuvable`,
    );
  const type = c.reservataire.typeReservataire ?? '';
  const parametres = versConvention({ convention: c.convention, version: v });
  const precedente = versions.find((x) => x.version === v.version - 1);
  const photo = await photoDeDepart(tx, c.convention.bailleurId, c.convention.departement);
  const groupe = photo?.etat.groupes.find((g) => g.id === c.convention.reservataireId);
  const ensemble = photo?.etat.groupes.find((g) => g.nature === 'ensemble');
  const document = documentConvention({
    bailleur: c.bailleur.nom,
    reservataire: { nom: c.reservataire.nom, type },
    departement: c.convention.departement,
    avenantDe: precedente
      ? {
          version: precedente.version,
          taux: Number(precedente.taux),
          forme: (precedente.parametres as { forme?: string }).forme ?? null,
        }
      : null,
    parametres,
    effectifLe: v.effectifLe,
    motif: null,
    clauses:
      (v.clauses as ClausesConvention | null) ??
      clausesParDefaut(type, v.effectifLe, v.contrepartieReference ?? undefined),
    avisCil: [],
    etatDesLieux: photo
      ? {
          version: photo.version.version,
          date: photo.etat.date,
          empreinte: photo.version.empreinte,
          logements: ensemble?.logements ?? photo.etat.unites.length,
          reservesReservataire: groupe?.logements ?? 0,
          droitsUniquesReservataire: groupe?.droitsUniques ?? 0,
        }
      : null,
  });
  if (!v.clauses)
    document.entete.push(
      `Version ${v.version} enregistrée sans projet : les clauses ci-dessous sont celles que Flux propose par défaut, à vérifier contre l’acte signé.`,
    );
  return {
    document,
    empreinte: empreinteDocument(document),
    bailleur: c.bailleur.nom,
    reservataire: c.reservataire.nom,
    departement: c.convention.departement,
  };
}
