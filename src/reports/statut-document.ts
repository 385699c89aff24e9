/**
 * Whether a bilan document is the issued version or provisional figures (issue 12 item 6): every
 * PDF, XLSX and CSV of a bilan says it, in French. Only an issued version (emissions_bilan, with its
 * SHA-256 fingerprint) is the bilan of CCH R.441-5-1; the live figures of a year not issued, or
 * changed since its last version, are « provisoire » (the PDF carries a watermark).
 */
import { dateCourte } from '../domain/calendrier.ts';

export type StatutDocument =
  | { etat: 'provisoire'; derniere: { version: number; emisLe: string } | null }
  | { etat: 'emis'; version: number; emisLe: string; empreinte: string };

/** "2027-01-15" or an ISO timestamp → "15/01/2027" (the day as given, no time zone shift). */
export function dateFrancaise(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? dateCourte(iso.slice(0, 10)) : iso;
}

/** The one sentence a document of the bilan shows under its title. */
export function mentionStatut(s: StatutDocument): string {
  if (s.etat === 'emis')
    return `Version ${s.version} émise le ${dateFrancaise(s.emisLe)} — empreinte SHA-256 ${s.empreinte.slice(0, 16)}…`;
  if (s.derniere)
    return `Document provisoire : ces chiffres diffèrent de la version ${s.derniere.version} émise le ${dateFrancaise(s.derniere.emisLe)}, qui seule fait foi.`;
  return 'Document provisoire : ce bilan n’a pas encore été émis ; seule une version émise fait foi.';
}

/** A short word for file names. */
export const suffixeStatut = (s: StatutDocument): string => (s.etat === 'emis' ? `v${s.version}` : 'provisoire');
