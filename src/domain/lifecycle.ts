/**
 * The lifecycle of one letting (one vacancy of one unit), as an explicit transition table:
 *
 *   liberee ──orienter──▶ orientee ──proposer_candidats──▶ candidats ──decider──▶ decision_cal
 *      │                    │  ▲ reorienter                     │                   │
 *      │ exclure            │  └──────┘                         │ refuser           ├─ signer_bail ─▶ bail_signe
 *      ▼                    └─ constater_sans_candidat ─▶ sans_candidat             ├─ refuser ─────▶ refus
 *   exclue                                                                          └─ proposer_candidats (after a negative decision)
 *
 * bail_signe, refus, sans_candidat and exclue are final. An impossible transition throws
 * `TransitionImpossible`. Concurrency is the caller's business: the server applies a transition
 * with `update … where etat = $expected`.
 */
import { TransitionImpossible } from './errors.ts';

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

export const TRANSITIONS = {
  exclure: { de: ['liberee'], vers: 'exclue' },
  orienter: { de: ['liberee'], vers: 'orientee' },
  reorienter: { de: ['orientee'], vers: 'orientee' },
  proposer_candidats: { de: ['orientee', 'decision_cal'], vers: 'candidats' },
  decider: { de: ['candidats'], vers: 'decision_cal' },
  signer_bail: { de: ['decision_cal'], vers: 'bail_signe' },
  refuser: { de: ['candidats', 'decision_cal'], vers: 'refus' },
  constater_sans_candidat: { de: ['orientee'], vers: 'sans_candidat' },
} as const satisfies Record<string, { de: readonly EtatLocation[]; vers: EtatLocation }>;

export type Transition = keyof typeof TRANSITIONS;

export const ETATS_FINAUX: ReadonlySet<EtatLocation> = new Set(['exclue', 'bail_signe', 'refus', 'sans_candidat']);

export function peutTransiter(etat: EtatLocation, transition: Transition): boolean {
  return (TRANSITIONS[transition].de as readonly EtatLocation[]).includes(etat);
}

/** The state after the transition, or a `TransitionImpossible` error. */
export function transiter(etat: EtatLocation, transition: Transition, logement?: string): EtatLocation {
  if (!peutTransiter(etat, transition)) throw new TransitionImpossible(etat, transition, logement);
  return TRANSITIONS[transition].vers;
}
