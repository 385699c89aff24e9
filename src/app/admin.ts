/**
 * Administration use cases: organisations and accounts. `acteur` is the signed-in administrator,
 * or null for the command line (`flux organisations|comptes`: an operator with access to the
 * server and its database), audited with no person and the motif « ligne de commande ».
 */
import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { adhesions, organisations, sessions, utilisateurs } from '../db/schema.ts';
import type { nouvelleOrganisationSchema, nouvelUtilisateurSchema } from '../contracts/api.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { journaliser } from './audit.ts';
import { Conflit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';

/** Who administers: a signed-in administrator, or null for the command line. */
export type ActeurAdmin = Acteur | null;

/** The command line's audit motif (its events have no person). */
export const MOTIF_LIGNE_DE_COMMANDE = 'ligne de commande (flux)';

function autoriser(acteur: ActeurAdmin, action: string): void {
  if (acteur) exiger(acteur, ['administrateur'], action);
}

const ROLES_PAR_CATEGORIE: Record<string, readonly string[]> = {
  bailleur: ['agent_bailleur'],
  reservataire: ['agent_reservataire'],
  etat: ['pilote_etat', 'agent_reservataire'],
  epci: ['lecteur_epci', 'agent_reservataire'],
  administration: ['administrateur'],
};

export async function listerOrganisations(tx: Tx, acteur: ActeurAdmin) {
  autoriser(acteur, 'lister les organisations');
  const rows = await tx.select().from(organisations).orderBy(asc(organisations.nom));
  return rows.map((o) => ({
    id: o.id,
    nom: o.nom,
    categorie: o.categorie,
    siren: o.siren,
    typeReservataire: o.typeReservataire,
    departement: o.departement,
  }));
}

export async function creerOrganisation(tx: Tx, acteur: ActeurAdmin, o: z.infer<typeof nouvelleOrganisationSchema>) {
  autoriser(acteur, 'créer une organisation');
  if (o.categorie === 'bailleur' && !o.siren)
    throw new DonneesInvalides([{ chemin: 'siren', message: 'un bailleur est identifié par son SIREN' }]);
  if ((o.categorie === 'reservataire' || o.categorie === 'etat' || o.categorie === 'epci') && !o.typeReservataire) {
    throw new DonneesInvalides([{ chemin: 'typeReservataire', message: 'précisez le type de réservataire' }]);
  }
  const [existe] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, o.id));
  if (existe) throw new Conflit(`l’organisation « ${o.id} » existe déjà`);
  if (o.siren) {
    const [meme] = await tx
      .select({ nom: organisations.nom })
      .from(organisations)
      .where(and(eq(organisations.siren, o.siren), eq(organisations.categorie, o.categorie)));
    if (meme) throw new Conflit(`le SIREN ${o.siren} est déjà celui de l’organisation « ${meme.nom} »`);
  }
  const ligne = {
    id: o.id,
    nom: o.nom,
    categorie: o.categorie,
    siren: o.siren ?? null,
    typeReservataire: o.typeReservataire ?? null,
    departement: o.departement ?? null,
  };
  await tx.insert(organisations).values(ligne);
  await journaliser(tx, acteur, {
    action: 'organisation.creer',
    cibleType: 'organisation',
    cibleId: o.id,
    avant: null,
    apres: ligne,
    motif: acteur ? null : MOTIF_LIGNE_DE_COMMANDE,
  });
  return ligne;
}

export async function listerUtilisateurs(tx: Tx, acteur: ActeurAdmin) {
  autoriser(acteur, 'lister les comptes');
  const rows = await tx.select().from(utilisateurs).orderBy(asc(utilisateurs.email));
  const ads = await tx.select().from(adhesions);
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    nom: u.nom,
    actif: u.actif,
    adhesions: ads
      .filter((a) => a.utilisateurId === u.id)
      .map((a) => ({ organisationId: a.organisationId, role: a.role })),
  }));
}

export async function creerUtilisateur(tx: Tx, acteur: ActeurAdmin, u: z.infer<typeof nouvelUtilisateurSchema>) {
  autoriser(acteur, 'créer un compte');
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, u.organisationId));
  if (!org)
    throw new DonneesInvalides([
      { chemin: 'organisationId', message: `organisation « ${u.organisationId} » inconnue` },
    ]);
  if (!(ROLES_PAR_CATEGORIE[org.categorie] ?? []).includes(u.role)) {
    throw new DonneesInvalides([
      {
        chemin: 'role',
        message: `le rôle « ${u.role} » ne convient pas à une organisation de catégorie « ${org.categorie} »`,
      },
    ]);
  }
  const email = u.email.trim().toLowerCase();
  const [existe] = await tx.select({ id: utilisateurs.id }).from(utilisateurs).where(eq(utilisateurs.email, email));
  if (existe) throw new Conflit(`un compte existe déjà pour ${email}`);
  const id = randomUUID();
  await tx.insert(utilisateurs).values({ id, email, nom: u.nom, motDePasse: await hash(u.motDePasse) });
  await tx.insert(adhesions).values({ utilisateurId: id, organisationId: u.organisationId, role: u.role });
  const apres = { id, email, nom: u.nom, actif: true, adhesions: [{ organisationId: u.organisationId, role: u.role }] };
  await journaliser(tx, acteur, {
    action: 'utilisateur.creer',
    cibleType: 'utilisateur',
    cibleId: id,
    avant: null,
    apres,
    motif: acteur ? null : MOTIF_LIGNE_DE_COMMANDE,
  });
  return apres;
}

/**
 * Deactivates an account: it can no longer sign in, and its open sessions end now. The account
 * and its history stay (the audit trail names it). Deactivating an inactive account is an error.
 */
export async function desactiverUtilisateur(tx: Tx, acteur: ActeurAdmin, emailBrut: string) {
  autoriser(acteur, 'désactiver un compte');
  const email = emailBrut.trim().toLowerCase();
  const [u] = await tx.select().from(utilisateurs).where(eq(utilisateurs.email, email));
  if (!u) throw new Introuvable(`aucun compte pour ${email}`);
  if (!u.actif) throw new Conflit(`le compte de ${email} est déjà désactivé`);
  if (acteur && acteur.utilisateurId === u.id)
    throw new DonneesInvalides([{ chemin: 'email', message: 'vous ne pouvez pas désactiver votre propre compte' }]);
  await tx.update(utilisateurs).set({ actif: false }).where(eq(utilisateurs.id, u.id));
  const fermees = await tx.delete(sessions).where(eq(sessions.utilisateurId, u.id)).returning({ id: sessions.id });
  await journaliser(tx, acteur, {
    action: 'utilisateur.desactiver',
    cibleType: 'utilisateur',
    cibleId: u.id,
    avant: { email, actif: true },
    apres: { email, actif: false, sessionsFermees: fermees.length },
    motif: acteur ? null : MOTIF_LIGNE_DE_COMMANDE,
  });
  return { id: u.id, email, actif: false, sessionsFermees: fermees.length };
}
