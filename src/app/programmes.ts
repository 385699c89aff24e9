/**
 * New programmes and the rights negotiated at their financing (issue 14 item 4; ADR 0035, 0047).
 * The bailleur records, per programme, the financing decision and the réservataires' rights in
 * order (Action Logement k first lettings « au moment du financement »…); each entry is a new
 * version of the whole list, audited. The year's engine reads the version in force
 * (`programmesDuBailleur`): a programme's first lettings go to those rights, then it joins the flow.
 * Who reads: the bailleur its programmes, a réservataire those where it holds rights, the State
 * pilot those of its département.
 */
import { and, asc, count, desc, eq, inArray, isNotNull, max, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  communes,
  conventions,
  droitsProgrammes,
  evenementsFlux,
  logements,
  organisations,
  programmes,
  utilisateurs,
} from '../db/schema.ts';
import type { ProgrammeApi, ProgrammesApi, SaisieDroitsProgramme } from '../contracts/programmes.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import type { Programme } from '../domain/types.ts';
import { journaliser } from './audit.ts';
import { Conflit, Interdit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';

const LECTEURS = ['agent_bailleur', 'agent_reservataire', 'pilote_etat'] as const;

/** Programmes listed at most (a search narrows the list). */
export const MAX_PROGRAMMES = 100;

/** The version in force of each programme's rights, for the programmes given (latest version each). */
async function droitsEnVigueur(
  tx: Tx,
  ids: string[],
): Promise<Map<string, typeof droitsProgrammes.$inferSelect & { saisiParNom: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ d: droitsProgrammes, saisiParNom: utilisateurs.nom })
    .from(droitsProgrammes)
    .innerJoin(utilisateurs, eq(utilisateurs.id, droitsProgrammes.saisiPar))
    .where(inArray(droitsProgrammes.programmeId, ids))
    .orderBy(droitsProgrammes.programmeId, desc(droitsProgrammes.version));
  const r = new Map<string, typeof droitsProgrammes.$inferSelect & { saisiParNom: string }>();
  for (const row of rows)
    if (!r.has(row.d.programmeId)) r.set(row.d.programmeId, { ...row.d, saisiParNom: row.saisiParNom });
  return r;
}

/**
 * The programmes with rights in force of a bailleur in a département, as the engine reads them
 * (`Scenario.programmes`), with every unit of theirs (the engine must know a first letting's
 * programme whenever it is declared, so a resumed year and a full replay agree).
 */
export async function programmesDuBailleur(
  tx: Tx,
  bailleurId: string,
  departement: string,
): Promise<{ programmes: Programme[]; logements: string[] }> {
  const avecDroits = await tx
    .selectDistinct({ id: programmes.id, nom: programmes.nom })
    .from(programmes)
    .innerJoin(droitsProgrammes, eq(droitsProgrammes.programmeId, programmes.id))
    .where(eq(programmes.bailleurId, bailleurId))
    .orderBy(asc(programmes.id));
  if (avecDroits.length === 0) return { programmes: [], logements: [] };
  const droits = await droitsEnVigueur(
    tx,
    avecDroits.map((p) => p.id),
  );
  const unites = await tx
    .select({ id: logements.id, programme: logements.programmeId })
    .from(logements)
    .where(
      and(
        inArray(
          logements.programmeId,
          avecDroits.map((p) => p.id),
        ),
        eq(logements.departement, departement),
      ),
    )
    .orderBy(asc(logements.id));
  const r: Programme[] = [];
  for (const p of avecDroits) {
    const d = droits.get(p.id);
    const siens = unites.filter((u) => u.programme === p.id).map((u) => u.id);
    if (!d || d.droits.length === 0 || siens.length === 0) continue;
    r.push({
      id: p.id,
      nom: p.nom,
      financement: { decision: d.decisionFinancement, date: d.dateFinancement },
      logements: siens,
      droits: d.droits.map((x) => ({ ...x })),
    });
  }
  return { programmes: r, logements: r.flatMap((p) => p.logements) };
}

