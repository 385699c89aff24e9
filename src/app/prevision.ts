/**
 * Use cases of the flow forecast (issue 5 items 2 and 4): the bailleur's inputs for a year
 * (`previsions_flux`), the past flows read from the stored years (the engine's run over their events)
 * or entered for years Flux does not hold, and the forecast of `prevoirFlux` for the département and
 * for each territorial convention's perimeter, with each réservataire's entitlement and last year's
 * carry-over. Also the follow-up of the PRU/ANRU volume during the year.
 *
 * Who: the bailleur (reads and saves its own), the State pilot (any bailleur of its département),
 * a réservataire holding a convention or reservations with the bailleur (reads; its own line only).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, epcis, evenementsFlux, logements, organisations, previsionsFlux } from '../db/schema.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { LIBELLES_EXCLUSION, type FluxAnnuel } from '../domain/flow.ts';
import { fluxDuPerimetre } from '../domain/flux-observe.ts';
import { contient } from '../domain/perimeter.ts';
import {
  prevoirFlux,
  type ConventionPrevision,
  type DroitPrevisionnel,
  type FluxObserve,
  type Prevision,
} from '../domain/prevision.ts';
import { BAILLEUR, type Perimetre, type Scenario } from '../domain/types.ts';
import { parametresPrevisionSchema, type ParametresPrevision, type ReponsePrevision } from '../contracts/prevision.ts';
import { conventionsEnVigueur, resultatAnnee } from './annee.ts';
import { journaliser } from './audit.ts';
import { livraisonsDeLAnnee } from './programmes.ts';
import { Conflit, Interdit } from './errors.ts';
import { perimetreAutorise, type DemandeEtat, type Perimetre as PerimetreAcces } from './etat-des-lieux.ts';
import type { Acteur } from './roles.ts';

export interface DemandePrevision extends DemandeEtat {
  annee?: number | undefined;
}

/** The years of a bailleur × département that have events in Flux. */
async function anneesAvecEvenements(tx: Tx, bailleurId: string, departement: string): Promise<number[]> {
  const rows = await tx
    .selectDistinct({ annee: evenementsFlux.annee })
    .from(evenementsFlux)
    .where(and(eq(evenementsFlux.bailleurId, bailleurId), eq(evenementsFlux.departement, departement)))
    .orderBy(asc(evenementsFlux.annee));
  return rows.map((r) => r.annee);
}

function libellePerimetre(p: Perimetre, noms: ReadonlyMap<string, string>): string {
  if ('departement' in p) return `Département ${p.departement}`;
  if ('communes' in p) return p.communes.map((c) => noms.get(c) ?? c).join(', ');
  return noms.get(p.epci) ?? `EPCI ${p.epci}`;
}

const versObserve = (annee: number, f: FluxAnnuel): FluxObserve => ({
  annee,
  disponibles: f.disponibles,
  premieresMisesEnLocation: f.premieresMisesEnLocation,
  exclus: { ...f.exclus },
});

export async function lirePrevision(
  tx: Tx,
  acteur: Acteur,
  demande: DemandePrevision,
  anneeCourante: number,
): Promise<ReponsePrevision> {
  const perimetre = await perimetreAutorise(tx, acteur, demande);
  const r = await calculerPrevision(tx, perimetre, demande.annee ?? anneeCourante + 1, anneeCourante);
  // The réservataire reads its own lines only.
  if (acteur.role === 'agent_reservataire')
    for (const p of r.previsions) p.droits = p.droits.filter((d) => d.reservataire === acteur.organisationId);
  return r;
}

