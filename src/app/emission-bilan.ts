/**
 * Issuing the annual bilan, sending it, the reminder, the year lock and the late corrections
 * (issue 7 items 2–3; CCH R.441-5-1; ADR 0015).
 *
 * - `emettreBilan`: the bailleur issues the bilan of year N once N is over: an immutable version
 *   (the `lireBilan` JSON, its SHA-256, who, when; from version 2 what changed and the corrections
 *   behind it). From then on year N is locked: `controlerEcritureAnnee` (src/app/verrou-annee.ts),
 *   called by every write of an event of the year (src/app/locations.ts), refuses it with a 409.
 * - `ouvrirFenetre` / `cloturerFenetre`: a late-correction window (written reason, end date within
 *   30 days); while it is open, writes of year N are accepted if they carry a reason, and each one
 *   is recorded as a correction. Its end or its closing relocks; issuing again closes it too.
 * - `marquerEnvoye`, `telechargerVersion`: the recipients (every réservataire with a convention, the
 *   EPCIs of the bailleur's territory), the sending marked per recipient, each download recorded; a
 *   réservataire downloads only its own lines (`bilanDuReservataire` of the stored version).
 * - `rappelsBilan`: the scheduled check's reminder to the bailleur from 1 and from 21 February.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import {
  conventions,
  correctionsAnnee,
  emissionsBilan,
  envoisBilan,
  fenetresCorrection,
  locations,
  logements,
  organisations,
  telechargementsBilan,
  utilisateurs,
} from '../db/schema.ts';
import { bilanDuReservataire, type BilanAnnuel } from '../domain/bilan.ts';
import {
  differenceBilans,
  differencePourReservataire,
  echeanceLegale,
  etapeRappel,
  etatAnnee,
  FENETRE_MAX_JOURS,
  fenetreOuverte,
  peutEmettre,
  premierJourEmission,
  validerFenetre,
  type DifferenceBilan,
} from '../domain/emission-bilan.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { anneesConnues, type CleAnnee } from './annee.ts';
import { actionCourante, canonique, journaliser } from './audit.ts';
import { bilansAccessibles, lireBilan } from './bilan.ts';
import { dateLongue, jourParis } from '../domain/calendrier.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { reconcilierAnnee } from './locations.ts';
import { notifier } from './notifications.ts';
import { exiger, type Acteur } from './roles.ts';
import { etatDeLAnnee, verrouillerAnnee, versFenetre } from './verrou-annee.ts';

export interface Destinataire {
  organisationId: string;
  nom: string;
  nature: 'reservataire' | 'epci';
}

/** Every réservataire with a convention with the bailleur there, then the EPCIs of its units (when they exist as organisations). */
export async function destinatairesBilan(tx: Tx, bailleurId: string, departement: string): Promise<Destinataire[]> {
  const res = await tx
    .selectDistinct({ organisationId: organisations.id, nom: organisations.nom })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(and(eq(conventions.bailleurId, bailleurId), eq(conventions.departement, departement)));
  const epcis = await tx
    .select({ organisationId: organisations.id, nom: organisations.nom })
    .from(organisations)
    .where(
      and(
        eq(organisations.categorie, 'epci'),
        sql`${organisations.epci} in (select distinct l.epci from ${logements} l where l.bailleur_id = ${bailleurId} and l.departement = ${departement} and l.epci is not null)`,
      ),
    );
  const vus = new Set(res.map((r) => r.organisationId));
  const tri = (a: { nom: string }, b: { nom: string }) => a.nom.localeCompare(b.nom, 'fr');
  return [
    ...res.sort(tri).map((r) => ({ ...r, nature: 'reservataire' as const })),
    ...epcis
      .filter((e) => !vus.has(e.organisationId))
      .sort(tri)
      .map((e) => ({ ...e, nature: 'epci' as const })),
  ];
}

