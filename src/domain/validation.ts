/**
 * Validation of a scenario's meaning once its shape is right: references between its parts, and
 * the legal rules on a set of conventions. Returns every problem, each named by its field path.
 */
import type { Probleme } from './errors.ts';
import { toMicro, MICRO } from './exact.ts';
import { valeurAu } from './legal-parameters.ts';
import { contient, departementDeCommune, estTerritorial } from './perimeter.ts';
import type { Convention, Logement, MenageSaisi, Reservataire, Scenario, TypeReservataire } from './types.ts';

const COLLECTIVITES: ReadonlySet<TypeReservataire> = new Set(['commune', 'epci', 'ept', 'departement', 'region']);
const TERRITORIAUX: ReadonlySet<TypeReservataire> = new Set(['commune', 'epci', 'ept']);

const pct = (micro: number) => `${(micro / 10_000).toLocaleString('fr-FR', { maximumFractionDigits: 4 })} %`;

/** A préfet's derogation in force during the year, at most one year long (R.441-5-2 I). */
function derogationValide(c: Convention, annee: number, chemin: string, problemes: Probleme[]): boolean {
  const d = c.derogation;
  if (!d) return false;
  const debutAnnee = `${annee}-01-01`;
  const finAnnee = `${annee}-12-31`;
  if (d.au < d.du) {
    problemes.push({ chemin: `${chemin}.derogation.au`, message: 'la fin de la dérogation précède son début' });
    return false;
  }
  // "Une durée déterminée qui ne peut excéder un an": the last day is at most the eve of the
  // same date one year later (2025-03-01 → 2026-02-28).
  const max = valeurAu('dureeMaxDerogationMois', d.du);
  const limite = new Date(`${d.du}T00:00:00Z`);
  limite.setUTCMonth(limite.getUTCMonth() + max);
  limite.setUTCDate(limite.getUTCDate() - 1);
  if (d.au > limite.toISOString().slice(0, 10)) {
    problemes.push({
      chemin: `${chemin}.derogation`,
      message: 'une dérogation du préfet ne peut excéder un an (CCH R.441-5-2 I)',
    });
    return false;
  }
  if (d.au < debutAnnee || d.du > finAnnee) {
    problemes.push({
      chemin: `${chemin}.derogation`,
      message: `la dérogation (${d.du} → ${d.au}) ne couvre pas l’année ${annee}`,
    });
    return false;
  }
  return true;
}

function validerEtat(c: Convention, i: number, annee: number, problemes: Probleme[]): void {
  const chemin = `conventions[${i}]`;
  const date = `${annee}-01-01`;
  const plafond = toMicro(valeurAu('plafondEtat', date))!;
  const plafondAgents = toMicro(valeurAu('plafondAgentsEtat', date))!;
  const taux = toMicro(c.taux) ?? 0;
  const agents = toMicro(c.tauxAgents ?? 0) ?? 0;
  const depasse = taux > plafond || agents > plafondAgents;
  if (depasse && derogationValide(c, annee, chemin, problemes)) return;
  if (taux > plafond) {
    problemes.push({
      chemin: `${chemin}.taux`,
      message: `le contingent de l’État est de ${pct(plafond)} au plus du flux annuel (CCH R.441-5-2 I) : ${pct(taux)} demandé sans dérogation datée du préfet`,
    });
  }
  if (agents > plafondAgents) {
    problemes.push({
      chemin: `${chemin}.tauxAgents`,
      message: `la part des agents de l’État est de ${pct(plafondAgents)} au plus (CCH R.441-5-2 I) : ${pct(agents)} demandé sans dérogation datée du préfet`,
    });
  }
}

/** The units by id (the first one of an id when the file repeats it). */
export function indexerLogements(s: Scenario): Map<string, Logement> {
  const index = new Map<string, Logement>();
  for (const l of s.logements) if (!index.has(l.id)) index.set(l.id, l);
  return index;
}

