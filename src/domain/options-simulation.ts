/**
 * The options of the Monte Carlo year that change more than a convention's field (issue 18 item 3,
 * ADR 0049): one réservataire or all of them per freed unit, delegated or direct management of a
 * line. Both are read on the same drawn year: the engine first runs the year under the option's
 * other rules (the units it gives each line: `orientations`, from whichever engine path the runner
 * uses), then the year's events are rewritten as the option says, and the engine runs again on
 * them — the runner counts that second run. Pure and seeded: the
 * only chance drawn here (who fills a pooled unit first, which missed deadline stays under
 * delegation) comes from a generator seeded by the plan's seed, the unit and its date, so the same
 * draw gives the same answer whatever the order of the runs.
 */
import { Rng } from './aleatoire.ts';
import { ajouterJours } from './calendrier.ts';
import { contient } from './perimeter.ts';
import { BAILLEUR, type Evenement, type Scenario } from './types.ts';

/** Delegated management of some lines: the bailleur designates the candidates on their behalf. */
export interface GestionDeleguee {
  /** The réservataires whose lines the bailleur manages (the State's contingent, on the page). */
  lignes: string[];
  /**
   * Share of the lettings of those lines still ending without a candidate (the bailleur designating
   * from the SNE misses no deadline of its own: 0 by default). At most the drawn year's rate: the
   * option removes missed deadlines from the same draws, it adds none.
   */
  sansCandidat: number;
}

/** What an option changes in the drawn year itself (beside the conventions' fields). */
export interface ReglesTirage {
  /**
   * `tous`: each unit the engine gives a réservataire is offered at once to every réservataire whose
   * convention covers it (a pool, ADR 0006); the first to fill takes it, drawn in proportion to the
   * members' taux. `un` (default): the engine's one line per unit.
   */
  parLogement?: 'un' | 'tous';
  gestionDeleguee?: GestionDeleguee;
}

/** 32-bit FNV-1a of a string: the seed of one unit's draw. */
function empreinte(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One draw in [0, 1) for a unit of a run, the same in every option that reads it. */
const tirageDuLogement = (graine: number, quoi: string, logement: string, date: string) =>
  new Rng(empreinte(`${graine}|${quoi}|${logement}|${date}`)).next();

export const doitReecrire = (r: ReglesTirage): boolean =>
  r.parLogement === 'tous' || (r.gestionDeleguee !== undefined && r.gestionDeleguee.lignes.length > 0);

/**
 * The drawn year rewritten under the option: `s` is the scenario under the option's other rules
 * with the drawn events, `orientations` the engine's first run of it; `delais` are the drawn year's
 * delays (days after the notice) and `sansCandidat` its rate of missed deadlines.
 */
export function reecrireTirage(
  s: Scenario,
  r: ReglesTirage,
  orientations: readonly { logement: string; reservataire: string | null }[],
  contexte: {
    graine: number;
    delais: { candidats: number; cal: number; bail: number };
    sansCandidat: number;
  },
): Evenement[] {
  if (!doitReecrire(r)) return s.evenements;
  const ligneDe = new Map<string, string>();
  for (const o of orientations) if (o.reservataire) ligneDe.set(o.logement, o.reservataire);
  const logements = new Map(s.logements.map((l) => [l.id, l]));
  const fin = `${s.annee}-12-31`;
  const deleguees = new Set(r.gestionDeleguee?.lignes ?? []);
  const garder =
    r.gestionDeleguee && contexte.sansCandidat > 0
      ? Math.min(1, r.gestionDeleguee.sansCandidat / contexte.sansCandidat)
      : 0;
  const liberation = new Map<string, string>();
  const preneur = new Map<string, string>();
  const sortie: Evenement[] = [];
  for (const e of s.evenements) {
    if (e.type === 'liberation') {
      liberation.set(e.logement, e.date);
      sortie.push(e);
      const ligne = ligneDe.get(e.logement);
      if (r.parLogement !== 'tous' || e.exclusion || !ligne || ligne === BAILLEUR) continue;
      const l = logements.get(e.logement)!;
      const taux = new Map<string, number>();
      for (const c of s.conventions)
        if (contient(c.perimetre, l)) taux.set(c.reservataire, (taux.get(c.reservataire) ?? 0) + c.taux);
      const membres = [...taux.keys()].sort();
      if (membres.length < 2) continue;
      // The first to fill: drawn in proportion to the members' taux (their applicants track their rights).
      const poids = membres.map((m) => taux.get(m)!);
      let u = tirageDuLogement(contexte.graine, 'premier', e.logement, e.date) * poids.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < membres.length - 1 && u >= poids[k]!) u -= poids[k++]!;
      preneur.set(e.logement, membres[k]!);
      sortie.push({
        date: e.date,
        type: 'orientation_multiple',
        logement: e.logement,
        reservataires: membres,
        motif: 'proposé à tous les réservataires, au premier dossier complet',
      });
      continue;
    }
    if (e.type === 'sans_candidat' && deleguees.has(ligneDe.get(e.logement) ?? '')) {
      const date = liberation.get(e.logement)!;
      if (tirageDuLogement(contexte.graine, 'delegue', e.logement, date) >= garder) {
        // The bailleur designates in time: the letting goes on as a drawn lease would.
        const d = contexte.delais;
        const suite: Evenement[] = [
          { date: ajouterJours(date, d.candidats), type: 'candidats', logement: e.logement, nombre: 3 },
          { date: ajouterJours(date, d.cal), type: 'decision_cal', logement: e.logement, decision: 'attribution' },
          { date: ajouterJours(date, d.bail), type: 'bail_signe', logement: e.logement },
        ];
        for (const x of suite) if (x.date <= fin) sortie.push(x);
        continue;
      }
    }
    if (e.type === 'bail_signe' && preneur.has(e.logement)) {
      sortie.push({ ...e, reservataire: preneur.get(e.logement)! });
      continue;
    }
    sortie.push(e);
  }
  return sortie;
}
