/**
 * First-quartile thresholds (CCH L.441-1): the amount in € per consumption unit and per year below
 * which a demander is in the first quartile, per EPCI of the allocation reform, set each year by an
 * arrêté. Kept as dated reference data (one row per EPCI and year, with its act, who imported it and
 * when; ADR 0034), imported all or nothing from a CSV `siren;montant` read as a stream, every problem
 * named `fichier:ligne:colonne`. The year's engine reads them (`seuilsDeLAnnee`), and so does the
 * CAL decision that computes each candidate's quartile.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { epcis, seuilsPremierQuartile, utilisateurs } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { LecteurCsv, Utf8Invalide, type Enregistrement } from '../import/rpls-csv.ts';
import { nomEpci } from '../import/cog.ts';
import { journaliser } from './audit.ts';
import { exiger, type Acteur } from './roles.ts';

/** Problems a refusal names (the count says how many in all). */
export const PROBLEMES_GARDES_QUARTILES = 50;
/** Sanity bounds of an amount in € per UC (the arrêtés give 5,000 to 13,000 €). */
const MONTANT_MAX = 100_000;

export interface SeuilLu {
  ligne: number;
  siren: string;
  montant: number;
}

const SIREN = /^\d{9}$/;
const ENTETES_SIREN = ['SIREN', 'EPCI', 'SIREN_EPCI', 'SIRET_EPCI', 'CODE_EPCI'];
const ENTETES_MONTANT = ['MONTANT', 'SEUIL', 'VALEUR', 'MONTANT_UC', 'SEUIL_Q1'];

/** « 8 861 », « 8 861 € », « 8861,00 » → 8861; anything else (a fraction of a euro included) → null. */
export function lireMontant(texte: string): number | null {
  const t = texte
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/€$/, '')
    .replace(/[.,]0+$/, '');
  if (!/^\d{1,9}$/.test(t)) return null;
  return Number(t);
}

/**
 * Reads a thresholds file chunk by chunk. Columns: SIREN then MONTANT (a header naming them, in
 * any order, or none: the first line then already holds a SIREN). Throws `DonneesInvalides` with
 * the first problems (`fichier:ligne:colonne`) and how many there are; nothing is half read.
 */
