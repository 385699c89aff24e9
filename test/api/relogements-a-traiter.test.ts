/**
 * « À traiter » of the bailleur and the bilan of rehousing allocations (CCH R.441-5, issue 13 item
 * 1): from 1 January until 28 February, while last year's bilan is not issued, the bailleur is asked
 * to send the bilan des relogements, with the figures of the bilan itself (units freed outside the
 * flow, leases signed, lettings in progress) and a link to its section; after the deadline, or once
 * the bilan is issued, the item is gone. Nobody else gets it. On the demo (its year 2026).
 */
import { describe, expect, it } from 'vitest';
import type { ATraiterApi } from '../../src/contracts/a-traiter.ts';
import type { BilanApi } from '../../src/contracts/bilan.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AUTRES = ['reservataire@demo.flux', 'etat@demo.flux', 'epci@demo.flux'];

describe.each(genresDeTest())('à traiter : le bilan des relogements avant le 28 février (%s)', (genre) => {
  let maintenant = new Date('2027-02-10T09:00:00Z');
  const s = serveurDeSuite(genre, { horloge: () => maintenant, verificationEcheancesMs: 0 });
  const relogements = async (email: string) => {
    const r = await s.appel(email, 'GET', '/api/a-traiter');
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as ATraiterApi).elements.filter((e) => e.type === 'relogements_a_transmettre');
  };

  it('en février, le bailleur doit transmettre le bilan des relogements 2026, aux chiffres du bilan', async () => {
    const b = (await s.appel(BAILLEUR, 'GET', '/api/bilan?annee=2026&bailleur=HLD&departement=45')).json() as BilanApi;
    const total = (k: 'liberes' | 'bauxSignes' | 'enCours') => b.relogements.categories.reduce((t, c) => t + c[k], 0);
    expect(total('liberes')).toBeGreaterThan(0);
    const [e, ...reste] = await relogements(BAILLEUR);
    expect(reste).toEqual([]);
    expect(e).toMatchObject({
      titre: 'Transmettre le bilan des relogements 2026 (département 45)',
      echeance: '2027-02-28',
      nombre: total('liberes'),
      action: 'Voir le bilan des relogements',
    });
    expect(e!.lien).toContain('#bilan-relogements');
    expect(e!.detail).toContain(`${total('bauxSignes')} ba`);
    expect(e!.detail).toContain('avant le 28/02/2027');
    expect(e!.detail).toContain('CCH R.441-5');
    for (const autre of AUTRES) expect(await relogements(autre), autre).toEqual([]);
  });

  it('après le 28 février, ou le bilan émis, plus rien à transmettre', async () => {
    maintenant = new Date('2027-03-01T09:00:00Z');
    expect(await relogements(BAILLEUR)).toEqual([]);
    maintenant = new Date('2027-02-20T09:00:00Z');
    expect(await relogements(BAILLEUR)).toHaveLength(1);
    const r = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: 2026 });
    expect(r.statusCode, r.body).toBe(201);
    expect(await relogements(BAILLEUR)).toEqual([]);
  });
});
