/**
 * The options of issue 18 item 3 (ADR 0049): each changes what it should and nothing else on the
 * same draws — one réservataire or all per unit, delegated management of the State's contingent,
 * the carry-over rules, 1 or 3 years of turnover history.
 */
import { describe, expect, it } from 'vitest';
import {
  NOM_DELEGUEE,
  NOM_REPORT_AUCUN,
  NOM_REPORT_INTEGRAL,
  NOM_TOUS,
  nomHistorique,
  nomReportPlafonne,
  optionsComparees,
  PARAMETRES_OPTIONS_DEFAUT,
} from '../../src/domain/options-comparees.ts';
import { reecrireTirage } from '../../src/domain/options-simulation.ts';
import { planifier, tirerAnnee, type Plan, type ResultatOption } from '../../src/domain/planification.ts';
import { Rng } from '../../src/domain/aleatoire.ts';
import { simuler } from '../../src/domain/engine.ts';
import { convention, logements, unScenario } from '../helpers/scenario.ts';

const SANS_CONTRAINTES = { contraintes: { uniformiteCommunale: false, partHorsQpvMin: 0 } };

const scenario = unScenario({
  logements: logements('L', 150),
  conventions: [
    convention('CV-ETAT', 'ETAT', 0.3, { ...SANS_CONTRAINTES, report: -2 }),
    convention('CV-AL', 'AL', 0.25, { ...SANS_CONTRAINTES, report: 20 }),
  ],
});
const hypotheses = { rotation: 0.25, refus: 0.1, sansCandidat: 0.12 };
const plan = (options: Plan['options'], tirages = 40): Plan => ({ scenario, hypotheses, tirages, graine: 7, options });
const option = (r: { options: ResultatOption[] }, nom: string) => r.options.find((o) => o.nom === nom)!;
const ligne = (o: ResultatOption, id: string) => o.lignes.find((l) => l.reservataire === id)!;
const somme = (o: ResultatOption, id: string) => o.charge.reduce((n, m) => n + (m.dossiers[id] ?? 0), 0);