/** The bailleur whose programmes the actor reads: its own, or the one asked (réservataire, State pilot). */
function bailleurLu(acteur: Acteur, demande: string | undefined): string {
  if (acteur.role === 'agent_bailleur') {
    if (demande && demande !== acteur.organisationId)
      throw new Interdit('vous ne consultez que les programmes de votre organisation');
    return acteur.organisationId;
  }
  if (!demande) throw new Introuvable('précisez le bailleur');
  return demande;
}

/**
 * A bailleur's new programmes (first lettings declared or rights entered), or those whose name or
 * commune matches `recherche`: units, first lettings, rights in force and how many versions.
 * Filtered by who reads.
 */
export async function listerProgrammes(
  tx: Tx,
  acteur: Acteur,
  q: { bailleur?: string | undefined; recherche?: string | undefined },
): Promise<ProgrammesApi> {
  exiger(acteur, LECTEURS, 'consulter les programmes');
  const bailleurId = bailleurLu(acteur, q.bailleur);
  const [bailleur] = await tx
    .select({ nom: organisations.nom })
    .from(organisations)
    .where(and(eq(organisations.id, bailleurId), eq(organisations.categorie, 'bailleur')));
  if (!bailleur) throw new Introuvable('bailleur introuvable');
  // First lettings declared per programme (liberations marked « première mise en location »).
  const premieres = await tx
    .select({ programme: logements.programmeId, n: count() })
    .from(evenementsFlux)
    .innerJoin(logements, eq(logements.id, sql`${evenementsFlux.evenement} ->> 'logement'`))
    .where(
      and(
        eq(evenementsFlux.bailleurId, bailleurId),
        isNotNull(logements.programmeId),
        sql`${evenementsFlux.evenement} ->> 'type' = 'liberation'`,
        sql`(${evenementsFlux.evenement} ->> 'premiereMiseEnLocation')::boolean is true`,
      ),
    )
    .groupBy(logements.programmeId);
  const nPremieres = new Map(premieres.map((v) => [v.programme!, v.n]));
  const avecDroits = await tx
    .selectDistinct({ id: droitsProgrammes.programmeId })
    .from(droitsProgrammes)
    .innerJoin(programmes, eq(programmes.id, droitsProgrammes.programmeId))
    .where(eq(programmes.bailleurId, bailleurId));
  // New programmes (first lettings declared, or rights entered); any programme by its name when searched.
  const neufs = [...new Set([...nPremieres.keys(), ...avecDroits.map((p) => p.id)])];
  const recherche = q.recherche?.trim();
  const ps = await tx
    .select({
      id: programmes.id,
      nom: programmes.nom,
      commune: programmes.commune,
      communeNom: communes.nom,
      departement: communes.departement,
    })
    .from(programmes)
    .leftJoin(communes, eq(communes.code, programmes.commune))
    .where(
      and(
        eq(programmes.bailleurId, bailleurId),
        recherche
          ? sql`(${programmes.nom} ilike ${`%${recherche}%`} or ${communes.nom} ilike ${`%${recherche}%`})`
          : neufs.length
            ? inArray(programmes.id, neufs)
            : sql`false`,
      ),
    )
    .orderBy(asc(programmes.nom), asc(programmes.id))
    .limit(MAX_PROGRAMMES + 1);
  const tronque = ps.length > MAX_PROGRAMMES;
  ps.length = Math.min(ps.length, MAX_PROGRAMMES);
  const ids = ps.map((p) => p.id);
  const droits = await droitsEnVigueur(tx, ids);
  const versions = ids.length
    ? await tx
        .select({ programme: droitsProgrammes.programmeId, n: count() })
        .from(droitsProgrammes)
        .where(inArray(droitsProgrammes.programmeId, ids))
        .groupBy(droitsProgrammes.programmeId)
    : [];
  const nVersions = new Map(versions.map((v) => [v.programme, v.n]));
  const parc = ids.length
    ? await tx
        .select({ programme: logements.programmeId, n: count() })
        .from(logements)
        .where(inArray(logements.programmeId, ids))
        .groupBy(logements.programmeId)
    : [];
  const nUnites = new Map(parc.map((v) => [v.programme!, v.n]));
  const partenaires = await reservatairesDuBailleur(tx, bailleurId);
  const nomDe = new Map(partenaires.map((r) => [r.id, r.nom]));
  const lignes: ProgrammeApi[] = ps.map((p) => {
    const d = droits.get(p.id);
    return {
      id: p.id,
      nom: p.nom,
      commune: p.communeNom ?? p.commune,
      departement: p.departement,
      logements: nUnites.get(p.id) ?? 0,
      premieresLocations: nPremieres.get(p.id) ?? 0,
      version: d?.version ?? 0,
      versions: nVersions.get(p.id) ?? 0,
      financement: d ? { decision: d.decisionFinancement, date: d.dateFinancement } : null,
      livraisonPrevue: d?.livraisonPrevue ?? null,
      droits: (d?.droits ?? []).map((x) => ({
        reservataire: x.reservataire,
        nom: nomDe.get(x.reservataire) ?? 'réservataire sans convention avec le bailleur',
        logements: x.logements,
      })),
      saisi: d ? { par: d.saisiParNom, le: d.saisiLe.toISOString() } : null,
    };
  });
  const visibles = lignes.filter((p) => {
    if (acteur.role === 'agent_reservataire') return p.droits.some((d) => d.reservataire === acteur.organisationId);
    if (acteur.role === 'pilote_etat') return p.departement === acteur.departement;
    return true;
  });
  return {
    bailleur: { id: bailleurId, nom: bailleur.nom },
    programmes: visibles,
    tronque,
    reservataires: acteur.role === 'agent_bailleur' ? partenaires : [],
    modifiable: acteur.role === 'agent_bailleur',
  };
}

