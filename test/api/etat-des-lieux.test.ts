/**
 * The état des lieux of reservations through the API, on the seeded demo (PGlite, and PostgreSQL
 * when DATABASE_URL is set): the stock reservations imported all-or-nothing, the live picture per
 * role, the XLSX read back, the lock as an immutable version, each party's signature, and the
 * « photo de départ ».
 */
import type { ErreurTeleversementApi } from '../../src/contracts/televersement.ts';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoDeDepart } from '../../src/app/etat-des-lieux.ts';
import { verifierAudit } from '../../src/app/audit.ts';
import { logements } from '../../src/db/schema.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR3 = 'bailleur3@demo.flux';
const AL = 'reservataire@demo.flux';
const COMMUNE = 'commune@demo.flux';
const ETAT = 'etat@demo.flux';

interface Groupe {
  id: string;
  nature: string;
  libelle: string;
  logements: number;
  droitsUniques: number;
  mixes: Record<string, Record<string, number>>;
}
interface Etat {
  groupes: Groupe[];
  unites: number;
  bareme: { source: string } | null;
}
interface Version {
  id: string;
  version: number;
  empreinte: string;
  statut: string;
  parties: { organisationId: string; signeLe: string | null }[];
}

const csv = (lignes: string[][]) => `\uFEFFRPLS;RESERVATAIRE;TYPE\n${lignes.map((l) => l.join(';')).join('\n')}\n`;