/** The forecast of a bailleur × département for `annee`, every line (no scoping: callers check access). */
export async function calculerPrevision(
  tx: Tx,
  perimetreAcces: PerimetreAcces,
  annee: number,
  anneeCourante: number,
): Promise<ReponsePrevision> {
  const { bailleur, departement } = perimetreAcces;
  const [stocke] = await tx
    .select()
    .from(previsionsFlux)
    .where(
      and(
        eq(previsionsFlux.bailleurId, bailleur.id),
        eq(previsionsFlux.departement, departement),
        eq(previsionsFlux.annee, annee),
      ),
    );
  const parametres: ParametresPrevision = parametresPrevisionSchema.parse(stocke?.parametres ?? {});

  // Past years: the engine's run over the stored events, else the flows entered.
  const avecEvenements = (await anneesAvecEvenements(tx, bailleur.id, departement)).filter((a) => a < annee);
  const scenarios = new Map<number, Scenario>();
  const resultats = new Map<number, Awaited<ReturnType<typeof resultatAnnee>>['resultat']>();
  for (const a of avecEvenements) {
    const r = await resultatAnnee(tx, { bailleurId: bailleur.id, departement, annee: a });
    scenarios.set(a, r.scenario);
    resultats.set(a, r.resultat);
  }
  const historique: ReponsePrevision['historique'] = [];
  const annees = new Set([...avecEvenements, ...parametres.fluxSaisis.map((f) => f.annee).filter((a) => a < annee)]);
  for (const a of [...annees].sort((x, y) => x - y)) {
    const r = resultats.get(a);
    if (r)
      historique.push({
        annee: a,
        source: 'flux',
        incomplete: a >= anneeCourante,
        ...r.flux,
        exclus: { ...r.flux.exclus },
      });
    else {
      const f = parametres.fluxSaisis.find((x) => x.annee === a)!;
      const exclus = Object.values(f.exclus).reduce<number>((t, n) => t + (n ?? 0), 0);
      historique.push({
        source: 'saisi',
        incomplete: false,
        ...f,
        exclus: { ...f.exclus } as Record<string, number>,
        fluxAnnuel: f.disponibles - exclus,
      });
    }
  }
  const fenetre = parametres.fenetre;
  const manquantes = Array.from({ length: fenetre }, (_, i) => annee - fenetre + i).filter((a) => !annees.has(a));
  if (manquantes.length) {
    throw new DonneesInvalides(
      manquantes.map((a) => ({
        chemin: 'parametres.fluxSaisis',
        message: `l’année ${a} de la fenêtre (${fenetre} an${fenetre > 1 ? 's' : ''} avant ${annee}) n’a ni événements dans Flux ni flux saisi : saisissez son flux observé, ou réduisez la fenêtre`,
      })),
    );
  }

  // Conventions in force in the forecast year, with last year's carry-over from the ledger.
  const enVigueur = await conventionsEnVigueur(tx, { bailleurId: bailleur.id, departement, annee });
  const bilanPrecedent = resultats.get(annee - 1)?.bilan ?? [];
  const conventionsPrevision: ConventionPrevision[] = enVigueur.map(({ convention: c, version: v }) => {
    const p = v.parametres as { perimetre: Perimetre; report?: number };
    // The engine's ledger has one line per réservataire (one convention per bailleur × réservataire × département).
    const ligne = bilanPrecedent.find((b) => b.reservataire === c.reservataireId);
    return {
      id: c.id,
      reservataire: c.reservataireId,
      taux: Number(v.taux),
      ...(v.tauxAgents !== null ? { tauxAgents: Number(v.tauxAgents) } : {}),
      perimetre: p.perimetre,
      report: ligne ? ligne.reportAnneeSuivante : (p.report ?? 0),
    };
  });
  const nomsReservataires = new Map(
    enVigueur.length
      ? (
          await tx
            .select({ id: organisations.id, nom: organisations.nom })
            .from(organisations)
            .where(
              inArray(
                organisations.id,
                enVigueur.map((c) => c.convention.reservataireId),
              ),
            )
        ).map((o) => [o.id, o.nom])
      : [],
  );

  const unitesDuParc = await tx
    .select({ commune: logements.commune, epci: logements.epci })
    .from(logements)
    .where(
      and(
        eq(logements.bailleurId, bailleur.id),
        eq(logements.departement, departement),
        isNull(logements.absentRplsDepuis),
      ),
    );
  const nomsCommunes = new Map(
    (
      await tx
        .select({ code: communes.code, nom: communes.nom })
        .from(communes)
        .where(eq(communes.departement, departement))
    ).map((c) => [c.code, c.nom]),
  );
  for (const e of await tx
    .selectDistinct({ siren: epcis.siren, nom: epcis.nom })
    .from(epcis)
    .innerJoin(communes, eq(communes.epci, epcis.siren))
    .where(eq(communes.departement, departement)))
    nomsCommunes.set(e.siren, e.nom);

  const fenetreAnnees = Array.from({ length: fenetre }, (_, i) => annee - fenetre + i);
  const observes = (perimetre: Perimetre): FluxObserve[] | null => {
    const h: FluxObserve[] = [];
    for (const a of fenetreAnnees) {
      const s = scenarios.get(a);
      if (s)
        h.push(versObserve(a, 'departement' in perimetre ? resultats.get(a)!.flux : fluxDuPerimetre(s, perimetre)));
      else if ('departement' in perimetre) h.push(parametres.fluxSaisis.find((f) => f.annee === a)!);
      else return null; // an entered flow is the département's: no perimeter detail
    }
    return h;
  };

  const perimetres: Perimetre[] = [{ departement }];
  for (const c of conventionsPrevision)
    if (!('departement' in c.perimetre) && !perimetres.some((p) => JSON.stringify(p) === JSON.stringify(c.perimetre)))
      perimetres.push(c.perimetre);
  const previsions: ReponsePrevision['previsions'] = [];
  const avertissementsTerritoriaux: string[] = [];
  for (const perimetre of perimetres) {
    const departemental = 'departement' in perimetre;
    const historiquePerimetre = observes(perimetre);
    if (!historiquePerimetre) {
      avertissementsTerritoriaux.push(
        `${libellePerimetre(perimetre, nomsCommunes)} : pas de prévision propre, une année de la fenêtre n’a qu’un flux saisi pour tout le département`,
      );
      continue;
    }
    const parc = unitesDuParc.filter((u) =>
      contient(perimetre, { commune: u.commune, ...(u.epci ? { epci: u.epci } : {}) }),
    ).length;
    const p = prevoirFlux({
      annee,
      perimetre,
      fenetre,
      historique: historiquePerimetre,
      // Deliveries, demolitions, sales, entered exclusions and the PRU volume are the département's.
      ...(departemental
        ? {
            livraisons: parametres.livraisons,
            demolitions: parametres.demolitions,
            ventes: parametres.ventes,
            exclusionsPrevues: parametres.exclusionsPrevues,
            volumePru: parametres.volumePru,
          }
        : {}),
      parc,
      conventions: conventionsPrevision,
    });
    previsions.push(vuePrevision(p, libellePerimetre(perimetre, nomsCommunes), nomsReservataires, bailleur.nom));
  }
  previsions[0]?.avertissements.push(...avertissementsTerritoriaux);

  return {
    bailleur,
    departement,
    annee,
    version: stocke?.version ?? 0,
    majLe: stocke ? stocke.majLe.toISOString() : null,
    parametres,
    parc: unitesDuParc.length,
    historique,
    previsions,
    suiviPru: await suiviPru(tx, bailleur.id, departement, annee, parametres, nomsCommunes),
    livraisonsProgrammes: (await livraisonsDeLAnnee(tx, bailleur.id, departement, annee)).map((l) => ({
      nom: l.nom,
      livraisonPrevue: l.livraisonPrevue,
      logements: l.logements,
      droits: l.droits.map((d) => ({ nom: d.nom, logements: d.logements })),
    })),
  };
}

