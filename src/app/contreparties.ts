/**
 * A convention version's contrepartie (CCH R.441-5, ADR 0032) between its columns in
 * `convention_versions` and the scenario's `Convention.contrepartie`, and the collectivities' 20 %
 * of guarantees as warnings named for a person: the convention by its réservataire, the commune by
 * its name. Absent columns (versions written before it was recorded): all of the taux counted as
 * loan guarantee, not specified.
 */
import { inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, type conventionVersions } from '../db/schema.ts';
import type { ContrepartieApi } from '../contracts/conventions.ts';
import type { Probleme } from '../domain/errors.ts';
import type { Contrepartie } from '../domain/types.ts';

type Colonnes = Pick<
  typeof conventionVersions.$inferSelect,
  | 'contrepartieGarantie'
  | 'contrepartieFinancement'
  | 'contrepartieTerrain'
  | 'contrepartieAutre'
  | 'contrepartieReference'
>;

/** The stored contrepartie as the domain's, or undefined when the version has none. */
export function contrepartieDe(v: Partial<Colonnes>): Contrepartie | undefined {
  if (v.contrepartieGarantie === null || v.contrepartieGarantie === undefined) return undefined;
  return {
    garantie: Number(v.contrepartieGarantie),
    financement: Number(v.contrepartieFinancement ?? 0),
    terrain: Number(v.contrepartieTerrain ?? 0),
    autre: Number(v.contrepartieAutre ?? 0),
    ...(v.contrepartieReference ? { reference: v.contrepartieReference } : {}),
  };
}

/** `{ contrepartie }` to spread into a scenario's `Convention`, or nothing. */
export function contrepartieEnOption(v: Partial<Colonnes>): { contrepartie?: Contrepartie } {
  const k = contrepartieDe(v);
  return k ? { contrepartie: k } : {};
}

/** The API's view: null when not specified (the page reads it « tout le taux en garantie, non précisé »). */
export function contrepartieApi(v: Partial<Colonnes>): ContrepartieApi | null {
  const k = contrepartieDe(v);
  return k ? { ...k, reference: k.reference ?? null } : null;
}

/** The columns to write for an entered contrepartie (all null without one). */
export function colonnesContrepartie(k: Contrepartie | undefined): Colonnes {
  if (!k)
    return {
      contrepartieGarantie: null,
      contrepartieFinancement: null,
      contrepartieTerrain: null,
      contrepartieAutre: null,
      contrepartieReference: null,
    };
  return {
    contrepartieGarantie: k.garantie.toFixed(6),
    contrepartieFinancement: k.financement.toFixed(6),
    contrepartieTerrain: k.terrain.toFixed(6),
    contrepartieAutre: k.autre.toFixed(6),
    contrepartieReference: k.reference?.trim() || null,
  };
}

/**
 * A warning of `avertirConventions` worded for the convention's page: prefixed by the convention
 * (« Convention avec Commune de Saran : »), the commune named, the file format's field name replaced
 * by what a person reads.
 */
export async function nommerAvertissements(
  tx: Tx,
  avertissements: readonly Probleme[],
  convention: string,
): Promise<Probleme[]> {
  const codes = [
    ...new Set(avertissements.flatMap((a) => [...a.message.matchAll(/sur la commune (\w{5})/g)].map((m) => m[1]!))),
  ];
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
  return avertissements.map((a) => ({
    chemin: a.chemin,
    message: `Convention avec ${convention} : ${a.message
      .replace(/sur la commune (\w{5})/g, (t, code: string) => (noms.has(code) ? `à ${noms.get(code)!}` : t))
      .replace(
        ' (sans « contrepartie », tout le taux est compté comme garantie)',
        ' (contrepartie non précisée : tout le taux est compté en garantie d’emprunt)',
      )}`,
  }));
}
