/**
 * The demands file as an Excel workbook (issue 13 item 5: « a documented CSV/XLSX template »): the
 * same template, first sheet, read as the CSV is — date cells, numbers, columns outside the template
 * never read — all or nothing, each problem named by the sheet's row and the column, the error file
 * written. Recognised by its bytes, whatever the name or content type it is sent with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELE_DEMANDES, MODELE_DEMANDES_CSV } from '../../src/contracts/demandes.ts';
import { demandes } from '../../src/db/schema.ts';
import { COLONNES_DEMANDES } from '../../src/import/demandes.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const RESERVATAIRE = 'reservataire@demo.flux';
const ICI = '0452611000009';
/** The template's demand, outside `ici()`'s prefix. */
const MODELE = '045261100000801';

async function classeur(lignes: (string | number | Date | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const f = wb.addWorksheet('Demandes');
  f.addRow([
    'NUMERO_UNIQUE',
    'NOM',
    'DATE_DEMANDE',
    'DATE_RENOUVELLEMENT',
    'PERSONNES',
    'ENFANTS_MOINS_14',
    'RESSOURCES_ANNUELLES',
    'CATEGORIES',
    'COMMUNES',
    'TYPOLOGIES',
  ]);
  for (const l of lignes) f.addRow(l);
  wb.addWorksheet('Notes').addRow(['une autre feuille, jamais lue']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('demandes : les modèles CSV et XLSX', () => {
  it('ont les colonnes que l’import lit, dans son ordre, sous leur premier nom', () => {
    expect(MODELE_DEMANDES.map((c) => c.colonne)).toEqual(Object.values(COLONNES_DEMANDES).map((c) => c.noms[0]));
    const [entete, exemple] = MODELE_DEMANDES_CSV.replace(/^\uFEFF/, '').split('\r\n');
    expect(entete!.split(';')).toEqual(MODELE_DEMANDES.map((c) => c.colonne));
    expect(exemple!.split(';')).toHaveLength(MODELE_DEMANDES.length);
    // The example file of docs/demandes.md opens with the same header and example row.
    const exemples = readFileSync(join(import.meta.dirname, '../../examples/demandes/modele-demandes.csv'), 'utf8');
    expect(exemples.startsWith(MODELE_DEMANDES_CSV)).toBe(true);
  });
});

describe.each(genresDeTest())('demandes : le classeur Excel (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => new Date('2026-11-20T10:00:00Z') });
  }, 180_000);
  afterAll(() => s?.fermer());

  const televerser = (corps: Buffer, nom: string) =>
    s.app.inject({
      method: 'POST',
      url: `/api/demandes?nom=${nom}`,
      payload: corps,
      // What the « Demandes » page sends for any file.
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[RESERVATAIRE]!.csrf },
      cookies: { flux_session: s.comptes[RESERVATAIRE]!.cookie },
    });
  const ici = () =>
    s.t.base.db
      .select()
      .from(demandes)
      .where(and(eq(demandes.organisationId, ORG.actionLogement), like(demandes.numeroSne, `${ICI}%`)))
      .orderBy(demandes.numeroSne);

  it('le modèle XLSX téléchargé, rempli d’une demande à la place de l’exemple, est importé', async () => {
    const modele = await s.app.inject({
      method: 'GET',
      url: '/api/demandes/modele.xlsx',
      cookies: { flux_session: s.comptes[RESERVATAIRE]!.cookie },
    });
    expect(modele.statusCode, modele.body).toBe(200);
    expect(modele.headers['content-type']).toContain('spreadsheetml.sheet');
    expect(modele.headers['content-disposition']).toContain('modele-demandes.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(modele.rawPayload as unknown as ArrayBuffer);
    const feuille = wb.worksheets[0]!;
    expect((feuille.getRow(1).values as unknown[]).slice(1)).toEqual(MODELE_DEMANDES.map((c) => c.colonne));
    expect(feuille.getCell('A2').value).toBe('045261100012345'); // text: the leading zero kept
    expect(feuille.getCell('B2').value).toEqual(new Date('2026-01-12T00:00:00Z'));
    // The officer types over the example row, as Excel stores what is typed: a date, numbers.
    const valeurs: Record<string, string | number | Date | null> = {
      NUMERO_UNIQUE: MODELE,
      DATE_DEMANDE: new Date('2026-06-03T00:00:00Z'),
      DATE_RENOUVELLEMENT: null,
      PERSONNES: 2,
      ENFANTS_MOINS_14: 0,
      RESSOURCES_ANNUELLES: 21_500,
      CATEGORIES: 'pdalhpd',
      COMMUNES: '45234',
      TYPOLOGIES: 'T2',
      SITUATIONS: null,
      LIEN_LOCAL: 'oui',
      REFUS_ADAPTES: null,
      MUTATION_INTERNE: 'non',
    };
    MODELE_DEMANDES.forEach((c, i) => (feuille.getRow(2).getCell(i + 1).value = valeurs[c.colonne]!));
    const r = await televerser(Buffer.from(await wb.xlsx.writeBuffer()), 'modele-demandes.xlsx');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ lignes: 1, nouvelles: 1 });
    const [d] = await s.t.base.db
      .select()
      .from(demandes)
      .where(and(eq(demandes.organisationId, ORG.actionLogement), eq(demandes.numeroSne, MODELE)));
    expect([d?.dateDemande, d?.personnes, d?.ressourcesAnnuelles, d?.pdalhpd, d?.communes]).toEqual([
      '2026-06-03',
      2,
      21_500,
      true,
      ['45234'],
    ]);
  });

  it('une ligne invalide : rien n’est importé, le problème nommé par ligne de la feuille et colonne', async () => {
    const r = await televerser(
      await classeur([
        [`${ICI}01`, 'Dupont', new Date('2026-01-12T00:00:00Z'), null, 2, 1, 14_800, 'dalo', '45234', 'T2'],
        [`${ICI}02`, 'Martin', '2026-03-02', null, 0, 0, 31_000, null, '45234', 'T4'],
      ]),
      'demandes.xlsx',
    );
    expect(r.statusCode, r.body).toBe(422);
    expect(r.body).toContain('ligne 3, colonne PERSONNES');
    expect(await ici()).toEqual([]);
  });

  it('le classeur juste : les demandes de la première feuille, dates et nombres lus, le nom jamais', async () => {
    const r = await televerser(
      await classeur([
        [`${ICI}01`, 'Dupont', new Date('2026-01-12T00:00:00Z'), null, 2, 1, 14_800, 'dalo', '45234|45302', 'T2|T3'],
        [`${ICI}02`, 'Martin', '02/03/2026', new Date('2026-09-01T00:00:00Z'), 4, 2, 31_000, null, '45234', 'T4'],
      ]),
      'export-imhoweb.csv',
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ lignes: 2, nouvelles: 2 });
    const d = await ici();
    expect(
      d.map((x) => [x.numeroSne, x.dateDemande, x.personnes, x.enfantsMoins14, x.ressourcesAnnuelles, x.dalo]),
    ).toEqual([
      [`${ICI}01`, '2026-01-12', 2, 1, 14_800, true],
      [`${ICI}02`, '2026-03-02', 4, 2, 31_000, false],
    ]);
    expect(d[1]!.dateRenouvellement).toBe('2026-09-01');
    expect(d[0]!.communes).toEqual(['45234', '45302']);
    expect(JSON.stringify(d)).not.toContain('Dupont');
  });
});
