/**
 * The reconciliation of a year's allocations recorded elsewhere with Flux's leases (ADR 0036):
 * the matching rules (numéro unique first, then RPLS number and a date within the tolerance, each
 * lease once), each kind of mismatch, and the meeting's indicator — the share of allocations with a
 * known réservataire — per bailleur and département, the file's beside Flux's.
 */
import { describe, expect, it } from 'vitest';
import {
  lireReservataire,
  part,
  rapprocher,
  reservataireRenseigne,
  TOLERANCE_RAPPROCHEMENT_JOURS,
  type BailFlux,
  type LigneAllocation,
  type OrganisationConnue,
} from '../../src/domain/rapprochement.ts';

const ORGS: OrganisationConnue[] = [
  { id: 'B1', nom: 'Habitat du Loiret', siren: '111111111', type: 'bailleur' },
  { id: 'B2', nom: 'Val de Loire Logement', siren: '222222222', type: 'bailleur' },
  { id: 'ETAT-45', nom: 'Préfecture du Loiret', siren: '130000000', type: 'etat' },
  { id: 'AL', nom: 'Action Logement Services', siren: '333333333', type: 'action_logement' },
  { id: 'ORL', nom: 'Ville d’Orléans', siren: '214502346', type: 'commune' },
];
const etat = { genre: 'reservataire' as const, id: 'ETAT-45', nom: 'Préfecture du Loiret', type: 'etat' };
const al = { genre: 'reservataire' as const, id: 'AL', nom: 'Action Logement Services', type: 'action_logement' };

const bail = (cle: string, x: Partial<BailFlux>): BailFlux => ({
  cle,
  bailleurId: 'B1',
  bailleurNom: 'Habitat du Loiret',
  departement: '45',
  rpls: `R-${cle}`,
  commune: '45234',
  date: '2026-03-10',
  numeroUnique: null,
  attribution: etat,
  ...x,
});
let n = 1;
const ligne = (x: Partial<LigneAllocation>): LigneAllocation => ({
  ligne: ++n,
  numeroUnique: null,
  rpls: null,
  date: '2026-03-10',
  reservataire: null,
  bailleurId: null,
  bailleurTexte: null,
  ...x,
});

describe('le réservataire tel que le fichier l’écrit', () => {
  it('vide, « Non renseigné », « NC » : non renseigné', () => {
    for (const v of [null, '', '  ', 'Non renseigné', 'NC', 'inconnu']) expect(reservataireRenseigne(v)).toBe(false);
    expect(reservataireRenseigne('Préfecture')).toBe(true);
  });
  it('un SIREN ou un nom exact désigne une organisation ; sinon un genre ; sinon inconnu', () => {
    expect(lireReservataire('333 333 333', ORGS)).toEqual({ genre: 'organisation', id: 'AL' });
    expect(lireReservataire('ville d’orleans', ORGS)).toEqual({ genre: 'organisation', id: 'ORL' });
    expect(lireReservataire('Contingent préfectoral', ORGS)).toEqual({ genre: 'type', type: 'etat' });
    expect(lireReservataire('Mairie de Saran', ORGS)).toEqual({ genre: 'type', type: 'commune' });
    expect(lireReservataire('Non réservé', ORGS)).toEqual({ genre: 'type', type: 'bailleur' });
    expect(lireReservataire('Fondation X', ORGS)).toEqual({ genre: 'inconnu', texte: 'Fondation X' });
  });
});

