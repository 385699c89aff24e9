/**
 * Use case "simulate a scenario": read the file's text, check its shape and meaning, complete the
 * EPCI of units from the COG when a perimeter needs it, and run the engine.
 */
import { problemesZod } from '../contracts/issues.ts';
import { scenarioSchema } from '../contracts/scenario.ts';
import { simuler, type ResultatSimulation } from '../domain/engine.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { Scenario } from '../domain/types.ts';
import { epciDeCommune } from '../import/cog.ts';

function positionJson(texte: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error).message));
  if (!m) return '(fichier)';
  const pos = Number(m[1]);
  const avant = texte.slice(0, pos);
  const ligne = avant.split('\n').length;
  const colonne = pos - avant.lastIndexOf('\n');
  return `ligne ${ligne}, colonne ${colonne}`;
}

/** Parses and checks a scenario's text; throws `DonneesInvalides` with every problem found. */
export function lireScenario(texte: string): Scenario {
  let brut: unknown;
  try {
    brut = JSON.parse(texte);
  } catch (err) {
    throw new DonneesInvalides([{ chemin: positionJson(texte, err), message: 'JSON invalide' }]);
  }
  const r = scenarioSchema.safeParse(brut);
  if (!r.success) throw new DonneesInvalides(problemesZod(r.error));
  return completerEpci(r.data);
}

/** Fills `logements[].epci` from the COG when an EPCI perimeter needs it and the file left it out. */
export function completerEpci(s: Scenario): Scenario {
  if (!s.conventions.some((c) => 'epci' in c.perimetre)) return s;
  if (s.logements.every((l) => l.epci !== undefined)) return s;
  return {
    ...s,
    logements: s.logements.map((l) => {
      if (l.epci !== undefined) return l;
      const epci = epciDeCommune(l.commune);
      return epci ? { ...l, epci } : l;
    }),
  };
}

export function simulerTexte(texte: string): ResultatSimulation {
  return simuler(lireScenario(texte));
}
