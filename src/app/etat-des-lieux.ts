/**
 * Use cases of the état des lieux of reservations (issue « Patrimoine » item 4, rules.md §7):
 * - read the live picture of a bailleur's stock in a département (`lireEtatDesLieux`);
 * - lock it as a new immutable version, the « photo de départ » (`verrouillerEtatDesLieux`),
 *   fingerprinted by the SHA-256 of its canonical content;
 * - each party — the bailleur and every réservataire holding units — signs that fingerprint
 *   (`signerEtatDesLieux`); the conversion (issue 5) starts from the latest version signed by all
 *   (`photoDeDepart`).
 *
 * Who sees what: the bailleur its own stock; the State pilot any bailleur of its département; a
 * réservataire the stock of a bailleur it holds units or a convention with, through
 * `vueReservataire` (its own group and units, the others summed); everyone else: Interdit.
 */
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  communes,
  conventions,
  epcis,
  etatsDesLieux,
  logements,
  organisations,
  signaturesEtatDesLieux,
  utilisateurs,
  zonagesCommunes,
} from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import {
  etatDesLieux,
  reservatairesDe,
  vueReservataire,
  type EtatDesLieux,
  type LogementEtat,
  type PartieSignataire,
  type Reservation,
  type VersionEtat,
} from '../domain/etat-des-lieux.ts';
import { ZONES_APL, type ZoneApl } from '../domain/plafonds-apl.ts';
import { TYPOLOGIES, type Typologie } from '../domain/types.ts';
import { canonique, journaliser } from './audit.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import type { Acteur } from './roles.ts';

export interface DemandeEtat {
  bailleur?: string | undefined;
  departement?: string | undefined;
}

export interface Perimetre {
  bailleur: { id: string; nom: string };
  departement: string;
}

/** The bailleur × département the actor asks for, if the actor may read it. */
export async function perimetreAutorise(tx: Tx, acteur: Acteur, demande: DemandeEtat): Promise<Perimetre> {
  const id = acteur.role === 'agent_bailleur' ? (demande.bailleur ?? acteur.organisationId) : demande.bailleur;
  if (!id)
    throw new DonneesInvalides([
      { chemin: 'paramètres.bailleur', message: 'indiquez le bailleur (bailleur=identifiant)' },
    ]);
  const [org] = await tx
    .select({
      id: organisations.id,
      nom: organisations.nom,
      categorie: organisations.categorie,
      departement: organisations.departement,
    })
    .from(organisations)
    .where(eq(organisations.id, id));
  if (acteur.role === 'agent_bailleur' && id !== acteur.organisationId)
    throw new Interdit('vous ne pouvez consulter que l’état des lieux de votre organisme');
  if (!org || org.categorie !== 'bailleur') throw new Introuvable(`bailleur inconnu : ${id}`);
  let departement: string | undefined;
  switch (acteur.role) {
    case 'agent_bailleur':
      departement = demande.departement ?? org.departement ?? undefined;
      break;
    case 'pilote_etat':
      if (!acteur.departement) throw new Interdit('aucun département n’est rattaché à votre organisation');
      if (demande.departement && demande.departement !== acteur.departement)
        throw new Interdit(`votre périmètre est le département ${acteur.departement}`);
      departement = acteur.departement;
      break;
    case 'agent_reservataire': {
      departement = demande.departement ?? acteur.departement ?? org.departement ?? undefined;
      if (!departement) break;
      const [lien] = await tx
        .select({ n: sql<number>`1` })
        .from(logements)
        .where(
          and(
            eq(logements.bailleurId, id),
            eq(logements.departement, departement),
            eq(logements.reservataireStockId, acteur.organisationId),
          ),
        )
        .limit(1);
      const [convention] = lien
        ? [lien]
        : await tx
            .select({ n: sql<number>`1` })
            .from(conventions)
            .where(
              and(
                eq(conventions.bailleurId, id),
                eq(conventions.departement, departement),
                eq(conventions.reservataireId, acteur.organisationId),
              ),
            )
            .limit(1);
      if (!convention)
        throw new Interdit('vous ne détenez ni réservation ni convention chez ce bailleur dans ce département');
      break;
    }
    default:
      throw new Interdit(
        'l’état des lieux des réservations est réservé au bailleur, à ses réservataires et au pilote de l’État',
      );
  }
  if (!departement)
    throw new DonneesInvalides([
      { chemin: 'paramètres.departement', message: 'indiquez le département (departement=45)' },
    ]);
  return { bailleur: { id: org.id, nom: org.nom }, departement };
}