/** The (bailleur, département) of a request, if the actor may read its bilan (404 otherwise). */
async function perimetre(
  tx: Tx,
  acteur: Acteur,
  q: { bailleur?: string | undefined; departement?: string | undefined },
): Promise<{ bailleurId: string; bailleur: string; departement: string }> {
  const accessibles = await bilansAccessibles(tx, acteur);
  const bailleurId = q.bailleur ?? (acteur.role === 'agent_bailleur' ? acteur.organisationId : undefined);
  if (!bailleurId) throw new DonneesInvalides([{ chemin: 'bailleur', message: 'indiquez le bailleur' }]);
  const siens = accessibles.filter((a) => a.bailleurId === bailleurId);
  const departement = q.departement ?? (siens.length === 1 ? siens[0]!.departement : undefined);
  if (!departement) {
    if (siens.length === 0) throw new Introuvable(`aucun bilan accessible pour le bailleur ${bailleurId}`);
    throw new DonneesInvalides([
      { chemin: 'departement', message: `indiquez le département (${siens.map((s) => s.departement).join(', ')})` },
    ]);
  }
  const p = siens.find((s) => s.departement === departement);
  if (!p)
    throw new Introuvable(`aucun bilan accessible pour le bailleur ${bailleurId} dans le département ${departement}`);
  return p;
}

async function versions(tx: Tx, cle: CleAnnee) {
  return tx
    .select({
      id: emissionsBilan.id,
      version: emissionsBilan.version,
      empreinte: emissionsBilan.empreinte,
      emisLe: emissionsBilan.emisLe,
      emisPar: utilisateurs.nom,
      difference: emissionsBilan.difference,
      corrections: emissionsBilan.corrections,
    })
    .from(emissionsBilan)
    .innerJoin(utilisateurs, eq(utilisateurs.id, emissionsBilan.emisPar))
    .where(
      and(
        eq(emissionsBilan.bailleurId, cle.bailleurId),
        eq(emissionsBilan.departement, cle.departement),
        eq(emissionsBilan.annee, cle.annee),
      ),
    )
    .orderBy(asc(emissionsBilan.version));
}

async function fenetres(tx: Tx, cle: CleAnnee) {
  return tx
    .select()
    .from(fenetresCorrection)
    .where(
      and(
        eq(fenetresCorrection.bailleurId, cle.bailleurId),
        eq(fenetresCorrection.departement, cle.departement),
        eq(fenetresCorrection.annee, cle.annee),
      ),
    )
    .orderBy(asc(fenetresCorrection.ouverteLe), asc(fenetresCorrection.id));
}

export const empreinteBilan = (b: BilanAnnuel): string => createHash('sha256').update(canonique(b)).digest('hex');

export interface CorrectionEmise {
  id: string;
  locationId: string | null;
  logementId: string | null;
  action: string;
  motif: string;
  par: string | null;
  le: string;
  fenetre: { id: string; motif: string };
}

/** The corrections of the year not yet in an issued version (whatever the clock says). */
async function correctionsNonEmises(
  tx: Tx,
  cle: CleAnnee,
  vs: readonly { corrections: unknown }[],
): Promise<CorrectionEmise[]> {
  const emises = new Set(vs.flatMap((v) => (v.corrections as CorrectionEmise[]).map((c) => c.id)));
  return (await correctionsDeLAnnee(tx, cle)).filter((c) => !emises.has(c.id));
}

async function correctionsDeLAnnee(tx: Tx, cle: CleAnnee): Promise<CorrectionEmise[]> {
  const rows = await tx
    .select({ c: correctionsAnnee, f: fenetresCorrection, par: utilisateurs.nom, logementId: locations.logementId })
    .from(correctionsAnnee)
    .innerJoin(fenetresCorrection, eq(fenetresCorrection.id, correctionsAnnee.fenetreId))
    .leftJoin(utilisateurs, eq(utilisateurs.id, correctionsAnnee.utilisateurId))
    .leftJoin(locations, eq(locations.id, correctionsAnnee.locationId))
    .where(
      and(
        eq(fenetresCorrection.bailleurId, cle.bailleurId),
        eq(fenetresCorrection.departement, cle.departement),
        eq(fenetresCorrection.annee, cle.annee),
      ),
    )
    .orderBy(asc(correctionsAnnee.corrigeLe), asc(correctionsAnnee.id));
  return rows.map((r) => ({
    id: r.c.id,
    locationId: r.c.locationId,
    logementId: r.logementId,
    action: actionCourante(r.c.action),
    motif: r.c.motif,
    par: r.par ?? (r.c.utilisateurId === null ? 'vérification planifiée' : null),
    le: r.c.corrigeLe.toISOString(),
    fenetre: { id: r.f.id, motif: r.f.motif },
  }));
}

