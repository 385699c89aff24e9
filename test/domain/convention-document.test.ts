/**
 * The legal content of a convention and its document (issue 14 item 2, ADR 0043): the defaults come
 * from the dated parameters (never a literal), the document follows the model convention's articles,
 * each naming the texts it applies, and it is deterministic (what the parties sign).
 */
import { describe, expect, it } from 'vitest';
import {
  clausesParDefaut,
  documentConvention,
  finApres,
  problemesClauses,
  type EntreeDocument,
} from '../../src/domain/convention-document.ts';
import { valeurAu } from '../../src/domain/legal-parameters.ts';

const entree = (type: string, changements: Partial<EntreeDocument> = {}): EntreeDocument => ({
  bailleur: 'Habitat Loiret Demo',
  reservataire: { nom: type === 'etat' ? 'État — préfet du Loiret' : 'Action Logement Services', type },
  departement: '45',
  avenantDe: null,
  parametres: {
    taux: 0.25,
    perimetre: { departement: '45' },
    decompte: 'bail_signe',
    echecDecompte: false,
    delaiPropositionJours: 30,
    candidatsDemandes: 3,
    gestion: 'directe',
  },
  effectifLe: '2027-01-01',
  motif: null,
  clauses: clausesParDefaut(type, '2027-01-01', undefined),
  avisCil: [{ epci: 'Orléans Métropole', avis: 'favorable', seanceLe: '2026-11-18', motifs: null }],
  etatDesLieux: null,
  ...changements,
});

describe('le contenu légal d’une convention (arrêté du 10 mars 2011, art. 1 ; CCH R.441-5)', () => {
  it('arrêté du 10 mars 2011 art. 1, 10° — durée et délais par défaut lus dans les paramètres datés, jamais en dur', () => {
    const c = clausesParDefaut('action_logement', '2027-01-01', 'Convention PEEC n° 12');
    expect(c.debutLe).toBe('2027-01-01');
    expect(c.finLe).toBe(finApres('2027-01-01', valeurAu('dureeConventionAns', '2027-01-01')));
    expect(c.delaiSignalementJours).toBe(valeurAu('delaiSignalementVacanceJours', '2027-01-01'));
    expect(c.delaiInformationCalJours).toBe(valeurAu('delaiInformationCalJours', '2027-01-01'));
    expect(c.delaiInformationBailJours).toBe(valeurAu('delaiInformationBailJours', '2027-01-01'));
    expect(c.fondement).toBe('Convention PEEC n° 12');
    expect(c.categoriesPrioritaires).toEqual([]);
  });

  it('CCH R.441-5-2 — le contingent de l’État désigne les publics prioritaires (DALO, PDALHPD, L.441-1)', () => {
    expect(clausesParDefaut('etat', '2027-01-01', undefined).categoriesPrioritaires).toEqual([
      'dalo',
      'pdalhpd',
      'autre_l441_1',
    ]);
  });

  it('une convention finit après son début : sinon un problème en français sur clauses.finLe', () => {
    const c = { ...clausesParDefaut('etat', '2027-01-01', undefined), finLe: '2026-12-31' };
    expect(problemesClauses(c)).toEqual([
      { chemin: 'clauses.finLe', message: expect.stringMatching(/prend fin après/) },
    ]);
    expect(finApres('2024-03-01', 3)).toBe('2027-02-28');
  });
});

describe('le document de la convention (modèle de convention ; CCH R.441-5, R.441-5-1)', () => {
  it('dix articles dans l’ordre du modèle, chacun nomme ses textes, et deux annexes', () => {
    const d = documentConvention(entree('action_logement'));
    expect(d.articles.map((a) => a.titre)).toEqual([
      'Objet et parties',
      'Périmètre',
      'Part du flux réservée',
      'Engagements qualitatifs',
      'Orientation et signalement des logements libérés',
      'Délai de proposition et absence de candidat',
      'Décompte',
      'Bilan annuel et évaluation',
      'Durée',
      'Avenants',
    ]);
    expect(d.articles.map((a) => a.numero)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const a of d.articles) expect(a.references.length).toBeGreaterThan(0);
    expect(d.annexes.map((x) => x.titre)).toEqual([
      'Annexe 1 — Synthèse de l’état des lieux des réservations',
      'Annexe 2 — Chiffres de la conversion',
    ]);
  });

  it('CCH R.441-5-1 — le bilan est dû avant l’échéance du paramètre daté (28 février)', () => {
    const bilan = documentConvention(entree('action_logement')).articles[7]!;
    expect(bilan.references).toContain('CCH R.441-5-1');
    expect(bilan.alineas[0]).toMatch(/avant le 28 février/);
  });

  it('CCH R.441-5 — le délai de proposition est celui de la version ; la règle d’absence de candidat et le décompte sont écrits', () => {
    const e = entree('action_logement');
    const art6 = documentConvention({
      ...e,
      parametres: { ...e.parametres, delaiPropositionJours: 21, echecDecompte: true },
    }).articles[5]!;
    expect(art6.alineas[0]).toMatch(/21 jours/);
    expect(art6.alineas[1]).toMatch(/pour un tour/);
    expect(art6.alineas[2]).toMatch(/est décompté/);
  });

  it('CCH R.441-5-2 II — pour l’État : uniformité communale, 30 % hors QPV, catégories prioritaires', () => {
    const art4 = documentConvention(entree('etat')).articles[3]!;
    expect(art4.alineas.join(' ')).toMatch(/taux appliqué dans chaque commune/);
    expect(art4.alineas.join(' ')).toMatch(/30 % hors QPV/);
    expect(art4.alineas.join(' ')).toMatch(/DALO/);
    expect(art4.references).toContain('CCH R.441-5-2 II');
  });

  it('CCH L.441-1-5 — l’avis de chaque CIL figure à l’article des avenants ; l’annexe 1 reprend l’état des lieux signé', () => {
    const d = documentConvention(
      entree('action_logement', {
        etatDesLieux: {
          version: 2,
          date: '2026-06-30',
          empreinte: 'a'.repeat(64),
          logements: 1200,
          reservesReservataire: 140,
          droitsUniquesReservataire: 3,
        },
      }),
    );
    expect(d.articles[9]!.alineas.join(' ')).toMatch(
      /Avis de la CIL \(Orléans Métropole\) : favorable \(séance du 18 novembre 2026\)/,
    );
    expect(d.annexes[0]!.tableau!.lignes).toContainEqual(['Logements réservés à Action Logement Services', '140']);
  });

  it('le même contenu donne le même document (ce que les parties signent)', () => {
    expect(JSON.stringify(documentConvention(entree('etat')))).toBe(JSON.stringify(documentConvention(entree('etat'))));
  });
});
