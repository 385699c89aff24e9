/**
 * Hostile input named and refused in French (issue 15 item 3), the cases of the probe written out:
 * a NUL session cookie is no session, a NUL byte in a field is a 400 naming it, impossible dates
 * are a 400 naming the date, contracts without their own message answer in French. The fuzz of
 * every route (fuzz.test.ts) sends the same classes everywhere.
 */
import { describe, expect, it } from 'vitest';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

describe.each(genresDeTest())('entrées hostiles (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  it('cookie flux_session=%00 (ou illisible) : pas de session, 401 en français, jamais 500', async () => {
    for (const valeur of ['%00', '\u0000', 'x'.repeat(300), "' or 1=1 --"]) {
      const r = await s.app.inject({
        method: 'GET',
        url: '/api/accueil',
        headers: { cookie: `flux_session=${valeur}` },
      });
      expect(r.statusCode, valeur).toBe(401);
      expect(r.json()).toEqual({ erreur: 'NON_AUTHENTIFIE', message: 'connexion requise' });
    }
    const connexion = await s.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { cookie: 'flux_session=%00' },
      payload: { email: 'bailleur@demo.flux', motDePasse: 'faux' },
    });
    expect(connexion.statusCode).toBe(401);
  });

  it('un octet NUL ou un caractère de contrôle dans un champ : 400 nommant le champ', async () => {
    const corps = await s.appel('bailleur@demo.flux', 'POST', '/api/cal/sessions', {
      date: '2026-12-15',
      departement: '45',
      lieu: 'Salle\u0000 du conseil',
    });
    expect(corps.statusCode).toBe(400);
    expect(corps.json()).toEqual({
      erreur: 'REQUETE_INVALIDE',
      message: 'corps.lieu : caractère nul (U+0000) interdit',
      problemes: [{ chemin: 'corps.lieu', message: 'caractère nul (U+0000) interdit' }],
    });
    const chemin = await s.appel('bailleur@demo.flux', 'GET', '/api/locations/V%00X');
    expect(chemin.statusCode).toBe(400);
    expect(chemin.json().problemes).toEqual([{ chemin: 'chemin.id', message: 'caractère nul (U+0000) interdit' }]);
    const requete = await s.appel('bailleur@demo.flux', 'GET', '/api/locations?etat=%1B');
    expect(requete.json().problemes).toEqual([
      { chemin: 'paramètres.etat', message: 'caractère de contrôle ou invalide interdit (U+001B)' },
    ]);
    // A written reason keeps its line breaks; a lone surrogate half is refused.
    const moitie = await s.appel('bailleur@demo.flux', 'POST', '/api/cal/sessions', {
      date: '2026-12-15',
      departement: '45',
      lieu: 'A\ud800',
    });
    expect(moitie.json().problemes[0].chemin).toBe('corps.lieu');
    const profond = await s.app.inject({
      method: 'POST',
      url: '/api/cal/sessions',
      payload: `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`,
      headers: { 'content-type': 'application/json', 'x-csrf-token': s.comptes['bailleur@demo.flux']!.csrf },
      cookies: { flux_session: s.comptes['bailleur@demo.flux']!.cookie },
    });
    expect(profond.statusCode).toBe(400);
    expect(profond.json().message).toMatch(/imbrication trop profonde \(32 niveaux au plus\)/);
  });

  it('dates impossibles (2026-02-30, 2026-13-01) : 400 nommant la date, sur les sessions de CAL et les locations', async () => {
    for (const date of ['2026-02-30', '2026-13-01', '2026-2-3']) {
      const cal = await s.appel('bailleur@demo.flux', 'POST', '/api/cal/sessions', { date, departement: '45' });
      expect(cal.statusCode).toBe(400);
      expect(cal.json().problemes).toEqual([
        { chemin: 'corps.date', message: 'date réelle attendue au format AAAA-MM-JJ (par exemple 2026-03-14)' },
      ]);
      const laLocation = await s.appel('bailleur@demo.flux', 'POST', '/api/locations', { logementId: 'L1', date });
      expect(laLocation.statusCode).toBe(400);
      expect(laLocation.json().problemes[0].chemin).toBe('corps.date');
    }
    expect(
      (await s.appel('bailleur@demo.flux', 'POST', '/api/cal/sessions', { date: '2028-02-29', departement: '45' }))
        .statusCode,
    ).toBe(201);
  });

  it('les contrats sans message propre répondent en français', async () => {
    const commune = await s.appel('bailleur@demo.flux', 'GET', '/api/logements?commune=ABCDE');
    expect(commune.statusCode).toBe(400);
    expect(commune.json().problemes).toEqual([
      { chemin: 'paramètres.commune', message: 'code INSEE de commune attendu (5 caractères)' },
    ]);
    const uuid = await s.appel('bailleur@demo.flux', 'GET', '/api/fichiers-erreurs/xyz');
    expect(uuid.json().problemes).toEqual([
      { chemin: 'chemin.id', message: 'identifiant de fichier d’erreurs invalide' },
    ]);
    const nombre = await s.appel('bailleur@demo.flux', 'GET', '/api/logements?taille=1e308');
    expect(nombre.statusCode).toBe(400);
    expect(nombre.json().message).not.toMatch(/[A-Z][a-z]+ [a-z]+:/);
  });
});
