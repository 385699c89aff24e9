/**
 * Communes and EPCI of the INSEE COG, from the maintained npm package
 * `@etalab/decoupage-administratif` (data: Licence Ouverte; code: MIT). Loaded lazily, once.
 */
import { createRequire } from 'node:module';

interface EpciCog {
  code: string;
  nom: string;
  membres: { code: string }[];
}
interface CommuneCog {
  code: string;
  nom: string;
  type: string;
  anciensCodes?: string[];
}

const require = createRequire(import.meta.url);
let epciParCommune: Map<string, string> | null = null;
let communeActuelle: Map<string, string> | null = null;
let nomParCommune: Map<string, string> | null = null;
let nomParEpci: Map<string, string> | null = null;

function charger(): void {
  if (epciParCommune) return;
  const epcis = require('@etalab/decoupage-administratif/data/epci.json') as EpciCog[];
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as CommuneCog[];
  epciParCommune = new Map();
  nomParEpci = new Map(epcis.map((e) => [e.code, e.nom]));
  for (const e of epcis) for (const m of e.membres) epciParCommune.set(m.code, e.code);
  communeActuelle = new Map();
  nomParCommune = new Map();
  for (const c of communes) {
    if (c.type !== 'commune-actuelle') continue;
    nomParCommune.set(c.code, c.nom);
    communeActuelle.set(c.code, c.code);
    for (const ancien of c.anciensCodes ?? []) if (!communeActuelle.has(ancien)) communeActuelle.set(ancien, c.code);
  }
}

/** The current commune code of a code that may predate a merger, or null if unknown. */
export function communeCourante(code: string): string | null {
  charger();
  return communeActuelle!.get(code) ?? null;
}

/** The SIREN of the commune's EPCI à fiscalité propre, following mergers; null if none. */
export function epciDeCommune(code: string): string | null {
  charger();
  const courante = communeCourante(code);
  return courante ? (epciParCommune!.get(courante) ?? null) : null;
}

/** The commune's name in the COG (following mergers), or null if the code is unknown. */
export function nomDeCommune(code: string): string | null {
  charger();
  const courante = communeCourante(code);
  return courante ? (nomParCommune!.get(courante) ?? null) : null;
}

/** The EPCI's name in the COG, or null if the SIREN is unknown. */
export function nomEpci(siren: string): string | null {
  charger();
  return nomParEpci!.get(siren) ?? null;
}
