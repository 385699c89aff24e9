/**
 * Read results kept in memory until the data they depend on changes (ADR 0023, amending 0010).
 * Every write is audited in the same transaction, so the audit trail's last sequence number is a
 * global data version. This instance reads it at most every VERSION_TTL_MS, and forgets it as soon
 * as one of its own writes is answered (`oublierVersion`): its users always read their own writes;
 * a write made through another instance shows within VERSION_TTL_MS (and acting on a stale page is
 * refused by the letting's version lock, never applied twice).
 *
 * When the version moves, the audit events in between say which bailleur × département they
 * touched (a letting, a CAL session or offer); a cached answer whose scope (`Portee`) none of them
 * touches is kept and carried to the new version. An event this cannot place (a convention, an
 * import, an account…) drops every answer, as does a gap too long to read. A sign-in or sign-out
 * changes no data an answer shows: it drops none.
 *
 * While an outdated answer is recomputed, users who made none of the changes that outdated it may
 * be served it, for at most `perimeMaxMs` (`FLUX_PERIME_MS`, off by default) after this instance learned of the first (ADR 0052).
 *
 * The same events say whose sessions changed (`comptesTouches`: an account deactivated, a sign-out,
 * an organisation): the sessions cached by `auth.ts` are re-read from the database (ADR 0046).
 */
