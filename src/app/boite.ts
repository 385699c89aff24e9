/**
 * The réservataire's inbox (issue 6): the units the bailleur decided to orient to it (alone or in a
 * pool), with their characteristics and the countdown to its proposal deadline (Europe/Paris), and
 * the candidates it proposes by SNE number with only what the CAL needs. In delegated management
 * (`gestion: 'deleguee'`, rules.md §2) the bailleur designates on the réservataire's behalf: the
 * bailleur's inbox holds those units and only the bailleur proposes; the réservataire sees them.
 * A letting outside the flow (a mutation interne, a rehousing, a unit kept out of the flow) is in
 * the bailleur's inbox only: the bailleur designates its candidates (it pilots the operation, or
 * enters those of the operation's pilot), with no deadline; it never reaches a réservataire.
 */
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { candidatures, delaisProposition, locations, logements, organisations } from '../db/schema.ts';
import type { BoiteApi, CandidatBoite, ElementBoiteApi } from '../contracts/orientation.ts';
import type { LocationApi } from '../contracts/api.ts';
import { dateLongue, jourParis, joursEntre } from '../domain/calendrier.ts';
import type { CleAnnee } from './annee.ts';
import { parametresConventions, type ParametresConvention } from './echeances.ts';
import { noterCandidats, type MemoCotation } from './cotation.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { appliquerTransition } from './locations.ts';
import { enBoite, memoiser, porteeActeur, type Portee } from './memo.ts';
import { LIBELLES_ETAT_LOCATION } from './explication.ts';
import { piecesDesLocations } from './pieces.ts';
import { exiger, type Acteur } from './roles.ts';
import { peutLireMenage, vueMenage } from './menages.ts';
import { delegationsActives, type DelegationActive } from './delegations.ts';

const ETATS_BOITE = ['orientee', 'candidats', 'decision_cal'];
/** Candidates asked for a letting outside the flow: the household to transfer or rehouse. */
const CANDIDATS_HORS_FLUX = 1;

/** The lettings whose inbox the actor holds, before the delegated-management filter. */
function portee(acteur: Acteur) {
  if (acteur.role === 'agent_bailleur') return eq(locations.bailleurId, acteur.organisationId);
  return sql`(${locations.reservataireId} = ${acteur.organisationId} or ${locations.pool} @> ${JSON.stringify([acteur.organisationId])}::jsonb)`;
}