const estTypologie = (t: string): t is Typologie => (TYPOLOGIES as readonly string[]).includes(t);
const estZone = (z: string): z is ZoneApl => (ZONES_APL as readonly string[]).includes(z);

/** The whole picture of a bailleur's stock in a département on `date` (no filtering by role). */
export async function calculerEtatDesLieux(tx: Tx, perimetre: Perimetre, date: string): Promise<EtatDesLieux> {
  const { bailleur, departement } = perimetre;
  const rows = await tx
    .select({
      id: logements.id,
      rpls: logements.rpls,
      programme: logements.programmeId,
      commune: logements.commune,
      epci: logements.epci,
      typologie: logements.typologie,
      financement: logements.financement,
      qpv: logements.qpv,
      construction: logements.construction,
      individuel: logements.individuel,
      loyer: logements.loyer,
      reservation: logements.reservationStock,
      reservataire: logements.reservataireStockId,
    })
    .from(logements)
    // Units the last RPLS import no longer lists have left the stock.
    .where(
      and(
        eq(logements.bailleurId, bailleur.id),
        eq(logements.departement, departement),
        isNull(logements.absentRplsDepuis),
      ),
    )
    .orderBy(asc(logements.id));
  const unites: LogementEtat[] = rows.map((r) => ({
    ...r,
    typologie: estTypologie(r.typologie) ? r.typologie : 'T1',
    qpv: r.qpv !== null && r.qpv !== '',
    loyer: r.loyer === null ? null : Number(r.loyer),
    reservation: r.reservation as Reservation,
  }));
  const codesCommunes = [...new Set(unites.map((u) => u.commune))];
  const codesEpci = [...new Set(unites.flatMap((u) => (u.epci ? [u.epci] : [])))];
  const idsReservataires = [...new Set(unites.flatMap((u) => (u.reservataire ? [u.reservataire] : [])))];
  const [noms, nomsEpci, nomsReservataires, zones] = await Promise.all([
    codesCommunes.length
      ? tx
          .select({ code: communes.code, nom: communes.nom })
          .from(communes)
          .where(inArray(communes.code, codesCommunes))
      : [],
    codesEpci.length
      ? tx.select({ code: epcis.siren, nom: epcis.nom }).from(epcis).where(inArray(epcis.siren, codesEpci))
      : [],
    idsReservataires.length
      ? tx
          .select({ id: organisations.id, nom: organisations.nom })
          .from(organisations)
          .where(inArray(organisations.id, idsReservataires))
      : [],
    codesCommunes.length
      ? tx
          .select({ commune: zonagesCommunes.commune, valeur: zonagesCommunes.valeur })
          .from(zonagesCommunes)
          .where(
            and(
              eq(zonagesCommunes.zonage, 'zone_apl'),
              inArray(zonagesCommunes.commune, codesCommunes),
              lte(zonagesCommunes.du, date),
              or(isNull(zonagesCommunes.au), gt(zonagesCommunes.au, date)),
            ),
          )
      : [],
  ]);
  // Typology could not be checked in SQL: a unit with an unknown typology would distort the mix.
  const invalide = rows.find((r) => !estTypologie(r.typologie));
  if (invalide)
    throw new DonneesInvalides([
      { chemin: `logements.${invalide.rpls}.typologie`, message: `typologie inconnue « ${invalide.typologie} »` },
    ]);
  const zoneParCommune = new Map(zones.filter((z) => estZone(z.valeur)).map((z) => [z.commune, z.valeur as ZoneApl]));
  return etatDesLieux({
    bailleur,
    departement,
    date,
    logements: unites,
    reservataires: new Map(nomsReservataires.map((o) => [o.id, o.nom])),
    communes: new Map(noms.map((c) => [c.code, c.nom])),
    epcis: new Map(nomsEpci.map((e) => [e.code, e.nom])),
    zoneApl: (c) => zoneParCommune.get(c) ?? null,
  });
}

/** What the actor may see of a picture (a réservataire: its own part, the others summed). */
function pourActeur(acteur: Acteur, etat: EtatDesLieux): EtatDesLieux {
  return acteur.role === 'agent_reservataire' ? vueReservataire(etat, acteur.organisationId) : etat;
}

export async function lireEtatDesLieux(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeEtat,
  date: string,
): Promise<EtatDesLieux> {
  const perimetre = await perimetreAutorise(tx, acteur, demande);
  return pourActeur(acteur, await calculerEtatDesLieux(tx, perimetre, date));
}

