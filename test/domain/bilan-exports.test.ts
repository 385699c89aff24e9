/**
 * The bilan's renderers (XLSX, CSV, PDF) on a bilan computed in memory: CSV fields quoted and
 * numbers written the French way, read back by the project's CSV reader; numbers stay numbers and
 * rates are formatted in the workbook; a long bilan (many communes) spreads over pages with the
 * table header repeated and every figure written.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { bilanAnnuel, compteursVides, type BilanAnnuel } from '../../src/domain/bilan.ts';
import { simuler } from '../../src/domain/engine.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import { champCsv, csvBilan } from '../../src/reports/bilan-csv.ts';
import { pdfBilan, titreBilan } from '../../src/reports/bilan-pdf.ts';
import { classeurBilan, objectifsLibelles } from '../../src/reports/bilan-xlsx.ts';
import {
  convention,
  jour,
  liberation,
  locationComplete,
  logement,
  orientationForcee,
  reservataire,
  unScenario,
} from '../helpers/scenario.ts';

/** Two lines, one of them with a name full of CSV separators and quotes. */
function unBilan(): BilanAnnuel {
  const s = unScenario({
    reservataires: [
      reservataire('AL', 'action_logement', { nom: 'Action Logement; « Services » "AL"' }),
      reservataire('ETAT', 'etat'),
    ],
    logements: [
      logement('L1', { typologie: 'T2' }),
      logement('L2', { typologie: 'T3' }),
      logement('L3', { typologie: 'T3' }),
    ],
    conventions: [convention('CV-AL', 'AL', 0.25), convention('CV-ETAT', 'ETAT', 0.3)],
    evenements: [
      liberation(jour(1), 'L1'),
      orientationForcee(jour(1), 'L1', 'AL'),
      liberation(jour(2), 'L2'),
      orientationForcee(jour(2), 'L2', 'ETAT'),
      liberation(jour(3), 'L3'),
      ...locationComplete(10, 'L1'),
    ],
  });
  return bilanAnnuel(s, simuler(s, { detail: true }));
}

