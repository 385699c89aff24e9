/**
 * Use cases of the cotation (issue 17; ADR 0037, 0039). An EPCI's officers (`lecteur_epci`: the
 * EPCI's own rubric is the one it may write) edit one draft grid, try it on the current demands
 * against the grid in force, and record its adoption (act, body, date, date in force): the next
 * version, never changed again. Anyone, signed in or not, reads the grids in force in plain French.
 * The notes of demands and candidates are computed on demand from the grid in force that day, among
 * the demands stored in Flux that wish a commune of the EPCI (all organisations, one row per numéro
 * unique; only counts and averages of other organisations' demands ever leave this module).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, demandes, epcis, grillesCotation, utilisateurs } from '../db/schema.ts';
import type {
  AdoptionApi,
  BrouillonApi,
  CritereApi,
  CotationApi,
  EssaiApi,
  GrilleApi,
  GrillePubliqueApi,
  GrillesEpciApi,
  GrillesPubliquesApi,
} from '../contracts/cotation.ts';
import {
  codeSituation,
  enoncer,
  essayerGrille,
  noter,
  positionnerTout,
  type Critere,
  type DemandeCotee,
  type GrilleCotation,
  type NotePositionnee,
} from '../domain/cotation.ts';
import { jourParis } from '../domain/calendrier.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { Typologie } from '../domain/types.ts';
import { journaliser } from './audit.ts';
import { Conflit, Introuvable } from './errors.ts';
import { seuilDe } from './quartiles.ts';
import { exiger, type Acteur, type Role } from './roles.ts';

/** Who edits, tries and adopts an EPCI's grid: the EPCI's own officers. */
export const ROLES_COTATION: readonly Role[] = ['lecteur_epci'];

type LigneGrille = typeof grillesCotation.$inferSelect;

/** A situation criterion with its code as the demands file writes it (`codeSituation`). */
const avecCodeSituation = <C extends { type: string; situation?: string }>(c: C): C =>
  c.type === 'situation' && c.situation !== undefined ? { ...c, situation: codeSituation(c.situation) } : c;

function versGrille(r: LigneGrille): GrilleCotation {
  return {
    epci: r.epci,
    version: r.version ?? 0,
    enVigueurDu: r.enVigueurDu ?? '',
    adoption: { par: r.adoptionPar ?? '', le: r.adoptionLe ?? '', acte: r.adoptionActe ?? '' },
    criteres: (r.criteres as Critere[]).map(avecCodeSituation),
    refusAdapte: { points: r.refusPoints, dureeMois: r.refusDureeMois },
    mutationsInternes: { points: r.mutationsPoints },
  };
}

/** « de Tours Métropole », « d’Orléans Métropole » (elision before a vowel or a mute h). */
const de = (nom: string) => (/^[aeiouyhéèêàâîôûœ]/i.test(nom) ? `d’${nom}` : `de ${nom}`);

function enonceBrouillon(g: GrilleCotation, nomEpci: string): string[] {
  const [, ...reste] = enoncer({ ...g, epci: nomEpci });
  return [`Projet de grille de cotation ${de(nomEpci)} (brouillon, non adopté).`, ...reste];
}

function versApi(r: LigneGrille, nomEpci: string, enregistreePar: string | null): GrilleApi {
  const g = versGrille(r);
  return {
    version: r.version,
    statut: r.statut === 'adoptee' ? 'adoptee' : 'brouillon',
    // Stored only through `brouillonSchema` (or the demo's grid, of the same shape).
    criteres: g.criteres as CritereApi[],
    refusAdapte: g.refusAdapte,
    mutationsInternes: g.mutationsInternes,
    enVigueurDu: r.enVigueurDu,
    adoption: r.statut === 'adoptee' ? g.adoption : null,
    enregistreePar,
    majLe: r.majLe.toISOString(),
    enonce:
      r.statut === 'adoptee'
        ? enoncer({ ...g, epci: nomEpci }).map((p, i) => (i === 0 ? p.replace(`de l’EPCI ${nomEpci}`, de(nomEpci)) : p))
        : enonceBrouillon(g, nomEpci),
  };
}

async function epciDe(tx: Tx, siren: string): Promise<{ siren: string; nom: string }> {
  const [e] = await tx.select().from(epcis).where(eq(epcis.siren, siren));
  if (!e) throw new Introuvable('EPCI inconnu');
  return e;
}

