/**
 * Reference data: the QPV lists (2015 and 2024 geographies) and the dated commune zonings (APL zone,
 * zone tendue), through their readers, their imports (PGlite, and PostgreSQL when DATABASE_URL is
 * set) and the `flux import qpv|zonage` commands.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { main } from '../../src/cli/main.ts';
import { quartiersPrioritaires, zonagesCommunes } from '../../src/db/schema.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { chargerQpvEmbarques, departementDuQpv, importerQpv, lireListeQpv } from '../../src/reference/qpv.ts';
import { importerZonage, lireListeZonage, zonageAu } from '../../src/reference/zonages.ts';
import { genresDeTest, ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';

const octets = (s: string) => new TextEncoder().encode(s);

function problemes(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof DonneesInvalides) return err.problemes.map((p) => `${p.chemin} ${p.message}`);
    throw err;
  }
  return [];
}

describe('listes de QPV', () => {
  it('département d’un code : QP009001 → 09, QP971001 → 971, QN02A001 → 2A', () => {
    expect(['QP009001', 'QP971001', 'QN02A001', 'QN045001'].map(departementDuQpv)).toEqual(['09', '971', '2A', '45']);
  });

  it('une ligne par commune, ou les communes dans un champ', () => {
    const q = lireListeQpv(
      octets(
        'code_qp,nom_qp,insee_com\nQN045001,Argonne,45234\nQN045001,Argonne,45302\nQN045002,La Source,"45234|45147"\n',
      ),
      'qpv.csv',
      '2024',
    );
    expect(q).toEqual([
      { code: 'QN045001', nom: 'Argonne', departement: '45', communes: ['45234', '45302'] },
      { code: 'QN045002', nom: 'La Source', departement: '45', communes: ['45234', '45147'] },
    ]);
  });

  it('chaque problème est nommé par sa ligne et sa colonne ; l’autre géographie est refusée', () => {
    expect(
      problemes(() =>
        lireListeQpv(
          octets('CODE_QP;NOM_QP;CODE_COMMUNE\nQP045001;Argonne;45234\nXX;Y;45234\nQN045001;Z;4523\n'),
          'q.csv',
          '2015',
        ),
      ),
    ).toEqual([
      'q.csv:3:CODE_QP code « XX » invalide (attendu : QP + département sur 3 caractères + 3 caractères, ex. QP045001)',
      'q.csv:4:CODE_QP code QN045001 d’une autre géographie : la géographie 2015 a des codes QP…',
    ]);
    expect(problemes(() => lireListeQpv(octets('CODE;NOM\nQP045001;A\n'), 'q.csv', '2015'))[0]).toMatch(
      /^q\.csv:1 colonne « CODE_COMMUNE » absente/,
    );
    expect(problemes(() => lireListeQpv(octets('CODE_QP;NOM_QP;CODE_COMMUNE\nQP045001;A\n'), 'q.csv', '2015'))).toEqual(
      ['q.csv:2 2 champ(s) au lieu des 3 de l’en-tête'],
    );
  });
});

describe('zonages des communes', () => {
  it('zones APL : I, II, III, 1, 2, 3 ou « zone 2 » ; zone tendue : la liste des communes', () => {
    expect(
      lireListeZonage(octets('CODGEO;ZONE\n45234;2\n45147;Zone III\n75056;I\n'), 'z.csv', 'zone_apl').map(
        (z) => z.valeur,
      ),
    ).toEqual(['II', 'III', 'I']);
    expect(lireListeZonage(octets('CODGEO\n75056\n'), 'z.csv', 'zone_tendue')).toEqual([
      { commune: '75056', valeur: 'oui' },
    ]);
    expect(
      problemes(() => lireListeZonage(octets('CODGEO;ZONE\n45234;4\n45234;2\nabc;1\n'), 'z.csv', 'zone_apl')),
    ).toEqual([
      'z.csv:2:ZONE zone APL « 4 » invalide (attendu : I, II, III)',
      'z.csv:3:CODGEO commune 45234 déjà présente ligne 2',
      'z.csv:4:CODGEO code commune « abc » invalide (5 caractères INSEE attendus)',
    ]);
  });
});

describe.each(genresDeTest())('imports de référentiels (%s)', (genre) => {
  let t: BaseDeTest;
  beforeAll(async () => {
    t = await ouvrirBaseDeTest(genre);
  }, 60_000);
  afterAll(() => t?.fermer());

  it('la liste embarquée (Occitanie 2015) se charge une fois ; Narbonne a ses trois quartiers', async () => {
    expect(await chargerQpvEmbarques(t.base.db)).toBe(105);
    expect(await chargerQpvEmbarques(t.base.db)).toBe(0);
    const narbonne = await t.base.db
      .select({ code: quartiersPrioritaires.code })
      .from(quartiersPrioritaires)
      .where(eq(quartiersPrioritaires.departement, '11'));
    expect(narbonne.map((q) => q.code)).toEqual(expect.arrayContaining(['QP011007', 'QP011008', 'QP011009']));
  });

  it('import d’une liste 2024 : nouveaux puis modifiés, audité', async () => {
    const r1 = await t.base.db.transaction((tx) =>
      importerQpv(tx, null, {
        fichier: 'q.csv',
        octets: octets('CODE_QP;NOM_QP;CODE_COMMUNE\nQN045001;Argonne;45234\n'),
        geographie: '2024',
        source: 'test',
      }),
    );
    expect(r1).toMatchObject({ quartiers: 1, nouveaux: 1, modifies: 0, departements: ['45'] });
    const r2 = await t.base.db.transaction((tx) =>
      importerQpv(tx, null, {
        fichier: 'q.csv',
        octets: octets('CODE_QP;NOM_QP;CODE_COMMUNE\nQN045001;Argonne - Nécotin;45234\n'),
        geographie: '2024',
        source: 'test',
      }),
    );
    expect(r2).toMatchObject({ nouveaux: 0, modifies: 1 });
    expect((await verifierAudit(t.base.db)).ok).toBe(true);
  });

  it('zonage daté : la liste suivante clôt la période précédente ; « remplacer » sort les communes absentes', async () => {
    const db = t.base.db;
    await db.transaction((tx) =>
      importerZonage(tx, null, {
        fichier: 'z.csv',
        octets: octets('CODGEO\n45234\n45147\n'),
        zonage: 'zone_tendue',
        du: '2013-05-10',
        source: 'décret 2013-392',
      }),
    );
    const r = await db.transaction((tx) =>
      importerZonage(tx, null, {
        fichier: 'z.csv',
        octets: octets('CODGEO\n45234\n45302\n'),
        zonage: 'zone_tendue',
        du: '2023-08-27',
        source: 'décret 2023-822',
        remplacer: true,
      }),
    );
    expect(r).toMatchObject({ communes: 2, periodesCloses: 2 });
    expect(await zonageAu(db, '45147', 'zone_tendue', '2020-01-01')).toBe('oui');
    expect(await zonageAu(db, '45147', 'zone_tendue', '2024-01-01')).toBeNull();
    expect(await zonageAu(db, '45302', 'zone_tendue', '2020-01-01')).toBeNull();
    expect(await zonageAu(db, '45302', 'zone_tendue', '2024-01-01')).toBe('oui');
    expect(await zonageAu(db, '45234', 'zone_tendue', '2023-08-26')).toBe('oui');
    const lignes = await db.select().from(zonagesCommunes).where(eq(zonagesCommunes.commune, '45234'));
    expect(lignes.map((l) => [l.du, l.au, l.source]).sort()).toEqual([
      ['2013-05-10', '2023-08-27', 'décret 2013-392'],
      ['2023-08-27', null, 'décret 2023-822'],
    ]);
  });

  it('une liste invalide n’écrit rien', async () => {
    const db = t.base.db;
    await expect(
      db.transaction((tx) =>
        importerZonage(tx, null, {
          fichier: 'z.csv',
          octets: octets('CODGEO;ZONE\n45001;2\n45002;9\n'),
          zonage: 'zone_apl',
          du: '2024-01-01',
          source: 's',
        }),
      ),
    ).rejects.toThrow(/z\.csv:3:ZONE/);
    expect(await zonageAu(db, '45001', 'zone_apl', '2025-01-01')).toBeNull();
    await expect(
      db.transaction((tx) =>
        importerZonage(tx, null, {
          fichier: 'z.csv',
          octets: octets('CODGEO;ZONE\n45001;2\n'),
          zonage: 'zone_apl',
          du: '2024-13-01',
          source: '',
        }),
      ),
    ).rejects.toThrow(/du:/);
  });
});

describe('flux import qpv|zonage', () => {
  const dossier = mkdtempSync(join(tmpdir(), 'flux-ref-'));
  const sorties = () => {
    const o = { out: '', err: '' };
    return { o, io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } };
  };

  it('importe une zone APL puis refuse un fichier invalide (code 2, ligne et colonne nommées)', async () => {
    const data = join(dossier, 'base');
    const bon = join(dossier, 'zones.csv');
    writeFileSync(bon, 'CODGEO;ZONE\n45234;II\n45147;III\n');
    const a = sorties();
    expect(
      await main(
        [
          'import',
          'zonage',
          bon,
          '--type',
          'zone_apl',
          '--du',
          '2024-01-01',
          '--source',
          'test',
          '--data',
          data,
          '--json',
        ],
        a.io,
      ),
    ).toBe(0);
    expect(JSON.parse(a.o.out)).toMatchObject({ communes: 2, parValeur: { II: 1, III: 1 } });
    const mauvais = join(dossier, 'mauvais.csv');
    writeFileSync(mauvais, 'CODE_QP;NOM_QP;CODE_COMMUNE\nQP045001;A;45234\nQP045002;B;x\n');
    const b = sorties();
    expect(
      await main(['import', 'qpv', mauvais, '--geographie', '2015', '--source', 'test', '--data', data], b.io),
    ).toBe(2);
    expect(b.o.err).toContain('mauvais.csv:3:CODE_COMMUNE: code commune « x » invalide');
    const c = sorties();
    expect(
      await main(['import', 'qpv', mauvais, '--geographie', '2019', '--source', 'test', '--data', data], c.io),
    ).toBe(2);
    expect(c.o.err).toContain('--geographie');
  }, 60_000);
});
