/**
 * Notifications to an organisation: stored in the same transaction as what they report (new
 * orientation, deadline approaching, deadline passed, CAL result), listed in the application, and
 * sent by e-mail after the commit when SMTP is configured (`FLUX_SMTP_URL`, `FLUX_SMTP_FROM`; off
 * when unset). Each notification has a unique key: the same fact is notified once.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Db, Tx } from '../db/client.ts';
import { adhesions, communes, locations, logements, notifications, organisations, utilisateurs } from '../db/schema.ts';
import type { NotificationsApi } from '../contracts/orientation.ts';
import { LIBELLES_SUITE, type SuiteEchec } from '../domain/cal.ts';
import type { DecisionCal } from '../domain/types.ts';
import { journaliser } from './audit.ts';
import { Introuvable } from './errors.ts';
import type { Acteur } from './roles.ts';

export const TYPES_NOTIFICATION = [
  'orientation',
  'echeance_proche',
  'echeance_depassee',
  'resultat_cal',
  'rappel_bilan',
] as const;
export type TypeNotification = (typeof TYPES_NOTIFICATION)[number];

export interface NouvelleNotification {
  organisationId: string;
  type: TypeNotification;
  locationId: string | null;
  titre: string;
  message: string;
  /** Uniqueness key: a second notification with the same key is ignored. */
  cle: string;
}

/** Stores a notification (nothing when its key is already there). */
export async function notifier(tx: Tx, n: NouvelleNotification, maintenant: Date = new Date()): Promise<void> {
  await tx
    .insert(notifications)
    .values({ id: randomUUID(), ...n, creeLe: maintenant })
    .onConflictDoNothing({ target: notifications.cle });
}

export async function listerNotifications(tx: Tx, acteur: Acteur): Promise<NotificationsApi> {
  const rows = await tx
    .select()
    .from(notifications)
    .where(eq(notifications.organisationId, acteur.organisationId))
    .orderBy(desc(notifications.creeLe), desc(notifications.id))
    .limit(50);
  const [n] = await tx
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.organisationId, acteur.organisationId), isNull(notifications.lueLe)));
  return {
    nonLues: n?.n ?? 0,
    notifications: rows.map((r) => ({
      id: r.id,
      type: r.type,
      locationId: r.locationId,
      titre: r.titre,
      message: r.message,
      creeLe: r.creeLe.toISOString(),
      lue: r.lueLe !== null,
    })),
  };
}

/** Marks one of the organisation's notifications as read (for everyone in the organisation). */
export async function marquerLue(tx: Tx, acteur: Acteur, id: string, maintenant: Date = new Date()): Promise<void> {
  const [n] = await tx
    .select()
    .from(notifications)
    .where(and(eq(notifications.id, id), eq(notifications.organisationId, acteur.organisationId)));
  if (!n) throw new Introuvable('notification introuvable');
  if (n.lueLe !== null) return;
  await tx.update(notifications).set({ lueLe: maintenant }).where(eq(notifications.id, id));
  await journaliser(tx, acteur, {
    action: 'notification.lire',
    cibleType: 'notification',
    cibleId: id,
    avant: { lue: false },
    apres: { lue: true },
  });
}

const LIBELLES_DECISION: Record<DecisionCal, string> = {
  attribution: 'attribution',
  attribution_rang: 'attribution avec classement',
  attribution_condition_suspensive: 'attribution sous condition suspensive',
  non_attribution: 'non-attribution',
  irrecevabilite: 'irrecevabilité',
};

/** What a CAL action tells the notifications (src/app/cal.ts calls `notifierResultatCal` with it). */
export interface ResultatCal {
  locationId: string;
  type: 'decision' | 'echec_offre' | 'bail';
  decision?: DecisionCal;
  suite?: SuiteEchec | 'bail' | null;
}

/**
 * A CAL result (decision, offer refused or unanswered and what follows, lease signed), notified to
 * the réservataire(s) the letting is oriented to, in the CAL action's transaction. The CAL module
 * (src/app/cal.ts) calls it through its `brancherNotificationsCal` hook, plugged in by the server.
 * Nothing for the bailleur's own line.
 */