export async function elements(
  tx: Tx,
  acteur: Acteur,
  aujourdhui: string,
  locationId?: string,
  /** The cotation of each EPCI's demands for the day, shared by the cached inboxes (`boiteEnCache`). */
  memo: MemoCotation = new Map(),
): Promise<ElementBoiteApi[]> {
  exiger(acteur, ['agent_reservataire', 'pilote_etat', 'agent_bailleur'], 'consulter la boîte de réception');
  // Delegation of the State's contingent (CCH L.441-1, ADR 0040): the delegatee holds the State's
  // units of its communes; the State pilot keeps them in view, without proposing.
  const delegues: DelegationActive[] =
    acteur.role === 'agent_reservataire'
      ? await delegationsActives(tx, acteur.organisationId, aujourdhui)
      : acteur.role === 'pilote_etat'
        ? await delegationsActives(tx, acteur.organisationId, aujourdhui, 'etat')
        : [];
  const delegationDe = (l: typeof locations.$inferSelect, commune: string) =>
    l.pool ? undefined : delegues.find((d) => d.etatId === l.reservataireId && d.communes.includes(commune));
  const rows = await tx
    .select({ l: locations, d: delaisProposition, logement: logements, bailleur: organisations.nom })
    .from(locations)
    .leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .innerJoin(organisations, eq(organisations.id, locations.bailleurId))
    .where(
      and(
        acteur.role === 'agent_reservataire' && delegues.length
          ? or(
              portee(acteur),
              ...delegues.map((d) =>
                and(
                  eq(locations.reservataireId, d.etatId),
                  sql`${locations.pool} is null`,
                  inArray(logements.commune, d.communes),
                ),
              ),
            )
          : portee(acteur),
        acteur.role === 'agent_bailleur'
          ? or(
              and(inArray(locations.etat, ETATS_BOITE), isNotNull(delaisProposition.locationId)),
              and(inArray(locations.etat, [...ETATS_BOITE, 'exclue']), isNotNull(locations.exclusion)),
            )
          : and(inArray(locations.etat, ETATS_BOITE), isNotNull(delaisProposition.locationId)),
        locationId ? eq(locations.id, locationId) : undefined,
      ),
    )
    .orderBy(delaisProposition.echeance, locations.id);
  const pieces = await piecesDesLocations(
    tx,
    rows.map((r) => r.l.id),
  );
  // Every row's candidates in a few statements (one per row was ≈ 220 statements for a bailleur).
  const candidatsDe = new Map<string, (typeof candidatures.$inferSelect)[]>();
  const ids = rows.map((r) => r.l.id);
  for (let i = 0; i < ids.length; i += 1_000) {
    const lus = await tx
      .select()
      .from(candidatures)
      .where(inArray(candidatures.locationId, ids.slice(i, i + 1_000)))
      .orderBy(candidatures.locationId, candidatures.rang);
    for (const c of lus) {
      const deja = candidatsDe.get(c.locationId);
      if (deja) deja.push(c);
      else candidatsDe.set(c.locationId, [c]);
    }
  }
  const parametres = new Map<string, Map<string, ParametresConvention>>();
  const noms = new Map<string, string>();
  const out: ElementBoiteApi[] = [];
  const epcis = new Map<string, string | null>();
  /** The candidates as the inbox shows them, with their cotation when the reader sees the household. */
  const vues = async (cs: (typeof candidatures.$inferSelect)[], commune: string, bailleurId: string) => {
    const notes = await noterCandidats(tx, commune, cs, aujourdhui, memo, epcis);
    return cs.map((c) => {
      const voit = peutLireMenage(acteur, c, bailleurId);
      return { ...vueCandidat(c, voit), cotation: voit ? (notes.get(c.id) ?? null) : null };
    });
  };
  for (const { l, d, logement, bailleur } of rows) {
    const cands = async (pour: string | null) =>
      (candidatsDe.get(l.id) ?? []).filter((c) => !(l.pool && pour) || c.reservataireId === pour);
    const unite = {
      id: logement.id,
      commune: logement.commune,
      typologie: logement.typologie,
      financement: logement.financement,
      qpv: logement.qpv,
      construction: logement.construction,
    };
    if (l.exclusion !== null || !d) {
      if (acteur.role !== 'agent_bailleur' || l.exclusion === null) continue;
      out.push({
        locationId: l.id,
        version: l.version,
        etat: l.etat,
        bailleur: { id: l.bailleurId, nom: bailleur },
        logement: unite,
        dateLiberation: l.dateLiberation,
        // The bailleur designates for itself: it counts on no line.
        reservataire: { id: l.bailleurId, nom: bailleur },
        exclusion: l.exclusion,
        pool: null,
        gestion: 'deleguee',
        orienteeLe: l.dateLiberation,
        echeance: null,
        joursRestants: null,
        candidatsDemandes: CANDIDATS_HORS_FLUX,
        peutProposer: l.etat === 'exclue',
        candidats: await vues(await cands(null), logement.commune, l.bailleurId),
        pieces: pieces.get(l.id) ?? [],
        delegation: null,
      });
      continue;
    }
    const titulaire = l.pool ? (acteur.role === 'agent_bailleur' ? null : acteur.organisationId) : l.reservataireId;
    const cle: CleAnnee = { bailleurId: l.bailleurId, departement: l.departement, annee: l.annee };
    const k = `${cle.bailleurId}|${cle.departement}|${cle.annee}`;
    if (!parametres.has(k)) parametres.set(k, await parametresConventions(tx, cle));
    const membres = (l.pool as string[] | null) ?? (l.reservataireId ? [l.reservataireId] : []);
    // The bailleur's inbox: units of its réservataires in delegated management (the first such pool member).
    const pour =
      acteur.role === 'agent_bailleur'
        ? membres.find((m) => parametres.get(k)!.get(m)?.gestion === 'deleguee')
        : (titulaire ?? undefined);
    if (!pour) continue;
    const p = parametres.get(k)!.get(pour);
    if (!p) continue;
    if (!noms.has(pour)) {
      const [o] = await tx.select({ nom: organisations.nom }).from(organisations).where(eq(organisations.id, pour));
      noms.set(pour, o?.nom ?? pour);
    }
    const delegation = delegationDe(l, logement.commune);
    const peutProposer =
      l.etat === 'orientee' &&
      !(acteur.role === 'pilote_etat' && delegation) &&
      (acteur.role === 'agent_bailleur' ? p.gestion === 'deleguee' : p.gestion === 'directe');
    out.push({
      locationId: l.id,
      version: l.version,
      etat: l.etat,
      bailleur: { id: l.bailleurId, nom: bailleur },
      logement: unite,
      dateLiberation: l.dateLiberation,
      reservataire: { id: pour, nom: noms.get(pour)! },
      exclusion: null,
      pool: (l.pool as string[] | null) ?? null,
      gestion: p.gestion,
      orienteeLe: d.orienteeLe,
      echeance: d.echeance,
      joursRestants: d.echeance ? joursEntre(aujourdhui, d.echeance) : null,
      candidatsDemandes: p.candidatsDemandes,
      peutProposer,
      candidats: await vues(await cands(pour), logement.commune, l.bailleurId),
      pieces: pieces.get(l.id) ?? [],
      delegation: delegation
        ? { delegataire: delegation.delegataireNom, acte: delegation.acte, fin: delegation.fin }
        : null,
    });
  }
  return out;
}

