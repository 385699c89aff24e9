/**
 * Use cases of a réservataire's demands (ADR 0036, docs/demandes.md): import its template or its
 * SNE/Imhoweb extract (`flux import demandes`, the « Demandes » page), read them, purge them.
 *
 * Import: read as a stream (one chunk, one batch of rows at a time: memory stays flat whatever the
 * file's size) → check each row (`src/import/demandes.ts`) → write by batches, in ONE transaction:
 * - all or nothing: one rejected row and the transaction is rolled back; the rejected rows go, as
 *   they are read, to an error file (the template's columns and `Erreur`) that the refusal
 *   (`DemandesRefusees`) hands to the caller with the first problems;
 * - a numéro unique twice in the file is rejected on its second line (kept in a temporary table,
 *   not in memory);
 * - upsert by organisation × numéro unique: a new number is inserted, a known one updated when a
 *   field changed (`version` + 1), left alone otherwise;
 * - demands whose validity has ended (CCH R.441-2-7, `dureeValiditeDemandeMois`) are not stored,
 *   and the organisation's stored ones that have expired are deleted by the same transaction;
 * - one audit event `demandes.importer`: counts, changed fields, the first numbers changed (no
 *   personal value).
 * Read: only the organisation that imported them (a réservataire, the State's pilot for the State,
 * a bailleur for its own demands).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
import { lignes as lignesSql, type Db, type Tx } from '../db/client.ts';
import { demandes } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { valeurAu } from '../domain/legal-parameters.ts';
import { nomDeCommune } from '../import/cog.ts';
import {
  CHAMPS_DEMANDE,
  COLONNES_DEMANDES,
  chemin,
  enregistrements,
  enteteFichierErreurs,
  finDeValidite,
  ligneFichierErreurs,
  lireDemande,
  lireEntete,
  type ChampDemande,
  type Entete,
  type FicheDemande,
  type SourceOctets,
} from '../import/demandes.ts';
import { EcritureTemporaire, type FichierTemporaire } from '../import/fichier-temporaire.ts';
import { Utf8Invalide, type Encodage } from '../import/rpls-csv.ts';
import type { CotationApi } from '../contracts/cotation.ts';
import { journaliser } from './audit.ts';
import { organisationDeLImport } from './organisation-cible.ts';
import { noterDemandes } from './cotation.ts';
import { exiger, type Acteur, type Role } from './roles.ts';

/** Who imports and reads demands: for their own organisation only. */
export const ROLES_DEMANDES: readonly Role[] = ['agent_reservataire', 'pilote_etat', 'agent_bailleur'];
/** Rows written per statement. */
const LOT = 500;
/** Problems a refusal keeps (the error file has them all). */
export const PROBLEMES_GARDES_DEMANDES = 50;
/** Changed numbers listed in the summary and the audit event. */
export const DETAIL_MAX_DEMANDES = 100;
/** Advisory lock class of the demands imports (second half: the organisation). */
const VERROU_DEMANDES = 7_201_205;

export const sourceFichierDemandes = (chemin: string, nom = chemin): SourceOctets => ({
  nom,
  ouvrir: () => createReadStream(chemin, { highWaterMark: 1 << 16 }),
});

export const sourceOctetsDemandes = (nom: string, octets: Uint8Array): SourceOctets => ({
  nom,
  async *ouvrir() {
    for (let i = 0; i < octets.length; i += 1 << 16) yield octets.subarray(i, i + (1 << 16));
  },
});

/** Rows were rejected: nothing was written. The first problems, their number, and the error file. */
export class DemandesRefusees extends DonneesInvalides {
  constructor(
    problemes: Probleme[],
    readonly nombreProblemes: number,
    readonly rejetes: number,
    readonly erreurs: FichierTemporaire,
  ) {
    super(problemes);
  }
}

export interface ResumeDemandes {
  organisation: string;
  fichier: string;
  empreinte: string;
  encodage: Encodage;
  /** Data rows read. */
  lignes: number;
  nouvelles: number;
  modifiees: number;
  inchangees: number;
  /** Rows whose demand's validity had ended: not stored. */
  expireesIgnorees: number;
  /** Stored demands of the organisation deleted because their validity ended. */
  purgees: number;
  /** Updated demands, by changed field. */
  champsModifies: Partial<Record<(typeof CHAMPS_DEMANDE)[number], number>>;
  /** The first updated numbers and their changed fields. */
  detailModifiees: { numero: string; champs: string[] }[];
}