/** The bailleur issues the bilan of year N (a new version, when it changed) and locks the year. */
export async function emettreBilan(
  tx: Tx,
  acteur: Acteur,
  d: { annee: number; departement?: string | undefined },
  maintenant: Date,
): Promise<EmissionsAnnee> {
  exiger(acteur, ['agent_bailleur'], 'émettre le bilan annuel');
  const p = await perimetre(tx, acteur, { departement: d.departement });
  const cle: CleAnnee = { bailleurId: p.bailleurId, departement: p.departement, annee: d.annee };
  const aujourdhui = jourParis(maintenant);
  if (!peutEmettre(d.annee, aujourdhui)) {
    throw new Conflit(
      `l’année ${d.annee} n’est pas terminée : son bilan s’émet à partir du ${dateLongue(premierJourEmission(d.annee))}`,
    );
  }
  await verrouillerAnnee(tx, cle);
  const bilan = await lireBilan(tx, acteur, {
    bailleurId: cle.bailleurId,
    departement: cle.departement,
    annee: cle.annee,
  });
  const empreinte = empreinteBilan(bilan);
  const deja = await versions(tx, cle);
  const precedente = deja.at(-1);
  let difference: DifferenceBilan | null = null;
  if (precedente) {
    if (precedente.empreinte === empreinte) {
      throw new Conflit(
        `le bilan ${d.annee} n’a pas changé depuis la version ${precedente.version} émise le ${dateLongue(jourParis(precedente.emisLe))} : rien à émettre`,
      );
    }
    const [avant] = await tx
      .select({ contenu: emissionsBilan.contenu })
      .from(emissionsBilan)
      .where(eq(emissionsBilan.id, precedente.id));
    difference = differenceBilans(avant!.contenu as BilanAnnuel, bilan);
  }
  const corrections = await correctionsNonEmises(tx, cle, deja);
  // Issuing closes an open correction window: the year is locked again.
  for (const f of await fenetres(tx, cle)) {
    if (f.clotureeLe !== null) continue;
    await tx
      .update(fenetresCorrection)
      .set({ clotureeLe: maintenant, clotureePar: acteur.utilisateurId })
      .where(eq(fenetresCorrection.id, f.id));
    await journaliser(
      tx,
      acteur,
      {
        action: 'annee.correction.cloturer',
        cibleType: 'fenetre_correction',
        cibleId: f.id,
        avant: { ouverte: true },
        apres: { ouverte: false, par: 'émission du bilan' },
      },
      maintenant,
    );
  }
  const id = randomUUID();
  const version = (precedente?.version ?? 0) + 1;
  await tx.insert(emissionsBilan).values({
    id,
    ...cle,
    version,
    contenu: bilan,
    empreinte,
    difference,
    corrections,
    emisLe: maintenant,
    emisPar: acteur.utilisateurId,
  });
  await journaliser(
    tx,
    acteur,
    {
      action: 'bilan.emettre',
      cibleType: 'emission_bilan',
      cibleId: id,
      avant: precedente ? { version: precedente.version, empreinte: precedente.empreinte } : null,
      apres: { ...cle, version, empreinte, corrections: corrections.length },
    },
    maintenant,
  );
  // Year N+1 inherits this bilan's carry-over (ADR 0019): its lettings follow the engine's replay,
  // or the issue is refused if a decided one would move.
  await reconcilierAnnee(tx, { ...cle, annee: cle.annee + 1 });
  return lireEmissions(tx, acteur, { annee: d.annee, departement: cle.departement }, maintenant);
}

export interface EmissionsAnnee {
  bailleur: { id: string; nom: string };
  departement: string;
  annee: number;
  aujourdhui: string;
  /** The first day the bilan may be issued, and the legal deadline. */
  emissionPossibleLe: string;
  echeance: string;
  peutEmettre: boolean;
  etat: 'ouverte' | 'verrouillee' | 'correction';
  fenetreMaxJours: number;
  fenetres: {
    id: string;
    motif: string;
    fin: string;
    ouverteLe: string;
    ouvertePar: string;
    clotureeLe: string | null;
    ouverte: boolean;
  }[];
  destinataires: Destinataire[];
  versions: {
    version: number;
    emisLe: string;
    emisPar: string;
    empreinte: string;
    difference: DifferenceBilan | null;
    corrections: CorrectionEmise[];
    envois: { organisationId: string; nom: string; envoyeLe: string; envoyePar: string }[];
    telechargements: { organisationId: string; nom: string; utilisateur: string; le: string }[];
  }[];
  /** Corrections recorded since the last version (not yet in an issued bilan). */
  correctionsEnAttente: CorrectionEmise[];
}

