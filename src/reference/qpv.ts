/**
 * The official lists of quartiers prioritaires (QPV): 2015 geography (décret 2014-1750, codes
 * « QP » + département on 3 characters + number, e.g. QP045001) and 2024 geography (décret
 * 2023-1314, codes « QN… »). `importerQpv` loads a list (CSV: code, name, commune — one row per
 * commune of a quarter, or the communes in one field separated by `,` `|` or spaces); the product
 * ships what was available here (src/reference/data/README.md) and loads it with
 * `chargerReferentielsEmbarques`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { quartiersPrioritaires } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { journaliser } from '../app/audit.ts';
import type { Acteur } from '../app/roles.ts';
import { lireTableau, type Colonnes } from './tableau.ts';

export const GEOGRAPHIES_QPV = ['2015', '2024'] as const;
export type GeographieQpv = (typeof GEOGRAPHIES_QPV)[number];

const PREFIXE: Record<GeographieQpv, string> = { '2015': 'QP', '2024': 'QN' };

const COLONNES = {
  code: { noms: ['CODE_QP', 'CODE_QPV', 'CODE_QUARTIER', 'QP', 'QPV', 'CODE'], obligatoire: true },
  nom: { noms: ['NOM_QP', 'LIB_QP', 'LIBELLE_QP', 'NOM_QPV', 'LIB_QPV', 'NOM', 'LIBELLE'], obligatoire: true },
  communes: {
    noms: ['CODE_COMMUNE', 'INSEE_COM', 'CODE_INSEE', 'DEPCOM', 'COMMUNE', 'CODES_COMMUNES', 'INSEE_COMS'],
    obligatoire: true,
  },
} as const satisfies Colonnes<'code' | 'nom' | 'communes'>;

/** The département of a QPV code: QP009001 → 09, QP971001 → 971, QP02A001 → 2A. */
export function departementDuQpv(code: string): string {
  const d = code.slice(2, 5);
  return d.startsWith('0') ? d.slice(1) : d;
}

const FORMAT_CODE = /^Q[PN](0\d[0-9AB]|0[0-9]{2}|9[78]\d)[0-9A-Z]{3}$/;
const FORMAT_COMMUNE = /^(\d{5}|2[AB]\d{3})$/;

export interface Quartier {
  code: string;
  nom: string;
  departement: string;
  communes: string[];
}

