/**
 * An EPCI's CIA targets through the API (ADR 0038), on the seeded demo (PGlite, and PostgreSQL when
 * DATABASE_URL is set): the law's targets by default, the EPCI enters its own (versioned, audited,
 * a stale form refused, French errors), everyone else reads them and cannot write them, and every
 * place the server computes the objectives measures against them — the objectives page (State
 * pilot, EPCI), the engine's year (bilan) and the scenario it exports for `flux simulate`.
 */
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CiblesCiaApi } from '../../src/contracts/cibles-cia.ts';
import type { ObjectifsApi } from '../../src/contracts/cal.ts';
import { ciblesCia, evenementsAudit } from '../../src/db/schema.ts';
import { assujettissementReforme } from '../../src/domain/reforme-attributions.ts';
import { SIREN_ORLEANS_METROPOLE } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const ANNEE = 2026;
const saisie = {
  quartile1HorsQpv: 0.3,
  nonQuartile1EnQpv: 0.4,
  applicableDu: `${ANNEE}-01-01`,
  adopteeLe: `${ANNEE - 1}-11-20`,
  referenceCia: 'CIA d’Orléans Métropole, délibération du conseil métropolitain n° 2025-11-20',
  versionAttendue: 0,
};

describe('assujettissement à la réforme des attributions (CCH L.441-1-5)', () => {
  it.each([
    [{ nature: 'METRO', population: 290_000, plusGrandeCommune: 117_000, qpv: true }, true, ['plh', 'qpv']],
    [{ nature: 'CA', population: 60_000, plusGrandeCommune: 20_000, qpv: false }, true, ['plh']],
    [{ nature: 'CC', population: 31_000, plusGrandeCommune: 10_500, qpv: false }, true, ['plh']],
    [{ nature: 'CC', population: 30_000, plusGrandeCommune: 12_000, qpv: false }, false, []],
    [{ nature: 'CC', population: 45_000, plusGrandeCommune: 9_000, qpv: false }, false, []],
    [{ nature: 'CC', population: 12_000, plusGrandeCommune: 4_000, qpv: true }, true, ['qpv']],
  ])('%o → soumis %s (%o)', (e, soumis, motifs) => {
    const a = assujettissementReforme(e);
    expect(a.soumis).toBe(soumis);
    expect(a.motifs).toEqual(motifs);
    expect(a.explication).toMatch(soumis ? /^Soumis/ : /^Non soumis/);
  });
});

