/**
 * A letting outside the flow lives its whole life through the API (issue 13; CCH R.441-5 I takes a
 * mutation interne or a rehousing out of the flow, not out of the CAL — R.441-3): declared with its
 * exclusion, its candidate designated by the bailleur from its inbox (never a réservataire's), a
 * CAL decision, an offer and a lease. It counts in the objectives of its EPCI (L.441-1: every lease
 * of the year) and on no convention line; the bilan of rehousing allocations (R.441-5) counts it
 * per category in the page and its files. A new notice on a unit whose excluded letting never got
 * a candidate closes it, as the engine does.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ATraiterApi } from '../../src/contracts/a-traiter.ts';
import type { BilanApi } from '../../src/contracts/bilan.ts';
import type { BauxObjectifsApi, ObjectifsApi, SessionCalApi, SessionCalDetailApi } from '../../src/contracts/cal.ts';
import type { PageBoiteApi } from '../../src/contracts/listes.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const RESERVATAIRE = 'reservataire@demo.flux';
const EPCI = 'epci@demo.flux';

/** A household whose first quartile is declared (ADR 0034: an override with its motif, whatever the thresholds). */
const candidat = (numeroSne: string, quartile1: boolean) => ({
  numeroSne,
  tailleMenage: 3,
  quartile1Declare: quartile1,
  motifQuartile1: 'ressources de l’année en cours, justifiées',
  dalo: false,
  pdalhpd: false,
  autreL4411: false,
});

interface Loc {
  id: string;
  version: number;
  etat: string;
  logementId: string;
  exclusion: string | null;
  ligne: string | null;
}

