/**
 * The demo département (src/seed/demo.ts): seeded on a fresh database (PGlite, and PostgreSQL when
 * DATABASE_URL is set), it holds the real Loiret stock (RPLS 2019, one unit per counted dwelling)
 * plus each bailleur's new programme, the stock reservations before the reform, one account per
 * role, one convention per bailleur × réservataire × département, and a year of events that the
 * engine replays into exactly the orientations stored in `locations`.
 */
import { readFileSync } from 'node:fs';
import { verify } from '@node-rs/argon2';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chargerScenario } from '../../src/app/annee.ts';
import { motifOrientation, nomsDesLignes } from '../../src/app/explication.ts';
import { canonique } from '../../src/app/audit.ts';
import { lireBilan } from '../../src/app/bilan.ts';
import { jourParis } from '../../src/domain/calendrier.ts';
import { destinatairesBilan, empreinteBilan } from '../../src/app/emission-bilan.ts';
import { etatDeLAnnee } from '../../src/app/verrou-annee.ts';
import type { Acteur } from '../../src/app/roles.ts';
import { ROLES } from '../../src/app/roles.ts';
import {
  adhesions,
  baux,
  candidatures,
  communes,
  conventions,
  conventionVersions,
  decisionsCal,
  delaisProposition,
  emissionsBilan,
  envoisBilan,
  epcis,
  evenementsAudit,
  evenementsFlux,
  examensCal,
  locations,
  logements,
  offresCal,
  organisations,
  programmes,
  sessionsCal,
  utilisateurs,
} from '../../src/db/schema.ts';
import { simuler } from '../../src/domain/engine.ts';
import type { Evenement } from '../../src/domain/types.ts';
import { validerScenario } from '../../src/domain/validation.ts';
import {
  BAILLEURS_DEMO,
  COMPTES_DEMO,
  estVide,
  MOT_DE_PASSE_DEMO,
  ORG,
  seedDemo,
  type ResumeDemo,
} from '../../src/seed/demo.ts';
import { genresDeTest, ouvrirBaseDeTest, type BaseDeTest } from '../helpers/database.ts';

const ANNEE = 2026;
const AUJOURDHUI = '2026-06-30';

