/**
 * Use case of the stock → flow conversion (issue 5 item 3, rules.md §4): it starts from the latest
 * état des lieux signed by every party (`photoDeDepart`), observes the turnover of each segment over
 * the window's stored years (departures of the year's events ÷ units of the segment in the locked
 * picture), takes the forecast net flow of `lirePrevision`, and runs `convertirStock` with every
 * method side by side, plus the draft convention terms of each method (`projeterConventions`).
 *
 * The collectivities' 20 % of loan guarantees (CCH R.441-5) is checked on the drafts as the
 * conventions would stand (`avertirConventions`): each draft keeps its convention's contrepartie
 * when the parts still add up to the new taux, else it is counted all as guarantee (ADR 0032).
 *
 * Who: the bailleur and the State pilot see every réservataire; a réservataire its own lines.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { conventions, conventionVersions, logements, organisations } from '../db/schema.ts';
import type { AvertissementApi } from '../contracts/conventions.ts';
import {
  convertirStock,
  LIBELLES_METHODE,
  METHODES_CONVERSION,
  projeterConventions,
  type LogementsReserves,
  type MethodeConversion,
  type ModeDroitsUniques,
  type ObservationRotation,
  type ProjetConventions,
  type ResultatConversion,
} from '../domain/conversion.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import type { UniteEtat } from '../domain/etat-des-lieux.ts';
import { departsParLogement } from '../domain/flux-observe.ts';
import { toMicro } from '../domain/exact.ts';
import type { Contrepartie, Convention, Perimetre, Reservataire, TypeReservataire } from '../domain/types.ts';
import { FINANCEMENTS, type Financement } from '../domain/types.ts';
import { avertirConventions } from '../domain/validation.ts';
import { conventionsEnVigueur, resultatAnnee, versConvention, versReservataire } from './annee.ts';
import { ajouterAvenant, creerConvention, type EntreeVersion } from './conventions.ts';
import { contrepartieDe, nommerAvertissements } from './contreparties.ts';
import { Interdit } from './errors.ts';
import { perimetreAutorise, photoDeDepart } from './etat-des-lieux.ts';
import { calculerPrevision } from './prevision.ts';
import type { Acteur } from './roles.ts';

export interface DemandeConversion {
  bailleur?: string | undefined;
  departement?: string | undefined;
  annee?: number | undefined;
  fenetre?: number | undefined;
  droitsUniques?: 'ponctuel' | 'etale' | undefined;
  annees?: number | undefined;
  effectifMinimal?: number | undefined;
}

export type ReponseConversion = {
  bailleur: { id: string; nom: string };
  departement: string;
  annee: number;
  etatDesLieux: { id: string; version: number; empreinte: string };
  noms: Record<string, string>;
  resultat: ResultatConversion;
  projets: Record<MethodeConversion, ProjetConventions>;
};

const SANS_PROGRAMME = 'sans-programme';
const financement = (f: string): Financement =>
  (FINANCEMENTS as readonly string[]).includes(f) ? (f as Financement) : 'AUTRE';
const cleSegment = (u: UniteEtat) => `${u[4] ?? SANS_PROGRAMME}|${u[5]}|${u[6]}|${financement(u[7])}|${u[8]}`;

export async function lireConversion(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeConversion,
  anneeCourante: number,
): Promise<ReponseConversion> {
  const { bailleur, departement } = await perimetreAutorise(tx, acteur, demande);
  const annee = demande.annee ?? anneeCourante + 1;
  const fenetre = demande.fenetre ?? 1;
  const photo = await photoDeDepart(tx, bailleur.id, departement);
  if (!photo) {
    throw new DonneesInvalides([
      {
        chemin: 'etatDesLieux',
        message:
          'aucun état des lieux signé par toutes les parties : le bailleur le verrouille, puis chaque partie le signe, avant la conversion',
      },
    ]);
  }
  const unites = photo.etat.unites;

  // Stock per segment (the locked picture), departures per segment (the window's stored years).
  const stock = new Map<string, { u: UniteEtat; logements: number }>();
  for (const u of unites) {
    const k = cleSegment(u);
    const s = stock.get(k);
    if (s) s.logements++;
    else stock.set(k, { u, logements: 1 });
  }
  const segmentDe = new Map(unites.map((u) => [u[0], cleSegment(u)]));
  const observations: ObservationRotation[] = [];
  for (let a = annee - fenetre; a < annee; a++) {
    const { scenario } = await resultatAnnee(tx, { bailleurId: bailleur.id, departement, annee: a });
    if (scenario.evenements.length === 0) {
      throw new DonneesInvalides([
        {
          chemin: 'fenetre',
          message: `l’année ${a} de la fenêtre n’a pas d’événements dans Flux : la rotation n’y est pas observable ; réduisez la fenêtre`,
        },
      ]);
    }
    const departs = new Map<string, number>();
    for (const [logement, n] of departsParLogement(scenario)) {
      const k = segmentDe.get(logement);
      if (k) departs.set(k, (departs.get(k) ?? 0) + n);
    }
    for (const [k, s] of stock) {
      observations.push({
        annee: a,
        programme: s.u[4] ?? SANS_PROGRAMME,
        commune: s.u[5],
        typologie: s.u[6],
        financement: financement(s.u[7]),
        qpv: s.u[8] === 1,
        logements: s.logements,
        departs: departs.get(k) ?? 0,
      });
    }
  }

  // Reserved units per réservataire and segment; one-shot rights apart.
  const reservations = new Map<string, LogementsReserves>();
  const uniques = new Map<string, number>();
  for (const u of unites) {
    if (!u[3]) continue;
    if (u[2] === 'droit_unique') uniques.set(u[3], (uniques.get(u[3]) ?? 0) + 1);
    if (u[2] !== 'reserve') continue;
    const k = `${u[3]}|${cleSegment(u)}`;
    const r = reservations.get(k);
    if (r) r.nombre++;
    else
      reservations.set(k, {
        reservataire: u[3],
        programme: u[4] ?? SANS_PROGRAMME,
        commune: u[5],
        typologie: u[6],
        financement: financement(u[7]),
        qpv: u[8] === 1,
        nombre: 1,
      });
  }
  const ids = [...new Set([...[...reservations.values()].map((r) => r.reservataire), ...uniques.keys()])];
  const orgs = ids.length
    ? await tx
        .select({ id: organisations.id, nom: organisations.nom, type: organisations.typeReservataire })
        .from(organisations)
        .where(inArray(organisations.id, ids))
    : [];

  // The forecast flow of the département, and of each territorial réservataire's own perimeter.
  const prevision = await calculerPrevision(tx, { bailleur, departement }, annee, anneeCourante).catch(
    (err: unknown) => {
      if (err instanceof DonneesInvalides)
        throw new DonneesInvalides(
          err.problemes.map((p) => ({ ...p, message: `prévision de flux ${annee} : ${p.message}` })),
        );
      throw err;
    },
  );
  const [departementale, ...territoriales] = prevision.previsions;
  const fluxParReservataire: Record<string, number> = {};
  const enVigueur = await conventionsEnVigueur(tx, { bailleurId: bailleur.id, departement, annee });
  // A commune's or an EPCI's convention covers its territory only (CCH R.441-5-3): its taux is a share of that perimeter's flow.
  for (const { convention: cv, version: v } of enVigueur) {
    const perimetre = JSON.stringify((v.parametres as { perimetre: unknown }).perimetre);
    const propre = territoriales.find((p) => JSON.stringify(p.perimetre) === perimetre);
    if (propre && ids.includes(cv.reservataireId)) fluxParReservataire[cv.reservataireId] = propre.fluxNet.valeur;
  }
  const mode: ModeDroitsUniques =
    demande.droitsUniques === 'etale' ? { mode: 'etale', annees: demande.annees ?? 3 } : { mode: 'ponctuel' };
  const resultat = convertirStock({
    annee,
    fenetre,
    reservataires: orgs.map((o) => ({ id: o.id, type: (o.type ?? 'employeur') as TypeReservataire })),
    reservations: [...reservations.values()],
    observations,
    fluxPrevisionnel: departementale!.fluxNet.valeur,
    fluxParReservataire,
    droitsUniques: [...uniques].map(([reservataire, nombre]) => ({ reservataire, nombre })),
    modeDroitsUniques: mode,
    ...(demande.effectifMinimal ? { effectifMinimal: demande.effectifMinimal } : {}),
  });
  const projets = Object.fromEntries(METHODES_CONVERSION.map((m) => [m, projeterConventions(resultat, m)])) as Record<
    MethodeConversion,
    ProjetConventions
  >;
  const noms = Object.fromEntries(orgs.map((o) => [o.id, o.nom]));

  // The 20 % of guarantees on the conventions as each method would leave them: the domain's check
  // counts every draft as guarantee; this one knows the contreparties (CCH R.441-5, ADR 0032).
  const places = await lieuxDuBailleur(tx, bailleur.id, departement);
  const organisationsProjet = new Map(
    (ids.length ? await tx.select().from(organisations).where(inArray(organisations.id, ids)) : []).map((o) => [
      o.id,
      o,
    ]),
  );
  for (const e of enVigueur) organisationsProjet.set(e.reservataire.id, e.reservataire);
  for (const m of METHODES_CONVERSION) {
    const jeu = jeuProjete(projets[m], enVigueur, organisationsProjet, departement);
    const avertissements: Probleme[] = [];
    // Each draft checked last, as its avenant will be: every draft that crosses the cap is named.
    for (const p of projets[m].projets) {
      if (acteur.role === 'agent_reservataire' && p.reservataire !== acteur.organisationId) continue;
      const conventionsDansLOrdre = [
        ...jeu.conventions.filter((x) => x.reservataire !== p.reservataire),
        ...jeu.conventions.filter((x) => x.reservataire === p.reservataire),
      ];
      const dernier = conventionsDansLOrdre.length - 1;
      const trouves = avertirConventions({
        annee,
        departement,
        logements: places,
        reservataires: jeu.reservataires,
        conventions: conventionsDansLOrdre,
      }).filter((a) => a.chemin.startsWith(`conventions[${dernier}]`));
      const nom = organisationsProjet.get(p.reservataire)?.nom ?? p.reservataire;
      for (const a of await nommerAvertissements(tx, trouves, nom))
        avertissements.push({ chemin: `projets.${p.reservataire}`, message: a.message });
    }
    projets[m].avertissements = [
      ...projets[m].avertissements.filter((a) => !a.message.includes('garanties d’emprunt')),
      ...avertissements,
    ];
  }

  if (acteur.role === 'agent_reservataire') {
    const moi = acteur.organisationId;
    for (const m of METHODES_CONVERSION) {
      resultat.methodes[m].reservataires = resultat.methodes[m].reservataires.filter((r) => r.reservataire === moi);
      projets[m].projets = projets[m].projets.filter((p) => p.reservataire === moi);
    }
    resultat.comparaison = resultat.comparaison.filter((c) => c.reservataire === moi);
    resultat.droitsUniques = resultat.droitsUniques.filter((d) => d.reservataire === moi);
  }
  return {
    bailleur,
    departement,
    annee,
    etatDesLieux: { id: photo.version.id, version: photo.version.version, empreinte: photo.version.empreinte },
    noms,
    resultat,
    projets,
  };
}

/** Distinct places (commune, EPCI) of the bailleur's units in the département. */
async function lieuxDuBailleur(tx: Tx, bailleurId: string, departement: string) {
  const lieux = await tx
    .selectDistinct({ commune: logements.commune, epci: logements.epci })
    .from(logements)
    .where(and(eq(logements.bailleurId, bailleurId), eq(logements.departement, departement)));
  return lieux.map((p) => ({ commune: p.commune, ...(p.epci ? { epci: p.epci } : {}) }));
}