describe('une location hors du flux, de la libération au bail (API, PGlite)', () => {
  let s: ServeurDeTest;
  beforeAll(async () => {
    s = await serveurDeTest('pglite');
  }, 180_000);
  afterAll(() => s?.fermer());

  const json = async <T>(email: string, url: string): Promise<T> => {
    const r = await s.appel(email, 'GET', url);
    expect(r.statusCode, `${url} : ${r.body}`).toBe(200);
    return r.json() as T;
  };

  /** Declares a notice with this exclusion on a free unit outside QPV of the bailleur (with a known EPCI). */
  async function liberer(exclusion: string, date: string, sauf: string[] = []): Promise<Loc> {
    for (let page = 1; page < 40; page++) {
      const { logements } = await json<{
        logements: { id: string; qpv: string | null; horsFlux: string | null; epci: string | null }[];
      }>(BAILLEUR, `/api/logements?page=${page}&taille=200`);
      for (const l of logements.filter((x) => x.qpv === null && x.horsFlux === null && !sauf.includes(x.id))) {
        const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l.id, date, exclusion });
        if (d.statusCode === 201 || d.statusCode === 200) return d.json() as Loc;
      }
    }
    throw new Error('aucun logement libre');
  }

  let avantObjectifs: ObjectifsApi;
  let avantBilan: BilanApi;
  let M: Loc;

  it('la mutation interne est ouverte, en attente de candidats, dans la boîte du seul bailleur', async () => {
    avantObjectifs = await json<ObjectifsApi>(BAILLEUR, '/api/objectifs?annee=2026');
    avantBilan = await json<BilanApi>(BAILLEUR, '/api/bilan?annee=2026');
    M = await liberer('mutation_interne', '2026-11-02');
    expect(M).toMatchObject({ etat: 'exclue', exclusion: 'mutation_interne', ligne: null });

    const boite = await json<PageBoiteApi>(BAILLEUR, '/api/boite?etat=exclue&parPage=100');
    const e = boite.elements.find((x) => x.locationId === M.id);
    expect(e).toMatchObject({ exclusion: 'mutation_interne', peutProposer: true, echeance: null, pool: null });
    // Never in a réservataire's inbox.
    for (const qui of [RESERVATAIRE, 'etat@demo.flux']) {
      const b = await json<PageBoiteApi>(qui, '/api/boite?parPage=100');
      expect(b.elements.map((x) => x.locationId)).not.toContain(M.id);
    }
    const refus = await s.appel(RESERVATAIRE, 'POST', `/api/boite/${M.id}/candidats`, {
      version: M.version,
      candidats: [candidat('04500000000901', true)],
    });
    expect(refus.statusCode).toBe(404);
  });

  it('« À traiter » du bailleur : désigner les candidats des logements hors du flux', async () => {
    const a = await json<ATraiterApi>(BAILLEUR, '/api/a-traiter');
    const item = a.elements.find((x) => x.cle === 'hors-flux|designer');
    expect(item).toMatchObject({ type: 'candidats_a_designer', lien: '/boite?etat=exclue', echeance: null });
    expect(item!.nombre).toBeGreaterThanOrEqual(1);
  });

  it('le bailleur désigne le ménage ; la CAL attribue ; offre acceptée ; bail signé', async () => {
    // Dated by the bailleur (the inbox dates a proposal on the day it is made).
    const p = await s.appel(BAILLEUR, 'POST', `/api/locations/${M.id}/transitions`, {
      transition: 'proposer_candidats',
      etatAttendu: 'exclue',
      version: M.version,
      date: '2026-11-05',
      candidats: [candidat('04500000000901', true)],
    });
    expect(p.statusCode, p.body).toBe(200);
    expect((p.json() as Loc).etat).toBe('candidats');

    let r = await s.appel(BAILLEUR, 'POST', '/api/cal/sessions', { date: '2026-11-10', departement: '45' });
    expect(r.statusCode, r.body).toBe(201);
    const session = r.json() as SessionCalApi;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/examens`, {
      locationId: M.id,
      motifMoinsDeTrois: 'mutation interne : le ménage du locataire en place',
    });
    expect(r.statusCode, r.body).toBe(200);
    let detail = r.json() as SessionCalDetailApi;
    const ex = () => detail.liste.find((e) => e.locationId === M.id)!;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/sessions/${session.id}/decisions`, {
      locationId: M.id,
      version: ex().version,
      decision: 'attribution',
      classement: [ex().candidats[0]!.id],
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    expect(ex().etat).toBe('decision_cal');
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${ex().offres[0]!.id}/reponse`, {
      reponse: 'acceptee',
      date: '2026-11-12',
    });
    expect(r.statusCode, r.body).toBe(200);
    detail = r.json() as SessionCalDetailApi;
    r = await s.appel(BAILLEUR, 'POST', `/api/cal/offres/${ex().offres[0]!.id}/bail`, {
      date: '2026-11-16',
      version: ex().version,
    });
    expect(r.statusCode, r.body).toBe(200);
    const loc = await json<Loc>(BAILLEUR, `/api/locations/${M.id}`);
    expect(loc).toMatchObject({ etat: 'bail_signe', ligne: null, exclusion: 'mutation_interne' });
  });

  it('compté dans les objectifs de son EPCI (L.441-1 : tous les baux), sur aucune ligne', async () => {
    const apres = await json<ObjectifsApi>(BAILLEUR, '/api/objectifs?annee=2026');
    expect(apres.baux).toBe(avantObjectifs.baux + 1);
    expect(apres.bauxHorsFlux).toBe(avantObjectifs.bauxHorsFlux + 1);
    const somme = (o: ObjectifsApi) => ({
      epci: o.parEpci.reduce((t, e) => t + e.quartile1HorsQpv.denominateur + e.nonQuartile1EnQpv.denominateur, 0),
      q1: o.parEpci.reduce((t, e) => t + e.quartile1HorsQpv.numerateur, 0),
      lignes: o.parLigne.reduce((t, l) => t + l.prioritaires.denominateur, 0),
    });
    // Every lease of the year, in the flow or outside it, is in exactly one EPCI objective.
    expect(somme(apres).epci).toBe(apres.baux);
    expect(somme(apres).epci).toBe(somme(avantObjectifs).epci + 1);
    // A first-quartile household outside QPV: in the numerator.
    expect(somme(apres).q1).toBe(somme(avantObjectifs).q1 + 1);
    // On no ledger line.
    expect(somme(apres).lignes).toBe(somme(avantObjectifs).lignes);

    // The drill-down of its EPCI lists it, outside the flow, serving the objective.
    const epci = apres.parEpci.find((e) => e.quartile1HorsQpv.denominateur > 0 && e.epci !== null)!;
    let trouve: BauxObjectifsApi['baux'][number] | undefined;
    for (const e of apres.parEpci) {
      const d = await json<BauxObjectifsApi>(BAILLEUR, `/api/objectifs/baux?annee=2026&epci=${e.epci ?? 'aucun'}`);
      expect(d.total).toBe(e.quartile1HorsQpv.denominateur + e.nonQuartile1EnQpv.denominateur);
      trouve ??= d.baux.find((b) => b.locationId === M.id);
    }
    expect(epci).toBeDefined();
    expect(trouve).toMatchObject({
      horsFlux: 'mutation interne',
      ligne: null,
      objectif: 'quartile1HorsQpv',
      sert: true,
    });
    const invalide = await s.appel(BAILLEUR, 'GET', '/api/objectifs/baux?epci=Orléans');
    expect(invalide.statusCode).toBe(400);
  });

  it('l’EPCI voit les baux de son territoire, de tous les bailleurs', async () => {
    const o = await json<ObjectifsApi>(EPCI, '/api/objectifs?annee=2026');
    expect(o.parEpci.length).toBe(1);
    const d = await json<BauxObjectifsApi>(
      EPCI,
      `/api/objectifs/baux?annee=2026&epci=${o.parEpci[0]!.epci}&parPage=100`,
    );
    expect(d.total).toBe(o.baux);
    expect(new Set(d.baux.map((b) => b.bailleur)).size).toBeGreaterThan(1);
    // Another EPCI's leases: none in its scope.
    const ailleurs = await json<BauxObjectifsApi>(EPCI, '/api/objectifs/baux?annee=2026&epci=200000000');
    expect(ailleurs.total).toBe(0);
  });

  it('le bilan des relogements (R.441-5) le compte dans sa catégorie, ni les lignes ni le flux ne bougent', async () => {
    const b = await json<BilanApi>(BAILLEUR, '/api/bilan?annee=2026');
    const cat = (x: BilanApi) => x.relogements.categories.find((c) => c.motif === 'mutation_interne')!;
    expect(b.relogements.categories.map((c) => c.motif)).toEqual([
      'mutation_interne',
      'relogement_anru',
      'relogement_orcod',
      'relogement_insalubrite',
      'relogement_vente',
    ]);
    expect(cat(b).liberes).toBe(cat(avantBilan).liberes + 1);
    expect(cat(b).bauxSignes).toBe(cat(avantBilan).bauxSignes + 1);
    expect(cat(b).enCours).toBe(cat(avantBilan).enCours);
    expect(b.flux.fluxAnnuel).toBe(avantBilan.flux.fluxAnnuel);
    expect(b.lignes.map((l) => [l.ligne, l.bauxSignes, l.attribues])).toEqual(
      avantBilan.lignes.map((l) => [l.ligne, l.bauxSignes, l.attribues]),
    );
    // The demo's excluded lettings live their life too: some leased, some still open.
    const total = (k: 'liberes' | 'bauxSignes' | 'enCours') => b.relogements.categories.reduce((t, c) => t + c[k], 0);
    expect(total('bauxSignes')).toBeGreaterThan(1);
    expect(total('enCours')).toBeGreaterThan(0);

    // Its files: the CSV's « relogement » rows, the XLSX's table.
    const csv = await s.appel(BAILLEUR, 'GET', '/api/bilan.csv?annee=2026');
    expect(csv.statusCode).toBe(200);
    const entete = csv.body
      .replace(/^\ufeff/, '')
      .split('\r\n')[0]!
      .split(';');
    const ligne = csv.body.split('\r\n').find((l) => l.startsWith('relogement;mutation_interne;'))!;
    const champs = ligne.split(';');
    expect(champs[entete.indexOf('relogements libérés')]).toBe(String(cat(b).liberes));
    expect(champs[entete.indexOf('relogements baux signés')]).toBe(String(cat(b).bauxSignes));
    expect(champs[entete.indexOf('relogements en cours')]).toBe(String(cat(b).enCours));
    const xlsx = await s.app.inject({
      method: 'GET',
      url: '/api/bilan.xlsx?annee=2026',
      cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const lignes: unknown[][] = [];
    wb.worksheets[0]!.eachRow((r) => lignes.push((r.values as unknown[]).slice(1)));
    const i = lignes.findIndex((r) => String(r[0]).startsWith('Bilan des relogements'));
    expect(i).toBeGreaterThan(0);
    expect(lignes[i + 2]).toEqual(['mutation interne', cat(b).liberes, cat(b).bauxSignes, cat(b).enCours, '']);
    const pdf = await s.app.inject({
      method: 'GET',
      url: '/api/bilan.pdf?annee=2026',
      cookies: { flux_session: s.comptes[BAILLEUR]!.cookie },
    });
    expect(pdf.statusCode).toBe(200);
  });

  it('un nouveau préavis clôt la location hors du flux restée sans candidat, comme le moteur', async () => {
    const R = await liberer('relogement_orcod', '2026-10-05', [M.logementId]);
    expect(R.etat).toBe('exclue');
    const avant = await json<BilanApi>(BAILLEUR, '/api/bilan?annee=2026');
    const d = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: R.logementId, date: '2026-11-03' });
    expect(d.statusCode, d.body).toBe(201);
    const ancienne = await json<Loc>(BAILLEUR, `/api/locations/${R.id}`);
    expect(ancienne.etat).toBe('sans_candidat');
    const b = await json<BilanApi>(BAILLEUR, '/api/bilan?annee=2026');
    const orcod = (x: BilanApi) => x.relogements.categories.find((c) => c.motif === 'relogement_orcod')!;
    expect(orcod(b).enCours).toBe(orcod(avant).enCours - 1);
    expect(orcod(b).liberes).toBe(orcod(avant).liberes);
    // A letting outside the flow with candidates is not closed by a notice: it is still under way.
    const C = await liberer('relogement_anru', '2026-10-06', [M.logementId, R.logementId]);
    const p = await s.appel(BAILLEUR, 'POST', `/api/boite/${C.id}/candidats`, {
      version: C.version,
      candidats: [candidat('04500000000902', false)],
    });
    expect(p.statusCode, p.body).toBe(200);
    expect((p.json() as Loc).etat).toBe('candidats');
    const encore = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: C.logementId, date: '2026-11-04' });
    expect(encore.statusCode).toBe(409);
  });
});