/** Versions, status, recipients, sendings and downloads, lock and corrections — scoped for a réservataire. */
export async function lireEmissions(
  tx: Tx,
  acteur: Acteur,
  q: { annee: number; bailleur?: string | undefined; departement?: string | undefined },
  maintenant: Date,
): Promise<EmissionsAnnee> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
    'consulter l’émission du bilan annuel',
  );
  const p = await perimetre(tx, acteur, q);
  const cle: CleAnnee = { bailleurId: p.bailleurId, departement: p.departement, annee: q.annee };
  const aujourdhui = jourParis(maintenant);
  const vs = await versions(tx, cle);
  const fs = await fenetres(tx, cle);
  const ouvertesPar = fs.length
    ? new Map(
        (
          await tx
            .select({ id: utilisateurs.id, nom: utilisateurs.nom })
            .from(utilisateurs)
            .where(
              inArray(
                utilisateurs.id,
                fs.map((f) => f.ouvertePar),
              ),
            )
        ).map((u) => [u.id, u.nom]),
      )
    : new Map<string, string>();
  const etat = etatAnnee(
    vs.length ? { version: vs.at(-1)!.version, emisLe: vs.at(-1)!.emisLe.toISOString() } : null,
    fs.map(versFenetre),
    aujourdhui,
  );
  let destinataires = await destinatairesBilan(tx, cle.bailleurId, cle.departement);
  const ids = vs.map((v) => v.id);
  const envois = ids.length
    ? await tx
        .select({
          emissionId: envoisBilan.emissionId,
          organisationId: envoisBilan.organisationId,
          nom: organisations.nom,
          envoyeLe: envoisBilan.envoyeLe,
          envoyePar: utilisateurs.nom,
        })
        .from(envoisBilan)
        .innerJoin(organisations, eq(organisations.id, envoisBilan.organisationId))
        .innerJoin(utilisateurs, eq(utilisateurs.id, envoisBilan.envoyePar))
        .where(inArray(envoisBilan.emissionId, ids))
        .orderBy(asc(envoisBilan.envoyeLe))
    : [];
  const telechargements = ids.length
    ? await tx
        .select({
          emissionId: telechargementsBilan.emissionId,
          organisationId: telechargementsBilan.organisationId,
          nom: organisations.nom,
          utilisateur: utilisateurs.nom,
          le: telechargementsBilan.telechargeLe,
        })
        .from(telechargementsBilan)
        .innerJoin(organisations, eq(organisations.id, telechargementsBilan.organisationId))
        .innerJoin(utilisateurs, eq(utilisateurs.id, telechargementsBilan.utilisateurId))
        .where(inArray(telechargementsBilan.emissionId, ids))
        .orderBy(asc(telechargementsBilan.telechargeLe), asc(telechargementsBilan.id))
    : [];
  let enAttente = vs.length ? await correctionsNonEmises(tx, cle, vs) : [];

  // A réservataire sees what concerns it: its own sending and downloads, its line's changes and the corrections of its lettings.
  const reservataire = acteur.role === 'agent_reservataire' ? acteur.organisationId : null;
  let sesLogements = new Set<string>();
  if (reservataire) {
    destinataires = destinataires.filter((d) => d.organisationId === reservataire);
    const siens = await tx
      .select({ logementId: locations.logementId })
      .from(locations)
      .where(
        and(
          eq(locations.bailleurId, cle.bailleurId),
          eq(locations.departement, cle.departement),
          eq(locations.annee, cle.annee),
          sql`(${locations.reservataireId} = ${reservataire} or ${locations.pool} @> ${JSON.stringify([reservataire])}::jsonb)`,
        ),
      );
    sesLogements = new Set(siens.map((s) => s.logementId));
    enAttente = [];
  }
  const pourActeur = (c: CorrectionEmise[]) =>
    reservataire ? c.filter((x) => x.logementId !== null && sesLogements.has(x.logementId)) : c;
  const garde = (organisationId: string) => !reservataire || organisationId === reservataire;

  return {
    bailleur: { id: p.bailleurId, nom: p.bailleur },
    departement: p.departement,
    annee: q.annee,
    aujourdhui,
    emissionPossibleLe: premierJourEmission(q.annee),
    echeance: echeanceLegale(q.annee),
    peutEmettre: acteur.role === 'agent_bailleur' && peutEmettre(q.annee, aujourdhui),
    etat: etat.etat,
    fenetreMaxJours: FENETRE_MAX_JOURS,
    fenetres: fs.map((f) => ({
      id: f.id,
      motif: f.motif,
      fin: f.fin,
      ouverteLe: f.ouverteLe.toISOString(),
      ouvertePar: ouvertesPar.get(f.ouvertePar) ?? f.ouvertePar,
      clotureeLe: f.clotureeLe?.toISOString() ?? null,
      ouverte: fenetreOuverte(versFenetre(f), aujourdhui),
    })),
    destinataires,
    versions: vs.map((v) => ({
      version: v.version,
      emisLe: v.emisLe.toISOString(),
      emisPar: v.emisPar,
      empreinte: v.empreinte,
      difference:
        v.difference === null
          ? null
          : reservataire
            ? differencePourReservataire(v.difference as DifferenceBilan, reservataire, sesLogements)
            : (v.difference as DifferenceBilan),
      corrections: pourActeur(v.corrections as CorrectionEmise[]),
      envois: envois
        .filter((e) => e.emissionId === v.id && garde(e.organisationId))
        .map((e) => ({
          organisationId: e.organisationId,
          nom: e.nom,
          envoyeLe: e.envoyeLe.toISOString(),
          envoyePar: e.envoyePar,
        })),
      telechargements: telechargements
        .filter((t) => t.emissionId === v.id && garde(t.organisationId))
        .map((t) => ({
          organisationId: t.organisationId,
          nom: t.nom,
          utilisateur: t.utilisateur,
          le: t.le.toISOString(),
        })),
    })),
    correctionsEnAttente: enAttente,
  };
}