function vuePrevision(
  p: Prevision,
  libelle: string,
  noms: ReadonlyMap<string, string>,
  nomBailleur: string,
): ReponsePrevision['previsions'][number] {
  const droit = (d: DroitPrevisionnel) => ({
    ...d,
    nom: d.reservataire === BAILLEUR ? `${nomBailleur} (part propre)` : (noms.get(d.reservataire) ?? d.reservataire),
  });
  return {
    ...p,
    libelle,
    exclusions: p.exclusions.map((e) => ({ ...e, libelle: LIBELLES_EXCLUSION[e.motif] })),
    droits: p.droits.map(droit),
    bailleur: droit(p.bailleur),
    // The domain's warnings name a convention by its identifiers (for the command line): officers
    // read the réservataire's name instead.
    avertissements: [
      ...p.avertissements.filter(
        (a) => !p.droits.some((d) => !d.applicable && a.startsWith(`convention ${d.convention} (`)),
      ),
      ...p.droits
        .filter((d) => !d.applicable)
        .map(
          (d) =>
            `${droit(d).nom} : le périmètre de sa convention ne couvre pas celui de cette prévision ; sa part est comprise ici dans celle du bailleur (sa prévision se fait sur son propre périmètre)`,
        ),
    ],
  };
}

/** The PRU/ANRU rehousings of the forecast year so far (excluded lettings « relogement_anru »), against the volume. */
async function suiviPru(
  tx: Tx,
  bailleurId: string,
  departement: string,
  annee: number,
  parametres: ParametresPrevision,
  noms: ReadonlyMap<string, string>,
): Promise<ReponsePrevision['suiviPru']> {
  const rows = await tx
    .select({ typologie: logements.typologie, commune: logements.commune, n: sql<number>`count(*)::int` })
    .from(evenementsFlux)
    .innerJoin(logements, sql`${logements.id} = ${evenementsFlux.evenement} ->> 'logement'`)
    .where(
      and(
        eq(evenementsFlux.bailleurId, bailleurId),
        eq(evenementsFlux.departement, departement),
        eq(evenementsFlux.annee, annee),
        sql`${evenementsFlux.evenement} ->> 'type' = 'liberation'`,
        sql`${evenementsFlux.evenement} ->> 'exclusion' = 'relogement_anru'`,
      ),
    )
    .groupBy(logements.typologie, logements.commune);
  const parTypologie = new Map<string, number>();
  const parCommune = new Map<string, number>();
  for (const r of rows) {
    parTypologie.set(r.typologie, (parTypologie.get(r.typologie) ?? 0) + Number(r.n));
    parCommune.set(r.commune, (parCommune.get(r.commune) ?? 0) + Number(r.n));
  }
  const typologies = [...new Set([...Object.keys(parametres.pru.typologies), ...parTypologie.keys()])].sort();
  const codes = [...new Set([...Object.keys(parametres.pru.communes), ...parCommune.keys()])].sort();
  return {
    volume: parametres.volumePru,
    realises: [...parTypologie.values()].reduce((s, n) => s + n, 0),
    parTypologie: typologies.map((t) => ({
      typologie: t,
      prevus: (parametres.pru.typologies as Record<string, number | undefined>)[t] ?? null,
      realises: parTypologie.get(t) ?? 0,
    })),
    parCommune: codes.map((c) => ({
      commune: c,
      nom: noms.get(c) ?? c,
      prevus: parametres.pru.communes[c] ?? null,
      realises: parCommune.get(c) ?? 0,
    })),
  };
}

