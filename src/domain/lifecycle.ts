/**
 * The lifecycle of one letting (one letting of one unit), as an explicit transition table:
 *
 *   liberee ──orienter──▶ orientee ──proposer_candidats──▶ candidats ──decider──▶ decision_cal
 *      │                    │  ▲ reorienter           ▲         │                   │
 *      │ exclure            │  └──────┘               │         │ refuser           ├─ signer_bail ─▶ bail_signe
 *      ▼                    └─ constater_sans_candidat ─▶ sans_candidat             ├─ refuser ─────▶ refus
 *   exclue ──proposer_candidats─────────────────────┘                               └─ proposer_candidats (after a negative decision)
 *
 * A letting outside the flow (`exclue`: a mutation interne, a rehousing, a unit kept out of the
 * flow) lives the same life without orientation (CCH R.441-5 I takes it out of the flow, not out
 * of the CAL): candidates, a CAL decision, a lease or a refusal; it counts on no ledger line.
 * bail_signe, refus and sans_candidat are final; exclue waits for its candidates. An impossible transition throws
 * `TransitionImpossible`. Concurrency is the caller's business: the server applies a transition
 * with `update … where etat = $expected`.
 *
 * The calendar of a letting (ADR 0026): the tenant's notice (préavis) opens it — the `liberation`
 * event is dated on the notice, and carries the departure (`depart`) when it is later; orientation,
 * candidates and the CAL may happen during the notice; the lease is dated on or after the departure.
 * The dates an officer enters (decision, answer to an offer, lease) are checked by `verifierDateSaisie`.
 */
import { TransitionImpossible, type Probleme } from './errors.ts';
import { dateCourte } from './calendrier.ts';

export const ETATS_LOCATION = [
  'liberee',
  'exclue',
  'orientee',
  'candidats',
  'decision_cal',
  'bail_signe',
  'refus',
  'sans_candidat',
] as const;
export type EtatLocation = (typeof ETATS_LOCATION)[number];

/** Each state as officers read it. */
export const LIBELLES_ETAT: Record<EtatLocation, string> = {
  liberee: 'libérée',
  exclue: 'hors du flux, en attente de candidats',
  orientee: 'orientée, en attente de candidats',
  candidats: 'candidats proposés',
  decision_cal: 'décision de la CAL',
  bail_signe: 'bail signé',
  refus: 'refus',
  sans_candidat: 'sans candidat',
};

export const TRANSITIONS = {
  exclure: { de: ['liberee'], vers: 'exclue' },
  orienter: { de: ['liberee'], vers: 'orientee' },
  reorienter: { de: ['orientee'], vers: 'orientee' },
  proposer_candidats: { de: ['orientee', 'decision_cal', 'exclue'], vers: 'candidats' },
  decider: { de: ['candidats'], vers: 'decision_cal' },
  signer_bail: { de: ['decision_cal'], vers: 'bail_signe' },
  refuser: { de: ['candidats', 'decision_cal'], vers: 'refus' },
  constater_sans_candidat: { de: ['orientee'], vers: 'sans_candidat' },
} as const satisfies Record<string, { de: readonly EtatLocation[]; vers: EtatLocation }>;

export type Transition = keyof typeof TRANSITIONS;

export const ETATS_FINAUX: ReadonlySet<EtatLocation> = new Set(['bail_signe', 'refus', 'sans_candidat']);

export function peutTransiter(etat: EtatLocation, transition: Transition): boolean {
  return (TRANSITIONS[transition].de as readonly EtatLocation[]).includes(etat);
}

/** The state after the transition, or a `TransitionImpossible` error. */
export function transiter(etat: EtatLocation, transition: Transition, logement?: string): EtatLocation {
  if (!peutTransiter(etat, transition)) throw new TransitionImpossible(etat, transition, logement);
  return TRANSITIONS[transition].vers;
}

/** A dated step of the letting that a new one follows (« la proposition des candidats », 2026-12-01). */
export interface EtapeDatee {
  libelle: string;
  date: string;
}

/**
 * Problems with a date an officer enters for a step of a letting (empty = fine): never in the future
 * (`aujourdhui`, Europe/Paris, given by the caller), never before a step it follows, and a lease never
 * before the tenant's departure. Each message says which date would do.
 */
export function verifierDateSaisie(d: {
  /** What is dated, with its article: « la décision de la CAL », « le bail », « la réponse du candidat ». */
  quoi: string;
  date: string;
  aujourdhui: string;
  suit?: readonly EtapeDatee[];
  /** The tenant's departure, for a lease. */
  depart?: string | null;
  chemin?: string;
}): Probleme[] {
  const chemin = d.chemin ?? 'date';
  const p: Probleme[] = [];
  if (d.date > d.aujourdhui)
    p.push({
      chemin,
      message: `${d.quoi} : le ${dateCourte(d.date)} est dans le futur ; indiquez la date où c’est arrivé, le ${dateCourte(d.aujourdhui)} au plus tard`,
    });
  let plusTard: EtapeDatee | null = null;
  for (const e of d.suit ?? []) if (d.date < e.date && (plusTard === null || e.date > plusTard.date)) plusTard = e;
  if (plusTard)
    p.push({
      chemin,
      message: `${d.quoi} ne peut précéder ${plusTard.libelle} du ${dateCourte(plusTard.date)} : choisissez le ${dateCourte(plusTard.date)} ou une date postérieure`,
    });
  if (d.depart && d.date < d.depart)
    p.push({
      chemin,
      message: `le bail ne peut être signé avant le départ du locataire, le ${dateCourte(d.depart)} : enregistrez-le à cette date ou après`,
    });
  return p;
}
