/**
 * Contracts of the demand side (ADR 0036): the demands upload and list, the reconciliation of a
 * year's allocations (its answer, as the page shows it: names and numbers, never an internal id).
 * Shared by the server and the web app.
 */
import { z } from 'zod';
import { cotationSchema } from './cotation.ts';

/** The largest demands file (one short row per demand: a few MB for the largest réservataire). */
export const TAILLE_MAX_DEMANDES = 50 * 1024 * 1024;
/** The largest allocations file of a reconciliation (a département's year). */
export const TAILLE_MAX_RAPPROCHEMENT = 20 * 1024 * 1024;
/**
 * The demands template's columns (docs/demandes.md), in the template's order, with the example row
 * the CSV and the XLSX templates offer and what each column holds. The import accepts more spellings
 * of each name (`COLONNES_DEMANDES`, src/import/demandes.ts); these are the ones it writes.
 */
export const MODELE_DEMANDES = [
  {
    colonne: 'NUMERO_UNIQUE',
    obligatoire: true,
    exemple: '045261100012345',
    contenu: 'le numéro unique de la demande (SNE) : 10 à 20 lettres ou chiffres',
  },
  {
    colonne: 'DATE_DEMANDE',
    obligatoire: true,
    exemple: '12/01/2026',
    contenu: 'la date du dépôt de la demande, JJ/MM/AAAA, pas dans le futur',
  },
  {
    colonne: 'DATE_RENOUVELLEMENT',
    obligatoire: false,
    exemple: '',
    contenu: 'la date du dernier renouvellement, JJ/MM/AAAA ; vide si jamais renouvelée',
  },
  { colonne: 'PERSONNES', obligatoire: true, exemple: '3', contenu: 'le nombre de personnes à loger, de 1 à 20' },
  {
    colonne: 'ENFANTS_MOINS_14',
    obligatoire: false,
    exemple: '1',
    contenu: 'dont les enfants de moins de 14 ans ; vide : aucun',
  },
  {
    colonne: 'RESSOURCES_ANNUELLES',
    obligatoire: false,
    exemple: '18400',
    contenu: 'les ressources annuelles du ménage, en euros ; vide : inconnues',
  },
  {
    colonne: 'CATEGORIES',
    obligatoire: false,
    exemple: 'dalo',
    contenu: 'les catégories prioritaires, séparées par « | » : dalo, pdalhpd, autre_l441_1 ; vide : aucune',
  },
  {
    colonne: 'COMMUNES',
    obligatoire: true,
    exemple: '45234|45302',
    contenu: 'les communes souhaitées, codes INSEE séparés par « | » (1 à 20)',
  },
  {
    colonne: 'TYPOLOGIES',
    obligatoire: true,
    exemple: 'T2|T3',
    contenu: 'les typologies souhaitées, T1 à T6, séparées par « | »',
  },
  {
    colonne: 'SITUATIONS',
    obligatoire: false,
    exemple: 'sans_logement',
    contenu: 'les situations de la demande pour la grille de cotation, séparées par « | » ; vide : aucune',
  },
  {
    colonne: 'LIEN_LOCAL',
    obligatoire: false,
    exemple: 'oui',
    contenu: 'travaille ou habite sur le territoire : oui ou non ; vide : non',
  },
  {
    colonne: 'REFUS_ADAPTES',
    obligatoire: false,
    exemple: '',
    contenu: 'les dates des logements adaptés refusés, JJ/MM/AAAA séparées par « | »',
  },
  {
    colonne: 'MUTATION_INTERNE',
    obligatoire: false,
    exemple: 'non',
    contenu: 'locataire du bailleur demandant un autre logement : oui ou non ; vide : non',
  },
] as const;

/** The CSV template: UTF-8 BOM, `;`, CRLF, the header then the example row. */
export const MODELE_DEMANDES_CSV =
  `\uFEFF${MODELE_DEMANDES.map((c) => c.colonne).join(';')}\r\n` +
  `${MODELE_DEMANDES.map((c) => c.exemple).join(';')}\r\n`;

/** Mismatches listed in the JSON answer (the XLSX lists them all). */
export const ECARTS_MAX_REPONSE = 2_000;

