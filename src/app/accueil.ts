/** Use case "home screen": the figures each role sees first, from its own scope only. */
import { count, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { conventions, logements, organisations, utilisateurs } from '../db/schema.ts';
import type { AccueilApi, LigneConventionApi } from '../contracts/api.ts';
import { chiffresLigne } from '../domain/bilan.ts';
import { BAILLEUR } from '../domain/types.ts';
import { resultatAnnee } from './annee.ts';
import { memoiser } from './memo.ts';
import { porteeConventions, porteeLogements } from './portee.ts';
import type { Acteur } from './roles.ts';

export async function stock(tx: Tx, acteur: Acteur): Promise<AccueilApi['stock']> {
  const portee = porteeLogements(acteur);
  const compter = async (colonne: typeof logements.typologie | typeof logements.financement) => {
    const rows = await tx
      .select({ v: colonne, n: count() })
      .from(logements)
      .where(portee)
      .groupBy(colonne)
      .orderBy(colonne);
    return Object.fromEntries(rows.map((r) => [r.v, r.n]));
  };
  const [totaux] = await tx
    .select({
      logements: count(),
      horsFlux: sql<number>`count(${logements.horsFlux})::int`,
      enQpv: sql<number>`count(${logements.qpv})::int`,
    })
    .from(logements)
    .where(portee);
  return {
    logements: totaux?.logements ?? 0,
    horsFlux: Number(totaux?.horsFlux ?? 0),
    enQpv: Number(totaux?.enQpv ?? 0),
    parTypologie: await compter(logements.typologie),
    parFinancement: await compter(logements.financement),
  };
}

/** Ledger lines of the conventions the actor may see, for a year (the engine's figures). */
export async function lignesConventions(
  tx: Tx,
  acteur: Acteur,
  annee: number,
): Promise<{ lignes: LigneConventionApi[]; flux: NonNullable<AccueilApi['flux']> }> {
  const visibles = await tx
    .select({ convention: conventions, bailleur: organisations })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.bailleurId))
    // An EPCI's home shows its own lines as a réservataire; the conventions of its territory are on
    // « Conventions du territoire » (ADR 0040).
    .where(
      acteur.role === 'lecteur_epci'
        ? eq(conventions.reservataireId, acteur.organisationId)
        : porteeConventions(acteur),
    )
    .orderBy(conventions.bailleurId, conventions.departement, conventions.id);
  const annees = new Map<string, { bailleurId: string; bailleurNom: string; departement: string }>();
  for (const v of visibles)
    annees.set(`${v.convention.bailleurId}|${v.convention.departement}`, {
      bailleurId: v.convention.bailleurId,
      bailleurNom: v.bailleur.nom,
      departement: v.convention.departement,
    });
  const visiblesIds = new Set(visibles.map((v) => v.convention.id));
  const lignes: LigneConventionApi[] = [];
  const flux = { disponibles: 0, exclus: 0, fluxAnnuel: 0 };
  for (const a of annees.values()) {
    const { resultat, scenario } = await resultatAnnee(tx, {
      bailleurId: a.bailleurId,
      departement: a.departement,
      annee,
    });
    flux.disponibles += resultat.flux.disponibles;
    flux.fluxAnnuel += resultat.flux.fluxAnnuel;
    flux.exclus += resultat.flux.disponibles - resultat.flux.fluxAnnuel;
    const noms = new Map(scenario.reservataires.map((r) => [r.id, r]));
    for (const b of resultat.bilan) {
      const c = scenario.conventions.find((x) => x.reservataire === b.reservataire);
      const propre = b.reservataire === BAILLEUR;
      if (propre ? acteur.role !== 'agent_bailleur' && acteur.role !== 'pilote_etat' : !c || !visiblesIds.has(c.id))
        continue;
      const r = noms.get(b.reservataire);
      lignes.push({
        conventionId: c?.id ?? null,
        bailleur: { id: a.bailleurId, nom: a.bailleurNom },
        reservataire: propre
          ? { id: BAILLEUR, nom: 'Part propre du bailleur', type: 'bailleur' }
          : { id: b.reservataire, nom: r?.nom ?? b.reservataire, type: r?.type ?? '' },
        departement: a.departement,
        ...chiffresLigne(b),
      });
    }
  }
  return { lignes, flux };
}

const PERIMETRES: Record<Acteur['role'], string> = {
  agent_bailleur: 'Vous voyez le patrimoine, les locations et toutes les conventions de votre organisme.',
  agent_reservataire: 'Vous voyez vos conventions avec chaque bailleur et les logements orientés vers vous.',
  pilote_etat:
    'Vous voyez tous les bailleurs et toutes les conventions de votre département, en lecture ; vous agissez sur le contingent de l’État.',
  lecteur_epci:
    'Vous voyez le patrimoine social et les objectifs d’attribution de votre territoire, et saisissez les objectifs de votre CIA.',
  administrateur: 'Vous gérez les organisations et les comptes ; vous ne voyez aucune donnée de logement.',
};

/**
 * The actor's units by kind, kept in memory on `db`: only an import or a change no scope describes
 * changes units (a letting, a CAL session or offer never does), so a declaration keeps it (ADR 0023).
 */
export function stockEnCache(db: Tx, acteur: Acteur): Promise<AccueilApi['stock']> {
  return memoiser(db, `stock|${acteur.organisationId}|${acteur.role}`, () => stock(db, acteur), { bailleurs: [] });
}

/** Whether the home shows the actor its units. */
export const voitStock = (acteur: Acteur): boolean =>
  acteur.role === 'agent_bailleur' || acteur.role === 'pilote_etat' || acteur.role === 'lecteur_epci';

export async function accueil(
  tx: Tx,
  acteur: Acteur,
  annee: number,
  /** The units by kind, read in `tx` unless given (`stockEnCache`, read before the transaction). */
  stockLu?: AccueilApi['stock'],
): Promise<AccueilApi> {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, acteur.organisationId));
  const { lignes, flux } =
    acteur.role === 'administrateur' ? { lignes: [], flux: null } : await lignesConventions(tx, acteur, annee);
  let administration: AccueilApi['administration'] = null;
  if (acteur.role === 'administrateur') {
    const [o] = await tx.select({ n: count() }).from(organisations);
    const [u] = await tx.select({ n: count() }).from(utilisateurs);
    administration = { organisations: o?.n ?? 0, utilisateurs: u?.n ?? 0 };
  }
  return {
    role: acteur.role,
    organisation: { id: acteur.organisationId, nom: org?.nom ?? acteur.organisationId },
    annee,
    perimetre: PERIMETRES[acteur.role],
    stock: voitStock(acteur) ? (stockLu ?? (await stock(tx, acteur))) : null,
    flux: acteur.role === 'agent_bailleur' || acteur.role === 'pilote_etat' ? flux : null,
    conventions: lignes,
    administration,
  };
}
