/**
 * The demands file as an Excel workbook (issue 13 item 5: « a documented CSV/XLSX template »): the
 * same template, first sheet, read as the CSV is — date cells, numbers, columns outside the template
 * never read — all or nothing, each problem named by the sheet's row and the column, the error file
 * written. Recognised by its bytes, whatever the name or content type it is sent with.
 */
import { and, eq, like } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demandes } from '../../src/db/schema.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const RESERVATAIRE = 'reservataire@demo.flux';
const ICI = '0452611000009';

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
