/**
 * Delegation of the State's contingent to a maire or an EPCI president (CCH L.441-1; issue 14 item
 * 5, ADR 0040). The State pilot records the préfet's delegation — the delegatee (a commune or an
 * EPCI organisation of its département), the communes it covers, its first and last day, the act —
 * once, audited. From its first to its last day included, the delegatee's agents hold in their inbox
 * the units oriented to the State's line in those communes: they propose the candidates and follow
 * the letting; the State pilot keeps the view (its inbox shows the units as delegated, without
 * proposing). The next day, the units go back to the State pilot's inbox.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, delegationsContingent, logements, organisations, utilisateurs } from '../db/schema.ts';
import type { DelegationApi, DelegationsApi } from '../contracts/territoire.ts';
import { ajouterJours, dateCourte, jourParis } from '../domain/calendrier.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { statutDelegation } from '../domain/territoire.ts';
import { journaliser } from './audit.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';

/** A delegation as the inbox reads it. */
export interface DelegationActive {
  id: string;
  departement: string;
  etatId: string;
  delegataireId: string;
  delegataireNom: string;
  communes: string[];
  debut: string;
  fin: string;
  acte: string;
}

/**
 * The delegations holding on `jour`: those given to `organisationId` (`role: 'delegataire'`) or
 * those of the State's line `organisationId` (`role: 'etat'`).
 */
export async function delegationsActives(
  tx: Tx,
  organisationId: string,
  jour: string,
  role: 'delegataire' | 'etat' = 'delegataire',
): Promise<DelegationActive[]> {
  const rows = await tx
    .select({ d: delegationsContingent, nom: organisations.nom })
    .from(delegationsContingent)
    .innerJoin(organisations, eq(organisations.id, delegationsContingent.delegataireId))
    .where(
      and(
        role === 'delegataire'
          ? eq(delegationsContingent.delegataireId, organisationId)
          : eq(delegationsContingent.etatId, organisationId),
        lte(delegationsContingent.debut, jour),
        gte(delegationsContingent.fin, jour),
      ),
    );
  return rows.map(({ d, nom }) => ({
    id: d.id,
    departement: d.departement,
    etatId: d.etatId,
    delegataireId: d.delegataireId,
    delegataireNom: nom,
    communes: d.communes as string[],
    debut: d.debut,
    fin: d.fin,
    acte: d.acte,
  }));
}

/** The delegation of the State's line `etatId` holding on `jour` for the unit `logementId`, if any. */
export async function delegationDuLogement(
  tx: Tx,
  etatId: string,
  logementId: string,
  jour: string,
): Promise<DelegationActive | null> {
  const [l] = await tx.select({ commune: logements.commune }).from(logements).where(eq(logements.id, logementId));
  if (!l) return null;
  return (await delegationsActives(tx, etatId, jour, 'etat')).find((d) => d.communes.includes(l.commune)) ?? null;
}

/** The organisations a State pilot may delegate to: communes and EPCIs of its département. */
async function delegatairesPossibles(tx: Tx, departement: string) {
  const sirens = (
    await tx.selectDistinct({ epci: communes.epci }).from(communes).where(eq(communes.departement, departement))
  )
    .map((r) => r.epci)
    .filter((x): x is string => !!x);
  const rows = await tx
    .select()
    .from(organisations)
    .where(
      or(
        and(eq(organisations.typeReservataire, 'commune'), eq(organisations.departement, departement)),
        sirens.length
          ? and(eq(organisations.typeReservataire, 'epci'), inArray(organisations.epci, sirens))
          : sql`false`,
      ),
    )
    .orderBy(asc(organisations.nom));
  return rows;
}

