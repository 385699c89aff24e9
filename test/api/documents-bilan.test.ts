/**
 * The bilan's documents say what they are (issue 12 item 6): before the year's bilan is issued,
 * its PDF is « provisoire » (title and watermark) and its XLSX says so; once issued, the live
 * documents name the version they match; every issued version downloads as XLSX, PDF and CSV (the
 * réservataire's scoped to its line, each download recorded). Dates are French, signed figures carry
 * the typographic minus, and no internal identifier of the bailleur is printed. PGlite, and
 * PostgreSQL when DATABASE_URL is set.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmissionsAnneeApi } from '../../src/contracts/emission-bilan.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ANNEE = 2026;
const Q = `annee=${ANNEE}&bailleur=HLD&departement=45`;

/** The PDF's document title (Info dictionary): pdfkit writes it as an indirect UTF-16BE string. */
function titrePdf(pdf: Buffer): string {
  const latin1 = pdf.toString('latin1');
  const ref = /\/Title (\d+) 0 R/.exec(latin1);
  if (!ref) return '';
  const debut = latin1.indexOf(`\n${ref[1]} 0 obj\n(`) + `\n${ref[1]} 0 obj\n(`.length;
  const fin = latin1.indexOf(')\nendobj', debut);
  const brut = latin1.slice(debut, fin).replace(/\\([()\\])/g, '$1');
  const octets = Buffer.from(brut, 'latin1');
  let texte = '';
  for (let i = 2; i + 1 < octets.length; i += 2) texte += String.fromCharCode(octets.readUInt16BE(i));
  return texte;
}

async function classeur(corps: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(corps as unknown as ArrayBuffer);
  return wb;
}

function valeurDe(w: ExcelJS.Worksheet, libelle: string): unknown {
  let v: unknown;
  w.eachRow((r) => {
    if (r.getCell(1).value === libelle) v = r.getCell(2).value;
  });
  return v;
}

describe.each(genresDeTest())('documents du bilan : provisoire, puis versions émises (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => new Date('2027-01-10T10:00:00Z') });
  }, 180_000);
  afterAll(async () => {
    await s?.fermer();
  });

  it('avant l’émission : PDF et XLSX disent « provisoire », dates françaises, sans code du bailleur', async () => {
    const pdf = await s.appel(BAILLEUR, 'GET', `/api/bilan.pdf?${Q}`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(titrePdf(pdf.rawPayload)).toMatch(/^Bilan annuel 2026 .* \(provisoire\)$/);
    const x = await s.appel(BAILLEUR, 'GET', `/api/bilan.xlsx?${Q}`);
    expect(x.statusCode, x.body).toBe(200);
    const synthese = (await classeur(x.rawPayload)).getWorksheet('Synthèse')!;
    expect(valeurDe(synthese, 'Statut')).toBe(
      'Document provisoire : ce bilan n’a pas encore été émis ; seule une version émise fait foi.',
    );
    expect(valeurDe(synthese, 'Édité le')).toBe('10/01/2027');
    expect(valeurDe(synthese, 'Bailleur')).toBe('Habitat Loiret Démo');
    // Signed figures: the typographic minus in the cell format, the value still a number.
    let formatSolde = '';
    synthese.eachRow((r) => {
      if (r.getCell(1).value === 'Ligne (réservataire)') formatSolde = String((r.values as unknown[]).indexOf('Solde'));
    });
    let vu = false;
    synthese.eachRow((r, n) => {
      if (vu || n < 10 || typeof r.getCell(Number(formatSolde)).value !== 'number') return;
      expect(r.getCell(Number(formatSolde)).numFmt).toContain('\u2212');
      vu = true;
    });
    expect(vu).toBe(true);
    const detail = (await classeur(x.rawPayload)).getWorksheet('Détail')!;
    const date = detail.getRow(2).getCell(7);
    expect(date.value).toBeInstanceOf(Date);
    expect(date.numFmt).toBe('dd/mm/yyyy');
  });

  it('émis : chaque version se télécharge en XLSX, PDF et CSV ; le réservataire n’a que sa ligne', async () => {
    const e = await s.appel(BAILLEUR, 'POST', '/api/bilan/emissions', { annee: ANNEE });
    expect(e.statusCode, e.body).toBe(201);
    const version = (e.json() as EmissionsAnneeApi).versions.at(-1)!;
    expect(version.version).toBe(1);

    const pdf = await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions/1/pdf?${Q}`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`filename="bilan-${ANNEE}-HLD-45-v1.pdf"`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(titrePdf(pdf.rawPayload)).toMatch(/^Bilan annuel 2026 .* — Habitat Loiret Démo — 45$/);

    const x = await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions/1/xlsx?${Q}`);
    expect(x.statusCode, x.body).toBe(200);
    const statut = valeurDe((await classeur(x.rawPayload)).getWorksheet('Synthèse')!, 'Statut');
    expect(statut).toBe(`Version 1 émise le 10/01/2027 — empreinte SHA-256 ${version.empreinte.slice(0, 16)}…`);

    const csv = await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions/1/csv?${Q}`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');

    // The live documents now match version 1: no longer « provisoire ».
    const vivant = await s.appel(BAILLEUR, 'GET', `/api/bilan.xlsx?${Q}`);
    expect(valeurDe((await classeur(vivant.rawPayload)).getWorksheet('Synthèse')!, 'Statut')).toBe(statut);

    // The réservataire: its own line only, and its download is recorded.
    const xa = await s.appel(AL, 'GET', `/api/bilan/emissions/1/xlsx?${Q}`);
    expect(xa.statusCode, xa.body).toBe(200);
    const noms: string[] = [];
    (await classeur(xa.rawPayload)).getWorksheet('Synthèse')!.eachRow((r) => {
      const v = r.getCell(1).value;
      if (typeof v === 'string') noms.push(v);
    });
    expect(noms).toContain('Action Logement Services');
    expect(noms).not.toContain('Préfecture du Loiret — DDETS');
    const apres = (await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions?${Q}`)).json() as EmissionsAnneeApi;
    expect(apres.versions[0]!.telechargements.map((t) => t.organisationId)).toContain('ACTION-LOGEMENT');

    expect((await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions/2/pdf?${Q}`)).statusCode).toBe(404);
    expect((await s.appel(BAILLEUR, 'GET', `/api/bilan/emissions/1/docx?${Q}`)).statusCode).toBe(400);
  });
});
