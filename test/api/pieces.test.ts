/**
 * Photos and plans of a letting (issue 6 item 2), on PGlite and PostgreSQL: the bailleur attaches a
 * PNG and a PDF (raw body, name and description as query parameters); a type its first bytes
 * contradict, a file over 5 MiB and an 11th file are refused in French naming the field; the
 * réservataire of the letting reads them (served with their type, nosniff, sandboxed), once the
 * orientation is decided; another réservataire or bailleur gets 404; the inbox lists them;
 * adding and deleting are audited without the content.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { lignes } from '../../src/db/client.ts';
import type { ElementBoiteApi } from '../../src/contracts/orientation.ts';
import { PIECES_MAX_PAR_LOCATION, TAILLE_MAX_PIECE, type PieceApi } from '../../src/contracts/pieces.ts';
import { COMPTES_DEMO, ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { logementsLibres, serveurDeSuite } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const AL = 'reservataire@demo.flux';
const DEPT = 'departement@demo.flux';
const ETAT = 'etat@demo.flux';
const MAINTENANT = new Date('2026-11-22T09:00:00Z');

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
/** A minimal PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

describe.each(genresDeTest())('photos et plans d’une location (%s)', (genre) => {
  const s = serveurDeSuite(genre, { horloge: () => MAINTENANT, verificationEcheancesMs: 0 });
  const logementLibre = logementsLibres(s, 'desc');

  function televerser(
    email: string,
    locationId: string,
    type: string,
    contenu: Buffer,
    nom: string,
    description?: string,
  ): Promise<LightMyRequestResponse> {
    const c = s.comptes[email]!;
    const q = new URLSearchParams({ nom, ...(description ? { description } : {}) });
    return s.app.inject({
      method: 'POST',
      url: `/api/locations/${locationId}/pieces?${q}`,
      payload: contenu,
      headers: { 'content-type': type, 'x-csrf-token': c.csrf },
      cookies: { flux_session: c.cookie },
    });
  }

  /** A new letting of HLD, not yet decided. */
  async function declarer(): Promise<{ id: string; version: number; reservataireId: string | null }> {
    const logementId = await logementLibre();
    const r = await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId, date: '2026-11-21' });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  }

  let laLocation = '';
  let png: PieceApi;
  let pdf: PieceApi;

  it('le bailleur joint une photo PNG et un plan PDF, chacun avec son nom, son type, sa taille et son empreinte', async () => {
    const v = await declarer();
    const d = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: ORG.actionLogement,
      motif: 'Test des photos et plans',
    });
    expect(d.statusCode, d.body).toBe(200);
    laLocation = v.id;

    const r1 = await televerser(
      BAILLEUR,
      laLocation,
      'image/png',
      PNG,
      'C:\\photos\\séjour.png',
      'Séjour lumineux, vue sur le parc',
    );
    expect(r1.statusCode, r1.body).toBe(201);
    png = r1.json();
    expect(png).toMatchObject({
      locationId: laLocation,
      nom: 'séjour.png',
      description: 'Séjour lumineux, vue sur le parc',
      type: 'image/png',
      taille: PNG.length,
    });
    expect(png.empreinte).toBe(createHash('sha256').update(PNG).digest('hex'));

    const r2 = await televerser(BAILLEUR, laLocation, 'application/pdf', PDF, 'plan T3.pdf');
    expect(r2.statusCode, r2.body).toBe(201);
    pdf = r2.json();
    expect(pdf).toMatchObject({ nom: 'plan T3.pdf', description: null, type: 'application/pdf', taille: PDF.length });

    const liste = await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation}/pieces`);
    expect(liste.statusCode).toBe(200);
    expect(liste.json().pieces.map((p: PieceApi) => p.id)).toEqual([png.id, pdf.id]);

    const audit = await lignes<{ apres: Record<string, unknown> }>(
      s.t.base.db,
      sql`select apres from evenements_audit where action = 'location.piece.ajouter' and cible_id = ${laLocation} order by seq`,
    );
    expect(audit.map((a) => a.apres)).toEqual([
      {
        piece: png.id,
        nom: 'séjour.png',
        description: 'Séjour lumineux, vue sur le parc',
        type: 'image/png',
        taille: PNG.length,
        empreinte: png.empreinte,
      },
      {
        piece: pdf.id,
        nom: 'plan T3.pdf',
        description: null,
        type: 'application/pdf',
        taille: PDF.length,
        empreinte: pdf.empreinte,
      },
    ]);
  });

  it('un type que les premiers octets contredisent, un type non accepté, un fichier vide sont refusés (422, champ « fichier »)', async () => {
    const pdfEnPng = await televerser(BAILLEUR, laLocation, 'image/png', PDF, 'faux.png');
    expect(pdfEnPng.statusCode).toBe(422);
    expect(pdfEnPng.json().problemes).toEqual([
      {
        chemin: 'fichier',
        message: expect.stringContaining('le contenu du fichier est un document PDF, pas une image PNG'),
      },
    ]);
    const texteEnJpeg = await televerser(
      BAILLEUR,
      laLocation,
      'image/jpeg',
      Buffer.from('<script>alert(1)</script>'),
      'photo.jpg',
    );
    expect(texteEnJpeg.statusCode).toBe(422);
    expect(texteEnJpeg.json().problemes[0]).toMatchObject({
      chemin: 'fichier',
      message: expect.stringContaining('n’est pas une image JPEG'),
    });
    const html = await televerser(BAILLEUR, laLocation, 'text/html', Buffer.from('<html></html>'), 'page.html');
    expect(html.statusCode).toBe(422);
    expect(html.json().message).toContain('type de fichier « text/html » refusé');
    const vide = await televerser(BAILLEUR, laLocation, 'image/png', Buffer.alloc(0), 'vide.png');
    expect(vide.statusCode).toBe(422);
    expect(vide.json().problemes[0].chemin).toBe('fichier');
    const sansNom = await televerser(BAILLEUR, laLocation, 'image/png', PNG, '');
    expect(sansNom.statusCode).toBe(400);
    expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation}/pieces`)).json().pieces).toHaveLength(2);
  });

  it('un fichier de plus de 5 Mo est refusé (413, champ « fichier »)', async () => {
    const gros = Buffer.concat([PNG, Buffer.alloc(TAILLE_MAX_PIECE + 1 - PNG.length)]);
    const r = await televerser(BAILLEUR, laLocation, 'image/png', gros, 'grand.png');
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({
      erreur: 'FICHIER_TROP_VOLUMINEUX',
      problemes: [{ chemin: 'fichier', message: expect.stringContaining('5 Mo au plus par photo ou plan') }],
    });
    // Exactly 5 MiB passes.
    const juste = await televerser(BAILLEUR, laLocation, 'image/png', gros.subarray(0, TAILLE_MAX_PIECE), 'juste.png');
    expect(juste.statusCode, juste.body).toBe(201);
    expect(juste.json().taille).toBe(TAILLE_MAX_PIECE);
  });

  it('le réservataire de la location lit les pièces : type conservé, nosniff, bac à sable ; image affichée, PDF téléchargé', async () => {
    const liste = await s.appel(AL, 'GET', `/api/locations/${laLocation}/pieces`);
    expect(liste.statusCode, liste.body).toBe(200);
    expect(liste.json().pieces.map((p: PieceApi) => p.nom)).toEqual(['séjour.png', 'plan T3.pdf', 'juste.png']);

    const image = await s.appel(AL, 'GET', `/api/locations/${laLocation}/pieces/${png.id}`);
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.equals(PNG)).toBe(true);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-disposition']).toBe(
      `inline; filename="sejour.png"; filename*=UTF-8''s%C3%A9jour.png`,
    );
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(String(image.headers['content-security-policy'])).toMatch(/^sandbox;/);

    const plan = await s.appel(AL, 'GET', `/api/locations/${laLocation}/pieces/${pdf.id}`);
    expect(plan.statusCode).toBe(200);
    expect(plan.rawPayload.equals(PDF)).toBe(true);
    expect(plan.headers['content-type']).toBe('application/pdf');
    expect(plan.headers['content-disposition']).toMatch(/^attachment; filename="plan T3\.pdf"/);

    // The State pilot of the département reads them too.
    expect((await s.appel(ETAT, 'GET', `/api/locations/${laLocation}/pieces/${pdf.id}`)).statusCode).toBe(200);
  });

  it('un autre réservataire, un autre bailleur : 404 ; le réservataire ne supprime pas', async () => {
    for (const email of [DEPT, 'commune@demo.flux', 'bailleur2@demo.flux']) {
      expect((await s.appel(email, 'GET', `/api/locations/${laLocation}/pieces`)).statusCode, email).toBe(404);
      expect((await s.appel(email, 'GET', `/api/locations/${laLocation}/pieces/${png.id}`)).statusCode, email).toBe(
        404,
      );
    }
    expect((await televerser('bailleur2@demo.flux', laLocation, 'image/png', PNG, 'intrus.png')).statusCode).toBe(404);
    expect(
      (await s.appel('bailleur2@demo.flux', 'DELETE', `/api/locations/${laLocation}/pieces/${png.id}`)).statusCode,
    ).toBe(404);
    expect((await s.appel(AL, 'DELETE', `/api/locations/${laLocation}/pieces/${png.id}`)).statusCode).toBe(403);
    // A piece asked through another letting's address.
    const autre = await declarer();
    expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${autre.id}/pieces/${png.id}`)).statusCode).toBe(404);
  });

  it('avant la décision d’orientation du bailleur, le réservataire recommandé ne voit rien (404)', async () => {
    const comptes = new Map(
      COMPTES_DEMO.filter((c) => c.role === 'agent_reservataire').map((c) => [c.organisationId, c.email]),
    );
    let trouve: { id: string; email: string } | null = null;
    for (let i = 0; i < 30 && !trouve; i++) {
      const v = await declarer();
      if (v.reservataireId && comptes.has(v.reservataireId))
        trouve = { id: v.id, email: comptes.get(v.reservataireId)! };
    }
    expect(trouve, 'une location recommandée à un réservataire qui a un compte de démonstration').not.toBeNull();
    expect((await televerser(BAILLEUR, trouve!.id, 'image/png', PNG, 'avant.png')).statusCode).toBe(201);
    expect((await s.appel(trouve!.email, 'GET', `/api/locations/${trouve!.id}/pieces`)).statusCode).toBe(404);
    expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${trouve!.id}/pieces`)).json().pieces).toHaveLength(1);
  });

  it('la boîte de réception du réservataire liste les pièces de la location (sans leur contenu)', async () => {
    const r = await s.appel(AL, 'GET', '/api/boite');
    expect(r.statusCode).toBe(200);
    const el = (r.json().elements as ElementBoiteApi[]).find((e) => e.locationId === laLocation)!;
    expect(el.pieces).toEqual([
      {
        id: png.id,
        nom: 'séjour.png',
        description: 'Séjour lumineux, vue sur le parc',
        type: 'image/png',
        taille: PNG.length,
        ajouteLe: png.ajouteLe,
      },
      {
        id: pdf.id,
        nom: 'plan T3.pdf',
        description: null,
        type: 'application/pdf',
        taille: PDF.length,
        ajouteLe: pdf.ajouteLe,
      },
      expect.objectContaining({ nom: 'juste.png', taille: TAILLE_MAX_PIECE }),
    ]);
    expect(JSON.stringify(el.pieces)).not.toContain('contenu');
  });

  it(`au plus ${PIECES_MAX_PAR_LOCATION} pièces par location : la onzième est refusée (422)`, async () => {
    const deja = (await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation}/pieces`)).json().pieces.length as number;
    for (let i = deja; i < PIECES_MAX_PAR_LOCATION; i++) {
      const r = await televerser(BAILLEUR, laLocation, 'image/png', PNG, `photo-${i + 1}.png`);
      expect(r.statusCode, r.body).toBe(201);
    }
    const onzieme = await televerser(BAILLEUR, laLocation, 'application/pdf', PDF, 'onzieme.pdf');
    expect(onzieme.statusCode).toBe(422);
    expect(onzieme.json().problemes).toEqual([
      {
        chemin: 'fichier',
        message: '10 photos ou plans au plus par location : supprimez-en un avant d’en joindre un autre',
      },
    ]);
    expect((await s.appel(BAILLEUR, 'GET', `/api/locations/${laLocation}/pieces`)).json().pieces).toHaveLength(
      PIECES_MAX_PAR_LOCATION,
    );
  });

  it('le bailleur supprime une pièce : journalisé sans contenu, elle disparaît pour tous ; une place se libère', async () => {
    const r = await s.appel(BAILLEUR, 'DELETE', `/api/locations/${laLocation}/pieces/${pdf.id}`);
    expect(r.statusCode, r.body).toBe(204);
    expect((await s.appel(BAILLEUR, 'DELETE', `/api/locations/${laLocation}/pieces/${pdf.id}`)).statusCode).toBe(404);
    expect((await s.appel(AL, 'GET', `/api/locations/${laLocation}/pieces/${pdf.id}`)).statusCode).toBe(404);
    const el = ((await s.appel(AL, 'GET', '/api/boite')).json().elements as ElementBoiteApi[]).find(
      (e) => e.locationId === laLocation,
    )!;
    expect(el.pieces.map((p) => p.id)).not.toContain(pdf.id);
    const audit = await lignes<{ avant: Record<string, unknown>; apres: unknown; utilisateur_id: string }>(
      s.t.base.db,
      sql`select avant, apres, utilisateur_id from evenements_audit where action = 'location.piece.supprimer' and cible_id = ${laLocation}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.avant).toEqual({
      piece: pdf.id,
      nom: 'plan T3.pdf',
      description: null,
      type: 'application/pdf',
      taille: PDF.length,
      empreinte: pdf.empreinte,
    });
    expect(audit[0]!.apres).toBeNull();
    expect((await televerser(BAILLEUR, laLocation, 'application/pdf', PDF, 'plan-bis.pdf')).statusCode).toBe(201);
    const chaine = await s.appel(ETAT, 'GET', '/api/audit/verification');
    expect(chaine.json().ok).toBe(true);
  });
});