/** The réservataires that have (or had) a convention with the bailleur: those who can hold rights. */
async function reservatairesDuBailleur(tx: Tx, bailleurId: string): Promise<{ id: string; nom: string }[]> {
  return tx
    .selectDistinct({ id: organisations.id, nom: organisations.nom })
    .from(conventions)
    .innerJoin(organisations, eq(organisations.id, conventions.reservataireId))
    .where(eq(conventions.bailleurId, bailleurId))
    .orderBy(asc(organisations.nom));
}

/**
 * Records a new version of a programme's rights (the whole list, in order). Only the programme's
 * bailleur; each right's réservataire must have a convention with it; the rights cannot exceed the
 * programme's units; refused when another version was entered since the form was filled.
 */
export async function enregistrerDroitsProgramme(
  tx: Tx,
  acteur: Acteur,
  programmeId: string,
  saisie: SaisieDroitsProgramme,
  aujourdhui: string,
): Promise<{ version: number }> {
  exiger(acteur, ['agent_bailleur'], 'saisir les droits d’un programme');
  const [p] = await tx.select().from(programmes).where(eq(programmes.id, programmeId));
  if (!p || p.bailleurId !== acteur.organisationId) throw new Introuvable('programme introuvable');
  const problemes: Probleme[] = [];
  if (saisie.livraisonPrevue && saisie.livraisonPrevue < saisie.dateFinancement)
    problemes.push({
      chemin: 'livraisonPrevue',
      message: 'livraison prévue : après la décision de financement',
    });
  if (saisie.dateFinancement > aujourdhui)
    problemes.push({
      chemin: 'dateFinancement',
      message: 'date de la décision de financement : elle ne peut pas être future',
    });
  const partenaires = new Map((await reservatairesDuBailleur(tx, p.bailleurId)).map((r) => [r.id, r.nom]));
  const vus = new Set<string>();
  saisie.droits.forEach((d, i) => {
    if (!partenaires.has(d.reservataire))
      problemes.push({
        chemin: `droits[${i}].reservataire`,
        message: `droit n° ${i + 1} : ce réservataire n’a pas de convention avec votre organisation`,
      });
    if (vus.has(d.reservataire))
      problemes.push({
        chemin: `droits[${i}].reservataire`,
        message: `droit n° ${i + 1} : ${partenaires.get(d.reservataire) ?? 'ce réservataire'} figure déjà plus haut ; additionnez ses logements`,
      });
    vus.add(d.reservataire);
  });
  const [parc] = await tx.select({ n: count() }).from(logements).where(eq(logements.programmeId, programmeId));
  const total = saisie.droits.reduce((s, d) => s + d.logements, 0);
  if (total > (parc?.n ?? 0))
    problemes.push({
      chemin: 'droits',
      message: `${total} logements de droits pour un programme de ${parc?.n ?? 0} logements : réduisez les droits`,
    });
  if (problemes.length) throw new DonneesInvalides(problemes);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`droits_programmes:${programmeId}`}))`);
  const [derniere] = await tx
    .select({ v: max(droitsProgrammes.version) })
    .from(droitsProgrammes)
    .where(eq(droitsProgrammes.programmeId, programmeId));
  const courante = derniere?.v ?? 0;
  if (courante !== saisie.versionAttendue)
    throw new Conflit('les droits de ce programme ont été modifiés entre-temps : rechargez la page et vérifiez-les');
  const version = courante + 1;
  const ligne = {
    programmeId,
    version,
    decisionFinancement: saisie.decisionFinancement,
    dateFinancement: saisie.dateFinancement,
    livraisonPrevue: saisie.livraisonPrevue ?? null,
    droits: saisie.droits.map((d) => ({ reservataire: d.reservataire, logements: d.logements })),
    saisiPar: acteur.utilisateurId,
  };
  await tx.insert(droitsProgrammes).values(ligne);
  await journaliser(tx, acteur, {
    action: 'programme.droits.saisir',
    cibleType: 'programme',
    cibleId: programmeId,
    avant: courante ? { version: courante } : null,
    apres: { ...ligne, saisiPar: undefined },
  });
  return { version };
}

/** A programme delivered in a year, as the forecast of that year counts it. */
export interface LivraisonProgramme {
  programme: string;
  nom: string;
  livraisonPrevue: string;
  /** Its units in the département: its first lettings. */
  logements: number;
  droits: { reservataire: string; nom: string; logements: number }[];
}

/**
 * The bailleur's programmes whose planned delivery (rights version in force) falls in `annee`, with
 * their units in the département and the rights negotiated at their financing: what the year's
 * forecast counts as first lettings, and who holds them.
 */
export async function livraisonsDeLAnnee(
  tx: Tx,
  bailleurId: string,
  departement: string,
  annee: number,
): Promise<LivraisonProgramme[]> {
  const ps = await tx
    .selectDistinct({ id: programmes.id, nom: programmes.nom })
    .from(programmes)
    .innerJoin(droitsProgrammes, eq(droitsProgrammes.programmeId, programmes.id))
    .where(eq(programmes.bailleurId, bailleurId));
  const droits = await droitsEnVigueur(
    tx,
    ps.map((p) => p.id),
  );
  const livres = ps.filter((p) => droits.get(p.id)?.livraisonPrevue?.startsWith(`${annee}-`));
  if (livres.length === 0) return [];
  const parc = await tx
    .select({ programme: logements.programmeId, n: count() })
    .from(logements)
    .where(
      and(
        inArray(
          logements.programmeId,
          livres.map((p) => p.id),
        ),
        eq(logements.departement, departement),
      ),
    )
    .groupBy(logements.programmeId);
  const nUnites = new Map(parc.map((v) => [v.programme!, v.n]));
  const nomDe = new Map((await reservatairesDuBailleur(tx, bailleurId)).map((r) => [r.id, r.nom]));
  return livres
    .filter((p) => (nUnites.get(p.id) ?? 0) > 0)
    .map((p) => {
      const d = droits.get(p.id)!;
      return {
        programme: p.id,
        nom: p.nom,
        livraisonPrevue: d.livraisonPrevue!,
        logements: nUnites.get(p.id)!,
        droits: d.droits.map((x) => ({ ...x, nom: nomDe.get(x.reservataire) ?? 'réservataire sans convention' })),
      };
    })
    .sort((a, b) => (a.livraisonPrevue < b.livraisonPrevue ? -1 : a.livraisonPrevue > b.livraisonPrevue ? 1 : 0));
}
