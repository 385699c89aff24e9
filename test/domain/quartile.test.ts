/**
 * A candidate's first quartile at the CAL decision (CCH L.441-1: resources « par unité de
 * consommation … inférieur à un montant » set by the annual arrêté for the EPCI): the official UC
 * scale, strictly below, a declaration overriding the computation, unknown without a threshold or
 * resources; and the thresholds file read as a stream, every problem at `fichier:ligne:colonne`.
 */
import { describe, expect, it } from 'vitest';
import { lireMontant, lireSeuils } from '../../src/app/quartiles.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { libelleQuartile, problemesMenage, quartileALaDecision } from '../../src/domain/quartile.ts';

const SEUIL = { montant: 10_000, source: 'arrêté de test' };
const saisie = (ressourcesAnnuelles: number | null, personnes: number, enfantsMoins14 = 0) => ({
  ressourcesAnnuelles,
  personnes,
  enfantsMoins14,
  quartile1Declare: null,
});

describe('premier quartile à la décision de la CAL (CCH L.441-1)', () => {
  it('échelle des UC : 1 + 0,5 par autre personne de 14 ans ou plus + 0,3 par enfant de moins de 14 ans', () => {
    // Couple and two children under 14: 2.1 UC; 21,000 € is exactly 10,000 € per UC.
    expect(quartileALaDecision(saisie(21_000, 4, 2), SEUIL).quartile1).toBe(false);
    expect(quartileALaDecision(saisie(20_999, 4, 2), SEUIL).quartile1).toBe(true);
    // Same four persons, all 14 or more: 2.5 UC.
    expect(quartileALaDecision(saisie(24_999, 4, 0), SEUIL).quartile1).toBe(true);
    expect(quartileALaDecision(saisie(25_000, 4, 0), SEUIL).quartile1).toBe(false);
  });

  it('strictement sous le seuil : égal au seuil n’est pas au premier quartile', () => {
    expect(quartileALaDecision(saisie(10_000, 1), SEUIL)).toEqual({
      quartile1: false,
      origine: 'calcule',
      seuil: 10_000,
      source: 'arrêté de test',
    });
    expect(
      libelleQuartile({ ...saisie(10_000, 1), motifQuartile1: null }, quartileALaDecision(saisie(10_000, 1), SEUIL)),
    ).toBe('1er quartile : non — 10\u202f000 € par UC, seuil 10\u202f000 € (arrêté de test)');
    expect(quartileALaDecision(saisie(9_999, 1), SEUIL).quartile1).toBe(true);
  });

  it('déclaré : la déclaration l’emporte, avec son motif ; inconnu sans seuil ou sans ressources', () => {
    const declare = { ...saisie(50_000, 1), quartile1Declare: true, motifQuartile1: 'perte d’emploi' };
    expect(quartileALaDecision(declare, SEUIL)).toMatchObject({ quartile1: true, origine: 'declare' });
    expect(libelleQuartile(declare, null)).toBe('1er quartile : oui (déclaré : perte d’emploi)');
    const d = quartileALaDecision(saisie(5_000, 1), null);
    expect(d).toMatchObject({ quartile1: null, origine: null });
    expect(libelleQuartile({ ...saisie(5_000, 1), motifQuartile1: null }, d)).toBe(
      '1er quartile : inconnu — pas de seuil pour cet EPCI',
    );
    expect(
      libelleQuartile({ ...saisie(null, 1), motifQuartile1: null }, quartileALaDecision(saisie(null, 1), SEUIL)),
    ).toBe('1er quartile : inconnu — ressources ou composition du ménage non renseignées');
  });

  it('la saisie : enfants au plus personnes − 1, motif d’une déclaration, agent de l’État sur la ligne de l’État', () => {
    expect(problemesMenage({ tailleMenage: 2, enfantsMoins14: 2 }, 'c', false)[0]!.chemin).toBe('c.enfantsMoins14');
    expect(problemesMenage({ tailleMenage: 2, enfantsMoins14: 1 }, 'c', false)).toEqual([]);
    expect(problemesMenage({ quartile1Declare: false, motifQuartile1: ' ' }, 'c', false)[0]!.chemin).toBe(
      'c.motifQuartile1',
    );
    expect(problemesMenage({ agentEtat: true }, 'c', false)[0]!.chemin).toBe('c.agentEtat');
    expect(problemesMenage({ agentEtat: true }, 'c', true)).toEqual([]);
  });
});

async function* morceaux(texte: string, taille = 7): AsyncGenerator<Uint8Array> {
  const octets = new TextEncoder().encode(texte);
  for (let i = 0; i < octets.length; i += taille) yield octets.subarray(i, i + taille);
}

describe('fichier des seuils (siren;montant), lu par morceaux', () => {
  it('montants : « 8 861 », « 8 861 € », « 8861,00 » ; pas de centimes ni de signe', () => {
    expect(['8 861', '8\u00a0861 €', '8861,00', '8861'].map(lireMontant)).toEqual([8861, 8861, 8861, 8861]);
    expect([lireMontant('8861,50'), lireMontant('-5'), lireMontant('abc'), lireMontant('')]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it('avec ou sans en-tête, BOM et guillemets, coupé n’importe où', async () => {
    expect(await lireSeuils(morceaux('\uFEFFMONTANT;SIREN\r\n"9 100";244500468\r\n'), 'a.csv')).toEqual([
      { ligne: 2, siren: '244500468', montant: 9100 },
    ]);
    expect(await lireSeuils(morceaux('244500468;9100\n244500203;8 300\n', 3), 'b.csv')).toHaveLength(2);
  });

  it('tout ou rien : chaque problème à fichier:ligne:colonne, cinquante au plus et le compte', async () => {
    const lignes = Array.from({ length: 60 }, (_, i) => `24450${String(i).padStart(4, '0')};x`);
    const err = await lireSeuils(morceaux(`SIREN;MONTANT\n${lignes.join('\n')}\n`), 'c.csv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DonneesInvalides);
    const p = (err as DonneesInvalides).problemes;
    expect(p).toHaveLength(51);
    expect(p[0]).toEqual({ chemin: 'c.csv:2:2', message: expect.stringContaining('montant « x » invalide') });
    expect(p[50]!.message).toContain('… et 10 autres problèmes');
    const vide = await lireSeuils(morceaux('SIREN;MONTANT\n'), 'd.csv').catch((e: unknown) => e);
    expect((vide as DonneesInvalides).problemes[0]!.message).toContain('fichier sans aucun montant');
    const entete = await lireSeuils(morceaux('EPCI;VALEUR_X\n1;2\n'), 'e.csv').catch((e: unknown) => e);
    expect((entete as DonneesInvalides).problemes[0]).toMatchObject({ chemin: 'e.csv:1:2' });
  });
});