/** Every problem of meaning in a well-shaped scenario; an empty list when it can be run. */
export function validerScenario(s: Scenario, logements: Map<string, Logement> = indexerLogements(s)): Probleme[] {
  const problemes: Probleme[] = [];
  if (logements.size !== s.logements.length) {
    const vus = new Set<string>();
    s.logements.forEach((l, i) => {
      if (vus.has(l.id)) problemes.push({ chemin: `logements[${i}].id`, message: `identifiant « ${l.id} » en double` });
      vus.add(l.id);
    });
  }
  for (let i = 0; i < s.logements.length; i++) {
    const l = s.logements[i]!;
    if (departementDeCommune(l.commune) !== s.departement) {
      problemes.push({
        chemin: `logements[${i}].commune`,
        message: `la commune ${l.commune} n’est pas dans le département ${s.departement} du scénario`,
      });
    }
  }
  const reservataires = new Map<string, Reservataire>();
  s.reservataires.forEach((r, i) => {
    if (reservataires.has(r.id) || r.id === 'BAILLEUR') {
      problemes.push({ chemin: `reservataires[${i}].id`, message: `identifiant « ${r.id} » en double ou réservé` });
    }
    reservataires.set(r.id, r);
    if (r.type === 'commune' && !r.commune) {
      problemes.push({
        chemin: `reservataires[${i}].commune`,
        message: 'une commune réservataire doit indiquer son code INSEE',
      });
    }
  });
  verifierConventions(s, reservataires, problemes);
  validerReferencesEvenements(s, logements, reservataires, problemes);
  validerProgrammes(s, logements, problemes);
  return problemes;
}

/** Programmes: known units, each in one programme, rights held by a convention, no more rights than units. */
function validerProgrammes(s: Scenario, logements: Map<string, Logement>, problemes: Probleme[]): void {
  const conventionDe = new Set(s.conventions.map((c) => c.reservataire));
  const ids = new Set<string>();
  const programmeDe = new Map<string, number>();
  s.programmes?.forEach((p, i) => {
    const chemin = `programmes[${i}]`;
    if (ids.has(p.id)) problemes.push({ chemin: `${chemin}.id`, message: `identifiant « ${p.id} » en double` });
    ids.add(p.id);
    p.logements.forEach((l, k) => {
      if (!logements.has(l))
        problemes.push({ chemin: `${chemin}.logements[${k}]`, message: `logement « ${l} » inconnu` });
      const autre = programmeDe.get(l);
      if (autre !== undefined)
        problemes.push({
          chemin: `${chemin}.logements[${k}]`,
          message: `le logement « ${l} » appartient déjà au programme programmes[${autre}]`,
        });
      programmeDe.set(l, i);
    });
    let total = 0;
    p.droits.forEach((d, k) => {
      total += d.logements;
      if (!conventionDe.has(d.reservataire))
        problemes.push({
          chemin: `${chemin}.droits[${k}].reservataire`,
          message: `« ${d.reservataire} » n’a pas de convention avec ce bailleur : ses droits sur le programme ne peuvent être tenus`,
        });
    });
    if (total > p.logements.length)
      problemes.push({
        chemin: `${chemin}.droits`,
        message: `${total} logements de droits pour un programme de ${p.logements.length} logements`,
      });
  });
}

/**
 * A set of conventions of one bailleur in one département, to check against the law on its own
 * (a scenario is one): the places of the bailleur's units are where Σ taux is checked.
 */
export interface JeuConventions {
  annee: number;
  departement: string;
  /** The bailleur's units, or only their distinct places (commune, EPCI). */
  logements: readonly Pick<Logement, 'commune' | 'epci'>[];
  reservataires: readonly Reservataire[];
  conventions: readonly Convention[];
}

/**
 * The legal rules on a set of conventions, as `validerScenario` checks them: one per réservataire
 * (CCH R.441-5 I), the State's caps and derogation (R.441-5-2 I), perimeters (R.441-5-3), Σ taux
 * ≤ 100 % on every place, contreparties that add up to the taux. Each problem is named
 * `conventions[i].champ`. The collectivities' 20 % is a warning (`avertirConventions`).
 */
export function validerConventions(jeu: JeuConventions): Probleme[] {
  const reservataires = new Map<string, Reservataire>();
  for (const r of jeu.reservataires) reservataires.set(r.id, r);
  const problemes: Probleme[] = [];
  verifierConventions(jeu, reservataires, problemes);
  return problemes;
}

