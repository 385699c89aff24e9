/**
 * The RPLS import use case against a real database (PGlite always, PostgreSQL when DATABASE_URL is
 * set): the Narbonne file, encodings, separators, truncation, a wrong header, atomicity and the
 * error file, in-file duplicates, a re-import's differences (and the stock reservation it must
 * leave alone), merged communes, the département filter, the audit event.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { and, count, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { Interdit, Introuvable } from '../../src/app/errors.ts';
import type { Acteur } from '../../src/app/roles.ts';
import { evenementsAudit, importsRpls, logements, organisations } from '../../src/db/schema.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import {
  importerRpls,
  sourceOctets,
  type OptionsImportRpls,
  REJETS_GARDES,
  type ResultatImportRpls,
} from '../../src/app/import-rpls.ts';
import type { FichierTemporaire } from '../../src/import/fichier-temporaire.ts';
import { COLONNES_ADRESSE_IDENTIFIANT } from '../../src/import/rpls.ts';
import { genresDeTest, ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';
import { COLONNES_DE_BASE, NARBONNE_LOGEMENTS, csv, latin1, ligne, narbonne, utf8, utf8Bom } from './fichiers.ts';

/** The error file the import wrote (a temporary file: the caller copies and deletes it). */
const texte = (f: FichierTemporaire): string => readFileSync(f.chemin, 'utf8');

