/**
 * The convention document and its signatures (issue 14 item 2, ADR 0043), through the API on the
 * seeded demo (PGlite, and PostgreSQL when DATABASE_URL is set): a draft of an avenant carries its
 * clauses (defaults from the dated parameters), the bailleur changes them (audited); the document is
 * written from the stored terms as PDF and DOCX, in the model convention's articles (CCH R.441-5,
 * R.441-5-1, L.441-1-5); each party signs the fingerprint it read, a stale one is refused in French,
 * the register shows who signed what; the version written at signature keeps the clauses.
 */
import { inflateRawSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifierAudit } from '../../src/app/audit.ts';
import type { ConventionDetailApi, RegistreConventionsApi } from '../../src/contracts/conventions.ts';
import type { ProjetApi } from '../../src/contracts/territoire.ts';
import { conventionVersions, evenementsAudit } from '../../src/db/schema.ts';
import { valeurAu } from '../../src/domain/legal-parameters.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const ETAT = 'etat@demo.flux';
const EPCI = 'epci@demo.flux';
const COMMUNE = 'commune@demo.flux';
const CV_AL = 'HLD-CV2';

/** The text of one entry of a ZIP written with deflate (the DOCX), by its name. */
function entreeZip(zip: Buffer, nom: string): string {
  let i = 0;
  while (zip.readUInt32LE(i) === 0x04034b50) {
    const taille = zip.readUInt32LE(i + 18);
    const longueurNom = zip.readUInt16LE(i + 26);
    const extra = zip.readUInt16LE(i + 28);
    const n = zip.subarray(i + 30, i + 30 + longueurNom).toString('utf8');
    const debut = i + 30 + longueurNom + extra;
    if (n === nom) return inflateRawSync(zip.subarray(debut, debut + taille)).toString('utf8');
    i = debut + taille;
  }
  throw new Error(`${nom} absent du ZIP`);
}

