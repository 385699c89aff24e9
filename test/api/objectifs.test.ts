/**
 * Live allocation objectives through the API, on the seeded demo (PGlite, and PostgreSQL when
 * DATABASE_URL is set): the count of the year's signed leases per scope (bailleur, réservataire,
 * State pilot, EPCI reader), the figures re-derived from the database, the trends and warnings.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BauxObjectifsApi, ObjectifsApi } from '../../src/contracts/cal.ts';
import { baux, communes, locations, logements } from '../../src/db/schema.ts';
import { TENDANCES } from '../../src/domain/objectifs.ts';
import { ORG, SIREN_ORLEANS_METROPOLE } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const ANNEE = 2026;

describe.each(genresDeTest())('objectifs d’attribution par l’API (%s)', (genre) => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest(genre);
  }, 180_000);
  afterAll(() => s?.fermer());

  const lire = async (email: string): Promise<ObjectifsApi> => {
    const r = await s.appel(email, 'GET', `/api/objectifs?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ObjectifsApi;
  };

  it('le bailleur voit ses baux de l’année, par EPCI et par ligne, recomptés depuis la base', async () => {
    const o = await lire('bailleur@demo.flux');
    const rows = await s.t.base.db
      .select({ menage: baux.menage, qpv: logements.qpv, ligne: locations.ligne, exclusion: locations.exclusion })
      .from(baux)
      .innerJoin(locations, eq(locations.id, baux.locationId))
      .innerJoin(logements, eq(logements.id, locations.logementId))
      .where(
        and(
          eq(locations.bailleurId, 'HLD'),
          gte(baux.dateSignature, `${ANNEE}-01-01`),
          lte(baux.dateSignature, o.aujourdhui),
        ),
      );
    expect(o.baux).toBe(rows.length);
    expect(o.baux).toBeGreaterThan(0);
    expect(o.parEpci.reduce((n, e) => n + e.quartile1HorsQpv.denominateur + e.nonQuartile1EnQpv.denominateur, 0)).toBe(
      rows.length,
    );
    const horsQpv = rows.filter((r) => r.qpv === null);
    const q1 = horsQpv.filter((r) => {
      const m = r.menage as { quartile1: boolean | null; relogementAnru: boolean; relogement?: string };
      return m.quartile1 === true || m.relogementAnru || m.relogement === 'anru' || m.relogement === 'orcod';
    }).length;
    expect(o.parEpci.reduce((n, e) => n + e.quartile1HorsQpv.numerateur, 0)).toBe(q1);
    // Every lease of the year above, in the flow or outside it (L.441-1); on the lines, those of the flow only.
    const horsFlux = rows.filter((r) => r.exclusion !== null).length;
    expect(horsFlux).toBeGreaterThan(0);
    expect(o.bauxHorsFlux).toBe(horsFlux);
    expect(o.parLigne.reduce((n, l) => n + l.prioritaires.denominateur, 0)).toBe(rows.length - horsFlux);
    expect(o.parLigne.at(-1)!.nom).toBe('Part propre du bailleur');
    for (const l of o.parLigne) expect(TENDANCES).toContain(l.prioritaires.tendance);
    // The State's line is for priority publics: all of its leases but those to its agents (L.441-1).
    const etat = o.parLigne.find((l) => l.ligne === ORG.etat);
    if (etat) expect(etat.prioritaires.cible).toBe(1);
    expect(o.methode).toContain('rythme de l’année');
    expect(o.alertes).toEqual(
      [...o.parEpci.flatMap((e) => [e.quartile1HorsQpv, e.nonQuartile1EnQpv]), ...o.parLigne.map((l) => l.prioritaires)]
        .filter((x) => ['en_retard', 'hors_d_atteinte', 'non_atteint'].includes(x.tendance))
        .map((x) => x.explication),
    );
  });

  it('le réservataire ne voit que sa ligne ; l’EPCI que son territoire ; l’État son département', async () => {
    const al = await lire('reservataire@demo.flux');
    expect(al.parLigne.map((l) => l.ligne)).toEqual([ORG.actionLogement]);
    const epci = await lire('epci@demo.flux');
    expect(epci.parEpci.map((e) => e.epci)).toEqual([SIREN_ORLEANS_METROPOLE]);
    expect(epci.parEpci[0]!.nom).toContain('Orléans');
    const etat = await lire('etat@demo.flux');
    const bailleur = await lire('bailleur@demo.flux');
    expect(etat.baux).toBeGreaterThanOrEqual(bailleur.baux);
    expect(etat.baux).toBeGreaterThanOrEqual(epci.baux);
  });

  it('l’EPCI voit les baux de son territoire chez tous les bailleurs, jusqu’au détail (vue de la CIL)', async () => {
    const epci = await lire('epci@demo.flux');
    const rows = await s.t.base.db
      .select({ bailleur: locations.bailleurId })
      .from(baux)
      .innerJoin(locations, eq(locations.id, baux.locationId))
      .innerJoin(logements, eq(logements.id, locations.logementId))
      .leftJoin(communes, eq(communes.code, logements.commune))
      .where(
        and(
          sql`coalesce(${logements.epci}, ${communes.epci}) = ${SIREN_ORLEANS_METROPOLE}`,
          gte(baux.dateSignature, `${ANNEE}-01-01`),
          lte(baux.dateSignature, epci.aujourdhui),
        ),
      );
    expect(epci.baux).toBe(rows.length);
    expect(new Set(rows.map((r) => r.bailleur)).size).toBeGreaterThan(1);
    // The drill-down lists the same leases, every bailleur's.
    const e = epci.parEpci[0]!;
    const d = (
      await s.appel('epci@demo.flux', 'GET', `/api/objectifs/baux?annee=${ANNEE}&epci=${e.epci}&parPage=100`)
    ).json() as BauxObjectifsApi;
    expect(d.total).toBe(rows.length);
    expect(new Set(d.baux.map((b) => b.bailleur)).size).toBeGreaterThan(1);
    expect(d.baux.filter((b) => b.objectif === 'quartile1HorsQpv' && b.sert).length).toBeLessThanOrEqual(
      e.quartile1HorsQpv.numerateur,
    );
  });

  it('la ligne de l’État : 100 % de ses baux hors agents de l’État ; 25 % pour les autres lignes et la part propre', async () => {
    const o = await lire('etat@demo.flux');
    const rows = await s.t.base.db
      .select({ menage: baux.menage, ligne: locations.ligne })
      .from(baux)
      .innerJoin(locations, eq(locations.id, baux.locationId))
      .where(
        and(
          eq(locations.departement, '45'),
          sql`${locations.exclusion} is null`,
          gte(baux.dateSignature, `${ANNEE}-01-01`),
          lte(baux.dateSignature, o.aujourdhui),
        ),
      );
    const etat = o.parLigne.find((l) => l.ligne === ORG.etat)!;
    const siens = rows.filter((r) => r.ligne === ORG.etat);
    const agents = siens.filter((r) => (r.menage as { agentEtat?: boolean }).agentEtat === true).length;
    expect(etat.prioritaires.cible).toBe(1);
    expect(etat.prioritaires.denominateur).toBe(siens.length - agents);
    expect(etat.prioritaires.numerateur).toBe(
      siens.filter((r) => {
        const m = r.menage as { agentEtat?: boolean; prioritaire: boolean };
        return m.agentEtat !== true && m.prioritaire;
      }).length,
    );
    for (const l of o.parLigne.filter((x) => x.ligne !== ORG.etat)) expect(l.prioritaires.cible).toBe(0.25);
    expect(o.parLigne.some((l) => l.nom === 'Part propre du bailleur')).toBe(true);
    // The projection and the warnings: each objective projects the year and says why it warns.
    for (const x of [...o.parLigne.map((l) => l.prioritaires), ...o.parEpci.map((e) => e.quartile1HorsQpv)])
      if (x.denominateur > 0) expect(x.projectionFinAnnee).toBeGreaterThanOrEqual(x.denominateur);
  });

  it('refuse l’administrateur (pas de données d’attribution)', async () => {
    expect((await s.appel('admin@demo.flux', 'GET', '/api/objectifs')).statusCode).toBe(403);
  });
});
