/**
 * Import of a bailleur's stock reservations (which unit is reserved to which réservataire before
 * the conversion to flow; rules.md §4, §7): a CSV with one row per unit —
 *   RPLS          the unit's RPLS identifier (as imported by `flux import rpls`), required;
 *   RESERVATAIRE  the réservataire's Flux identifier or SIREN; empty for a free unit;
 *   TYPE          optional: « reserve » (default when a réservataire is given), « droit unique »,
 *                 « aucune » (default when none is given), « inconnue ».
 * All or nothing: any invalid row and nothing is written, every problem named by line and column:
 * the rejected rows go, as they are found, to an error file (their three columns and `Erreur`) that
 * the refusal (`ReservationsRefusees`) hands to the caller with the first problems only.
 * Units absent from the file keep their reservation. One audit event lists every change.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { analyser, type Tx } from '../db/client.ts';
import { EcritureTemporaire, type FichierTemporaire } from '../import/fichier-temporaire.ts';
import { logements, organisations } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import type { Reservation } from '../domain/etat-des-lieux.ts';
import { lireTableau, type Colonnes } from '../reference/tableau.ts';
import { journaliser } from './audit.ts';
import { Interdit, Introuvable } from './errors.ts';
import type { Acteur } from './roles.ts';

const COLONNES = {
  rpls: { noms: ['RPLS', 'RPLS_ID', 'IDENT_REP', 'NUMLOGT', 'IDENTIFIANT'], obligatoire: true },
  reservataire: { noms: ['RESERVATAIRE', 'RÉSERVATAIRE', 'RESERVATAIRE_ID', 'SIREN_RESERVATAIRE'], obligatoire: true },
  type: { noms: ['TYPE', 'TYPE_RESERVATION', 'NATURE'], obligatoire: false },
} as const satisfies Colonnes<'rpls' | 'reservataire' | 'type'>;

/** Accepted spellings of TYPE (lower case, accents and separators removed). */
const TYPES: Readonly<Record<string, Exclude<Reservation, null> | 'inconnue'>> = {
  reserve: 'reserve',
  reservation: 'reserve',
  stock: 'reserve',
  droitunique: 'droit_unique',
  unique: 'droit_unique',
  aucune: 'aucune',
  nonreserve: 'aucune',
  libre: 'aucune',
  inconnue: 'inconnue',
  inconnu: 'inconnue',
};

const cle = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** Problems a refusal keeps (the error file has them all). */
export const PROBLEMES_GARDES_RESERVATIONS = 50;

/**
 * Rows were rejected: nothing was written. The first problems, how many in all, and the error file
 * (a temporary file the caller stores or copies, then deletes).
 */
export class ReservationsRefusees extends DonneesInvalides {
  constructor(
    problemes: Probleme[],
    readonly nombreProblemes: number,
    readonly rejetes: number,
    readonly erreurs: FichierTemporaire,
  ) {
    super(problemes);
  }
}