function verifierConventions(s: JeuConventions, reservataires: Map<string, Reservataire>, problemes: Probleme[]): void {
  const parReservataire = new Map<string, number>();
  const ids = new Set<string>();
  s.conventions.forEach((c, i) => {
    const chemin = `conventions[${i}]`;
    if (ids.has(c.id)) problemes.push({ chemin: `${chemin}.id`, message: `identifiant « ${c.id} » en double` });
    ids.add(c.id);
    const r = reservataires.get(c.reservataire);
    if (!r) {
      problemes.push({ chemin: `${chemin}.reservataire`, message: `réservataire « ${c.reservataire} » inconnu` });
      return;
    }
    const deja = parReservataire.get(c.reservataire);
    if (deja !== undefined) {
      problemes.push({
        chemin: `${chemin}.reservataire`,
        message: `une seule convention par bailleur, réservataire et département (CCH R.441-5 I) : « ${c.reservataire} » en a déjà une (conventions[${deja}])`,
      });
    }
    parReservataire.set(c.reservataire, i);
    if (toMicro(c.taux) === null) problemes.push({ chemin: `${chemin}.taux`, message: 'au plus 6 décimales' });
    if (c.tauxAgents !== undefined && toMicro(c.tauxAgents) === null)
      problemes.push({ chemin: `${chemin}.tauxAgents`, message: 'au plus 6 décimales' });
    if (c.regleReport !== undefined && typeof c.regleReport === 'object' && toMicro(c.regleReport.plafond) === null) {
      problemes.push({ chemin: `${chemin}.regleReport.plafond`, message: 'au plus 6 décimales' });
    }
    if (c.tauxAgents !== undefined) {
      if (r.type !== 'etat') {
        problemes.push({
          chemin: `${chemin}.tauxAgents`,
          message: 'la part des agents ne concerne que la convention de l’État',
        });
      } else if (c.tauxAgents > c.taux) {
        problemes.push({
          chemin: `${chemin}.tauxAgents`,
          message: 'la part des agents ne peut dépasser le taux de la convention',
        });
      }
    }
    if (toMicro(c.report) === null) problemes.push({ chemin: `${chemin}.report`, message: 'au plus 6 décimales' });
    validerContrepartie(c, chemin, problemes);
    if (r.type === 'etat') validerEtat(c, i, s.annee, problemes);
    if (c.derogation && r.type !== 'etat') {
      problemes.push({
        chemin: `${chemin}.derogation`,
        message: 'seule la convention de l’État peut bénéficier d’une dérogation du préfet',
      });
    }
    const p = c.perimetre;
    if ('departement' in p) {
      if (p.departement !== s.departement) {
        problemes.push({
          chemin: `${chemin}.perimetre.departement`,
          message: `le périmètre ${p.departement} n’est pas le département ${s.departement} du scénario`,
        });
      }
      if (TERRITORIAUX.has(r.type)) {
        problemes.push({
          chemin: `${chemin}.perimetre`,
          message: `la convention d’une ${r.type === 'commune' ? 'commune' : 'intercommunalité'} ne porte que sur son territoire (CCH R.441-5-3)`,
        });
      }
    } else if (!TERRITORIAUX.has(r.type)) {
      problemes.push({
        chemin: `${chemin}.perimetre`,
        message:
          'un périmètre communal ou intercommunal est réservé aux communes, EPCI et EPT réservataires (CCH R.441-5-3) ; les autres conventions couvrent tout le département (CCH R.441-5 I)',
      });
    } else if ('communes' in p) {
      if (r.type === 'commune' && r.commune && p.communes.some((code) => code !== r.commune)) {
        problemes.push({
          chemin: `${chemin}.perimetre.communes`,
          message: `la convention de la commune ${r.commune} ne peut couvrir que son territoire (CCH R.441-5-3)`,
        });
      }
    } else if (r.type === 'commune') {
      problemes.push({
        chemin: `${chemin}.perimetre`,
        message: 'une commune a un périmètre communal, pas intercommunal (CCH R.441-5-3)',
      });
    } else if (s.logements.length > 0 && !s.logements.some((l) => l.epci !== undefined)) {
      problemes.push({
        chemin: `${chemin}.perimetre.epci`,
        message:
          'périmètre intercommunal : indiquez l’EPCI des logements (champ « epci ») ou laissez la commande le compléter',
      });
    }
  });
  validerSommes(s, problemes);
}

/** Σ taux ≤ 100 % wherever the perimeters overlap, commune by commune (the 20 % is a warning: `avertirConventions`). */
function validerSommes(s: JeuConventions, problemes: Probleme[]): void {
  const signales = new Set<number>();
  for (const l of lieuxDesLogements(s)) {
    let total = 0;
    let dernier = -1;
    s.conventions.forEach((c, i) => {
      if (!couvre(s, c, l)) return;
      total += toMicro(c.taux) ?? 0;
      dernier = i;
    });
    if (total > MICRO && !signales.has(dernier)) {
      signales.add(dernier);
      problemes.push({
        chemin: `conventions[${dernier}].taux`,
        message: `la somme des taux atteint ${pct(total)} sur la commune ${l.commune} : elle ne peut dépasser 100 % du flux`,
      });
    }
  }
}

