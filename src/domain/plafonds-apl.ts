/**
 * The APL rent ceilings (plafonds de loyer, CCH D.823-16 2°, arrêté du 27 septembre 2019 art. 7),
 * as dated, sourced data, and the « affordable » test of the état des lieux (rules.md §7): a unit
 * is affordable when its monthly principal rent is at or under the ceiling of its APL zone for the
 * household its typology suits.
 *
 * Only versions whose text was read are listed (Légifrance identifiers in `source`); the latest one
 * applies after its date until a newer version is added here. Amounts are in euro cents.
 */
import type { ParametreDate } from './legal-parameters.ts';
import type { Typologie } from './types.ts';

export const ZONES_APL = ['I', 'II', 'III'] as const;
export type ZoneApl = (typeof ZONES_APL)[number];

/** One zone's ceilings (cents): single person, couple, one dependant, and per extra dependant. */
export interface PlafondsZone {
  personneSeule: number;
  couple: number;
  unePersonneACharge: number;
  parPersonneSupplementaire: number;
}

export type BaremeApl = Readonly<Record<ZoneApl, PlafondsZone>>;

const zone = (
  personneSeule: number,
  couple: number,
  unePersonneACharge: number,
  parPersonneSupplementaire: number,
): PlafondsZone => ({
  personneSeule,
  couple,
  unePersonneACharge,
  parPersonneSupplementaire,
});

export const BAREMES_APL: readonly ParametreDate<BaremeApl>[] = [
  {
    valeur: {
      I: zone(29_682, 35_799, 40_460, 5_870),
      II: zone(25_869, 31_664, 35_630, 5_186),
      III: zone(24_246, 29_392, 32_956, 4_723),
    },
    du: '2020-10-01',
    au: '2023-09-30',
    source: 'Arrêté du 27 septembre 2019, art. 7, tableau modifié (Légifrance JORFARTI000042376750)',
  },
  {
    valeur: {
      I: zone(31_930, 38_509, 43_524, 6_315),
      II: zone(27_828, 34_062, 38_328, 5_579),
      III: zone(26_082, 31_617, 35_451, 5_081),
    },
    du: '2023-10-01',
    au: null,
    source:
      'Arrêté du 27 septembre 2019, art. 7, version en vigueur au 1er octobre 2023 (Légifrance LEGIARTI000048109313)',
  },
];

/** The barème in force on `date` (ISO), or null before the first one listed. */
export function baremeAu(date: string): ParametreDate<BaremeApl> | null {
  return BAREMES_APL.find((b) => b.du <= date && (b.au === null || date <= b.au)) ?? null;
}

/**
 * The household a typology suits, as the number of dependants beyond a couple (-1: one person):
 * T1 a single person, T2 a couple, T3 one dependant, T4 two, T5 three, T6 four. A convention of
 * the état des lieux, shown with it.
 */
export const MENAGE_PAR_TYPOLOGIE: Readonly<Record<Typologie, { personnesACharge: number; libelle: string }>> = {
  T1: { personnesACharge: -1, libelle: 'personne seule' },
  T2: { personnesACharge: 0, libelle: 'couple sans personne à charge' },
  T3: { personnesACharge: 1, libelle: 'une personne à charge' },
  T4: { personnesACharge: 2, libelle: 'deux personnes à charge' },
  T5: { personnesACharge: 3, libelle: 'trois personnes à charge' },
  T6: { personnesACharge: 4, libelle: 'quatre personnes à charge' },
};

/** The ceiling (cents) of a zone for the household a typology suits. */
export function plafondPour(bareme: BaremeApl, zoneApl: ZoneApl, typologie: Typologie): number {
  const z = bareme[zoneApl];
  const aCharge = MENAGE_PAR_TYPOLOGIE[typologie].personnesACharge;
  if (aCharge < 0) return z.personneSeule;
  if (aCharge === 0) return z.couple;
  return z.unePersonneACharge + (aCharge - 1) * z.parPersonneSupplementaire;
}

/** Whether a monthly rent (euros, 2 decimals) is at or under the ceiling; null when the rent is unknown. */
export function estAbordable(
  loyer: number | null,
  bareme: BaremeApl,
  zoneApl: ZoneApl,
  typologie: Typologie,
): boolean | null {
  if (loyer === null || !Number.isFinite(loyer)) return null;
  return Math.round(loyer * 100) <= plafondPour(bareme, zoneApl, typologie);
}