/** The organisation a demand file belongs to: the actor's own, or (command line) the one named. */
function organisationCible(tx: Tx, acteur: Acteur | null, cible: string | null) {
  return organisationDeLImport(tx, acteur, cible, {
    roles: ROLES_DEMANDES,
    action: 'importer des demandes',
    autreOrganisation: 'vous n’importez que les demandes de votre propre organisation',
    chemin: 'reservataire',
    categories: ['reservataire', 'etat', 'epci', 'bailleur'],
    inconnue: (ref) => `réservataire inconnu : ${ref} (identifiant Flux ou SIREN d’un réservataire ou d’un bailleur)`,
  });
}

/** Thrown inside the transaction to roll it back; carries the refusal out. */
class Annulation extends Error {
  constructor(readonly refus: DemandesRefusees) {
    super('import de demandes annulé');
  }
}

/**
 * Imports a demands file for an organisation, all or nothing. Throws `DemandesRefusees` (rows
 * rejected, with the error file), `DonneesInvalides` (header), `Interdit`, `Introuvable`.
 */
export async function importerDemandes(
  db: Db,
  acteur: Acteur | null,
  entree: { source: SourceOctets; organisation?: string | null; aujourdhui: string },
): Promise<ResumeDemandes> {
  try {
    return await importerEn(db, acteur, entree, 'utf-8');
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    return importerEn(db, acteur, entree, 'windows-1252');
  }
}