export async function notifierResultatCal(tx: Tx, resultat: ResultatCal, maintenant: Date = new Date()): Promise<void> {
  const [r] = await tx
    .select({ l: locations, commune: logements.commune, nomCommune: communes.nom, typologie: logements.typologie })
    .from(locations)
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(eq(locations.id, resultat.locationId));
  if (!r) throw new Introuvable('location introuvable');
  const unite = `le logement ${r.l.logementId} (${r.typologie}, ${r.nomCommune ?? `commune ${r.commune}`})`;
  const suite = resultat.suite ? ` Suite : ${LIBELLES_SUITE[resultat.suite]}.` : '';
  const { titre, message } =
    resultat.type === 'decision' && resultat.decision
      ? {
          titre: `Décision de la CAL : ${LIBELLES_DECISION[resultat.decision]}`,
          message: `La commission d’attribution a rendu une décision d’${LIBELLES_DECISION[resultat.decision]} pour ${unite}.${suite}`,
        }
      : resultat.type === 'bail'
        ? { titre: 'Bail signé', message: `Le bail de ${unite} est signé.` }
        : {
            titre: 'Offre refusée ou sans réponse',
            message: `Le candidat retenu par la CAL pour ${unite} a refusé l’offre ou n’a pas répondu dans les 10 jours.${suite}`,
          };
  const destinataires = new Set<string>([
    ...(r.l.reservataireId ? [r.l.reservataireId] : []),
    ...((r.l.pool as string[] | null) ?? []),
  ]);
  for (const organisationId of destinataires) {
    await notifier(
      tx,
      {
        organisationId,
        type: 'resultat_cal',
        locationId: resultat.locationId,
        titre,
        message,
        cle: `resultat_cal|${resultat.locationId}|${r.l.version}|${resultat.type}|${resultat.decision ?? ''}|${resultat.suite ?? ''}|${organisationId}`,
      },
      maintenant,
    );
  }
}

// ───────────────────────────── e-mail ─────────────────────────────

export interface ConfigSmtp {
  /** smtp://user:pass@host:port (or smtps://). */
  url: string;
  from: string;
}

/** SMTP from the environment; null (e-mail off) when FLUX_SMTP_URL is unset. */
export function configSmtpDepuisEnv(env: NodeJS.ProcessEnv = process.env): ConfigSmtp | null {
  const url = env.FLUX_SMTP_URL?.trim();
  if (!url) return null;
  return { url, from: env.FLUX_SMTP_FROM?.trim() || 'Flux <ne-pas-repondre@flux.localhost>' };
}

export interface Expediteur {
  envoyer(message: { to: string[]; subject: string; text: string }): Promise<void>;
  fermer(): void;
}

export function creerExpediteur(config: ConfigSmtp): Expediteur {
  const transport = nodemailer.createTransport(config.url);
  return {
    async envoyer(m) {
      await transport.sendMail({ from: config.from, to: m.to, subject: m.subject, text: m.text });
    },
    fermer() {
      transport.close();
    },
  };
}

/**
 * Sends the notifications not yet e-mailed to the active accounts of their organisation, one
 * e-mail per notification. Each one is claimed first (`envoyee_le` set where still null), so two
 * runs — on this instance or another — never send it twice; a failed one is released for the next
 * run. Returns how many went.
 */
export async function expedierNotifications(db: Db, expediteur: Expediteur | null): Promise<number> {
  if (!expediteur) return 0;
  const enAttente = await db
    .select()
    .from(notifications)
    .where(isNull(notifications.envoyeeLe))
    .orderBy(asc(notifications.creeLe))
    .limit(200);
  let envoyees = 0;
  for (const n of enAttente) {
    const [pris] = await db
      .update(notifications)
      .set({ envoyeeLe: new Date() })
      .where(and(eq(notifications.id, n.id), isNull(notifications.envoyeeLe)))
      .returning({ id: notifications.id });
    if (!pris) continue;
    const comptes = await db
      .select({ email: utilisateurs.email })
      .from(adhesions)
      .innerJoin(utilisateurs, eq(utilisateurs.id, adhesions.utilisateurId))
      .where(
        and(
          eq(adhesions.organisationId, n.organisationId),
          eq(utilisateurs.actif, true),
          inArray(adhesions.role, ['agent_bailleur', 'agent_reservataire', 'pilote_etat']),
        ),
      );
    if (comptes.length === 0) continue;
    const [org] = await db
      .select({ nom: organisations.nom })
      .from(organisations)
      .where(eq(organisations.id, n.organisationId));
    try {
      await expediteur.envoyer({
        to: comptes.map((c) => c.email).sort(),
        subject: `[Flux] ${n.titre}`,
        text: `Bonjour,\n\n${n.message}\n\nCette notification est adressée à ${org?.nom ?? n.organisationId}. Retrouvez-la dans Flux, rubrique « Boîte de réception ».\n\n— Flux, gestion en flux des droits de réservation\n`,
      });
      envoyees++;
    } catch {
      await db.update(notifications).set({ envoyeeLe: null }).where(eq(notifications.id, n.id));
    }
  }
  return envoyees;
}