function epciActeur(acteur: Acteur, action: string): string {
  exiger(acteur, ROLES_COTATION, action);
  if (!acteur.epci) throw new Introuvable('votre organisation n’est rattachée à aucun EPCI');
  return acteur.epci;
}

/** The grid adopted for `epci` and in force on `date` (the latest version whose date has come). */
export async function grilleEnVigueur(tx: Tx, epci: string, date: string): Promise<LigneGrille | null> {
  const [r] = await tx
    .select()
    .from(grillesCotation)
    .where(
      and(
        eq(grillesCotation.epci, epci),
        eq(grillesCotation.statut, 'adoptee'),
        lte(grillesCotation.enVigueurDu, date),
      ),
    )
    .orderBy(desc(grillesCotation.enVigueurDu), desc(grillesCotation.version))
    .limit(1);
  return r ?? null;
}

/** The EPCI's grids for its officers: in force, draft, history, and how many demands a trial reads. */
export async function lireGrillesEpci(tx: Tx, acteur: Acteur, date: string): Promise<GrillesEpciApi> {
  const siren = epciActeur(acteur, 'consulter la grille de cotation');
  const e = await epciDe(tx, siren);
  const rows = await tx
    .select({ g: grillesCotation, par: utilisateurs.nom })
    .from(grillesCotation)
    .leftJoin(utilisateurs, eq(utilisateurs.id, grillesCotation.adopteeParUtilisateur))
    .where(eq(grillesCotation.epci, siren))
    .orderBy(desc(grillesCotation.version));
  const enVigueur = await grilleEnVigueur(tx, siren, date);
  const brouillon = rows.find((r) => r.g.statut === 'brouillon');
  return {
    epci: e,
    enVigueur: enVigueur ? versApi(enVigueur, e.nom, rows.find((r) => r.g.id === enVigueur.id)?.par ?? null) : null,
    brouillon: brouillon ? versApi(brouillon.g, e.nom, null) : null,
    historique: rows
      .filter((r) => r.g.statut === 'adoptee' && r.g.id !== enVigueur?.id)
      .map((r) => versApi(r.g, e.nom, r.par)),
    demandes: (await demandesDeLEpci(tx, siren)).length,
  };
}

/** Saves the EPCI's draft (creates it, or replaces its content). Audited `cotation.enregistrer`. */
export async function enregistrerBrouillon(
  tx: Tx,
  acteur: Acteur,
  b: BrouillonApi,
  maintenant: Date,
): Promise<GrillesEpciApi> {
  const siren = epciActeur(acteur, 'modifier la grille de cotation');
  const contenu = {
    criteres: b.criteres.map(avecCodeSituation),
    refusPoints: b.refusAdapte.points,
    refusDureeMois: b.refusAdapte.dureeMois,
    mutationsPoints: b.mutationsInternes.points,
  };
  const [avant] = await tx
    .select()
    .from(grillesCotation)
    .where(and(eq(grillesCotation.epci, siren), eq(grillesCotation.statut, 'brouillon')))
    .for('update');
  let id: string;
  if (avant) {
    id = avant.id;
    await tx
      .update(grillesCotation)
      .set({ ...contenu, majLe: maintenant })
      .where(eq(grillesCotation.id, id));
  } else {
    id = randomUUID();
    await tx
      .insert(grillesCotation)
      .values({ id, epci: siren, statut: 'brouillon', ...contenu, creeLe: maintenant, majLe: maintenant });
  }
  await journaliser(
    tx,
    acteur,
    {
      action: 'cotation.enregistrer',
      cibleType: 'grille_cotation',
      cibleId: id,
      avant: avant
        ? {
            criteres: avant.criteres,
            refusAdapte: { points: avant.refusPoints, dureeMois: avant.refusDureeMois },
            mutationsInternes: { points: avant.mutationsPoints },
          }
        : null,
      apres: { epci: siren, ...b },
    },
    maintenant,
  );
  return lireGrillesEpci(tx, acteur, jourParis(maintenant));
}

/**
 * Records the draft's adoption: the next version, in force from `enVigueurDu`. Refused when no draft
 * exists or when a version already applies from a later date (versions follow each other in time).
 * Audited `cotation.adopter` with the grid adopted.
 */