/** Reads and checks a list; every problem is named by line and column. */
export function lireListeQpv(octets: Uint8Array, fichier: string, geographie: GeographieQpv): Quartier[] {
  const lignes = lireTableau(octets, fichier, COLONNES);
  const problemes: Probleme[] = [];
  const quartiers = new Map<string, Quartier>();
  for (const { ligne, valeurs } of lignes) {
    const code = valeurs.code.toUpperCase();
    const ici = (c: string) => `${fichier}:${ligne}:${c}`;
    if (!FORMAT_CODE.test(code)) {
      problemes.push({
        chemin: ici('CODE_QP'),
        message: `code « ${valeurs.code} » invalide (attendu : ${PREFIXE[geographie]} + département sur 3 caractères + 3 caractères, ex. ${PREFIXE[geographie]}045001)`,
      });
      continue;
    }
    if (!code.startsWith(PREFIXE[geographie])) {
      problemes.push({
        chemin: ici('CODE_QP'),
        message: `code ${code} d’une autre géographie : la géographie ${geographie} a des codes ${PREFIXE[geographie]}…`,
      });
      continue;
    }
    if (!valeurs.nom) problemes.push({ chemin: ici('NOM_QP'), message: 'nom du quartier manquant' });
    const communes = valeurs.communes.split(/[\s,|]+/).filter(Boolean);
    if (communes.length === 0) problemes.push({ chemin: ici('CODE_COMMUNE'), message: 'commune manquante' });
    for (const c of communes)
      if (!FORMAT_COMMUNE.test(c))
        problemes.push({
          chemin: ici('CODE_COMMUNE'),
          message: `code commune « ${c} » invalide (5 caractères INSEE attendus)`,
        });
    const q = quartiers.get(code);
    if (!q)
      quartiers.set(code, {
        code,
        nom: valeurs.nom,
        departement: departementDuQpv(code),
        communes: [...new Set(communes)],
      });
    else {
      if (valeurs.nom && q.nom !== valeurs.nom)
        problemes.push({ chemin: ici('NOM_QP'), message: `le quartier ${code} a déjà le nom « ${q.nom} »` });
      for (const c of communes) if (!q.communes.includes(c)) q.communes.push(c);
    }
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  return [...quartiers.values()];
}

export interface ResumeQpv {
  geographie: GeographieQpv;
  fichier: string;
  quartiers: number;
  nouveaux: number;
  modifies: number;
  departements: string[];
}

/** Loads (upserts by code) a list in one transaction; audited. */
export async function importerQpv(
  tx: Tx,
  acteur: Acteur | null,
  entree: { fichier: string; octets: Uint8Array; geographie: GeographieQpv; source: string },
): Promise<ResumeQpv> {
  const quartiers = lireListeQpv(entree.octets, entree.fichier, entree.geographie);
  const existants = new Map(
    (
      await tx
        .select({
          code: quartiersPrioritaires.code,
          nom: quartiersPrioritaires.nom,
          communes: quartiersPrioritaires.communes,
        })
        .from(quartiersPrioritaires)
    ).map((q) => [q.code, q]),
  );
  let nouveaux = 0;
  let modifies = 0;
  for (const q of quartiers) {
    const e = existants.get(q.code);
    if (!e) nouveaux++;
    else if (e.nom !== q.nom || JSON.stringify(e.communes) !== JSON.stringify(q.communes)) modifies++;
  }
  for (let i = 0; i < quartiers.length; i += 1000) {
    await tx
      .insert(quartiersPrioritaires)
      .values(quartiers.slice(i, i + 1000).map((q) => ({ ...q, geographie: entree.geographie, source: entree.source })))
      .onConflictDoUpdate({
        target: quartiersPrioritaires.code,
        set: {
          nom: sql`excluded.nom`,
          communes: sql`excluded.communes`,
          departement: sql`excluded.departement`,
          geographie: sql`excluded.geographie`,
          source: sql`excluded.source`,
        },
      });
  }
  const resume: ResumeQpv = {
    geographie: entree.geographie,
    fichier: entree.fichier,
    quartiers: quartiers.length,
    nouveaux,
    modifies,
    departements: [...new Set(quartiers.map((q) => q.departement))].sort(),
  };
  await journaliser(tx, acteur, {
    action: 'referentiel.qpv_importe',
    cibleType: 'referentiel',
    cibleId: `qpv-${entree.geographie}`,
    apres: { ...resume, source: entree.source },
  });
  return resume;
}

const DOSSIER_DONNEES = join(import.meta.dirname, 'data');

/** The lists shipped with the product (src/reference/data/README.md gives their source). */
export const QPV_EMBARQUES = [
  {
    fichier: 'qpv-2015-occitanie.csv',
    geographie: '2015' as const,
    source: 'ANCT/CGET, liste des QPV 2015 (Licence Ouverte), extrait Occitanie via ToulouseDataViz/Hackaviz2021',
  },
];

/** Loads the shipped lists where their quarters are not known yet (idempotent, no audit: product data). */
export async function chargerQpvEmbarques(tx: Tx): Promise<number> {
  let n = 0;
  for (const q of QPV_EMBARQUES) {
    const quartiers = lireListeQpv(readFileSync(join(DOSSIER_DONNEES, q.fichier)), q.fichier, q.geographie);
    const inseres = await tx
      .insert(quartiersPrioritaires)
      .values(quartiers.map((x) => ({ ...x, geographie: q.geographie, source: q.source })))
      .onConflictDoNothing()
      .returning({ code: quartiersPrioritaires.code });
    n += inseres.length;
  }
  return n;
}
