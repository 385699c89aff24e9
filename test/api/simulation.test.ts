/**
 * The « Simulation » API (issue 18 items 2–5) on the seeded demo: the Monte Carlo year of the stored
 * year, deterministic for a seed, the assumptions observed then edited, four options side by side,
 * the workload by month, what a réservataire sees (its line), the bound on the runs, the XLSX.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReponseSimulation } from '../../src/contracts/simulation.ts';
import { ENTETES_OPTIONS } from '../../src/reports/simulation-xlsx.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';

describe.each(genresDeTest())('simulation de Monte Carlo (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, requete: string) => {
    const r = await s.appel(email, 'GET', `/api/flux/simulation?${requete}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ReponseSimulation;
  };

  it('l’année stockée : hypothèses observées, quatre options, fourchettes par ligne, charge par mois', async () => {
    const p = await lire(BAILLEUR, 'tirages=6&graine=4');
    expect(p).toMatchObject({ bailleur: { id: 'HLD' }, departement: '45', annee: 2026, tirages: 6, graine: 4 });
    expect(p.parc).toBeGreaterThan(0);
    expect(p.observees.rotation).toBeGreaterThan(0);
    expect(p.hypotheses.rotation).toBe(p.observees.rotation);
    expect(p.options.map((o) => o.nom)).toEqual([
      'conventions telles quelles',
      'décompte à l’orientation',
      'décompte à l’attribution',
      'décompte au bail signé',
      'suivi du plan d’attribution',
    ]);
    const o = p.options[0]!;
    expect(o.lignes.length).toBeGreaterThan(2);
    for (const l of o.lignes) {
      expect(l.nom).not.toBe('');
      expect(l.solde.p10).toBeLessThanOrEqual(l.solde.mediane);
      expect(l.solde.mediane).toBeLessThanOrEqual(l.solde.p90);
      expect(l.cumulMensuel).toHaveLength(12);
    }
    expect(o.charge).toHaveLength(12);
    expect(o.charge.every((m) => m.visites === m.examensCal)).toBe(true);
    // Same seed, same answer.
    expect(await lire(BAILLEUR, 'tirages=6&graine=4')).toEqual(p);
  });

  it('les hypothèses modifiées : PRU, refus, visites, seuil', async () => {
    const p = await lire(BAILLEUR, 'tirages=3&pruMin=2&pruMax=5&refus=0.2&visitesParCandidat=0.5&seuil=3');
    expect(p.hypotheses).toMatchObject({ pru: [2, 5], refus: 0.2, visitesParCandidat: 0.5 });
    expect(p.seuilRetard).toBe(3);
    for (const m of p.options[0]!.charge) expect(m.visites).toBeCloseTo(m.examensCal / 2, 1);
  });

  it('un réservataire ne voit que sa ligne ; le pilote de l’État choisit le bailleur', async () => {
    const r = await lire(AL, 'bailleur=HLD&tirages=3');
    for (const o of r.options) {
      expect(o.lignes).toHaveLength(1);
      for (const m of o.charge) expect(Object.keys(m.dossiers)).toEqual([o.lignes[0]!.reservataire]);
    }
    const e = await lire(ETAT, 'bailleur=HLD&tirages=3');
    expect(e.options[0]!.lignes.length).toBeGreaterThan(1);
    const sans = await s.appel(ETAT, 'GET', '/api/flux/simulation?tirages=3');
    expect(sans.statusCode).toBe(422);
  });

  it('au-delà du maximum de tirages : 400 en français, rien n’est calculé', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation?tirages=5000');
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('au plus 100 tirages par requête');
    const pru = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation?pruMin=9&pruMax=2');
    expect(pru.statusCode).toBe(400);
    expect(pru.body).toContain('fourchette PRU');
  });

  it('le classeur XLSX : hypothèses, options, charge, sans identifiant interne', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation.xlsx?tirages=3&graine=2');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Hypothèses', 'Options', 'Charge']);
    const options = wb.getWorksheet('Options')!;
    expect((options.getRow(1).values as unknown[]).slice(1)).toEqual([...ENTETES_OPTIONS]);
    expect(options.rowCount).toBeGreaterThan(4);
    const texte = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    expect(texte).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
