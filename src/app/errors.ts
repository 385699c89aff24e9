/** Application errors, mapped once to HTTP statuses by the server's error handler. */
import { FluxError } from '../domain/errors.ts';
import { messageTropVolumineux } from '../contracts/televersement.ts';

export class NonAuthentifie extends FluxError {
  readonly code = 'NON_AUTHENTIFIE';
  constructor(message = 'connexion requise') {
    super(message);
  }
}

export class Interdit extends FluxError {
  readonly code = 'INTERDIT';
}

export class Introuvable extends FluxError {
  readonly code = 'INTROUVABLE';
}

/** Another action changed the same thing first; the client should reload and decide again. */
export class Conflit extends FluxError {
  readonly code = 'CONFLIT';
}

/** An uploaded file above its limit: said before it is read (Content-Length) or as soon as it goes over. */
export class FichierTropVolumineux extends FluxError {
  readonly code = 'FICHIER_TROP_VOLUMINEUX';
  constructor(
    readonly limite: number,
    readonly taille?: number,
  ) {
    super(messageTropVolumineux(limite, taille));
  }
}
