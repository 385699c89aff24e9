/**
 * Use cases of the CALEOL's occupancy review (CCH L.442-5-2, ADR 0044, docs/occupation.md):
 *
 * - `importerOccupation`: a bailleur's occupancy file (`flux import occupation`, the « CALEOL »
 *   page), all or nothing: one rejected row and nothing is written, every problem by line and
 *   column, the rejected rows in an error file. One row per unit (the household in place), upserted;
 *   one audit event without a personal value.
 * - `purgerOccupations`: the households that left (a later lease of the unit signed in Flux) are
 *   erased by each import (counted in its audit event); a reading skips them meanwhile.
 * - `lireListeCaleol`: the households to examine by case, on a date, in the zones of L.442-5-2.
 * - `creerSeanceCaleol`, `enregistrerAvisCaleol`: a session and its avis per household (audited).
 * - `suivreAvisCaleol`: the follow-up of the proposal; an accepted mutation opens a letting outside
 *   the flow (`mutation_interne`) on the new unit and declares the notice of the freed unit.
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { avisCaleol, logements, occupations, seancesCaleol, zonagesCommunes } from '../db/schema.ts';
import type {
  AvisCaleolApi,
  ListeCaleolApi,
  MenageCaleolApi,
  ResumeOccupationApi,
  SeanceCaleolApi,
} from '../contracts/caleol.ts';
import {
  AVIS_CALEOL,
  CAS_CALEOL,
  LIBELLES_AVIS,
  LIBELLES_CAS,
  menagesAExaminer,
  piecesDeTypologie,
  suiviPossible,
  SUIVIS_PROPOSITION,
  type AvisCaleol,
  type OccupationCaleol,
  type SuiviProposition,
} from '../domain/caleol.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import {
  chemin,
  enregistrements,
  enteteFichierErreurs,
  ligneFichierErreurs,
  lireEntete,
  type Entete,
  type SourceOctets,
} from '../import/demandes.ts';
import { EcritureTemporaire, type FichierTemporaire } from '../import/fichier-temporaire.ts';
import {
  CHAMPS_OCCUPATION,
  COLONNES_OCCUPATION,
  lireOccupation,
  type ChampOccupation,
  type FicheOccupation,
} from '../import/occupation.ts';
import { Utf8Invalide, type Encodage } from '../import/rpls-csv.ts';
import { journaliser } from './audit.ts';
import { organisationDeLImport } from './organisation-cible.ts';
import { Conflit, Introuvable } from './errors.ts';
import { declarerLocation } from './locations.ts';
import { exiger, type Acteur, type Role } from './roles.ts';
import { dateCourte } from '../domain/calendrier.ts';

/** Who imports occupancy and runs the CALEOL: the bailleur's officers, for their own stock only. */
export const ROLES_CALEOL: readonly Role[] = ['agent_bailleur'];
export const PROBLEMES_GARDES_OCCUPATION = 50;
const LOT = 500;
const VERROU_OCCUPATION = 7_201_244;

/** Rows were rejected: nothing was written. The first problems, their number, and the error file. */
export class OccupationRefusee extends DonneesInvalides {
  constructor(
    problemes: Probleme[],
    readonly nombreProblemes: number,
    readonly rejetes: number,
    readonly erreurs: FichierTemporaire,
  ) {
    super(problemes);
  }
}

class Annulation extends Error {
  constructor(readonly refus: OccupationRefusee) {
    super('import d’occupation annulé');
  }
}

function bailleurCible(tx: Tx, acteur: Acteur | null, cible: string | null) {
  return organisationDeLImport(tx, acteur, cible, {
    roles: ROLES_CALEOL,
    action: 'importer l’occupation du patrimoine',
    autreOrganisation: 'vous n’importez que l’occupation de votre propre patrimoine',
    chemin: 'bailleur',
    categories: ['bailleur'],
    inconnue: (ref) => `bailleur inconnu : ${ref} (identifiant Flux ou SIREN d’un bailleur)`,
  });
}