describe('options de la simulation — les mêmes tirages, une seule règle changée', () => {
  const { options } = optionsComparees(scenario, hypotheses, {
    ...PARAMETRES_OPTIONS_DEFAUT,
    historique: { annees: [2023, 2024, 2025], rotations: [0.1, 0.4, 0.25], source: 'saisie' },
  });
  const r = planifier(plan(options));
  const base = r.options[0]!;

  it('chaque option a un nom français et ses hypothèses en mots', () => {
    expect(r.options.map((o) => o.nom)).toEqual([
      'conventions telles quelles',
      'décompte à l’orientation',
      'décompte à l’attribution',
      'décompte au bail signé',
      NOM_TOUS,
      NOM_DELEGUEE,
      NOM_REPORT_AUCUN,
      nomReportPlafonne(2),
      NOM_REPORT_INTEGRAL,
      nomHistorique(3),
    ]);
    for (const o of r.options.slice(1)) expect(o.description).toMatch(/\S{3,}/);
  });

  it('report : aucun → rien du solde au 31 décembre n’est reporté ; le reste est identique', () => {
    const aucun = option(r, NOM_REPORT_AUCUN);
    const integral = option(r, NOM_REPORT_INTEGRAL);
    for (const id of ['ETAT', 'AL']) {
      expect(ligne(aucun, id).reportAnneeSuivante).toEqual({ p10: 0, mediane: 0, p90: 0 });
      expect(ligne(integral, id).reportAnneeSuivante).toEqual(ligne(integral, id).solde);
      // Same draws, same engine: units, leases and solde do not move.
      for (const f of ['droit', 'misADisposition', 'bauxSignes', 'solde', 'cumulMensuel'] as const)
        expect(ligne(aucun, id)[f]).toEqual(ligne(base, id)[f]);
    }
    expect(aucun.charge).toEqual(base.charge);
  });

  it('report plafonné → le report reste dans [−2, +2] et vaut le solde en deçà', () => {
    const plafonne = option(r, nomReportPlafonne(2));
    const integral = option(r, NOM_REPORT_INTEGRAL);
    for (const id of ['ETAT', 'AL']) {
      const l = ligne(plafonne, id);
      for (const k of ['p10', 'mediane', 'p90'] as const) {
        expect(Math.abs(l.reportAnneeSuivante[k])).toBeLessThanOrEqual(2);
        expect(l.reportAnneeSuivante[k]).toBe(Math.max(-2, Math.min(2, ligne(integral, id).solde[k])));
      }
    }
    // The solde of some line goes past ±2 in some run: the cap bites.
    expect(
      ['ETAT', 'AL'].some(
        (id) => Math.abs(ligne(integral, id).solde.p10) > 2 || Math.abs(ligne(integral, id).solde.p90) > 2,
      ),
    ).toBe(true);
  });

  it('décompte au bail signé contre à l’orientation : même flux, autres décomptes', () => {
    const orientation = option(r, 'décompte à l’orientation');
    const bail = option(r, 'décompte au bail signé');
    expect(bail.fluxAnnuel).toEqual(orientation.fluxAnnuel);
    expect(ligne(bail, 'AL').droit).toEqual(ligne(orientation, 'AL').droit);
    // The same units go to the same lines; those whose lease is not signed by 31 December do not count.
    expect(ligne(bail, 'AL').misADisposition).toEqual(ligne(orientation, 'AL').misADisposition);
    expect(ligne(bail, 'AL').solde.mediane).toBeLessThan(ligne(orientation, 'AL').solde.mediane);
    expect(ligne(bail, 'ETAT').solde.mediane).toBeLessThan(ligne(orientation, 'ETAT').solde.mediane);
  });

  it('tous les réservataires par logement : même flux et mêmes droits ; chacun instruit des dossiers pour chaque logement proposé', () => {
    const tous = option(r, NOM_TOUS);
    expect(tous.fluxAnnuel).toEqual(base.fluxAnnuel);
    expect(ligne(tous, 'ETAT').droit).toEqual(ligne(base, 'ETAT').droit);
    // Every pooled unit asks files of both réservataires: more files each than under one per unit.
    expect(somme(tous, 'ETAT')).toBeGreaterThan(somme(base, 'ETAT'));
    expect(somme(tous, 'AL')).toBeGreaterThan(somme(base, 'AL'));
    expect(somme(tous, 'ETAT') + somme(tous, 'AL')).toBeGreaterThan(1.5 * (somme(base, 'ETAT') + somme(base, 'AL')));
    // The first to fill takes the unit: the units leave the engine's deadlines, the spread widens.
    const ecart = (o: ResultatOption) => ligne(o, 'AL').solde.p90 - ligne(o, 'AL').solde.p10;
    expect(ecart(tous)).toBeGreaterThan(ecart(base));
    // The bailleur's own share is not offered: its files are the same.
    expect(somme(tous, 'BAILLEUR')).toBe(somme(base, 'BAILLEUR'));
  });

  it('gestion déléguée : les dossiers de l’État passent au bailleur, plus de délai manqué sur sa ligne ; AL inchangé', () => {
    const deleguee = option(r, NOM_DELEGUEE);
    expect(deleguee.fluxAnnuel).toEqual(base.fluxAnnuel);
    expect(somme(deleguee, 'ETAT')).toBe(0);
    expect(somme(deleguee, 'BAILLEUR')).toBeGreaterThan(somme(base, 'BAILLEUR'));
    // The State's missed deadlines become leases.
    expect(ligne(deleguee, 'ETAT').bauxSignes.mediane).toBeGreaterThan(ligne(base, 'ETAT').bauxSignes.mediane);
    expect(somme(deleguee, 'AL')).toBeGreaterThan(0);
  });

  it('3 ans d’historique : mêmes graines, bande du flux plus large qu’avec 1 an', () => {
    const trois = option(r, nomHistorique(3));
    const largeur = (o: ResultatOption) => o.fluxAnnuel.p90 - o.fluxAnnuel.p10;
    expect(largeur(trois)).toBeGreaterThan(largeur(base));
    // The years 0.1 and 0.4 against the observed 0.25: runs below and above the one-year band.
    expect(trois.fluxAnnuel.p10).toBeLessThan(base.fluxAnnuel.p10);
    expect(trois.fluxAnnuel.p90).toBeGreaterThan(base.fluxAnnuel.p90);
  });

  it('sans historique ni convention de l’État, les options absentes disent pourquoi', () => {
    const sansEtat = unScenario({ logements: logements('L', 10), conventions: [convention('CV-AL', 'AL', 0.25)] });
    const { options: o, absentes } = optionsComparees(sansEtat, hypotheses, PARAMETRES_OPTIONS_DEFAUT);
    expect(o.map((x) => x.nom)).not.toContain(NOM_DELEGUEE);
    expect(absentes.map((a) => a.nom)).toEqual([NOM_DELEGUEE, nomHistorique(3)]);
  });

  it('la réécriture d’un tirage est déterministe et ne touche que les logements des réservataires', () => {
    const evenements = tirerAnnee(scenario, hypotheses, new Rng(3));
    const s = { ...scenario, evenements };
    const contexte = { graine: 7, delais: { candidats: 15, cal: 30, bail: 45 }, sansCandidat: 0.12 };
    const { orientations } = simuler(s);
    const a = reecrireTirage(s, { parLogement: 'tous' }, orientations, contexte);
    expect(reecrireTirage(s, { parLogement: 'tous' }, orientations, contexte)).toEqual(a);
    expect(reecrireTirage(s, {}, orientations, contexte)).toBe(evenements);
    const pools = a.filter((e) => e.type === 'orientation_multiple');
    expect(pools.length).toBeGreaterThan(0);
    for (const e of pools) if (e.type === 'orientation_multiple') expect(e.reservataires).toEqual(['AL', 'ETAT']);
    expect(a.filter((e) => e.type === 'liberation')).toEqual(evenements.filter((e) => e.type === 'liberation'));
  });

  it('même graine, même réponse avec toutes les options', () => {
    expect(JSON.stringify(planifier(plan(options, 5)))).toBe(JSON.stringify(planifier(plan(options, 5))));
  });
});