/** A new convention's perimeter from its réservataire: a commune's or an EPCI's own territory (CCH R.441-5-3), else the département. */
function perimetreProjete(
  type: TypeReservataire,
  org: { commune: string | null; epci: string | null } | undefined,
  departement: string,
): Perimetre {
  return type === 'commune' && org?.commune
    ? { communes: [org.commune] }
    : (type === 'epci' || type === 'ept') && org?.epci
      ? { epci: org.epci }
      : { departement };
}

/** The contrepartie a draft keeps from its convention: only when its parts still add up to the new taux. */
function contrepartieReprise(k: Contrepartie | undefined, taux: number): Contrepartie | undefined {
  if (!k) return undefined;
  const somme = [k.garantie, k.financement, k.terrain, k.autre].reduce((s, x) => s + (toMicro(x) ?? 0), 0);
  return somme === toMicro(taux) ? k : undefined;
}

/** The conventions one method's drafts would leave in force: the drafts, and the conventions they do not touch. */
function jeuProjete(
  projet: ProjetConventions,
  enVigueur: Awaited<ReturnType<typeof conventionsEnVigueur>>,
  orgs: Map<string, typeof organisations.$inferSelect>,
  departement: string,
): { reservataires: Reservataire[]; conventions: Convention[] } {
  const conventionsProjetees: Convention[] = [];
  const touches = new Set(projet.projets.map((p) => p.reservataire));
  for (const e of enVigueur)
    if (!touches.has(e.convention.reservataireId)) conventionsProjetees.push(versConvention(e));
  for (const p of projet.projets) {
    const e = enVigueur.find((x) => x.convention.reservataireId === p.reservataire);
    const base: Convention = e
      ? versConvention(e)
      : {
          id: `projet-${p.reservataire}`,
          reservataire: p.reservataire,
          taux: p.taux,
          perimetre: perimetreProjete(p.type, orgs.get(p.reservataire), departement),
          decompte: 'mise_a_disposition',
          echecDecompte: true,
          delaiPropositionJours: 30,
          candidatsDemandes: 3,
          gestion: 'directe',
          report: 0,
        };
    const { contrepartie, ...reste } = base;
    const gardee = contrepartieReprise(contrepartie, p.taux);
    conventionsProjetees.push({ ...reste, taux: p.taux, ...(gardee ? { contrepartie: gardee } : {}) });
  }
  const reservataires = [...new Set(conventionsProjetees.map((c) => c.reservataire))].flatMap((id) => {
    const o = orgs.get(id);
    return o ? [versReservataire(o)] : [];
  });
  return { reservataires, conventions: conventionsProjetees };
}

