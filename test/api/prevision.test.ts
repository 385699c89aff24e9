/**
 * The flow forecast (prévisionnel) and the stock → flow conversion through the API, on the seeded
 * demo (PGlite, and PostgreSQL when DATABASE_URL is set): the forecast from the stored year, the
 * bailleur's inputs saved under a version lock and checked, the XLSX and PDF, what a réservataire
 * sees, and the conversion from the signed état des lieux.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import type { ReponsePrevision } from '../../src/contracts/prevision.ts';
import { conventionVersions, logements } from '../../src/db/schema.ts';
import type { ReponseConversion } from '../../src/app/conversion.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const ANNEE = 2027;

describe.each(genresDeTest())('prévision du flux et conversion (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 120_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, requete = `annee=${ANNEE}`) => {
    const r = await s.appel(email, 'GET', `/api/flux/prevision?${requete}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ReponsePrevision;
  };

  it('prévision par défaut : la fenêtre d’un an sur l’année stockée, Σ droits de toutes les lignes = flux net', async () => {
    const p = await lire(BAILLEUR);
    expect(p.version).toBe(0);
    const an = p.historique.find((h) => h.annee === ANNEE - 1)!;
    expect(an.source).toBe('flux');
    const dep = p.previsions[0]!;
    expect(dep.perimetre).toEqual({ departement: '45' });
    expect(dep.remisesEnLocation.valeur).toBe(an.disponibles - an.premieresMisesEnLocation);
    expect(dep.premieresMisesEnLocation.valeur).toBe(0);
    expect(dep.fluxNet.micro).toBe(dep.fluxBrut.micro - dep.totalExclusions.micro - dep.volumePru.micro);
    const lignes = [...dep.droits.filter((d) => d.applicable), dep.bailleur];
    expect(lignes.reduce((t, d) => t + d.droit.micro, 0)).toBe(dep.fluxNet.micro);
    // The territorial conventions (Ville d’Orléans, Orléans Métropole) get their own perimeter's forecast.
    expect(p.previsions.length).toBeGreaterThan(1);
    expect(p.parc).toBe(
      Number(
        (
          await s.t.base.db
            .select({ n: sql<number>`count(*)::int` })
            .from(logements)
            .where(and(eq(logements.bailleurId, 'HLD'), isNull(logements.absentRplsDepuis)))
        )[0]!.n,
      ),
    );
  });

  it('les hypothèses du bailleur : livraisons, exclusions saisies, volume PRU qualifié ; verrou de version ; contrôles nommés', async () => {
    const parametres = {
      fenetre: 1,
      livraisons: 30,
      exclusionsPrevues: { mutation_interne: 50 },
      volumePru: 12,
      pru: { typologies: { T3: 8 }, communes: { '45234': 10 } },
    };
    const r = await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', { annee: ANNEE, version: 0, parametres });
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json() as ReponsePrevision;
    expect(p.version).toBe(1);
    const dep = p.previsions[0]!;
    expect(dep.premieresMisesEnLocation.valeur).toBe(30);
    expect(dep.exclusions.find((e) => e.motif === 'mutation_interne')).toMatchObject({ valeur: 50, source: 'saisie' });
    expect(dep.volumePru.valeur).toBe(12);
    expect(dep.fluxNet.micro).toBe(dep.fluxBrut.micro - dep.totalExclusions.micro - 12_000_000);
    expect(p.suiviPru.volume).toBe(12);
    expect(p.suiviPru.parTypologie.find((t) => t.typologie === 'T3')?.prevus).toBe(8);
    // The same version again: someone saved in between.
    expect(
      (await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', { annee: ANNEE, version: 0, parametres })).statusCode,
    ).toBe(409);
    const trop = await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', {
      annee: ANNEE,
      version: 1,
      parametres: { ...parametres, pru: { typologies: { T3: 20 }, communes: {} } },
    });
    expect(trop.statusCode).toBe(422);
    expect((trop.json() as { problemes: { chemin: string }[] }).problemes.map((x) => x.chemin)).toContain(
      'parametres.pru.typologies.T3',
    );
    expect((await s.appel(AL, 'PUT', '/api/flux/prevision', { annee: ANNEE, version: 1, parametres })).statusCode).toBe(
      403,
    );
  });

  it('fenêtre de trois ans : l’année sans événements doit être saisie', async () => {
    const sans = await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', {
      annee: ANNEE,
      version: 1,
      parametres: { fenetre: 3 },
    });
    // The demo holds 2026 and 2025 (its bilan issued); 2024 has no event.
    expect(sans.statusCode).toBe(422);
    expect(sans.body).toContain('2024');
    expect(sans.body).not.toContain('2025');
    const avec = await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', {
      annee: ANNEE,
      version: 1,
      parametres: {
        fenetre: 3,
        livraisons: 30,
        volumePru: 12,
        fluxSaisis: [
          { annee: 2024, disponibles: 1500, premieresMisesEnLocation: 40, exclus: { mutation_interne: 90 } },
        ],
      },
    });
    expect(avec.statusCode, avec.body).toBe(200);
    const p = avec.json() as ReponsePrevision;
    expect(p.historique.find((h) => h.annee === 2024)).toMatchObject({ source: 'saisi', fluxAnnuel: 1410 });
    expect(p.historique.find((h) => h.annee === 2025)).toMatchObject({ source: 'flux' });
    expect(p.previsions[0]!.anneesRetenues).toEqual([2024, 2025, 2026]);
    // A perimeter forecast cannot use a département-wide entered year: said, not invented.
    expect(p.previsions).toHaveLength(1);
    expect(p.previsions[0]!.avertissements.join(' ')).toMatch(/pas de prévision propre/);
    // Back to one year for the conversion below.
    expect(
      (
        await s.appel(BAILLEUR, 'PUT', '/api/flux/prevision', {
          annee: ANNEE,
          version: 2,
          parametres: { fenetre: 1, livraisons: 30 },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('un réservataire lit le prévisionnel avec ses seules lignes ; XLSX et PDF', async () => {
    const p = await lire(AL, `bailleur=HLD&annee=${ANNEE}`);
    for (const prev of p.previsions) expect(prev.droits.every((d) => d.reservataire === 'ACTION-LOGEMENT')).toBe(true);
    expect(p.previsions[0]!.droits).toHaveLength(1);
    const xlsx = await s.appel(AL, 'GET', `/api/flux/prevision.xlsx?bailleur=HLD&annee=${ANNEE}`);
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Prévisionnel', 'Droits', 'Historique']);
    const droits: unknown[] = [];
    wb.getWorksheet('Droits')!.eachRow((row, n) => n > 1 && droits.push((row.values as unknown[])[2]));
    // Its line and the bailleur's own, for the département and each territorial perimeter.
    expect(droits).toEqual(
      p.previsions.flatMap(() => ['Action Logement Services', 'Habitat Loiret Démo (part propre)']),
    );
    const pdf = await s.appel(BAILLEUR, 'GET', `/api/flux/prevision.pdf?annee=${ANNEE}`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.subarray(-6).toString()).toContain('%%EOF');
    expect(pdf.rawPayload.length).toBeGreaterThan(2000);
  });

  it('conversion : refusée sans état des lieux signé, puis méthodes côte à côte depuis la photo de départ', async () => {
    const avant = await s.appel(BAILLEUR, 'GET', `/api/flux/conversion?annee=${ANNEE}`);
    expect(avant.statusCode).toBe(422);
    expect(avant.body).toMatch(/aucun état des lieux signé/);
    const v = (await s.appel(BAILLEUR, 'POST', '/api/patrimoine/etats-des-lieux', {})).json() as {
      id: string;
      empreinte: string;
      parties: { organisationId: string }[];
    };
    const comptes: Record<string, string> = {
      HLD: BAILLEUR,
      'ACTION-LOGEMENT': AL,
      'ETAT-45': ETAT,
      'VILLE-ORLEANS': 'commune@demo.flux',
      'DEPARTEMENT-45': 'departement@demo.flux',
    };
    for (const partie of v.parties) {
      const r = await s.appel(
        comptes[partie.organisationId]!,
        'POST',
        `/api/patrimoine/etats-des-lieux/${v.id}/signatures`,
        { empreinte: v.empreinte },
      );
      expect(r.statusCode, `${partie.organisationId} ${r.body}`).toBe(201);
    }
    const r = await s.appel(BAILLEUR, 'GET', `/api/flux/conversion?annee=${ANNEE}&fenetre=1`);
    expect(r.statusCode, r.body).toBe(200);
    const c = r.json() as ReponseConversion;
    expect(c.etatDesLieux.id).toBe(v.id);
    const p = await lire(BAILLEUR);
    expect(c.resultat.fluxPrevisionnel.valeur).toBe(p.previsions[0]!.fluxNet.valeur);
    // Each réservataire's reserved units are those of the signed picture.
    const detail = (await s.appel(BAILLEUR, 'GET', `/api/patrimoine/etats-des-lieux/${v.id}`)).json() as {
      etat: { groupes: { id: string; logements: number }[] };
    };
    for (const ligne of c.resultat.comparaison)
      expect(ligne.logements, ligne.reservataire).toBe(
        detail.etat.groupes.find((g) => g.id === ligne.reservataire)!.logements,
      );
    // The bailleur-wide method: taux = units × the bailleur's turnover ÷ the forecast flow.
    const rot = c.resultat.rotations.bailleur.rotation;
    for (const ligne of c.resultat.methodes.bailleur.reservataires.filter((x) => !x.fluxPropre)) {
      expect(ligne.taux).toBeCloseTo((ligne.logements * rot) / c.resultat.fluxPrevisionnel.valeur, 5);
    }
    for (const m of ['programme', 'segment', 'bailleur'] as const)
      expect(c.projets[m].projets.length).toBe(c.resultat.methodes[m].reservataires.length);
    // Action Logement sees its own line only.
    const al = (
      await s.appel(AL, 'GET', `/api/flux/conversion?bailleur=HLD&annee=${ANNEE}`)
    ).json() as ReponseConversion;
    expect(al.resultat.comparaison.map((x) => x.reservataire)).toEqual(['ACTION-LOGEMENT']);
    expect((await verifierAudit(s.t.base.db)).ok).toBe(true);
  });

  it('les projets d’une méthode deviennent des avenants au 1er janvier, en une fois, contrôlés par les règles des conventions ; les 20 % de garanties des collectivités avertissent sans refuser (CCH R.441-5)', async () => {
    const db = s.t.base.db;
    const versions = async () =>
      Number((await db.select({ n: sql<number>`count(*)::int` }).from(conventionVersions))[0]!.n);
    expect(
      (await s.appel(AL, 'POST', '/api/flux/conversion/avenants', { methode: 'segment', annee: ANNEE })).statusCode,
    ).toBe(403);
    // CCH R.441-5 — with the Ville d’Orléans’ reserved units, its converted share takes the collectivities’
    // guarantees past 20 % on Orléans: a warning naming the convention, shown before and answered after; the
    // avenants are written all the same (the cap reads per programme, ADR 0032).
    const avant = await versions();
    const apercu = (await s.appel(BAILLEUR, 'GET', `/api/flux/conversion?annee=${ANNEE}`)).json() as ReponseConversion;
    const avertiVille = apercu.projets.segment.avertissements.filter((a) => a.chemin === 'projets.VILLE-ORLEANS');
    expect(avertiVille).toHaveLength(1);
    expect(avertiVille[0]!.message).toMatch(/^Convention avec Ville d’Orléans : .*garanties d’emprunt.*CCH R\.441-5/);
    expect(
      apercu.projets.segment.avertissements.some((a) => a.message.startsWith('les droits des collectivités')),
    ).toBe(false);
    const premiere = await s.appel(BAILLEUR, 'POST', '/api/flux/conversion/avenants', {
      methode: 'segment',
      annee: ANNEE,
    });
    expect(premiere.statusCode, premiere.body).toBe(201);
    const rendu = premiere.json() as { conventions: string[]; avertissements: { chemin: string; message: string }[] };
    expect(rendu.avertissements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message: expect.stringMatching(/^Convention avec Ville d’Orléans : .*au-delà des 20 % de CCH R\.441-5/),
        }),
      ]),
    );
    expect(rendu.avertissements.every((a) => a.message.startsWith('Convention avec '))).toBe(true);
    expect(await versions()).toBe(avant + rendu.conventions.length);
    const ecrites = await versions();

    // The parties agree to release the city's units: a new picture, locked and signed by all.
    const orleans = await db
      .select({ rpls: logements.rpls })
      .from(logements)
      .where(and(eq(logements.bailleurId, 'HLD'), eq(logements.reservataireStockId, 'VILLE-ORLEANS')));
    const csv = `RPLS;RESERVATAIRE;TYPE\n${orleans.map((l) => `${l.rpls};;aucune`).join('\n')}\n`;
    const imp = await s.app.inject({
      method: 'POST',
      url: '/api/patrimoine/reservations',
      payload: csv,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': s.comptes[BAILLEUR]!.csrf },
      cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
    });
    expect(imp.statusCode, imp.body).toBe(200);
    const v = (await s.appel(BAILLEUR, 'POST', '/api/patrimoine/etats-des-lieux', {})).json() as {
      id: string;
      empreinte: string;
      parties: { organisationId: string }[];
    };
    const comptes: Record<string, string> = {
      HLD: BAILLEUR,
      'ACTION-LOGEMENT': AL,
      'ETAT-45': ETAT,
      'DEPARTEMENT-45': 'departement@demo.flux',
    };
    for (const partie of v.parties)
      expect(
        (
          await s.appel(comptes[partie.organisationId]!, 'POST', `/api/patrimoine/etats-des-lieux/${v.id}/signatures`, {
            empreinte: v.empreinte,
          })
        ).statusCode,
      ).toBe(201);

    const c = (await s.appel(BAILLEUR, 'GET', `/api/flux/conversion?annee=${ANNEE}`)).json() as ReponseConversion;
    const projetAl = c.projets.segment.projets.find((x) => x.reservataire === 'ACTION-LOGEMENT')!;
    const ok = await s.appel(BAILLEUR, 'POST', '/api/flux/conversion/avenants', { methode: 'segment', annee: ANNEE });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((ok.json() as { conventions: string[] }).conventions).toHaveLength(c.projets.segment.projets.length);
    expect(await versions()).toBe(ecrites + c.projets.segment.projets.length);
    // The forecast of the year now uses the converted rates.
    const p = await lire(BAILLEUR);
    expect(p.previsions[0]!.droits.find((d) => d.reservataire === 'ACTION-LOGEMENT')!.taux).toBe(projetAl.taux);
    expect((await verifierAudit(db)).ok).toBe(true);
  });
});
