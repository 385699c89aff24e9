/**
 * The annual bilan (R.441-5-1; issue 7) through the API, on the seeded demo (PGlite, and
 * PostgreSQL when DATABASE_URL is set): the JSON bilan equals `flux simulate --bilan` on the same
 * stored year; a letting lived through the API moves it by exactly one unit on the right line and
 * typology; the XLSX opened back, the CSV parsed back and the PDF rendered hold the same figures;
 * and each party reads only what it may (a réservataire its own line and lettings, in every format).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargerScenario } from '../../src/app/annee.ts';
import { main } from '../../src/cli/main.ts';
import type { BilanApi } from '../../src/contracts/bilan.ts';
import { lignes as lignesSql } from '../../src/db/client.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import { COMPTEURS, DIMENSIONS_BILAN, totalDimension, type BilanAnnuel } from '../../src/domain/bilan.ts';
import { pdfBilan, titreBilan } from '../../src/reports/bilan-pdf.ts';
import { TITRES_COMPTEURS } from '../../src/reports/bilan-xlsx.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const COMMUNE = 'commune@demo.flux';
const PILOTE = 'etat@demo.flux';
const ANNEE = 2026;
const Q = `annee=${ANNEE}&bailleur=HLD&departement=45`;

/** The text a PDF writes with the standard fonts (hex strings of TJ arrays, WinAnsi = Windows-1252). */
const WIN_ANSI: Record<number, string> = {
  0x80: '€',
  0x85: '…',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x96: '–',
  0x97: '—',
  0x9c: 'œ',
};
const winAnsi = (octets: Buffer): string => [...octets].map((o) => WIN_ANSI[o] ?? String.fromCharCode(o)).join('');
function textePdf(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  return [...s.matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => winAnsi(Buffer.from(h[1]!, 'hex'))).join(''))
    .join('\n');
}

async function classeur(corps: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(corps as unknown as ArrayBuffer);
  return wb;
}

/** The CSV read back with the project's own reader (RPLS import): one object per row, by header. */
function lignesCsv(octets: Buffer): Record<string, string>[] {
  const { separateur, encodage, enregistrements } = lireTout(octets);
  expect({ separateur, encodage }).toEqual({ separateur: ';', encodage: 'utf-8' });
  const [entete, ...rows] = enregistrements.map((e) => e.champs);
  return rows.map((r) => Object.fromEntries(entete!.map((c, i) => [c, r[i] ?? ''])));
}
const nombreCsv = (x: string): number => Number(x.replace(',', '.'));

