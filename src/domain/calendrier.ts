/**
 * The one calendar of Flux: days are ISO dates `YYYY-MM-DD` in Europe/Paris (the day an officer
 * lives in), computed without a clock — "now" is always given by the caller (the server's injected
 * clock, a test's fixed date). Calendar arithmetic is done in UTC on midnight, so that no time
 * zone or summer time shift moves a day.
 */

const JOUR_PARIS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Europe/Paris day of an instant, YYYY-MM-DD. */
export function jourParis(instant: Date): string {
  return JOUR_PARIS.format(instant);
}

/** The Europe/Paris year of an instant. */
export function anneeParis(instant: Date): number {
  return Number(jourParis(instant).slice(0, 4));
}

/** A calendar date plus n days (n may be negative). */
export function ajouterJours(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Days from `de` to `a` (negative when `a` is earlier). */
export function joursEntre(de: string, a: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${de}T00:00:00Z`)) / 86_400_000);
}

/** Whether a YYYY-MM-DD string is a real calendar date (2026-02-30 and 2026-13-01 are not). */
export function estDateReelle(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

/** 2026-12-07 → 07/12/2026 (tables, forms, files). */
export function dateCourte(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

const MOIS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** 2026-12-01 → 1er décembre 2026 (sentences: notifications, e-mails, explanations). */
export function dateLongue(iso: string): string {
  const [a, m, j] = iso.split('-').map(Number) as [number, number, number];
  return `${j === 1 ? '1er' : j} ${MOIS[m - 1]} ${a}`;
}