async function versionEmise(tx: Tx, cle: CleAnnee, version: number) {
  const [v] = await tx
    .select()
    .from(emissionsBilan)
    .where(
      and(
        eq(emissionsBilan.bailleurId, cle.bailleurId),
        eq(emissionsBilan.departement, cle.departement),
        eq(emissionsBilan.annee, cle.annee),
        eq(emissionsBilan.version, version),
      ),
    );
  if (!v) throw new Introuvable(`aucune version ${version} émise du bilan ${cle.annee}`);
  return v;
}

/** The bailleur marks an issued version sent to one recipient (once). */
export async function marquerEnvoye(
  tx: Tx,
  acteur: Acteur,
  d: { annee: number; departement?: string | undefined; version: number; organisationId: string },
  maintenant: Date,
): Promise<EmissionsAnnee> {
  exiger(acteur, ['agent_bailleur'], 'marquer le bilan envoyé');
  const p = await perimetre(tx, acteur, { departement: d.departement });
  const cle: CleAnnee = { bailleurId: p.bailleurId, departement: p.departement, annee: d.annee };
  const v = await versionEmise(tx, cle, d.version);
  const destinataire = (await destinatairesBilan(tx, cle.bailleurId, cle.departement)).find(
    (x) => x.organisationId === d.organisationId,
  );
  if (!destinataire)
    throw new DonneesInvalides([
      {
        chemin: 'organisationId',
        message: `« ${d.organisationId} » n’est pas un destinataire du bilan (réservataire conventionné ou EPCI du territoire)`,
      },
    ]);
  const inseres = await tx
    .insert(envoisBilan)
    .values({
      emissionId: v.id,
      organisationId: d.organisationId,
      envoyeLe: maintenant,
      envoyePar: acteur.utilisateurId,
    })
    .onConflictDoNothing()
    .returning({ id: envoisBilan.emissionId });
  if (inseres.length === 0)
    throw new Conflit(`la version ${d.version} du bilan ${d.annee} est déjà marquée envoyée à ${destinataire.nom}`);
  await journaliser(
    tx,
    acteur,
    {
      action: 'bilan.envoyer',
      cibleType: 'emission_bilan',
      cibleId: v.id,
      avant: null,
      apres: { version: d.version, destinataire: d.organisationId, envoyeLe: maintenant.toISOString() },
    },
    maintenant,
  );
  return lireEmissions(tx, acteur, { annee: d.annee, departement: cle.departement }, maintenant);
}