export async function lireSeuils(source: AsyncIterable<Uint8Array>, fichier: string): Promise<SeuilLu[]> {
  const lecteur = new LecteurCsv('utf-8');
  const problemes: Probleme[] = [];
  let nombre = 0;
  const noter = (chemin: string, message: string) => {
    nombre++;
    if (problemes.length < PROBLEMES_GARDES_QUARTILES) problemes.push({ chemin, message });
  };
  const lus: SeuilLu[] = [];
  const vus = new Map<string, number>();
  let colonnes: { siren: number; montant: number; largeur: number } | null = null;
  const traiter = (e: Enregistrement) => {
    if (e.champs.every((c) => c.trim() === '')) return;
    if (!colonnes) {
      const noms = e.champs.map((c) =>
        c
          .replace(/^\uFEFF/, '')
          .trim()
          .toUpperCase(),
      );
      if (SIREN.test(noms[0] ?? '')) colonnes = { siren: 0, montant: 1, largeur: e.champs.length };
      else {
        const s = noms.findIndex((n) => ENTETES_SIREN.includes(n));
        const m = noms.findIndex((n) => ENTETES_MONTANT.includes(n));
        if (s < 0)
          noter(
            `${fichier}:${e.ligne}:1`,
            `colonne SIREN absente de l’en-tête (noms acceptés : ${ENTETES_SIREN.join(', ')})`,
          );
        if (m < 0)
          noter(
            `${fichier}:${e.ligne}:2`,
            `colonne MONTANT absente de l’en-tête (noms acceptés : ${ENTETES_MONTANT.join(', ')})`,
          );
        colonnes = { siren: s < 0 ? 0 : s, montant: m < 0 ? 1 : m, largeur: e.champs.length };
        return;
      }
    }
    if (e.guillemetNonFerme)
      return noter(`${fichier}:${e.ligne}:1`, 'guillemet ouvert jamais fermé (fichier tronqué ?)');
    if (e.champs.length < 2)
      return noter(
        `${fichier}:${e.ligne}:2`,
        `${e.champs.length} champ : SIREN et MONTANT attendus, séparés par « ; »`,
      );
    const siren = (e.champs[colonnes.siren] ?? '').trim();
    const brut = (e.champs[colonnes.montant] ?? '').trim();
    let ok = true;
    if (!SIREN.test(siren)) {
      ok = false;
      noter(
        `${fichier}:${e.ligne}:${colonnes.siren + 1}`,
        `SIREN « ${siren} » invalide : 9 chiffres attendus (SIREN de l’EPCI)`,
      );
    } else if (vus.has(siren)) {
      ok = false;
      noter(
        `${fichier}:${e.ligne}:${colonnes.siren + 1}`,
        `l’EPCI ${siren} figure déjà ligne ${vus.get(siren)} : un seul montant par EPCI et par année`,
      );
    }
    const montant = lireMontant(brut);
    if (montant === null || montant <= 0 || montant > MONTANT_MAX) {
      ok = false;
      noter(
        `${fichier}:${e.ligne}:${colonnes.montant + 1}`,
        `montant « ${brut} » invalide : un nombre entier d’euros par unité de consommation, entre 1 et ${MONTANT_MAX.toLocaleString('fr-FR')}`,
      );
    }
    if (ok) {
      vus.set(siren, e.ligne);
      lus.push({ ligne: e.ligne, siren, montant: montant! });
    }
  };
  try {
    for await (const morceau of source) for (const e of lecteur.pousser(morceau)) traiter(e);
    for (const e of lecteur.terminer()) traiter(e);
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    noter(`${fichier}:1:1`, 'encodage invalide : enregistrez le fichier en UTF-8 (CSV UTF-8)');
  }
  if (nombre === 0 && lus.length === 0)
    noter(`${fichier}:1:1`, 'fichier sans aucun montant : une ligne SIREN;MONTANT par EPCI est attendue');
  if (nombre > 0) {
    const err = new DonneesInvalides(problemes);
    if (nombre > problemes.length)
      err.problemes.push({
        chemin: fichier,
        message: `… et ${nombre - problemes.length} autres problèmes : rien n’a été importé`,
      });
    throw err;
  }
  return lus;
}

export interface ResumeImportQuartiles {
  annee: number;
  fichier: string;
  epci: number;
  /** EPCI whose amount was there before and changed; EPCI of the previous import no longer listed. */
  modifies: number;
  retires: number;
  source: string;
}

/** The act named by default: the annual ministerial arrêté (L.441-1, 25th paragraph). */
export function sourceParDefaut(annee: number): string {
  return `Arrêté annuel fixant le seuil de ressources des demandeurs de logement social du premier quartile (CCH art. L.441-1), année ${annee}`;
}

/**
 * Replaces the year's thresholds by the file's, in the caller's transaction, audited. The State pilot
 * and the administrator only (through the API); `acteur` null = the command line.
 */
export async function importerSeuils(
  tx: Tx,
  acteur: Acteur | null,
  d: { annee: number; fichier: string; source?: string; seuils: SeuilLu[] },
): Promise<ResumeImportQuartiles> {
  if (acteur) exiger(acteur, ['pilote_etat', 'administrateur'], 'importer les seuils du premier quartile');
  if (!Number.isInteger(d.annee) || d.annee < 2017 || d.annee > 2100)
    throw new DonneesInvalides([
      {
        chemin: 'annee',
        message: `année ${d.annee} invalide : les seuils existent depuis 2017 (loi Égalité et citoyenneté)`,
      },
    ]);
  const source = d.source?.trim() || sourceParDefaut(d.annee);
  let importePar = 'ligne de commande (flux import quartiles)';
  if (acteur) {
    const [u] = await tx
      .select({ nom: utilisateurs.nom })
      .from(utilisateurs)
      .where(eq(utilisateurs.id, acteur.utilisateurId));
    importePar = u?.nom ?? 'utilisateur';
  }
  const avant = await tx
    .select({ epci: seuilsPremierQuartile.epci, montant: seuilsPremierQuartile.montant })
    .from(seuilsPremierQuartile)
    .where(eq(seuilsPremierQuartile.annee, d.annee));
  const ancien = new Map(avant.map((a) => [a.epci, a.montant]));
  const nouveaux = new Set(d.seuils.map((s) => s.siren));
  await tx.delete(seuilsPremierQuartile).where(eq(seuilsPremierQuartile.annee, d.annee));
  for (let i = 0; i < d.seuils.length; i += 1000)
    await tx
      .insert(seuilsPremierQuartile)
      .values(
        d.seuils
          .slice(i, i + 1000)
          .map((s) => ({ epci: s.siren, annee: d.annee, montant: s.montant, source, importePar })),
      );
  const resume: ResumeImportQuartiles = {
    annee: d.annee,
    fichier: d.fichier,
    epci: d.seuils.length,
    modifies: d.seuils.filter((s) => ancien.has(s.siren) && ancien.get(s.siren) !== s.montant).length,
    retires: [...ancien.keys()].filter((k) => !nouveaux.has(k)).length,
    source,
  };
  await journaliser(tx, acteur, {
    action: 'quartiles.importer',
    cibleType: 'seuils_premier_quartile',
    cibleId: String(d.annee),
    avant: { epci: avant.length },
    apres: resume,
  });
  return resume;
}