/** GET /api/boite */
export async function lireBoite(
  tx: Tx,
  acteur: Acteur,
  aujourdhui: string,
  memo: MemoCotation = new Map(),
): Promise<BoiteApi> {
  return { aujourdhui, elements: await elements(tx, acteur, aujourdhui, undefined, memo) };
}

/**
 * The actor's whole inbox of the day, kept in memory on `db` until a letting, CAL session or offer
 * of its scope changes (ADR 0023): the computation per scope, that a page or a filter then reads.
 * The answer is shared between requests: never change it.
 */
export async function boiteEnCache(db: Tx, acteur: Acteur, aujourdhui: string): Promise<BoiteApi> {
  // The demands' cotation of the day per EPCI (every demand of the EPCI noted and ranked) changes
  // only with a demands import or a grid, events no scope describes: kept across the inboxes
  // recomputed after each letting's write, filled as they need it.
  const cotations = await memoiser<MemoCotation>(db, `cotation|${aujourdhui}`, () => Promise.resolve(new Map()), {
    bailleurs: [],
  });
  return memoiser(
    db,
    `boite|${acteur.organisationId}|${acteur.role}|${aujourdhui}`,
    () => db.transaction((tx) => lireBoite(tx, acteur, aujourdhui, cotations)),
    await porteeBoite(db, acteur, aujourdhui),
  );
}

/**
 * What the actor's inbox depends on: what the actor reads (`porteeActeur`) and, for a delegatee,
 * the State's units of the delegated départements (ADR 0040); a declaration in the flow does not
 * touch it (`enBoite`). Its pages share it.
 */
export async function porteeBoite(db: Tx, acteur: Acteur, aujourdhui: string): Promise<Portee> {
  const portee = await porteeActeur(db, acteur);
  if (acteur.role !== 'agent_reservataire' || portee === 'tout') return enBoite(portee);
  // Kept like `porteeActeur`'s: a delegation's change places no scope, so it drops this too.
  const departements = await memoiser(
    db,
    `delegations|${acteur.organisationId}|${aujourdhui}`,
    async () => (await delegationsActives(db, acteur.organisationId, aujourdhui)).map((d) => d.departement),
    { bailleurs: [] },
  );
  return enBoite(
    departements.length ? { ...portee, departements: [...(portee.departements ?? []), ...departements] } : portee,
  );
}

