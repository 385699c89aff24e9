/** API contracts of the état des lieux of reservations and of the stock-reservation import. */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import { DIMENSIONS } from '../domain/etat-des-lieux.ts';

const dimensions = <T extends z.ZodType>(t: T) =>
  z.object(Object.fromEntries(DIMENSIONS.map((d) => [d, t])) as Record<(typeof DIMENSIONS)[number], T>);

export const etatQuerySchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: z
    .string()
    .regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)')
    .optional(),
  /** The picture's date (AAAA-MM-JJ), today by default: the APL barème in force that day applies. */
  date: dateCalendaire.optional(),
});

export const groupeEtatSchema = z.object({
  id: z.string(),
  nature: z.enum(['ensemble', 'reservataire', 'non_reserve', 'inconnue', 'autres']),
  libelle: z.string(),
  logements: z.number().int(),
  droitsUniques: z.number().int(),
  mixes: dimensions(z.record(z.string(), z.number().int())),
});

export const etatDesLieuxSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  departement: z.string(),
  date: z.string(),
  bareme: z.object({ source: z.string(), du: z.string() }).nullable(),
  menages: z.record(z.string(), z.string()),
  groupes: z.array(groupeEtatSchema),
  modalites: dimensions(z.array(z.string())),
  libelles: dimensions(z.record(z.string(), z.string())),
  /** The unit-level detail is in the XLSX; the JSON gives its size. */
  unites: z.number().int(),
});

export const partieSchema = z.object({
  organisationId: z.string(),
  nom: z.string(),
  signeLe: z.string().nullable(),
  signataire: z.string().nullable(),
});

export const versionEtatSchema = z.object({
  id: z.string(),
  bailleurId: z.string(),
  departement: z.string(),
  version: z.number().int(),
  verrouilleLe: z.string(),
  verrouillePar: z.string(),
  empreinte: z.string(),
  parties: z.array(partieSchema),
  statut: z.enum(['en_signature', 'signe']),
});

export const versionEtatDetailSchema = z.object({ version: versionEtatSchema, etat: etatDesLieuxSchema });

export const verrouillageSchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: z
    .string()
    .regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)')
    .optional(),
});

export const signatureSchema = z.strictObject({
  empreinte: z.string().regex(/^[0-9a-f]{64}$/, 'empreinte : 64 caractères hexadécimaux (SHA-256 de la version lue)'),
});

export const reservationsQuerySchema = z.strictObject({ nom: z.string().max(300).optional() });

export const resumeReservationsSchema = z.object({
  bailleur: z.string(),
  fichier: z.string(),
  empreinte: z.string(),
  lignes: z.number().int(),
  modifies: z.number().int(),
  inchanges: z.number().int(),
  parNature: z.object({
    reserve: z.number().int(),
    droit_unique: z.number().int(),
    aucune: z.number().int(),
    inconnue: z.number().int(),
  }),
  parReservataire: z.record(z.string(), z.number().int()),
});