/** The year's thresholds by EPCI SIREN, as the engine reads them (`Scenario.seuilsPremierQuartile`). */
export async function seuilsDeLAnnee(tx: Tx, annee: number): Promise<Record<string, number>> {
  const rows = await tx
    .select({ epci: seuilsPremierQuartile.epci, montant: seuilsPremierQuartile.montant })
    .from(seuilsPremierQuartile)
    .where(eq(seuilsPremierQuartile.annee, annee))
    .orderBy(asc(seuilsPremierQuartile.epci));
  return Object.fromEntries(rows.map((r) => [r.epci, r.montant]));
}

/** The threshold in force for one EPCI and year, with its act; null when none was imported. */
export async function seuilDe(
  tx: Tx,
  epci: string | null,
  annee: number,
): Promise<{ montant: number; source: string } | null> {
  if (!epci) return null;
  const [r] = await tx
    .select({ montant: seuilsPremierQuartile.montant, source: seuilsPremierQuartile.source })
    .from(seuilsPremierQuartile)
    .where(and(eq(seuilsPremierQuartile.annee, annee), eq(seuilsPremierQuartile.epci, epci)));
  return r ?? null;
}

export interface SeuilsAnneeApi {
  annee: number;
  /** Years with thresholds, most recent first (for the year picker). */
  annees: number[];
  seuils: {
    epci: string;
    nom: string;
    montant: number;
    /** The same EPCI's amount the year before, when known. */
    montantPrecedent: number | null;
    source: string;
    importePar: string;
    importeLe: string;
  }[];
  peutImporter: boolean;
}

/** GET /api/quartiles?annee=N: the year's thresholds per EPCI (public reference data). */
export async function lireSeuilsAnnee(tx: Tx, acteur: Acteur, annee: number): Promise<SeuilsAnneeApi> {
  exiger(
    acteur,
    ['pilote_etat', 'lecteur_epci', 'administrateur', 'agent_bailleur'],
    'consulter les seuils du premier quartile',
  );
  const annees = await tx
    .selectDistinct({ annee: seuilsPremierQuartile.annee })
    .from(seuilsPremierQuartile)
    .orderBy(sql`${seuilsPremierQuartile.annee} desc`);
  const rows = await tx
    .select({ s: seuilsPremierQuartile, nom: epcis.nom })
    .from(seuilsPremierQuartile)
    .leftJoin(epcis, eq(epcis.siren, seuilsPremierQuartile.epci))
    .where(eq(seuilsPremierQuartile.annee, annee));
  const precedents = await seuilsDeLAnnee(tx, annee - 1);
  const seuils = rows
    .map((r) => ({
      epci: r.s.epci,
      nom: r.nom ?? nomEpci(r.s.epci) ?? `EPCI de SIREN ${r.s.epci}`,
      montant: r.s.montant,
      montantPrecedent: precedents[r.s.epci] ?? null,
      source: r.s.source,
      importePar: r.s.importePar,
      importeLe: r.s.importeLe.toISOString(),
    }))
    .sort((a, b) => a.nom.localeCompare(b.nom, 'fr'));
  return {
    annee,
    annees: annees.map((a) => a.annee),
    seuils,
    peutImporter: acteur.role === 'pilote_etat' || acteur.role === 'administrateur',
  };
}