describe.each(genresDeTest())('état des lieux des réservations (%s)', (genre) => {
  let s: ServeurDeTest;
  let rpls: string[] = [];

  beforeAll(async () => {
    s = await serveurDeTest(genre);
    rpls = (
      await s.t.base.db
        .select({ rpls: logements.rpls })
        .from(logements)
        .where(
          and(eq(logements.bailleurId, 'HLD'), eq(logements.departement, '45'), isNull(logements.absentRplsDepuis)),
        )
        .orderBy(asc(logements.rpls))
    ).map((r) => r.rpls);
  }, 120_000);
  afterAll(() => s?.fermer());

  const importer = (email: string, corps: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/patrimoine/reservations?nom=reservations.csv',
      payload: corps,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[email]!.csrf },
      cookies: { flux_session: s.comptes[email]!.cookie },
    });

  it('import des réservations du stock : tout ou rien, chaque problème nommé par ligne et colonne', async () => {
    const avant = await s.t.base.db
      .select({ r: logements.reservationStock, id: logements.reservataireStockId })
      .from(logements)
      .where(eq(logements.rpls, rpls[0]!));
    const r = await importer(
      BAILLEUR,
      csv([
        [rpls[0]!, 'ACTION-LOGEMENT', ''],
        ['INCONNU-1', 'ACTION-LOGEMENT', ''],
        [rpls[1]!, 'PERSONNE', 'reserve'],
        [rpls[2]!, '', 'bizarre'],
      ]),
    );
    expect(r.statusCode).toBe(422);
    const chemins = (r.json() as { problemes: { chemin: string }[] }).problemes.map((p) => p.chemin);
    expect(chemins).toEqual(['reservations.csv:3:RPLS', 'reservations.csv:4:RESERVATAIRE', 'reservations.csv:5:TYPE']);
    // The rejected rows, with their errors, by the error file's own link (never in the answer itself).
    const refus = r.json() as ErreurTeleversementApi;
    expect(refus).toMatchObject({ erreur: 'LIGNES_INVALIDES', rejetes: 3, nombreProblemes: 3 });
    expect(refus.fichierErreurs).toMatchObject({ nom: 'reservations.erreurs.csv', lignes: 3 });
    const d = await s.appel(BAILLEUR, 'GET', refus.fichierErreurs!.url);
    expect(d.statusCode).toBe(200);
    const lignes = d.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lignes[0]).toBe('RPLS;RESERVATAIRE;TYPE;Erreur');
    expect(lignes[1]).toMatch(/^INCONNU-1;ACTION-LOGEMENT;;reservations\.csv:3:RPLS : logement INCONNU-1 inconnu/);
    expect(lignes[3]).toMatch(/;bizarre;reservations\.csv:5:TYPE : type « bizarre » inconnu/);
    expect((await s.appel(BAILLEUR3, 'GET', refus.fichierErreurs!.url)).statusCode).toBe(404);
    const apres = await s.t.base.db
      .select({ r: logements.reservationStock, id: logements.reservataireStockId })
      .from(logements)
      .where(eq(logements.rpls, rpls[0]!));
    expect(apres).toEqual(avant);
    // Another bailleur's agent cannot write HLD's reservations: its own stock does not hold these units.
    expect((await importer(BAILLEUR3, csv([[rpls[0]!, 'ACTION-LOGEMENT', '']]))).statusCode).toBe(422);
  });

  it('import valide : 10 logements à Action Logement, 5 à l’État, un droit unique de la Ville d’Orléans (par SIREN), le reste non réservé', async () => {
    const lignes = rpls.map((id, i): string[] =>
      i < 10
        ? [id, 'ACTION-LOGEMENT', '']
        : i < 15
          ? [id, 'ETAT-45', 'réservé']
          : i === 15
            ? [id, '214502346', 'droit unique']
            : [id, '', ''],
    );
    const r = await importer(BAILLEUR, csv(lignes));
    expect(r.statusCode, r.body).toBe(200);
    const resume = r.json() as {
      lignes: number;
      parNature: Record<string, number>;
      parReservataire: Record<string, number>;
    };
    expect(resume.lignes).toBe(rpls.length);
    expect(resume.parNature).toEqual({ reserve: 15, droit_unique: 1, aucune: rpls.length - 16, inconnue: 0 });
    expect(resume.parReservataire).toEqual({ 'ACTION-LOGEMENT': 10, 'ETAT-45': 5, 'VILLE-ORLEANS': 1 });
    const [n] = await s.t.base.db
      .select({ n: sql<number>`count(*)::int` })
      .from(logements)
      .where(and(eq(logements.bailleurId, 'HLD'), eq(logements.reservataireStockId, 'ACTION-LOGEMENT')));
    expect(Number(n!.n)).toBe(10);
  });

  it('le bailleur voit chaque réservataire à côté de l’ensemble de son parc ; la somme des groupes fait le parc', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/patrimoine/etat-des-lieux');
    expect(r.statusCode, r.body).toBe(200);
    const e = r.json() as Etat;
    expect(e.groupes.map((g) => [g.id, g.logements, g.droitsUniques])).toEqual([
      ['ENSEMBLE', rpls.length, 1],
      ['ACTION-LOGEMENT', 10, 0],
      ['ETAT-45', 5, 0],
      ['VILLE-ORLEANS', 0, 1],
      ['NON_RESERVE', rpls.length - 16, 0],
      ['INCONNUE', 0, 0],
    ]);
    expect(e.unites).toBe(rpls.length);
    expect(e.bareme?.source).toMatch(/27 septembre 2019/);
    const ensemble = e.groupes[0]!;
    expect(Object.values(ensemble.mixes['typologie']!).reduce((a, b) => a + b, 0)).toBe(rpls.length);
  });

  it('un réservataire ne voit que sa part (les autres réservataires sommés) ; un bailleur tiers est refusé', async () => {
    const r = await s.appel(AL, 'GET', '/api/patrimoine/etat-des-lieux?bailleur=HLD&departement=45');
    expect(r.statusCode, r.body).toBe(200);
    const e = r.json() as Etat;
    expect(e.groupes.map((g) => [g.id, g.logements, g.droitsUniques])).toEqual([
      ['ENSEMBLE', rpls.length, 1],
      ['ACTION-LOGEMENT', 10, 0],
      ['AUTRES', 5, 1],
      ['NON_RESERVE', rpls.length - 16, 0],
      ['INCONNUE', 0, 0],
    ]);
    expect(e.unites).toBe(10);
    expect((await s.appel(BAILLEUR3, 'GET', '/api/patrimoine/etat-des-lieux?bailleur=HLD')).statusCode).toBe(403);
    const pilote = (await s.appel(ETAT, 'GET', '/api/patrimoine/etat-des-lieux?bailleur=HLD')).json() as Etat;
    expect(pilote.groupes.map((g) => g.id)).toContain('VILLE-ORLEANS');
  });

  it('XLSX : synthèse, une feuille par dimension, et le détail des logements', async () => {
    const r = await s.appel(BAILLEUR, 'GET', '/api/patrimoine/etat-des-lieux.xlsx');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toMatch(/etat-des-lieux-HLD-45-/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Synthèse',
      'Typologie',
      'Financement',
      'Quartier prioritaire',
      'Commune',
      'EPCI',
      'Période de construction',
      'Type d’habitat',
      'Loyer et plafond APL',
      'Logements',
    ]);
    expect(wb.getWorksheet('Logements')!.rowCount).toBe(rpls.length + 1);
    const synthese = wb.getWorksheet('Synthèse')!;
    const lignes: unknown[][] = [];
    synthese.eachRow((row) => lignes.push((row.values as unknown[]).slice(1)));
    expect(lignes.find((l) => l[0] === 'Action Logement Services')?.[1]).toBe(10);
    const typologie = wb.getWorksheet('Typologie')!;
    const total = typologie.getRow(typologie.rowCount).values as unknown[];
    expect(total[1]).toBe('Total');
    expect(total[2]).toBe(rpls.length);
  });

  let v1: Version;

  it('verrouiller : une version immuable, à signer par le bailleur et chaque réservataire détenteur', async () => {
    expect((await s.appel(AL, 'POST', '/api/patrimoine/etats-des-lieux', {})).statusCode).toBe(403);
    const r = await s.appel(BAILLEUR, 'POST', '/api/patrimoine/etats-des-lieux', {});
    expect(r.statusCode, r.body).toBe(201);
    v1 = r.json() as Version;
    expect(v1.version).toBe(1);
    expect(v1.statut).toBe('en_signature');
    expect(v1.parties.map((p) => p.organisationId)).toEqual(['HLD', 'ACTION-LOGEMENT', 'ETAT-45', 'VILLE-ORLEANS']);
    expect(v1.empreinte).toMatch(/^[0-9a-f]{64}$/);
    // Nothing changed: a second lock is refused.
    expect((await s.appel(BAILLEUR, 'POST', '/api/patrimoine/etats-des-lieux', {})).statusCode).toBe(409);
    // The table refuses any change, whoever asks.
    await expect(s.t.base.db.execute(sql`update etats_des_lieux set empreinte = 'x'`)).rejects.toThrow();
    await expect(s.t.base.db.execute(sql`delete from etats_des_lieux`)).rejects.toThrow();
  });

  it('signer : l’empreinte lue, une fois par partie ; une fois toutes signées, c’est la photo de départ', async () => {
    const signer = (email: string, empreinte: string) =>
      s.appel(email, 'POST', `/api/patrimoine/etats-des-lieux/${v1.id}/signatures`, { empreinte });
    expect((await signer(AL, 'f'.repeat(64))).statusCode).toBe(409);
    expect((await signer(AL, v1.empreinte)).statusCode).toBe(201);
    expect((await signer(AL, v1.empreinte)).statusCode).toBe(409);
    expect((await signer(BAILLEUR3, v1.empreinte)).statusCode).toBe(403);
    expect(await photoDeDepart(s.t.base.db, 'HLD', '45')).toBeNull();
    for (const email of [BAILLEUR, ETAT]) expect((await signer(email, v1.empreinte)).statusCode).toBe(201);
    const derniere = await signer(COMMUNE, v1.empreinte);
    expect(derniere.statusCode, derniere.body).toBe(201);
    expect((derniere.json() as Version).statut).toBe('signe');
    const photo = await photoDeDepart(s.t.base.db, 'HLD', '45');
    expect(photo?.version.version).toBe(1);
    expect(photo?.etat.unites).toHaveLength(rpls.length);
    // The commune sees its version: its own unit, the others summed.
    const vue = (await s.appel(COMMUNE, 'GET', `/api/patrimoine/etats-des-lieux/${v1.id}`)).json() as {
      etat: Etat;
      version: Version;
    };
    expect(vue.etat.groupes.map((g) => g.id)).toEqual([
      'ENSEMBLE',
      'VILLE-ORLEANS',
      'AUTRES',
      'NON_RESERVE',
      'INCONNUE',
    ]);
    expect(vue.etat.unites).toBe(1);
    const xlsx = await s.appel(COMMUNE, 'GET', `/api/patrimoine/etats-des-lieux/${v1.id}/xlsx`);
    expect(xlsx.statusCode).toBe(200);
  });

  it('un changement de réservation puis un nouveau verrouillage donnent la version 2 ; la photo de départ reste la version 1 signée', async () => {
    expect((await importer(BAILLEUR, csv([[rpls[20]!, 'ACTION-LOGEMENT', '']]))).statusCode).toBe(200);
    const r = await s.appel(BAILLEUR, 'POST', '/api/patrimoine/etats-des-lieux', {});
    expect(r.statusCode, r.body).toBe(201);
    expect((r.json() as Version).version).toBe(2);
    const liste = (await s.appel(ETAT, 'GET', '/api/patrimoine/etats-des-lieux?bailleur=HLD')).json() as Version[];
    expect(liste.map((v) => [v.version, v.statut])).toEqual([
      [2, 'en_signature'],
      [1, 'signe'],
    ]);
    expect((await photoDeDepart(s.t.base.db, 'HLD', '45'))?.version.version).toBe(1);
    expect((await verifierAudit(s.t.base.db)).ok).toBe(true);
  });
});