describe.each(genresDeTest())('import RPLS (%s)', (genre) => {
  let t: BaseDeTest;
  let numero = 0;
  beforeAll(async () => {
    t = await ouvrirBaseDeTest(genre);
  }, 60_000);
  afterAll(() => t.fermer());

  /** A fresh bailleur organisation for each test. */
  async function bailleur(): Promise<{ id: string; siren: string }> {
    numero++;
    const b = { id: `BAILLEUR-${numero}`, siren: `99911${String(numero).padStart(4, '0')}` };
    await t.base.db
      .insert(organisations)
      .values({ id: b.id, nom: `Bailleur ${numero}`, categorie: 'bailleur', siren: b.siren });
    return b;
  }

  const importer = (
    octets: Uint8Array,
    siren: string,
    options: Partial<OptionsImportRpls> = {},
  ): Promise<ResultatImportRpls> => importerRpls(t.base.db, sourceOctets('essai.csv', octets), { siren, ...options });

  async function nombre(bailleurId: string): Promise<number> {
    const [r] = await t.base.db.select({ n: count() }).from(logements).where(eq(logements.bailleurId, bailleurId));
    return Number(r!.n);
  }

  async function evenements(bailleurId: string) {
    return t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, 'rpls.importer'), eq(evenementsAudit.organisationId, bailleurId)));
  }

  it(`Narbonne : exactement ${NARBONNE_LOGEMENTS} logements, un événement d’audit ; réimporté, rien ne change`, async () => {
    const b = await bailleur();
    const r = await importer(narbonne(), b.siren);
    expect(r.erreurs).toBeNull();
    expect(r.resume).toMatchObject({
      importe: true,
      lignes: 1170,
      logements: NARBONNE_LOGEMENTS,
      rejetes: 0,
      nouveaux: NARBONNE_LOGEMENTS,
      modifies: 0,
      disparus: 0,
      encodage: 'utf-8',
      separateur: ';',
      identifiant: 'adresse+rang',
      parCategorie: { PLAI: 573, PLUS: 3632, PLS: 59, PLI: 0, AUTRE: 1779 },
      communesFusionnees: [],
    });
    expect(await nombre(b.id)).toBe(NARBONNE_LOGEMENTS);
    const parFinancement = await t.base.db
      .select({ f: logements.financement, n: count() })
      .from(logements)
      .where(eq(logements.bailleurId, b.id))
      .groupBy(logements.financement);
    expect(Object.fromEntries(parFinancement.map((x) => [x.f, Number(x.n)]))).toEqual({
      PLAI: 573,
      PLUS: 3632,
      PLS: 59,
      AUTRE: 1779,
    });
    // In QPV (flag 1, no code): the sum of `nb` of the rows flagged 1.
    const enregistrements = lireTout(narbonne()).enregistrements;
    const iQpv = enregistrements[0]!.champs.indexOf('QPV');
    const iNb = enregistrements[0]!.champs.indexOf('nb');
    const attendusEnQpv = enregistrements
      .slice(1)
      .reduce((s, e) => s + (e.champs[iQpv] === '1' ? Number(e.champs[iNb]) : 0), 0);
    const [enQpv] = await t.base.db
      .select({ n: count() })
      .from(logements)
      .where(and(eq(logements.bailleurId, b.id), eq(logements.qpv, 'QPV')));
    expect(Number(enQpv!.n)).toBe(attendusEnQpv);
    const [surface] = await t.base.db
      .select({ s: sql<string>`sum(${logements.surface})` })
      .from(logements)
      .where(eq(logements.bailleurId, b.id));
    const surfaceFichier = enregistrements
      .slice(1)
      .reduce((s, e) => s + Number(e.champs[enregistrements[0]!.champs.indexOf('SURFHAB')]), 0);
    expect(Math.abs(Number(surface!.s) - surfaceFichier)).toBeLessThan(NARBONNE_LOGEMENTS * 0.005);

    const evs = await evenements(b.id);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ utilisateurId: null, organisationId: b.id, cibleType: 'import_rpls', avant: null });
    expect(evs[0]!.apres).toMatchObject({ logements: NARBONNE_LOGEMENTS, nouveaux: NARBONNE_LOGEMENTS, importe: true });
    const [imp] = await t.base.db.select().from(importsRpls).where(eq(importsRpls.id, evs[0]!.cibleId));
    expect(imp).toMatchObject({
      bailleurId: b.id,
      fichier: 'essai.csv',
      empreinte: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const encore = await importer(narbonne(), b.siren);
    expect(encore.resume).toMatchObject({ nouveaux: 0, modifies: 0, inchanges: NARBONNE_LOGEMENTS, disparus: 0 });
    expect(await nombre(b.id)).toBe(NARBONNE_LOGEMENTS);
    expect(await evenements(b.id)).toHaveLength(2);
    expect((await verifierAudit(t.base.db)).ok).toBe(true);
  });

  describe('encodages et séparateurs', () => {
    const lignes = [
      ligne('E1', { DEPCOM: '45068', LIBCOM: 'CHÂLETTE-SUR-LOING', NOMVOIE: "RUE DE L'ÉGLISE" }),
      ligne('E2', { DEPCOM: '45234', LIBCOM: 'ORLÉANS', NOMVOIE: 'QUAI DU CHÂTELET' }),
    ];
    const adresses = ["RUE DE L'ÉGLISE, CHÂLETTE-SUR-LOING", 'QUAI DU CHÂTELET, ORLÉANS'];
    it.each([
      ['UTF-8', utf8(csv(lignes)), 'utf-8', ';'],
      ['UTF-8 avec BOM', utf8Bom(csv(lignes)), 'utf-8', ';'],
      ['Latin-1', latin1(csv(lignes)), 'windows-1252', ';'],
      ['Latin-1, CRLF, virgules', latin1(csv(lignes, { sep: ',', eol: '\r\n' })), 'windows-1252', ','],
      ['UTF-8, virgules', utf8(csv(lignes, { sep: ',' })), 'utf-8', ','],
    ])('%s', async (_nom, octets, encodage, separateur) => {
      const b = await bailleur();
      const r = await importer(octets, b.siren);
      expect(r.resume).toMatchObject({ importe: true, encodage, separateur, logements: 2, identifiant: 'RPLS_ID' });
      const stock = await t.base.db
        .select({ rpls: logements.rpls, adresse: logements.adresse, commune: logements.commune })
        .from(logements)
        .where(eq(logements.bailleurId, b.id))
        .orderBy(logements.rpls);
      expect(stock).toEqual([
        { rpls: 'E1', adresse: adresses[0], commune: '45068' },
        { rpls: 'E2', adresse: adresses[1], commune: '45234' },
      ]);
    });
  });

  it('un fichier tronqué au milieu d’un champ de la dernière ligne : rejeté, rien d’importé', async () => {
    const b = await bailleur();
    const complet = narbonne();
    const tronque = complet.subarray(0, complet.length - 9); // "…;C;A;;;;18.0\n" → "…;C;A"
    const r = await importer(tronque, b.siren);
    expect(r.resume).toMatchObject({ importe: false, rejetes: 1, logements: NARBONNE_LOGEMENTS - 18 });
    expect(r.problemes).toEqual([
      {
        chemin: 'ligne 1171, colonne SRU_EXPIR',
        message: 'champ absent : 35 champs pour 39 colonnes (ligne tronquée ?)',
      },
    ]);
    expect(await nombre(b.id)).toBe(0);
  });

  it('un fichier tronqué dans un champ entre guillemets', async () => {
    const b = await bailleur();
    const texte = csv([ligne('A'), ligne('B', { NOMVOIE: 'RUE "DES" CARMES' })]);
    const r = await importer(utf8(texte.slice(0, texte.indexOf('""DES'))), b.siren);
    expect(r.resume.importe).toBe(false);
    expect(r.problemes).toEqual([
      { chemin: 'ligne 3, colonne NOMVOIE', message: 'guillemet ouvert jamais fermé : fichier tronqué ?' },
    ]);
    expect(await nombre(b.id)).toBe(0);
  });

  it('un en-tête sans DEPCOM : erreur claire nommant la colonne, rien d’importé', async () => {
    const b = await bailleur();
    const texte = narbonne().toString('utf8').replace(';DEPCOM;', ';DEPCOMM;');
    const err = await importer(utf8(texte), b.siren).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DonneesInvalides);
    expect((err as DonneesInvalides).problemes).toEqual([
      {
        chemin: 'ligne 1, colonne DEPCOM',
        message: expect.stringMatching(
          /^colonne obligatoire absente de l’en-tête \(colonnes lues : REG, DEP, LIBDEP, DEPCOMM,/,
        ),
      },
    ]);
    expect(await nombre(b.id)).toBe(0);
  });

  it('un fichier sans aucun logement est refusé (il ferait disparaître tout le stock)', async () => {
    const b = await bailleur();
    const err = await importer(utf8(`${COLONNES_DE_BASE.join(';')}\n`), b.siren).catch((e: unknown) => e);
    expect((err as DonneesInvalides).problemes).toEqual([
      { chemin: 'ligne 2, colonne DEPCOM', message: 'aucun logement dans le fichier : rien à importer' },
    ]);
  });

  describe('atomicité et fichier d’erreurs', () => {
    const mauvaiseLigne = (entete: string[]): string => {
      const valeurs = lireTout(narbonne()).enregistrements[1]!.champs.slice();
      valeurs[entete.indexOf('FINAN')] = '77';
      valeurs[entete.indexOf('LIBCOM')] = 'NARBONNE; "PLAGE"';
      return valeurs.map((v) => (/[;"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';');
    };

    it('une seule ligne invalide : rien n’est importé, le fichier d’erreurs la rend avec « Erreur »', async () => {
      const b = await bailleur();
      const entete = lireTout(narbonne()).enregistrements[0]!.champs;
      const octets = Buffer.concat([narbonne(), utf8(`${mauvaiseLigne(entete)}\n`)]);
      const r = await importer(octets, b.siren);
      expect(r.resume).toMatchObject({ importe: false, rejetes: 1, logements: NARBONNE_LOGEMENTS, nouveaux: 0 });
      expect(r.problemes).toEqual([
        { chemin: 'ligne 1172, colonne FINAN', message: 'code de financement inconnu « 77 »' },
      ]);
      expect(await nombre(b.id)).toBe(0);
      expect(await evenements(b.id)).toHaveLength(0);
      expect(await t.base.db.select().from(importsRpls).where(eq(importsRpls.bailleurId, b.id))).toHaveLength(0);

      const f = texte(r.erreurs!);
      expect(r.erreurs!.lignes).toBe(1);
      expect(r.erreurs!.octets).toBe(Buffer.byteLength(f));
      expect(f.charCodeAt(0)).toBe(0xfeff);
      const lignes = f.slice(1).split('\r\n');
      expect(lignes).toHaveLength(3); // header, the bad row, the final CRLF
      expect(lignes[2]).toBe('');
      expect(lignes[0]).toBe(`${entete.join(';')};Erreur`);
      const relu = lireTout(utf8(f));
      expect(relu.separateur).toBe(';');
      const rejet = relu.enregistrements[1]!.champs;
      expect(rejet.at(-1)).toBe('ligne 1172, colonne FINAN : code de financement inconnu « 77 »');
      expect(rejet[entete.indexOf('LIBCOM')]).toBe('NARBONNE; "PLAGE"');
      expect(rejet).toHaveLength(entete.length + 1);
    });

    it('beaucoup de lignes rejetées : les premiers problèmes en mémoire, toutes les lignes dans le fichier d’erreurs', async () => {
      const b = await bailleur();
      const n = REJETS_GARDES * 3;
      const r = await importer(
        utf8(csv(Array.from({ length: n }, (_, i) => ligne(`X-${i}`, { FINAN: '77' })))),
        b.siren,
      );
      expect(r.resume).toMatchObject({ importe: false, rejetes: n, logements: 0 });
      expect(r.problemes).toHaveLength(REJETS_GARDES);
      expect(r.nombreProblemes).toBe(n);
      expect(r.erreurs!.lignes).toBe(n);
      const lignes = texte(r.erreurs!).split('\r\n');
      expect(lignes).toHaveLength(n + 2);
      expect(lignes[n]).toContain(`X-${n - 1}`);
      expect(lignes[n]).toContain(`ligne ${n + 1}, colonne FINAN`);
    });

    it('une passe relue (doublons, Latin-1) ne laisse que le fichier d’erreurs rendu', async () => {
      const b = await bailleur();
      const dossier = mkdtempSync(join(tmpdir(), 'flux-tmp-'));
      const avant = process.env['TMPDIR'];
      process.env['TMPDIR'] = dossier;
      try {
        // Duplicates: a second pass; a Latin-1 byte at the end: each pass read again as Windows-1252.
        const r = await importer(
          latin1(csv([ligne('D-1'), ligne('D-1'), ligne('D-2', { FINAN: '77', LIBCOM: 'BÉZIERS' })])),
          b.siren,
        );
        expect(r.resume).toMatchObject({ importe: false, rejetes: 2, encodage: 'windows-1252' });
        expect(readdirSync(dossier)).toEqual([basename(r.erreurs!.chemin)]);
        // A refused header: no error file at all.
        await expect(importer(utf8('rien;du;tout\n1;2;3\n'), b.siren)).rejects.toBeInstanceOf(DonneesInvalides);
        expect(readdirSync(dossier)).toHaveLength(1);
      } finally {
        if (avant === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = avant;
        rmSync(dossier, { recursive: true, force: true });
      }
    });

    it('--valides-seulement : les lignes valides sont importées, le fichier d’erreurs est rendu', async () => {
      const b = await bailleur();
      const entete = lireTout(narbonne()).enregistrements[0]!.champs;
      const octets = Buffer.concat([narbonne(), utf8(`${mauvaiseLigne(entete)}\n`)]);
      const r = await importer(octets, b.siren, { valideSeulement: true });
      expect(r.resume).toMatchObject({ importe: true, rejetes: 1, nouveaux: NARBONNE_LOGEMENTS });
      expect(texte(r.erreurs!)).toMatch(/ligne 1172, colonne FINAN : code de financement inconnu « 77 »/);
      expect(await nombre(b.id)).toBe(NARBONNE_LOGEMENTS);
    });

    it('--valides-seulement : les logements des lignes rejetées ne sont pas comptés comme disparus', async () => {
      const b = await bailleur();
      await importer(utf8(csv([ligne('A'), ligne('B'), ligne('C')])), b.siren);
      const r = await importer(utf8(csv([ligne('A'), ligne('B', { FINAN: '77' })])), b.siren, {
        valideSeulement: true,
      });
      expect(r.resume).toMatchObject({
        importe: true,
        rejetes: 1,
        inchanges: 1,
        disparus: 1,
        detail: { disparus: ['C'] },
      });
    });
  });

  describe('réimport : différences exactes', () => {
    it('petit fichier identifié (RPLS_ID) : nouveaux, modifiés (quels champs), disparus marqués, réapparus', async () => {
      const b = await bailleur();
      const annee1 = [ligne('A'), ligne('B'), ligne('C'), ligne('D'), ligne('E')];
      await importer(utf8(csv(annee1)), b.siren);
      const annee2 = [
        ligne('A'),
        ligne('B', { SURFHAB: '70' }),
        ligne('C', { FINAN: '10', NBPIECE: '7' }),
        ligne('F'),
        ligne('G'),
      ];
      const r = await importer(utf8(csv(annee2)), b.siren);
      expect(r.resume).toMatchObject({
        nouveaux: 2,
        modifies: 2,
        inchanges: 1,
        disparus: 2,
        champsModifies: { surface: 1, financement: 1, codeFinancement: 1, typologie: 1 },
        detail: {
          nouveaux: ['F', 'G'],
          disparus: ['D', 'E'],
          modifies: [
            { rpls: 'B', champs: ['surface'] },
            { rpls: 'C', champs: ['typologie', 'financement', 'codeFinancement'] },
          ],
        },
      });
      const absents = await t.base.db
        .select({ rpls: logements.rpls })
        .from(logements)
        .where(and(eq(logements.bailleurId, b.id), isNotNull(logements.absentRplsDepuis)))
        .orderBy(logements.rpls);
      expect(absents.map((x) => x.rpls)).toEqual(['D', 'E']);
      expect(await nombre(b.id)).toBe(7); // never deleted
      const [c] = await t.base.db
        .select()
        .from(logements)
        .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'C')));
      expect(c).toMatchObject({ financement: 'PLAI', codeFinancement: '10', typologie: 'T6' });

      const r3 = await importer(utf8(csv(annee1)), b.siren);
      expect(r3.resume).toMatchObject({
        nouveaux: 0,
        modifies: 4,
        disparus: 2,
        champsModifies: { present: 2, surface: 1 },
      });
      const absents3 = await t.base.db
        .select({ rpls: logements.rpls })
        .from(logements)
        .where(and(eq(logements.bailleurId, b.id), isNotNull(logements.absentRplsDepuis)))
        .orderBy(logements.rpls);
      expect(absents3.map((x) => x.rpls)).toEqual(['F', 'G']);
    });

    it('Narbonne l’année suivante : quelques lignes modifiées, supprimées, ajoutées → comptes exacts', async () => {
      const b = await bailleur();
      await importer(narbonne(), b.siren);
      const [entete, ...lignes] = lireTout(narbonne()).enregistrements.map((e) => e.champs);
      const i = (c: string) => entete!.indexOf(c);
      const nb = (l: string[]) => Number(l[i('nb')]);
      // Rows alone at their address, so that no other row's ranks move.
      const cle = (l: string[]) => [l[i('DEPCOM')], ...COLONNES_ADRESSE_IDENTIFIANT.map((c) => l[i(c)])].join('|');
      const parCle = new Map<string, number>();
      for (const l of lignes) parCle.set(cle(l), (parCle.get(cle(l)) ?? 0) + 1);
      const seules = lignes.map((l, k) => k).filter((k) => parCle.get(cle(lignes[k]!)) === 1);
      const aFinan = seules.find((k) => lignes[k]![i('FINAN')] === '12' && nb(lignes[k]!) > 1)!;
      const aDpe = seules.find((k) => k !== aFinan && lignes[k]![i('DPEENERGIE')] === 'C')!;
      const supprimees = seules.filter((k) => k !== aFinan && k !== aDpe).slice(0, 3);
      const suivante = lignes.map((l) => l.slice());
      suivante[aFinan]![i('FINAN')] = '10';
      suivante[aDpe]![i('DPEENERGIE')] = 'G';
      const ajout1 = lignes[0]!.slice();
      ajout1[i('NOMVOIE')] = 'RUE NOUVELLE UN';
      ajout1[i('nb')] = '4.0';
      const ajout2 = lignes[0]!.slice();
      ajout2[i('NOMVOIE')] = 'RUE NOUVELLE DEUX';
      ajout2[i('nb')] = '1.0';
      const fichier = [entete!, ...suivante.filter((_l, k) => !supprimees.includes(k)), ajout1, ajout2]
        .map((l) => l.join(';'))
        .join('\r\n');

      const modifies = nb(lignes[aFinan]!) + nb(lignes[aDpe]!);
      const disparus = supprimees.reduce((s, k) => s + nb(lignes[k]!), 0);
      const r = await importer(utf8(fichier), b.siren);
      expect(r.resume).toMatchObject({
        importe: true,
        nouveaux: 5,
        modifies,
        disparus,
        inchanges: NARBONNE_LOGEMENTS - modifies - disparus,
        champsModifies: {
          financement: nb(lignes[aFinan]!),
          codeFinancement: nb(lignes[aFinan]!),
          dpe: nb(lignes[aDpe]!),
        },
      });
      expect(await nombre(b.id)).toBe(NARBONNE_LOGEMENTS + 5);
      const [absents] = await t.base.db
        .select({ n: count() })
        .from(logements)
        .where(and(eq(logements.bailleurId, b.id), isNotNull(logements.absentRplsDepuis)));
      expect(Number(absents!.n)).toBe(disparus);
    });
  });

  it('un réimport ne touche jamais à la réservation de stock d’un logement (ni aux champs propres à Flux)', async () => {
    const b = await bailleur();
    const reservataire = `RESA-${b.id}`;
    await t.base.db.insert(organisations).values({
      id: reservataire,
      nom: 'Commune réservataire',
      categorie: 'reservataire',
      typeReservataire: 'commune',
    });
    await importer(utf8(csv([ligne('A'), ligne('B'), ligne('C')])), b.siren);
    await t.base.db
      .update(logements)
      .set({ reservationStock: 'reserve', reservataireStockId: reservataire, horsFlux: 'defense' })
      .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'A')));
    await t.base.db
      .update(logements)
      .set({ reservationStock: 'aucune' })
      .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'B')));
    // A changed (surface), B unchanged, C gone, D new.
    const r = await importer(utf8(csv([ligne('A', { SURFHAB: '80' }), ligne('B'), ligne('D')])), b.siren);
    expect(r.resume).toMatchObject({ nouveaux: 1, modifies: 1, inchanges: 1, disparus: 1 });
    const stock = await t.base.db
      .select({
        rpls: logements.rpls,
        surface: logements.surface,
        reservation: logements.reservationStock,
        reservataire: logements.reservataireStockId,
        horsFlux: logements.horsFlux,
      })
      .from(logements)
      .where(eq(logements.bailleurId, b.id))
      .orderBy(logements.rpls);
    expect(stock).toEqual([
      { rpls: 'A', surface: '80.00', reservation: 'reserve', reservataire, horsFlux: 'defense' },
      { rpls: 'B', surface: '65.00', reservation: 'aucune', reservataire: null, horsFlux: null },
      { rpls: 'C', surface: '65.00', reservation: null, reservataire: null, horsFlux: null },
      { rpls: 'D', surface: '65.00', reservation: null, reservataire: null, horsFlux: null },
    ]);
    // Back with every field changed: the reservation stays.
    await importer(utf8(csv([ligne('A', { SURFHAB: '81', FINAN: '10', DEPCOM: '45068' })])), b.siren);
    const [a] = await t.base.db
      .select()
      .from(logements)
      .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'A')));
    expect(a).toMatchObject({
      commune: '45068',
      financement: 'PLAI',
      reservationStock: 'reserve',
      reservataireStockId: reservataire,
      horsFlux: 'defense',
    });
  });

  describe('identifiants en double dans le fichier', () => {
    it('rejetés en nommant la première ligne, les autres problèmes de la ligne à leur place ; rien d’importé', async () => {
      const b = await bailleur();
      const r = await importer(
        utf8(csv([ligne('A'), ligne('B'), ligne('A'), ligne('B', { FINAN: '77', QPV: 'x' }), ligne('C'), ligne('A')])),
        b.siren,
      );
      expect(r.resume).toMatchObject({ importe: false, logements: 3, rejetes: 3 });
      expect(r.problemes).toEqual([
        { chemin: 'ligne 4, colonne RPLS_ID', message: 'identifiant en double « A » (déjà ligne 2)' },
        { chemin: 'ligne 5, colonne RPLS_ID', message: 'identifiant en double « B » (déjà ligne 3)' },
        { chemin: 'ligne 5, colonne QPV', message: expect.stringMatching(/^valeur QPV invalide/) },
        { chemin: 'ligne 5, colonne FINAN', message: 'code de financement inconnu « 77 »' },
        { chemin: 'ligne 7, colonne RPLS_ID', message: 'identifiant en double « A » (déjà ligne 2)' },
      ]);
      expect(texte(r.erreurs!).split('\r\n')).toHaveLength(5);
      expect(await nombre(b.id)).toBe(0);
    });

    it('--valides-seulement : la première occurrence est importée ; les lignes groupées comptent leurs logements', async () => {
      const b = await bailleur();
      const colonnes = [...COLONNES_DE_BASE, 'nb'];
      const r = await importer(
        utf8(
          csv([ligne('A', { nb: '2' }), ligne('B', { nb: '1' }), ligne('A', { nb: '3', FINAN: '10' })], { colonnes }),
        ),
        b.siren,
        { valideSeulement: true },
      );
      expect(r.resume).toMatchObject({
        importe: true,
        logements: 3,
        rejetes: 1,
        nouveaux: 3,
        parCategorie: { PLUS: 3, PLAI: 0 },
      });
      const stock = await t.base.db
        .select({ rpls: logements.rpls })
        .from(logements)
        .where(eq(logements.bailleurId, b.id))
        .orderBy(logements.rpls);
      expect(stock.map((x) => x.rpls)).toEqual(['A#1', 'A#2', 'B']);
    });
  });

  it('un octet Latin-1 après plus d’un mégaoctet d’UTF-8 : relu en Windows-1252, chaque logement une seule fois', async () => {
    const b = await bailleur();
    const n = 25_000;
    const lignes = Array.from({ length: n }, (_, i) => ligne(`L${i}`, { NOMVOIE: `RUE NUMERO ${i}` }));
    lignes.push(ligne('DERNIER', { NOMVOIE: "RUE DE L'ÉGLISE" }));
    const octets = latin1(csv(lignes));
    expect(octets.length).toBeGreaterThan(1 << 20);
    const r = await importer(octets, b.siren);
    expect(r.resume).toMatchObject({ importe: true, encodage: 'windows-1252', logements: n + 1, nouveaux: n + 1 });
    expect(await nombre(b.id)).toBe(n + 1);
    const [d] = await t.base.db
      .select({ adresse: logements.adresse })
      .from(logements)
      .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'DERNIER')));
    expect(d?.adresse).toBe("RUE DE L'ÉGLISE, ORLEANS");
  });

  it('une commune fusionnée est rattachée à la commune actuelle et rapportée', async () => {
    const b = await bailleur();
    const r = await importer(utf8(csv([ligne('A', { DEPCOM: '01340' }), ligne('B')])), b.siren);
    expect(r.resume.communesFusionnees).toEqual([{ code: '01340', courante: '01015', logements: 1 }]);
    const [a] = await t.base.db
      .select()
      .from(logements)
      .where(and(eq(logements.bailleurId, b.id), eq(logements.rpls, 'A')));
    expect(a).toMatchObject({ commune: '01015', departement: '01', epci: expect.stringMatching(/^\d{9}$/) });
  });

  it('--departement : seules les lignes du département, et seuls ses logements peuvent disparaître', async () => {
    const b = await bailleur();
    await importer(utf8(csv([ligne('A'), ligne('N1', { DEPCOM: '11262' })])), b.siren);
    const r = await importer(utf8(csv([ligne('B'), ligne('N2', { DEPCOM: '11262', FINAN: '77' })])), b.siren, {
      departement: '45',
    });
    expect(r.resume).toMatchObject({
      importe: true,
      horsDepartement: 1,
      rejetes: 0,
      nouveaux: 1,
      disparus: 1,
      detail: { disparus: ['A'] },
    });
    const absents = await t.base.db
      .select({ rpls: logements.rpls })
      .from(logements)
      .where(and(eq(logements.bailleurId, b.id), isNotNull(logements.absentRplsDepuis)));
    expect(absents.map((x) => x.rpls)).toEqual(['A']);
  });

  it('SIREN inconnu, SIREN invalide, département invalide : erreurs claires', async () => {
    await expect(importer(utf8(csv([ligne('A')])), '123456789')).rejects.toThrow(Introuvable);
    await expect(importer(utf8(csv([ligne('A')])), '123456789')).rejects.toThrow(/aucun bailleur de SIREN 123456789/);
    const err = (await importer(utf8(csv([ligne('A')])), '12345', { departement: '4' }).catch(
      (e: unknown) => e,
    )) as DonneesInvalides;
    expect(err.problemes.map((p) => p.chemin)).toEqual(['--bailleur', '--departement']);
  });

  it('un acteur connecté : son rôle et son organisme sont vérifiés, l’événement lui est attribué', async () => {
    const b = await bailleur();
    const autre = await bailleur();
    const agent = (organisationId: string, role: Acteur['role'] = 'agent_bailleur'): Acteur => ({
      utilisateurId: `U-${organisationId}`,
      organisationId,
      role,
      departement: null,
      epci: null,
    });
    await expect(importer(utf8(csv([ligne('A')])), b.siren, { acteur: agent(autre.id) })).rejects.toThrow(Interdit);
    await expect(
      importer(utf8(csv([ligne('A')])), b.siren, { acteur: agent(b.id, 'agent_reservataire') }),
    ).rejects.toThrow(Interdit);
    await importer(utf8(csv([ligne('A')])), b.siren, { acteur: agent(b.id) });
    const evs = await evenements(b.id);
    expect(evs.map((e) => e.utilisateurId)).toEqual([`U-${b.id}`]);
    expect(await nombre(autre.id)).toBe(0);
  });
});
