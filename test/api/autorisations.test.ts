/**
 * The authorization matrix: every route of the OpenAPI document × every role (and nobody signed
 * in), asserted allowed or denied from the table below. A route missing from the table fails the
 * test: a new route cannot ship without deciding who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/app/roles.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

type Qui = 'public' | Role;
const TOUS: readonly Role[] = ROLES;
const DONNEES: readonly Role[] = ['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci'];

/** Who may call each route. Everyone else must get 401 (not signed in) or 403. */
const MATRICE: Record<string, readonly Qui[]> = {
  'GET /api/sante': ['public', ...TOUS],
  'GET /api/sante/pret': ['public', ...TOUS],
  'POST /api/session': ['public', ...TOUS],
  'GET /api/session': TOUS,
  'DELETE /api/session': TOUS,
  'GET /api/accueil': TOUS,
  'GET /api/a-traiter': DONNEES,
  'GET /api/conventions': DONNEES,
  'GET /api/conventions/registre': DONNEES,
  'GET /api/conventions/{id}': DONNEES,
  'POST /api/conventions': ['agent_bailleur'],
  'POST /api/conventions/{id}/versions': ['agent_bailleur'],
  'POST /api/conventions/{id}/reprise-prefet': ['pilote_etat'],
  'GET /api/conventions/projets': DONNEES,
  'GET /api/conventions/projets/{id}': DONNEES,
  'POST /api/conventions/projets': ['agent_bailleur'],
  'POST /api/conventions/{id}/projets': ['agent_bailleur'],
  'POST /api/conventions/projets/{id}/avis-cil': ['lecteur_epci'],
  'POST /api/conventions/projets/{id}/signature': ['agent_bailleur'],
  'PUT /api/conventions/projets/{id}/clauses': ['agent_bailleur'],
  'GET /api/conventions/projets/{id}/document.pdf': DONNEES,
  'GET /api/conventions/projets/{id}/document.docx': DONNEES,
  'GET /api/conventions/{id}/document.pdf': DONNEES,
  'GET /api/conventions/{id}/document.docx': DONNEES,
  'POST /api/conventions/projets/{id}/signatures-document': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/territoire/epci': ['lecteur_epci'],
  'GET /api/territoire/departement': ['pilote_etat'],
  'GET /api/territoire/departement.xlsx': ['pilote_etat'],
  'GET /api/delegations': ['pilote_etat', 'agent_reservataire', 'lecteur_epci'],
  'POST /api/delegations': ['pilote_etat'],
  'POST /api/delegations/{id}/fin': ['pilote_etat'],
  'GET /api/logements': ['agent_bailleur', 'pilote_etat', 'lecteur_epci'],
  'GET /api/logements/recherche': ['agent_bailleur', 'pilote_etat', 'lecteur_epci'],
  'GET /api/communes/recherche': TOUS,
  'GET /api/patrimoine/qualite': ['agent_bailleur', 'pilote_etat'],
  'GET /api/patrimoine/qualite.xlsx': ['agent_bailleur', 'pilote_etat'],
  'POST /api/patrimoine/import-rpls': ['agent_bailleur'],
  'GET /api/patrimoine/etat-des-lieux': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/patrimoine/etat-des-lieux.xlsx': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/patrimoine/etats-des-lieux': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/patrimoine/etats-des-lieux': ['agent_bailleur'],
  'GET /api/patrimoine/etats-des-lieux/{id}': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/patrimoine/etats-des-lieux/{id}/xlsx': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/patrimoine/etats-des-lieux/{id}/signatures': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/patrimoine/reservations': ['agent_bailleur'],
  'GET /api/fichiers-erreurs/{id}': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/demandes': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/demandes': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/demandes/modele.xlsx': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/caleol': ['agent_bailleur'],
  'POST /api/caleol/seances': ['agent_bailleur'],
  'POST /api/caleol/seances/{id}/avis': ['agent_bailleur'],
  'POST /api/caleol/avis/{id}/suivi': ['agent_bailleur'],
  'POST /api/occupation': ['agent_bailleur'],
  'PUT /api/occupation': ['agent_bailleur'],
  'POST /api/rapprochements': ['agent_bailleur', 'pilote_etat'],
  'GET /api/cotation/grilles': ['public', ...TOUS],
  'GET /api/cotation/grilles/{siren}': ['public', ...TOUS],
  'GET /api/cotation/epci': ['lecteur_epci'],
  'PUT /api/cotation/epci/brouillon': ['lecteur_epci'],
  'POST /api/cotation/epci/adoption': ['lecteur_epci'],
  'GET /api/cotation/epci/essai': ['lecteur_epci'],
  'GET /api/cotation/epci/essai.xlsx': ['lecteur_epci'],
  'POST /api/rapprochements.xlsx': ['agent_bailleur', 'pilote_etat'],
  'GET /api/flux/prevision': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'PUT /api/flux/prevision': ['agent_bailleur'],
  'GET /api/flux/prevision.xlsx': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/flux/prevision.pdf': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/flux/simulation': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/flux/simulation.xlsx': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/flux/simulation.pdf': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/flux/conversion': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/flux/conversion/avenants': ['agent_bailleur'],
  'GET /api/locations': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/locations/{id}': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/locations': ['agent_bailleur'],
  'POST /api/locations/{id}/transitions': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/locations/{id}/pieces': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/locations/{id}/pieces': ['agent_bailleur'],
  'GET /api/locations/{id}/pieces/{piece}': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'DELETE /api/locations/{id}/pieces/{piece}': ['agent_bailleur'],
  'GET /api/locations/{id}/recommandation': ['agent_bailleur', 'pilote_etat'],
  'GET /api/locations/{id}/dossier': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/locations/{id}/orientation': ['agent_bailleur'],
  'GET /api/boite': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'POST /api/boite/{id}/candidats': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'GET /api/notifications': TOUS,
  'POST /api/notifications/{id}/lue': TOUS,
  'GET /api/cal/sessions': ['agent_bailleur', 'pilote_etat'],
  'POST /api/cal/sessions': ['agent_bailleur'],
  'GET /api/cal/a-examiner': ['agent_bailleur'],
  'GET /api/cal/sessions/{id}': ['agent_bailleur', 'pilote_etat'],
  'POST /api/cal/sessions/{id}/examens': ['agent_bailleur'],
  'POST /api/cal/sessions/{id}/decisions': ['agent_bailleur'],
  'POST /api/cal/sessions/{id}/retraits': ['agent_bailleur'],
  'POST /api/cal/sessions/{id}/annulation': ['agent_bailleur'],
  'GET /api/cal/sessions/{id}/proces-verbal.pdf': ['agent_bailleur', 'pilote_etat'],
  'POST /api/cal/offres/{id}/reponse': ['agent_bailleur'],
  'POST /api/cal/offres/{id}/bail': ['agent_bailleur'],
  'POST /api/cal/offres/expirer': ['agent_bailleur'],
  'GET /api/objectifs': DONNEES,
  'GET /api/quartiles': ['agent_bailleur', 'pilote_etat', 'lecteur_epci', 'administrateur'],
  'POST /api/quartiles': ['pilote_etat', 'administrateur'],
  'GET /api/cibles-cia': DONNEES,
  'POST /api/cibles-cia': ['lecteur_epci'],
  'GET /api/programmes': ['agent_bailleur', 'agent_reservataire', 'pilote_etat'],
  'PUT /api/programmes/{id}/droits': ['agent_bailleur'],
  'GET /api/objectifs/baux': DONNEES,
  'GET /api/tableau': DONNEES,
  'GET /api/bilans': DONNEES,
  'GET /api/bilan': DONNEES,
  'GET /api/bilan.xlsx': DONNEES,
  'GET /api/bilan.csv': DONNEES,
  'GET /api/bilan.pdf': DONNEES,
  'GET /api/bilan/scenario': ['agent_bailleur', 'pilote_etat', 'lecteur_epci'],
  'POST /api/bilan/emissions': ['agent_bailleur'],
  'GET /api/bilan/emissions': DONNEES,
  'POST /api/bilan/emissions/envois': ['agent_bailleur'],
  'GET /api/bilan/emissions/{version}': DONNEES,
  'GET /api/bilan/emissions/{version}/{format}': DONNEES,
  'POST /api/annees/corrections': ['agent_bailleur'],
  'POST /api/annees/corrections/{id}/cloture': ['agent_bailleur'],
  'GET /api/audit/verification': ['administrateur', 'pilote_etat'],
  'GET /api/admin/organisations': ['administrateur'],
  'POST /api/admin/organisations': ['administrateur'],
  'GET /api/admin/utilisateurs': ['administrateur'],
  'POST /api/admin/utilisateurs': ['administrateur'],
};