/**
 * POST /api/boite/:id/candidats — candidates by SNE number, before the deadline. The priority
 * categories are kept apart as the CAL needs them (`dalo`, `pdalhpd`, `autreL4411`); `prioritaire`
 * is any of the three, what the allocation objectives count (rules.md §6).
 */
export async function proposerCandidats(
  tx: Tx,
  acteur: Acteur,
  id: string,
  corps: { version: number; candidats: CandidatBoite[] },
  maintenant: Date,
): Promise<LocationApi> {
  const aujourdhui = jourParis(maintenant);
  const [el] = await elements(tx, acteur, aujourdhui, id);
  if (!el) throw new Introuvable('location introuvable dans votre boîte de réception');
  if (!el.peutProposer) {
    if (el.etat !== 'orientee' && el.etat !== 'exclue')
      throw new Conflit(
        `des candidats ont déjà été proposés pour cette location (elle est « ${LIBELLES_ETAT_LOCATION[el.etat] ?? el.etat} »)`,
      );
    if (el.delegation && acteur.role === 'pilote_etat')
      throw new Interdit(
        `le contingent de l’État est délégué à ${el.delegation.delegataire} pour ce logement jusqu’au ${dateLongue(el.delegation.fin)} : c’est le délégataire qui propose les candidats`,
      );
    throw new Interdit(
      el.gestion === 'deleguee'
        ? 'gestion déléguée : le bailleur désigne les candidats pour le compte du réservataire'
        : 'gestion directe : le réservataire désigne lui-même ses candidats',
    );
  }
  if (el.echeance !== null && aujourdhui > el.echeance) {
    throw new Conflit(
      `le délai de proposition a expiré le ${dateLongue(el.echeance)} : le logement revient au bailleur pour un tour`,
    );
  }
  const sne = corps.candidats.map((c) => c.numeroSne.toUpperCase());
  if (new Set(sne).size !== sne.length)
    throw new Conflit('le même numéro unique SNE figure deux fois dans la proposition');
  const date = [aujourdhui, el.orienteeLe, el.dateLiberation].sort().at(-1)!;
  const annee = Number(el.dateLiberation.slice(0, 4));
  const apres = await appliquerTransition(
    tx,
    acteur,
    id,
    {
      transition: 'proposer_candidats',
      etatAttendu: el.etat === 'exclue' ? 'exclue' : 'orientee',
      version: corps.version,
      date: date > `${annee}-12-31` ? `${annee}-12-31` : date,
      candidats: corps.candidats.map((c) => ({
        numeroSne: c.numeroSne.toUpperCase(),
        tailleMenage: c.tailleMenage,
        prioritaire: c.dalo || c.pdalhpd || c.autreL4411,
        dalo: c.dalo,
        pdalhpd: c.pdalhpd,
        autreL4411: c.autreL4411,
        enfantsMoins14: c.enfantsMoins14,
        ressourcesAnnuelles: c.ressourcesAnnuelles,
        relogement: c.relogement,
        agentEtat: c.agentEtat,
        quartile1Declare: c.quartile1Declare,
        ...(c.motifQuartile1 !== undefined ? { motifQuartile1: c.motifQuartile1 } : {}),
      })),
    },
    maintenant,
  );
  // In a pool, the candidates are the proposing réservataire's, not the provisional holder's.
  if (el.pool)
    await tx.update(candidatures).set({ reservataireId: el.reservataire.id }).where(eq(candidatures.locationId, id));
  return apres;
}

/** What a screen shows of a candidature: its SNE number, rank and what the CAL needs (ADR 0014). */
export function vueCandidat(c: typeof candidatures.$inferSelect, voit = true) {
  return {
    numeroSne: c.numeroSne,
    rang: c.rang,
    prioritaire: c.prioritaire,
    dalo: c.dalo,
    pdalhpd: c.pdalhpd,
    autreL4411: c.autreL4411,
    // Resources and composition: the bailleur and the réservataire who proposed it (docs/rgpd.md).
    ...vueMenage(c, voit),
  };
}
