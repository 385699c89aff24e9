/**
 * Raw file uploads (RPLS, stock reservations) that never sit in memory: the body is streamed to a
 * private temporary file as it arrives, its size checked against the route's limit on the
 * Content-Length before a byte is read and again while it streams (a chunked or lying client is cut
 * off as soon as it goes over), then the route reads that file (as many passes as it needs). The
 * file is deleted once the answer is sent, whatever happened.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FichierTropVolumineux } from '../app/errors.ts';
import { supprimerTemporaire } from '../import/fichier-temporaire.ts';

/** An uploaded body, on disk. */
export interface Televersement {
  genre: 'televersement';
  chemin: string;
  octets: number;
}

export const estTeleversement = (corps: unknown): corps is Televersement =>
  typeof corps === 'object' && corps !== null && (corps as { genre?: unknown }).genre === 'televersement';

/** Streams a body to a temporary file, refusing it once it is above `limite` bytes. */
export async function recevoirFichier(corps: NodeJS.ReadableStream, limite: number): Promise<Televersement> {
  const chemin = join(tmpdir(), `flux-televersement-${randomUUID()}`);
  let octets = 0;
  const compteur = new Transform({
    transform(morceau: Buffer, _encodage, suite) {
      octets += morceau.length;
      if (octets > limite) suite(new FichierTropVolumineux(limite));
      else suite(null, morceau);
    },
  });
  try {
    await pipeline(corps, compteur, createWriteStream(chemin, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    await supprimerTemporaire(chemin);
    throw err;
  }
  return { genre: 'televersement', chemin, octets };
}

/**
 * In a route's own scope: bodies of these content types become a `Televersement` (at most
 * `limite` bytes), deleted after the answer. Runs after the access check (`onRequest`): nobody
 * unauthorised makes the server write a byte.
 */
export function accepterTeleversements(portee: FastifyInstance, types: string[], limite: number): void {
  portee.addContentTypeParser(types, async (request: FastifyRequest, corps: NodeJS.ReadableStream) => {
    const annonce = Number(request.headers['content-length']);
    if (Number.isFinite(annonce) && annonce > limite) throw new FichierTropVolumineux(limite, annonce);
    return recevoirFichier(corps, limite);
  });
  portee.addHook('onResponse', async (request) => {
    if (estTeleversement(request.body)) await supprimerTemporaire(request.body.chemin);
  });
}
