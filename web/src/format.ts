/** French formatting of numbers, rates and dates (fr-FR), shared by every page. */

const entier = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const uneDecimale = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const auPlusUneDecimale = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const uneDecimaleSignee = new Intl.NumberFormat('fr-FR', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const pourcentage = new Intl.NumberFormat('fr-FR', {
  style: 'percent',
  minimumFractionDigits: 0,
  maximumFractionDigits: 2,
});
const dateLongue = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateCourte = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
});

/** The typographic minus (U+2212) in place of the hyphen Intl writes for a negative number. */
const moins = (s: string): string => s.replace('-', '\u2212');

/** 12 345 ; −3 */
export const nombre = (n: number): string => moins(entier.format(n));

/** 12,3 (one decimal, for fractional entitlements) ; −0,4 */
export const decimal = (n: number): string => moins(uneDecimale.format(n));

/** 2 043 ; 2 043,5 ; −0,4 (a count that may be fractional, as a median: no « ,0 » on whole numbers) */
export const quantite = (n: number): string => moins(auPlusUneDecimale.format(n));

/** +1,4 / −0,6 / 0,0 — with a true minus sign (U+2212) so screen readers and eyes read it alike. */
export const signe = (n: number): string => moins(uneDecimaleSignee.format(Math.abs(n) < 0.05 ? 0 : n));

/** A fraction as a percentage: 0.3 → 30 %, 0.0536 → 5,36 % */
export const taux = (fraction: number): string => moins(pourcentage.format(fraction));

/** "2026-03-14" → "14/03/2026" */
export function date(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateCourte.format(d);
}

/** "2026-03-14" → "14 mars 2026" */
export function dateEnLettres(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateLongue.format(d);
}

/** Today in Europe/Paris, "2026-03-14": the day the server dates deadlines by. */
export const aujourdhuiParis = (): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

/** "1 logement" / "12 logements" */
export function pluriel(n: number, singulier: string, pluriel = `${singulier}s`): string {
  return `${nombre(n)} ${Math.abs(n) >= 2 ? pluriel : singulier}`;
}

/** « de » before a name, elided before a vowel or a mute h: « d’Orléans Métropole », « de Tours ». */
export const de = (nom: string): string => (/^[aeiouyhéèêàâîôûœ]/i.test(nom) ? `d’${nom}` : `de ${nom}`);