/** GET /api/delegations — the State pilot's delegations of its département, or those given to the actor's organisation. */
export async function listerDelegations(tx: Tx, acteur: Acteur, aujourdhui: string): Promise<DelegationsApi> {
  exiger(acteur, ['pilote_etat', 'agent_reservataire', 'lecteur_epci'], 'consulter les délégations du contingent');
  const cond =
    acteur.role === 'pilote_etat'
      ? acteur.departement
        ? eq(delegationsContingent.departement, acteur.departement)
        : sql`false`
      : eq(delegationsContingent.delegataireId, acteur.organisationId);
  const rows = await tx
    .select({ d: delegationsContingent, nom: organisations.nom, auteur: utilisateurs.nom })
    .from(delegationsContingent)
    .innerJoin(organisations, eq(organisations.id, delegationsContingent.delegataireId))
    .leftJoin(utilisateurs, eq(utilisateurs.id, delegationsContingent.enregistrePar))
    .where(cond)
    .orderBy(desc(delegationsContingent.debut), asc(delegationsContingent.id));
  const codes = [...new Set(rows.flatMap((r) => r.d.communes as string[]))];
  const noms = new Map(
    codes.length
      ? (
          await tx
            .select({ code: communes.code, nom: communes.nom })
            .from(communes)
            .where(inArray(communes.code, codes))
        ).map((c) => [c.code, c.nom])
      : [],
  );
  const delegations: DelegationApi[] = rows.map(({ d, nom, auteur }) => ({
    id: d.id,
    departement: d.departement,
    delegataire: { id: d.delegataireId, nom },
    communes: (d.communes as string[]).map((code) => ({ code, nom: noms.get(code) ?? code })),
    debut: d.debut,
    fin: d.fin,
    acte: d.acte,
    statut: statutDelegation(d, aujourdhui),
    enregistreLe: d.enregistreLe.toISOString(),
    auteur: auteur ?? null,
    finAnticipee: d.finInitiale ? { finInitiale: d.finInitiale, motif: d.motifFin ?? '' } : null,
    terminable: acteur.role === 'pilote_etat' && d.etatId === acteur.organisationId && d.fin >= aujourdhui,
  }));
  const possibles =
    acteur.role === 'pilote_etat' && acteur.departement ? await delegatairesPossibles(tx, acteur.departement) : [];
  return {
    aujourdhui,
    delegations,
    delegatairesPossibles: possibles.map((o) => ({ id: o.id, nom: o.nom, type: o.typeReservataire ?? '' })),
  };
}

/**
 * POST /api/delegations — the préfet's delegation, recorded by the State pilot of the département:
 * to a commune (its own territory) or an EPCI (communes of its territory), for dates that end today
 * or later, never two delegations of one commune on overlapping dates. Never changed afterwards,
 * but ended early by the préfet's decision (`terminerDelegation`).
 */
export async function enregistrerDelegation(
  tx: Tx,
  acteur: Acteur,
  entree: { delegataire: string; communes: string[]; debut: string; fin: string; acte: string },
  aujourdhui: string,
): Promise<DelegationsApi> {
  exiger(acteur, ['pilote_etat'], 'enregistrer une délégation du contingent de l’État');
  const departement = acteur.departement;
  if (!departement) throw new Interdit('votre organisation n’est rattachée à aucun département');
  const possibles = await delegatairesPossibles(tx, departement);
  const d = possibles.find((o) => o.id === entree.delegataire);
  const problemes: Probleme[] = [];
  if (!d)
    problemes.push({
      chemin: 'delegataire',
      message: 'le délégataire est une commune ou un EPCI du département (CCH L.441-1)',
    });
  const demandees = [...new Set(entree.communes)];
  const connues = await tx.select().from(communes).where(inArray(communes.code, demandees));
  for (const code of demandees) {
    const c = connues.find((x) => x.code === code);
    if (!c || c.departement !== departement)
      problemes.push({ chemin: 'communes', message: `la commune ${code} n’est pas du département ${departement}` });
    else if (d?.typeReservataire === 'commune' && d.commune !== code)
      problemes.push({
        chemin: 'communes',
        message: `le maire reçoit la délégation sur sa commune seulement : ${c.nom} n’est pas ${d.nom}`,
      });
    else if (d?.typeReservataire === 'epci' && c.epci !== d.epci)
      problemes.push({ chemin: 'communes', message: `${c.nom} n’est pas du territoire de ${d.nom}` });
  }
  if (entree.fin < aujourdhui)
    problemes.push({
      chemin: 'fin',
      message: `une délégation terminée avant aujourd’hui (${dateCourte(aujourdhui)}) n’aurait aucun effet`,
    });
  if (problemes.length) throw new DonneesInvalides(problemes);
  await tx.execute(sql`select pg_advisory_xact_lock(7201204, hashtext(${departement}))`);
  const chevauchent = await tx
    .select({ d: delegationsContingent, nom: organisations.nom })
    .from(delegationsContingent)
    .innerJoin(organisations, eq(organisations.id, delegationsContingent.delegataireId))
    .where(
      and(
        eq(delegationsContingent.etatId, acteur.organisationId),
        lte(delegationsContingent.debut, entree.fin),
        gte(delegationsContingent.fin, entree.debut),
      ),
    );
  for (const c of chevauchent) {
    const communes = (c.d.communes as string[]).filter((x) => demandees.includes(x));
    if (communes.length)
      throw new Conflit(
        `une délégation à ${c.nom} (${c.d.acte}) couvre déjà ${communes.join(', ')} du ${dateCourte(c.d.debut)} au ${dateCourte(c.d.fin)}`,
      );
  }
  const ligne = {
    id: randomUUID(),
    departement,
    etatId: acteur.organisationId,
    delegataireId: d!.id,
    communes: demandees.sort(),
    debut: entree.debut,
    fin: entree.fin,
    acte: entree.acte.trim(),
    enregistrePar: acteur.utilisateurId,
  };
  await tx.insert(delegationsContingent).values(ligne);
  await journaliser(tx, acteur, {
    action: 'contingent.delegation',
    cibleType: 'delegation_contingent',
    cibleId: ligne.id,
    avant: null,
    apres: {
      delegataire: ligne.delegataireId,
      communes: ligne.communes,
      debut: ligne.debut,
      fin: ligne.fin,
      acte: ligne.acte,
    },
    motif: ligne.acte,
  });
  return listerDelegations(tx, acteur, aujourdhui);
}

