/**
 * The territory's consolidation and the delegation of the State's contingent (issue 14 items 3 and
 * 5, ADR 0040), through the API on the seeded demo (PGlite, and PostgreSQL when DATABASE_URL is
 * set):
 * - a draft of an avenant is checked like the version it proposes (CCH R.441-5-2 I), puts nothing
 *   in force, is seen by the EPCIs it covers, whose CIL's review is recorded once before the parties
 *   sign (CCH L.441-1-5), audited; signing writes the version;
 * - the EPCI sees every convention on its territory, for every bailleur, consolidated by
 *   réservataire (CCH R.441-5-3 for the territorial ones); the State pilot's départemental view and
 *   its XLSX (CCH R.441-5-2);
 * - a delegation of the State's contingent to a maire (CCH L.441-1): the commune proposes on the
 *   State's units of its commune while it holds, the State pilot keeps the view, a non-delegatee
 *   gets 404 (403 for a role the matrix refuses), and it ends at its end date.
 */
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import { lignes } from '../../src/db/client.ts';
import type { ConventionDetailApi, RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import type { ElementBoiteApi } from '../../src/contracts/orientation.ts';
import type {
  ConsolidationEpciApi,
  DelegationsApi,
  ProjetApi,
  VueDepartementaleApi,
} from '../../src/contracts/territoire.ts';
import { conventionVersions, evenementsAudit } from '../../src/db/schema.ts';
import { COMMUNE_ORLEANS, ORG, SIREN_ORLEANS_METROPOLE } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const BAILLEUR2 = 'bailleur2@demo.flux';
const AL = 'reservataire@demo.flux';
const COMMUNE = 'commune@demo.flux';
const DEPT = 'departement@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const ANNEE = 2026;
const CV_AL = 'HLD-CV2';

describe.each(genresDeTest())('consolidation du territoire et délégation du contingent (%s)', (genre) => {
  let maintenant = new Date('2026-11-22T09:00:00Z');
  const s = serveurDeSuite(genre, { horloge: () => maintenant, verificationEcheancesMs: 0 });

  const lireConvention = async (email: string, id: string) => {
    const r = await s.appel(email, 'GET', `/api/conventions/${id}?annee=${ANNEE}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ConventionDetailApi;
  };
  const projetAvenant = async (id: string, changements: Record<string, unknown>) => {
    const v = (await lireConvention(BAILLEUR, id)).historique[0]!;
    return s.appel(BAILLEUR, 'POST', `/api/conventions/${id}/projets`, {
      ...v.parametres,
      taux: v.taux,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: '2027-01-01',
      motif: 'renégociation 2027',
      versionLue: v.version,
      ...changements,
    });
  };
  const versions = async (id: string) =>
    (await s.t.base.db.select().from(conventionVersions).where(eq(conventionVersions.conventionId, id))).length;
  const audit = async (action: string, cible: string) =>
    s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, action), eq(evenementsAudit.cibleId, cible)));

  describe('projets de convention et avis de la CIL (CCH L.441-1-5)', () => {
    let projet: ProjetApi;

    it('CCH R.441-5-2 I — un projet d’avenant de l’État au-delà de 30 % est refusé sur le champ taux, rien n’est écrit', async () => {
      const registre = (
        await s.appel(BAILLEUR, 'GET', `/api/conventions/registre?annee=${ANNEE}&parPage=100`)
      ).json() as RegistreConventionsApi;
      const cvEtat = registre.conventions.find((c) => c.reservataire.type === 'etat')!.id;
      const r = await projetAvenant(cvEtat, { taux: 0.35 });
      expect(r.statusCode, r.body).toBe(422);
      expect((r.json() as { problemes: { chemin: string }[] }).problemes.map((p) => p.chemin)).toContain('taux');
      expect(await lignes(s.t.base.db, sql`select id from projets_conventions`)).toEqual([]);
    });

    it('CCH L.441-1-5 — le projet d’avenant n’entre pas en vigueur et attend l’avis de la CIL de chaque EPCI couvert', async () => {
      const avant = await versions(CV_AL);
      const r = await projetAvenant(CV_AL, { taux: 0.22 });
      expect(r.statusCode, r.body).toBe(201);
      projet = r.json() as ProjetApi;
      expect(projet).toMatchObject({ etat: 'projet', taux: 0.22, conventionId: CV_AL, signable: true });
      expect(projet.avisCil.map((a) => a.epci)).toContain(SIREN_ORLEANS_METROPOLE);
      expect(projet.avisCil.every((a) => a.avis === null)).toBe(true);
      expect(projet.statut).toMatch(/en attente de l’avis/);
      expect(await versions(CV_AL)).toBe(avant);
      expect(await audit('convention.projet', projet.id)).toHaveLength(1);
    });

    it('le projet se lit par son bailleur, son réservataire, le pilote de l’État et l’EPCI couvert — 404 pour les autres', async () => {
      for (const email of [BAILLEUR, AL, ETAT, EPCI]) {
        const r = await s.appel(email, 'GET', `/api/conventions/projets/${projet.id}`);
        expect(r.statusCode, `${email} ${r.body}`).toBe(200);
      }
      const epci = (await s.appel(EPCI, 'GET', `/api/conventions/projets/${projet.id}`)).json() as ProjetApi;
      expect(epci.avisCil.find((a) => a.epci === SIREN_ORLEANS_METROPOLE)!.enregistrable).toBe(true);
      expect(epci.signable).toBe(false);
      for (const email of [BAILLEUR2, DEPT, COMMUNE])
        expect((await s.appel(email, 'GET', `/api/conventions/projets/${projet.id}`)).statusCode).toBe(404);
      const liste = (await s.appel(BAILLEUR2, 'GET', '/api/conventions/projets')).json() as { projets: ProjetApi[] };
      expect(liste.projets.map((p) => p.id)).not.toContain(projet.id);
    });

    it('CCH L.441-1-5 — un avis réservé dit ses raisons ; une séance future est refusée', async () => {
      const sans = await s.appel(EPCI, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
        seanceLe: '2026-11-18',
        avis: 'reserve',
      });
      expect(sans.statusCode).toBe(400);
      expect(sans.body).toMatch(/raisons/);
      const future = await s.appel(EPCI, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
        seanceLe: '2026-12-15',
        avis: 'favorable',
      });
      expect(future.statusCode).toBe(422);
    });

    it('CCH L.441-1-5 — l’EPCI enregistre l’avis de sa CIL une fois, audité ; la page du projet le montre', async () => {
      const r = await s.appel(EPCI, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
        seanceLe: '2026-11-18',
        avis: 'reserve',
        motifs: 'Part hors QPV à préciser sur la Métropole',
      });
      expect(r.statusCode, r.body).toBe(201);
      const lu = (await s.appel(BAILLEUR, 'GET', `/api/conventions/projets/${projet.id}`)).json() as ProjetApi;
      expect(lu.avisCil.find((a) => a.epci === SIREN_ORLEANS_METROPOLE)).toMatchObject({
        avis: 'reserve',
        seanceLe: '2026-11-18',
        motifs: 'Part hors QPV à préciser sur la Métropole',
        auteur: expect.any(String),
      });
      expect(await audit('convention.avis_cil', projet.id)).toHaveLength(1);
      const encore = await s.appel(EPCI, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
        seanceLe: '2026-11-19',
        avis: 'favorable',
      });
      expect(encore.statusCode).toBe(409);
      // Only an EPCI records a CIL's review: the bailleur is refused by the matrix.
      const bailleur = await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
        seanceLe: '2026-11-18',
        avis: 'favorable',
      });
      expect(bailleur.statusCode).toBe(403);
    });

    it('la signature écrit la version du projet (mêmes contrôles) ; après elle, plus d’avis de la CIL', async () => {
      const avant = await versions(CV_AL);
      const vieux = await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${projet.id}/signature`, {
        version: projet.version + 1,
      });
      expect(vieux.statusCode).toBe(409);
      const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${projet.id}/signature`, {
        version: projet.version,
      });
      expect(r.statusCode, r.body).toBe(201);
      const signe = r.json() as ProjetApi;
      expect(signe).toMatchObject({ etat: 'signe', signeLe: '2026-11-22', signable: false });
      expect(await versions(CV_AL)).toBe(avant + 1);
      const cv = await lireConvention(BAILLEUR, CV_AL);
      expect(cv.historique[0]).toMatchObject({ id: signe.versionId, taux: 0.22, effectifLe: '2027-01-01' });
      expect(await audit('convention.projet_signe', projet.id)).toHaveLength(1);

      const second = (await projetAvenant(CV_AL, { taux: 0.23, effectifLe: '2027-06-01' })).json() as ProjetApi;
      await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${second.id}/signature`, { version: second.version });
      const tard = await s.appel(EPCI, 'POST', `/api/conventions/projets/${second.id}/avis-cil`, {
        seanceLe: '2026-11-20',
        avis: 'favorable',
      });
      expect(tard.statusCode).toBe(409);
      expect(tard.body).toMatch(/avant la signature/);
      expect((await verifierAudit(s.t.base.db)).ok).toBe(true);
    });
  });

  describe('la consolidation de l’EPCI et la vue départementale (CCH R.441-5, R.441-5-2, R.441-5-3)', () => {
    it('CCH R.441-5-3 — l’EPCI voit les conventions de tous les bailleurs sur son territoire, consolidées par réservataire', async () => {
      const r = await s.appel(EPCI, 'GET', `/api/territoire/epci?annee=${ANNEE}`);
      expect(r.statusCode, r.body).toBe(200);
      const c = r.json() as ConsolidationEpciApi;
      expect(c.epci.siren).toBe(SIREN_ORLEANS_METROPOLE);
      const bailleursAvecConventions = new Set(c.reservataires.flatMap((x) => x.conventions.map((k) => k.bailleur.id)));
      expect(bailleursAvecConventions.size).toBeGreaterThan(1);
      const etat = c.reservataires.find((x) => x.reservataire.id === ORG.etat)!;
      expect(etat.conventions.length).toBeGreaterThan(1);
      for (const k of etat.conventions) {
        expect(k.logementsAttendus).toBeCloseTo(k.taux * k.fluxTerritoire, 9);
        expect(k.termes.contraintes).toContain('taux appliqué dans chaque commune');
      }
      expect(etat.logementsAttendus).toBeCloseTo(
        etat.conventions.reduce((x, k) => x + k.logementsAttendus, 0),
        9,
      );
      // The Ville d'Orléans's convention covers a commune of the territory.
      expect(c.reservataires.some((x) => x.reservataire.id === ORG.orleans)).toBe(true);
      // And the EPCI reads a convention it is not party to, with its ledger line.
      const al = await s.appel(EPCI, 'GET', `/api/conventions/${CV_AL}?annee=${ANNEE}`);
      expect(al.statusCode, al.body).toBe(200);
      expect((al.json() as ConventionDetailApi).modifiable).toBe(false);
      expect(c.projets.length).toBeGreaterThan(0);
    });

    it('CCH R.441-5-2 — le pilote voit chaque bailleur, la part de l’État par bailleur et par commune, ce qui manque et les projets en attente', async () => {
      // A draft still waiting for the CIL.
      const attente = await projetAvenant(CV_AL, { taux: 0.24, effectifLe: '2028-01-01' });
      expect(attente.statusCode, attente.body).toBe(201);
      const r = await s.appel(ETAT, 'GET', `/api/territoire/departement?annee=${ANNEE}`);
      expect(r.statusCode, r.body).toBe(200);
      const v = r.json() as VueDepartementaleApi;
      expect(v.departement).toBe('45');
      expect(v.bailleurs.map((b) => b.bailleur.id)).toEqual(expect.arrayContaining(['HLD', 'VLL', 'GBH']));
      for (const b of v.bailleurs.filter((x) => x.etat)) {
        expect(b.etat!.taux).toBeLessThanOrEqual(0.3);
        if (b.partEtatRealisee !== null) expect(b.partEtatRealisee).toBeGreaterThan(0);
      }
      const orleans = v.communes.find((c) => c.commune === COMMUNE_ORLEANS)!;
      expect(orleans.fluxAnnuel).toBeGreaterThan(0);
      expect(orleans.partEtat).toBeCloseTo(orleans.orientesEtat / orleans.fluxAnnuel, 9);
      expect(v.projets.map((p) => p.id)).toContain((attente.json() as ProjetApi).id);
      expect(v.projets.every((p) => p.etat === 'projet')).toBe(true);
      expect(v.conventions.length).toBeGreaterThan(5);

      const x = await s.appel(ETAT, 'GET', `/api/territoire/departement.xlsx?annee=${ANNEE}`);
      expect(x.statusCode).toBe(200);
      expect(x.headers['content-type']).toMatch(/spreadsheetml/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        'Bailleurs',
        'Communes',
        'Conventions',
        'À régulariser',
        'Projets',
      ]);
      expect(wb.getWorksheet('Bailleurs')!.rowCount).toBe(v.bailleurs.length + 1);
    });

    it('un bailleur sans convention de l’État est signalé « manquante »', async () => {
      await s.t.base.db.execute(
        sql`insert into organisations (id, nom, categorie, departement) values ('NOUVEAU', 'Nouveau bailleur', 'bailleur', '45')`,
      );
      await s.t.base.db.execute(
        sql`insert into logements (id, rpls, bailleur_id, departement, commune, typologie, financement, construction)
            values ('NOUVEAU-1', 'NOUVEAU-1', 'NOUVEAU', '45', ${COMMUNE_ORLEANS}, 'T3', 'PLUS', 1990)`,
      );
      const v = (
        await s.appel(ETAT, 'GET', `/api/territoire/departement?annee=${ANNEE}`)
      ).json() as VueDepartementaleApi;
      expect(v.manques).toContainEqual(
        expect.objectContaining({
          genre: 'sans_convention_etat',
          bailleur: { id: 'NOUVEAU', nom: 'Nouveau bailleur' },
        }),
      );
    });
  });

  describe('délégation du contingent de l’État à un maire (CCH L.441-1)', () => {
    let servis = 0;
    /** A new letting of an HLD unit in Orléans, oriented by the bailleur to the State's line. */
    async function locationEtatAOrleans(): Promise<string> {
      const [l] = await lignes<{ id: string }>(
        s.t.base.db,
        sql`select id from logements l where bailleur_id = 'HLD' and commune = ${COMMUNE_ORLEANS} and hors_flux is null
            and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1 offset ${servis++}`,
      );
      const v = (
        await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l!.id, date: '2026-11-21' })
      ).json() as { id: string; version: number };
      const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
        decision: 'forcer',
        version: v.version,
        reservataire: ORG.etat,
        motif: 'Test de la délégation du contingent',
      });
      expect(r.statusCode, r.body).toBe(200);
      return v.id;
    }
    const boite = async (email: string): Promise<ElementBoiteApi[]> => {
      const r = await s.appel(email, 'GET', '/api/boite');
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { elements: ElementBoiteApi[] }).elements;
    };
    const candidats = (numeroSne: string) => ({
      candidats: [
        {
          numeroSne,
          tailleMenage: 2,
          quartile1Declare: true,
          motifQuartile1: 'ressources de l’année en cours',
          dalo: true,
          pdalhpd: false,
          autreL4411: false,
        },
      ],
    });
    let loc = '';

    it('CCH L.441-1 — seuls une commune ou un EPCI du département reçoivent la délégation, sur leur territoire', async () => {
      const interdite = await s.appel(AL, 'POST', '/api/delegations', {});
      expect(interdite.statusCode).toBe(403);
      const ailleurs = await s.appel(ETAT, 'POST', '/api/delegations', {
        delegataire: ORG.orleans,
        communes: ['45208'],
        debut: '2026-11-22',
        fin: '2026-11-22',
        acte: 'convention de délégation n° 2026-1',
      });
      expect(ailleurs.statusCode).toBe(422);
      expect(ailleurs.body).toMatch(/sa commune/);
      const pasUneCommune = await s.appel(ETAT, 'POST', '/api/delegations', {
        delegataire: ORG.actionLogement,
        communes: [COMMUNE_ORLEANS],
        debut: '2026-11-22',
        fin: '2026-11-22',
        acte: 'convention de délégation n° 2026-1',
      });
      expect(pasUneCommune.statusCode).toBe(422);
    });

    it('CCH L.441-1 — avant la délégation, la Ville ne voit pas les logements de l’État', async () => {
      loc = await locationEtatAOrleans();
      expect((await boite(COMMUNE)).map((e) => e.locationId)).not.toContain(loc);
      expect((await boite(ETAT)).find((e) => e.locationId === loc)).toMatchObject({
        peutProposer: true,
        delegation: null,
      });
    });

    it('CCH L.441-1 — la délégation enregistrée par le pilote (auditée) fait agir la Ville sur la ligne de l’État ; le pilote garde la vue', async () => {
      const r = await s.appel(ETAT, 'POST', '/api/delegations', {
        delegataire: ORG.orleans,
        communes: [COMMUNE_ORLEANS],
        debut: '2026-11-01',
        fin: '2026-11-22',
        acte: 'Convention de délégation du contingent préfectoral n° 2026-45-01',
      });
      expect(r.statusCode, r.body).toBe(201);
      const d = (r.json() as DelegationsApi).delegations[0]!;
      expect(d).toMatchObject({ delegataire: { id: ORG.orleans }, statut: 'active', fin: '2026-11-22' });
      expect(await audit('contingent.delegation', d.id)).toHaveLength(1);
      const chevauche = await s.appel(ETAT, 'POST', '/api/delegations', {
        delegataire: ORG.metropole,
        communes: [COMMUNE_ORLEANS],
        debut: '2026-11-20',
        fin: '2026-12-31',
        acte: 'autre acte',
      });
      expect(chevauche.statusCode).toBe(409);
      // The delegatee reads its delegation.
      const siennes = (await s.appel(COMMUNE, 'GET', '/api/delegations')).json() as DelegationsApi;
      expect(siennes.delegations.map((x) => x.id)).toEqual([d.id]);

      const ville = (await boite(COMMUNE)).find((e) => e.locationId === loc);
      expect(ville).toMatchObject({ reservataire: { id: ORG.etat }, peutProposer: true });
      expect(ville!.delegation).toMatchObject({ delegataire: 'Ville d’Orléans' });
      const pilote = (await boite(ETAT)).find((e) => e.locationId === loc);
      expect(pilote).toMatchObject({ peutProposer: false });
      expect(pilote!.delegation).not.toBeNull();
      // Not the delegatee: 404 (its inbox does not hold the unit), and the pilot may not propose.
      expect(
        (
          await s.appel(AL, 'POST', `/api/boite/${loc}/candidats`, {
            version: ville!.version,
            ...candidats('045261100011111'),
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await s.appel(EPCI, 'POST', `/api/boite/${loc}/candidats`, {
            version: ville!.version,
            ...candidats('045261100011111'),
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await s.appel(ETAT, 'POST', `/api/boite/${loc}/candidats`, {
            version: ville!.version,
            ...candidats('045261100011111'),
          })
        ).statusCode,
      ).toBe(403);

      const ok = await s.appel(COMMUNE, 'POST', `/api/boite/${loc}/candidats`, {
        version: ville!.version,
        ...candidats('045261100022222'),
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((ok.json() as { etat: string }).etat).toBe('candidats');
      // The delegatee follows the letting on its page; the pilot too.
      expect((await s.appel(COMMUNE, 'GET', `/api/locations/${loc}/dossier`)).statusCode).toBe(200);
      expect((await s.appel(ETAT, 'GET', `/api/locations/${loc}/dossier`)).statusCode).toBe(200);
      expect((await s.appel(DEPT, 'GET', `/api/locations/${loc}/dossier`)).statusCode).toBe(404);
    });

    it('CCH L.441-1 — la délégation prend fin à sa date de fin : le lendemain, les logements reviennent au pilote', async () => {
      const suivant = await locationEtatAOrleans();
      expect((await boite(COMMUNE)).map((e) => e.locationId)).toContain(suivant);
      maintenant = new Date('2026-11-23T09:00:00Z');
      const ville = await boite(COMMUNE);
      expect(ville.map((e) => e.locationId)).not.toContain(suivant);
      expect(ville.map((e) => e.locationId)).not.toContain(loc);
      const pilote = (await boite(ETAT)).find((e) => e.locationId === suivant);
      expect(pilote).toMatchObject({ peutProposer: true, delegation: null });
      const tard = await s.appel(COMMUNE, 'POST', `/api/boite/${suivant}/candidats`, {
        version: pilote!.version,
        ...candidats('045261100033333'),
      });
      expect(tard.statusCode).toBe(404);
      expect((await s.appel(COMMUNE, 'GET', `/api/locations/${suivant}/dossier`)).statusCode).toBe(404);
      const liste = (await s.appel(ETAT, 'GET', '/api/delegations')).json() as DelegationsApi;
      expect(liste.delegations[0]!.statut).toBe('terminee');
      expect(liste.delegations[0]!.terminable).toBe(false);
    });

    it('CCH L.441-1 — le préfet met fin à une délégation avant son terme : le pilote l’enregistre (auditée), les logements lui reviennent le lendemain', async () => {
      maintenant = new Date('2026-11-25T09:00:00Z');
      const r = await s.appel(ETAT, 'POST', '/api/delegations', {
        delegataire: ORG.orleans,
        communes: [COMMUNE_ORLEANS],
        debut: '2026-11-24',
        fin: '2026-12-31',
        acte: 'Convention de délégation du contingent préfectoral n° 2026-45-02',
      });
      expect(r.statusCode, r.body).toBe(201);
      const d = (r.json() as DelegationsApi).delegations.find((x) => x.fin === '2026-12-31')!;
      expect(d).toMatchObject({ statut: 'active', terminable: true, finAnticipee: null });
      const suivant = await locationEtatAOrleans();
      expect((await boite(COMMUNE)).map((e) => e.locationId)).toContain(suivant);
      const fin = (corps: unknown, qui = ETAT) => s.appel(qui, 'POST', `/api/delegations/${d.id}/fin`, corps);
      // Only the State pilot; a French refusal for a day before yesterday, or not before the act's last day.
      expect((await fin({ dernierJour: '2026-11-25', motif: 'arrêté du préfet' }, COMMUNE)).statusCode).toBe(403);
      const avant = await fin({ dernierJour: '2026-11-23', motif: 'arrêté du préfet' });
      expect(avant.statusCode).toBe(422);
      expect(avant.json().message).toContain('au plus tôt');
      const apres = await fin({ dernierJour: '2026-12-31', motif: 'arrêté du préfet' });
      expect(apres.statusCode).toBe(422);
      expect(apres.json().message).toContain('le dernier jour prévu par l’acte');
      expect((await fin({ dernierJour: '2026-11-25', motif: '' })).statusCode).toBe(400);
      expect(
        (await s.appel(ETAT, 'POST', '/api/delegations/inconnue/fin', { dernierJour: '2026-11-25', motif: 'x' }))
          .statusCode,
      ).toBe(404);

      const ok = await fin({
        dernierJour: '2026-11-25',
        motif: 'Arrêté préfectoral n° 2026-11-25 mettant fin à la délégation',
      });
      expect(ok.statusCode, ok.body).toBe(200);
      const terminee = (ok.json() as DelegationsApi).delegations.find((x) => x.id === d.id)!;
      expect(terminee).toMatchObject({
        fin: '2026-11-25',
        statut: 'active',
        terminable: true,
        finAnticipee: {
          finInitiale: '2026-12-31',
          motif: 'Arrêté préfectoral n° 2026-11-25 mettant fin à la délégation',
        },
      });
      expect(await audit('contingent.delegation.fin', d.id)).toHaveLength(1);
      // Today the Ville still acts; tomorrow the unit is the pilot's again, and the delegation is over.
      expect((await boite(COMMUNE)).map((e) => e.locationId)).toContain(suivant);
      maintenant = new Date('2026-11-26T09:00:00Z');
      expect((await boite(COMMUNE)).map((e) => e.locationId)).not.toContain(suivant);
      expect((await boite(ETAT)).find((e) => e.locationId === suivant)).toMatchObject({
        peutProposer: true,
        delegation: null,
      });
      const liste = (await s.appel(ETAT, 'GET', '/api/delegations')).json() as DelegationsApi;
      expect(liste.delegations.find((x) => x.id === d.id)).toMatchObject({ statut: 'terminee', terminable: false });
      const encore = await fin({ dernierJour: '2026-11-26', motif: 'x' });
      expect(encore.statusCode).toBe(409);
      expect(encore.json().message).toContain('déjà terminée');
    });
  });
});