/** Distinct places (commune, EPCI) of the units; one département-wide place when there are none. */
function lieuxDesLogements(s: JeuConventions): Pick<Logement, 'commune' | 'epci'>[] {
  const parCommune = new Map<string, Pick<Logement, 'commune' | 'epci'>[]>();
  for (const l of s.logements) {
    const deja = parCommune.get(l.commune);
    if (!deja) parCommune.set(l.commune, [l]);
    else if (deja[deja.length - 1]!.epci !== l.epci && !deja.some((x) => x.epci === l.epci)) deja.push(l);
  }
  const lieux = [...parCommune.values()].flat();
  if (lieux.length === 0) lieux.push({ commune: `${s.departement}000` });
  return lieux;
}

/** Whether convention `c` covers place `l` (without units, only the département-wide perimeters are known to overlap). */
function couvre(s: JeuConventions, c: Convention, l: Pick<Logement, 'commune' | 'epci'>): boolean {
  return s.logements.length === 0 ? !estTerritorial(c.perimetre) : contient(c.perimetre, l);
}

/** The part of a convention's taux granted for a loan guarantee (all of it without `contrepartie`), micro. */
function partGarantie(c: Convention): number {
  return toMicro(c.contrepartie ? c.contrepartie.garantie : c.taux) ?? 0;
}

/**
 * What the law flags on a set of conventions without forbidding it: the collectivities' rights
 * granted for loan guarantees above 20 % of the flow on a place (CCH R.441-5: « les réservations
 * obtenues en contrepartie de la garantie des emprunts ne peuvent représenter plus de 20 % » — rights
 * for land or financing come on top). Each warning names the last guarantee part that crosses it.
 */
export function avertirConventions(s: JeuConventions): Probleme[] {
  const reservataires = new Map(s.reservataires.map((r) => [r.id, r]));
  const plafond = toMicro(valeurAu('plafondGarantiesCollectivites', `${s.annee}-01-01`))!;
  const avertissements: Probleme[] = [];
  const signales = new Set<number>();
  for (const l of lieuxDesLogements(s)) {
    let garanties = 0;
    let dernier = -1;
    s.conventions.forEach((c, i) => {
      const r = reservataires.get(c.reservataire);
      if (!r || !COLLECTIVITES.has(r.type) || !couvre(s, c, l)) return;
      const g = partGarantie(c);
      if (g === 0) return;
      garanties += g;
      dernier = i;
    });
    if (garanties > plafond && !signales.has(dernier)) {
      signales.add(dernier);
      const c = s.conventions[dernier]!;
      avertissements.push({
        chemin: c.contrepartie ? `conventions[${dernier}].contrepartie.garantie` : `conventions[${dernier}].taux`,
        message:
          `les droits des collectivités en contrepartie de garanties d’emprunt atteignent ${pct(garanties)} sur la commune ${l.commune}, ` +
          `au-delà des ${pct(plafond)} de CCH R.441-5` +
          (c.contrepartie ? '' : ' (sans « contrepartie », tout le taux est compté comme garantie)') +
          ' ; les droits obtenus pour un apport de terrain ou un financement s’y ajoutent sans plafond',
      });
    }
  }
  return avertissements;
}

/** What the law or the data flag in a scenario without forbidding it (the run goes on): see `avertirConventions`, and households whose quartile cannot be computed. */
export function avertirScenario(s: Scenario): Probleme[] {
  const avertissements = avertirConventions(s);
  avertirEvenements(s, 0, avertissements);
  return avertissements;
}

/** The warnings of the events from index `depuis` on (households whose quartile cannot be computed), pushed to `avertissements`. */
function avertirEvenements(s: Scenario, depuis: number, avertissements: Probleme[]): void {
  for (let i = depuis; i < s.evenements.length; i++) {
    const e = s.evenements[i]!;
    if (e.type !== 'bail_signe' || !e.menage) continue;
    const m = e.menage;
    if (m.ressourcesAnnuelles !== undefined && m.personnes === undefined && (m.quartile1 ?? null) === null)
      avertissements.push({
        chemin: `evenements[${i}].menage.personnes`,
        message:
          'ressources indiquées sans le nombre de personnes : les unités de consommation, donc le quartile du ménage, restent inconnus',
      });
  }
}