/** A demo account per role. */
const COMPTE: Record<Role, string> = {
  agent_bailleur: 'bailleur@demo.flux',
  agent_reservataire: 'reservataire@demo.flux',
  pilote_etat: 'etat@demo.flux',
  lecteur_epci: 'epci@demo.flux',
  administrateur: 'admin@demo.flux',
};

describe('matrice des autorisations (toutes les routes OpenAPI × tous les rôles)', () => {
  let s: ServeurDeTest;
  let routes: string[] = [];
  beforeAll(async () => {
    s = await serveurDeTest('pglite');
    const doc = (
      await s.app.inject({
        method: 'GET',
        url: '/api/docs/json',
        cookies: { flux_session: s.comptes['admin@demo.flux']!.cookie },
      })
    ).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([chemin, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${chemin}`),
    );
  }, 120_000);
  afterAll(() => s?.fermer());

  it('chaque route publiée a une ligne dans la matrice, et réciproquement', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect([...routes].sort()).toEqual(Object.keys(MATRICE).sort());
  });

  it('chaque rôle est autorisé ou refusé exactement comme la matrice le dit', async () => {
    const ecarts: string[] = [];
    for (const route of routes) {
      const [methode, chemin] = route.split(' ') as ['GET' | 'POST' | 'DELETE', string];
      const url = chemin.replace('{id}', 'identifiant-inexistant');
      for (const qui of ['public', ...ROLES] as Qui[]) {
        // DELETE /api/session would end the shared session: test it on a fresh one.
        let email: string | null = qui === 'public' ? null : COMPTE[qui];
        if (methode === 'DELETE' && email) {
          const r = await s.app.inject({
            method: 'POST',
            url: '/api/session',
            payload: { email, motDePasse: 'flux-demo-2026' },
          });
          s.comptes[`jetable-${email}`] = {
            cookie: r.cookies[0]!.value,
            csrf: (r.json() as { csrf: string }).csrf,
            organisationId: '',
          };
          email = `jetable-${email}`;
        }
        const corps = methode === 'GET' || methode === 'DELETE' ? undefined : {};
        const r = await s.appel(email, methode, url, corps);
        const refuse = r.statusCode === 401 || r.statusCode === 403;
        const attendu = MATRICE[route]?.includes(qui) ?? false;
        if (attendu === refuse)
          ecarts.push(
            `${route} pour ${qui} : ${r.statusCode} (${attendu ? 'devrait être autorisé' : 'devrait être refusé'})`,
          );
        if (!attendu && qui === 'public' && r.statusCode !== 401)
          ecarts.push(`${route} sans session : ${r.statusCode} au lieu de 401`);
        if (!attendu && qui !== 'public' && r.statusCode !== 403)
          ecarts.push(`${route} pour ${qui} : ${r.statusCode} au lieu de 403`);
        expect(r.statusCode, `${route} ${qui}`).toBeLessThan(500);
      }
    }
    expect(ecarts).toEqual([]);
  });
});