export async function adopterBrouillon(
  tx: Tx,
  acteur: Acteur,
  a: AdoptionApi,
  maintenant: Date,
): Promise<GrillesEpciApi> {
  const siren = epciActeur(acteur, 'adopter la grille de cotation');
  if (a.le > a.enVigueurDu)
    throw new DonneesInvalides([
      { chemin: 'enVigueurDu', message: 'la grille ne peut pas s’appliquer avant d’avoir été adoptée' },
    ]);
  const [b] = await tx
    .select()
    .from(grillesCotation)
    .where(and(eq(grillesCotation.epci, siren), eq(grillesCotation.statut, 'brouillon')))
    .for('update');
  if (!b) throw new Conflit('il n’y a pas de projet de grille à adopter : enregistrez d’abord un brouillon');
  const [derniere] = await tx
    .select({ version: grillesCotation.version, du: grillesCotation.enVigueurDu })
    .from(grillesCotation)
    .where(and(eq(grillesCotation.epci, siren), isNotNull(grillesCotation.version)))
    .orderBy(desc(grillesCotation.version))
    .limit(1);
  if (derniere?.du && derniere.du >= a.enVigueurDu)
    throw new Conflit(
      `la version ${derniere.version} s’applique déjà depuis le ${derniere.du.split('-').reverse().join('/')} : choisissez une date d’entrée en vigueur postérieure`,
    );
  const version = (derniere?.version ?? 0) + 1;
  await tx
    .update(grillesCotation)
    .set({
      statut: 'adoptee',
      version,
      enVigueurDu: a.enVigueurDu,
      adoptionActe: a.acte,
      adoptionPar: a.par,
      adoptionLe: a.le,
      adopteeParUtilisateur: acteur.utilisateurId,
      enregistreeLe: maintenant,
      majLe: maintenant,
    })
    .where(and(eq(grillesCotation.id, b.id), eq(grillesCotation.statut, 'brouillon')));
  await journaliser(
    tx,
    acteur,
    {
      action: 'cotation.adopter',
      cibleType: 'grille_cotation',
      cibleId: b.id,
      avant: null,
      apres: {
        epci: siren,
        version,
        enVigueurDu: a.enVigueurDu,
        adoption: { acte: a.acte, par: a.par, le: a.le },
        criteres: b.criteres,
        refusAdapte: { points: b.refusPoints, dureeMois: b.refusDureeMois },
        mutationsInternes: { points: b.mutationsPoints },
      },
    },
    maintenant,
  );
  return lireGrillesEpci(tx, acteur, jourParis(maintenant));
}

/** The EPCIs with a grid in force on `date` (the public page's index). */
export async function lireGrillesPubliques(tx: Tx, date: string): Promise<GrillesPubliquesApi> {
  const rows = await tx
    .select({ siren: epcis.siren, nom: epcis.nom })
    .from(epcis)
    .where(
      inArray(
        epcis.siren,
        tx
          .select({ e: grillesCotation.epci })
          .from(grillesCotation)
          .where(and(eq(grillesCotation.statut, 'adoptee'), lte(grillesCotation.enVigueurDu, date))),
      ),
    )
    .orderBy(asc(epcis.nom));
  const r: GrillesPubliquesApi['epcis'] = [];
  for (const e of rows) {
    const g = (await grilleEnVigueur(tx, e.siren, date))!;
    r.push({ ...e, version: g.version!, enVigueurDu: g.enVigueurDu! });
  }
  return { epcis: r };
}

/** One EPCI's grid in force, in plain French (no sign-in: the PPGD's transparency). */
export async function lireGrillePublique(tx: Tx, siren: string, date: string): Promise<GrillePubliqueApi> {
  const e = await epciDe(tx, siren);
  const g = await grilleEnVigueur(tx, siren, date);
  if (!g) throw new Introuvable(`${e.nom} n’a pas encore de grille de cotation en vigueur dans Flux`);
  const versions = await tx
    .select({ version: grillesCotation.version, du: grillesCotation.enVigueurDu, le: grillesCotation.adoptionLe })
    .from(grillesCotation)
    .where(and(eq(grillesCotation.epci, siren), eq(grillesCotation.statut, 'adoptee')))
    .orderBy(desc(grillesCotation.version));
  // The name of the officer who recorded it stays inside Flux.
  return {
    epci: e,
    grille: versApi(g, e.nom, null),
    versions: versions.map((v) => ({ version: v.version!, enVigueurDu: v.du!, adopteeLe: v.le! })),
  };
}

const CATEGORIE_CODE = { dalo: 'dalo', pdalhpd: 'pdalhpd', autreL4411: 'autre_l441_1' } as const;