export const demandesUploadQuerySchema = z.strictObject({
  nom: z.string().max(200).optional(),
});

export const resumeDemandesSchema = z.object({
  organisation: z.string(),
  fichier: z.string(),
  empreinte: z.string(),
  encodage: z.enum(['utf-8', 'windows-1252']),
  lignes: z.number(),
  nouvelles: z.number(),
  modifiees: z.number(),
  inchangees: z.number(),
  expireesIgnorees: z.number(),
  purgees: z.number(),
  champsModifies: z.record(z.string(), z.number()),
  detailModifiees: z.array(z.object({ numero: z.string(), champs: z.array(z.string()) })),
});
export type ResumeDemandesApi = z.infer<typeof resumeDemandesSchema>;

export const demandesQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  parPage: z.coerce.number().int().min(1).max(200).default(50),
  numero: z
    .string()
    .regex(/^[0-9A-Za-z]{1,20}$/, 'numéro unique : lettres et chiffres')
    .optional(),
});

export const pageDemandesSchema = z.object({
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  demandes: z.array(
    z.object({
      numeroUnique: z.string(),
      dateDemande: z.string(),
      dateRenouvellement: z.string().nullable(),
      finValidite: z.string(),
      personnes: z.number(),
      enfantsMoins14: z.number(),
      ressourcesAnnuelles: z.number().nullable(),
      categories: z.array(z.string()),
      communes: z.array(z.object({ code: z.string(), nom: z.string() })),
      typologies: z.array(z.string()),
      majLe: z.string(),
      /** Its note under the grid in force of the EPCI it wishes (issue 17), null without one. */
      cotation: cotationSchema.nullable(),
    }),
  ),
});
export type PageDemandesApi = z.infer<typeof pageDemandesSchema>;

export const rapprochementQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000, 'année invalide').max(2100, 'année invalide'),
  departement: z
    .string()
    .regex(/^(\d{2,3}|2[AB])$/, 'département invalide (par exemple 45)')
    .optional(),
  nom: z.string().max(200).optional(),
});

const compteSchema = z.object({ total: z.number(), avecReservataire: z.number(), part: z.number().nullable() });
export const groupeRapprochementSchema = z.object({
  bailleur: z.string(),
  departement: z.string().nullable(),
  fichier: compteSchema,
  flux: compteSchema,
  rapprocheesParNumero: z.number(),
  rapprocheesParRpls: z.number(),
  ecarts: z.record(z.string(), z.number()),
});
export const GENRES_ECART_API = [
  'inconnu_flux',
  'inconnu_sne',
  'reservataire_different',
  'absent_flux',
  'absent_fichier',
] as const;
export const ecartRapprochementSchema = z.object({
  genre: z.enum(GENRES_ECART_API),
  libelle: z.string(),
  bailleur: z.string(),
  departement: z.string().nullable(),
  /** What the file says (null: a lease missing from the file). */
  fichier: z
    .object({
      ligne: z.number(),
      numeroUnique: z.string().nullable(),
      rpls: z.string().nullable(),
      date: z.string(),
      reservataire: z.string().nullable(),
    })
    .nullable(),
  /** What Flux holds (null: an allocation missing from Flux). */
  flux: z
    .object({
      rpls: z.string(),
      commune: z.string(),
      date: z.string(),
      numeroUnique: z.string().nullable(),
      reservataire: z.string(),
    })
    .nullable(),
});
export const rapprochementSchema = z.object({
  fichier: z.string(),
  annee: z.number(),
  departement: z.string().nullable(),
  toleranceJours: z.number(),
  lignes: z.number(),
  horsAnnee: z.number(),
  horsPerimetre: z.number(),
  groupes: z.array(groupeRapprochementSchema),
  total: groupeRapprochementSchema,
  ecarts: z.array(ecartRapprochementSchema),
  /** All the mismatches (`ecarts` holds the first `ECARTS_MAX_REPONSE`). */
  nombreEcarts: z.number(),
});
export type RapprochementApi = z.infer<typeof rapprochementSchema>;
export type EcartRapprochementApi = z.infer<typeof ecartRapprochementSchema>;
