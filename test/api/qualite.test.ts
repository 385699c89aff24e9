/**
 * GET /api/patrimoine/qualite and its XLSX, on the seeded demo (PGlite, and PostgreSQL when
 * DATABASE_URL is set): the report of a bailleur, the workbook read back with exceljs and checked
 * against the JSON, and who may ask for which bailleur.
 *
 * Decision: an agent de bailleur asking for another bailleur gets 403 (never a silent fallback to
 * its own report); the State pilot must name the bailleur (422 without), any bailleur of its
 * département.
 */
import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anneeParis } from '../../src/domain/calendrier.ts';
import type { RapportQualiteApi } from '../../src/contracts/api.ts';
import { locations, logements } from '../../src/db/schema.ts';
import { ENTETES_SYNTHESE, TYPE_XLSX } from '../../src/reports/qualite-xlsx.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';

/** The demo's year (the seed writes its lettings in the year of `aujourdhui`, 2026). */
const ANNEE = 2026;

describe.each(genresDeTest())('qualité des données du patrimoine (%s)', (genre) => {
  let s: ServeurDeTest;
  /** Defects written into the demo before any request (the answers are cached per data version). */
  const defauts = { horsCog: '', qpvAutreDepartement: '', absentRpls: '' };

  beforeAll(async () => {
    s = await serveurDeTest(genre);
    const db = s.t.base.db;
    const ids = (
      await db
        .select({ id: logements.id })
        .from(logements)
        .where(eq(logements.bailleurId, 'HLD'))
        .orderBy(logements.id)
        .limit(3)
    ).map((r) => r.id);
    [defauts.horsCog, defauts.qpvAutreDepartement, defauts.absentRpls] = ids as [string, string, string];
    await db.update(logements).set({ commune: '45999' }).where(eq(logements.id, defauts.horsCog));
    await db.update(logements).set({ qpv: 'QN075001' }).where(eq(logements.id, defauts.qpvAutreDepartement));
    await db
      .update(logements)
      .set({ reservationStock: 'aucune', reservataireStockId: null, surface: '64.5' })
      .where(eq(logements.bailleurId, 'HLD'));
    await db.execute(
      sql`insert into imports_rpls (id, bailleur_id, fichier, empreinte, resume) values ('IMP-TEST', 'HLD', 'rpls.csv', 'x', '{}'::jsonb)`,
    );
    await db.update(logements).set({ absentRplsDepuis: 'IMP-TEST' }).where(eq(logements.id, defauts.absentRpls));
  }, 120_000);
  afterAll(() => s?.fermer());

  const controle = (r: RapportQualiteApi, code: string) => r.controles.find((c) => c.code === code)!;

  async function attendu(bailleurId: string) {
    const db = s.t.base.db;
    const [total] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(logements)
      .where(eq(logements.bailleurId, bailleurId));
    const signes = and(
      eq(locations.bailleurId, bailleurId),
      eq(locations.annee, ANNEE),
      eq(locations.etat, 'bail_signe'),
    );
    const [den] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(locations)
      .where(signes);
    const [num] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(locations)
      .where(and(signes, isNotNull(locations.ligne), ne(locations.ligne, 'BAILLEUR')));
    return { total: Number(total!.n), numerateur: Number(num!.n), denominateur: Number(den!.n) };
  }

  it('agent de bailleur : le rapport de son organisme, contrôles et indicateur exacts', async () => {
    const r = await s.appel(BAILLEUR, 'GET', `/api/patrimoine/qualite?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    const rapport = r.json() as RapportQualiteApi;
    const a = await attendu('HLD');
    expect(rapport.bailleur).toEqual({ id: 'HLD', nom: 'Habitat Loiret Démo' });
    expect(rapport.totalLogements).toBe(a.total);
    expect(controle(rapport, 'COMMUNE_HORS_COG')).toMatchObject({
      nombre: 1,
      exemples: [defauts.horsCog],
      gravite: 'erreur',
    });
    expect(controle(rapport, 'QPV_DEPARTEMENT')).toMatchObject({ nombre: 1, exemples: [defauts.qpvAutreDepartement] });
    expect(controle(rapport, 'ABSENT_RPLS')).toMatchObject({ nombre: 1, exemples: [defauts.absentRpls] });
    expect(controle(rapport, 'RESERVATION_INCONNUE').nombre).toBe(0);
    expect(controle(rapport, 'SURFACE_ABSENTE').nombre).toBe(0);
    expect(controle(rapport, 'RPLS_DOUBLON').nombre).toBe(0);
    expect(controle(rapport, 'COMMUNE_ABSENTE').nombre).toBe(0);
    for (const c of rapport.controles) expect(c.exemples.length).toBeLessThanOrEqual(Math.min(20, c.nombre));
    const i = rapport.indicateurs.partAttributionsReservataireConnu;
    expect(a.denominateur).toBeGreaterThan(0);
    expect(i).toEqual({
      realise: a.numerateur / a.denominateur,
      numerateur: a.numerateur,
      denominateur: a.denominateur,
      annee: ANNEE,
      reference: 'Loiret 49 %, 5–12 % ailleurs (séminaire)',
    });
  });

  it('sans année : les attributions de l’année précédente', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/patrimoine/qualite?bailleur=HLD');
    expect(r.statusCode).toBe(200);
    expect((r.json() as RapportQualiteApi).indicateurs.partAttributionsReservataireConnu.annee).toBe(
      anneeParis(new Date()) - 1,
    );
  });

  it('le classeur XLSX : en-têtes, nom de fichier, feuille « Synthèse » identique au JSON', async () => {
    const json = (await s.appel(BAILLEUR, 'GET', `/api/patrimoine/qualite?annee=${ANNEE}`)).json() as RapportQualiteApi;
    const r = await s.appel(BAILLEUR, 'GET', `/api/patrimoine/qualite.xlsx?bailleur=HLD&annee=${ANNEE}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(TYPE_XLSX);
    const disposition = String(r.headers['content-disposition']);
    expect(disposition).toMatch(/^attachment; filename="qualite-des-donnees-HLD-\d{4}-\d{2}-\d{2}\.xlsx"/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toMatch(
      /^Qualité des données — Habitat Loiret Démo — \d{4}-\d{2}-\d{2}\.xlsx$/,
    );

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const synthese = wb.getWorksheet('Synthèse')!;
    expect(synthese).toBeDefined();
    expect(synthese.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect((synthese.getRow(1).values as unknown[]).slice(1)).toEqual([...ENTETES_SYNTHESE]);
    expect(synthese.getColumn(2).width).toBeGreaterThan(30);
    json.controles.forEach((c, n) => {
      const ligne = synthese.getRow(n + 2);
      expect(
        [ligne.getCell(1).value, ligne.getCell(2).value, ligne.getCell(4).value, ligne.getCell(6).value],
        c.code,
      ).toEqual([c.code, c.libelle, c.nombre, c.exemples.join(', ')]);
      expect(ligne.getCell(3).value).toBe(c.gravite === 'erreur' ? 'Erreur' : 'Avertissement');
    });
    const i = json.indicateurs.partAttributionsReservataireConnu;
    const indicateur = synthese.getRows(1, synthese.rowCount)!.find((l) => l.getCell(1).value === 'Indicateur')!;
    expect(indicateur.getCell(4).value).toBe(`${i.numerateur} / ${i.denominateur}`);
    expect(indicateur.getCell(5).value).toBeCloseTo(i.realise!, 12);

    // One sheet per control that found units, listing every one of them.
    const avecDefauts = json.controles.filter((c) => c.nombre > 0);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Synthèse', ...avecDefauts.map((c) => c.code)]);
    for (const c of avecDefauts) {
      const ws = wb.getWorksheet(c.code)!;
      expect(ws.rowCount - 1, c.code).toBe(c.nombre);
      expect(ws.getRow(1).getCell(1).value).toBe('Identifiant');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    expect(wb.getWorksheet('COMMUNE_HORS_COG')!.getRow(2).getCell(1).value).toBe(defauts.horsCog);
  });

  it('un agent de bailleur qui demande un autre bailleur : 403, en JSON comme en XLSX', async () => {
    for (const url of ['/api/patrimoine/qualite?bailleur=VLL', '/api/patrimoine/qualite.xlsx?bailleur=VLL']) {
      const r = await s.appel(BAILLEUR, 'GET', url);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().message).toMatch(/votre organisme/);
    }
  });

  it('réservataire et lecteur EPCI : 403', async () => {
    for (const email of [AL, EPCI]) {
      for (const url of ['/api/patrimoine/qualite?bailleur=HLD', '/api/patrimoine/qualite.xlsx?bailleur=HLD']) {
        expect((await s.appel(email, 'GET', url)).statusCode, `${email} ${url}`).toBe(403);
      }
    }
  });

  it('pilote de l’État : un bailleur de son département, qu’il doit nommer', async () => {
    const r = await s.appel(ETAT, 'GET', `/api/patrimoine/qualite?bailleur=VLL&annee=${ANNEE}`);
    expect(r.statusCode).toBe(200);
    const rapport = r.json() as RapportQualiteApi;
    const a = await attendu('VLL');
    expect(rapport.bailleur.id).toBe('VLL');
    expect(rapport.totalLogements).toBe(a.total);
    expect(rapport.indicateurs.partAttributionsReservataireConnu).toMatchObject({
      numerateur: a.numerateur,
      denominateur: a.denominateur,
    });
    // As many flagged units as the database holds without surface, and without known stock reservation.
    const compter = async (condition: ReturnType<typeof isNull>) =>
      Number(
        (
          await s.t.base.db
            .select({ n: sql<number>`count(*)::int` })
            .from(logements)
            .where(and(eq(logements.bailleurId, 'VLL'), condition))
        )[0]!.n,
      );
    expect(controle(rapport, 'SURFACE_ABSENTE').nombre).toBe(await compter(isNull(logements.surface)));
    expect(controle(rapport, 'RESERVATION_INCONNUE').nombre).toBe(await compter(isNull(logements.reservationStock)));

    const sans = await s.appel(ETAT, 'GET', '/api/patrimoine/qualite');
    expect(sans.statusCode).toBe(422);
    expect(sans.json().message).toMatch(/bailleur/);
    expect((await s.appel(ETAT, 'GET', '/api/patrimoine/qualite?bailleur=ACTION-LOGEMENT')).statusCode).toBe(404);
    expect((await s.appel(ETAT, 'GET', '/api/patrimoine/qualite?bailleur=inconnu')).statusCode).toBe(404);
    expect((await s.appel(ETAT, 'GET', '/api/patrimoine/qualite.xlsx?bailleur=GBH')).statusCode).toBe(200);
  });

  it('paramètre inconnu → 400', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/patrimoine/qualite?pirate=1');
    expect(r.statusCode).toBe(400);
  });
});
