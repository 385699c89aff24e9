/**
 * New programmes and the rights negotiated at their financing, through the API and the year's engine
 * (issue 14 item 4; ADR 0035, 0047), on the seeded demo (PGlite, and PostgreSQL when DATABASE_URL is
 * set). CCH R.441-5 I puts first lettings in the annual flow; the rights a réservataire negotiated
 * « au moment du financement » decide who receives a new programme's first lettings, counted on its
 * line. The bailleur enters them (versioned, audited, a stale form refused, French errors); the
 * réservataire holding them and the State pilot read them; the engine orients by them.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { resultatAnnee } from '../../src/app/annee.ts';
import { lignes } from '../../src/db/client.ts';
import type { ReponsePrevision } from '../../src/contracts/prevision.ts';
import type { ProgrammesApi } from '../../src/contracts/programmes.ts';
import { evenementsAudit } from '../../src/db/schema.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const ANNEE = 2026;

describe.each(genresDeTest())('programmes neufs et droits négociés au financement (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  const lire = async (email: string, requete = ''): Promise<ProgrammesApi> => {
    const r = await s.appel(email, 'GET', `/api/programmes${requete}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ProgrammesApi;
  };

  /** The demo bailleur's new programme with the most first lettings this year, and those lettings in date order. */
  const programmeNeuf = async () => {
    const liste = await lire('bailleur@demo.flux');
    const p = [...liste.programmes].sort((a, b) => b.premieresLocations - a.premieresLocations)[0]!;
    return { liste, p };
  };

  const saisie = (droits: { reservataire: string; logements: number }[], versionAttendue = 0) => ({
    decisionFinancement: 'Convention de financement Action Logement n° AL-2024-117',
    dateFinancement: '2024-06-12',
    droits,
    versionAttendue,
  });

  it('le bailleur voit ses programmes neufs, sans droits saisis ; les autres rôles ne voient que les leurs', async () => {
    const { liste, p } = await programmeNeuf();
    expect(liste.bailleur.nom).not.toBe('HLD');
    expect(liste.programmes.length).toBeGreaterThan(0);
    expect(p.premieresLocations).toBeGreaterThan(0);
    expect(p.logements).toBeGreaterThanOrEqual(p.premieresLocations);
    expect(p).toMatchObject({ version: 0, financement: null, droits: [] });
    expect(liste.modifiable).toBe(true);
    expect(liste.reservataires.map((r) => r.id)).toContain(ORG.actionLogement);
    // A search finds any programme by its name or commune.
    const cherche = await lire('bailleur@demo.flux', `?recherche=${encodeURIComponent(p.commune)}`);
    expect(cherche.programmes.map((x) => x.id)).toContain(p.id);
    // Another bailleur's agent cannot read HLD's programmes; a réservataire must name the bailleur.
    expect((await s.appel('bailleur2@demo.flux', 'GET', '/api/programmes?bailleur=HLD')).statusCode).toBe(403);
    expect((await s.appel('reservataire@demo.flux', 'GET', '/api/programmes')).statusCode).toBe(404);
    expect((await lire('reservataire@demo.flux', '?bailleur=HLD')).programmes).toEqual([]);
    expect((await s.appel('epci@demo.flux', 'GET', '/api/programmes?bailleur=HLD')).statusCode).toBe(403);
  });

  it('refuse en français une saisie invalide, et toute saisie d’un autre rôle', async () => {
    const { p } = await programmeNeuf();
    const url = `/api/programmes/${p.id}/droits`;
    const sansConvention = await s.appel(
      'bailleur@demo.flux',
      'PUT',
      url,
      saisie([{ reservataire: 'HLD', logements: 1 }]),
    );
    expect(sansConvention.statusCode).toBe(422);
    expect(sansConvention.json().message).toContain('n’a pas de convention avec votre organisation');
    const trop = await s.appel(
      'bailleur@demo.flux',
      'PUT',
      url,
      saisie([{ reservataire: ORG.actionLogement, logements: p.logements + 1 }]),
    );
    expect(trop.statusCode).toBe(422);
    expect(trop.json().message).toContain(`pour un programme de ${p.logements} logements`);
    const futur = await s.appel('bailleur@demo.flux', 'PUT', url, {
      ...saisie([{ reservataire: ORG.actionLogement, logements: 1 }]),
      dateFinancement: '2099-01-01',
    });
    expect(futur.statusCode).toBe(422);
    expect(futur.json().message).toContain('ne peut pas être future');
    const zero = await s.appel(
      'bailleur@demo.flux',
      'PUT',
      url,
      saisie([{ reservataire: ORG.actionLogement, logements: 0 }]),
    );
    expect(zero.statusCode).toBe(400);
    expect(zero.json().message).toContain('1 au moins');
    for (const email of ['reservataire@demo.flux', 'etat@demo.flux', 'epci@demo.flux'])
      expect((await s.appel(email, 'PUT', url, saisie([]))).statusCode).toBe(403);
    // Another bailleur's programme is not found for this one.
    const autre = await s.appel('bailleur2@demo.flux', 'PUT', url, saisie([]));
    expect(autre.statusCode).toBe(404);
  });

  it('les droits saisis orientent les premières mises en location déclarées ensuite vers Action Logement', async () => {
    // A programme of HLD with units not let this year: its next first lettings are declared below.
    const [libre] = await lignes<{ programme: string; logement: string }>(
      s.t.base.db,
      sql`select l.programme_id as programme, min(l.id) as logement from logements l
          where l.bailleur_id = 'HLD' and l.departement = '45' and l.programme_id is not null and l.hors_flux is null
            and not exists (select 1 from evenements_flux e where e.bailleur_id = 'HLD' and e.annee = ${ANNEE}
                            and e.evenement ->> 'logement' = l.id)
          group by l.programme_id order by count(*) desc limit 1`,
    );
    expect(libre).toBeDefined();
    const url = `/api/programmes/${libre!.programme}/droits`;
    const cle = { bailleurId: 'HLD', departement: '45', annee: ANNEE };
    const avant = (await resultatAnnee(s.t.base.db, cle)).resultat;
    expect(avant.orientations.some((o) => o.motif.includes('droits négociés à son financement'))).toBe(false);

    const r = await s.appel(
      'bailleur@demo.flux',
      'PUT',
      url,
      saisie([{ reservataire: ORG.actionLogement, logements: 1 }]),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ version: 1 });
    const perime = await s.appel(
      'bailleur@demo.flux',
      'PUT',
      url,
      saisie([{ reservataire: ORG.actionLogement, logements: 1 }]),
    );
    expect(perime.statusCode).toBe(409);
    expect(perime.json().message).toContain('modifiés entre-temps');
    const journal = await s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(eq(evenementsAudit.action, 'programme.droits.saisir'));
    expect(journal).toHaveLength(1);
    expect(journal[0]!.cibleId).toBe(libre!.programme);

    // The programme's first letting, declared now, goes to Action Logement under its right.
    const d = await s.appel('bailleur@demo.flux', 'POST', '/api/locations', {
      logementId: libre!.logement,
      date: '2026-11-20',
      premiereMiseEnLocation: true,
    });
    expect(d.statusCode, d.body).toBe(201);
    expect(d.json().motif).toContain('— Action Logement');
    const apres = (await resultatAnnee(s.t.base.db, cle)).resultat;
    const o = apres.orientations.find((x) => x.logement === libre!.logement)!;
    expect(o.reservataire).toBe(ORG.actionLogement);
    expect(o.forcee).toBe(false);
    expect(o.motif).toContain(
      'droits négociés à son financement (Convention de financement Action Logement n° AL-2024-117 du 12/06/2024)',
    );
    expect(o.motif).toContain('logement 1 sur 1');
    // Counted on Action Logement's line like any unit it holds (ADR 0035).
    const ligne = (b: typeof avant) => b.bilan.find((l) => l.reservataire === ORG.actionLogement)!;
    expect(ligne(apres).misADisposition).toBe(ligne(avant).misADisposition + 1);

    // Read back: the rights in force with names; Action Logement sees them, the Ville d’Orléans not; the State pilot does.
    const lu = (await lire('bailleur@demo.flux')).programmes.find((x) => x.id === libre!.programme)!;
    expect(lu).toMatchObject({
      version: 1,
      versions: 1,
      financement: { decision: 'Convention de financement Action Logement n° AL-2024-117', date: '2024-06-12' },
      droits: [{ reservataire: ORG.actionLogement, logements: 1 }],
    });
    expect(lu.premieresLocations).toBeGreaterThanOrEqual(1);
    expect(lu.droits[0]!.nom).toMatch(/Action Logement/);
    expect(lu.saisi!.par).not.toMatch(/^[0-9a-f-]{20,}$/);
    const vuParAl = await lire('reservataire@demo.flux', '?bailleur=HLD');
    expect(vuParAl.programmes.map((x) => x.id)).toEqual([libre!.programme]);
    expect(vuParAl.modifiable).toBe(false);
    expect(vuParAl.reservataires).toEqual([]);
    expect((await lire('commune@demo.flux', '?bailleur=HLD')).programmes).toEqual([]);
    expect((await lire('etat@demo.flux', '?bailleur=HLD')).programmes.map((x) => x.id)).toContain(libre!.programme);

    // A planned delivery: the forecast of that year counts the programme's units and names its rights.
    const avantFinancement = await s.appel('bailleur@demo.flux', 'PUT', url, {
      ...saisie([{ reservataire: ORG.actionLogement, logements: 1 }], 1),
      livraisonPrevue: '2024-01-01',
    });
    expect(avantFinancement.statusCode).toBe(422);
    expect(avantFinancement.json().message).toContain('après la décision de financement');
    const livraison = await s.appel('bailleur@demo.flux', 'PUT', url, {
      ...saisie([{ reservataire: ORG.actionLogement, logements: 1 }], 1),
      livraisonPrevue: '2027-03-15',
    });
    expect(livraison.statusCode, livraison.body).toBe(200);
    expect((await lire('bailleur@demo.flux')).programmes.find((x) => x.id === libre!.programme)!.livraisonPrevue).toBe(
      '2027-03-15',
    );
    const prevision = async (annee: number) => {
      const r = await s.appel('bailleur@demo.flux', 'GET', `/api/flux/prevision?annee=${annee}`);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as ReponsePrevision).livraisonsProgrammes;
    };
    const en2027 = await prevision(2027);
    expect(en2027).toEqual([
      {
        nom: lu.nom,
        livraisonPrevue: '2027-03-15',
        logements: lu.logements,
        droits: [{ nom: lu.droits[0]!.nom, logements: 1 }],
      },
    ]);
    expect(await prevision(2026)).toEqual([]);

    // Withdrawn (an empty list, version 3): the first letting follows the flow again.
    const retrait = await s.appel('bailleur@demo.flux', 'PUT', url, saisie([], 2));
    expect(retrait.statusCode, retrait.body).toBe(200);
    const ensuite = (await resultatAnnee(s.t.base.db, cle)).resultat;
    expect(ensuite.orientations.some((x) => x.motif.includes('droits négociés à son financement'))).toBe(false);
  });
});
