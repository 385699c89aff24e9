/**
 * The one date of the contracts: a real calendar day written AAAA-MM-JJ (2026-02-30 and
 * 2026-13-01 are refused, 2024-02-29 is accepted), with a French message. Every date an officer or
 * a file sends — a letting's, a CAL session's, a convention's, a scenario's — is checked by it, so
 * that no impossible date reaches the engine or the database.
 */
import { z } from 'zod';

export const MESSAGE_DATE = 'date réelle attendue au format AAAA-MM-JJ (par exemple 2026-03-14)';

/** A calendar date, AAAA-MM-JJ (JSON Schema: `format: date`). */
export const dateCalendaire = z.iso.date(MESSAGE_DATE);

/** Whether a text is a real calendar date AAAA-MM-JJ (for code that checks outside a schema). */
export const estDateCalendaire = (s: string): boolean => dateCalendaire.safeParse(s).success;