/**
 * An issued version as stored, for the actor: whole for the bailleur, the State pilot and an EPCI;
 * a réservataire gets its own lines only. Every download is recorded (who, for whom, when).
 */
export async function telechargerVersion(
  tx: Tx,
  acteur: Acteur,
  q: { annee: number; bailleur?: string | undefined; departement?: string | undefined; version: number },
  maintenant: Date,
): Promise<{ version: number; emisLe: string; empreinte: string; bilan: BilanAnnuel }> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'],
    'télécharger un bilan annuel émis',
  );
  const p = await perimetre(tx, acteur, q);
  const cle: CleAnnee = { bailleurId: p.bailleurId, departement: p.departement, annee: q.annee };
  const v = await versionEmise(tx, cle, q.version);
  let bilan = v.contenu as BilanAnnuel;
  if (acteur.role === 'agent_reservataire') {
    const [conv] = await tx
      .select({ id: conventions.id })
      .from(conventions)
      .where(
        and(
          eq(conventions.bailleurId, cle.bailleurId),
          eq(conventions.departement, cle.departement),
          eq(conventions.reservataireId, acteur.organisationId),
        ),
      );
    if (!conv) throw new Interdit('vous n’avez pas de convention avec ce bailleur dans ce département');
    bilan = bilanDuReservataire(bilan, acteur.organisationId);
  }
  await tx.insert(telechargementsBilan).values({
    emissionId: v.id,
    organisationId: acteur.organisationId,
    utilisateurId: acteur.utilisateurId,
    telechargeLe: maintenant,
  });
  await journaliser(
    tx,
    acteur,
    {
      action: 'bilan.telecharger',
      cibleType: 'emission_bilan',
      cibleId: v.id,
      avant: null,
      apres: { version: v.version, organisation: acteur.organisationId },
    },
    maintenant,
  );
  return { version: v.version, emisLe: v.emisLe.toISOString(), empreinte: v.empreinte, bilan };
}

/** The bailleur opens a late-correction window on an issued year. */
export async function ouvrirFenetre(
  tx: Tx,
  acteur: Acteur,
  d: { annee: number; departement?: string | undefined; motif: string; fin: string },
  maintenant: Date,
): Promise<EmissionsAnnee> {
  exiger(acteur, ['agent_bailleur'], 'ouvrir une fenêtre de correction tardive');
  const p = await perimetre(tx, acteur, { departement: d.departement });
  const cle: CleAnnee = { bailleurId: p.bailleurId, departement: p.departement, annee: d.annee };
  await verrouillerAnnee(tx, cle);
  const aujourdhui = jourParis(maintenant);
  const etat = await etatDeLAnnee(tx, cle, aujourdhui);
  if (etat.etat === 'ouverte')
    throw new Conflit(
      `l’année ${d.annee} n’est pas verrouillée (son bilan n’est pas émis) : ses événements s’enregistrent sans fenêtre de correction`,
    );
  if (etat.etat === 'correction')
    throw new Conflit(
      `une fenêtre de correction est déjà ouverte sur ${d.annee} jusqu’au ${dateLongue(etat.fenetre.fin)}`,
    );
  const problemes = validerFenetre(d, aujourdhui);
  if (problemes.length) throw new DonneesInvalides(problemes);
  const id = randomUUID();
  const motif = d.motif.trim();
  await tx
    .insert(fenetresCorrection)
    .values({ id, ...cle, motif, fin: d.fin, ouverteLe: maintenant, ouvertePar: acteur.utilisateurId });
  await journaliser(
    tx,
    acteur,
    {
      action: 'annee.correction.ouvrir',
      cibleType: 'fenetre_correction',
      cibleId: id,
      avant: null,
      apres: { ...cle, fin: d.fin },
      motif,
    },
    maintenant,
  );
  return lireEmissions(tx, acteur, { annee: d.annee, departement: cle.departement }, maintenant);
}

