/**
 * A drawn year as numbers (the Monte Carlo year, ADR 0051): each event a type code, a day of the
 * year and its unit's index in the scenario's `logements`, in typed arrays, with the order by date
 * already known. The engine runs it without building an event object (`preparerAnnees`), the runs'
 * figures are read from it; `evenementsCompacts` gives the same events as objects, in the same
 * order, when an option rewrites the year (`reecrireTirage`). Pure.
 */
import type { Evenement, Logement } from './types.ts';

/** The event types a drawn year holds. */
export const LIBERATION = 0;
/** A notice whose unit is rehoused under an ANRU operation (out of the flow). */
export const LIBERATION_ANRU = 1;
/** Candidates proposed (three). */
export const CANDIDATS = 2;
export const SANS_CANDIDAT = 3;
export const REFUS = 4;
/** The CAL's decision: attribution. */
export const ATTRIBUTION = 5;
export const BAIL_SIGNE = 6;

/** The candidates a drawn proposal names. */
export const CANDIDATS_TIRES = 3;

export interface AnneeCompacte {
  /** Number of events. */
  n: number;
  /** By event (index as in the events' list): type code, day of the year (0 = 1 January), unit. */
  types: Uint8Array;
  jours: Uint16Array;
  unites: Int32Array;
  /** The events' indexes by date, ties in index order (`ordreDesEvenements`). */
  ordre: Int32Array;
  /** Day of the year → YYYY-MM-DD. */
  dates: readonly string[];
  /** Day of the year → month, 0 to 11. */
  mois: Uint8Array;
  /** The scenario's units, by index. */
  logements: readonly Logement[];
}

/** The year's events as objects, in the year's index order (what `tirerAnnee` gives). */
export function evenementsCompacts(a: AnneeCompacte): Evenement[] {
  const evenements: Evenement[] = new Array<Evenement>(a.n);
  for (let i = 0; i < a.n; i++) {
    const date = a.dates[a.jours[i]!]!;
    const logement = a.logements[a.unites[i]!]!.id;
    let e: Evenement;
    switch (a.types[i]) {
      case LIBERATION:
        e = { date, type: 'liberation', logement };
        break;
      case LIBERATION_ANRU:
        e = { date, type: 'liberation', logement, exclusion: 'relogement_anru' };
        break;
      case CANDIDATS:
        e = { date, type: 'candidats', logement, nombre: CANDIDATS_TIRES };
        break;
      case SANS_CANDIDAT:
        e = { date, type: 'sans_candidat', logement };
        break;
      case REFUS:
        e = { date, type: 'refus', logement };
        break;
      case ATTRIBUTION:
        e = { date, type: 'decision_cal', logement, decision: 'attribution' };
        break;
      default:
        e = { date, type: 'bail_signe', logement };
    }
    evenements[i] = e;
  }
  return evenements;
}
