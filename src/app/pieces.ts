/**
 * Photos and plans of a letting (issue 6 item 2): the bailleur attaches them (JPEG, PNG, WebP or
 * PDF, recognised by their first bytes, not only by the declared type; 5 MiB each, 10 per letting)
 * and deletes them, audited without their content (name, size, fingerprint). Who reads them is
 * decided in the queries: the bailleur of the letting; the réservataire(s) it is oriented to (alone
 * or in a pool) once the bailleur's orientation decision exists, as for the inbox; the State pilot
 * of the département. Anyone else is told the piece does not exist (404).
 */
import { createHash, randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { delaisProposition, locations, piecesLocations } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import {
  PIECES_MAX_PAR_LOCATION,
  TAILLE_MAX_PIECE,
  TYPES_PIECES,
  type PieceApi,
  type PieceBoiteApi,
  type PiecesApi,
  type TypePiece,
} from '../contracts/pieces.ts';
import { journaliser } from './audit.ts';
import { LIBELLES_ETAT_LOCATION } from './explication.ts';
import { Conflit, Introuvable } from './errors.ts';
import { porteeLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

const LIBELLES_TYPE: Record<TypePiece, string> = {
  'image/jpeg': 'une image JPEG',
  'image/png': 'une image PNG',
  'image/webp': 'une image WebP',
  'application/pdf': 'un document PDF',
};

const ACCEPTES = 'seuls les photos JPEG, PNG ou WebP et les plans PDF sont acceptés';

/** Lettings whose life is over: nothing more is attached to them. */
const ETATS_CLOS = ['bail_signe', 'refus', 'sans_candidat'];

/** The type the file's first bytes say, or null when they are none of the accepted ones. */
export function typeReel(octets: Uint8Array): TypePiece | null {
  const debut = (signature: number[], decalage = 0) => signature.every((o, i) => octets[decalage + i] === o);
  if (debut([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (debut([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (debut([0x52, 0x49, 0x46, 0x46]) && debut([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (debut([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

/** A file name as sent, without any path or control character. */
export function nomPropre(nom: string): string {
  const dernier = nom.replace(/\\/g, '/').split('/').pop() ?? '';
  return [...dernier]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '"<>|:*?'.includes(c) ? '_' : c))
    .join('')
    .trim()
    .slice(0, 255);
}

/**
 * The lettings whose pieces the actor may read: `porteeLocations`, and for a réservataire only once
 * the bailleur decided the orientation (the inbox's rule).
 */
function lisibles(acteur: Acteur): SQL {
  const base = porteeLocations(acteur);
  if (acteur.role !== 'agent_reservataire') return base;
  return and(
    base,
    sql`exists (select 1 from ${delaisProposition} where ${delaisProposition.locationId} = ${locations.id})`,
  )!;
}

const colonnes = {
  id: piecesLocations.id,
  locationId: piecesLocations.locationId,
  nom: piecesLocations.nom,
  description: piecesLocations.description,
  typeMime: piecesLocations.typeMime,
  taille: piecesLocations.taille,
  empreinte: piecesLocations.empreinte,
  ajouteLe: piecesLocations.ajouteLe,
};
interface LignePiece {
  id: string;
  locationId: string;
  nom: string;
  description: string | null;
  typeMime: string;
  taille: number;
  empreinte: string;
  ajouteLe: Date;
}

function vue(p: LignePiece): PieceApi {
  return {
    id: p.id,
    locationId: p.locationId,
    nom: p.nom,
    description: p.description,
    type: p.typeMime as TypePiece,
    taille: p.taille,
    empreinte: p.empreinte,
    ajouteLe: p.ajouteLe.toISOString(),
  };
}

const introuvable = () => new Introuvable('location introuvable : elle n’existe pas ou n’est pas dans votre périmètre');

/** GET /api/locations/:id/pieces */
export async function listerPieces(tx: Tx, acteur: Acteur, locationId: string): Promise<PiecesApi> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
    'consulter les photos et plans d’une location',
  );
  const [l] = await tx
    .select({ id: locations.id })
    .from(locations)
    .where(and(eq(locations.id, locationId), lisibles(acteur)));
  if (!l) throw introuvable();
  const rows = await tx
    .select(colonnes)
    .from(piecesLocations)
    .where(eq(piecesLocations.locationId, locationId))
    .orderBy(asc(piecesLocations.ajouteLe), asc(piecesLocations.id));
  return { locationId, pieces: rows.map(vue), maximum: PIECES_MAX_PAR_LOCATION, tailleMax: TAILLE_MAX_PIECE };
}

/** GET /api/locations/:id/pieces/:piece — the piece with its content. */
export async function lirePiece(
  tx: Tx,
  acteur: Acteur,
  locationId: string,
  pieceId: string,
): Promise<PieceApi & { contenu: Buffer }> {
  exiger(
    acteur,
    ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
    'consulter les photos et plans d’une location',
  );
  const [p] = await tx
    .select({ ...colonnes, contenu: piecesLocations.contenu })
    .from(piecesLocations)
    .innerJoin(locations, eq(locations.id, piecesLocations.locationId))
    .where(and(eq(piecesLocations.id, pieceId), eq(piecesLocations.locationId, locationId), lisibles(acteur)));
  if (!p) throw new Introuvable('pièce jointe introuvable pour cette location');
  return { ...vue(p), contenu: p.contenu };
}

/** The pieces of the inbox's lettings (already scoped by the inbox), without their content. */
export async function piecesDesLocations(tx: Tx, ids: string[]): Promise<Map<string, PieceBoiteApi[]>> {
  const out = new Map<string, PieceBoiteApi[]>();
  if (ids.length === 0) return out;
  const rows = await tx
    .select(colonnes)
    .from(piecesLocations)
    .where(inArray(piecesLocations.locationId, ids))
    .orderBy(asc(piecesLocations.ajouteLe), asc(piecesLocations.id));
  for (const p of rows) {
    const liste = out.get(p.locationId) ?? [];
    liste.push({
      id: p.id,
      nom: p.nom,
      description: p.description,
      type: p.typeMime as TypePiece,
      taille: p.taille,
      ajouteLe: p.ajouteLe.toISOString(),
    });
    out.set(p.locationId, liste);
  }
  return out;
}

export interface NouvellePiece {
  nom: string;
  description?: string | undefined;
  /** The request's Content-Type, without its parameters. */
  typeDeclare: string;
  contenu: Buffer;
}

/** POST /api/locations/:id/pieces — the bailleur of the letting attaches a photo or a plan. */
export async function ajouterPiece(
  tx: Tx,
  acteur: Acteur,
  locationId: string,
  piece: NouvellePiece,
): Promise<PieceApi> {
  exiger(acteur, ['agent_bailleur'], 'joindre une photo ou un plan à une location');
  const type = piece.typeDeclare.split(';')[0]!.trim().toLowerCase();
  if (!(TYPES_PIECES as readonly string[]).includes(type)) {
    throw new DonneesInvalides([
      { chemin: 'fichier', message: `type de fichier « ${type || 'absent'} » refusé : ${ACCEPTES}` },
    ]);
  }
  if (piece.contenu.length === 0) throw new DonneesInvalides([{ chemin: 'fichier', message: 'le fichier est vide' }]);
  if (piece.contenu.length > TAILLE_MAX_PIECE)
    throw new DonneesInvalides([{ chemin: 'fichier', message: messageTaille(piece.contenu.length) }]);
  const reel = typeReel(piece.contenu);
  if (reel !== type) {
    throw new DonneesInvalides([
      {
        chemin: 'fichier',
        message: reel
          ? `le contenu du fichier est ${LIBELLES_TYPE[reel]}, pas ${LIBELLES_TYPE[type as TypePiece]} comme annoncé : envoyez-le avec son vrai type`
          : `le contenu du fichier n’est pas ${LIBELLES_TYPE[type as TypePiece]} (ses premiers octets ne correspondent pas) : ${ACCEPTES}`,
      },
    ]);
  }
  const nom = nomPropre(piece.nom);
  if (!nom) throw new DonneesInvalides([{ chemin: 'nom', message: 'nom du fichier obligatoire' }]);
  const description = piece.description?.trim() || null;

  // The letting's row locked: two uploads at once cannot both be the tenth.
  const [l] = await tx
    .select({ id: locations.id, etat: locations.etat })
    .from(locations)
    .where(and(eq(locations.id, locationId), eq(locations.bailleurId, acteur.organisationId)))
    .for('update');
  if (!l) throw introuvable();
  if (ETATS_CLOS.includes(l.etat))
    throw new Conflit(
      `la location est close (« ${LIBELLES_ETAT_LOCATION[l.etat] ?? l.etat} ») : on n’y joint plus de photo ni de plan`,
    );
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(piecesLocations)
    .where(eq(piecesLocations.locationId, locationId));
  if (n >= PIECES_MAX_PAR_LOCATION) {
    throw new DonneesInvalides([
      {
        chemin: 'fichier',
        message: `${PIECES_MAX_PAR_LOCATION} photos ou plans au plus par location : supprimez-en un avant d’en joindre un autre`,
      },
    ]);
  }

  const id = randomUUID();
  const empreinte = createHash('sha256').update(piece.contenu).digest('hex');
  const [row] = await tx
    .insert(piecesLocations)
    .values({
      id,
      locationId,
      nom,
      description,
      typeMime: type,
      taille: piece.contenu.length,
      empreinte,
      contenu: piece.contenu,
      ajoutePar: acteur.utilisateurId,
    })
    .returning(colonnes);
  const apres = vue(row!);
  await journaliser(tx, acteur, {
    action: 'location.piece.ajouter',
    cibleType: 'location',
    cibleId: locationId,
    avant: null,
    apres: resumeAudit(apres),
  });
  return apres;
}

/** DELETE /api/locations/:id/pieces/:piece — by the bailleur of the letting, audited. */
export async function supprimerPiece(tx: Tx, acteur: Acteur, locationId: string, pieceId: string): Promise<void> {
  exiger(acteur, ['agent_bailleur'], 'supprimer une photo ou un plan d’une location');
  const [p] = await tx
    .select(colonnes)
    .from(piecesLocations)
    .innerJoin(locations, eq(locations.id, piecesLocations.locationId))
    .where(
      and(
        eq(piecesLocations.id, pieceId),
        eq(piecesLocations.locationId, locationId),
        eq(locations.bailleurId, acteur.organisationId),
      ),
    );
  if (!p) throw new Introuvable('pièce jointe introuvable pour cette location');
  const supprimees = await tx
    .delete(piecesLocations)
    .where(eq(piecesLocations.id, pieceId))
    .returning({ id: piecesLocations.id });
  if (supprimees.length === 0) throw new Conflit('cette pièce vient d’être supprimée par quelqu’un d’autre');
  await journaliser(tx, acteur, {
    action: 'location.piece.supprimer',
    cibleType: 'location',
    cibleId: locationId,
    avant: resumeAudit(vue(p)),
    apres: null,
  });
}

/** What the audit keeps of a piece: never its content. */
function resumeAudit(p: PieceApi) {
  return {
    piece: p.id,
    nom: p.nom,
    description: p.description,
    type: p.type,
    taille: p.taille,
    empreinte: p.empreinte,
  };
}

/** The French message of a file over the limit. */
export function messageTaille(taille?: number): string {
  const mo = (n: number) => `${(n / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  return `fichier trop volumineux${taille ? ` (${mo(taille)})` : ''} : ${mo(TAILLE_MAX_PIECE)} au plus par photo ou plan`;
}