const WIN_ANSI: Record<number, string> = { 0x85: '…', 0x92: '’', 0x96: '–', 0x97: '—' };
function textePdf(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\[((?:<[0-9a-f]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)]
    .map((m) =>
      [...m[1]!.matchAll(/<([0-9a-f]*)>/g)]
        .map((h) => [...Buffer.from(h[1]!, 'hex')].map((o) => WIN_ANSI[o] ?? String.fromCharCode(o)).join(''))
        .join(''),
    )
    .join('\n');
}

describe('sorties du bilan annuel', () => {
  it('CSV : champs entre guillemets quand il le faut, virgule décimale, relu à l’identique', () => {
    expect(champCsv('a;b')).toBe('"a;b"');
    expect(champCsv('il a dit "oui"')).toBe('"il a dit ""oui"""');
    expect(champCsv('deux\r\nlignes')).toBe('"deux\r\nlignes"');
    expect(champCsv('simple')).toBe('simple');
    expect(champCsv(12)).toBe('12');
    expect(champCsv(0.25)).toBe('0,25');
    expect(champCsv(-0.4)).toBe('-0,4');
    expect(champCsv(1 / 3)).toBe('0,333333');
    expect(champCsv(null)).toBe('');

    const b = unBilan();
    const texte = csvBilan(b);
    expect(texte.startsWith('\ufeffdimension;valeur;libellé;réservataire;')).toBe(true);
    expect(texte.endsWith('\r\n')).toBe(true);
    const { separateur, enregistrements } = lireTout(Buffer.from(texte, 'utf8'));
    expect(separateur).toBe(';');
    const [entete, ...rows] = enregistrements.map((e) => e.champs);
    expect(rows.every((r) => r.length === entete!.length)).toBe(true);
    const al = b.lignes.find((l) => l.ligne === 'AL')!;
    const total = rows.find((r) => r[0] === 'ensemble' && r[3] === al.nom)!;
    expect(total, 'le nom avec « ; » et des guillemets revient tel quel').toBeDefined();
    expect(total[entete!.indexOf('Baux signés')]).toBe(String(al.bauxSignes));
    expect(total[entete!.indexOf('taux')]).toBe('0,25');
    expect(rows.filter((r) => r[0] === 'typologie' && r[3] === al.nom).map((r) => [r[1], r[4]])).toEqual([['T2', '1']]);
  });

  it('CSV : les objectifs d’attribution (L.441-1), comme le classeur et le PDF, un par ligne', () => {
    const b = unBilan();
    const [entete, ...rows] = lireTout(Buffer.from(csvBilan(b), 'utf8')).enregistrements.map((e) => e.champs);
    const col = (nom: string) => entete!.indexOf(nom);
    const objectifs = rows.filter((r) => r[0] === 'objectif');
    const attendus = objectifsLibelles(b);
    expect(attendus.length).toBeGreaterThanOrEqual(4);
    expect(objectifs.map((r) => [r[1], r[2]])).toEqual(attendus.map((o) => [o.code, o.libelle]));
    for (const o of attendus) {
      const r = objectifs.find((x) => x[1] === o.code)!;
      expect(r[col('objectif cible')]).toBe(champCsv(o.indicateur.cible));
      expect(r[col('objectif réalisé')]).toBe(champCsv(o.indicateur.realise));
      expect(r[col('objectif baux retenus')]).toBe(String(o.indicateur.numerateur));
      expect(r[col('objectif baux comptés')]).toBe(String(o.indicateur.denominateur));
    }
    // The State line's own target: all its leases but the agents', to priority households.
    expect(objectifs.find((r) => r[1] === 'prioritaires:ETAT')?.[col('objectif cible')]).toBe('1');
    expect(objectifs.find((r) => r[1] === 'prioritaires:AL')?.[3]).toBe('Action Logement; « Services » "AL"');
    // The other rows leave the objectives' columns empty.
    expect(rows.filter((r) => r[0] !== 'objectif').every((r) => r[col('objectif cible')] === '')).toBe(true);
  });

  it('XLSX : des nombres, les taux en pourcentage, les en-têtes figés', async () => {
    const b = unBilan();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await classeurBilan(b, '2026-01-15')) as unknown as ArrayBuffer);
    const s = wb.getWorksheet('Synthèse')!;
    let ligneAl: ExcelJS.Row | undefined;
    s.eachRow((r) => {
      if (r.getCell(1).value === b.lignes.find((l) => l.ligne === 'AL')!.nom) ligneAl = r;
    });
    expect(ligneAl).toBeDefined();
    expect(ligneAl!.getCell(2).value).toBe(0.25);
    expect(ligneAl!.getCell(2).numFmt).toBe('0.00%');
    expect(typeof ligneAl!.getCell(3).value).toBe('number');
    expect(s.getCell('B5').value).toBe('15/01/2026');
    const typo = wb.getWorksheet('Typologie')!;
    expect(typo.views[0]).toMatchObject({ state: 'frozen', ySplit: 2, xSplit: 3 });
    expect(typo.getColumn(1).width).toBeGreaterThan(20);
    expect(wb.getWorksheet('Détail')!.rowCount).toBe(1 + b.detail.length);
  });

  it('PDF : sans statut, « provisoire » ; dates françaises ; les soldes négatifs avec un vrai signe moins', async () => {
    const b = unBilan();
    expect(b.lignes.some((l) => l.solde < 0)).toBe(true);
    const texte = textePdf(await pdfBilan(b, '2026-01-15', { compresser: false }));
    expect(texte).toContain('Édité le 15/01/2026');
    expect(texte).toContain('Document provisoire : ce bilan n’a pas encore été émis');
    expect(texte).toContain('PROVISOIRE');
    // WinAnsi has no U+2212: the en dash stands for it, never the hyphen.
    expect(texte).toMatch(/\u2013\d/);
    expect(texte).not.toMatch(/(^|[\s(])-\d/m);
    const emis = textePdf(
      await pdfBilan(b, '2026-01-15', {
        compresser: false,
        statut: { etat: 'emis', version: 2, emisLe: '2026-01-20', empreinte: 'abcdef0123456789ffff' },
      }),
    );
    expect(emis).toContain('Version 2 émise le 20/01/2026 — empreinte SHA-256 abcdef0123456789…');
    expect(emis).not.toContain('PROVISOIRE');
  });

  it('PDF : un long bilan (200 communes) tient sur plusieurs pages, en-tête répété, chaque valeur écrite', async () => {
    const b = unBilan();
    const communes = b.dimensions.commune;
    for (let i = 0; i < 200; i++) {
      const v = `45${String(500 + i)}`;
      communes.valeurs.push(v);
      communes.libelles[v] = `Commune fictive ${i}`;
      communes.flux[v] = i;
      (communes.parLigne['AL'] ??= {})[v] = { ...compteursVides(), misADisposition: i, attribues: 1 };
    }
    const pdf = await pdfBilan(b, '2026-01-15', { compresser: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)!.length;
    // ≈ 60 rows a page: the communes take 4 pages; more would mean pages added by overflow.
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBeLessThanOrEqual(7);
    const texte = textePdf(pdf);
    expect(texte).toContain(titreBilan(b));
    for (let i = 0; i < 200; i++) expect(texte).toContain(`Commune fictive ${i}`);
    expect(texte.split('\n').filter((l) => l === 'Commune').length).toBeGreaterThanOrEqual(3);
    for (let p = 1; p <= pages; p++) expect(texte).toContain(`page ${p} / ${pages}`);
  });
});