/** SHA-256 of the canonical JSON of a picture: what each party signs. */
export function empreinteEtat(etat: EtatDesLieux): string {
  return createHash('sha256').update(canonique(etat)).digest('hex');
}

export type { PartieSignataire, VersionEtat } from '../domain/etat-des-lieux.ts';

async function versions(tx: Tx, filtre: SQL): Promise<VersionEtat[]> {
  const lignes = await tx
    .select({
      id: etatsDesLieux.id,
      bailleurId: etatsDesLieux.bailleurId,
      departement: etatsDesLieux.departement,
      version: etatsDesLieux.version,
      verrouilleLe: etatsDesLieux.verrouilleLe,
      verrouillePar: utilisateurs.nom,
      empreinte: etatsDesLieux.empreinte,
      parties: etatsDesLieux.parties,
    })
    .from(etatsDesLieux)
    .innerJoin(utilisateurs, eq(utilisateurs.id, etatsDesLieux.verrouillePar))
    .where(filtre)
    .orderBy(desc(etatsDesLieux.version));
  if (lignes.length === 0) return [];
  const ids = lignes.map((l) => l.id);
  const signatures = await tx
    .select({
      etat: signaturesEtatDesLieux.etatDesLieuxId,
      organisation: signaturesEtatDesLieux.organisationId,
      signeLe: signaturesEtatDesLieux.signeLe,
      nom: utilisateurs.nom,
    })
    .from(signaturesEtatDesLieux)
    .innerJoin(utilisateurs, eq(utilisateurs.id, signaturesEtatDesLieux.utilisateurId))
    .where(inArray(signaturesEtatDesLieux.etatDesLieuxId, ids));
  const idsParties = [...new Set(lignes.flatMap((l) => l.parties))];
  const noms = new Map(
    (
      await tx
        .select({ id: organisations.id, nom: organisations.nom })
        .from(organisations)
        .where(inArray(organisations.id, idsParties))
    ).map((o) => [o.id, o.nom]),
  );
  return lignes.map((l) => {
    const parties = l.parties.map((p): PartieSignataire => {
      const s = signatures.find((x) => x.etat === l.id && x.organisation === p);
      return {
        organisationId: p,
        nom: noms.get(p) ?? p,
        signeLe: s ? s.signeLe.toISOString() : null,
        signataire: s?.nom ?? null,
      };
    });
    return {
      ...l,
      verrouilleLe: l.verrouilleLe.toISOString(),
      parties,
      statut: parties.every((p) => p.signeLe !== null) ? 'signe' : 'en_signature',
    };
  });
}

export async function listerVersionsEtat(tx: Tx, acteur: Acteur, demande: DemandeEtat): Promise<VersionEtat[]> {
  const p = await perimetreAutorise(tx, acteur, demande);
  return versions(tx, and(eq(etatsDesLieux.bailleurId, p.bailleur.id), eq(etatsDesLieux.departement, p.departement))!);
}