describe.each(genresDeTest())('bilan annuel R.441-5-1 (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, q = Q): Promise<BilanApi> => {
    const r = await s.appel(email, 'GET', `/api/bilan?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as BilanApi;
  };
  const telecharger = async (email: string, format: 'xlsx' | 'csv' | 'pdf', q = Q) => {
    const r = await s.appel(email, 'GET', `/api/bilan.${format}?${q}`);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    return r;
  };

  it('les bilans accessibles : le bailleur a le sien, un réservataire ceux des bailleurs avec qui il a une convention', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/bilans');
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as { bilans: unknown[] }).bilans).toEqual([
      { bailleurId: 'HLD', bailleur: expect.any(String), departement: '45' },
    ]);
    const al = (await s.appel(AL, 'GET', '/api/bilans')).json() as { bilans: { bailleurId: string }[] };
    expect(al.bilans.map((b) => b.bailleurId).sort()).toEqual(['GBH', 'HLD', 'VLL']);
    expect((await s.appel('admin@demo.flux', 'GET', '/api/bilans')).statusCode).toBe(403);
  });

  it('le bilan de l’API est celui de flux simulate --bilan sur les événements de l’année', async () => {
    const api = await lire(BAILLEUR);
    // The year's events as the State pilot downloads them, to replay them with the command line.
    const telecharge = await s.appel(PILOTE, 'GET', `/api/bilan/scenario?${Q}`);
    expect(telecharge.statusCode, telecharge.body.slice(0, 300)).toBe(200);
    expect(telecharge.headers['content-disposition']).toContain(`scenario-${ANNEE}-HLD-45.json`);
    expect(JSON.parse(telecharge.body)).toEqual(
      JSON.parse(
        JSON.stringify(await chargerScenario(s.t.base.db, { bailleurId: 'HLD', departement: '45', annee: ANNEE })),
      ),
    );
    for (const refuse of [AL])
      expect((await s.appel(refuse, 'GET', `/api/bilan/scenario?${Q}`)).statusCode, refuse).toBe(403);
    const fichier = join(mkdtempSync(join(tmpdir(), 'flux-bilan-')), 'annee.json');
    writeFileSync(fichier, telecharge.body);
    let sortie = '';
    let erreur = '';
    const code = await main(['simulate', fichier, '--bilan'], {
      out: (x) => void (sortie += x),
      err: (x) => void (erreur += x),
    });
    expect(code, erreur).toBe(0);
    const cli = JSON.parse(sortie) as BilanAnnuel;

    expect(api.lignes.length).toBeGreaterThan(3);
    expect(api.detail.length).toBeGreaterThan(20);
    expect(api.lignes).toEqual(cli.lignes);
    expect(api.flux).toEqual(cli.flux);
    expect(api.objectifs).toEqual(cli.objectifs);
    expect(api.detail).toEqual(cli.detail);
    expect(api.exclusions).toEqual(cli.exclusions);
    expect(api.relogements).toEqual(cli.relogements);
    for (const dim of DIMENSIONS_BILAN) {
      const { parLigne, flux, valeurs } = cli.dimensions[dim];
      expect(
        {
          parLigne: api.dimensions[dim].parLigne,
          flux: api.dimensions[dim].flux,
          valeurs: api.dimensions[dim].valeurs,
        },
        dim,
      ).toEqual({ parLigne, flux, valeurs });
      for (const l of api.lignes)
        for (const k of COMPTEURS)
          expect(totalDimension(api.dimensions[dim], l.ligne)[k], `${dim} ${l.ligne} ${k}`).toBe(l[k]);
    }
    // The communes are named by the API (the scenario file has codes only).
    expect(Object.values(api.dimensions.commune.libelles).some((l) => /^Orléans \(45234\)$/.test(l))).toBe(true);
  });

  it('une location vécue par l’API (location, candidats, CAL, bail) : le bilan bouge d’une unité sur la bonne ligne et la bonne typologie', async () => {
    const avant = await lire(BAILLEUR);
    const [libre] = await lignesSql<{ id: string; typologie: string }>(
      s.t.base.db,
      sql`select id, typologie from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id desc limit 1`,
    );
    type V = { id: string; version: number; etat: string };
    const transition = async (v: V, corps: Record<string, unknown>): Promise<V> => {
      const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/transitions`, {
        etatAttendu: v.etat,
        version: v.version,
        ...corps,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as V;
    };
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: libre!.id, date: '2026-11-03' });
    expect(d.statusCode, d.body).toBe(201);
    let v = await transition(d.json() as V, {
      transition: 'proposer_candidats',
      date: '2026-11-10',
      candidats: [{ numeroSne: '045261100092345' }, { numeroSne: '045261100092346' }, { numeroSne: '045261100092347' }],
    });
    v = await transition(v, { transition: 'decider', date: '2026-11-12', decision: 'attribution' });
    await transition(v, {
      transition: 'signer_bail',
      date: '2026-11-18',
      menage: { quartile1: false, prioritaire: false },
    });
    await new Promise((r) => setTimeout(r, 300)); // reads are cached ≤ 250 ms per instance (ADR 0010)

    const apres = await lire(BAILLEUR);
    const location = apres.detail.find((x) => x.logement === libre!.id)!;
    expect(location).toMatchObject({ statut: 'bail_signe', typologie: libre!.typologie, exclusion: null });
    const ligne = location.ligne!;
    expect(ligne).not.toBeNull();
    expect(apres.detail.length).toBe(avant.detail.length + 1);
    expect(apres.flux.disponibles).toBe(avant.flux.disponibles + 1);
    expect(apres.flux.fluxAnnuel).toBe(avant.flux.fluxAnnuel + 1);
    for (const l of apres.lignes) {
      const a = avant.lignes.find((x) => x.ligne === l.ligne)!;
      // Whatever its counting rule, a signed lease counts: one unit more on the line that got it.
      for (const k of COMPTEURS) {
        const prevu = l.ligne === ligne && k !== 'echecs' && k !== 'pourUnTour' && k !== 'enCours' ? 1 : 0;
        expect(l[k] - a[k], `${l.ligne} ${k}`).toBe(prevu);
      }
    }
    const t = libre!.typologie;
    const typoAvant = avant.dimensions.typologie;
    const typoApres = apres.dimensions.typologie;
    expect(typoApres.flux[t]).toBe((typoAvant.flux[t] ?? 0) + 1);
    expect(typoApres.parLigne[ligne]![t]!.misADisposition).toBe(
      (typoAvant.parLigne[ligne]?.[t]?.misADisposition ?? 0) + 1,
    );
    expect(typoApres.parLigne[ligne]![t]!.bauxSignes).toBe((typoAvant.parLigne[ligne]?.[t]?.bauxSignes ?? 0) + 1);
    for (const autre of typoApres.valeurs.filter((x) => x !== t))
      expect(typoApres.parLigne[ligne]?.[autre], autre).toEqual(typoAvant.parLigne[ligne]?.[autre]);
  });

  it('le XLSX rouvert : la synthèse, une feuille par dimension et le détail portent les chiffres du JSON', async () => {
    const b = await lire(BAILLEUR);
    const r = await telecharger(BAILLEUR, 'xlsx');
    expect(r.headers['content-disposition']).toContain(`filename="bilan-${ANNEE}-HLD-45.xlsx"`);
    const wb = await classeur(r.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Synthèse',
      'Typologie',
      'Financement',
      'Quartier prioritaire (QPV)',
      'Commune',
      'Période de construction',
      'Détail',
      'Légende',
    ]);

    const synthese = wb.getWorksheet('Synthèse')!;
    const ligneDe = (w: ExcelJS.Worksheet, col: number, valeur: string): ExcelJS.Row => {
      let trouvee: ExcelJS.Row | undefined;
      w.eachRow((row) => {
        if (!trouvee && row.getCell(col).value === valeur) trouvee = row;
      });
      expect(trouvee, `${w.name} : « ${valeur} »`).toBeDefined();
      return trouvee!;
    };
    const entete = ligneDe(synthese, 1, 'Ligne (réservataire)');
    const colonne = (titre: string) => (entete.values as unknown[]).indexOf(titre);
    for (const l of b.lignes) {
      const row = ligneDe(synthese, 1, l.nom);
      expect(row.getCell(colonne('Taux')).value).toBe(l.taux);
      expect(row.getCell(colonne('Droit')).value).toBe(l.droit);
      for (const k of COMPTEURS) expect(row.getCell(colonne(TITRES_COMPTEURS[k])).value, `${l.ligne} ${k}`).toBe(l[k]);
      expect(row.getCell(colonne('Solde')).value).toBe(l.solde);
      expect(row.getCell(colonne('Report N+1')).value).toBe(l.reportAnneeSuivante);
    }
    expect(ligneDe(synthese, 1, 'Flux annuel (base des droits)').getCell(2).value).toBe(b.flux.fluxAnnuel);
    expect(synthese.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    // « Typologie »: the row of T3, the Action Logement group's « Attribués » column.
    const typo = wb.getWorksheet('Typologie')!;
    expect(typo.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 2 });
    const i = b.lignes.findIndex((l) => l.ligne === 'ACTION-LOGEMENT');
    const t3 = ligneDe(typo, 2, 'T3');
    expect(t3.getCell(3).value).toBe(b.dimensions.typologie.flux.T3);
    expect(typo.getRow(1).getCell(4 + i * COMPTEURS.length).value).toBe(b.lignes[i]!.nom);
    const k = COMPTEURS.indexOf('attribues');
    expect(typo.getRow(2).getCell(4 + i * COMPTEURS.length + k).value).toBe(TITRES_COMPTEURS.attribues);
    expect(t3.getCell(4 + i * COMPTEURS.length + k).value).toBe(
      b.dimensions.typologie.parLigne['ACTION-LOGEMENT']!.T3?.attribues ?? 0,
    );
    expect(typo.rowCount).toBe(2 + b.dimensions.typologie.valeurs.length + 1);

    const detail = wb.getWorksheet('Détail')!;
    expect(detail.rowCount - 1).toBe(b.detail.length);
    expect(detail.getRow(2).getCell(1).value).toBe(b.detail[0]!.logement);
  });

  it('le CSV relu : BOM, « ; », CRLF, virgule décimale, totaux par ligne = JSON, Σ d’une dimension = total', async () => {
    const b = await lire(BAILLEUR);
    const r = await telecharger(BAILLEUR, 'csv');
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.headers['content-disposition']).toContain(`filename="bilan-${ANNEE}-HLD-45.csv"`);
    const octets = r.rawPayload;
    expect([...octets.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const texte = octets.toString('utf8');
    expect(texte.split('\r\n')[0]).toBe(
      `\ufeffdimension;valeur;libellé;réservataire;${COMPTEURS.map((c) => TITRES_COMPTEURS[c]).join(';')};taux;droit;solde;report N+1;relogements libérés;relogements baux signés;relogements en cours;volume PRU prévu;objectif réalisé;objectif cible;objectif baux retenus;objectif baux comptés;objectif quartile inconnu`,
    );
    expect(texte.replace(/\r\n/g, '')).not.toContain('\n');
    const rows = lignesCsv(octets);
    for (const l of b.lignes) {
      const total = rows.find((x) => x.dimension === 'ensemble' && x['réservataire'] === l.nom)!;
      expect(total, l.nom).toBeDefined();
      for (const k of COMPTEURS) expect(Number(total[TITRES_COMPTEURS[k]]), `${l.ligne} ${k}`).toBe(l[k]);
      expect(nombreCsv(total.taux!)).toBeCloseTo(l.taux, 6);
      expect(nombreCsv(total.droit!)).toBeCloseTo(l.droit, 5);
      if (!Number.isInteger(l.droit)) expect(total.droit).toContain(',');
      for (const dim of DIMENSIONS_BILAN) {
        const somme = rows
          .filter((x) => x.dimension === dim && x['réservataire'] === l.nom)
          .reduce((t, x) => t + Number(x[TITRES_COMPTEURS.misADisposition]), 0);
        expect(somme, `${dim} ${l.ligne}`).toBe(l.misADisposition);
      }
    }
    // The bilan of rehousing allocations (R.441-5): one « relogement » row per category = JSON.
    for (const c of b.relogements.categories) {
      const x = rows.find((r) => r.dimension === 'relogement' && r.valeur === c.motif)!;
      expect(x, c.motif).toBeDefined();
      expect([x['relogements libérés'], x['relogements baux signés'], x['relogements en cours']].map(Number)).toEqual([
        c.liberes,
        c.bauxSignes,
        c.enCours,
      ]);
    }
    // A commune label with a comma or a quote would be quoted; every row has the header's width.
    expect(
      texte
        .split('\r\n')
        .filter(Boolean)
        .every((ligne) => ligne.split(';').length >= 4),
    ).toBe(true);
  });

  it('le PDF : A4, des pages, le titre, les lignes et les graphiques', async () => {
    const r = await telecharger(BAILLEUR, 'pdf');
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain(`filename="bilan-${ANNEE}-HLD-45.pdf"`);
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const b = await lire(BAILLEUR);
    const pdf = await pdfBilan(b as BilanAnnuel, '2026-11-29', { compresser: false });
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const texte = textePdf(pdf);
    expect(texte).toContain(titreBilan(b));
    expect(texte).toContain('Droit et logements décomptés, par ligne');
    for (const l of b.lignes) expect(texte, l.nom).toContain(l.nom);
    expect(texte).toContain(`page ${pages} / ${pages}`);
  });

  it('cloisonnement : un réservataire ne lit que sa ligne et ses locations, en JSON, XLSX et CSV ; un autre bailleur et un réservataire sans convention ne lisent rien', async () => {
    const tout = await lire(BAILLEUR);
    const b = await lire(AL);
    expect(b.lignes.map((l) => l.ligne)).toEqual(['ACTION-LOGEMENT']);
    expect(b.lignes[0]).toEqual(tout.lignes.find((l) => l.ligne === 'ACTION-LOGEMENT'));
    expect(b.detail.length).toBe(tout.detail.filter((d) => d.ligne === 'ACTION-LOGEMENT').length);
    expect(b.detail.every((d) => d.ligne === 'ACTION-LOGEMENT')).toBe(true);
    for (const dim of DIMENSIONS_BILAN)
      expect(Object.keys(b.dimensions[dim].parLigne), dim).toEqual(['ACTION-LOGEMENT']);
    expect(Object.keys(b.objectifs.prioritaires).every((l) => l === 'ACTION-LOGEMENT')).toBe(true);

    const autres = tout.lignes.filter((l) => l.ligne !== 'ACTION-LOGEMENT').map((l) => l.nom);
    const wb = await classeur((await telecharger(AL, 'xlsx')).rawPayload);
    const noms: string[] = [];
    for (const w of wb.worksheets)
      w.eachRow((row) => row.eachCell((c) => void (typeof c.value === 'string' && noms.push(c.value))));
    for (const nom of autres) expect(noms, nom).not.toContain(nom);
    expect(wb.getWorksheet('Détail')!.rowCount - 1).toBe(b.detail.length);
    // Its dimension sheets list the values it received, the flow's other units in one row: the flow column sums to the flux.
    for (const nom of ['Commune', 'Typologie']) {
      const w = wb.getWorksheet(nom)!;
      const total = w.getRow(w.rowCount);
      expect(total.getCell(1).value).toBe('Total');
      expect(total.getCell(3).value, nom).toBe(b.flux.fluxAnnuel);
      let somme = 0;
      for (let i = 3; i < w.rowCount; i++) somme += w.getRow(i).getCell(3).value as number;
      expect(somme, nom).toBe(b.flux.fluxAnnuel);
    }
    const csv = lignesCsv((await telecharger(AL, 'csv')).rawPayload);
    // Its line, the rehousing rows, which count on no line (the flow's exclusions, as in the JSON),
    // and the allocation objectives: the bailleur's and the EPCIs' name no line, a priority objective
    // names its own line only.
    expect(new Set(csv.filter((x) => x.dimension !== 'relogement').map((x) => x['réservataire']))).toEqual(
      new Set([b.lignes[0]!.nom, '']),
    );
    expect(
      csv
        .filter((x) => x.dimension !== 'objectif' && x.dimension !== 'relogement')
        .every((x) => x['réservataire'] === b.lignes[0]!.nom),
    ).toBe(true);
    expect(
      csv
        .filter((x) => x.dimension === 'objectif' && x.valeur!.startsWith('prioritaires:'))
        .map((x) => x['réservataire']),
    ).toEqual([b.lignes[0]!.nom]);
    expect(b.relogements).toEqual(tout.relogements);

    // The State pilot and the EPCI of the territory read every line (the bilan is addressed to them).
    expect((await lire('etat@demo.flux')).lignes).toEqual(tout.lignes);
    expect((await lire('epci@demo.flux')).lignes).toEqual(tout.lignes);

    // Another bailleur's bilan does not exist for VLL's agent; the Ville d’Orléans has no convention with GBH.
    expect((await s.appel('bailleur2@demo.flux', 'GET', `/api/bilan?${Q}`)).statusCode).toBe(404);
    expect((await s.appel('bailleur2@demo.flux', 'GET', `/api/bilan.xlsx?${Q}`)).statusCode).toBe(404);
    const commune = (await s.appel(COMMUNE, 'GET', '/api/bilans')).json() as { bilans: { bailleurId: string }[] };
    expect(commune.bilans.map((x) => x.bailleurId)).not.toContain('GBH');
    expect([403, 404]).toContain(
      (await s.appel(COMMUNE, 'GET', `/api/bilan?annee=${ANNEE}&bailleur=GBH&departement=45`)).statusCode,
    );
    expect([403, 404]).toContain(
      (await s.appel(COMMUNE, 'GET', `/api/bilan.csv?annee=${ANNEE}&bailleur=GBH&departement=45`)).statusCode,
    );
    expect((await s.appel(null, 'GET', `/api/bilan?${Q}`)).statusCode).toBe(401);
    expect((await s.appel(BAILLEUR, 'GET', '/api/bilan?annee=1999')).statusCode).toBe(400);
  });
});