describe('rapprochement d’un fichier aux écarts connus', () => {
  const baux: BailFlux[] = [
    bail('a', { numeroUnique: '045261100000001' }), // by number, same réservataire (État)
    bail('b', { numeroUnique: '045261100000002', attribution: al }), // by number, file says État: different
    bail('c', { rpls: 'R-C', date: '2026-05-01', attribution: null }), // by RPLS, Flux knows nothing
    bail('d', { rpls: 'R-D', date: '2026-06-01', attribution: { genre: 'bailleur' } }), // by RPLS, file empty
    bail('e', { rpls: 'R-E', date: '2026-07-01', attribution: { genre: 'hors_flux', categorie: 'mutation_interne' } }), // « bailleur » in the file: same
    bail('f', { date: '2026-09-15' }), // in Flux only
    bail('g', { rpls: 'R-G', date: '2026-10-01', bailleurId: 'B2', bailleurNom: 'Val de Loire Logement' }), // B2, matched
    bail('h', { rpls: 'R-H', date: '2025-12-20' }), // last year: matches a line of January, not counted in Flux's year
  ];
  const lignes: LigneAllocation[] = [
    ligne({ numeroUnique: '045261100000001', rpls: 'AUTRE', reservataire: 'Préfecture' }),
    ligne({ numeroUnique: '045261100000002', reservataire: 'Etat' }),
    ligne({ rpls: 'R-C', date: '2026-05-20', reservataire: 'Action Logement' }),
    ligne({ rpls: 'R-D', date: '2026-06-01', reservataire: '' }),
    ligne({ rpls: 'R-E', date: '2026-07-03', reservataire: 'Contingent bailleur' }),
    ligne({ rpls: 'R-X', date: '2026-08-01', reservataire: 'Mairie' }), // not in Flux
    ligne({ rpls: 'R-G', date: '2026-10-02', reservataire: '130000000' }),
    ligne({ rpls: 'R-H', date: '2026-01-05', reservataire: 'Préfecture' }),
    // Beyond the tolerance: the lease of R-C is already used; an RPLS far from any date stays unmatched.
    ligne({ rpls: 'R-F', date: '2026-03-10', reservataire: 'Préfecture' }),
  ];
  const r = rapprocher({ annee: 2026, lignes, baux, organisations: ORGS, departementDefaut: '45' });

  it('chaque genre d’écart, avec ce que Flux détient', () => {
    const genres = r.ecarts.map((e) => [e.genre, e.ligne?.rpls ?? e.ligne?.numeroUnique ?? null, e.bail?.cle ?? null]);
    expect(genres).toEqual([
      ['inconnu_flux', 'R-C', 'c'],
      ['inconnu_sne', 'R-D', 'd'],
      ['reservataire_different', '045261100000002', 'b'],
      ['absent_flux', 'R-X', null],
      ['absent_flux', 'R-F', null],
      ['absent_fichier', null, 'f'],
    ]);
  });

  it('par numéro unique d’abord, puis par RPLS et date à la tolérance près', () => {
    expect(TOLERANCE_RAPPROCHEMENT_JOURS).toBe(30);
    expect(r.total.rapprocheesParNumero).toBe(2);
    expect(r.total.rapprocheesParRpls).toBe(5); // c, d, e, g, h
  });

  it('l’indicateur par bailleur et département : part du fichier et part de Flux', () => {
    const b1 = r.groupes.find((g) => g.bailleur === 'Habitat du Loiret')!;
    // File, B1: its matched lines a b c d e h, all filled in but R-D.
    expect(b1.fichier).toEqual({ total: 6, avecReservataire: 5 });
    // Lines matching nothing, without a bailleur column: apart, in the run's département.
    const autres = r.groupes.find((g) => g.bailleur === 'Bailleur non précisé')!;
    expect(autres).toMatchObject({ departement: '45', fichier: { total: 2, avecReservataire: 2 }, flux: { total: 0 } });
    // Flux, B1, leases of 2026 (h is of 2025): a b c d e f = 6, all known but c.
    expect(b1.flux).toEqual({ total: 6, avecReservataire: 5 });
    expect(part(b1.flux)).toBeCloseTo(5 / 6);
    const b2 = r.groupes.find((g) => g.bailleur === 'Val de Loire Logement')!;
    expect(b2.fichier).toEqual({ total: 1, avecReservataire: 1 });
    expect(b2.ecarts.reservataire_different).toBe(0); // the SIREN of the Préfecture = the State's line
    expect(r.total.fichier).toEqual({ total: 9, avecReservataire: 8 });
    expect(r.total.flux).toEqual({ total: 7, avecReservataire: 6 });
  });

  it('un bail ne sert qu’une fois ; le plus proche en date l’emporte', () => {
    const deux = rapprocher({
      annee: 2026,
      lignes: [ligne({ rpls: 'R-Z', date: '2026-04-20' }), ligne({ rpls: 'R-Z', date: '2026-04-02' })],
      baux: [bail('z1', { rpls: 'R-Z', date: '2026-04-01' }), bail('z2', { rpls: 'R-Z', date: '2026-04-25' })],
      organisations: ORGS,
      departementDefaut: null,
    });
    expect(deux.total.rapprocheesParRpls).toBe(2);
    expect(deux.ecarts.map((e) => e.genre)).toEqual(['inconnu_sne', 'inconnu_sne']);
    expect(deux.ecarts.map((e) => e.bail?.cle)).toEqual(['z2', 'z1']);
  });

  it('au-delà de la tolérance, pas de rapprochement par RPLS', () => {
    const loin = rapprocher({
      annee: 2026,
      lignes: [ligne({ rpls: 'R-Y', date: '2026-05-15' })],
      baux: [bail('y', { rpls: 'R-Y', date: '2026-04-14' })],
      organisations: ORGS,
      departementDefaut: null,
    });
    expect(loin.ecarts.map((e) => e.genre)).toEqual(['absent_flux', 'absent_fichier']);
  });
});
