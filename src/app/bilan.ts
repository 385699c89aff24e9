/**
 * The annual bilan of a bailleur's year in a département (issue 7; CCH R.441-5-1), as each party
 * may read it: the bailleur and the State pilot see every line, the EPCI of the territory too (the
 * bilan is addressed to it), a réservataire only its own line and its own lettings. The figures are
 * the engine's run over the stored events (`resultatAnnee`), hence those of `flux simulate --bilan`
 * on the same year.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, conventions, epcis, logements, organisations } from '../db/schema.ts';
import { bilanAnnuel, bilanDuReservataire, type BilanAnnuel } from '../domain/bilan.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { Scenario } from '../domain/types.ts';
import { nomEpci } from '../import/cog.ts';
import { resultatAnnee, type CleAnnee } from './annee.ts';
import { Interdit, Introuvable } from './errors.ts';
import { volumePruPrevu } from './prevision.ts';
import { exiger, type Acteur } from './roles.ts';

export interface BilanAccessible {
  bailleurId: string;
  bailleur: string;
  departement: string;
}

const ROLES_BILAN = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

/** The (bailleur, département) pairs whose bilan the actor may read. */
export async function bilansAccessibles(tx: Tx, acteur: Acteur): Promise<BilanAccessible[]> {
  exiger(acteur, ROLES_BILAN, 'consulter un bilan annuel');
  let rows: { bailleurId: string; departement: string }[];
  switch (acteur.role) {
    case 'agent_bailleur':
      rows = await tx
        .selectDistinct({ bailleurId: conventions.bailleurId, departement: conventions.departement })
        .from(conventions)
        .where(eq(conventions.bailleurId, acteur.organisationId));
      break;
    case 'agent_reservataire':
      rows = await tx
        .selectDistinct({ bailleurId: conventions.bailleurId, departement: conventions.departement })
        .from(conventions)
        .where(eq(conventions.reservataireId, acteur.organisationId));
      break;
    case 'pilote_etat':
      rows = acteur.departement
        ? await tx
            .selectDistinct({ bailleurId: conventions.bailleurId, departement: conventions.departement })
            .from(conventions)
            .where(eq(conventions.departement, acteur.departement))
        : [];
      break;
    default:
      rows = acteur.epci
        ? await tx
            .selectDistinct({ bailleurId: conventions.bailleurId, departement: conventions.departement })
            .from(conventions)
            .where(
              sql`exists (select 1 from ${logements} l where l.bailleur_id = ${conventions.bailleurId} and l.departement = ${conventions.departement} and l.epci = ${acteur.epci})`,
            )
        : [];
  }
  if (rows.length === 0) return [];
  const noms = await tx
    .select({ id: organisations.id, nom: organisations.nom })
    .from(organisations)
    .where(
      inArray(
        organisations.id,
        rows.map((r) => r.bailleurId),
      ),
    );
  const nom = new Map(noms.map((n) => [n.id, n.nom]));
  return rows
    .map((r) => ({ ...r, bailleur: nom.get(r.bailleurId) ?? r.bailleurId }))
    .sort((a, b) => a.bailleur.localeCompare(b.bailleur, 'fr') || a.departement.localeCompare(b.departement));
}

/**
 * The bilan of `cle` as the actor may read it. A bailleur may omit its own id; a bailleur or
 * département the actor has no bilan for is "not found" (existence is not disclosed).
 */
export async function lireBilan(tx: Tx, acteur: Acteur, q: QuestionBilan): Promise<BilanAnnuel> {
  exiger(acteur, ROLES_BILAN, 'consulter un bilan annuel');
  const cle = await cleAccessible(tx, acteur, q);
  const { bailleurId, departement } = cle;
  const { resultat, scenario } = await resultatAnnee(tx, cle);
  const codes = [...new Set(scenario.logements.map((l) => l.commune))];
  const noms = codes.length
    ? await tx.select({ code: communes.code, nom: communes.nom }).from(communes).where(inArray(communes.code, codes))
    : [];
  // The EPCIs' names for the objectives per EPCI (measured against each one's CIA, ADR 0038).
  const sirens = Object.keys(resultat.objectifs.parEpci);
  const epcisNommes = sirens.length
    ? await tx.select({ siren: epcis.siren, nom: epcis.nom }).from(epcis).where(inArray(epcis.siren, sirens))
    : [];
  const bilan = bilanAnnuel(scenario, resultat, {
    communes: new Map(noms.map((n) => [n.code, n.nom])),
    volumePru: await volumePruPrevu(tx, cle),
    epcis: new Map(sirens.map((e) => [e, epcisNommes.find((x) => x.siren === e)?.nom ?? nomEpci(e) ?? `EPCI ${e}`])),
  });
  if (acteur.role !== 'agent_reservataire') return bilan;
  const [conv] = await tx
    .select({ id: conventions.id })
    .from(conventions)
    .where(
      and(
        eq(conventions.bailleurId, bailleurId),
        eq(conventions.departement, departement),
        eq(conventions.reservataireId, acteur.organisationId),
      ),
    );
  if (!conv) throw new Interdit('vous n’avez pas de convention avec ce bailleur dans ce département');
  return bilanDuReservataire(bilan, acteur.organisationId);
}

/**
 * The year's stored events as a scenario of `flux simulate` (the file `flux simulate --bilan`
 * recomputes the bilan from, identically). For the parties who read every line — the bailleur, the
 * State pilot, the EPCI — never a réservataire: the file holds every line's lettings.
 */
export async function scenarioDuBilan(tx: Tx, acteur: Acteur, q: QuestionBilan): Promise<Scenario> {
  exiger(acteur, ['agent_bailleur', 'pilote_etat', 'lecteur_epci'], 'télécharger le scénario de l’année');
  return (await resultatAnnee(tx, await cleAccessible(tx, acteur, q))).scenario;
}

export interface QuestionBilan {
  bailleurId?: string | undefined;
  departement?: string | undefined;
  annee: number;
}

/** The year asked for, once checked that the actor may read its bilan. */
async function cleAccessible(tx: Tx, acteur: Acteur, q: QuestionBilan): Promise<CleAnnee> {
  if (!Number.isInteger(q.annee) || q.annee < 2000 || q.annee > 2100)
    throw new DonneesInvalides([{ chemin: 'annee', message: 'année invalide' }]);
  const accessibles = await bilansAccessibles(tx, acteur);
  const bailleurId = q.bailleurId ?? (acteur.role === 'agent_bailleur' ? acteur.organisationId : undefined);
  if (!bailleurId)
    throw new DonneesInvalides([{ chemin: 'bailleur', message: 'indiquez le bailleur dont vous voulez le bilan' }]);
  const siens = accessibles.filter((a) => a.bailleurId === bailleurId);
  const departement = q.departement ?? (siens.length === 1 ? siens[0]!.departement : undefined);
  if (!departement) {
    if (siens.length === 0) throw new Introuvable(`aucun bilan accessible pour le bailleur ${bailleurId}`);
    throw new DonneesInvalides([
      { chemin: 'departement', message: `indiquez le département (${siens.map((s) => s.departement).join(', ')})` },
    ]);
  }
  if (!siens.some((s) => s.departement === departement))
    throw new Introuvable(`aucun bilan accessible pour le bailleur ${bailleurId} dans le département ${departement}`);
  return { bailleurId, departement, annee: q.annee };
}