/**
 * What a valid scenario's checks leave to a later one with events (and units) appended: its units
 * by id, its warnings, and — computed on first need — the places the Σ taux checks and the
 * collectivities' warnings visit, in their order.
 */
export interface Verifie {
  readonly logements: Map<string, Logement>;
  readonly avertissements: readonly Probleme[];
  lieux: string | null;
}

/**
 * A map of units over another one, holding only the units added (a resumption adds one or two
 * to thousands: copying them all was a quarter of it). Only `get`, `has` and `set` are used on the
 * units of a resumption (the engine and the event checks); `entrees` flattens it.
 */
class LogementsAjoutes extends Map<string, Logement> {
  readonly profondeur: number;
  constructor(private readonly dessous: Map<string, Logement>) {
    super();
    this.profondeur = dessous instanceof LogementsAjoutes ? dessous.profondeur + 1 : 1;
  }
  override get(id: string): Logement | undefined {
    return super.get(id) ?? this.dessous.get(id);
  }
  override has(id: string): boolean {
    return super.has(id) || this.dessous.has(id);
  }
  *entrees(): IterableIterator<[string, Logement]> {
    yield* this.dessous instanceof LogementsAjoutes ? this.dessous.entrees() : this.dessous.entries();
    yield* super.entries();
  }
}

/** The places of `lieuxDesLogements` as one key (same key: same conventions checks, same warnings). */
function cleDesLieux(s: JeuConventions): string {
  return lieuxDesLogements(s)
    .map((l) => `${l.commune}|${l.epci ?? ''}`)
    .join(';');
}

/**
 * The checks of `apres` — `avant` (valid, checked as `verifie`) with events appended from index
 * `avant.evenements.length` and perhaps units added, the same year, parties and conventions —
 * done on what was appended only: the new events (each event's checks read only the event, its
 * unit and the parties) and the new units. Exactly `validerScenario(apres)` and
 * `avertirScenario(apres)` when it answers; `null` when it cannot tell cheaply — a unit changed,
 * removed or reordered, a new unit that repeats an id or opens a place the conventions' checks
 * did not visit (the sums and warnings by place), or any problem (the full check then lists them
 * in their order) — and the caller checks the whole scenario.
 */
export function verifierAjout(avant: Scenario, verifie: Verifie, apres: Scenario): Verifie | null {
  let logements = verifie.logements;
  let lieux = verifie.lieux;
  if (apres.logements !== avant.logements) {
    // The old units, the same objects in the same order, with new ones between them (both lists
    // keep the order they were given in).
    const anciens = avant.logements;
    const nouveaux: Logement[] = [];
    let j = 0;
    for (const l of apres.logements) {
      if (j < anciens.length && l === anciens[j]) j++;
      else nouveaux.push(l);
    }
    if (j !== anciens.length) return null;
    if (nouveaux.length > 0) {
      if (anciens.length === 0) return null;
      const ajoutes = new LogementsAjoutes(logements);
      for (const l of nouveaux) {
        if (ajoutes.has(l.id) || departementDeCommune(l.commune) !== apres.departement) return null;
        ajoutes.set(l.id, l);
      }
      logements = ajoutes.profondeur > 16 ? new Map(ajoutes.entrees()) : ajoutes;
      lieux = verifie.lieux ?? cleDesLieux(avant);
      verifie.lieux = lieux;
      if (cleDesLieux(apres) !== lieux) return null;
    }
  }
  const problemes: Probleme[] = [];
  const reservataires = new Map<string, Reservataire>(apres.reservataires.map((r) => [r.id, r]));
  validerReferencesEvenements(apres, logements, reservataires, problemes, avant.evenements.length);
  if (problemes.length > 0) return null;
  const avertissements = verifie.avertissements.slice();
  avertirEvenements(apres, avant.evenements.length, avertissements);
  return { logements, avertissements, lieux };
}

