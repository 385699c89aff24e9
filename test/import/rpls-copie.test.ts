/**
 * The import's COPY load: the staging CSV it streams (quoting, nulls, empty strings), the
 * time-ordered identifiers of new units, and round trips through both drivers — a bailleur without
 * units, a re-import (changed, back, and a bailleur whose only units are in another département) —
 * with awkward text values.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logements, organisations } from '../../src/db/schema.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import { ficheCsv, importerRpls, sourceOctets, uuidOrdonne } from '../../src/app/import-rpls.ts';
import { validerEnregistrements, type FicheLogement } from '../../src/import/rpls.ts';
import { genresDeTest, ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';
import { COG, COLONNES_DE_BASE, csv, ligne, utf8 } from './fichiers.ts';

describe('uuidOrdonne', () => {
  it('des UUID version 7, strictement croissants comme texte', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidOrdonne());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('ficheCsv', () => {
  const base: FicheLogement = {
    ligne: 2,
    departement: '45',
    commune: '45234',
    communeFichier: '45234',
    epci: null,
    qpv: null,
    typologie: 'T3',
    financement: 'PLUS',
    codeFinancement: '13',
    construction: 1975,
    individuel: false,
    surface: 65.5,
    loyer: null,
    dpe: 'D',
    conventionne: true,
    numeroConvention: '',
    dateConvention: '2001-02-03',
    adresse: '3, RUE "DU" PONT\nBAT A',
  };
  it('null vide, chaîne vide entre guillemets, guillemets doublés, booléens t/f', () => {
    expect(ficheCsv(base)).toBe('45,45234,,,T3,PLUS,13,1975,f,65.5,,D,t,"",2001-02-03,"3, RUE ""DU"" PONT\nBAT A"');
    expect(ficheCsv({ ...base, adresse: ' ESPACE ' })).toContain(',2001-02-03," ESPACE "');
    expect(ficheCsv({ ...base, conventionne: null, adresse: null, numeroConvention: 'A\\B' })).toBe(
      '45,45234,,,T3,PLUS,13,1975,f,65.5,,D,,"A\\B",2001-02-03,',
    );
  });
});

describe.each(genresDeTest())('chargement par COPY (%s)', (genre) => {
  let t: BaseDeTest;
  let numero = 0;
  beforeAll(async () => {
    t = await ouvrirBaseDeTest(genre);
  }, 60_000);
  afterAll(() => t.fermer());

  async function bailleur(): Promise<{ id: string; siren: string }> {
    numero++;
    const b = { id: `COPIE-${numero}`, siren: `88811${String(numero).padStart(4, '0')}` };
    await t.base.db
      .insert(organisations)
      .values({ id: b.id, nom: `Bailleur ${numero}`, categorie: 'bailleur', siren: b.siren });
    return b;
  }
  const colonnes = [...COLONNES_DE_BASE, 'NUMVOIE', 'LOYERPRINC', 'NUMCONV'];
  const voies = ['RUE "DES" CARMES, BAT; A', 'RUE\\DU\\PONT', '  QUAI  ', 'ALLÉE DES ÉCOLES'];
  const fichier = (n: number, champs: (i: number) => Record<string, string> = () => ({})): Uint8Array =>
    utf8(
      csv(
        Array.from({ length: n }, (_, i) =>
          ligne(`C${i}`, { NOMVOIE: voies[i % voies.length]!, NUMVOIE: String(i), ...champs(i) }),
        ),
        { colonnes },
      ),
    );

  async function stock(bailleurId: string) {
    return t.base.db
      .select({
        rpls: logements.rpls,
        adresse: logements.adresse,
        surface: logements.surface,
        loyer: logements.loyer,
        numeroConvention: logements.numeroConvention,
        absent: logements.absentRplsDepuis,
      })
      .from(logements)
      .where(eq(logements.bailleurId, bailleurId))
      .orderBy(logements.rpls);
  }

  it('premier import : chaque logement tel que lu, textes difficiles compris', async () => {
    const b = await bailleur();
    const octets = fichier(30, (i) => ({ LOYERPRINC: i % 3 === 0 ? '' : `${400 + i}.5`, SURFHAB: `${50 + i}.25` }));
    const r = await importerRpls(t.base.db, sourceOctets('copie.csv', octets), { siren: b.siren });
    expect(r.resume).toMatchObject({ importe: true, nouveaux: 30, rejetes: 0 });
    const lus = validerEnregistrements(lireTout(octets).enregistrements, COG).logements;
    const attendu = lus
      .map((l) => ({ rpls: l.rpls, adresse: l.adresse, surface: l.surface, loyer: l.loyer }))
      .sort((x, y) => (x.rpls < y.rpls ? -1 : 1));
    const stocke = (await stock(b.id)).map((s) => ({
      rpls: s.rpls,
      adresse: s.adresse,
      surface: s.surface === null ? null : Number(s.surface),
      loyer: s.loyer === null ? null : Number(s.loyer),
    }));
    expect(stocke).toEqual(attendu);
    expect(stocke.some((s) => s.adresse?.includes('"DES" CARMES, BAT; A'))).toBe(true);
  });

  it('réimport : modifiés, nouveaux et disparus par la table de transit, dans la même transaction', async () => {
    const b = await bailleur();
    await importerRpls(t.base.db, sourceOctets('a.csv', fichier(20)), { siren: b.siren });
    const second = utf8(
      csv(
        [
          ...Array.from({ length: 15 }, (_, i) =>
            ligne(`C${i}`, { NOMVOIE: voies[i % voies.length]!, NUMVOIE: String(i), SURFHAB: i < 5 ? '99.5' : '65' }),
          ),
          ligne('NOUVEAU', { NOMVOIE: 'RUE "NEUVE"', NUMVOIE: '1' }),
        ],
        { colonnes },
      ),
    );
    const r = await importerRpls(t.base.db, sourceOctets('b.csv', second), { siren: b.siren });
    expect(r.resume).toMatchObject({ nouveaux: 1, disparus: 5, rejetes: 0 });
    expect(r.resume.champsModifies['surface']).toBe(5);
    const s = await stock(b.id);
    expect(s).toHaveLength(21);
    expect(s.find((x) => x.rpls === 'NOUVEAU')?.adresse).toContain('RUE "NEUVE"');
    expect(s.filter((x) => Number(x.surface) === 99.5)).toHaveLength(5);
    expect(s.filter((x) => x.absent !== null)).toHaveLength(5);
    // Back in the next file: present again.
    const r3 = await importerRpls(t.base.db, sourceOctets('c.csv', fichier(20)), { siren: b.siren });
    expect(r3.resume).toMatchObject({ nouveaux: 1 - 1, disparus: 1 });
    expect((await stock(b.id)).filter((x) => x.absent !== null).map((x) => x.rpls)).toEqual(['NOUVEAU']);
  });

  it('département filtré, bailleur déjà présent ailleurs : un identifiant d’un autre département est mis à jour, pas dupliqué', async () => {
    const b = await bailleur();
    await importerRpls(t.base.db, sourceOctets('45.csv', fichier(3)), { siren: b.siren });
    const autre = utf8(
      csv(
        [
          ligne('C0', { DEPCOM: '41018', NOMVOIE: 'RUE DE BLOIS', NUMVOIE: '2' }),
          ligne('X1', { DEPCOM: '41018', NOMVOIE: 'RUE DE BLOIS', NUMVOIE: '4' }),
        ],
        { colonnes },
      ),
    );
    const r = await importerRpls(t.base.db, sourceOctets('41.csv', autre), { siren: b.siren, departement: '41' });
    expect(r.resume).toMatchObject({ importe: true, nouveaux: 2, disparus: 0 });
    const s = await stock(b.id);
    expect(s.map((x) => x.rpls)).toEqual(['C0', 'C1', 'C2', 'X1']);
  });
});