/** Erases the households that left: a lease of their unit signed in Flux after theirs. */
export async function purgerOccupations(tx: Tx, bailleurId: string): Promise<number> {
  const r = await tx.execute(sql`
    delete from occupations o where o.bailleur_id = ${bailleurId} and exists (
      select 1 from locations l join baux b on b.location_id = l.id
      where l.logement_id = o.logement_id and l.etat = 'bail_signe' and b.date_signature > o.date_bail)`);
  return (
    (r as unknown as { affectedRows?: number; rowCount?: number }).affectedRows ??
    (r as { rowCount?: number }).rowCount ??
    0
  );
}

export async function importerOccupation(
  db: Db,
  acteur: Acteur | null,
  entree: { source: SourceOctets; bailleur?: string | null; aujourdhui: string },
): Promise<ResumeOccupationApi> {
  try {
    return await importerEn(db, acteur, entree, 'utf-8');
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    return importerEn(db, acteur, entree, 'windows-1252');
  }
}

type Lue = { ligne: number; v: Record<ChampOccupation, string>; fiche: FicheOccupation | null; problemes: Probleme[] };

async function importerEn(
  db: Db,
  acteur: Acteur | null,
  entree: { source: SourceOctets; bailleur?: string | null; aujourdhui: string },
  encodage: Encodage,
): Promise<ResumeOccupationApi> {
  let erreurs: EcritureTemporaire | null = null;
  try {
    return await db.transaction(async (tx) => {
      const org = await bailleurCible(tx, acteur, entree.bailleur ?? null);
      await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_OCCUPATION}, hashtext(${org.id}))`);
      const unites = new Map(
        (
          await tx
            .select({ id: logements.id, rpls: logements.rpls })
            .from(logements)
            .where(eq(logements.bailleurId, org.id))
        ).map((l) => [l.rpls.toUpperCase(), l.id]),
      );
      const empreinte = createHash('sha256');
      const problemes: Probleme[] = [];
      let nombreProblemes = 0;
      let rejetes = 0;
      let lignes = 0;
      let entete: Entete<ChampOccupation> | null = null;
      const vus = new Map<string, number>();
      const valides: (FicheOccupation & { logementId: string })[] = [];
      const rejeter = async (r: Lue) => {
        nombreProblemes += r.problemes.length;
        rejetes++;
        if (problemes.length < PROBLEMES_GARDES_OCCUPATION)
          problemes.push(...r.problemes.slice(0, PROBLEMES_GARDES_OCCUPATION - problemes.length));
        erreurs ??= await EcritureTemporaire.ouvrir(enteteFichierErreurs(entete!));
        erreurs.ajouter(ligneFichierErreurs(entete!, r.v, r.problemes));
        if (erreurs.plein) await erreurs.vider();
      };
      const source: SourceOctets = {
        nom: entree.source.nom,
        async *ouvrir() {
          for await (const m of entree.source.ouvrir()) {
            empreinte.update(m);
            yield m;
          }
        },
      };
      for await (const e of enregistrements(source, encodage)) {
        if (!entete) {
          entete = lireEntete(e, COLONNES_OCCUPATION);
          continue;
        }
        if (e.champs.every((c) => c.trim() === '')) continue;
        lignes++;
        const r: Lue = { ligne: e.ligne, ...lireOccupation(entete, e, entree.aujourdhui) };
        if (r.fiche) {
          const id = unites.get(r.fiche.rpls);
          const deja = vus.get(r.fiche.rpls);
          if (!id)
            r.problemes.push({
              chemin: chemin(e.ligne, entete.nom.rpls),
              message: `logement RPLS ${r.fiche.rpls} absent de votre patrimoine (importez d’abord le RPLS)`,
            });
          else if (deja !== undefined)
            r.problemes.push({
              chemin: chemin(e.ligne, entete.nom.rpls),
              message: `logement RPLS ${r.fiche.rpls} déjà présent ligne ${deja} (un ménage par logement)`,
            });
          else {
            vus.set(r.fiche.rpls, e.ligne);
            valides.push({ ...r.fiche, logementId: id });
          }
        }
        if (r.problemes.length) await rejeter(r);
      }
      if (!entete) entete = lireEntete(undefined, COLONNES_OCCUPATION);
      if (lignes === 0)
        throw new DonneesInvalides([{ chemin: chemin(2, entete.nom.rpls), message: 'aucun logement dans le fichier' }]);
      if (erreurs) {
        const fichier = await (erreurs as EcritureTemporaire).fermer();
        throw new Annulation(new OccupationRefusee(problemes, nombreProblemes, rejetes, fichier));
      }
      const importId = randomUUID();
      const resume: ResumeOccupationApi = {
        bailleur: org.nom,
        fichier: entree.source.nom,
        empreinte: empreinte.digest('hex'),
        encodage,
        lignes,
        nouveaux: 0,
        modifies: 0,
        inchanges: 0,
        purges: 0,
        champsModifies: {},
      };
      const existants = new Map(
        (await tx.select().from(occupations).where(eq(occupations.bailleurId, org.id))).map((o) => [o.logementId, o]),
      );
      const aInserer: (typeof occupations.$inferInsert)[] = [];
      for (const f of valides) {
        const ligne = {
          bailleurId: org.id,
          logementId: f.logementId,
          dateBail: f.dateBail,
          personnes: f.personnes,
          ressources: f.ressources,
          plafond: f.plafond,
          handicap: f.handicap,
          logementAdapte: f.logementAdapte,
          pieces: f.pieces,
          surface: f.surface === null ? null : f.surface.toFixed(2),
          importId,
        };
        const avant = existants.get(f.logementId);
        if (!avant) {
          resume.nouveaux++;
          aInserer.push({ id: randomUUID(), ...ligne });
          continue;
        }
        const ancien: Record<(typeof CHAMPS_OCCUPATION)[number], unknown> = {
          dateBail: avant.dateBail,
          personnes: avant.personnes,
          ressources: avant.ressources,
          plafond: avant.plafond,
          handicap: avant.handicap,
          logementAdapte: avant.logementAdapte,
          pieces: avant.pieces,
          surface: avant.surface === null ? null : Number(avant.surface),
        };
        const champs = CHAMPS_OCCUPATION.filter((c) => ancien[c] !== f[c]);
        if (champs.length === 0) {
          resume.inchanges++;
          continue;
        }
        resume.modifies++;
        for (const c of champs) resume.champsModifies[c] = (resume.champsModifies[c] ?? 0) + 1;
        await tx
          .update(occupations)
          .set({ ...ligne, version: sql`${occupations.version} + 1`, majLe: new Date() })
          .where(eq(occupations.id, avant.id));
      }
      for (let i = 0; i < aInserer.length; i += LOT) await tx.insert(occupations).values(aInserer.slice(i, i + LOT));
      resume.purges = await purgerOccupations(tx, org.id);
      await journaliser(tx, acteur ?? { utilisateurId: null, organisationId: org.id }, {
        action: 'occupation.importer',
        cibleType: 'import_occupation',
        cibleId: importId,
        avant: null,
        apres: { ...resume, bailleurId: org.id },
      });
      return resume;
    });
  } catch (err) {
    if (err instanceof Annulation) throw err.refus;
    if (erreurs) await (erreurs as EcritureTemporaire).supprimer();
    throw err;
  }
}

export function resumeOccupationFrancais(r: ResumeOccupationApi): string {
  return `Occupation importée pour ${r.bailleur} (${r.fichier}) : ${r.lignes} logement(s) lu(s), ${r.nouveaux} nouveau(x), ${r.modifies} modifié(s), ${r.inchanges} inchangé(s) ; ${r.purges} ménage(s) parti(s) effacé(s).`;
}

/**
 * Enters (or corrects) the household in place in one unit, named by its RPLS number: the same
 * fields and checks as a row of the file (`lireOccupation`), its problems by field. Audited
 * `occupation.saisir` with the fields changed, never a value.
 */
export async function saisirOccupation(
  tx: Tx,
  acteur: Acteur,
  d: {
    rpls: string;
    dateBail: string;
    personnes: number;
    ressources?: number | null | undefined;
    plafond?: number | null | undefined;
    handicap?: boolean | null | undefined;
    logementAdapte?: boolean | null | undefined;
    pieces?: number | null | undefined;
    surface?: number | null | undefined;
  },
  aujourdhui: string,
  maintenant: Date,
): Promise<{ rpls: string; nouveau: boolean; champs: string[] }> {
  exiger(acteur, ROLES_CALEOL, 'saisir l’occupation d’un logement');
  const texte = (v: number | boolean | null | undefined) =>
    v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'oui' : 'non') : String(v);
  const champs = [
    d.rpls,
    d.dateBail,
    String(d.personnes),
    texte(d.ressources),
    texte(d.plafond),
    texte(d.handicap),
    texte(d.logementAdapte),
    texte(d.pieces),
    texte(d.surface),
  ];
  const entete = lireEntete(
    { ligne: 0, champs: CHAMPS_SAISIE.map((c) => COLONNES_OCCUPATION[c].noms[0]), guillemetNonFerme: false },
    COLONNES_OCCUPATION,
  );
  const r = lireOccupation(entete, { ligne: 1, champs, guillemetNonFerme: false }, aujourdhui);
  if (!r.fiche)
    throw new DonneesInvalides(
      r.problemes.map((p) => ({ chemin: p.chemin.replace(/^ligne 1, colonne /, ''), message: p.message })),
    );
  const f = r.fiche;
  const [unite] = await tx
    .select({ id: logements.id, rpls: logements.rpls })
    .from(logements)
    .where(and(eq(logements.bailleurId, acteur.organisationId), eq(logements.rpls, f.rpls)));
  if (!unite) throw new Introuvable(`logement RPLS ${f.rpls} introuvable dans votre patrimoine`);
  const ligne = {
    bailleurId: acteur.organisationId,
    logementId: unite.id,
    dateBail: f.dateBail,
    personnes: f.personnes,
    ressources: f.ressources,
    plafond: f.plafond,
    handicap: f.handicap,
    logementAdapte: f.logementAdapte,
    pieces: f.pieces,
    surface: f.surface === null ? null : f.surface.toFixed(2),
    importId: null,
  };
  const [avant] = await tx.select().from(occupations).where(eq(occupations.logementId, unite.id));
  let modifies: string[] = [...CHAMPS_OCCUPATION];
  const id = avant?.id ?? randomUUID();
  if (!avant) await tx.insert(occupations).values({ id, ...ligne });
  else {
    const ancien: Record<(typeof CHAMPS_OCCUPATION)[number], unknown> = {
      dateBail: avant.dateBail,
      personnes: avant.personnes,
      ressources: avant.ressources,
      plafond: avant.plafond,
      handicap: avant.handicap,
      logementAdapte: avant.logementAdapte,
      pieces: avant.pieces,
      surface: avant.surface === null ? null : Number(avant.surface),
    };
    modifies = CHAMPS_OCCUPATION.filter((c) => ancien[c] !== f[c]);
    if (modifies.length)
      await tx
        .update(occupations)
        .set({ ...ligne, version: sql`${occupations.version} + 1`, majLe: new Date() })
        .where(eq(occupations.id, avant.id));
  }
  const resultat = { rpls: unite.rpls, nouveau: !avant, champs: modifies };
  if (modifies.length)
    await journaliser(
      tx,
      acteur,
      { action: 'occupation.saisir', cibleType: 'occupation', cibleId: id, avant: null, apres: resultat },
      maintenant,
    );
  return resultat;
}

const CHAMPS_SAISIE = [
  'rpls',
  'dateBail',
  'personnes',
  'ressources',
  'plafond',
  'handicap',
  'logementAdapte',
  'pieces',
  'surface',
] as const;

// ───────────────────────────── the list ─────────────────────────────

interface OccupationLue extends OccupationCaleol {
  rpls: string;
  adresse: string | null;
  typologie: string;
  version: number;
}

async function occupationsDuBailleur(tx: Tx, bailleurId: string): Promise<OccupationLue[]> {
  const lignes = await tx
    .select({ o: occupations, l: logements })
    .from(occupations)
    .innerJoin(logements, eq(logements.id, occupations.logementId))
    .where(
      and(
        eq(occupations.bailleurId, bailleurId),
        // A household that left (a later lease of its unit signed in Flux) is not read; the next
        // import erases it (audited there).
        sql`not exists (select 1 from locations l join baux b on b.location_id = l.id
              where l.logement_id = ${occupations.logementId} and l.etat = 'bail_signe' and b.date_signature > ${occupations.dateBail})`,
      ),
    );
  return lignes.map(({ o, l }) => ({
    id: o.id,
    commune: l.commune,
    dateBail: o.dateBail,
    personnes: o.personnes,
    pieces: o.pieces ?? piecesDeTypologie(l.typologie),
    surface: o.surface !== null ? Number(o.surface) : l.surface !== null ? Number(l.surface) : null,
    ressources: o.ressources,
    plafond: o.plafond,
    handicap: o.handicap,
    logementAdapte: o.logementAdapte,
    rpls: l.rpls,
    adresse: l.adresse,
    typologie: l.typologie,
    version: o.version,
  }));
}

async function zonesDe(tx: Tx, communes: string[]) {
  if (communes.length === 0) return [];
  return tx
    .select({
      commune: zonagesCommunes.commune,
      du: zonagesCommunes.du,
      au: zonagesCommunes.au,
      source: zonagesCommunes.source,
    })
    .from(zonagesCommunes)
    .where(and(eq(zonagesCommunes.zonage, 'zone_examen_occupation'), inArray(zonagesCommunes.commune, communes)));
}

/**
 * Per household, the latest anniversary an avis was given for: a session may examine a household
 * ahead of its anniversary (within the horizon), so the session's date would not close it.
 */
async function derniersAvis(tx: Tx, bailleurId: string): Promise<Map<string, string>> {
  const r = await tx
    .select({ occupationId: avisCaleol.occupationId, date: sql<string>`max(${avisCaleol.echeance})` })
    .from(avisCaleol)
    .innerJoin(seancesCaleol, eq(seancesCaleol.id, avisCaleol.seanceId))
    .where(eq(seancesCaleol.bailleurId, bailleurId))
    .groupBy(avisCaleol.occupationId);
  return new Map(r.flatMap((x) => (x.occupationId ? [[x.occupationId, String(x.date)] as [string, string]] : [])));
}

export async function lireListeCaleol(tx: Tx, acteur: Acteur, date: string): Promise<ListeCaleolApi> {
  exiger(acteur, ROLES_CALEOL, 'lire l’examen de l’occupation');
  const occ = await occupationsDuBailleur(tx, acteur.organisationId);
  const zones = await zonesDe(tx, [...new Set(occ.map((o) => o.commune))]);
  const liste = menagesAExaminer({
    occupations: occ,
    zones,
    date,
    dernierAvis: await derniersAvis(tx, acteur.organisationId),
  });
  const parId = new Map(occ.map((o) => [o.id, o]));
  const menages: MenageCaleolApi[] = liste.aExaminer.map((m) => {
    const o = parId.get(m.occupation.id)!;
    return {
      occupationId: o.id,
      rpls: o.rpls,
      adresse: o.adresse,
      typologie: o.typologie,
      dateBail: o.dateBail,
      personnes: o.personnes,
      echeance: m.echeance,
      echu: m.echu,
      cas: m.cas.map((c) => ({ ...c, libelle: LIBELLES_CAS[c.cas].libelle, texte: LIBELLES_CAS[c.cas].texte })),
      manquants: m.manquants,
    };
  });
  const sources = [...new Set(zones.map((z) => z.source))];
  return {
    date,
    horizonJours: liste.horizonJours,
    occupations: occ.length,
    communesEnZone: new Set(zones.map((z) => z.commune)).size,
    sourcesZones: sources,
    parCas: CAS_CALEOL.map((c) => ({
      cas: c,
      libelle: LIBELLES_CAS[c].libelle,
      texte: LIBELLES_CAS[c].texte,
      menages: liste.parCas[c],
    })),
    sansCas: liste.sansCas,
    incomplets: liste.incomplets,
    horsZone: liste.horsZone,
    nonDus: liste.nonDus,
    menages,
    seances: await lireSeances(tx, acteur.organisationId),
  };
}

// ───────────────────────────── sessions, avis, follow-up ─────────────────────────────

async function lireSeances(tx: Tx, bailleurId: string): Promise<SeanceCaleolApi[]> {
  const seances = await tx
    .select()
    .from(seancesCaleol)
    .where(eq(seancesCaleol.bailleurId, bailleurId))
    .orderBy(desc(seancesCaleol.dateSeance), desc(seancesCaleol.creeLe))
    .limit(20);
  if (seances.length === 0) return [];
  const avis = await tx
    .select({ a: avisCaleol, rpls: logements.rpls })
    .from(avisCaleol)
    .innerJoin(logements, eq(logements.id, avisCaleol.logementId))
    .where(
      inArray(
        avisCaleol.seanceId,
        seances.map((s) => s.id),
      ),
    )
    .orderBy(asc(logements.rpls));
  const proposes = new Map(
    (
      await tx
        .select({ id: logements.id, rpls: logements.rpls })
        .from(logements)
        .where(
          inArray(
            logements.id,
            avis.flatMap((x) => (x.a.logementProposeId ? [x.a.logementProposeId] : [''])),
          ),
        )
    ).map((l) => [l.id, l.rpls]),
  );
  return seances.map((s) => ({
    id: s.id,
    date: s.dateSeance,
    avis: avis
      .filter((x) => x.a.seanceId === s.id)
      .map(({ a, rpls }) => avisApi(a, rpls, a.logementProposeId ? (proposes.get(a.logementProposeId) ?? null) : null)),
  }));
}

function avisApi(a: typeof avisCaleol.$inferSelect, rpls: string, rplsPropose: string | null): AvisCaleolApi {
  return {
    id: a.id,
    rpls,
    echeance: a.echeance,
    cas: a.cas.map((c) => ({
      ...c,
      libelle: LIBELLES_CAS[c.cas as keyof typeof LIBELLES_CAS]?.libelle ?? c.cas,
      texte: LIBELLES_CAS[c.cas as keyof typeof LIBELLES_CAS]?.texte ?? '',
    })),
    avis: a.avis as AvisCaleol,
    libelleAvis: LIBELLES_AVIS[a.avis as AvisCaleol] ?? a.avis,
    caracteristiques: a.caracteristiques,
    suivi: (a.suivi as SuiviProposition | null) ?? null,
    rplsPropose,
    mutationOuverte: a.locationMutationId !== null,
    version: a.version,
  };
}

export async function creerSeanceCaleol(
  tx: Tx,
  acteur: Acteur,
  d: { date: string },
  maintenant: Date,
): Promise<SeanceCaleolApi> {
  exiger(acteur, ROLES_CALEOL, 'créer une séance de CALEOL');
  const id = randomUUID();
  await tx.insert(seancesCaleol).values({ id, bailleurId: acteur.organisationId, dateSeance: d.date });
  const apres = { id, date: d.date, avis: [] };
  await journaliser(
    tx,
    acteur,
    { action: 'caleol.creer_seance', cibleType: 'seance_caleol', cibleId: id, avant: null, apres },
    maintenant,
  );
  return apres;
}

async function seanceDuBailleur(tx: Tx, acteur: Acteur, id: string) {
  const [s] = await tx
    .select()
    .from(seancesCaleol)
    .where(and(eq(seancesCaleol.id, id), eq(seancesCaleol.bailleurId, acteur.organisationId)));
  if (!s) throw new Introuvable('séance de CALEOL introuvable');
  return s;
}

/**
 * Records the session's avis on a household due for review. The cases are computed again at the
 * anniversary (as the list showed them), and kept with the avis. Audited; one avis per household
 * per session.
 */
export async function enregistrerAvisCaleol(
  tx: Tx,
  acteur: Acteur,
  seanceId: string,
  d: { occupationId: string; avis: AvisCaleol; caracteristiques?: string | null | undefined },
  maintenant: Date,
): Promise<AvisCaleolApi> {
  exiger(acteur, ROLES_CALEOL, 'enregistrer un avis de CALEOL');
  const seance = await seanceDuBailleur(tx, acteur, seanceId);
  if (!AVIS_CALEOL.includes(d.avis))
    throw new DonneesInvalides([{ chemin: 'avis', message: `avis inconnu (${AVIS_CALEOL.join(', ')})` }]);
  const caracteristiques = d.caracteristiques?.trim() || null;
  if (d.avis === 'proposition_mutation' && (!caracteristiques || caracteristiques.length < 3))
    throw new DonneesInvalides([
      {
        chemin: 'caracteristiques',
        message: 'la commission définit les caractéristiques du logement à proposer (typologie, surface, adaptation…)',
      },
    ]);
  const occ = (await occupationsDuBailleur(tx, acteur.organisationId)).find((o) => o.id === d.occupationId);
  if (!occ) throw new Introuvable('ménage introuvable dans l’occupation de votre patrimoine');
  const zones = await zonesDe(tx, [occ.commune]);
  const liste = menagesAExaminer({
    occupations: [occ],
    zones,
    date: seance.dateSeance,
    dernierAvis: new Map(),
  });
  const m = liste.aExaminer[0];
  if (!m)
    throw new DonneesInvalides([
      {
        chemin: 'occupationId',
        message: `le ménage du logement ${occ.rpls} n’est pas à examiner à la date de la séance (${dateCourte(seance.dateSeance)}) : hors zone, avant son échéance triennale ou sans aucun des cas de l’article L.442-5-2`,
      },
    ]);
  const [unit] = await tx
    .select({ id: logements.id })
    .from(occupations)
    .innerJoin(logements, eq(logements.id, occupations.logementId))
    .where(eq(occupations.id, occ.id));
  const id = randomUUID();
  const ligne = {
    id,
    seanceId,
    occupationId: occ.id,
    logementId: unit!.id,
    echeance: m.echeance,
    cas: m.cas,
    avis: d.avis,
    caracteristiques,
    suivi: d.avis === 'proposition_mutation' ? 'en_attente' : null,
  };
  const inseres = await tx.insert(avisCaleol).values(ligne).onConflictDoNothing().returning({ id: avisCaleol.id });
  if (inseres.length === 0) throw new Conflit(`cette séance a déjà rendu son avis sur le logement ${occ.rpls}`);
  const [a] = await tx.select().from(avisCaleol).where(eq(avisCaleol.id, id));
  const apres = avisApi(a!, occ.rpls, null);
  await journaliser(
    tx,
    acteur,
    { action: 'caleol.avis', cibleType: 'avis_caleol', cibleId: id, avant: null, apres },
    maintenant,
  );
  return apres;
}

/**
 * The follow-up of a proposal: made (with the unit proposed, by its RPLS number), accepted, refused,
 * abandoned. An accepted mutation opens, on the new unit, a letting outside the flow
 * (`mutation_interne`, dated `date`) for the bailleur to designate the household (ADR 0033), and
 * declares the notice of the freed unit at `dateLiberation` (a re-letting in the flow).
 */
export async function suivreAvisCaleol(
  tx: Tx,
  acteur: Acteur,
  avisId: string,
  d: {
    suivi: SuiviProposition;
    version: number;
    logementPropose?: string | undefined;
    date?: string | undefined;
    dateLiberation?: string | undefined;
  },
  maintenant: Date,
): Promise<AvisCaleolApi> {
  exiger(acteur, ROLES_CALEOL, 'suivre une proposition de la CALEOL');
  const [ligne] = await tx
    .select({ a: avisCaleol, rpls: logements.rpls, bailleurId: seancesCaleol.bailleurId })
    .from(avisCaleol)
    .innerJoin(seancesCaleol, eq(seancesCaleol.id, avisCaleol.seanceId))
    .innerJoin(logements, eq(logements.id, avisCaleol.logementId))
    .where(eq(avisCaleol.id, avisId));
  if (!ligne || ligne.bailleurId !== acteur.organisationId) throw new Introuvable('avis de CALEOL introuvable');
  const a = ligne.a;
  if (a.version !== d.version) throw new Conflit('cet avis vient d’être modifié ; rechargez la page');
  if (!SUIVIS_PROPOSITION.includes(d.suivi))
    throw new DonneesInvalides([{ chemin: 'suivi', message: `suivi inconnu (${SUIVIS_PROPOSITION.join(', ')})` }]);
  const de = (a.suivi as SuiviProposition | null) ?? null;
  if (de === null)
    throw new DonneesInvalides([{ chemin: 'suivi', message: 'cet avis ne propose pas de mutation : rien à suivre' }]);
  if (!suiviPossible(de, d.suivi))
    throw new DonneesInvalides([
      { chemin: 'suivi', message: `la proposition ne peut passer de « ${de} » à « ${d.suivi} »` },
    ]);
  const avant = avisApi(a, ligne.rpls, null);
  const maj: Partial<typeof avisCaleol.$inferInsert> = { suivi: d.suivi };
  let rplsPropose: string | null = null;
  if (a.logementProposeId) {
    const [p] = await tx.select({ rpls: logements.rpls }).from(logements).where(eq(logements.id, a.logementProposeId));
    rplsPropose = p?.rpls ?? null;
  }
  if (d.suivi === 'proposee') {
    const saisi = d.logementPropose?.trim().toUpperCase();
    if (!saisi)
      throw new DonneesInvalides([{ chemin: 'logementPropose', message: 'numéro RPLS du logement proposé manquant' }]);
    const [p] = await tx
      .select({ id: logements.id, rpls: logements.rpls })
      .from(logements)
      .where(and(eq(logements.bailleurId, acteur.organisationId), eq(logements.rpls, saisi)));
    if (!p) throw new Introuvable(`logement RPLS ${saisi} introuvable dans votre patrimoine`);
    if (p.id === a.logementId)
      throw new DonneesInvalides([
        { chemin: 'logementPropose', message: 'le logement proposé est celui que le ménage occupe' },
      ]);
    maj.logementProposeId = p.id;
    rplsPropose = p.rpls;
  }
  if (d.suivi === 'acceptee') {
    if (!a.logementProposeId)
      throw new DonneesInvalides([{ chemin: 'suivi', message: 'aucun logement proposé à accepter' }]);
    const date = d.date;
    const liberation = d.dateLiberation ?? d.date;
    if (!date || !liberation)
      throw new DonneesInvalides([
        { chemin: 'date', message: 'date de la mutation manquante (le jour où le logement proposé est attribué)' },
      ]);
    const nouvelle = await declarerLocation(
      tx,
      acteur,
      {
        logementId: a.logementProposeId,
        date,
        exclusion: 'mutation_interne',
        motif: `mutation interne après avis de la CALEOL (logement ${ligne.rpls})`,
      },
      maintenant,
    );
    const liberee = await declarerLocation(
      tx,
      acteur,
      {
        logementId: a.logementId,
        date: liberation,
        motif: `logement libéré par une mutation interne (avis de la CALEOL)`,
      },
      maintenant,
    );
    maj.locationMutationId = nouvelle.id;
    maj.locationLibereeId = liberee.id;
  }
  const [apresLigne] = await tx
    .update(avisCaleol)
    .set({ ...maj, version: sql`${avisCaleol.version} + 1`, majLe: new Date() })
    .where(and(eq(avisCaleol.id, a.id), eq(avisCaleol.version, d.version)))
    .returning();
  if (!apresLigne) throw new Conflit('cet avis vient d’être modifié ; rechargez la page');
  const apres = avisApi(apresLigne, ligne.rpls, rplsPropose);
  await journaliser(
    tx,
    acteur,
    { action: 'caleol.suivre', cibleType: 'avis_caleol', cibleId: a.id, avant, apres },
    maintenant,
  );
  return apres;
}