/** Locks the current picture as the next version. Only the bailleur's agents may lock. */
export async function verrouillerEtatDesLieux(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeEtat,
  date: string,
): Promise<VersionEtat> {
  if (acteur.role !== 'agent_bailleur') throw new Interdit('seul le bailleur verrouille son état des lieux');
  const perimetre = await perimetreAutorise(tx, acteur, demande);
  // One lock at a time per bailleur × département (the version number is taken under it).
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`etat-des-lieux|${perimetre.bailleur.id}|${perimetre.departement}`}))`,
  );
  const etat = await calculerEtatDesLieux(tx, perimetre, date);
  if (etat.unites.length === 0)
    throw new DonneesInvalides([
      {
        chemin: 'logements',
        message: `aucun logement du bailleur dans le département ${perimetre.departement} : rien à verrouiller`,
      },
    ]);
  const empreinte = empreinteEtat(etat);
  const [derniere] = await tx
    .select({ version: etatsDesLieux.version, empreinte: etatsDesLieux.empreinte })
    .from(etatsDesLieux)
    .where(
      and(eq(etatsDesLieux.bailleurId, perimetre.bailleur.id), eq(etatsDesLieux.departement, perimetre.departement)),
    )
    .orderBy(desc(etatsDesLieux.version))
    .limit(1);
  if (derniere?.empreinte === empreinte)
    throw new Conflit(`l’état des lieux n’a pas changé depuis la version ${derniere.version} : rien à verrouiller`);
  const version = (derniere?.version ?? 0) + 1;
  const id = `EDL-${perimetre.bailleur.id}-${perimetre.departement}-${version}`;
  const parties = [perimetre.bailleur.id, ...reservatairesDe(etat)];
  await tx.insert(etatsDesLieux).values({
    id,
    bailleurId: perimetre.bailleur.id,
    departement: perimetre.departement,
    version,
    contenu: etat,
    empreinte,
    parties,
    verrouillePar: acteur.utilisateurId,
  });
  await journaliser(tx, acteur, {
    action: 'etat_des_lieux.verrouille',
    cibleType: 'etat_des_lieux',
    cibleId: id,
    apres: { version, empreinte, parties, date, logements: etat.unites.length },
  });
  const [v] = await versions(tx, eq(etatsDesLieux.id, id));
  return v!;
}

async function versionAutorisee(
  tx: Tx,
  acteur: Acteur,
  id: string,
): Promise<{ version: VersionEtat; contenu: EtatDesLieux }> {
  const [ligne] = await tx
    .select({
      bailleurId: etatsDesLieux.bailleurId,
      departement: etatsDesLieux.departement,
      contenu: etatsDesLieux.contenu,
    })
    .from(etatsDesLieux)
    .where(eq(etatsDesLieux.id, id));
  if (!ligne) throw new Introuvable(`état des lieux inconnu : ${id}`);
  await perimetreAutorise(tx, acteur, { bailleur: ligne.bailleurId, departement: ligne.departement });
  const [version] = await versions(tx, eq(etatsDesLieux.id, id));
  return { version: version!, contenu: ligne.contenu as EtatDesLieux };
}

export async function lireVersionEtat(
  tx: Tx,
  acteur: Acteur,
  id: string,
): Promise<{ version: VersionEtat; etat: EtatDesLieux }> {
  const { version, contenu } = await versionAutorisee(tx, acteur, id);
  return { version, etat: pourActeur(acteur, contenu) };
}

/** A party signs the version it read (its fingerprint). */
export async function signerEtatDesLieux(tx: Tx, acteur: Acteur, id: string, empreinte: string): Promise<VersionEtat> {
  if (!['agent_bailleur', 'agent_reservataire', 'pilote_etat'].includes(acteur.role))
    throw new Interdit('votre rôle ne permet pas de signer un état des lieux');
  const { version } = await versionAutorisee(tx, acteur, id);
  const partie = version.parties.find((p) => p.organisationId === acteur.organisationId);
  if (!partie) throw new Interdit('votre organisation n’est pas partie à cet état des lieux');
  if (empreinte !== version.empreinte) {
    throw new Conflit(
      `l’empreinte signée (${empreinte.slice(0, 12)}…) n’est pas celle de la version ${version.version} (${version.empreinte.slice(0, 12)}…) : relisez la version avant de signer`,
    );
  }
  if (partie.signeLe)
    throw new Conflit(`${partie.nom} a déjà signé la version ${version.version} (${partie.signataire ?? ''})`);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`signature|${id}|${acteur.organisationId}`}))`);
  const inserees = await tx
    .insert(signaturesEtatDesLieux)
    .values({
      etatDesLieuxId: id,
      organisationId: acteur.organisationId,
      utilisateurId: acteur.utilisateurId,
      empreinte,
    })
    .onConflictDoNothing()
    .returning();
  if (inserees.length === 0) throw new Conflit(`${partie.nom} a déjà signé la version ${version.version}`);
  await journaliser(tx, acteur, {
    action: 'etat_des_lieux.signe',
    cibleType: 'etat_des_lieux',
    cibleId: id,
    apres: { version: version.version, empreinte },
  });
  const [v] = await versions(tx, eq(etatsDesLieux.id, id));
  return v!;
}

/** The latest version signed by every party — the conversion's starting point — or null. */
export async function photoDeDepart(
  tx: Tx,
  bailleurId: string,
  departement: string,
): Promise<{ version: VersionEtat; etat: EtatDesLieux } | null> {
  const toutes = await versions(
    tx,
    and(eq(etatsDesLieux.bailleurId, bailleurId), eq(etatsDesLieux.departement, departement))!,
  );
  const signee = toutes.find((v) => v.statut === 'signe');
  if (!signee) return null;
  const [ligne] = await tx
    .select({ contenu: etatsDesLieux.contenu })
    .from(etatsDesLieux)
    .where(eq(etatsDesLieux.id, signee.id));
  return { version: signee, etat: ligne!.contenu as EtatDesLieux };
}