/** The shipped RPLS 2019 counts, read independently of the seed. */
function comptagesDuCsv(): {
  depcom: string;
  construct: number;
  dpe: string | null;
  pieces: number;
  individuel: boolean;
  qpv: boolean;
  n: number;
}[] {
  const lignes = readFileSync(new URL('../../src/seed/data/loiret-rpls-2019.csv', import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  expect(lignes[0]).toBe('DEPCOM,construct,dpeenergie,nbpiece,typeconst,qpv,n');
  return lignes.slice(1).map((l) => {
    const [depcom, construct, dpe, pieces, typeconst, qpv, n] = l.split(',');
    return {
      depcom: depcom!,
      construct: Number(construct),
      dpe: dpe || null,
      pieces: Number(pieces),
      individuel: typeconst === 'I',
      qpv: qpv === '1',
      n: Number(n),
    };
  });
}
/** Units of the year's new programmes (HLD 32, VLL 24, GBH 16), added to the real stock. */
const NEUFS = 72;

const nombre = async (t: BaseDeTest, table: PgTable): Promise<number> => {
  const [r] = await t.base.db.select({ n: count() }).from(table);
  return Number(r?.n ?? 0);
};

/** The units' fingerprint on each kind of database: the same options give the same rows on both. */
const empreintesLogements = new Map<string, string>();

describe.each(genresDeTest())('base de démonstration du Loiret (%s)', (genre) => {
  let t: BaseDeTest;
  let resume: ResumeDemo;

  beforeAll(async () => {
    t = await ouvrirBaseDeTest(genre);
    expect(await estVide(t.base.db)).toBe(true);
    // Its duration is not a test (machines are noisy): `npm start` prints it.
    resume = await seedDemo(t.base.db, { annee: ANNEE, aujourdhui: AUJOURDHUI });
  }, 120_000);
  afterAll(async () => {
    await t?.fermer();
  });

  it('installe tout le parc réel : un logement par logement compté du RPLS 2019 livré, plus les programmes neufs', async () => {
    const comptages = comptagesDuCsv();
    const stock = comptages.reduce((s, c) => s + c.n, 0);
    expect(stock).toBe(50_770);
    expect(await nombre(t, logements)).toBe(stock + NEUFS);
    expect(resume.logements).toBe(stock + NEUFS);
    // Every 2019 code of the Loiret is still a current commune in the COG 2026.
    expect(resume.communesRenumerotees).toEqual({ codes: 0, logements: 0 });

    // The real characteristics, unit for unit: commune, year, rooms, collective/individual, QPV, DPE.
    const cle = (
      commune: string,
      construction: number,
      typologie: string,
      individuel: boolean,
      qpv: boolean,
      dpe: string | null,
    ): string => [commune, construction, typologie, individuel ? 'I' : 'C', qpv ? 1 : 0, dpe ?? '-'].join('|');
    const attendu = new Map<string, number>();
    for (const c of comptages) {
      const k = cle(c.depcom, c.construct, `T${c.pieces}`, c.individuel, c.qpv, c.dpe);
      attendu.set(k, (attendu.get(k) ?? 0) + c.n);
    }
    const lignes = await t.base.db
      .select({
        commune: logements.commune,
        construction: logements.construction,
        typologie: logements.typologie,
        individuel: logements.individuel,
        qpv: logements.qpv,
        dpe: logements.dpe,
        n: count(),
      })
      .from(logements)
      .where(sql`${logements.construction} < 2019`)
      .groupBy(
        logements.commune,
        logements.construction,
        logements.typologie,
        logements.individuel,
        logements.qpv,
        logements.dpe,
      );
    const obtenu = new Map<string, number>();
    for (const l of lignes) {
      const k = cle(l.commune, l.construction, l.typologie, l.individuel, l.qpv !== null, l.dpe);
      obtenu.set(k, (obtenu.get(k) ?? 0) + Number(l.n));
    }
    expect(obtenu).toEqual(attendu);
  });

  it('donne à chaque logement une surface, un loyer au m² de son EPCI et un conventionnement selon son financement', async () => {
    const [r] = await t.base.db
      .select({
        sansSurface: sql<number>`count(*) filter (where ${logements.surface} is null or ${logements.loyer} is null)`,
        m2Min: sql<string>`min(${logements.loyer} / ${logements.surface})`,
        m2Max: sql<string>`max(${logements.loyer} / ${logements.surface})`,
        conventionnes: sql<number>`count(*) filter (where ${logements.conventionne} is distinct from (${logements.financement} in ('PLAI', 'PLUS', 'PLS')))`,
        qpvFictifs: sql<number>`count(*) filter (where ${logements.qpv} is not null and ${logements.qpv} !~ '^QN045[0-9]{3}$')`,
      })
      .from(logements);
    expect(Number(r?.sansSurface)).toBe(0);
    // Loiret EPCI 5.03–5.99 €/m² (RPLS 2019) × financing 0.88–1.35 × ±15 %.
    expect(Number(r?.m2Min)).toBeGreaterThan(5.03 * 0.88 * 0.85 - 0.01);
    expect(Number(r?.m2Max)).toBeLessThan(5.99 * 1.35 * 1.15 + 0.01);
    expect(Number(r?.conventionnes)).toBe(0);
    expect(Number(r?.qpvFictifs)).toBe(0);
  });

  it('calcule l’empreinte de ses logements (comparée entre les deux bases plus bas)', async () => {
    const [r] = await t.base.db
      .select({
        empreinte: sql<string>`md5(string_agg(concat_ws('|', id, bailleur_id, programme_id, rpls, commune, epci, qpv, typologie, financement, construction, individuel, hors_flux, surface, loyer, dpe, conventionne, reservation_stock, reservataire_stock_id), ';' order by id))`,
      })
      .from(logements);
    expect(r!.empreinte).toMatch(/^[0-9a-f]{32}$/);
    empreintesLogements.set(genre, r!.empreinte);
  });

  it('réserve le stock comme avant la réforme : parts synthétiques, inconnues surtout chez GBH', async () => {
    const lignes = await t.base.db
      .select({
        bailleur: logements.bailleurId,
        commune: logements.commune,
        genre: logements.reservationStock,
        titulaire: logements.reservataireStockId,
        n: count(),
      })
      .from(logements)
      .groupBy(logements.bailleurId, logements.commune, logements.reservationStock, logements.reservataireStockId);
    const total = lignes.reduce((s, l) => s + Number(l.n), 0);
    const part = (f: (l: (typeof lignes)[number]) => boolean, sur = total): number =>
      lignes.filter(f).reduce((s, l) => s + Number(l.n), 0) / sur;
    expect(part((l) => l.genre === 'reserve' && l.titulaire === ORG.etat)).toBeCloseTo(0.25, 1);
    expect(part((l) => l.genre === 'reserve' && l.titulaire === ORG.actionLogement)).toBeCloseTo(0.18, 1);
    expect(part((l) => l.genre === 'reserve' && l.titulaire === ORG.departement)).toBeCloseTo(0.03, 2);
    expect(part((l) => l.genre === 'droit_unique')).toBeCloseTo(0.01, 2);
    expect(part((l) => l.genre === 'droit_unique' && l.titulaire === ORG.actionLogement)).toBeGreaterThan(0.006);
    expect(part((l) => l.genre === null)).toBeCloseTo(0.08, 2);
    const orleans = lignes.filter((l) => l.commune === '45234').reduce((s, l) => s + Number(l.n), 0);
    expect(part((l) => l.commune === '45234' && l.titulaire === ORG.orleans, orleans)).toBeCloseTo(0.15, 1);
    expect(part((l) => l.commune !== '45234' && l.titulaire === ORG.orleans)).toBe(0);
    // Unknown reservations: most of them at GBH.
    expect(part((l) => l.genre === null && l.bailleur === 'GBH')).toBeGreaterThan(0.06);
    // An id exactly for 'reserve' and 'droit_unique' (the CHECK constraint holds it too).
    expect(lignes.every((l) => (l.genre === 'reserve' || l.genre === 'droit_unique') === (l.titulaire !== null))).toBe(
      true,
    );
  });

  it('résume exactement ce qu’il a écrit', async () => {
    expect(resume.annee).toBe(ANNEE);
    expect(resume.aujourdhui).toBe(AUJOURDHUI);
    expect(await nombre(t, organisations)).toBe(resume.organisations);
    expect(await nombre(t, utilisateurs)).toBe(resume.utilisateurs);
    expect(await nombre(t, programmes)).toBe(resume.programmes);
    expect(await nombre(t, conventions)).toBe(resume.conventions);
    expect(await nombre(t, conventionVersions)).toBe(resume.conventions);
    expect(await nombre(t, locations)).toBe(resume.locations);
    expect(await nombre(t, evenementsFlux)).toBe(resume.evenements);
    expect(await nombre(t, candidatures)).toBe(resume.candidatures);
    expect(await nombre(t, decisionsCal)).toBe(resume.decisionsCal);
    expect(await nombre(t, baux)).toBe(resume.baux);
    expect(await nombre(t, delaisProposition)).toBe(resume.delaisProposition);
    expect(resume.locations).toBeGreaterThan(1000);
  });

  it('remplit les communes et EPCI du Loiret, et eux seuls', async () => {
    const lignes = await t.base.db.select().from(communes);
    expect(lignes.length).toBeGreaterThan(300);
    expect(lignes.every((c) => c.departement === '45' && c.code.startsWith('45'))).toBe(true);
    const orleans = lignes.find((c) => c.code === '45234');
    expect(orleans).toMatchObject({ nom: 'Orléans', epci: '244500468' });
    const sirens = new Set((await t.base.db.select().from(epcis)).map((e) => e.siren));
    expect(sirens.has('244500468')).toBe(true);
    for (const c of lignes) if (c.epci) expect(sirens.has(c.epci)).toBe(true);
    // Every unit is in a seeded commune, with that commune's EPCI.
    const [orphelins] = await t.base.db
      .select({ n: count() })
      .from(logements)
      .leftJoin(communes, eq(communes.code, logements.commune))
      .where(sql`${communes.code} is null or ${communes.epci} is distinct from ${logements.epci}`);
    expect(Number(orphelins?.n)).toBe(0);
  });

  it('crée un compte par rôle, mots de passe argon2 vérifiables', async () => {
    const comptes = await t.base.db
      .select({
        email: utilisateurs.email,
        motDePasse: utilisateurs.motDePasse,
        role: adhesions.role,
        organisationId: adhesions.organisationId,
      })
      .from(utilisateurs)
      .innerJoin(adhesions, eq(adhesions.utilisateurId, utilisateurs.id))
      .orderBy(asc(utilisateurs.email));
    expect(new Set(comptes.map((c) => c.role))).toEqual(new Set(ROLES));
    expect(comptes.map((c) => c.email).sort()).toEqual(COMPTES_DEMO.map((c) => c.email).sort());
    for (const c of comptes) {
      const attendu = COMPTES_DEMO.find((x) => x.email === c.email)!;
      expect(c).toMatchObject({ role: attendu.role, organisationId: attendu.organisationId });
    }
    expect(comptes.find((c) => c.email === 'etat@demo.flux')).toMatchObject({
      role: 'pilote_etat',
      organisationId: ORG.etat,
    });
    expect(comptes.find((c) => c.email === 'epci@demo.flux')).toMatchObject({
      role: 'lecteur_epci',
      organisationId: ORG.metropole,
    });
    const bailleur = comptes.find((c) => c.email === 'bailleur@demo.flux')!;
    expect(bailleur.motDePasse).toMatch(/^\$argon2id\$/);
    expect(await verify(bailleur.motDePasse!, MOT_DE_PASSE_DEMO)).toBe(true);
    expect(await verify(bailleur.motDePasse!, 'mauvais-mot-de-passe')).toBe(false);
  });

  it('une convention par bailleur × réservataire × département, les collectivités sur leur territoire seulement', async () => {
    const lignes = await t.base.db
      .select({
        bailleur: conventions.bailleurId,
        reservataire: conventions.reservataireId,
        departement: conventions.departement,
        n: count(),
      })
      .from(conventions)
      .groupBy(conventions.bailleurId, conventions.reservataireId, conventions.departement);
    expect(lignes.every((l) => Number(l.n) === 1 && l.departement === '45')).toBe(true);
    const de = (b: string) => new Set(lignes.filter((l) => l.bailleur === b).map((l) => l.reservataire));
    const partout = [ORG.etat, ORG.actionLogement, ORG.departement];
    expect(de('HLD')).toEqual(new Set([...partout, ORG.metropole, ORG.orleans]));
    expect(de('VLL')).toEqual(new Set([...partout, ORG.metropole, ORG.orleans]));
    // GBH has no stock in Orléans Métropole: neither the Métropole nor the city has a convention with it.
    expect(de('GBH')).toEqual(new Set(partout));
    const [gbhOrleans] = await t.base.db
      .select({ n: count() })
      .from(logements)
      .where(and(eq(logements.bailleurId, 'GBH'), eq(logements.epci, '244500468')));
    expect(Number(gbhOrleans?.n)).toBe(0);
  });

  it('Action Logement propose elle-même chez VLL et GBH (gestion directe), délègue à HLD ; la Ville d’Orléans en directe', async () => {
    const versions = await t.base.db
      .select({
        bailleur: conventions.bailleurId,
        reservataire: conventions.reservataireId,
        p: conventionVersions.parametres,
      })
      .from(conventionVersions)
      .innerJoin(conventions, eq(conventions.id, conventionVersions.conventionId));
    const gestion = (b: string, r: string) =>
      (versions.find((v) => v.bailleur === b && v.reservataire === r)!.p as { gestion: string }).gestion;
    expect([
      gestion('HLD', ORG.actionLogement),
      gestion('VLL', ORG.actionLogement),
      gestion('GBH', ORG.actionLogement),
    ]).toEqual(['deleguee', 'directe', 'directe']);
    expect(gestion('HLD', ORG.orleans)).toBe('directe');
    // Action Logement has units waiting for its own candidates (open, oriented to it, with a deadline).
    const [aProposer] = await t.base.db
      .select({ n: count() })
      .from(locations)
      .innerJoin(delaisProposition, eq(delaisProposition.locationId, locations.id))
      .where(
        and(
          eq(locations.reservataireId, ORG.actionLogement),
          eq(locations.etat, 'orientee'),
          sql`${locations.bailleurId} <> 'HLD'`,
        ),
      );
    expect(Number(aProposer?.n)).toBeGreaterThan(0);
  });

  it('la CAL des dernières semaines et la prochaine séance : examens, décisions, offres en attente et baux à enregistrer', async () => {
    expect(await nombre(t, sessionsCal)).toBe(resume.sessionsCal);
    expect(await nombre(t, offresCal)).toBe(resume.offresCal);
    const sessions = await t.base.db.select().from(sessionsCal);
    expect(new Set(sessions.map((s) => s.bailleurId))).toEqual(new Set(['HLD', 'VLL', 'GBH']));
    // One session a week ahead per bailleur, its units inscribed without a decision yet.
    const aVenir = sessions.filter((s) => s.dateSession > AUJOURDHUI);
    expect(aVenir.length).toBeGreaterThan(0);
    const inscrits = await t.base.db
      .select({ e: examensCal, etat: locations.etat })
      .from(examensCal)
      .innerJoin(locations, eq(locations.id, examensCal.locationId))
      .where(eq(examensCal.sessionId, aVenir[0]!.id));
    expect(inscrits.length).toBeGreaterThan(0);
    expect(inscrits.every((r) => r.etat === 'candidats' && r.e.decisionCalId === null)).toBe(true);
    // Every past examination carries its decision, dated on its session.
    const passes = await t.base.db
      .select({ s: sessionsCal.dateSession, d: decisionsCal.dateDecision })
      .from(examensCal)
      .innerJoin(sessionsCal, eq(sessionsCal.id, examensCal.sessionId))
      .innerJoin(decisionsCal, eq(decisionsCal.id, examensCal.decisionCalId));
    expect(passes.length).toBeGreaterThan(0);
    expect(passes.every((r) => r.s === r.d && r.s <= AUJOURDHUI)).toBe(true);
    const offres = await t.base.db.select().from(offresCal);
    // Offers waiting within their 10 days, and accepted ones whose lease is still to record.
    expect(offres.some((o) => o.reponse === null && o.echeance >= AUJOURDHUI)).toBe(true);
    expect(offres.filter((o) => o.reponse === null).every((o) => o.echeance >= AUJOURDHUI)).toBe(true);
    expect(offres.some((o) => o.reponse === 'acceptee')).toBe(true);
    expect(offres.every((o) => o.dateReponse === null || o.dateReponse >= o.dateOffre)).toBe(true);
  });

  it('rejoue chaque année avec le moteur : mêmes orientations que `locations`, états et tables filles cohérents', async () => {
    for (const [b, annee] of BAILLEURS_DEMO.flatMap((b) => [ANNEE - 1, ANNEE].map((a) => [b, a] as const))) {
      const cle = { bailleurId: b.id, departement: '45', annee };
      const scenario = await chargerScenario(t.base.db, cle);
      expect(validerScenario(scenario)).toEqual([]);
      // The stored events in id order are the scenario's order: dates never go back.
      expect(scenario.evenements.every((e, i) => i === 0 || e.date >= scenario.evenements[i - 1]!.date)).toBe(true);
      const fin = annee === ANNEE ? AUJOURDHUI : `${annee}-12-31`;
      expect(scenario.evenements.every((e) => e.date >= `${annee}-01-01` && e.date <= fin)).toBe(true);
      const resultat = simuler(scenario);

      const locs = await t.base.db
        .select()
        .from(locations)
        .where(and(eq(locations.bailleurId, b.id), eq(locations.annee, annee)))
        .orderBy(asc(locations.id));
      expect(locs.length).toBe(resultat.orientations.length);
      const parLogement = new Map(locs.map((l) => [l.logementId, l]));
      expect(parLogement.size).toBe(locs.length);
      const reservataires = new Set(scenario.reservataires.map((r) => r.id));
      // The stored motif is the engine's, told with names for officers (src/app/explication.ts).
      const noms = nomsDesLignes(scenario);
      for (const o of resultat.orientations) {
        const l = parLogement.get(o.logement)!;
        expect(l, o.logement).toBeDefined();
        expect({ ligne: l.ligne, motif: l.motif, forcee: l.forcee, pool: l.pool, date: l.dateLiberation }).toEqual({
          ligne: o.reservataire,
          motif: motifOrientation(o, noms),
          forcee: o.forcee,
          pool: o.pool ?? null,
          date: o.date,
        });
        expect(l.reservataireId).toBe(
          o.reservataire !== null && reservataires.has(o.reservataire) ? o.reservataire : null,
        );
      }

      // Each letting's state is the one after its last event; its child rows follow its events.
      const evs = await t.base.db
        .select({ locationId: evenementsFlux.locationId, evenement: evenementsFlux.evenement })
        .from(evenementsFlux)
        .where(and(eq(evenementsFlux.bailleurId, b.id), eq(evenementsFlux.annee, annee)))
        .orderBy(asc(evenementsFlux.id));
      const parLocation = new Map<string, Evenement[]>();
      for (const e of evs) {
        const ev = e.evenement as Evenement;
        expect(parLogement.get(ev.logement)?.id).toBe(e.locationId);
        parLocation.set(e.locationId!, [...(parLocation.get(e.locationId!) ?? []), ev]);
      }
      const cands = await t.base.db
        .select({ locationId: candidatures.locationId, n: count() })
        .from(candidatures)
        .innerJoin(locations, eq(locations.id, candidatures.locationId))
        .where(and(eq(locations.bailleurId, b.id), eq(locations.annee, annee)))
        .groupBy(candidatures.locationId);
      const nCand = new Map(cands.map((c) => [c.locationId, Number(c.n)]));
      const bauxB = new Map(
        (
          await t.base.db
            .select()
            .from(baux)
            .innerJoin(locations, eq(locations.id, baux.locationId))
            .where(and(eq(locations.bailleurId, b.id), eq(locations.annee, annee)))
        ).map((r) => [r.baux.locationId, r.baux]),
      );
      for (const l of locs) {
        const liste = parLocation.get(l.id)!;
        const dernier = liste.at(-1)!;
        const attendu =
          dernier.type === 'liberation'
            ? dernier.exclusion || scenario.logements.find((x) => x.id === l.logementId)?.horsFlux
              ? 'exclue'
              : 'orientee'
            : dernier.type === 'orientation_forcee' || dernier.type === 'orientation_multiple'
              ? 'orientee'
              : dernier.type;
        expect(l.etat, l.id).toBe(attendu);
        const candidats = liste.find((e) => e.type === 'candidats');
        expect(nCand.get(l.id) ?? 0).toBe(candidats?.type === 'candidats' ? candidats.nombre : 0);
        const bail = liste.find((e) => e.type === 'bail_signe');
        if (bail?.type === 'bail_signe')
          expect(bauxB.get(l.id)).toMatchObject({ dateSignature: bail.date, menage: bail.menage });
        else expect(bauxB.has(l.id)).toBe(false);
      }
    }
  });

  it('les locations ouvertes orientées à un réservataire ont leur décision et leur délai de proposition ; les autres non', async () => {
    const rows = await t.base.db
      .select({ l: locations, d: delaisProposition })
      .from(locations)
      .leftJoin(delaisProposition, eq(delaisProposition.locationId, locations.id));
    const ouvertes = rows.filter(
      (r) =>
        ['orientee', 'candidats', 'decision_cal'].includes(r.l.etat) &&
        (r.l.pool !== null || r.l.reservataireId !== null),
    );
    expect(ouvertes.filter((r) => r.l.etat === 'orientee').length).toBeGreaterThan(10);
    for (const { l, d } of ouvertes) {
      // Every demo convention gives 30 days (the shortest of a pool's too), from the liberation day.
      const echeance = new Date(Date.parse(`${l.dateLiberation}T00:00:00Z`) + 30 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      expect(d, l.id).toMatchObject({
        decision: l.pool ? 'pool' : l.forcee ? 'forcee' : 'confirmee',
        orienteeLe: l.dateLiberation,
        echeance,
      });
    }
    expect(rows.filter((r) => r.d !== null).length).toBe(ouvertes.length);
  });

  it('l’année précédente est complète, son bilan émis en version 1, verrouillé, empreinte vérifiable et envoyé en partie', async () => {
    const precedente = ANNEE - 1;
    expect(resume.anneePrecedente).toMatchObject({ annee: precedente, bilansEmis: 3 });
    const locs = await t.base.db.select().from(locations).where(eq(locations.annee, precedente));
    expect(locs.length).toBe(resume.anneePrecedente.locations);
    expect(locs.length).toBeGreaterThan(1000);
    // Every letting of the locked year is over: a lease signed or the unit left out of the flow.
    expect(locs.every((l) => l.etat === 'bail_signe' || l.etat === 'exclue')).toBe(true);
    expect(locs.filter((l) => l.etat === 'bail_signe').length).toBe(resume.anneePrecedente.baux);
    expect(
      locs.filter((l) => l.dateLiberation < `${precedente}-01-01` || l.dateLiberation > `${precedente}-12-31`),
    ).toEqual([]);

    const emissions = await t.base.db.select().from(emissionsBilan).orderBy(asc(emissionsBilan.bailleurId));
    expect(emissions.map((e) => [e.bailleurId, e.annee, e.version])).toEqual([
      ['GBH', precedente, 1],
      ['HLD', precedente, 1],
      ['VLL', precedente, 1],
    ]);
    for (const e of emissions) {
      // The SHA-256 of the stored content's canonical JSON, recomputed here.
      expect(createHash('sha256').update(canonique(e.contenu)).digest('hex')).toBe(e.empreinte);
      expect(e.emisLe.toISOString()).toBe(resume.anneePrecedente.emisLe);
      expect(jourParis(e.emisLe) <= AUJOURDHUI).toBe(true);
      const cle = { bailleurId: e.bailleurId, departement: '45', annee: precedente };
      expect((await etatDeLAnnee(t.base.db, cle, AUJOURDHUI)).etat).toBe('verrouillee');
      // The issued bilan is the year as the server reads it now (nothing changed since).
      const c = COMPTES_DEMO.find((x) => x.role === 'agent_bailleur' && x.organisationId === e.bailleurId)!;
      const acteur: Acteur = {
        utilisateurId: `U-${c.email.split('@')[0]!.toUpperCase()}`,
        organisationId: e.bailleurId,
        role: 'agent_bailleur',
        departement: '45',
        epci: null,
      };
      expect(empreinteBilan(await lireBilan(t.base.db, acteur, cle))).toBe(e.empreinte);
      // Sent to some of its recipients, not all: the others are still to send.
      const destinataires = await destinatairesBilan(t.base.db, e.bailleurId, '45');
      const envois = await t.base.db.select().from(envoisBilan).where(eq(envoisBilan.emissionId, e.id));
      expect(envois.length).toBeGreaterThan(0);
      expect(envois.length).toBeLessThan(destinataires.length);
      expect(envois.every((x) => x.envoyeLe >= e.emisLe && jourParis(x.envoyeLe) <= AUJOURDHUI)).toBe(true);
    }
    expect(await nombre(t, envoisBilan)).toBe(resume.anneePrecedente.envois);
  });

  it('l’année en cours hérite, par convention, du report émis de l’année précédente (ADR 0019)', async () => {
    let nonNuls = 0;
    for (const b of BAILLEURS_DEMO) {
      const [e] = await t.base.db
        .select()
        .from(emissionsBilan)
        .where(and(eq(emissionsBilan.bailleurId, b.id), eq(emissionsBilan.annee, ANNEE - 1)));
      const lignes = (e!.contenu as { lignes: { ligne: string; reportAnneeSuivante: number }[] }).lignes;
      const scenario = await chargerScenario(t.base.db, { bailleurId: b.id, departement: '45', annee: ANNEE });
      expect(scenario.conventions.length).toBeGreaterThan(0);
      for (const c of scenario.conventions) {
        const ligne = lignes.find((l) => l.ligne === c.reservataire);
        expect(ligne, `${b.id} ${c.reservataire}`).toBeDefined();
        expect(c.report, `${b.id} ${c.reservataire}`).toBe(0 - ligne!.reportAnneeSuivante);
        if (c.report !== 0) nonNuls++;
      }
    }
    // The carry-over is not all zero: year N's figures do move with it.
    expect(nonNuls).toBeGreaterThan(0);
    // This year was replayed with it: issuing the bilan had no orientation of it to move.
    const [provisoires] = await t.base.db
      .select({ n: count() })
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'location.orientation_provisoire'));
    expect(Number(provisoires?.n)).toBe(0);
  });

  it('rien n’est daté après le jour de la démonstration (hors séance de CAL prévue et échéances)', async () => {
    const demain = new Date(`${AUJOURDHUI}T00:00:00Z`);
    demain.setUTCDate(demain.getUTCDate() + 1);
    const apres = async (table: PgTable, condition: ReturnType<typeof sql>): Promise<number> => {
      const [r] = await t.base.db.select({ n: count() }).from(table).where(condition);
      return Number(r?.n ?? 0);
    };
    expect({
      evenements: await apres(evenementsFlux, sql`(${evenementsFlux.evenement}->>'date') > ${AUJOURDHUI}`),
      liberations: await apres(locations, sql`${locations.dateLiberation} > ${AUJOURDHUI}`),
      decisions: await apres(decisionsCal, sql`${decisionsCal.dateDecision} > ${AUJOURDHUI}`),
      baux: await apres(baux, sql`${baux.dateSignature} > ${AUJOURDHUI}`),
      offres: await apres(
        offresCal,
        sql`${offresCal.dateOffre} > ${AUJOURDHUI} or ${offresCal.dateReponse} > ${AUJOURDHUI}`,
      ),
      orientations: await apres(delaisProposition, sql`${delaisProposition.orienteeLe} > ${AUJOURDHUI}`),
      emissions: await apres(emissionsBilan, sql`${emissionsBilan.emisLe} >= ${demain.toISOString()}`),
      envois: await apres(envoisBilan, sql`${envoisBilan.envoyeLe} >= ${demain.toISOString()}`),
    }).toEqual({
      evenements: 0,
      liberations: 0,
      decisions: 0,
      baux: 0,
      offres: 0,
      orientations: 0,
      emissions: 0,
      envois: 0,
    });
  });

  it('refuse de s’installer sur une base qui n’est pas vide', async () => {
    expect(await estVide(t.base.db)).toBe(false);
    await expect(seedDemo(t.base.db, { annee: ANNEE, aujourdhui: AUJOURDHUI, echelle: 0.01 })).rejects.toThrow(
      /pas vide/,
    );
    expect(await nombre(t, logements)).toBe(resume.logements);
  });
});

describe('base de démonstration : déterminisme et options', () => {
  /** The rows that must not depend on the run: units, lettings and events, in id order. */
  async function empreinte(t: BaseDeTest): Promise<string> {
    const db = t.base.db;
    const l = await db.select().from(logements).orderBy(asc(logements.id));
    const loc = await db.select().from(locations).orderBy(asc(locations.id));
    const ev = await db.select().from(evenementsFlux).orderBy(asc(evenementsFlux.id));
    const c = await db.select().from(candidatures).orderBy(asc(candidatures.id));
    const sans = <T extends object>(lignes: T[], cle: keyof T) => lignes.map((x) => ({ ...x, [cle]: null }));
    return JSON.stringify([l, sans(loc, 'majLe'), ev, sans(c, 'creeLe')]);
  }

  it('mêmes options, mêmes lignes ; une date plus tardive prolonge la même histoire', async () => {
    const bases = await Promise.all([
      ouvrirBaseDeTest('pglite'),
      ouvrirBaseDeTest('pglite'),
      ouvrirBaseDeTest('pglite'),
    ]);
    try {
      const [a, b, c] = bases as [BaseDeTest, BaseDeTest, BaseDeTest];
      const ra = await seedDemo(a.base.db, { annee: 2025, aujourdhui: '2025-05-15', echelle: 0.05 });
      const rb = await seedDemo(b.base.db, { annee: 2025, aujourdhui: '2025-05-15', echelle: 0.05 });
      expect(rb).toEqual(ra);
      expect(await empreinte(b)).toBe(await empreinte(a));
      // 5 % of the RPLS 2019 stock (2,538.5 units), plus the new programmes whole.
      expect(ra.logements).toBeGreaterThanOrEqual(2538 + NEUFS);
      expect(ra.logements).toBeLessThanOrEqual(2539 + NEUFS);

      // Later in the year: every liberation up to 15 May is still there, with the same unit and date.
      const rc = await seedDemo(c.base.db, { aujourdhui: '2025-12-31', echelle: 0.05 });
      expect(rc.annee).toBe(2025);
      expect(rc.locations).toBeGreaterThan(ra.locations);
      const cle = (r: { logementId: string; dateLiberation: string }) => `${r.logementId}@${r.dateLiberation}`;
      const avant = (await a.base.db.select().from(locations)).map(cle);
      const apres = new Set((await c.base.db.select().from(locations)).map(cle));
      expect(avant.every((k) => apres.has(k))).toBe(true);
    } finally {
      await Promise.all(bases.map((x) => x.fermer()));
    }
  }, 120_000);

  it('refuse une date antérieure à l’année ou une échelle absurde', async () => {
    const t = await ouvrirBaseDeTest('pglite');
    try {
      await expect(seedDemo(t.base.db, { annee: 2026, aujourdhui: '2025-12-31' })).rejects.toThrow(/précède/);
      await expect(seedDemo(t.base.db, { echelle: 0 })).rejects.toThrow(/échelle/);
      await expect(seedDemo(t.base.db, { aujourdhui: '29/11/2026' })).rejects.toThrow(/AAAA-MM-JJ/);
      expect(await estVide(t.base.db)).toBe(true);
    } finally {
      await t.fermer();
    }
  });
});

// Runs after both databases above were seeded (Vitest runs a file's tests in order); skipped, and
// said so, when no PostgreSQL is configured.
describe.skipIf(!process.env['DATABASE_URL'])('la démo sur les deux bases', () => {
  it('écrit les mêmes logements sur PGlite et sur PostgreSQL', () => {
    expect.hasAssertions();
    expect(empreintesLogements.get('pglite')).toBeDefined();
    expect(empreintesLogements.get('postgresql')).toBe(empreintesLogements.get('pglite'));
  });
});
