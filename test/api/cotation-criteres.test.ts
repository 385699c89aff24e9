/**
 * The cotation grids' criteria that read the demands file's own columns (issue 17 items 1–2; ADR
 * 0039, docs/demandes.md): a situation, the « lien local », the refusal of a suitable unit and the
 * internal mutation count once Action Logement's file carries them — imported, stored, then read by
 * the grid the EPCI adopted (CCH L.441-2-8: the grid weighs the criteria of the PPGD). Without those
 * columns the same demands get none of those points.
 */
import { describe, expect, it } from 'vitest';
import type { PageDemandesApi } from '../../src/contracts/demandes.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const EPCI = 'epci@demo.flux';
const RESERVATAIRE = 'reservataire@demo.flux';

const ENTETE =
  'NUMERO_UNIQUE;DATE_DEMANDE;PERSONNES;RESSOURCES_ANNUELLES;COMMUNES;TYPOLOGIES;SITUATIONS;LIEN_LOCAL;REFUS_ADAPTES;MUTATION_INTERNE';

describe.each(genresDeTest())('critères de cotation lus dans le fichier des demandes (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => new Date('2026-11-20T10:00:00Z') });

  const televerser = (corps: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/demandes',
      payload: corps,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[RESERVATAIRE]!.csrf },
      cookies: { flux_session: s.comptes[RESERVATAIRE]!.cookie },
    });
  const cotation = async (numero: string) => {
    const r = await s.appel(RESERVATAIRE, 'GET', `/api/demandes?numero=${numero}`);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as PageDemandesApi).demandes[0]!.cotation!;
  };

  it('situation, lien local, refus d’un logement adapté et mutation interne comptent dans la note', async () => {
    const brouillon = await s.appel(EPCI, 'PUT', '/api/cotation/epci/brouillon', {
      criteres: [
        { type: 'anciennete', pointsParMois: 1, plafond: 24 },
        // Written as the EPCI reads it; the file writes the code: both meet on « sans_logement ».
        { type: 'situation', situation: 'Sans logement', libelle: 'Ménage sans logement', points: 40 },
        { type: 'lienLocal', points: 10 },
      ],
      refusAdapte: { points: 15, dureeMois: 12 },
      mutationsInternes: { points: 5 },
    });
    expect(brouillon.statusCode, brouillon.body).toBe(200);
    const adoption = await s.appel(EPCI, 'POST', '/api/cotation/epci/adoption', {
      acte: 'délibération n° 2026-101',
      par: 'le conseil métropolitain',
      le: '2026-11-12',
      enVigueurDu: '2026-11-20',
    });
    expect(adoption.statusCode, adoption.body).toBe(200);

    const r = await televerser(
      [
        ENTETE,
        '045261100009001;20/05/2026;2;15000;45234;T2;sans_logement;oui;01/09/2026;oui',
        '045261100009002;20/05/2026;2;15000;45234;T2;;;;',
      ].join('\r\n') + '\r\n',
    );
    expect(r.statusCode, r.body).toBe(200);

    const avec = await cotation('045261100009001');
    const sans = await cotation('045261100009002');
    const points = (c: typeof avec, mot: RegExp) => c.detail.filter((l) => mot.test(l.critere)).map((l) => l.points);
    expect(points(avec, /sans logement/i)).toEqual([40]);
    expect(points(avec, /lien/i)).toEqual([10]);
    expect(points(avec, /refus/i)).toEqual([-15]);
    expect(points(avec, /mutation/i)).toEqual([5]);
    expect(points(sans, /sans logement|lien|refus|mutation/i)).toEqual([]);
    // Same seniority, same household: the difference is those four criteria.
    expect(avec.note - sans.note).toBe(40 + 10 - 15 + 5);
  });
});
