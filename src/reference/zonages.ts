/**
 * Dated zonings per commune: the APL zone (I, II, III; arrêté du 17 mars 1978 modifié), which sets
 * the rent ceilings of the état des lieux's affordable share, and the « zone tendue » (communes of
 * the list annexed to décret 2013-392, replaced by décret 2023-822: the rent-control list), and the
 * zones of CCH L.442-5-2 (`zone_examen_occupation`: set by the housing minister's arrêté among the
 * zones of CGI art. 31, CCH R.442-3-3), where the CALEOL reviews occupancy every three years (ADR
 * 0044). A value holds from `du` (inclusive) to `au` (exclusive; null = in force).
 *
 * `importerZonage` loads a list (CSV: commune code, and for the APL zone its zone), closing the
 * commune's open period at the new list's first day; with `remplacer`, the open periods of
 * communes absent from the list are closed too (a new décret's list replaces the old one).
 */
import { and, eq, isNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { zonagesCommunes } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { ZONES_APL } from '../domain/plafonds-apl.ts';
import { journaliser } from '../app/audit.ts';
import type { Acteur } from '../app/roles.ts';
import { lireTableau, type Colonnes } from './tableau.ts';

export const ZONAGES = ['zone_apl', 'zone_tendue', 'zone_examen_occupation'] as const;
export type Zonage = (typeof ZONAGES)[number];

const COLONNES = {
  commune: { noms: ['CODGEO', 'CODE_COMMUNE', 'COMMUNE', 'INSEE_COM', 'CODE_INSEE', 'DEPCOM'], obligatoire: true },
  valeur: { noms: ['ZONE', 'ZONE_APL', 'VALEUR', 'ZONAGE'], obligatoire: false },
} as const satisfies Colonnes<'commune' | 'valeur'>;

const FORMAT_COMMUNE = /^(\d{5}|2[AB]\d{3})$/;
/** A real calendar day written AAAA-MM-JJ. */
const dateValide = (s: string): boolean => {
  const d = new Date(`${s}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};
/** APL zone spellings: I, II, III, 1, 2, 3, « zone 2 »… */
const ZONE: Readonly<Record<string, string>> = { I: 'I', '1': 'I', II: 'II', '2': 'II', III: 'III', '3': 'III' };

export interface ZonageCommune {
  commune: string;
  valeur: string;
}

export function lireListeZonage(octets: Uint8Array, fichier: string, zonage: Zonage): ZonageCommune[] {
  const lignes = lireTableau(octets, fichier, COLONNES);
  const problemes: Probleme[] = [];
  const vus = new Map<string, number>();
  const resultat: ZonageCommune[] = [];
  for (const { ligne, valeurs } of lignes) {
    const ici = (c: string) => `${fichier}:${ligne}:${c}`;
    if (!FORMAT_COMMUNE.test(valeurs.commune))
      problemes.push({
        chemin: ici('CODGEO'),
        message: `code commune « ${valeurs.commune} » invalide (5 caractères INSEE attendus)`,
      });
    else if (vus.has(valeurs.commune))
      problemes.push({
        chemin: ici('CODGEO'),
        message: `commune ${valeurs.commune} déjà présente ligne ${vus.get(valeurs.commune)}`,
      });
    vus.set(valeurs.commune, vus.get(valeurs.commune) ?? ligne);
    let valeur = 'oui';
    if (zonage === 'zone_apl') {
      const z =
        ZONE[
          valeurs.valeur
            .toUpperCase()
            .replace(/^ZONE\s*/, '')
            .trim()
        ];
      if (!z)
        problemes.push({
          chemin: ici('ZONE'),
          message: `zone APL « ${valeurs.valeur} » invalide (attendu : ${ZONES_APL.join(', ')})`,
        });
      valeur = z ?? '';
    } else if (valeurs.valeur && !/^(oui|1|o|x|zone tendue)$/i.test(valeurs.valeur)) {
      problemes.push({
        chemin: ici('VALEUR'),
        message: `valeur « ${valeurs.valeur} » : la liste ne contient que les communes concernées (laissez vide ou « oui »)`,
      });
    }
    resultat.push({ commune: valeurs.commune, valeur });
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  return resultat;
}

export interface OptionsZonage {
  zonage: Zonage;
  du: string;
  au?: string | null | undefined;
  source: string;
  remplacer?: boolean | undefined;
}

export interface ResumeZonage {
  zonage: Zonage;
  du: string;
  au: string | null;
  fichier: string;
  communes: number;
  /** Open periods closed at `du` (changed value, or absent from a replacing list). */
  periodesCloses: number;
  parValeur: Record<string, number>;
}

export async function importerZonage(
  tx: Tx,
  acteur: Acteur | null,
  entree: { fichier: string; octets: Uint8Array } & OptionsZonage,
): Promise<ResumeZonage> {
  const problemes: Probleme[] = [];
  if (!dateValide(entree.du))
    problemes.push({ chemin: 'du', message: `date « ${entree.du} » invalide (AAAA-MM-JJ attendu)` });
  if (entree.au && (!dateValide(entree.au) || entree.au <= entree.du))
    problemes.push({
      chemin: 'au',
      message: `date de fin « ${entree.au} » invalide (AAAA-MM-JJ, après le ${entree.du})`,
    });
  if (!entree.source.trim())
    problemes.push({ chemin: 'source', message: 'indiquez la source de la liste (texte officiel et date)' });
  if (problemes.length) throw new DonneesInvalides(problemes);
  const liste = lireListeZonage(entree.octets, entree.fichier, entree.zonage);
  const communes = liste.map((l) => l.commune);
  let periodesCloses = 0;
  // Close the open periods that began before this list (for all communes with `remplacer`).
  const ouvertes = and(
    eq(zonagesCommunes.zonage, entree.zonage),
    isNull(zonagesCommunes.au),
    lt(zonagesCommunes.du, entree.du),
  );
  for (let i = 0; i < communes.length; i += 5000) {
    const lot = communes.slice(i, i + 5000);
    const closes = await tx
      .update(zonagesCommunes)
      .set({ au: entree.du })
      .where(
        and(
          ouvertes,
          sql`${zonagesCommunes.commune} in (select jsonb_array_elements_text(${JSON.stringify(lot)}::jsonb))`,
        ),
      )
      .returning({ id: zonagesCommunes.id });
    periodesCloses += closes.length;
  }
  if (entree.remplacer) {
    const closes = await tx
      .update(zonagesCommunes)
      .set({ au: entree.du })
      .where(communes.length ? and(ouvertes, notInArray(zonagesCommunes.commune, communes)) : ouvertes)
      .returning({ id: zonagesCommunes.id });
    periodesCloses += closes.length;
  }
  for (let i = 0; i < liste.length; i += 1000) {
    await tx
      .insert(zonagesCommunes)
      .values(
        liste.slice(i, i + 1000).map((l) => ({
          commune: l.commune,
          zonage: entree.zonage,
          valeur: l.valeur,
          du: entree.du,
          au: entree.au ?? null,
          source: entree.source,
        })),
      )
      .onConflictDoUpdate({
        target: [zonagesCommunes.commune, zonagesCommunes.zonage, zonagesCommunes.du],
        set: { valeur: sql`excluded.valeur`, au: sql`excluded.au`, source: sql`excluded.source` },
      });
  }
  const parValeur: Record<string, number> = {};
  for (const l of liste) parValeur[l.valeur] = (parValeur[l.valeur] ?? 0) + 1;
  const resume: ResumeZonage = {
    zonage: entree.zonage,
    du: entree.du,
    au: entree.au ?? null,
    fichier: entree.fichier,
    communes: liste.length,
    periodesCloses,
    parValeur,
  };
  await journaliser(tx, acteur, {
    action: 'referentiel.zonage_importe',
    cibleType: 'referentiel',
    cibleId: entree.zonage,
    apres: { ...resume, source: entree.source },
  });
  return resume;
}

/** A commune's value of a zoning on a date (ISO), or null. */
export async function zonageAu(tx: Tx, commune: string, zonage: Zonage, date: string): Promise<string | null> {
  const [l] = await tx
    .select({ valeur: zonagesCommunes.valeur })
    .from(zonagesCommunes)
    .where(
      and(
        eq(zonagesCommunes.commune, commune),
        eq(zonagesCommunes.zonage, zonage),
        sql`${zonagesCommunes.du} <= ${date}`,
        sql`(${zonagesCommunes.au} is null or ${zonagesCommunes.au} > ${date})`,
      ),
    );
  return l?.valeur ?? null;
}