import { eq, max, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { conventions, evenementsAudit } from '../db/schema.ts';
import type { Acteur } from './roles.ts';
import { sondes } from './sondes.ts';

const TAILLE_MAX = 2_000;

export const VERSION_TTL_MS = 250;

/** Audit events read to place a version change; beyond, everything is dropped. */
const CHANGEMENTS_LUS_MAX = 500;
/** Version changes remembered (an entry older than the oldest is recomputed). */
const JOURNAL_MAX = 256;

/**
 * What a cached answer depends on: everything, or the data of some bailleurs (in every
 * département) and of every bailleur of some départements. `{ bailleurs: [] }` depends only on
 * what no scope describes (conventions, organisations, reference data). `boite`: an inbox, which
 * shows only lettings waiting for candidates — a letting declared in the flow never enters one
 * (it waits for the bailleur's decision), so such a declaration leaves it as it is (`enBoite`).
 */
export type Portee = 'tout' | { bailleurs?: readonly string[]; departements?: readonly string[]; boite?: true };

/** The keys a version change touched, or every key. */
type Touches = 'tout' | Set<string>;

/** The accounts (user ids) whose sessions a version change may have closed or changed, or every account. */
type Comptes = 'tous' | Set<string>;

const cleBailleur = (b: string, boite = false) => `${boite ? 'boite|' : ''}b:${b}`;
const cleDepartement = (d: string, boite = false) => `${boite ? 'boite|' : ''}d:${d}`;

/** An inbox's scope: `p` that a declaration in the flow does not touch (see `Portee`). */
export function enBoite(p: Portee): Portee {
  return p === 'tout' ? p : { ...p, boite: true };
}

/**
 * One cache per database handle: two servers of one process on two databases (the tests run
 * PGlite and PostgreSQL side by side) never read each other's answers.
 */
interface Cache {
  memoire: Map<string, { version: number; portee: Portee; valeur: Promise<unknown> }>;
  versionLue: { valeur: number; jusqua: number } | null;
  /** Consecutive version changes and what each touched: `depuis` < `jusqua`, in order. */
  journal: Changement[];
  /** Recomputations in flight, by key: the version they compute (a stale answer stays in `memoire` meanwhile). */
  enCours: Map<string, { version: number; valeur: Promise<unknown> }>;
  /** The version being read (one query shared by concurrent requests). */
  versionEnCours: Promise<number> | null;
  /** Reading what the last version change touched (one query shared by concurrent reads). */
  lecture: Promise<void> | null;
  derniere: number | null;
}
const caches = new WeakMap<object, Cache>();
const cacheDe = (tx: Tx): Cache => {
  let c = caches.get(tx);
  if (!c)
    caches.set(
      tx,
      (c = {
        memoire: new Map(),
        versionLue: null,
        journal: [],
        enCours: new Map(),
        versionEnCours: null,
        lecture: null,
        derniere: null,
      }),
    );
  return c;
};

/**
 * One version change as this instance recorded it: the scopes it touched, the accounts whose
 * sessions it may have changed, the users who made it (`inconnus` when it could not be read) and
 * when this instance learned of it.
 */
interface Changement {
  depuis: number;
  jusqua: number;
  touches: Touches;
  comptes: Comptes;
  auteurs: Set<string> | 'inconnus';
  vuLe: number;
}

/**
 * How long an answer may be served to a user who did not make the change that outdated it, while
 * its recomputation runs (ADR 0052): from the moment this instance learned of that change. 0 (the
 * default): never, every reader waits for the recomputation. `FLUX_PERIME_MS` sets it (2000 is
 * the value ADR 0052 reasons about).
 */
export let perimeMaxMs = 0;

/** `FLUX_PERIME_MS` read from the environment: a whole number of milliseconds, 0 when unset; a bad value is refused. */
export function perimeDepuisEnv(env: NodeJS.ProcessEnv = process.env): number {
  const texte = env['FLUX_PERIME_MS']?.trim();
  if (!texte) return 0;
  const n = Number(texte);
  if (!/^\d+$/.test(texte) || !Number.isSafeInteger(n))
    throw new Error(`FLUX_PERIME_MS : « ${texte} » n’est pas un nombre entier de millisecondes`);
  return n;
}

/** Sets `perimeMaxMs` (the tests; an operator sets `FLUX_PERIME_MS`). */
export function reglerPerime(ms: number): void {
  perimeMaxMs = Math.max(0, ms);
}

/** Counters of the cache (for the tests and the metrics): `perimes`, answers served while their recomputation ran. */
export const statistiquesCache = { trouves: 0, reportes: 0, calcules: 0, perimes: 0 };

export async function versionDonnees(tx: Tx): Promise<number> {
  const c = cacheDe(tx);
  if (c.versionLue && c.versionLue.jusqua > Date.now()) return c.versionLue.valeur;
  // Concurrent requests share the one query in flight (100 connections would otherwise send 100).
  if (c.versionEnCours) return c.versionEnCours;
  const lecture = (async () => {
    const [r] = await tx.select({ v: max(evenementsAudit.seq) }).from(evenementsAudit);
    return Number(r?.v ?? 0);
  })();
  c.versionEnCours = lecture;
  try {
    const valeur = await lecture;
    // Forgotten meanwhile (`oublierVersion`: a write answered): this value may predate it, not kept.
    if (c.versionEnCours === lecture) c.versionLue = { valeur, jusqua: Date.now() + VERSION_TTL_MS };
    return valeur;
  } finally {
    if (c.versionEnCours === lecture) c.versionEnCours = null;
  }
}

/** After a write of this instance on `db`: the next read asks the database for the version again. */
export function oublierVersion(db: Tx): void {
  const c = cacheDe(db);
  c.versionLue = null;
  c.versionEnCours = null;
}

/** The data version, with what changed since the previous one recorded (for the answers and the sessions). */
export async function versionSuivie(tx: Tx): Promise<number> {
  const c = cacheDe(tx);
  const version = await versionDonnees(tx);
  if (c.derniere !== version || c.lecture) await suivre(tx, c, version);
  return version;
}

/**
 * The scopes the audit events after `depuis` up to `jusqua` touched: the bailleur and département
 * of the letting, CAL session or CAL offer each names; `tout` if one names anything else.
 */
async function lireTouches(
  tx: Tx,
  depuis: number,
  jusqua: number,
): Promise<{ touches: Touches; comptes: Comptes; auteurs: Set<string> | 'inconnus' }> {
  const rows = await tx.execute<{ bailleur: string | null; departement: string | null }>(sql`
    select a.action, a.cible_type, a.cible_id, a.utilisateur_id, a.apres ->> 'etat' as etat_apres,
           coalesce(l.bailleur_id, s.bailleur_id, lo.bailleur_id) as bailleur,
           coalesce(l.departement, s.departement, lo.departement) as departement
    from evenements_audit a
    left join locations l on a.cible_type = 'location' and l.id = a.cible_id
    left join sessions_cal s on a.cible_type = 'session_cal' and s.id = a.cible_id
    left join offres_cal o on a.cible_type = 'offre_cal' and o.id = a.cible_id
    left join examens_cal e on e.id = o.examen_id
    left join locations lo on lo.id = e.location_id
    where a.seq > ${depuis} and a.seq <= ${jusqua}
    limit ${CHANGEMENTS_LUS_MAX + 1}`);
  const lignes = (rows as unknown as { rows?: unknown[] }).rows ?? (rows as unknown as unknown[]);
  if (lignes.length > CHANGEMENTS_LUS_MAX) return { touches: 'tout', comptes: 'tous', auteurs: 'inconnus' };
  let touches: Touches = new Set<string>();
  let comptes: Comptes = new Set<string>();
  const auteurs = new Set<string>();
  for (const r of lignes as LigneChangement[]) {
    if (r.utilisateur_id) auteurs.add(r.utilisateur_id);
    if (r.cible_type === 'utilisateur' && SESSION_SEULE.test(r.action)) {
      // A sign-in opens a session nobody has cached; a sign-out closes one; no answer shows either.
      if (r.action === 'deconnexion' && comptes !== 'tous') comptes.add(r.cible_id);
      continue;
    }
    if (r.cible_type === 'utilisateur' && comptes !== 'tous') comptes.add(r.cible_id);
    if (r.cible_type === 'organisation') comptes = 'tous';
    if (!r.bailleur || !r.departement) touches = 'tout';
    else if (touches !== 'tout') {
      touches.add(cleBailleur(r.bailleur));
      touches.add(cleDepartement(r.departement));
      // A letting declared in the flow waits for the bailleur's decision: in no inbox yet. Outside
      // the flow (`exclue`) it is in the bailleur's; anything else may move an inbox's row.
      if (!(r.action === 'location.declarer' && r.etat_apres !== null && r.etat_apres !== 'exclue')) {
        touches.add(cleBailleur(r.bailleur, true));
        touches.add(cleDepartement(r.departement, true));
      }
    }
  }
  return { touches, comptes, auteurs };
}

interface LigneChangement {
  utilisateur_id: string | null;
  action: string;
  cible_type: string;
  cible_id: string;
  bailleur: string | null;
  departement: string | null;
  etat_apres: string | null;
}

/** The audit actions of an account that only open or close a session (`auth.ts`, `proconnect.ts`). */
const SESSION_SEULE = /^(connexion(\..*)?|deconnexion)$/;

/** Records what the change to `version` touched (once per version change on this instance). */
async function suivre(tx: Tx, c: Cache, version: number): Promise<void> {
  while (c.lecture) await c.lecture;
  if (c.derniere === null || version <= c.derniere) {
    if (c.derniere === null || version < c.derniere) c.journal = [];
    c.derniere = Math.max(version, c.derniere ?? version);
    return;
  }
  const depuis = c.derniere;
  c.lecture = (async () => {
    let lu: { touches: Touches; comptes: Comptes; auteurs: Set<string> | 'inconnus' };
    try {
      lu = await lireTouches(tx, depuis, version);
    } catch {
      lu = { touches: 'tout', comptes: 'tous', auteurs: 'inconnus' };
    }
    c.journal.push({ depuis, jusqua: version, ...lu, vuLe: Date.now() });
    if (c.journal.length > JOURNAL_MAX) c.journal.shift();
    c.derniere = version;
  })();
  try {
    await c.lecture;
  } finally {
    c.lecture = null;
  }
}

function concerne(p: Portee, touches: Touches): boolean {
  if (p === 'tout' || touches === 'tout') return true;
  const boite = p.boite === true;
  for (const b of p.bailleurs ?? []) if (touches.has(cleBailleur(b, boite))) return true;
  for (const d of p.departements ?? []) if (touches.has(cleDepartement(d, boite))) return true;
  return false;
}

/** Whether an answer of scope `p` computed at version `depuis` still holds at `jusqua`. */
function tientToujours(c: Cache, p: Portee, depuis: number, jusqua: number): boolean {
  if (p === 'tout') return false;
  return aucunChangement(c, depuis, jusqua, (j) => concerne(p, j.touches));
}

/** Whether the recorded changes cover `depuis` → `jusqua` without a gap and none of them `concerne`. */
function aucunChangement(c: Cache, depuis: number, jusqua: number, touche: (j: Changement) => boolean): boolean {
  let v = depuis;
  for (const j of c.journal) {
    if (j.jusqua <= v) continue;
    if (j.depuis !== v) return false; // a gap: not known what changed
    if (touche(j)) return false;
    v = j.jusqua;
    if (v >= jusqua) break;
  }
  return v === jusqua;
}

/**
 * Whether a session of `utilisateurId` read at version `depuis` is still as read at `jusqua`
 * (both from `versionSuivie`): no recorded change named that account or every account.
 */
export function sessionTientToujours(tx: Tx, utilisateurId: string, depuis: number, jusqua: number): boolean {
  if (depuis === jusqua) return true;
  return aucunChangement(cacheDe(tx), depuis, jusqua, (j) => j.comptes === 'tous' || j.comptes.has(utilisateurId));
}

/**
 * Whether an answer of scope `p` computed at `depuis` may still be served to user `lecteur` at
 * `jusqua` while it is recomputed (ADR 0052): the changes in between are all known (no gap, their
 * authors read), `lecteur` made none of those that touch `p` (a user always reads their own
 * writes), and this instance learned of the first of them at most `perimeMaxMs` ago.
 */
function servirPerime(c: Cache, p: Portee, depuis: number, jusqua: number, lecteur: string): boolean {
  if (p === 'tout' || perimeMaxMs === 0) return false;
  let v = depuis;
  let premier: number | null = null;
  for (const j of c.journal) {
    if (j.jusqua <= v) continue;
    if (j.depuis !== v) return false;
    if (concerne(p, j.touches)) {
      if (j.auteurs === 'inconnus' || j.auteurs.has(lecteur)) return false;
      premier ??= j.vuLe;
    }
    v = j.jusqua;
    if (v >= jusqua) break;
  }
  return v === jusqua && premier !== null && Date.now() - premier <= perimeMaxMs;
}

/**
 * The cached value of `cle` if nothing in its scope changed since, else `calcul()` (then cached).
 * Concurrent requests for the same missing value share one computation. With `lecteur` (the user
 * an HTTP answer is for; never inside another computation), an answer outdated by other users'
 * changes is served while its recomputation runs, within `perimeMaxMs` (ADR 0052).
 */
export async function memoiser<T>(
  tx: Tx,
  cle: string,
  calcul: () => Promise<T>,
  portee: Portee = 'tout',
  lecteur?: string,
): Promise<T> {
  const c = cacheDe(tx);
  const version = await versionSuivie(tx);
  const { memoire } = c;
  const deja = memoire.get(cle);
  if (deja && deja.version === version) {
    sondes.cache('reponse', true);
    statistiquesCache.trouves++;
    return deja.valeur as Promise<T>;
  }
  if (deja && deja.version < version && tientToujours(c, deja.portee, deja.version, version)) {
    deja.version = version;
    statistiquesCache.reportes++;
    sondes.cache('reponse', true);
    return deja.valeur as Promise<T>;
  }
  // One recomputation per key and version, shared; the answer it replaces stays until it is done.
  let cours = c.enCours.get(cle);
  // A recomputation begun at an earlier version still holds if nothing in its scope changed since
  // (the other bailleurs' writes move the version constantly): shared, not begun again.
  if (cours && cours.version < version && tientToujours(c, portee, cours.version, version)) cours.version = version;
  if (!cours || cours.version < version) {
    sondes.cache('reponse', false);
    statistiquesCache.calcules++;
    const valeur = calcul();
    const lance = { version, valeur: valeur as Promise<unknown> };
    cours = lance;
    c.enCours.set(cle, lance);
    const fini = () => {
      if (c.enCours.get(cle) === lance) c.enCours.delete(cle);
    };
    valeur.then(
      () => {
        fini();
        // A later version may already be cached (two recomputations in flight): never go back.
        // (`lance.version`: the version it was begun at, or carried to since.)
        const present = memoire.get(cle);
        if (present && present.version > lance.version) return;
        memoire.delete(cle);
        if (memoire.size >= TAILLE_MAX) memoire.delete(memoire.keys().next().value!);
        memoire.set(cle, { version: lance.version, portee, valeur });
      },
      // A failed computation is not kept: the next request tries again.
      fini,
    );
  } else {
    sondes.cache('reponse', true);
    statistiquesCache.trouves++;
  }
  if (
    lecteur !== undefined &&
    deja &&
    deja.version < version &&
    servirPerime(c, deja.portee, deja.version, version, lecteur)
  ) {
    statistiquesCache.perimes++;
    // The recomputation goes on; its failure is the next reader's (it is tried again then).
    cours.valeur.catch(() => undefined);
    return deja.valeur as Promise<T>;
  }
  return cours.valeur as Promise<T>;
}

/** Like `memoiser`, for an HTTP answer: checked once against its contract, serialised once. */
export async function memoiserJson<T>(
  tx: Tx,
  cle: string,
  contrat: { parse(v: unknown): T },
  calcul: () => Promise<T>,
  portee: Portee = 'tout',
  lecteur?: string,
): Promise<string> {
  return memoiser(tx, `json|${cle}`, async () => JSON.stringify(contrat.parse(await calcul())), portee, lecteur);
}

/**
 * The scope of what an actor reads: a bailleur's agent its own data; a réservataire's, the
 * bailleurs it has conventions with; the State pilot, its département; others everything.
 * A convention change places no scope, so it drops these too.
 */
export async function porteeActeur(db: Tx, acteur: Acteur): Promise<Portee> {
  switch (acteur.role) {
    case 'agent_bailleur':
      return { bailleurs: [acteur.organisationId] };
    case 'agent_reservataire':
      return memoiser(
        db,
        `portee|${acteur.organisationId}`,
        async () => {
          const rows = await db
            .selectDistinct({ b: conventions.bailleurId })
            .from(conventions)
            .where(eq(conventions.reservataireId, acteur.organisationId));
          return { bailleurs: rows.map((r) => r.b) };
        },
        { bailleurs: [] },
      );
    case 'pilote_etat':
      return acteur.departement ? { departements: [acteur.departement] } : 'tout';
    default:
      return 'tout';
  }
}

/** The scope `p` widened to one more bailleur's data (an answer about a named bailleur). */
export function avecBailleur(p: Portee, bailleur: string | undefined): Portee {
  if (p === 'tout' || !bailleur) return p;
  return { ...p, bailleurs: [...(p.bailleurs ?? []), bailleur] };
}
