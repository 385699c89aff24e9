/**
 * One ledger for every screen (issue 6 items 5 and 8): the engine replays the year in date order,
 * so an event dated before other lettings may change their orientation. A provisional orientation
 * follows the engine (stored line = engine's line, audited as the system's); a decided one never
 * moves: the backdated write is refused with a French 409 naming it, and nothing is stored.
 * PGlite, and PostgreSQL when DATABASE_URL is set. The demo is seeded on 20 November 2026.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultatAnnee } from '../../src/app/annee.ts';
import { lignes } from '../../src/db/client.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
type V = { id: string; version: number; etat: string; ligne: string | null; logementId: string };

describe.each(genresDeTest())('orientations et événements antidatés (%s)', (genre) => {
  let s: ServeurDeTest;
  let libres: string[] = [];
  beforeAll(async () => {
    s = await serveurDeTest(genre);
    libres = (
      await lignes<{ id: string }>(
        s.t.base.db,
        sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 40`,
      )
    ).map((r) => r.id);
  }, 120_000);
  afterAll(() => s?.fermer());

  const declarer = (logementId: string, date: string) =>
    s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date });
  const compter = async (): Promise<number> =>
    (
      await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from evenements_flux where bailleur_id = 'HLD' and annee = 2026`,
      )
    )[0]!.n;
  const recommandee = async (id: string): Promise<string | null> => {
    const r = await s.appel(BAILLEUR, 'GET', `/api/locations/${id}/recommandation`);
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { recommande: { ligne: string } | null }).recommande?.ligne ?? null;
  };

  /** Every letting of the year: the stored line is the engine's (one ledger for every screen). */
  const verifierCoherence = async (): Promise<void> => {
    const annee = await resultatAnnee(s.t.base.db, { bailleurId: 'HLD', departement: '45', annee: 2026 });
    const moteur = new Map(annee.resultat.orientations.map((o) => [`${o.logement}|${o.date}`, o.reservataire]));
    const stockees = await lignes<{ logement_id: string; date_liberation: string; ligne: string | null }>(
      s.t.base.db,
      sql`select logement_id, to_char(date_liberation, 'YYYY-MM-DD') as date_liberation, ligne from locations where bailleur_id = 'HLD' and annee = 2026 and etat not in ('exclue', 'liberee') and pool is null`,
    );
    expect(stockees.length).toBeGreaterThan(100);
    expect(stockees.filter((r) => moteur.get(`${r.logement_id}|${r.date_liberation}`) !== r.ligne)).toEqual([]);
  };

  it('une orientation provisoire suit le moteur quand un préavis antérieur est déclaré après elle', async () => {
    const p = await declarer(libres.shift()!, '2026-12-31');
    expect(p.statusCode, p.body).toBe(201);
    const provisoire = p.json() as V;
    let changements = 0;
    let precedente = provisoire.ligne;
    for (let i = 0; i < 12; i++) {
      const r = await declarer(libres.shift()!, '2026-12-30');
      expect(r.statusCode, r.body).toBe(201);
      const apres = (await s.appel(BAILLEUR, 'GET', `/api/locations/${provisoire.id}`)).json() as V;
      // Whatever came before it, the stored line is the engine's: the screens and the ledger agree.
      expect(apres.ligne).toBe(await recommandee(provisoire.id));
      if (apres.ligne !== precedente) changements++;
      precedente = apres.ligne;
    }
    expect(changements, 'la location provisoire a changé de ligne au moins une fois').toBeGreaterThan(0);
    const audit = await lignes<{ n: number }>(
      s.t.base.db,
      sql`select count(*)::int as n from evenements_audit where action = 'location.orientation_provisoire' and cible_id = ${provisoire.id} and utilisateur_id is null`,
    );
    expect(audit[0]!.n).toBe(changements);
  });

  it('une recommandation confirmée est épinglée : les préavis antérieurs déclarés ensuite ne la déplacent pas', async () => {
    const p = await declarer(libres.shift()!, '2026-12-31');
    expect(p.statusCode, p.body).toBe(201);
    const v = p.json() as V;
    const c = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'confirmer',
      version: v.version,
    });
    expect(c.statusCode, c.body).toBe(200);
    for (let i = 0; i < 8; i++) {
      const r = await declarer(libres.shift()!, '2026-12-30');
      expect(r.statusCode, r.body).toBe(201);
      expect(((await s.appel(BAILLEUR, 'GET', `/api/locations/${v.id}`)).json() as V).ligne).toBe(v.ligne);
    }
    await verifierCoherence();
  });

  it('un avenant qui s’applique à l’année la rejoue : les orientations provisoires suivent, les décidées restent', async () => {
    const p = await declarer(libres.shift()!, '2026-12-31');
    expect(p.statusCode, p.body).toBe(201);
    const registre = (await s.appel(BAILLEUR, 'GET', '/api/conventions/registre?annee=2026')).json() as {
      conventions: { id: string; reservataire: { type: string } }[];
    };
    const cible = registre.conventions.find((c) => c.reservataire.type === 'action_logement')!;
    const fiche = (await s.appel(BAILLEUR, 'GET', `/api/conventions/${cible.id}`)).json() as {
      historique: {
        version: number;
        taux: number;
        tauxAgents: number | null;
        effectifLe: string;
        parametres: Record<string, unknown>;
      }[];
    };
    const v = fiche.historique[0]!;
    const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/${cible.id}/versions`, {
      ...v.parametres,
      taux: Math.round((v.taux + 0.03) * 100) / 100,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: v.effectifLe,
      motif: 'avenant de test : taux relevé pour toute l’année',
      versionLue: v.version,
    });
    expect(r.statusCode, r.body).toBe(201);
    await verifierCoherence();
  });

  it('les décisions de la démonstration sont épinglées : un préavis du 2 janvier déclaré ensuite est accepté et ne déplace aucune location décidée', async () => {
    const r = await declarer(libres.shift()!, '2026-01-02');
    expect(r.statusCode, r.body).toBe(201);
    await verifierCoherence();
  });

  it('une location décidée sans décision d’orientation enregistrée ne bouge pas : l’événement antidaté est refusé, rien n’est enregistré', async () => {
    // A letting moved on through the API without the bailleur's orientation decision: not pinned.
    const p = (await declarer(libres.shift()!, '2026-12-31')).json() as V;
    const t = await s.appel(BAILLEUR, 'POST', `/api/locations/${p.id}/transitions`, {
      etatAttendu: 'orientee',
      version: p.version,
      transition: 'proposer_candidats',
      date: '2026-12-31',
      candidats: [{ numeroSne: '045261100099991' }],
    });
    expect(t.statusCode, t.body).toBe(200);
    let refus: { message: string } | null = null;
    for (let i = 0; i < 15 && !refus; i++) {
      const avant = await compter();
      const logementId = libres.shift()!;
      const r = await declarer(logementId, '2026-12-30');
      if (r.statusCode === 201) continue;
      expect(r.statusCode, r.body).toBe(409);
      refus = r.json() as { message: string };
      expect(await compter()).toBe(avant);
      const lesLocations = await lignes<{ n: number }>(
        s.t.base.db,
        sql`select count(*)::int as n from locations where logement_id = ${logementId}`,
      );
      expect(lesLocations[0]!.n).toBe(0);
    }
    expect(refus?.message).toMatch(
      new RegExp(
        `changerait l’orientation de locations déjà décidées : logement ${p.logementId} libéré le 31 décembre 2026`,
      ),
    );
    await verifierCoherence();
  });
});
