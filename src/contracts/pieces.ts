/**
 * Contracts of the photos and plans attached to a letting (issue 6 item 2): the bailleur uploads
 * each file as the raw body (its own Content-Type, the name and description as query parameters);
 * the letting's readers list them and download each one. Shared by the server and the web app.
 */
import { z } from 'zod';

/** The accepted types, each checked on the file's first bytes too. */
export const TYPES_PIECES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type TypePiece = (typeof TYPES_PIECES)[number];
/** 5 MiB per file. */
export const TAILLE_MAX_PIECE = 5 * 1024 * 1024;
/** 10 files per letting. */
export const PIECES_MAX_PAR_LOCATION = 10;
/** For the file input's `accept` and the messages. */
export const EXTENSIONS_PIECES = '.jpg, .jpeg, .png, .webp, .pdf';

export const pieceSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  nom: z.string(),
  description: z.string().nullable(),
  type: z.enum(TYPES_PIECES),
  /** In bytes. */
  taille: z.number(),
  /** SHA-256 of the content, hex. */
  empreinte: z.string(),
  ajouteLe: z.string(),
});
export type PieceApi = z.infer<typeof pieceSchema>;

export const piecesSchema = z.object({
  locationId: z.string(),
  pieces: z.array(pieceSchema),
  maximum: z.number(),
  tailleMax: z.number(),
});
export type PiecesApi = z.infer<typeof piecesSchema>;

/** POST /api/locations/:id/pieces?nom=…&description=… */
export const ajoutPieceQuerySchema = z.strictObject({
  nom: z.string().trim().min(1, 'nom du fichier obligatoire').max(255, 'nom du fichier : 255 caractères au plus'),
  description: z.string().trim().max(500, 'description : 500 caractères au plus').optional(),
});

export const pieceParamsSchema = z.object({ id: z.string().min(1), piece: z.string().min(1) });

/** What the inbox lists of each piece (no content). */
export const pieceBoiteSchema = z.object({
  id: z.string(),
  nom: z.string(),
  description: z.string().nullable(),
  type: z.enum(TYPES_PIECES),
  taille: z.number(),
  ajouteLe: z.string(),
});
export type PieceBoiteApi = z.infer<typeof pieceBoiteSchema>;

/** The address of a piece's content. */
export const adressePiece = (locationId: string, pieceId: string) =>
  `/api/locations/${encodeURIComponent(locationId)}/pieces/${encodeURIComponent(pieceId)}`;