/**
 * The demands stored in Flux that wish a commune of `epci`, one per numéro unique (the most recently
 * updated copy when several organisations hold it), their wished communes cut to the EPCI's.
 */
async function demandesDeLEpci(tx: Tx, epci: string): Promise<DemandeCotee[]> {
  const codes = (await tx.select({ c: communes.code }).from(communes).where(eq(communes.epci, epci))).map((r) => r.c);
  if (codes.length === 0) return [];
  const rows = await tx
    .select()
    .from(demandes)
    .where(
      sql`${demandes.communes} ?| array[${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )}]::text[]`,
    )
    .orderBy(asc(demandes.numeroSne), desc(demandes.majLe));
  const dans = new Set(codes);
  const vues = new Set<string>();
  const r: DemandeCotee[] = [];
  for (const d of rows) {
    if (vues.has(d.numeroSne)) continue;
    vues.add(d.numeroSne);
    r.push({
      numero: d.numeroSne,
      dateDemande: d.dateDemande,
      personnes: d.personnes,
      enfantsMoins14: d.enfantsMoins14,
      ressourcesAnnuelles: d.ressourcesAnnuelles,
      categories: (['dalo', 'pdalhpd', 'autreL4411'] as const).filter((k) => d[k]).map((k) => CATEGORIE_CODE[k]),
      situations: d.situations,
      communesSouhaitees: d.communes.filter((c) => dans.has(c)),
      typologiesSouhaitees: d.typologies as Typologie[],
      lienLocal: d.lienLocal,
      refusAdaptes: d.refusAdaptes,
      mutationInterne: d.mutationInterne,
    });
  }
  return r;
}

/** A grid that gives no points: what a draft is compared with when none is in force yet. */
const grilleVide = (epci: string): GrilleCotation => ({
  epci,
  version: 0,
  enVigueurDu: '',
  adoption: { par: '', le: '', acte: '' },
  criteres: [],
  refusAdapte: { points: 0, dureeMois: 12 },
  mutationsInternes: { points: 0 },
});

const TYPO_PROFIL = (d: DemandeCotee) =>
  [
    `${d.personnes} pers.`,
    d.typologiesSouhaitees.join('/'),
    d.categories.length ? d.categories.map((c) => c.toUpperCase().replace('AUTRE_L441_1', 'L.441-1')).join(', ') : null,
    `déposée le ${d.dateDemande.split('-').reverse().join('/')}`,
  ]
    .filter(Boolean)
    .join(' · ');

const LIBELLES_GROUPES: Record<string, string> = {
  'catégorie dalo': 'catégorie DALO',
  'catégorie pdalhpd': 'catégorie PDALHPD',
  'catégorie autre_l441_1': 'autre catégorie prioritaire (L.441-1)',
};

/** The draft tried on the EPCI's current demands against the grid in force on `date`. */
export async function essayerBrouillon(tx: Tx, acteur: Acteur, date: string): Promise<EssaiApi> {
  const siren = epciActeur(acteur, 'essayer une grille de cotation');
  const [b] = await tx
    .select()
    .from(grillesCotation)
    .where(and(eq(grillesCotation.epci, siren), eq(grillesCotation.statut, 'brouillon')));
  if (!b) throw new Introuvable('il n’y a pas de projet de grille à essayer : enregistrez d’abord un brouillon');
  const ev = await grilleEnVigueur(tx, siren, date);
  const ds = await demandesDeLEpci(tx, siren);
  const seuil = await seuilDe(tx, siren, Number(date.slice(0, 4)));
  const e = essayerGrille(versGrille(b), ev ? versGrille(ev) : grilleVide(siren), ds, date, seuil?.montant);
  const parNumero = new Map(ds.map((d) => [d.numero, d]));
  return {
    date,
    demandes: ds.length,
    versionEnVigueur: ev?.version ?? null,
    distribution: e.distribution,
    groupes: e.groupes.map((g) => ({ ...g, groupe: LIBELLES_GROUPES[g.groupe] ?? g.groupe })),
    mouvements: e.mouvements.map(({ numero, ...m }) => ({ profil: TYPO_PROFIL(parNumero.get(numero)!), ...m })),
    seuilQuartile: seuil?.montant ?? null,
  };
}

/**
 * The notes of some demands (by numéro unique) under the grid in force on `date` of each EPCI whose
 * communes they wish, first EPCI in the order of the communes wished that has a grid; the position
 * among the EPCI's similar demands. Demands with no such grid are left out of the answer.
 */
