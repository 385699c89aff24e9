/**
 * The web client's query keys (web/src/cles.ts): each invalidation the pages make must still reach
 * the queries it refreshed when the keys were written by hand, and no more than that. TanStack Query
 * invalidates every query whose key starts with the given one (`partialMatchKey`).
 */
import { hashKey, partialMatchKey, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { cles } from '../../web/src/cles.ts';

const couvre = (invalidation: QueryKey, requete: QueryKey) => partialMatchKey(requete, invalidation);

describe('clés des requêtes du client web', () => {
  it('chaque invalidation des pages couvre les requêtes qu’elle rafraîchissait', () => {
    const couvertures: [QueryKey, QueryKey][] = [
      [cles.locations.tout(), cles.locations.page({ page: 2, parPage: 50, etat: 'orientee' })],
      [cles.locations.tout(), cles.locations.dossier('loc-1')],
      [cles.boite.tout(), cles.boite.page({ page: 1, parPage: 50 })],
      [cles.cal.tout(), cles.cal.sessions()],
      [cles.cal.tout(), cles.cal.session('s-1')],
      [cles.cal.tout(), cles.cal.aExaminer()],
      [cles.conventions.tout(), cles.conventions.registre({ page: 1, parPage: 50 })],
      [cles.conventions.tout(), cles.conventions.registreAnnee(2026)],
      [cles.convention.tout('c-1'), cles.convention.annee('c-1', 2026)],
      [cles.convention.tout('c-1'), cles.convention.annee('c-1', undefined)],
      [cles.accueil.tout(), cles.accueil.annee(undefined)],
      [cles.accueil.tout(), cles.accueil.annee(2025)],
      [cles.prevision.tout(), cles.prevision.demande({ bailleur: 'b', annee: 2027 })],
      [cles.etatDesLieux.tout(), cles.etatDesLieux.demande({ bailleur: 'b' })],
      [cles.versionsEtat.tout(), cles.versionsEtat.demande({ bailleur: 'b' })],
      [cles.pieces('loc-1'), cles.pieces('loc-1')],
      [cles.recommandation('loc-1'), cles.recommandation('loc-1')],
    ];
    for (const [invalidation, requete] of couvertures)
      expect(couvre(invalidation, requete), hashKey(requete)).toBe(true);
  });

  it('une invalidation ne déborde pas sur une autre famille', () => {
    const horsDePortee: [QueryKey, QueryKey][] = [
      [cles.etatDesLieux.tout(), cles.versionsEtat.demande({})],
      [cles.versionsEtat.tout(), cles.etatDesLieux.demande({})],
      [cles.cal.sessions(), cles.cal.session('s-1')],
      [cles.convention.tout('c-1'), cles.convention.annee('c-2', 2026)],
      [cles.conventions.tout(), cles.convention.annee('c-1', 2026)],
      [cles.pieces('loc-1'), cles.pieces('loc-2')],
      [cles.cal.tout(), cles.objectifs()],
    ];
    for (const [invalidation, requete] of horsDePortee)
      expect(couvre(invalidation, requete), hashKey(requete)).toBe(false);
  });

  it('les clés sont celles qu’écrivaient les pages (les données déjà en cache restent trouvées)', () => {
    expect(hashKey(cles.session())).toBe(hashKey(['session']));
    expect(hashKey(cles.accueil.annee(undefined))).toBe(hashKey(['accueil', 'courante']));
    expect(hashKey(cles.admin.organisations())).toBe(hashKey(['admin', 'organisations']));
    expect(hashKey(cles.cal.session('s-1'))).toBe(hashKey(['cal', 'session', 's-1']));
    // ConventionsFiche writes the new version under the key its query reads when no year is asked.
    expect(hashKey(cles.convention.annee('c-1', undefined))).toBe(hashKey(['convention', 'c-1', undefined]));
  });

  it('la session est la seule clé de sa famille : la connexion et la déconnexion ne gardent qu’elle', () => {
    const autres = [
      cles.accueil.tout(),
      cles.aTraiter(),
      cles.admin.utilisateurs(),
      cles.bilans(),
      cles.boite.tout(),
      cles.cal.tout(),
      cles.locations.tout(),
      cles.notifications(),
      cles.objectifs(),
    ];
    for (const k of autres) expect(k[0]).not.toBe(cles.session()[0]);
  });
});
