/**
 * The territory's consolidation (issue 14 items 3 and 5, ADR 0040), pure: which EPCIs a
 * convention's périmètre covers (each one's CIL reviews its draft, CCH L.441-1-5), the flow of a
 * year on a territory within a périmètre (the units a taux gives there), the State's share of the
 * oriented units by commune (CCH R.441-5-2 II: uniform in each commune unless stipulated), and
 * whether a delegation of the State's contingent (CCH L.441-1) holds on a day.
 */
import { calculerFlux } from './flow.ts';
import type { Orientation } from './etat-moteur.ts';
import { contient } from './perimeter.ts';
import type { Convention, Logement, Perimetre, Scenario } from './types.ts';

/** A unit's place: its commune and EPCI (the unit's own, else its commune's). */
export interface Place {
  commune: string;
  epci: string | null;
}

/** The EPCIs holding at least one of the bailleur's units that the périmètre covers, sorted. */
export function epcisCouverts(perimetre: Perimetre, places: readonly Place[]): string[] {
  const out = new Set<string>();
  for (const p of places) {
    if (!p.epci) continue;
    if (contient(perimetre, { commune: p.commune, epci: p.epci })) out.add(p.epci);
  }
  return [...out].sort();
}

/**
 * The year's flow units (CCH R.441-5 I: liberations less exclusions and hors-flux units) of units on
 * a territory (its communes) that the périmètre covers.
 */
export function fluxDuTerritoire(s: Scenario, perimetre: Perimetre, communes: ReadonlySet<string>): number {
  const logements = new Map<string, Logement>(s.logements.map((l) => [l.id, l]));
  const disponibilites = [];
  for (const e of s.evenements) {
    if (e.type !== 'liberation') continue;
    const l = logements.get(e.logement);
    if (!l || !communes.has(l.commune) || !contient(perimetre, l)) continue;
    disponibilites.push({
      exclusion: e.exclusion ?? null,
      horsFlux: l.horsFlux ?? null,
      premiereMiseEnLocation: e.premiereMiseEnLocation === true,
    });
  }
  return calculerFlux(disponibilites).fluxAnnuel;
}

export interface PartCommune {
  /** Units of the year's flow oriented to a ledger line (the bailleur's included). */
  flux: number;
  /** Of which oriented to the State's line. */
  etat: number;
}

/** Per commune, the year's oriented flow units and those oriented to the State's line (`etat`: its réservataire id). */
export function partEtatParCommune(
  logements: readonly Pick<Logement, 'id' | 'commune'>[],
  orientations: readonly Pick<Orientation, 'logement' | 'reservataire'>[],
  etat: string | null,
): Map<string, PartCommune> {
  const commune = new Map(logements.map((l) => [l.id, l.commune]));
  const out = new Map<string, PartCommune>();
  for (const o of orientations) {
    if (o.reservataire === null) continue;
    const c = commune.get(o.logement);
    if (!c) continue;
    const p = out.get(c) ?? { flux: 0, etat: 0 };
    p.flux += 1;
    if (etat !== null && o.reservataire === etat) p.etat += 1;
    out.set(c, p);
  }
  return out;
}

export type StatutDelegation = 'a_venir' | 'active' | 'terminee';

/** A delegation holds from its first to its last day included (dates AAAA-MM-JJ, Europe/Paris). */
export function statutDelegation(d: { debut: string; fin: string }, jour: string): StatutDelegation {
  if (jour < d.debut) return 'a_venir';
  if (jour > d.fin) return 'terminee';
  return 'active';
}

/** Whether a delegation makes its delegatee act on the State's line for a unit of `commune` on `jour`. */
export function delegationCouvre(
  d: { debut: string; fin: string; communes: readonly string[] },
  commune: string,
  jour: string,
): boolean {
  return statutDelegation(d, jour) === 'active' && d.communes.includes(commune);
}

const pourcent = (x: number) => `${(x * 100).toLocaleString('fr-FR', { maximumFractionDigits: 2 })} %`;

/** A convention's qualitative commitments in words (the State's defaults of CCH R.441-5-2 II included). */
export function contraintesEnClair(c: Pick<Convention, 'contraintes'>, etat: boolean): string[] {
  const k = c.contraintes ?? {};
  const out: string[] = [];
  if (k.uniformiteCommunale ?? etat) out.push('taux appliqué dans chaque commune');
  const horsQpv = k.partHorsQpvMin ?? (etat ? 0.3 : 0);
  if (horsQpv > 0) out.push(`au moins ${pourcent(horsQpv)} hors QPV`);
  for (const [dimension, titre] of [
    ['typologie', 'typologie'],
    ['financement', 'financement'],
  ] as const) {
    const f = k[dimension];
    if (!f) continue;
    for (const [valeur, [min, max]] of Object.entries(f) as [string, [number, number]][])
      out.push(`${titre} ${valeur} : entre ${pourcent(min)} et ${pourcent(max)}`);
  }
  return out;
}