export async function noterDemandes(
  tx: Tx,
  numeros: { numero: string; communes: string[] }[],
  date: string,
): Promise<Map<string, CotationApi>> {
  const r = new Map<string, CotationApi>();
  if (numeros.length === 0) return r;
  const codes = [...new Set(numeros.flatMap((n) => n.communes))];
  const epciDeCommune = new Map(
    codes.length
      ? (
          await tx.select({ c: communes.code, e: communes.epci }).from(communes).where(inArray(communes.code, codes))
        ).map((x) => [x.c, x.e])
      : [],
  );
  const grilles = new Map<string, LigneGrille | null>();
  const parEpci = new Map<string, string[]>();
  for (const n of numeros) {
    for (const c of n.communes) {
      const e = epciDeCommune.get(c);
      if (!e) continue;
      if (!grilles.has(e)) grilles.set(e, await grilleEnVigueur(tx, e, date));
      if (grilles.get(e)) {
        parEpci.set(e, [...(parEpci.get(e) ?? []), n.numero]);
        break;
      }
    }
  }
  for (const [epci, voulus] of parEpci) {
    const g = versGrille(grilles.get(epci)!);
    const ds = await demandesDeLEpci(tx, epci);
    const tout = positionnerTout(ds, g, date);
    const index = new Map(ds.map((d, i) => [d.numero, i]));
    for (const numero of voulus) {
      const i = index.get(numero);
      if (i === undefined) continue;
      const p = tout[i]!;
      r.set(numero, {
        epci,
        version: g.version,
        note: p.note,
        detail: noter(ds[i]!, g, date).detail,
        ...p.positionnement,
      });
    }
  }
  return r;
}

/** A candidate's cotation in the CAL or the inbox: its demand's, and its rank among the candidates. */
export type CotationCandidat = CotationApi & { rangCandidats: number; candidats: number };

/**
 * The notes of the candidates of one unit (by candidature id) under the grid in force on `date` of
 * the unit's EPCI: the note of the candidate's demand (by numéro unique, among the demands stored in
 * Flux), its position among similar demands, and its rank among the noted candidates (ties share).
 * A candidate whose demand Flux does not hold has no note.
 */
export async function noterCandidats(
  tx: Tx,
  communeLogement: string,
  candidats: readonly { id: string; numeroSne: string }[],
  date: string,
  memo: MemoCotation = new Map(),
  /** The EPCI of each commune already read (a list of many units reads each commune once). */
  epcis: Map<string, string | null> = new Map(),
): Promise<Map<string, CotationCandidat>> {
  const r = new Map<string, CotationCandidat>();
  if (candidats.length === 0) return r;
  if (!epcis.has(communeLogement)) {
    const [lu] = await tx.select({ e: communes.epci }).from(communes).where(eq(communes.code, communeLogement));
    epcis.set(communeLogement, lu?.e ?? null);
  }
  const c = { e: epcis.get(communeLogement) ?? null };
  if (!c.e) return r;
  const cle = `${c.e}|${date}`;
  let ctx = memo.get(cle);
  if (ctx === undefined) {
    const ligne = await grilleEnVigueur(tx, c.e, date);
    if (!ligne) ctx = null;
    else {
      const g = versGrille(ligne);
      const ds = await demandesDeLEpci(tx, c.e);
      ctx = { g, ds, tout: positionnerTout(ds, g, date), index: new Map(ds.map((d, i) => [d.numero, i])) };
    }
    memo.set(cle, ctx);
  }
  if (!ctx) return r;
  const { g, ds, tout, index } = ctx;
  const notes: { id: string; i: number }[] = [];
  for (const x of candidats) {
    const i = index.get(x.numeroSne);
    if (i !== undefined) notes.push({ id: x.id, i });
  }
  for (const { id, i } of notes) {
    const p = tout[i]!;
    r.set(id, {
      epci: c.e,
      version: g.version,
      note: p.note,
      detail: noter(ds[i]!, g, date).detail,
      ...p.positionnement,
      rangCandidats: notes.filter((x) => tout[x.i]!.note > p.note).length + 1,
      candidats: notes.length,
    });
  }
  return r;
}

/** One request's computed cotation per EPCI and day (a page lists many units of one EPCI). */
export type MemoCotation = Map<
  string,
  { g: GrilleCotation; ds: DemandeCotee[]; tout: NotePositionnee[]; index: Map<string, number> } | null
>;
