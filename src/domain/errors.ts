/**
 * Typed domain errors. The domain throws these (or returns them as data); each edge maps them once:
 * the CLI to exit status 2 with one line per problem, the HTTP handler to a status and a French message.
 */

/** One problem in an input, located by its field path (`conventions[2].taux`). */
export interface Probleme {
  chemin: string;
  message: string;
}

export abstract class FluxError extends Error {
  abstract readonly code: string;
}

/** The input breaks one or more rules; every problem is listed. */
export class DonneesInvalides extends FluxError {
  readonly code = 'DONNEES_INVALIDES';
  constructor(readonly problemes: Probleme[]) {
    super(problemes.map((p) => `${p.chemin}: ${p.message}`).join('\n'));
    this.name = 'DonneesInvalides';
  }
}

/** A letting was asked to move along a transition its state does not allow. */
export class TransitionImpossible extends FluxError {
  readonly code = 'TRANSITION_IMPOSSIBLE';
  constructor(
    readonly etat: string,
    readonly transition: string,
    readonly logement?: string,
  ) {
    super(
      `transition impossible : « ${transition} » depuis l’état « ${etat} »` +
        (logement ? ` (logement ${logement})` : ''),
    );
    this.name = 'TransitionImpossible';
  }
}

/** An event the engine cannot apply to the year as it stands (no letting in progress, a lease naming another line…). */
export class EvenementRefuse extends FluxError {
  readonly code = 'EVENEMENT_REFUSE';
  constructor(message: string) {
    super(message);
    this.name = 'EvenementRefuse';
  }
}
