/**
 * Communes and EPCI of the INSEE COG, from the maintained npm package
 * `@etalab/decoupage-administratif` (data: Licence Ouverte; code: MIT). Loaded lazily, once.
 */
import { createRequire } from 'node:module';

interface EpciCog {
  code: string;
  nom: string;
  type?: string;
  populationTotale?: number;
  membres: { code: string; populationTotale?: number }[];
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
let epciParSiren: Map<string, EpciCog> | null = null;

function charger(): void {
  if (epciParCommune) return;
  const epcis = require('@etalab/decoupage-administratif/data/epci.json') as EpciCog[];
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as CommuneCog[];
  epciParCommune = new Map();
  nomParEpci = new Map(epcis.map((e) => [e.code, e.nom]));
  epciParSiren = new Map(epcis.map((e) => [e.code, e]));
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

/** An EPCI's nature (METRO, CU, CA, CC…), population and member communes in the COG, or null. */
export function descriptionEpci(
  siren: string,
): { nature: string; population: number; plusGrandeCommune: number; communes: string[] } | null {
  charger();
  const e = epciParSiren!.get(siren);
  if (!e) return null;
  return {
    nature: e.type ?? '',
    population: e.populationTotale ?? 0,
    plusGrandeCommune: Math.max(0, ...e.membres.map((m) => m.populationTotale ?? 0)),
    communes: e.membres.map((m) => m.code),
  };
}
