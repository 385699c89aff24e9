/**
 * What a stored year says about the past, for the forecast and the conversion (issue 5): the actual
 * flow of a perimeter (a département, a convention's communes or EPCI) and the departures of each
 * unit. Pure: a scenario in (the year's events and units, as `flux simulate` reads them), counts out.
 */
import { calculerFlux, type FluxAnnuel } from './flow.ts';
import { contient } from './perimeter.ts';
import type { Logement, Perimetre, Scenario } from './types.ts';

/** The actual flow of the year on a perimeter: every liberation of a unit inside it. */
export function fluxDuPerimetre(s: Scenario, perimetre: Perimetre): FluxAnnuel {
  const logements = new Map<string, Logement>(s.logements.map((l) => [l.id, l]));
  const disponibilites = [];
  for (const e of s.evenements) {
    if (e.type !== 'liberation') continue;
    const l = logements.get(e.logement);
    if (!l || !contient(perimetre, l)) continue;
    disponibilites.push({
      exclusion: e.exclusion ?? null,
      horsFlux: l.horsFlux ?? null,
      premiereMiseEnLocation: e.premiereMiseEnLocation === true,
    });
  }
  return calculerFlux(disponibilites);
}

/** Departures per unit in the year: liberations that are not first lettings (excluded ones included: the tenant left). */
export function departsParLogement(s: Scenario): Map<string, number> {
  const departs = new Map<string, number>();
  for (const e of s.evenements) {
    if (e.type !== 'liberation' || e.premiereMiseEnLocation === true) continue;
    departs.set(e.logement, (departs.get(e.logement) ?? 0) + 1);
  }
  return departs;
}
