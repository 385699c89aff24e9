/**
 * The demand side through the API (ADR 0036, issue 13 item 5): a réservataire's demands file
 * imported all or nothing (every problem named by line and column, the error file with the
 * template's columns only), a re-import that updates (audited), the read rules per role; and the
 * reconciliation of a year's allocations on a file with a mismatch of each kind, its indicator
 * figures and its workbook.
 */
import ExcelJS from 'exceljs';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import { demandes, evenementsAudit, locations } from '../../src/db/schema.ts';
import type { RapprochementApi } from '../../src/contracts/demandes.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const RESERVATAIRE = 'reservataire@demo.flux';
const COMMUNE = 'commune@demo.flux';
const BAILLEUR = 'bailleur@demo.flux';
const ETAT = 'etat@demo.flux';

const csv = (lignesCsv: string[]) => `${lignesCsv.join('\r\n')}\r\n`;
const ENTETE =
  'NUMERO_UNIQUE;NOM;DATE_DEMANDE;DATE_RENOUVELLEMENT;PERSONNES;ENFANTS_MOINS_14;RESSOURCES_ANNUELLES;CATEGORIES;COMMUNES;TYPOLOGIES';

/** The numbers this file imports for Action Logement (the demo holds others). */
const ICI = '0452611000001';

describe.each(genresDeTest())('demandes et rapprochement (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre, { horloge: () => new Date('2026-11-20T10:00:00Z') });
  }, 120_000);
  afterAll(() => s?.fermer());

  const televerser = (email: string, url: string, corps: string) =>
    s.app.inject({
      method: 'POST',
      url,
      payload: corps,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[email]!.csrf },
      cookies: { flux_session: s.comptes[email]!.cookie },
    });
  const lire = (email: string, url: string) =>
    s.app.inject({ method: 'GET', url, cookies: { flux_session: s.comptes[email]!.cookie } });

  const VALIDE = csv([
    ENTETE,
    '045261100000101;Dupont;12/01/2026;;2;1;14 800;dalo;45234|45302;T2|T3',
    '045261100000102;Martin;2026-03-02;;4;2;31000,50;;45234;T4',
    '045261100000103;Durand;15/06/2025;10/06/2026;1;0;;pdalhpd|autre_l441_1;45232;T1',
    // Registered more than a year ago and never renewed: no longer valid, not stored (CCH R.441-2-7).
    '045261100000104;Petit;10/01/2025;;3;0;20000;;45234;T3',
  ]);

  it('import du modèle : les demandes, et seulement les colonnes du modèle', async () => {
    const r = await televerser(RESERVATAIRE, '/api/demandes?nom=demandes.csv', VALIDE);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ lignes: 4, nouvelles: 3, modifiees: 0, inchangees: 0, expireesIgnorees: 1 });
    const stockees = await s.t.base.db
      .select()
      .from(demandes)
      .where(and(eq(demandes.organisationId, ORG.actionLogement), like(demandes.numeroSne, `${ICI}%`)))
      .orderBy(demandes.numeroSne);
    expect(stockees.map((d) => [d.numeroSne, d.personnes, d.enfantsMoins14, d.ressourcesAnnuelles, d.dalo])).toEqual([
      ['045261100000101', 2, 1, 14800, true],
      ['045261100000102', 4, 2, 31001, false],
      ['045261100000103', 1, 0, null, false],
    ]);
    expect(stockees[0]!.communes).toEqual(['45234', '45302']);
    expect(stockees[2]).toMatchObject({ pdalhpd: true, autreL4411: true, dateRenouvellement: '2026-06-10' });
    // No column holds a name: the extract's NOM column was never read.
    expect(JSON.stringify(stockees)).not.toContain('Dupont');
  });

  it('lecture : seule l’organisation qui a importé lit ses demandes', async () => {
    // The demo stores demands of its own (the cotation's): these numbers are this test's.
    const r = await lire(RESERVATAIRE, `/api/demandes?numero=${ICI}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ total: 3 });
    expect(r.json().demandes[0]).toMatchObject({
      numeroUnique: '045261100000103',
      finValidite: '2027-06-09',
      categories: ['PDALHPD', 'Autre L.441-1'],
    });
    expect((await lire(COMMUNE, `/api/demandes?numero=${ICI}`)).json()).toMatchObject({ total: 0 });
    expect((await lire(ETAT, `/api/demandes?numero=${ICI}`)).json()).toMatchObject({ total: 0 });
    // The bailleur imports and reads its own demands, and only them.
    const b = await televerser(
      BAILLEUR,
      '/api/demandes',
      csv([ENTETE, '045261100000201;;01/02/2026;;2;0;9000;;45234;T2']),
    );
    expect(b.statusCode, b.body).toBe(200);
    expect((await lire(BAILLEUR, '/api/demandes?numero=04526110000')).json()).toMatchObject({
      total: 1,
      demandes: [{ numeroUnique: '045261100000201' }],
    });
    expect((await lire(RESERVATAIRE, `/api/demandes?numero=${ICI}`)).json()).toMatchObject({ total: 3 });
    expect((await lire('epci@demo.flux', '/api/demandes')).statusCode).toBe(403);
  });

  it('un nouvel import du même numéro unique met la demande à jour, journalisé', async () => {
    const r = await televerser(
      RESERVATAIRE,
      '/api/demandes',
      VALIDE.replace(
        '045261100000102;Martin;2026-03-02;;4;2;31000,50;;45234;T4',
        '045261100000102;Martin;2026-03-02;01/10/2026;5;3;31000,50;dalo;45234;T4|T5',
      ),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      nouvelles: 0,
      modifiees: 1,
      inchangees: 2,
      detailModifiees: [
        {
          numero: '045261100000102',
          champs: ['dateRenouvellement', 'personnes', 'enfantsMoins14', 'dalo', 'typologies'],
        },
      ],
    });
    const [d] = await s.t.base.db
      .select()
      .from(demandes)
      .where(and(eq(demandes.organisationId, ORG.actionLogement), eq(demandes.numeroSne, '045261100000102')));
    expect(d).toMatchObject({ version: 2, personnes: 5, typologies: ['T4', 'T5'] });
    const evenements = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'demandes.importer'));
    const dernier = evenements.at(-1)!;
    expect(dernier.cibleId).toBe(d!.importId);
    expect(dernier.apres).toMatchObject({ modifiees: 1, organisationId: ORG.actionLogement });
    // The audit names the numbers and fields changed, never a value.
    expect(JSON.stringify(dernier.apres)).not.toContain('31000');
  });

  it('tout ou rien : une ligne invalide et rien n’est écrit ; chaque problème par ligne et colonne ; le fichier d’erreurs', async () => {
    const avant = await s.t.base.db.select().from(demandes).orderBy(demandes.numeroSne);
    const r = await televerser(
      RESERVATAIRE,
      '/api/demandes?nom=extrait.csv',
      csv([
        ENTETE,
        '045261100000101;Dupont;12/01/2026;;3;1;14 800;dalo;45234;T2', // valid, would change
        '045261100000105;Roux;31/02/2026;;2;0;;;45234;T2', // no 31 February
        '045261100000106;Blanc;01/03/2026;;2;2;;;99999;T9', // children, commune, typology
        '045261100000101;Dupont;12/01/2026;;3;1;;;45234;T2', // twice in the file
        'ABC;Noir;01/03/2026;;0;;beaucoup;vip;45234;T2',
      ]),
    );
    expect(r.statusCode, r.body).toBe(422);
    const refus = r.json();
    expect(refus).toMatchObject({ erreur: 'LIGNES_INVALIDES', rejetes: 4 });
    const chemins = (refus.problemes as { chemin: string; message: string }[]).map((p) => `${p.chemin} : ${p.message}`);
    expect(chemins).toEqual(
      expect.arrayContaining([
        'ligne 3, colonne DATE_DEMANDE : date « 31/02/2026 » invalide (JJ/MM/AAAA attendu)',
        expect.stringMatching(/^ligne 4, colonne ENFANTS_MOINS_14 : 2 enfants de moins de 14 ans pour 2 personnes/),
        expect.stringMatching(/^ligne 4, colonne COMMUNES : commune « 99999 » inconnue/),
        'ligne 4, colonne TYPOLOGIES : typologie « T9 » inconnue (T1 à T6 attendu)',
        'ligne 5, colonne NUMERO_UNIQUE : numéro unique 045261100000101 déjà présent ligne 2',
        expect.stringMatching(/^ligne 6, colonne NUMERO_UNIQUE : numéro unique invalide/),
        expect.stringMatching(/^ligne 6, colonne PERSONNES : « 0 »/),
        expect.stringMatching(/^ligne 6, colonne RESSOURCES_ANNUELLES : « beaucoup »/),
        expect.stringMatching(/^ligne 6, colonne CATEGORIES : catégorie « vip » inconnue/),
      ]),
    );
    expect(await s.t.base.db.select().from(demandes).orderBy(demandes.numeroSne)).toEqual(avant);
    const f = await lire(RESERVATAIRE, refus.fichierErreurs.url);
    expect(f.statusCode).toBe(200);
    const contenu = f.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(contenu[0]).toBe(
      'NUMERO_UNIQUE;DATE_DEMANDE;DATE_RENOUVELLEMENT;PERSONNES;ENFANTS_MOINS_14;RESSOURCES_ANNUELLES;CATEGORIES;COMMUNES;TYPOLOGIES;Erreur',
    );
    expect(contenu).toHaveLength(6); // header, 4 rows, the final line break
    expect(f.body).not.toContain('Roux'); // the NOM column is not copied
    // Another organisation cannot download it.
    expect((await lire(COMMUNE, refus.fichierErreurs.url)).statusCode).toBe(404);
  });

  it('en-tête incomplet : refusé en nommant la colonne', async () => {
    const r = await televerser(RESERVATAIRE, '/api/demandes', csv(['NUMERO_UNIQUE;PERSONNES', '045261100000101;2']));
    expect(r.statusCode).toBe(422);
    expect(r.json().problemes.map((p: { chemin: string }) => p.chemin)).toEqual([
      'ligne 1, colonne DATE_DEMANDE',
      'ligne 1, colonne COMMUNES',
      'ligne 1, colonne TYPOLOGIES',
    ]);
  });

  describe('rapprochement des attributions de l’année', () => {
    interface Bail {
      rpls: string;
      date: string;
      numero: string | null;
      reservataire: string;
      location: string;
    }
    let annee = 0;
    let baux: Bail[] = [];
    beforeAll(async () => {
      const [a] = await lignes<{ annee: number }>(
        s.t.base.db,
        sql`select extract(year from date_signature)::int as annee from baux group by 1 order by count(*) desc limit 1`,
      );
      annee = a!.annee;
      baux = await lignes<Bail>(
        s.t.base.db,
        sql`select lg.rpls, b.date_signature::text as date, l.id as location, coalesce(r.nom, 'Non réservé') as reservataire,
                   (select c.numero_sne from decisions_cal d join candidatures c on c.id = d.candidature_id where d.location_id = l.id
                    order by d.date_decision desc limit 1) as numero
            from baux b join locations l on l.id = b.location_id join logements lg on lg.id = l.logement_id
            left join organisations r on r.id = l.reservataire_id
            where l.bailleur_id = 'HLD' and l.exclusion is null and l.ligne is not null
              and b.date_signature between ${`${annee}-02-01`}::date and ${`${annee}-11-30`}::date
            order by b.date_signature, lg.rpls`,
      );
      expect(baux.length).toBeGreaterThanOrEqual(4);
      // A lease whose réservataire Flux does not know (a line lost): the kind « inconnu dans Flux ».
      await s.t.base.db
        .update(locations)
        .set({ ligne: null, reservataireId: null })
        .where(eq(locations.id, baux[3]!.location));
    });

    const plus = (iso: string, jours: number) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) + jours * 86_400_000).toISOString().slice(0, 10);
    const fr = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
    const fichier = () =>
      csv([
        'NUMERO_UNIQUE;RPLS;DATE_BAIL;RESERVATAIRE;BAILLEUR',
        // 1. the same réservataire, by SNE number when Flux has it (else by RPLS)
        `${baux[0]!.numero ?? ''};${baux[0]!.rpls};${fr(baux[0]!.date)};${baux[0]!.reservataire};999450001`,
        // 2. not filled in the file, a date 5 days off
        `;${baux[1]!.rpls};${fr(plus(baux[1]!.date, 5))};Non renseigné;999450001`,
        // 3. another réservataire in the file
        `;${baux[2]!.rpls};${fr(baux[2]!.date)};${baux[2]!.reservataire === 'Fondation Lointaine' ? 'Autre' : 'Fondation Lointaine'};999450001`,
        // 4. filled in the file, unknown in Flux
        `;${baux[3]!.rpls};${fr(baux[3]!.date)};Préfecture;999450001`,
        // 5. a unit Flux never let that year
        `;RPLS-INCONNU-1;${fr(`${annee}-06-15`)};Action Logement;999450001`,
        // another bailleur's allocation (its column says so)
        `;RPLS-AUTRE;${fr(`${annee}-06-15`)};Préfecture;999450002`,
        // another year's allocation
        `;${baux[0]!.rpls};${fr(`${annee - 1}-06-15`)};Préfecture;999450001`,
      ]);

    it('chaque genre d’écart et les chiffres de l’indicateur (bailleur)', async () => {
      const r = await televerser(BAILLEUR, `/api/rapprochements?annee=${annee}&nom=sne.csv`, fichier());
      expect(r.statusCode, r.body).toBe(200);
      const x = r.json() as RapprochementApi;
      expect(x).toMatchObject({ annee, lignes: 5, horsAnnee: 1, horsPerimetre: 1, toleranceJours: 30 });
      const hld = x.groupes.find((g) => g.bailleur === 'Habitat Loiret Démo' && g.departement === '45')!;
      // Flux's leases of HLD that year: all of them, all known but the one whose line was removed.
      const [n] = await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from baux b join locations l on l.id = b.location_id
            where l.bailleur_id = 'HLD' and extract(year from b.date_signature) = ${annee}`,
      );
      expect(hld.flux).toEqual({ total: n!.n, avecReservataire: n!.n - 1, part: (n!.n - 1) / n!.n });
      // The file, matched lines of HLD: 4, 3 filled in (all but line 2).
      expect(hld.fichier).toEqual({ total: 4, avecReservataire: 3, part: 0.75 });
      expect(hld.ecarts).toEqual({
        inconnu_flux: 1,
        inconnu_sne: 1,
        reservataire_different: 1,
        absent_flux: 0,
        absent_fichier: n!.n - 4,
      });
      // The unit Flux never let is an allocation missing from Flux, with the file's bailleur.
      const absent = x.ecarts.find((e) => e.genre === 'absent_flux')!;
      expect(absent).toMatchObject({
        bailleur: 'Habitat Loiret Démo',
        fichier: { ligne: 6, rpls: 'RPLS-INCONNU-1' },
        flux: null,
      });
      const different = x.ecarts.find((e) => e.genre === 'reservataire_different')!;
      expect(different).toMatchObject({
        fichier: { ligne: 4, reservataire: 'Fondation Lointaine' },
        flux: { rpls: baux[2]!.rpls, reservataire: baux[2]!.reservataire },
      });
      expect(x.ecarts.find((e) => e.genre === 'inconnu_flux')).toMatchObject({ flux: { reservataire: 'Inconnu' } });
      expect(x.total.rapprocheesParNumero + x.total.rapprocheesParRpls).toBe(4);
      expect(JSON.stringify(x)).not.toMatch(/"(HLD|ETAT-45|ACTION-LOGEMENT)"/);
      // One audit event, nothing else stored.
      const [ev] = await s.t.base.db
        .select()
        .from(evenementsAudit)
        .where(eq(evenementsAudit.action, 'rapprochement.executer'));
      expect(ev!.apres).toMatchObject({ annee, fichier: 'sne.csv', lignes: 5 });
    });

    it('le pilote de l’État : son département, tous les bailleurs ; le classeur XLSX', async () => {
      const r = await televerser(ETAT, `/api/rapprochements?annee=${annee}`, fichier());
      expect(r.statusCode, r.body).toBe(200);
      const x = r.json() as RapprochementApi;
      expect(x.horsPerimetre).toBe(0);
      expect(x.lignes).toBe(6);
      expect(x.groupes.map((g) => g.bailleur)).toEqual(
        expect.arrayContaining(['Habitat Loiret Démo', 'Val de Loire Logis Démo', 'Gâtinais Beauce Habitat Démo']),
      );
      const vll = x.groupes.find((g) => g.bailleur === 'Val de Loire Logis Démo')!;
      expect(vll.ecarts.absent_flux).toBe(1);
      expect((await televerser(ETAT, `/api/rapprochements?annee=${annee}&departement=75`, fichier())).statusCode).toBe(
        403,
      );
      const xlsx = await televerser(ETAT, `/api/rapprochements.xlsx?annee=${annee}`, fichier());
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Indicateur', 'Écarts']);
      expect(wb.getWorksheet('Écarts')!.rowCount - 1).toBe(x.nombreEcarts);
    });

    it('une ligne invalide : refusé, nommé par ligne et colonne', async () => {
      const r = await televerser(
        BAILLEUR,
        `/api/rapprochements?annee=${annee}`,
        csv(['NUMERO_UNIQUE;RPLS;DATE_BAIL;RESERVATAIRE', ';R1;32/01/2026;Préfecture', ';;01/02/2026;']),
      );
      expect(r.statusCode).toBe(422);
      expect(r.json().problemes).toEqual([
        { chemin: 'ligne 2, colonne DATE_BAIL', message: 'date « 32/01/2026 » invalide (JJ/MM/AAAA attendu)' },
        {
          chemin: 'ligne 3, colonne RPLS',
          message: 'ni numéro unique ni numéro RPLS : la ligne ne peut être rapprochée',
        },
      ]);
    });
  });
});