/**
 * POST /api/delegations/:id/fin — the préfet ends a delegation before its last day: the State pilot
 * records the decision (its reference or reason) and the new last day, between yesterday (the
 * delegatee no longer acts from today) and the day before the act's last day, never before its
 * first day. The act's last day is kept beside; audited. From the day after, the units of those
 * communes oriented to the State go back to the pilot's inbox.
 */
export async function terminerDelegation(
  tx: Tx,
  acteur: Acteur,
  id: string,
  entree: { dernierJour: string; motif: string },
  maintenant: Date,
): Promise<DelegationsApi> {
  const aujourdhui = jourParis(maintenant);
  exiger(acteur, ['pilote_etat'], 'mettre fin à une délégation du contingent de l’État');
  await tx.execute(sql`select pg_advisory_xact_lock(7201204, hashtext(${acteur.departement ?? ''}))`);
  const [d] = await tx.select().from(delegationsContingent).where(eq(delegationsContingent.id, id));
  if (!d || d.etatId !== acteur.organisationId) throw new Introuvable('délégation introuvable');
  const veille = ajouterJours(aujourdhui, -1);
  if (d.fin < aujourdhui) throw new Conflit(`cette délégation est déjà terminée (dernier jour : ${dateCourte(d.fin)})`);
  const problemes: Probleme[] = [];
  const auPlusTot = d.debut > veille ? d.debut : veille;
  if (entree.dernierJour < auPlusTot)
    problemes.push({
      chemin: 'dernierJour',
      message:
        d.debut > veille
          ? `la délégation commence le ${dateCourte(d.debut)} : son dernier jour ne peut pas la précéder`
          : `dernier jour : hier (${dateCourte(veille)}) au plus tôt — ce qui a été fait pendant la délégation reste acquis`,
    });
  if (entree.dernierJour >= d.fin)
    problemes.push({
      chemin: 'dernierJour',
      message: `dernier jour : avant le ${dateCourte(d.fin)}, le dernier jour prévu par l’acte`,
    });
  if (problemes.length) throw new DonneesInvalides(problemes);
  const motif = entree.motif.trim();
  await tx
    .update(delegationsContingent)
    .set({
      fin: entree.dernierJour,
      finInitiale: d.finInitiale ?? d.fin,
      motifFin: motif,
      termineePar: acteur.utilisateurId,
      termineeLe: maintenant,
    })
    .where(eq(delegationsContingent.id, id));
  await journaliser(
    tx,
    acteur,
    {
      action: 'contingent.delegation.fin',
      cibleType: 'delegation_contingent',
      cibleId: id,
      avant: { fin: d.fin },
      apres: { fin: entree.dernierJour },
      motif,
    },
    maintenant,
  );
  return listerDelegations(tx, acteur, aujourdhui);
}