const celluleErreurs = (s: string): string => (/[;"\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

export interface ResumeReservations {
  bailleur: string;
  fichier: string;
  empreinte: string;
  lignes: number;
  modifies: number;
  inchanges: number;
  /** Rows per kind in the file. */
  parNature: Record<'reserve' | 'droit_unique' | 'aucune' | 'inconnue', number>;
  /** Units reserved (term or one-shot) per réservataire id, in the file. */
  parReservataire: Record<string, number>;
}

/** Who imports: a bailleur's agent for its own stock, or the command line (`acteur` null) for any bailleur. */
async function bailleurCible(tx: Tx, acteur: Acteur | null, bailleur: string): Promise<{ id: string; nom: string }> {
  const [org] = await tx
    .select({ id: organisations.id, nom: organisations.nom, categorie: organisations.categorie })
    .from(organisations)
    .where(
      and(
        or(eq(organisations.id, bailleur), eq(organisations.siren, bailleur)),
        eq(organisations.categorie, 'bailleur'),
      ),
    );
  if (!org) throw new Introuvable(`bailleur inconnu : ${bailleur} (identifiant Flux ou SIREN attendu)`);
  if (acteur && (acteur.role !== 'agent_bailleur' || acteur.organisationId !== org.id))
    throw new Interdit('seul le bailleur importe les réservations de son patrimoine');
  return org;
}

export async function importerReservationsStock(
  tx: Tx,
  acteur: Acteur | null,
  entree: { bailleur: string; fichier: string; octets: Uint8Array },
): Promise<ResumeReservations> {
  const bailleur = await bailleurCible(tx, acteur, entree.bailleur);
  const lignes = lireTableau(entree.octets, entree.fichier, COLONNES);
  const reservataires = await tx
    .select({
      id: organisations.id,
      siren: organisations.siren,
      categorie: organisations.categorie,
      nom: organisations.nom,
    })
    .from(organisations)
    .where(inArray(organisations.categorie, ['reservataire', 'etat', 'epci']));
  const parId = new Map(reservataires.map((r) => [r.id, r.id]));
  for (const r of reservataires) if (r.siren && !parId.has(r.siren)) parId.set(r.siren, r.id);
  const stock = new Map(
    (
      await tx
        .select({
          rpls: logements.rpls,
          reservation: logements.reservationStock,
          reservataire: logements.reservataireStockId,
        })
        .from(logements)
        .where(eq(logements.bailleurId, bailleur.id))
    ).map((l) => [l.rpls, l]),
  );
  const problemes: Probleme[] = [];
  let nombreProblemes = 0;
  let rejetes = 0;
  let erreurs: EcritureTemporaire | null = null;
  const vus = new Map<string, number>();
  const changements: { rpls: string; reservation: Reservation; reservataire: string | null }[] = [];
  const audit: [string, Reservation, string | null, Reservation, string | null][] = [];
  const resume: ResumeReservations = {
    bailleur: bailleur.id,
    fichier: entree.fichier,
    empreinte: createHash('sha256').update(entree.octets).digest('hex'),
    lignes: lignes.length,
    modifies: 0,
    inchanges: 0,
    parNature: { reserve: 0, droit_unique: 0, aucune: 0, inconnue: 0 },
    parReservataire: {},
  };
  for (const { ligne, valeurs } of lignes) {
    const ici = (colonne: string) => `${entree.fichier}:${ligne}:${colonne}`;
    const avant = problemes.length;
    const unite = stock.get(valeurs.rpls);
    if (!valeurs.rpls) problemes.push({ chemin: ici('RPLS'), message: 'identifiant RPLS manquant' });
    else if (vus.has(valeurs.rpls))
      problemes.push({
        chemin: ici('RPLS'),
        message: `logement ${valeurs.rpls} déjà présent ligne ${vus.get(valeurs.rpls)}`,
      });
    else if (!unite)
      problemes.push({
        chemin: ici('RPLS'),
        message: `logement ${valeurs.rpls} inconnu du patrimoine de ${bailleur.nom} (importez d’abord son fichier RPLS)`,
      });
    if (valeurs.rpls && !vus.has(valeurs.rpls)) vus.set(valeurs.rpls, ligne);
    let type: Exclude<Reservation, null> | 'inconnue' | undefined = valeurs.type
      ? TYPES[cle(valeurs.type)]
      : valeurs.reservataire
        ? 'reserve'
        : 'aucune';
    if (type === undefined) {
      problemes.push({
        chemin: ici('TYPE'),
        message: `type « ${valeurs.type} » inconnu (attendu : reserve, droit unique, aucune ou inconnue)`,
      });
      type = 'inconnue';
    }
    const reservataire = valeurs.reservataire ? (parId.get(valeurs.reservataire) ?? null) : null;
    if (type === 'reserve' || type === 'droit_unique') {
      if (!valeurs.reservataire)
        problemes.push({
          chemin: ici('RESERVATAIRE'),
          message: `réservataire manquant pour un logement de type « ${valeurs.type || 'reserve'} »`,
        });
      else if (!reservataire)
        problemes.push({
          chemin: ici('RESERVATAIRE'),
          message: `réservataire « ${valeurs.reservataire} » inconnu (identifiant Flux ou SIREN d’un réservataire attendu)`,
        });
    } else if (valeurs.reservataire) {
      problemes.push({
        chemin: ici('RESERVATAIRE'),
        message: `un logement de type « ${type} » n’a pas de réservataire (« ${valeurs.reservataire} » donné)`,
      });
    }
    if (problemes.length > avant) {
      // The row goes to the error file as it is found; only the first problems are kept.
      const siens = problemes.splice(avant);
      nombreProblemes += siens.length;
      rejetes++;
      if (problemes.length < PROBLEMES_GARDES_RESERVATIONS)
        problemes.push(...siens.slice(0, PROBLEMES_GARDES_RESERVATIONS - problemes.length));
      erreurs ??= await EcritureTemporaire.ouvrir(`\uFEFFRPLS;RESERVATAIRE;TYPE;Erreur\r\n`);
      const erreur = siens.map((p) => `${p.chemin} : ${p.message}`).join(' | ');
      erreurs.ajouter(
        `${[valeurs.rpls, valeurs.reservataire, valeurs.type, erreur].map(celluleErreurs).join(';')}\r\n`,
      );
      if (erreurs.plein) await erreurs.vider();
      continue;
    }
    if (!unite) continue;
    resume.parNature[type]++;
    const apres: Reservation = type === 'inconnue' ? null : type;
    const apresReservataire = apres === 'reserve' || apres === 'droit_unique' ? reservataire : null;
    if (apresReservataire)
      resume.parReservataire[apresReservataire] = (resume.parReservataire[apresReservataire] ?? 0) + 1;
    if (unite.reservation === apres && unite.reservataire === apresReservataire) {
      resume.inchanges++;
      continue;
    }
    changements.push({ rpls: valeurs.rpls, reservation: apres, reservataire: apresReservataire });
    audit.push([valeurs.rpls, unite.reservation as Reservation, unite.reservataire, apres, apresReservataire]);
  }
  if (erreurs) throw new ReservationsRefusees(problemes, nombreProblemes, rejetes, await erreurs.fermer());
  resume.modifies = changements.length;
  for (let i = 0; i < changements.length; i += 10_000) {
    const lot = JSON.stringify(changements.slice(i, i + 10_000));
    await tx.execute(sql`
      update logements l set reservation_stock = v.reservation, reservataire_stock_id = v.reservataire
      from jsonb_to_recordset(${lot}::jsonb) as v(rpls text, reservation text, reservataire text)
      where l.bailleur_id = ${bailleur.id} and l.rpls = v.rpls`);
  }
  await journaliser(tx, acteur, {
    action: 'reservations_stock.importees',
    cibleType: 'bailleur',
    cibleId: bailleur.id,
    apres: { ...resume, changements: audit },
  });
  // The planner's statistics follow the import (committed with it; autovacuum may be late or off).
  if (resume.modifies > 0) await analyser(tx, ['logements']);
  return resume;
}

export function resumeReservationsFrancais(r: ResumeReservations): string {
  const n = (x: number) => x.toLocaleString('fr-FR');
  return [
    `Réservations du stock importées pour ${r.bailleur} (${r.fichier}) : ${n(r.lignes)} ligne(s), ${n(r.modifies)} logement(s) modifié(s), ${n(r.inchanges)} inchangé(s).`,
    `  réservés : ${n(r.parNature.reserve)} · droits uniques : ${n(r.parNature.droit_unique)} · non réservés : ${n(r.parNature.aucune)} · inconnus : ${n(r.parNature.inconnue)}`,
    ...Object.entries(r.parReservataire)
      .sort((a, b) => b[1] - a[1])
      .map(([id, k]) => `  ${id} : ${n(k)}`),
  ].join('\n');
}