/** A household's own consistency (composition, rehousing). */
function validerMenage(m: MenageSaisi, chemin: string, problemes: Probleme[]): void {
  if (m.enfantsMoins14 !== undefined && m.personnes !== undefined && m.enfantsMoins14 > m.personnes - 1)
    problemes.push({
      chemin: `${chemin}.enfantsMoins14`,
      message: `${m.enfantsMoins14} enfants de moins de 14 ans pour ${m.personnes} personne${m.personnes > 1 ? 's' : ''} : le ménage compte au moins un adulte, « personnes » inclut les enfants`,
    });
  if (m.enfantsMoins14 !== undefined && m.personnes === undefined)
    problemes.push({
      chemin: `${chemin}.personnes`,
      message: 'indiquez le nombre de personnes du ménage (enfants compris) avec le nombre d’enfants',
    });
  if (m.relogementAnru === true && m.relogement !== undefined && m.relogement !== 'anru')
    problemes.push({
      chemin: `${chemin}.relogement`,
      message: `« relogementAnru » et « relogement : ${m.relogement ?? 'null'} » se contredisent : gardez « relogement »`,
    });
}

/** Each contrepartie's parts add up to the convention's taux (CCH R.441-5). */
function validerContrepartie(c: Convention, chemin: string, problemes: Probleme[]): void {
  const k = c.contrepartie;
  if (!k) return;
  const parts = [k.garantie, k.financement, k.terrain, k.autre].map((x) => toMicro(x));
  if (parts.some((x) => x === null)) {
    problemes.push({ chemin: `${chemin}.contrepartie`, message: 'au plus 6 décimales' });
    return;
  }
  const somme = parts.reduce((a, b) => a! + b!, 0)!;
  const taux = toMicro(c.taux) ?? 0;
  if (somme !== taux)
    problemes.push({
      chemin: `${chemin}.contrepartie`,
      message: `les parts de la contrepartie (garantie, financement, terrain, autre) font ${pct(somme)} : elles doivent faire le taux de la convention, ${pct(taux)}`,
    });
}

function validerReferencesEvenements(
  s: Scenario,
  logements: Map<string, Logement>,
  reservataires: Map<string, Reservataire>,
  problemes: Probleme[],
  depuis = 0,
): void {
  const conventionDe = new Map(s.conventions.map((c) => [c.reservataire, c]));
  const debut = `${s.annee}-01-01`;
  const fin = `${s.annee}-12-31`;
  for (let i = depuis; i < s.evenements.length; i++) {
    const e = s.evenements[i]!;
    const chemin = `evenements[${i}]`;
    if (e.date < debut || e.date > fin) {
      problemes.push({ chemin: `${chemin}.date`, message: `la date ${e.date} est hors de l’année ${s.annee}` });
    }
    if (e.type === 'liberation' && e.depart !== undefined && e.depart < e.date) {
      problemes.push({
        chemin: `${chemin}.depart`,
        message: `le départ du locataire (${e.depart}) précède le préavis qui ouvre la location (${e.date})`,
      });
    }
    const logement = logements.get(e.logement);
    if (logement === undefined) {
      problemes.push({ chemin: `${chemin}.logement`, message: `logement « ${e.logement} » inconnu` });
      continue;
    }
    const cibles =
      e.type === 'orientation_forcee'
        ? [{ id: e.reservataire, chemin: `${chemin}.reservataire` }]
        : e.type === 'orientation_multiple'
          ? e.reservataires.map((id, k) => ({ id, chemin: `${chemin}.reservataires[${k}]` }))
          : e.type === 'bail_signe' && e.reservataire !== undefined
            ? [{ id: e.reservataire, chemin: `${chemin}.reservataire` }]
            : [];
    for (const cible of cibles) {
      if (cible.id === 'BAILLEUR' && e.type === 'orientation_forcee') continue;
      if (!reservataires.has(cible.id)) {
        problemes.push({ chemin: cible.chemin, message: `réservataire « ${cible.id} » inconnu` });
        continue;
      }
      const c = conventionDe.get(cible.id);
      if (!c) {
        problemes.push({ chemin: cible.chemin, message: `« ${cible.id} » n’a pas de convention avec ce bailleur` });
      } else if (!contient(c.perimetre, logement)) {
        problemes.push({
          chemin: cible.chemin,
          message: `le logement ${logement.id} (commune ${logement.commune}) est hors du périmètre de la convention de « ${cible.id} »`,
        });
      }
    }
    if (e.type === 'bail_signe' && e.menage) validerMenage(e.menage, `${chemin}.menage`, problemes);
    if (e.type === 'orientation_multiple' && new Set(e.reservataires).size !== e.reservataires.length) {
      problemes.push({ chemin: `${chemin}.reservataires`, message: 'réservataire cité deux fois' });
    }
  }
}
