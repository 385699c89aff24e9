/**
 * The dashboards (issue 7 item 4): each party's continuous view of the year, from the engine's run
 * over the stored events (`resultatAnnee`, the figures of the ledger and of the bilan) and the
 * live objectives (`lireObjectifs`, with their trend). Scoped like the bilan (`bilansAccessibles`):
 *
 * - a bailleur: every line of each of its conventions' years (its départements);
 * - a réservataire: its own line with every bailleur it deals with, one by one and summed — never
 *   another réservataire's line;
 * - the State pilot: every bailleur of its département, all their lines, and the use of the
 *   State's contingent (Σ counted ÷ Σ entitlement of the State's lines);
 * - an EPCI reader: the lettings of the units of its territory (for its CIL), by month and by line.
 *
 * The deadlines missed: the lettings ended without candidate (the engine's), the proposal deadlines
 * passed without candidates (`delais_proposition`), the CAL's offers expired unanswered
 * (`offres_cal`, silence = refusal).
 */
import { and, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { communes, delaisProposition, epcis, examensCal, locations, logements, offresCal } from '../db/schema.ts';
import type { LigneTableauApi, TableauApi } from '../contracts/tableaux.ts';
import { bilanAnnuel } from '../domain/bilan.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { ResultatSimulation } from '../domain/engine.ts';
import {
  comparerMix,
  MOIS,
  sommerLignes,
  sommerRepartitions,
  sommerTerritoires,
  tableauBailleur,
  territoire,
  type LigneTableau,
  type Repartition,
  type TableauBailleur,
  type Territoire,
} from '../domain/tableaux.ts';
import { BAILLEUR, type Scenario } from '../domain/types.ts';
import { resultatAnnee } from './annee.ts';
import { bilansAccessibles } from './bilan.ts';
import { lireObjectifs } from './objectifs.ts';
import { communesDuTerritoire, porteeLignesLocations } from './portee.ts';
import { exiger, type Acteur } from './roles.ts';

export const ROLES_TABLEAU = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'] as const;

export const EXPLICATION_CONTINGENT =
  'Part du contingent préfectoral utilisée : logements décomptés sur les lignes de l’État ÷ droit de l’État (report compris), ' +
  'pour tous les bailleurs du département, selon la règle de décompte de chaque convention. Historiquement, moins de la moitié ' +
  'du contingent est utilisée : un taux bas signale des logements dus à l’État qui ne lui ont pas été décomptés (orientations ' +
  'à venir, candidats non proposés, décomptes manquants).';

const avecMix = (l: LigneTableau, flux: Repartition): LigneTableauApi => {
  const { recus, ...reste } = l;
  return { ...reste, mix: comparerMix(recus, flux) };
};

/**
 * A bailleur's dashboard figures, kept with the engine's result they come from: `resultatAnnee`
 * returns the same object until an event or a convention changes, so they are computed once per
 * version of the year (each party's dashboard then only filters them).
 */
const tableaux = new WeakMap<ResultatSimulation, TableauBailleur>();
function tableauDuResultat(scenario: Scenario, resultat: ResultatSimulation): TableauBailleur {
  let t = tableaux.get(resultat);
  if (!t) tableaux.set(resultat, (t = tableauBailleur(scenario, resultat, bilanAnnuel(scenario, resultat))));
  return t;
}

const rapport = (decomptes: number, droit: number): number | null =>
  droit > 0 ? Math.round((decomptes / droit) * 1e6) / 1e6 : null;

export async function lireTableau(tx: Tx, acteur: Acteur, annee: number, aujourdhui: string): Promise<TableauApi> {
  exiger(acteur, ROLES_TABLEAU, 'consulter un tableau de bord');
  if (!Number.isInteger(annee) || annee < 2000 || annee > 2100)
    throw new DonneesInvalides([{ chemin: 'annee', message: 'année invalide' }]);
  const role = acteur.role as TableauApi['role'];
  const accessibles = await bilansAccessibles(tx, acteur);
  const moisCourant = aujourdhui.startsWith(`${annee}-`) ? Number(aujourdhui.slice(5, 7)) : null;

  const bailleurs: TableauApi['bailleurs'] = [];
  const siennes: { ligne: LigneTableau; flux: Repartition }[] = [];
  const etat: { bailleurId: string; bailleur: string; lignes: LigneTableau[]; flux: Repartition }[] = [];
  const territoires: { bailleurId: string; bailleur: string; departement: string; t: Territoire }[] = [];
  const nomsLignes = new Map<string, string>();
  let dansTerritoire: ((l: { commune: string; epci?: string }) => boolean) | null = null;
  if (role === 'lecteur_epci' && acteur.epci) {
    const codes = new Set(await communesDuTerritoire(tx, acteur.epci));
    const epci = acteur.epci;
    dansTerritoire = (l) => (l.epci !== undefined ? l.epci === epci : codes.has(l.commune));
  }

  for (const a of accessibles) {
    const { scenario, resultat } = await resultatAnnee(tx, {
      bailleurId: a.bailleurId,
      departement: a.departement,
      annee,
    });
    if (dansTerritoire) {
      territoires.push({ ...a, t: territoire(scenario, resultat, dansTerritoire) });
      for (const r of scenario.reservataires) nomsLignes.set(r.id, r.nom);
      continue;
    }
    const tb = tableauDuResultat(scenario, resultat);
    const lignes =
      role === 'agent_reservataire' ? tb.lignes.filter((l) => l.ligne === acteur.organisationId) : tb.lignes;
    if (role === 'agent_reservataire' && lignes.length === 0) continue;
    bailleurs.push({
      bailleurId: a.bailleurId,
      bailleur: a.bailleur,
      departement: a.departement,
      fluxAnnuel: tb.fluxAnnuel,
      lignes: lignes.map((l) => avecMix(l, tb.flux)),
    });
    if (role === 'agent_reservataire') for (const l of lignes) siennes.push({ ligne: l, flux: tb.flux });
    if (role === 'pilote_etat') {
      const lignesEtat = tb.lignes.filter((l) => l.type === 'etat');
      if (lignesEtat.length)
        etat.push({ bailleurId: a.bailleurId, bailleur: a.bailleur, lignes: lignesEtat, flux: tb.flux });
    }
  }

  let total: LigneTableauApi | null = null;
  if (role === 'agent_reservataire' && siennes.length > 0) {
    total = avecMix(
      sommerLignes(
        acteur.organisationId,
        `${siennes[0]!.ligne.nom} — tous bailleurs`,
        siennes.map((s) => s.ligne),
      ),
      sommerRepartitions(siennes.map((s) => s.flux)),
    );
  }

  let contingentEtat: TableauApi['contingentEtat'] = null;
  if (role === 'pilote_etat') {
    const toutes = etat.flatMap((e) => e.lignes);
    const somme = sommerLignes('ETAT', 'Contingent préfectoral — tous bailleurs', toutes);
    contingentEtat = {
      droit: somme.droit,
      decomptes: somme.decomptes,
      taux: rapport(somme.decomptes, somme.droit),
      ligne: avecMix(somme, sommerRepartitions(etat.map((e) => e.flux))),
      parBailleur: etat.map((e) => {
        const s = sommerLignes('ETAT', e.bailleur, e.lignes);
        return {
          bailleurId: e.bailleurId,
          bailleur: e.bailleur,
          droit: s.droit,
          decomptes: s.decomptes,
          taux: rapport(s.decomptes, s.droit),
        };
      }),
      explication: EXPLICATION_CONTINGENT,
    };
  }

  let terr: TableauApi['territoire'] = null;
  let perimetre: string;
  if (role === 'lecteur_epci') {
    const epci = acteur.epci ?? '';
    const [e] = epci ? await tx.select({ nom: epcis.nom }).from(epcis).where(eq(epcis.siren, epci)) : [];
    const nom = e?.nom ?? epci;
    const somme = sommerTerritoires(territoires.map((t) => t.t));
    const nbCommunes = epci ? (await communesDuTerritoire(tx, epci)).length : 0;
    terr = {
      epci,
      nom,
      communes: nbCommunes,
      mois: somme.mois,
      parLigne: Object.entries(somme.parLigne)
        .map(([ligne, n]) => ({
          ligne,
          nom: ligne === BAILLEUR ? 'Part propre des bailleurs' : (nomsLignes.get(ligne) ?? ligne),
          logements: n,
        }))
        .sort((x, y) =>
          x.ligne === BAILLEUR
            ? 1
            : y.ligne === BAILLEUR
              ? -1
              : y.logements - x.logements || x.nom.localeCompare(y.nom, 'fr'),
        ),
      parBailleur: territoires.map((t) => ({
        bailleurId: t.bailleurId,
        bailleur: t.bailleur,
        departement: t.departement,
        flux: t.t.mois.reduce((s, m) => s + m.flux, 0),
      })),
    };
    perimetre = `Les logements du territoire de ${nom} (${nbCommunes} communes), chez ${territoires.length} bailleur(s)`;
  } else if (role === 'agent_bailleur') {
    const deps = [...new Set(accessibles.map((a) => a.departement))];
    perimetre = `Toutes les conventions de ${accessibles[0]?.bailleur ?? 'votre organisme'}${deps.length ? ` (département${deps.length > 1 ? 's' : ''} ${deps.join(', ')})` : ''}`;
  } else if (role === 'agent_reservataire') {
    perimetre = `Votre ligne chez chacun des ${bailleurs.length} bailleur(s) avec qui vous avez une convention, et leur somme`;
  } else {
    perimetre = `Tous les bailleurs du département ${acteur.departement ?? '—'} (${bailleurs.length}), toutes leurs lignes, et l’usage du contingent préfectoral`;
  }

  const [objectifs, delais] = [
    await lireObjectifs(tx, acteur, annee, aujourdhui),
    await delaisManques(tx, acteur, annee, aujourdhui),
  ];
  const sansCandidat = MOIS.map((_, m) =>
    role === 'lecteur_epci'
      ? (terr?.mois[m]?.sansCandidat ?? 0)
      : bailleurs.reduce((s, b) => s + b.lignes.reduce((t, l) => t + l.sansCandidat[m]!, 0), 0),
  );

  return {
    annee,
    aujourdhui,
    moisCourant,
    role,
    perimetre,
    bailleurs,
    total,
    contingentEtat,
    territoire: terr,
    objectifs,
    delais: { sansCandidat, ...delais },
  };
}

/** Proposal deadlines passed without candidates, and CAL offers expired, by month of the deadline. */
async function delaisManques(
  tx: Tx,
  acteur: Acteur,
  annee: number,
  aujourdhui: string,
): Promise<{ propositionsDepassees: number[]; offresExpirees: number[] }> {
  const debut = `${annee}-01-01`;
  const fin = `${annee}-12-31`;
  const moisP = sql<number>`extract(month from ${delaisProposition.echeance})::int`;
  const propositions = await tx
    .select({ mois: moisP, n: sql<number>`count(*)::int` })
    .from(delaisProposition)
    .innerJoin(locations, eq(locations.id, delaisProposition.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(
      and(
        gte(delaisProposition.echeance, debut),
        lte(delaisProposition.echeance, fin),
        lt(delaisProposition.echeance, aujourdhui),
        inArray(locations.etat, ['orientee', 'sans_candidat']),
        porteeLignesLocations(acteur),
      ),
    )
    .groupBy(moisP);
  const moisO = sql<number>`extract(month from ${offresCal.echeance})::int`;
  const offres = await tx
    .select({ mois: moisO, n: sql<number>`count(*)::int` })
    .from(offresCal)
    .innerJoin(examensCal, eq(examensCal.id, offresCal.examenId))
    .innerJoin(locations, eq(locations.id, examensCal.locationId))
    .innerJoin(logements, eq(logements.id, locations.logementId))
    .leftJoin(communes, eq(communes.code, logements.commune))
    .where(
      and(
        eq(offresCal.reponse, 'silence'),
        gte(offresCal.echeance, debut),
        lte(offresCal.echeance, fin),
        porteeLignesLocations(acteur),
      ),
    )
    .groupBy(moisO);
  const parMois = (rows: { mois: number; n: number }[]) =>
    MOIS.map((_, m) => Number(rows.find((r) => Number(r.mois) === m + 1)?.n ?? 0));
  return { propositionsDepassees: parMois(propositions), offresExpirees: parMois(offres) };
}