export interface DemandeAvenants extends DemandeConversion {
  methode: MethodeConversion;
  motif?: string | undefined;
}

/**
 * Turns the drafts of one method into convention versions in one transaction (issue 5 item 3):
 * for each réservataire, an avenant of its convention in force (the taux of the draft, the form
 * « en flux », the one-shot rights' first-year carry-over), effective on 1 January of the
 * conversion's year — or a new convention when there is none. Each is checked by the conventions'
 * legal validation: one refusal and nothing is written. Only the bailleur's agents.
 */
export async function creerAvenantsDeConversion(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeAvenants,
  anneeCourante: number,
  aujourdhui: string,
): Promise<{ conventions: string[]; avertissements: AvertissementApi[] }> {
  if (acteur.role !== 'agent_bailleur') throw new Interdit('seul le bailleur transforme la conversion en avenants');
  const c = await lireConversion(tx, acteur, demande, anneeCourante);
  const projets = c.projets[demande.methode];
  const effectifLe = `${c.annee}-01-01`;
  const motif =
    demande.motif?.trim() ||
    `Conversion du stock en flux (${LIBELLES_METHODE[demande.methode]}), état des lieux version ${c.etatDesLieux.version}`;
  const quand = { annee: c.annee, aujourdhui };
  const existantes = await tx
    .select({ id: conventions.id, reservataire: conventions.reservataireId })
    .from(conventions)
    .where(and(eq(conventions.bailleurId, c.bailleur.id), eq(conventions.departement, c.departement)));
  const faites: string[] = [];
  const problemes: Probleme[] = [];
  const avertissements: AvertissementApi[] = [];
  for (const p of projets.projets) {
    const existante = existantes.find((e) => e.reservataire === p.reservataire);
    try {
      if (existante) {
        const [derniere] = await tx
          .select()
          .from(conventionVersions)
          .where(eq(conventionVersions.conventionId, existante.id))
          .orderBy(desc(conventionVersions.version))
          .limit(1);
        const parametres = (derniere?.parametres ?? {}) as Omit<EntreeVersion, 'taux' | 'effectifLe'>;
        const contrepartie = derniere ? contrepartieReprise(contrepartieDe(derniere), p.taux) : undefined;
        const tauxAgents =
          derniere?.tauxAgents === null || derniere?.tauxAgents === undefined
            ? undefined
            : Math.min(Number(derniere.tauxAgents), p.taux);
        const d = await ajouterAvenant(
          tx,
          acteur,
          existante.id,
          {
            ...parametres,
            ...(contrepartie ? { contrepartie } : {}),
            taux: p.taux,
            ...(tauxAgents !== undefined ? { tauxAgents } : {}),
            forme: 'flux',
            report: p.reportInitial,
            effectifLe: derniere && derniere.effectifLe > effectifLe ? derniere.effectifLe : effectifLe,
            motif,
          },
          quand,
        );
        faites.push(existante.id);
        avertissements.push(...d.avertissements);
      } else {
        const [org] = await tx
          .select({ commune: organisations.commune, epci: organisations.epci })
          .from(organisations)
          .where(eq(organisations.id, p.reservataire));
        const perimetre = perimetreProjete(p.type, org, c.departement);
        const d = await creerConvention(
          tx,
          acteur,
          {
            reservataire: p.reservataire,
            departement: c.departement,
            taux: p.taux,
            perimetre,
            decompte: 'mise_a_disposition',
            echecDecompte: true,
            delaiPropositionJours: 30,
            candidatsDemandes: 3,
            gestion: 'directe',
            report: p.reportInitial,
            forme: 'flux',
            effectifLe,
            motif,
          },
          quand,
        );
        faites.push(d.id);
        avertissements.push(...d.avertissements);
      }
    } catch (err) {
      if (!(err instanceof DonneesInvalides)) throw err;
      problemes.push(
        ...err.problemes.map((x) => ({
          chemin: `${p.reservataire}.${x.chemin}`,
          message: `${c.noms[p.reservataire] ?? p.reservataire} : ${x.message}`,
        })),
      );
    }
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  return { conventions: faites, avertissements };
}