/** The bailleur closes its open window: the year is locked again. */
export async function cloturerFenetre(tx: Tx, acteur: Acteur, id: string, maintenant: Date): Promise<EmissionsAnnee> {
  exiger(acteur, ['agent_bailleur'], 'clôturer une fenêtre de correction tardive');
  const [f] = await tx
    .select()
    .from(fenetresCorrection)
    .where(and(eq(fenetresCorrection.id, id), eq(fenetresCorrection.bailleurId, acteur.organisationId)));
  if (!f) throw new Introuvable('fenêtre de correction introuvable');
  await verrouillerAnnee(tx, f);
  if (!fenetreOuverte(versFenetre(f), jourParis(maintenant)))
    throw new Conflit('cette fenêtre de correction est déjà close');
  const maj = await tx
    .update(fenetresCorrection)
    .set({ clotureeLe: maintenant, clotureePar: acteur.utilisateurId })
    .where(and(eq(fenetresCorrection.id, id), isNull(fenetresCorrection.clotureeLe)))
    .returning({ id: fenetresCorrection.id });
  if (maj.length === 0) throw new Conflit('cette fenêtre de correction vient d’être close');
  await journaliser(
    tx,
    acteur,
    {
      action: 'annee.correction.cloturer',
      cibleType: 'fenetre_correction',
      cibleId: id,
      avant: { ouverte: true },
      apres: { ouverte: false },
    },
    maintenant,
  );
  return lireEmissions(tx, acteur, { annee: f.annee, departement: f.departement }, maintenant);
}

// ───────────────────────────── reminder ─────────────────────────────

export interface BilanRappels {
  annee: number | null;
  etape: string | null;
  /** Bailleur × département reminded by this run or an earlier one of the same stage. */
  rappels: { bailleurId: string; departement: string; manque: 'emission' | 'envoi' }[];
}

/**
 * The scheduled check's reminder (from 1 February, again from 21 February; Europe/Paris): every
 * bailleur whose bilan of last year is not issued, or not sent to every recipient, is notified
 * (in-app and e-mail), once per year, stage and bailleur × département.
 */
export async function rappelsBilan(db: Db, maintenant: Date): Promise<BilanRappels> {
  const aujourdhui = jourParis(maintenant);
  const etape = etapeRappel(aujourdhui);
  if (!etape) return { annee: null, etape: null, rappels: [] };
  const { annee } = etape;
  return db.transaction(async (tx) => {
    const rappels: BilanRappels['rappels'] = [];
    for (const { bailleurId, departement } of await anneesConnues(tx, {})) {
      const cle: CleAnnee = { bailleurId, departement, annee };
      const vs = await versions(tx, cle);
      const derniere = vs.at(-1);
      let manque: 'emission' | 'envoi' | null = null;
      let message = '';
      if (!derniere) {
        manque = 'emission';
        message = `Le bilan annuel ${annee} (département ${departement}) n’est pas encore émis. La loi (CCH R.441-5-1) demande de l’adresser à chaque réservataire et aux EPCI avant le ${dateLongue(echeanceLegale(annee))}. Émettez-le dans Flux, puis marquez-le envoyé à chaque destinataire.`;
      } else {
        const destinataires = await destinatairesBilan(tx, bailleurId, departement);
        const envoyes = new Set(
          (
            await tx
              .select({ o: envoisBilan.organisationId })
              .from(envoisBilan)
              .where(eq(envoisBilan.emissionId, derniere.id))
          ).map((e) => e.o),
        );
        const manquants = destinataires.filter((d) => !envoyes.has(d.organisationId));
        if (manquants.length) {
          manque = 'envoi';
          message = `La version ${derniere.version} du bilan annuel ${annee} (département ${departement}) n’est pas marquée envoyée à : ${manquants.map((m) => m.nom).join(', ')}. Échéance légale : ${dateLongue(echeanceLegale(annee))} (CCH R.441-5-1).`;
        }
      }
      if (!manque) continue;
      await notifier(
        tx,
        {
          organisationId: bailleurId,
          type: 'rappel_bilan',
          locationId: null,
          titre:
            etape.etape === 'premier'
              ? `Bilan annuel ${annee} : à adresser avant le ${dateLongue(echeanceLegale(annee))}`
              : `Bilan annuel ${annee} : plus qu’une semaine avant l’échéance légale`,
          message,
          cle: `rappel_bilan|${bailleurId}|${departement}|${annee}|${etape.etape}`,
        },
        maintenant,
      );
      rappels.push({ bailleurId, departement, manque });
    }
    return { annee, etape: etape.etape, rappels };
  });
}