async function importerEn(
  db: Db,
  acteur: Acteur | null,
  entree: { source: SourceOctets; organisation?: string | null; aujourdhui: string },
  encodage: Encodage,
): Promise<ResumeDemandes> {
  let erreurs: EcritureTemporaire | null = null;
  try {
    return await db.transaction(async (tx) => {
      const org = await organisationCible(tx, acteur, entree.organisation ?? null);
      await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_DEMANDES}, hashtext(${org.id}))`);
      const mois = valeurAu('dureeValiditeDemandeMois', entree.aujourdhui);
      const importId = randomUUID();
      const resume: ResumeDemandes = {
        organisation: org.nom,
        fichier: entree.source.nom,
        empreinte: '',
        encodage,
        lignes: 0,
        nouvelles: 0,
        modifiees: 0,
        inchangees: 0,
        expireesIgnorees: 0,
        purgees: await purgerDemandesExpirees(tx, entree.aujourdhui, org.id),
        champsModifies: {},
        detailModifiees: [],
      };
      await tx.execute(
        sql.raw('create temporary table demandes_vues (numero text primary key, ligne integer) on commit drop'),
      );
      const empreinte = createHash('sha256');
      const source: SourceOctets = {
        nom: entree.source.nom,
        async *ouvrir() {
          for await (const m of entree.source.ouvrir()) {
            empreinte.update(m);
            yield m;
          }
        },
      };
      const problemes: Probleme[] = [];
      let nombreProblemes = 0;
      let rejetes = 0;
      let entete: Entete<ChampDemande> | null = null;
      /** The current batch: rows read, valid or not, in file order. */
      let lot: { ligne: number; v: Record<ChampDemande, string>; fiche: FicheDemande | null; problemes: Probleme[] }[] =
        [];

      const rejeter = async (r: (typeof lot)[number]) => {
        nombreProblemes += r.problemes.length;
        rejetes++;
        if (problemes.length < PROBLEMES_GARDES_DEMANDES)
          problemes.push(...r.problemes.slice(0, PROBLEMES_GARDES_DEMANDES - problemes.length));
        erreurs ??= await EcritureTemporaire.ouvrir(enteteFichierErreurs(entete!));
        erreurs.ajouter(ligneFichierErreurs(entete!, r.v, r.problemes));
        if (erreurs.plein) await erreurs.vider();
      };

      const vider = async () => {
        if (lot.length === 0) return;
        const courant = lot;
        lot = [];
        // Numbers seen earlier in the file (this batch's first occurrences are recorded first).
        const premiers = new Map<string, number>();
        for (const r of courant) {
          if (!r.fiche) continue;
          const deja = premiers.get(r.fiche.numero);
          if (deja !== undefined) {
            r.problemes.push({
              chemin: chemin(r.ligne, entete!.nom.numero),
              message: `numéro unique ${r.fiche.numero} déjà présent ligne ${deja}`,
            });
            r.fiche = null;
          } else premiers.set(r.fiche.numero, r.ligne);
        }
        if (premiers.size > 0) {
          const json = JSON.stringify([...premiers].map(([numero, ligne]) => ({ numero, ligne })));
          const nouveaux = new Set(
            (
              await lignesSql<{ numero: string }>(
                tx,
                sql`insert into demandes_vues select * from jsonb_to_recordset(${json}::jsonb) as v(numero text, ligne integer)
                    on conflict (numero) do nothing returning numero`,
              )
            ).map((r) => r.numero),
          );
          const doublons = [...premiers.keys()].filter((n) => !nouveaux.has(n));
          if (doublons.length > 0) {
            const vues = new Map(
              (
                await lignesSql<{ numero: string; ligne: number }>(
                  tx,
                  sql`select numero, ligne from demandes_vues where numero in (select jsonb_array_elements_text(${JSON.stringify(doublons)}::jsonb))`,
                )
              ).map((r) => [r.numero, r.ligne]),
            );
            for (const r of courant)
              if (r.fiche && vues.has(r.fiche.numero) && vues.get(r.fiche.numero) !== r.ligne) {
                r.problemes.push({
                  chemin: chemin(r.ligne, entete!.nom.numero),
                  message: `numéro unique ${r.fiche.numero} déjà présent ligne ${vues.get(r.fiche.numero)}`,
                });
                r.fiche = null;
              }
          }
        }
        for (const r of courant) if (r.problemes.length) await rejeter(r);
        // Once a row is rejected nothing will be kept: the rest is only checked.
        if (rejetes > 0) return;
        const fiches = courant.flatMap((r) => (r.fiche ? [r.fiche] : []));
        if (fiches.length > 0) await ecrire(tx, org.id, importId, fiches, resume);
      };

      for await (const e of enregistrements(source, encodage)) {
        if (!entete) {
          entete = lireEntete(e, COLONNES_DEMANDES);
          continue;
        }
        if (e.champs.every((c) => c.trim() === '')) continue;
        resume.lignes++;
        const r = lireDemande(entete, e, entree.aujourdhui);
        if (r.fiche && finDeValidite(r.fiche, mois) < entree.aujourdhui) {
          resume.expireesIgnorees++;
          continue;
        }
        lot.push({ ligne: e.ligne, ...r });
        if (lot.length >= LOT) await vider();
      }
      if (!entete) entete = lireEntete(undefined, COLONNES_DEMANDES);
      await vider();
      if (resume.lignes === 0)
        throw new DonneesInvalides([
          { chemin: chemin(2, entete.nom.numero), message: 'aucune demande dans le fichier' },
        ]);
      if (erreurs) {
        const fichier = await (erreurs as EcritureTemporaire).fermer();
        throw new Annulation(new DemandesRefusees(problemes, nombreProblemes, rejetes, fichier));
      }
      resume.empreinte = empreinte.digest('hex');
      await journaliser(tx, acteur ?? { utilisateurId: null, organisationId: org.id }, {
        action: 'demandes.importer',
        cibleType: 'import_demandes',
        cibleId: importId,
        avant: null,
        apres: { ...resume, organisationId: org.id },
      });
      return resume;
    });
  } catch (err) {
    if (err instanceof Annulation) throw err.refus;
    if (erreurs) await (erreurs as EcritureTemporaire).supprimer();
    throw err;
  }
}

type LigneStockee = Omit<FicheDemande, 'numero'> & { numero: string };

/** Writes one batch: the new numbers inserted, the changed ones updated, the others counted. */
async function ecrire(
  tx: Tx,
  organisationId: string,
  importId: string,
  fiches: FicheDemande[],
  resume: ResumeDemandes,
): Promise<void> {
  const numeros = JSON.stringify(fiches.map((f) => f.numero));
  const existantes = new Map(
    (
      await lignesSql<{
        numero: string;
        date_demande: string;
        date_renouvellement: string | null;
        personnes: number;
        enfants_moins_14: number;
        ressources_annuelles: number | null;
        dalo: boolean;
        pdalhpd: boolean;
        autre_l4411: boolean;
        communes: string[];
        typologies: string[];
        situations: string[];
        lien_local: boolean;
        refus_adaptes: string[];
        mutation_interne: boolean;
      }>(
        tx,
        sql`select numero_sne as numero, date_demande::text, date_renouvellement::text, personnes, enfants_moins_14, ressources_annuelles,
                   dalo, pdalhpd, autre_l4411, communes, typologies, situations, lien_local, refus_adaptes, mutation_interne
            from demandes where organisation_id = ${organisationId}
            and numero_sne in (select jsonb_array_elements_text(${numeros}::jsonb))`,
      )
    ).map((r): [string, LigneStockee] => [
      r.numero,
      {
        numero: r.numero,
        dateDemande: r.date_demande,
        dateRenouvellement: r.date_renouvellement,
        personnes: r.personnes,
        enfantsMoins14: r.enfants_moins_14,
        ressourcesAnnuelles: r.ressources_annuelles === null ? null : Number(r.ressources_annuelles),
        dalo: r.dalo,
        pdalhpd: r.pdalhpd,
        autreL4411: r.autre_l4411,
        communes: r.communes,
        typologies: r.typologies,
        situations: r.situations,
        lienLocal: r.lien_local,
        refusAdaptes: r.refus_adaptes,
        mutationInterne: r.mutation_interne,
      },
    ]),
  );
  const aEcrire: FicheDemande[] = [];
  for (const f of fiches) {
    const avant = existantes.get(f.numero);
    if (!avant) {
      resume.nouvelles++;
      aEcrire.push(f);
      continue;
    }
    const champs = CHAMPS_DEMANDE.filter((c) => JSON.stringify(avant[c]) !== JSON.stringify(f[c]));
    if (champs.length === 0) {
      resume.inchangees++;
      continue;
    }
    resume.modifiees++;
    for (const c of champs) resume.champsModifies[c] = (resume.champsModifies[c] ?? 0) + 1;
    if (resume.detailModifiees.length < DETAIL_MAX_DEMANDES) resume.detailModifiees.push({ numero: f.numero, champs });
    aEcrire.push(f);
  }
  if (aEcrire.length === 0) return;
  const lot = JSON.stringify(
    aEcrire.map((f) => ({
      id: randomUUID(),
      numero: f.numero,
      date_demande: f.dateDemande,
      date_renouvellement: f.dateRenouvellement,
      personnes: f.personnes,
      enfants: f.enfantsMoins14,
      ressources: f.ressourcesAnnuelles,
      dalo: f.dalo,
      pdalhpd: f.pdalhpd,
      autre: f.autreL4411,
      communes: f.communes,
      typologies: f.typologies,
      situations: f.situations,
      lien_local: f.lienLocal,
      refus_adaptes: f.refusAdaptes,
      mutation_interne: f.mutationInterne,
    })),
  );
  await tx.execute(sql`
    insert into demandes (id, organisation_id, numero_sne, date_demande, date_renouvellement, personnes, enfants_moins_14,
                          ressources_annuelles, dalo, pdalhpd, autre_l4411, communes, typologies, situations, lien_local,
                          refus_adaptes, mutation_interne, import_id)
    select v.id, ${organisationId}, v.numero, v.date_demande, v.date_renouvellement, v.personnes, v.enfants, v.ressources,
           v.dalo, v.pdalhpd, v.autre, v.communes, v.typologies, v.situations, v.lien_local, v.refus_adaptes, v.mutation_interne,
           ${importId}
    from jsonb_to_recordset(${lot}::jsonb) as v(id text, numero text, date_demande date, date_renouvellement date, personnes integer,
         enfants integer, ressources integer, dalo boolean, pdalhpd boolean, autre boolean, communes jsonb, typologies jsonb,
         situations jsonb, lien_local boolean, refus_adaptes jsonb, mutation_interne boolean)
    on conflict (organisation_id, numero_sne) do update set
      date_demande = excluded.date_demande, date_renouvellement = excluded.date_renouvellement, personnes = excluded.personnes,
      enfants_moins_14 = excluded.enfants_moins_14, ressources_annuelles = excluded.ressources_annuelles, dalo = excluded.dalo,
      pdalhpd = excluded.pdalhpd, autre_l4411 = excluded.autre_l4411, communes = excluded.communes, typologies = excluded.typologies,
      situations = excluded.situations, lien_local = excluded.lien_local, refus_adaptes = excluded.refus_adaptes,
      mutation_interne = excluded.mutation_interne, import_id = excluded.import_id, version = demandes.version + 1, maj_le = now()`);
}

/**
 * Deletes the demands whose validity has ended before `aujourdhui` (of one organisation, or all):
 * their registration or last renewal + `dureeValiditeDemandeMois` months. How many.
 */
export async function purgerDemandesExpirees(tx: Tx, aujourdhui: string, organisationId?: string): Promise<number> {
  const mois = valeurAu('dureeValiditeDemandeMois', aujourdhui);
  const r = await tx
    .delete(demandes)
    .where(
      and(
        organisationId ? eq(demandes.organisationId, organisationId) : undefined,
        lt(
          sql`(coalesce(${demandes.dateRenouvellement}, ${demandes.dateDemande}) + make_interval(months => ${mois}))::date`,
          sql`${aujourdhui}::date + 1`,
        ),
      ),
    )
    .returning({ id: demandes.id });
  return r.length;
}

export interface DemandeLue {
  numeroUnique: string;
  dateDemande: string;
  dateRenouvellement: string | null;
  finValidite: string;
  personnes: number;
  enfantsMoins14: number;
  ressourcesAnnuelles: number | null;
  categories: string[];
  communes: { code: string; nom: string }[];
  typologies: string[];
  majLe: string;
  cotation: CotationApi | null;
}

/** One page of the actor's own demands (oldest registration first), and how many it holds. */
export async function lireDemandes(
  tx: Tx,
  acteur: Acteur,
  p: { page: number; parPage: number; aujourdhui: string; numero?: string | undefined },
): Promise<{ total: number; page: number; parPage: number; demandes: DemandeLue[] }> {
  exiger(acteur, ROLES_DEMANDES, 'consulter les demandes');
  const mois = valeurAu('dureeValiditeDemandeMois', p.aujourdhui);
  const filtre = and(
    eq(demandes.organisationId, acteur.organisationId),
    p.numero ? sql`${demandes.numeroSne} like ${`${p.numero.toUpperCase().replace(/[%_\\]/g, '')}%`}` : undefined,
  );
  const [n] = await tx.select({ n: count() }).from(demandes).where(filtre);
  const rows = await tx
    .select()
    .from(demandes)
    .where(filtre)
    .orderBy(asc(demandes.dateDemande), asc(demandes.numeroSne))
    .limit(p.parPage)
    .offset((p.page - 1) * p.parPage);
  const notes = await noterDemandes(
    tx,
    rows.map((d) => ({ numero: d.numeroSne, communes: d.communes })),
    p.aujourdhui,
  );
  return {
    total: Number(n?.n ?? 0),
    page: p.page,
    parPage: p.parPage,
    demandes: rows.map((d) => ({
      numeroUnique: d.numeroSne,
      dateDemande: d.dateDemande,
      dateRenouvellement: d.dateRenouvellement,
      finValidite: finDeValidite(d, mois),
      personnes: d.personnes,
      enfantsMoins14: d.enfantsMoins14,
      ressourcesAnnuelles: d.ressourcesAnnuelles,
      categories: [d.dalo ? 'DALO' : null, d.pdalhpd ? 'PDALHPD' : null, d.autreL4411 ? 'Autre L.441-1' : null].filter(
        (x): x is string => x !== null,
      ),
      communes: d.communes.map((code) => ({ code, nom: nomDeCommune(code) ?? code })),
      typologies: d.typologies,
      majLe: d.majLe.toISOString(),
      cotation: notes.get(d.numeroSne) ?? null,
    })),
  };
}

const n = (x: number) => x.toLocaleString('fr-FR').replace(/\u202f/g, ' ');

export function resumeDemandesFrancais(r: ResumeDemandes): string {
  return [
    `Demandes importées pour ${r.organisation} (${r.fichier}) : ${n(r.lignes)} ligne(s) lue(s).`,
    `  nouvelles : ${n(r.nouvelles)} · modifiées : ${n(r.modifiees)} · inchangées : ${n(r.inchangees)}` +
      ` · expirées non importées : ${n(r.expireesIgnorees)} · expirées supprimées : ${n(r.purgees)}`,
    ...(Object.keys(r.champsModifies).length
      ? [
          `  champs modifiés : ${Object.entries(r.champsModifies)
            .map(([c, k]) => `${c} ${n(k)}`)
            .join(', ')}`,
        ]
      : []),
  ].join('\n');
}
