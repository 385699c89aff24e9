/**
 * The « Simulation » API (issue 18 items 2–5) on the seeded demo: the Monte Carlo year of the stored
 * year, deterministic for a seed, the assumptions observed then edited, the options side by side
 * (ADR 0045, 0049), the workload by month, what a réservataire sees (its line), the bound on the
 * runs, the XLSX and the PDF.
 */
import { inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statistiquesCache } from '../../src/app/memo.ts';
import type { ReponseSimulation } from '../../src/contracts/simulation.ts';
import { lignes } from '../../src/db/client.ts';
import {
  NOM_DELEGUEE,
  NOM_REPORT_AUCUN,
  NOM_REPORT_INTEGRAL,
  NOM_TOUS,
  nomHistorique,
  nomReportPlafonne,
} from '../../src/domain/options-comparees.ts';
import { ENTETES_OPTIONS } from '../../src/reports/simulation-xlsx.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';

/** The text of a PDF written with the standard fonts: every content stream inflated, the TJ strings read (WinAnsi). */
const WIN_ANSI: Record<number, string> = { 0x92: '’', 0x96: '–', 0x97: '—', 0xab: '«', 0xbb: '»' };
function textePdf(pdf: Buffer): string {
  const brut = pdf.toString('latin1');
  const morceaux: string[] = [];
  for (const m of brut.matchAll(/stream\r?\n/g)) {
    const debut = m.index + m[0].length;
    const fin = brut.indexOf('endstream', debut);
    try {
      morceaux.push(inflateSync(pdf.subarray(debut, fin)).toString('latin1'));
    } catch {
      // Not a deflated stream (fonts are not embedded; nothing else to read).
    }
  }
  return morceaux
    .flatMap((c) => [...c.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)])
    .map((m) =>
      [...m[1]!.matchAll(/<([0-9a-f]*)>/g)]
        .map((h) => [...Buffer.from(h[1]!, 'hex')].map((o) => WIN_ANSI[o] ?? String.fromCharCode(o)).join(''))
        .join(''),
    )
    .join('\n');
}

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

  it('l’année stockée : hypothèses observées, les options, fourchettes par ligne, charge par mois', async () => {
    const p = await lire(BAILLEUR, 'tirages=6&graine=4');
    expect(p).toMatchObject({ bailleur: { id: 'HLD' }, departement: '45', annee: 2026, tirages: 6, graine: 4 });
    expect(p.parc).toBeGreaterThan(0);
    expect(p.observees.rotation).toBeGreaterThan(0);
    expect(p.hypotheses.rotation).toBe(p.observees.rotation);
    // The demo stores 2025 before 2026: the history option replays both, read in their events.
    expect(p.hypotheses.historique).toMatchObject({ annees: [2025, 2026], source: 'stockee' });
    expect(p.optionsAbsentes).toEqual([]);
    expect(p.options.map((o) => o.nom)).toEqual([
      'conventions telles quelles',
      'décompte à l’orientation',
      'décompte à l’attribution',
      'décompte au bail signé',
      NOM_TOUS,
      NOM_DELEGUEE,
      NOM_REPORT_AUCUN,
      nomReportPlafonne(2),
      NOM_REPORT_INTEGRAL,
      nomHistorique(2),
      'suivi du plan d’attribution',
    ]);
    for (const x of p.options) expect(x.description.length).toBeGreaterThan(20);
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

  it('les hypothèses des options : délais manqués en gestion déléguée, plafond du report, historique saisi', async () => {
    const p = await lire(BAILLEUR, 'tirages=4&graine=3&plafondReport=1&historique=0,05;0,3&sansCandidatDelegue=0');
    expect(p.hypotheses).toMatchObject({ plafondReport: 1, sansCandidatDelegue: 0 });
    expect(p.hypotheses.historique).toEqual({
      annees: [2024, 2025, 2026],
      rotations: [0.05, 0.3, p.observees.rotation],
      source: 'saisie',
    });
    const option = (nom: string) => p.options.find((o) => o.nom === nom)!;
    const base = p.options[0]!;
    // The conventions' lines; the bailleur's own line always carries its whole solde (ADR 0005).
    const conventions = (nom: string) => option(nom).lignes.filter((l) => l.reservataire !== 'BAILLEUR');
    for (const l of conventions(nomReportPlafonne(1)))
      for (const k of ['p10', 'mediane', 'p90'] as const)
        expect(Math.abs(l.reportAnneeSuivante[k])).toBeLessThanOrEqual(1);
    for (const l of conventions(NOM_REPORT_AUCUN))
      expect(l.reportAnneeSuivante).toEqual({ p10: 0, mediane: 0, p90: 0 });
    for (const l of conventions(NOM_REPORT_INTEGRAL)) expect(l.reportAnneeSuivante).toEqual(l.solde);
    // The delegated State's files are the bailleur's: fewer files for the réservataires, more for the bailleur.
    const dossiers = (nom: string, bailleur: boolean) =>
      option(nom).charge.reduce(
        (n, m) =>
          n + Object.entries(m.dossiers).reduce((t, [id, x]) => t + ((id === 'BAILLEUR') === bailleur ? x : 0), 0),
        0,
      );
    expect(dossiers(NOM_DELEGUEE, false)).toBeLessThan(dossiers(base.nom, false));
    expect(dossiers(NOM_DELEGUEE, true)).toBeGreaterThan(dossiers(base.nom, true));
    // Every réservataire instructs files for every unit offered to all.
    expect(dossiers(NOM_TOUS, false)).toBeGreaterThan(dossiers(base.nom, false));
    // Three years with 5 % and 30 % of turnover: a wider band of the annual flow than the observed year alone.
    const trois = option(nomHistorique(3));
    expect(trois.fluxAnnuel.p90 - trois.fluxAnnuel.p10).toBeGreaterThan(base.fluxAnnuel.p90 - base.fluxAnnuel.p10);
    const faux = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation?historique=abc');
    expect(faux.statusCode).toBe(400);
    expect(faux.body).toContain('historique');
  });

  it('le PDF : même paramètres que le XLSX, les options nommées, à joindre au projet de convention', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation.pdf?tirages=3&graine=2&plafondReport=3');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain('simulation-2026-45-graine-2.pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const texte = textePdf(r.rawPayload);
    for (const nom of [
      'conventions telles quelles',
      'décompte au bail signé',
      NOM_TOUS,
      NOM_REPORT_AUCUN,
      nomReportPlafonne(3),
      'Options côte à côte',
      'Hypothèses',
    ])
      expect(texte, nom).toContain(nom);
    expect(texte).toContain('gestion déléguée au bailleur');
    const xlsx = await s.appel(BAILLEUR, 'GET', '/api/flux/simulation.pdf?tirages=500');
    expect(xlsx.statusCode).toBe(400);
    const al = await s.appel(AL, 'GET', '/api/flux/simulation.pdf?bailleur=HLD&tirages=2');
    expect(al.statusCode, al.body).toBe(200);
  });

  it('une simulation calculée une fois sert la page, ses fichiers et chaque lecteur, jusqu’à une écriture du bailleur', async () => {
    const requete = 'tirages=2&graine=4242&refus=0.2';
    let calcules = statistiquesCache.calcules;
    const etat = await lire(ETAT, `bailleur=HLD&${requete}`);
    expect(statistiquesCache.calcules).toBe(calcules + 1);
    calcules = statistiquesCache.calcules;
    // The bailleur's page, then its XLSX and PDF, and a réservataire: the same runs, not run again.
    expect(await lire(BAILLEUR, requete)).toEqual(etat);
    for (const format of ['xlsx', 'pdf']) {
      const r = await s.appel(BAILLEUR, 'GET', `/api/flux/simulation.${format}?${requete}`);
      expect(r.statusCode, r.body).toBe(200);
    }
    const al = await lire(AL, `bailleur=HLD&${requete}`);
    expect(statistiquesCache.calcules).toBe(calcules);
    // The réservataire reads its line of those runs, and its own files only.
    for (const [i, o] of al.options.entries()) {
      expect(o.lignes).toEqual(etat.options[i]!.lignes.filter((l) => l.reservataire === o.lignes[0]!.reservataire));
      expect(o.lignes).toHaveLength(1);
      for (const m of o.charge) expect(Object.keys(m.dossiers)).toEqual([o.lignes[0]!.reservataire]);
    }
    // Other assumptions are other runs.
    await lire(BAILLEUR, 'tirages=2&graine=4243&refus=0.2');
    expect(statistiquesCache.calcules).toBe(calcules + 1);

    // A letting of the bailleur changes its year: the next reader gets new runs.
    const [libre] = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1`,
    );
    const ecrit = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: libre!.id, date: '2026-11-19' });
    expect(ecrit.statusCode, ecrit.body).toBe(201);
    calcules = statistiquesCache.calcules;
    await lire(ETAT, `bailleur=HLD&${requete}`);
    expect(statistiquesCache.calcules).toBeGreaterThan(calcules);
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
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Hypothèses', 'Options', 'Options décrites', 'Charge']);
    const options = wb.getWorksheet('Options')!;
    expect((options.getRow(1).values as unknown[]).slice(1)).toEqual([...ENTETES_OPTIONS]);
    expect(options.rowCount).toBeGreaterThan(4);
    const texte = JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()));
    expect(texte).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});