/** Saves the bailleur's inputs for a year (optimistic lock on `version`), audited; answers the new forecast. */
export async function enregistrerPrevision(
  tx: Tx,
  acteur: Acteur,
  demande: DemandePrevision & { annee: number; version: number; parametres: ParametresPrevision },
  anneeCourante: number,
): Promise<ReponsePrevision> {
  if (acteur.role !== 'agent_bailleur') throw new Interdit('seul le bailleur saisit sa prévision de flux');
  const { bailleur, departement } = await perimetreAutorise(tx, acteur, demande);
  const p = demande.parametres;
  const problemes = [];
  for (const [t, n] of Object.entries(p.pru.typologies))
    if ((n ?? 0) > p.volumePru)
      problemes.push({
        chemin: `parametres.pru.typologies.${t}`,
        message: `${n} relogements en ${t} dépassent le volume PRU de ${p.volumePru}`,
      });
  for (const [c, n] of Object.entries(p.pru.communes))
    if (n > p.volumePru)
      problemes.push({
        chemin: `parametres.pru.communes.${c}`,
        message: `${n} relogements à ${c} dépassent le volume PRU de ${p.volumePru}`,
      });
  const typologies = Object.values(p.pru.typologies).reduce<number>((t, n) => t + (n ?? 0), 0);
  if (typologies > p.volumePru)
    problemes.push({
      chemin: 'parametres.pru.typologies',
      message: `la répartition par typologie (${typologies}) dépasse le volume PRU (${p.volumePru})`,
    });
  const parCommunes = Object.values(p.pru.communes).reduce<number>((t, n) => t + n, 0);
  if (parCommunes > p.volumePru)
    problemes.push({
      chemin: 'parametres.pru.communes',
      message: `la répartition par commune (${parCommunes}) dépasse le volume PRU (${p.volumePru})`,
    });
  p.fluxSaisis.forEach((f, i) => {
    if (f.annee >= demande.annee)
      problemes.push({
        chemin: `parametres.fluxSaisis[${i}].annee`,
        message: `un flux saisi est celui d’une année passée (avant ${demande.annee})`,
      });
    if (f.premieresMisesEnLocation > f.disponibles)
      problemes.push({
        chemin: `parametres.fluxSaisis[${i}].premieresMisesEnLocation`,
        message: 'plus de premières mises en location que de logements disponibles',
      });
    const exclus = Object.values(f.exclus).reduce<number>((t, n) => t + (n ?? 0), 0);
    if (exclus > f.disponibles)
      problemes.push({
        chemin: `parametres.fluxSaisis[${i}].exclus`,
        message: `${exclus} logements exclus pour ${f.disponibles} disponibles`,
      });
    if (p.fluxSaisis.findIndex((g) => g.annee === f.annee) !== i)
      problemes.push({
        chemin: `parametres.fluxSaisis[${i}].annee`,
        message: `l’année ${f.annee} est saisie deux fois`,
      });
  });
  if (problemes.length) throw new DonneesInvalides(problemes);
  const cle = and(
    eq(previsionsFlux.bailleurId, bailleur.id),
    eq(previsionsFlux.departement, departement),
    eq(previsionsFlux.annee, demande.annee),
  );
  const [avant] = await tx.select().from(previsionsFlux).where(cle).for('update');
  if ((avant?.version ?? 0) !== demande.version) {
    throw new Conflit(
      `la prévision ${demande.annee} a été modifiée entre-temps (version ${avant?.version ?? 0}, vous aviez la version ${demande.version}) : rechargez-la`,
    );
  }
  if (avant) {
    const maj = await tx
      .update(previsionsFlux)
      .set({ parametres: p, version: avant.version + 1, majLe: new Date(), majPar: acteur.utilisateurId })
      .where(and(cle, eq(previsionsFlux.version, avant.version)))
      .returning({ version: previsionsFlux.version });
    if (maj.length === 0) throw new Conflit(`la prévision ${demande.annee} a été modifiée entre-temps : rechargez-la`);
  } else {
    const inseres = await tx
      .insert(previsionsFlux)
      .values({
        bailleurId: bailleur.id,
        departement,
        annee: demande.annee,
        parametres: p,
        version: 1,
        majPar: acteur.utilisateurId,
      })
      .onConflictDoNothing()
      .returning({ version: previsionsFlux.version });
    if (inseres.length === 0)
      throw new Conflit(`la prévision ${demande.annee} vient d’être créée par quelqu’un d’autre : rechargez-la`);
  }
  await journaliser(tx, acteur, {
    action: 'prevision.enregistree',
    cibleType: 'prevision_flux',
    cibleId: `${bailleur.id}|${departement}|${demande.annee}`,
    avant: avant?.parametres ?? null,
    apres: p,
  });
  return lirePrevision(tx, acteur, { bailleur: bailleur.id, departement, annee: demande.annee }, anneeCourante);
}

/** The volume reserved for PRU/ANRU rehousing in the year's stored forecast; null when none was made. */
export async function volumePruPrevu(
  tx: Tx,
  cle: { bailleurId: string; departement: string; annee: number },
): Promise<number | null> {
  const [stocke] = await tx
    .select({ parametres: previsionsFlux.parametres })
    .from(previsionsFlux)
    .where(
      and(
        eq(previsionsFlux.bailleurId, cle.bailleurId),
        eq(previsionsFlux.departement, cle.departement),
        eq(previsionsFlux.annee, cle.annee),
      ),
    );
  return stocke ? parametresPrevisionSchema.parse(stocke.parametres).volumePru : null;
}