describe.each(genresDeTest())('le document de la convention et ses signatures (%s)', (genre) => {
  const maintenant = new Date('2026-11-22T09:00:00Z');
  const s = serveurDeSuite(genre, { horloge: () => maintenant, verificationEcheancesMs: 0 });
  const lire = async (email: string, id: string) => {
    const r = await s.appel(email, 'GET', `/api/conventions/projets/${id}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ProjetApi;
  };
  const audit = async (action: string, cible: string) =>
    s.t.base.db
      .select()
      .from(evenementsAudit)
      .where(and(eq(evenementsAudit.action, action), eq(evenementsAudit.cibleId, cible)));
  let projet: ProjetApi;

  it('arrêté du 10 mars 2011 art. 1 — un projet porte ses clauses, par défaut lues dans les paramètres datés', async () => {
    const cv = (await s.appel(BAILLEUR, 'GET', `/api/conventions/${CV_AL}?annee=2026`)).json() as ConventionDetailApi;
    const v = cv.historique[0]!;
    const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/${CV_AL}/projets`, {
      ...v.parametres,
      taux: v.taux,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: '2027-01-01',
      motif: 'renégociation 2027',
      versionLue: v.version,
    });
    expect(r.statusCode, r.body).toBe(201);
    projet = r.json() as ProjetApi;
    expect(projet.clauses).toMatchObject({
      debutLe: '2027-01-01',
      delaiSignalementJours: valeurAu('delaiSignalementVacanceJours', '2027-01-01'),
      renouvellement: 'expres',
      categoriesPrioritaires: [],
    });
    expect(projet.clausesModifiables).toBe(true);
    expect(projet.signataire).toBe('bailleur');
    expect(projet.signatures).toEqual([]);
  });

  it('le bailleur modifie les clauses (version lue, audité) ; une fin avant le début est refusée en français', async () => {
    const avant = await s.appel(BAILLEUR, 'PUT', `/api/conventions/projets/${projet.id}/clauses`, {
      version: projet.version,
      clauses: { ...projet.clauses, finLe: '2026-12-31' },
    });
    expect(avant.statusCode).toBe(422);
    expect(avant.body).toMatch(/prend fin après son début/);
    const r = await s.appel(BAILLEUR, 'PUT', `/api/conventions/projets/${projet.id}/clauses`, {
      version: projet.version,
      clauses: { ...projet.clauses, delaiSignalementJours: 5, fondement: 'Financement PEEC, convention n° 2019-12' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const modifie = r.json() as ProjetApi;
    expect(modifie.version).toBe(projet.version + 1);
    expect(modifie.clauses.delaiSignalementJours).toBe(5);
    expect(await audit('convention.projet_clauses', projet.id)).toHaveLength(1);
    const vieux = await s.appel(BAILLEUR, 'PUT', `/api/conventions/projets/${projet.id}/clauses`, {
      version: projet.version,
      clauses: projet.clauses,
    });
    expect(vieux.statusCode).toBe(409);
    for (const email of [AL, EPCI])
      expect(
        (
          await s.appel(email, 'PUT', `/api/conventions/projets/${projet.id}/clauses`, {
            version: modifie.version,
            clauses: projet.clauses,
          })
        ).statusCode,
      ).toBe(403);
    projet = modifie;
  });

  it('CCH R.441-5 — le document PDF et DOCX suit les articles du modèle de convention, écrits depuis les termes enregistrés', async () => {
    const lu = await lire(AL, projet.id);
    expect(lu.empreinte).toMatch(/^[0-9a-f]{64}$/);
    const pdf = await s.appel(AL, 'GET', `/api/conventions/projets/${projet.id}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(pdf.headers['x-empreinte']).toBe(lu.empreinte);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const docx = await s.appel(BAILLEUR, 'GET', `/api/conventions/projets/${projet.id}/document.docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-disposition']).toMatch(/convention-.*-45\.docx/);
    const xml = entreeZip(docx.rawPayload, 'word/document.xml');
    for (const titre of [
      'Article 1 — Objet et parties',
      'Article 2 — Périmètre',
      'Article 3 — Part du flux réservée',
      'Article 4 — Engagements qualitatifs',
      'Article 5 — Orientation et signalement des logements libérés',
      'Article 6 — Délai de proposition et absence de candidat',
      'Article 7 — Décompte',
      'Article 8 — Bilan annuel et évaluation',
      'Article 9 — Durée',
      'Article 10 — Avenants',
      'Annexe 1 — Synthèse de l’état des lieux des réservations',
      'Annexe 2 — Chiffres de la conversion',
    ])
      expect(xml).toContain(titre);
    expect(xml).toContain('Financement PEEC, convention n° 2019-12');
    expect(xml).toContain('dans un délai de 5 jours');
    expect(xml).toContain(lu.empreinte!);
    expect(entreeZip(docx.rawPayload, '[Content_Types].xml')).toContain('wordprocessingml');
    // Outside the draft's readers: 404, as for the draft.
    expect((await s.appel(COMMUNE, 'GET', `/api/conventions/projets/${projet.id}/document.pdf`)).statusCode).toBe(404);
  });

  it('chaque partie signe l’empreinte lue ; une empreinte périmée est refusée en français ; le registre dit qui a signé quoi', async () => {
    const lu = await lire(AL, projet.id);
    expect(lu.signataire).toBe('reservataire');
    const r = await s.appel(AL, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
      empreinte: lu.empreinte,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect((r.json() as ProjetApi).signatures).toMatchObject([
      { partie: 'reservataire', organisation: lu.reservataire.nom, empreinte: lu.empreinte, aJour: true },
    ]);
    const encore = await s.appel(AL, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
      empreinte: lu.empreinte,
    });
    expect(encore.statusCode).toBe(409);
    // The CIL gives its review: the document changes, the réservataire's signature no longer matches.
    const avis = await s.appel(EPCI, 'POST', `/api/conventions/projets/${projet.id}/avis-cil`, {
      seanceLe: '2026-11-18',
      avis: 'favorable',
    });
    expect(avis.statusCode, avis.body).toBe(201);
    const apres = await lire(BAILLEUR, projet.id);
    expect(apres.empreinte).not.toBe(lu.empreinte);
    expect(apres.signatures[0]!.aJour).toBe(false);
    const perimee = await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
      empreinte: lu.empreinte,
    });
    expect(perimee.statusCode).toBe(409);
    expect(perimee.body).toMatch(/relisez le document avant de signer/);
    // Not a party: the State pilot reads the draft but does not sign it; an EPCI reader is refused by the matrix.
    const etat = await s.appel(ETAT, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
      empreinte: apres.empreinte,
    });
    expect(etat.statusCode).toBe(403);
    expect(etat.body).toMatch(/n’est pas partie/);
    for (const email of [BAILLEUR, AL]) {
      const ok = await s.appel(email, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
        empreinte: apres.empreinte,
      });
      expect(ok.statusCode, ok.body).toBe(201);
    }
    const registre = await lire(ETAT, projet.id);
    expect(
      registre.signatures
        .filter((x) => x.aJour)
        .map((x) => x.partie)
        .sort(),
    ).toEqual(['bailleur', 'reservataire']);
    expect(registre.signatures.every((x) => x.signataire.length > 0 && x.signeLe.length > 0)).toBe(true);
    expect(await audit('convention.document_signe', projet.id)).toHaveLength(3);
  });

  it('CCH R.441-5-2 — un projet de l’État désigne les publics prioritaires ; le pilote signe pour l’État', async () => {
    const registre = (
      await s.appel(BAILLEUR, 'GET', '/api/conventions/registre?annee=2026&parPage=100')
    ).json() as RegistreConventionsApi;
    const id = registre.conventions.find((c) => c.reservataire.type === 'etat')!.id;
    const v = ((await s.appel(BAILLEUR, 'GET', `/api/conventions/${id}?annee=2026`)).json() as ConventionDetailApi)
      .historique[0]!;
    const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/${id}/projets`, {
      ...v.parametres,
      taux: v.taux,
      ...(v.tauxAgents !== null ? { tauxAgents: v.tauxAgents } : {}),
      effectifLe: '2027-01-01',
      motif: 'convention de réservation de l’État 2027',
      versionLue: v.version,
    });
    expect(r.statusCode, r.body).toBe(201);
    const etat = r.json() as ProjetApi;
    expect(etat.clauses.categoriesPrioritaires).toEqual(['dalo', 'pdalhpd', 'autre_l441_1']);
    const lu = await lire(ETAT, etat.id);
    expect(lu.signataire).toBe('reservataire');
    const docx = await s.appel(ETAT, 'GET', `/api/conventions/projets/${etat.id}/document.docx`);
    const xml = entreeZip(docx.rawPayload, 'word/document.xml');
    expect(xml).toContain('Ménages reconnus prioritaires et urgents (DALO');
    expect(xml).toContain('au moins 30 % hors QPV');
    const signe = await s.appel(ETAT, 'POST', `/api/conventions/projets/${etat.id}/signatures-document`, {
      empreinte: lu.empreinte,
    });
    expect(signe.statusCode, signe.body).toBe(201);
    expect((signe.json() as ProjetApi).signatures).toMatchObject([{ partie: 'reservataire', aJour: true }]);
  });

  it('la version écrite à la signature garde les clauses ; la signature du document est close ensuite', async () => {
    const lu = await lire(BAILLEUR, projet.id);
    const r = await s.appel(BAILLEUR, 'POST', `/api/conventions/projets/${projet.id}/signature`, {
      version: lu.version,
    });
    expect(r.statusCode, r.body).toBe(201);
    const signe = r.json() as ProjetApi;
    const [v] = await s.t.base.db.select().from(conventionVersions).where(eq(conventionVersions.id, signe.versionId!));
    expect(v!.clauses).toMatchObject({
      delaiSignalementJours: 5,
      fondement: 'Financement PEEC, convention n° 2019-12',
    });
    const apres = await lire(BAILLEUR, projet.id);
    expect(apres.signataire).toBeNull();
    const tard = await s.appel(AL, 'POST', `/api/conventions/projets/${projet.id}/signatures-document`, {
      empreinte: apres.empreinte,
    });
    expect(tard.statusCode).toBe(409);
    expect((await verifierAudit(s.t.base.db)).ok).toBe(true);

    // The version written from the draft has its document, with the clauses signed.
    const doc = await s.appel(AL, 'GET', `/api/conventions/${CV_AL}/document.docx?version=${v!.version}`);
    expect(doc.statusCode, doc.body).toBe(200);
    const xml = entreeZip(doc.rawPayload, 'word/document.xml');
    expect(xml).toContain('Financement PEEC, convention n° 2019-12');
    expect(xml).toContain('Article 9 — Durée');
    expect(xml).not.toContain('enregistrée sans projet');
  });

  it('CCH R.441-5 — chaque version d’une convention a son document ; sans projet, les clauses par défaut sont signalées', async () => {
    // Version 1 of the demo's convention was written without a draft.
    const pdf = await s.appel(BAILLEUR, 'GET', `/api/conventions/${CV_AL}/document.pdf?version=1`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    expect(pdf.headers['x-empreinte']).toMatch(/^[0-9a-f]{64}$/);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const docx = await s.appel(AL, 'GET', `/api/conventions/${CV_AL}/document.docx?version=1`);
    expect(docx.statusCode).toBe(200);
    const xml = entreeZip(docx.rawPayload, 'word/document.xml');
    expect(xml).toContain('Version 1 enregistrée sans projet');
    expect(xml).toContain('Article 3 — Part du flux réservée');
    // The version in force by default; an unknown version, or a reader outside the convention: 404.
    expect((await s.appel(BAILLEUR, 'GET', `/api/conventions/${CV_AL}/document.pdf`)).statusCode).toBe(200);
    expect((await s.appel(BAILLEUR, 'GET', `/api/conventions/${CV_AL}/document.pdf?version=99`)).statusCode).toBe(404);
    expect((await s.appel(COMMUNE, 'GET', `/api/conventions/${CV_AL}/document.pdf`)).statusCode).toBe(404);
  });
});