describe.each(genresDeTest())('objectifs de la CIA par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string, epci?: string): Promise<CiblesCiaApi> => {
    const r = await s.appel(email, 'GET', `/api/cibles-cia?annee=${ANNEE}${epci ? `&epci=${epci}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as CiblesCiaApi;
  };
  const objectifs = async (email: string): Promise<ObjectifsApi> => {
    const r = await s.appel(email, 'GET', `/api/objectifs?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ObjectifsApi;
  };

  it('sans CIA saisie : les objectifs de la loi, l’EPCI soumis à la réforme, lui seul peut saisir', async () => {
    const c = await lire('epci@demo.flux');
    expect(c.epci).toBe(SIREN_ORLEANS_METROPOLE);
    expect(c.nom).toContain('Orléans');
    expect(c.enVigueur).toMatchObject({
      quartile1HorsQpv: 0.25,
      nonQuartile1EnQpv: 0.5,
      origine: 'loi',
      version: null,
    });
    expect(c.reforme.soumis).toBe(true);
    expect(c.reforme.motifs).toContain('plh');
    expect(c.reforme.source).toContain('L.441-1-5');
    expect(c.versions).toEqual([]);
    expect(c.modifiable).toBe(true);
    const vuParLEtat = await lire('etat@demo.flux', SIREN_ORLEANS_METROPOLE);
    expect(vuParLEtat.modifiable).toBe(false);
    // Without an EPCI named, a bailleur is told which one to give.
    const r = await s.appel('bailleur@demo.flux', 'GET', `/api/cibles-cia`);
    expect(r.statusCode).toBe(404);
    expect(r.json().message).toContain('SIREN');
  });

  it('refuse en français une saisie invalide, et toute saisie d’un autre rôle', async () => {
    const hors = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', { ...saisie, quartile1HorsQpv: 1.5 });
    expect(hors.statusCode).toBe(400);
    expect(hors.json().message).toContain('100 % au plus');
    const futur = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', { ...saisie, adopteeLe: '2099-01-01' });
    expect(futur.statusCode).toBe(422);
    expect(futur.json().message).toContain('ne peut pas être future');
    const rien = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', {
      ...saisie,
      quartile1HorsQpv: null,
      nonQuartile1EnQpv: null,
    });
    expect(rien.statusCode).toBe(422);
    expect(rien.json().message).toContain('au moins un objectif');
    for (const email of ['bailleur@demo.flux', 'etat@demo.flux', 'reservataire@demo.flux'])
      expect((await s.appel(email, 'POST', '/api/cibles-cia', saisie)).statusCode).toBe(403);
    expect(await s.t.base.db.select().from(ciblesCia)).toEqual([]);
  });

  it('l’EPCI saisit ses objectifs : versionnés, journalisés, un formulaire périmé refusé', async () => {
    const r = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', saisie);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ version: 1 });
    const perime = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', { ...saisie, quartile1HorsQpv: 0.35 });
    expect(perime.statusCode).toBe(409);
    expect(perime.json().message).toContain('modifiés entre-temps');
    const c = await lire('bailleur@demo.flux', SIREN_ORLEANS_METROPOLE);
    expect(c.enVigueur).toMatchObject({
      quartile1HorsQpv: 0.3,
      nonQuartile1EnQpv: 0.4,
      origine: 'cia',
      version: 1,
      referenceCia: saisie.referenceCia,
      adopteeLe: saisie.adopteeLe,
    });
    expect(c.versions).toHaveLength(1);
    expect(c.versions[0]!.saisiPar).not.toMatch(/^[0-9a-f-]{20,}$/);
    const journal = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'cibles_cia.saisir'));
    expect(journal).toHaveLength(1);
    expect(journal[0]!.cibleId).toBe(`${SIREN_ORLEANS_METROPOLE}/1`);
    // A later version applying from next year leaves this year's targets as they were.
    const suivante = await s.appel('epci@demo.flux', 'POST', '/api/cibles-cia', {
      ...saisie,
      quartile1HorsQpv: 0.35,
      applicableDu: `${ANNEE + 1}-01-01`,
      versionAttendue: 1,
    });
    expect(suivante.statusCode, suivante.body).toBe(200);
    expect((await lire('epci@demo.flux')).enVigueur.quartile1HorsQpv).toBe(0.3);
    const r2 = await s.appel('epci@demo.flux', 'GET', `/api/cibles-cia?annee=${ANNEE + 1}`);
    expect((r2.json() as CiblesCiaApi).enVigueur.quartile1HorsQpv).toBe(0.35);
  });

  it('les objectifs du pilote de l’État et de l’EPCI se mesurent aux cibles de la CIA, les autres EPCI à la loi', async () => {
    for (const email of ['etat@demo.flux', 'epci@demo.flux']) {
      const o = await objectifs(email);
      const orleans = o.parEpci.find((e) => e.epci === SIREN_ORLEANS_METROPOLE)!;
      expect(orleans.quartile1HorsQpv.cible).toBe(0.3);
      expect(orleans.nonQuartile1EnQpv.cible).toBe(0.4);
      expect(orleans.referenceCia).toBe(saisie.referenceCia);
      for (const e of o.parEpci.filter((x) => x.epci !== SIREN_ORLEANS_METROPOLE)) {
        expect(e.quartile1HorsQpv.cible).toBe(0.25);
        expect(e.referenceCia).toBeNull();
      }
    }
  });

  it('le bilan (moteur) et le scénario exporté pour flux simulate portent les cibles de la CIA', async () => {
    const r = await s.appel('etat@demo.flux', 'GET', `/api/bilan?annee=${ANNEE}&bailleur=HLD`);
    expect(r.statusCode, r.body).toBe(200);
    const bilan = r.json() as {
      objectifs: {
        parEpci: Record<string, { quartile1HorsQpv: { cible: number }; nonQuartile1EnQpv: { cible: number } }>;
      };
    };
    expect(bilan.objectifs.parEpci[SIREN_ORLEANS_METROPOLE]!.quartile1HorsQpv.cible).toBe(0.3);
    expect(bilan.objectifs.parEpci[SIREN_ORLEANS_METROPOLE]!.nonQuartile1EnQpv.cible).toBe(0.4);
    for (const [epci, o] of Object.entries(bilan.objectifs.parEpci))
      if (epci !== SIREN_ORLEANS_METROPOLE) expect(o.quartile1HorsQpv.cible).toBe(0.25);
    // The bilan's XLSX: one row per EPCI objective, named, against the CIA's target.
    const x = await s.appel('etat@demo.flux', 'GET', `/api/bilan.xlsx?annee=${ANNEE}&bailleur=HLD`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const lignes: unknown[][] = [];
    wb.getWorksheet('Synthèse')!.eachRow((r) => lignes.push((r.values as unknown[]).slice(1)));
    const orleans = lignes.find((l) => String(l[0]).startsWith('Orléans Métropole — hors QPV'));
    expect(orleans, 'ligne de l’objectif hors QPV d’Orléans Métropole').toBeDefined();
    expect(orleans![2]).toBe(0.3);
    expect(lignes.find((l) => String(l[0]).startsWith('Orléans Métropole — en QPV'))![2]).toBe(0.4);
    const sc = await s.appel('etat@demo.flux', 'GET', `/api/bilan/scenario?annee=${ANNEE}&bailleur=HLD`);
    expect(sc.statusCode, sc.body).toBe(200);
    expect(JSON.parse(sc.body).objectifsEpci).toEqual({
      [SIREN_ORLEANS_METROPOLE]: { quartile1HorsQpv: 0.3, nonQuartile1EnQpv: 0.4 },
    });
  });
});
