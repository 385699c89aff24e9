/**
 * Use case "simulate a scenario": read the file's text, check its shape and meaning, complete the
 * EPCI of units from the COG when a perimeter needs it, and run the engine.
 */
import { problemesZod } from '../contracts/issues.ts';
import { scenarioSchema } from '../contracts/scenario.ts';
import { simuler, type OptionsMoteur, type ResultatSimulation } from '../domain/engine.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { Scenario } from '../domain/types.ts';
import { epciDeCommune } from '../import/cog.ts';

/** "ligne L, colonne C" of the first syntax error of a JSON text that JSON.parse refused. */
export function positionJson(texte: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error).message));
  const pos = m ? Number(m[1]) : premiereErreurJson(texte);
  const avant = texte.slice(0, pos);
  const ligne = avant.split('\n').length;
  const colonne = pos - avant.lastIndexOf('\n');
  return `ligne ${ligne}, colonne ${colonne}`;
}

/**
 * Offset of the first JSON syntax error (V8 does not always say where): a small recursive scanner,
 * run only on text JSON.parse has already refused.
 */
function premiereErreurJson(t: string): number {
  let i = 0;
  const blanc = () => {
    while (i < t.length && ' \t\n\r'.includes(t[i]!)) i++;
  };
  const echec = (): never => {
    throw i;
  };
  const valeur = (): void => {
    blanc();
    const c = t[i];
    if (c === '{') {
      i++;
      blanc();
      if (t[i] === '}') return void i++;
      for (;;) {
        blanc();
        if (t[i] !== '"') echec();
        chaine();
        blanc();
        if (t[i] !== ':') echec();
        i++;
        valeur();
        blanc();
        if (t[i] === ',') i++;
        else if (t[i] === '}') return void i++;
        else echec();
      }
    }
    if (c === '[') {
      i++;
      blanc();
      if (t[i] === ']') return void i++;
      for (;;) {
        valeur();
        blanc();
        if (t[i] === ',') i++;
        else if (t[i] === ']') return void i++;
        else echec();
      }
    }
    if (c === '"') return chaine();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(t.slice(i, i + 64));
    if (!lit) echec();
    i += lit![0].length;
  };
  const chaine = () => {
    i++;
    while (i < t.length && t[i] !== '"') {
      if (t[i] === '\\') i++;
      else if (t.charCodeAt(i) < 0x20) echec();
      i++;
    }
    if (i >= t.length) echec();
    i++;
  };
  try {
    valeur();
    blanc();
    return i < t.length ? i : t.length;
  } catch (pos) {
    return Math.min(pos as number, t.length);
  }
}

/** Parses and checks a scenario's text; throws `DonneesInvalides` with every problem found. */
export function lireScenario(texte: string): Scenario {
  let brut: unknown;
  try {
    brut = JSON.parse(texte);
  } catch (err) {
    throw new DonneesInvalides([{ chemin: positionJson(texte, err), message: 'JSON invalide' }]);
  }
  const r = scenarioSchema.safeParse(brut, { reportInput: true });
  if (!r.success) throw new DonneesInvalides(problemesZod(r.error));
  return completerEpci(r.data);
}

/**
 * Fills `logements[].epci` from the COG where the file left it out: EPCI perimeters and the
 * objectives per EPCI (first-quartile thresholds, CIA targets) need it.
 */
export function completerEpci(s: Scenario): Scenario {
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

export function simulerTexte(texte: string, options: OptionsMoteur = {}): ResultatSimulation {
  return simuler(lireScenario(texte), options);
}
