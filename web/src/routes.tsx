/** The pages and who may open them. */
import { createBrowserRouter } from 'react-router';
import { Cadre } from './composants/Cadre.tsx';
import { ErreurRoute } from './composants/ErreurRoute.tsx';
import { Protege, Reserve } from './composants/Protege.tsx';
import { BailleurParDefaut } from './composants/SelectBailleur.tsx';
import { Accessibilite } from './pages/Accessibilite.tsx';
import { Accueil } from './pages/Accueil.tsx';
import { Bilan } from './pages/Bilan.tsx';
import { Boite } from './pages/Boite.tsx';
import { Administration } from './pages/Administration.tsx';
import { Connexion } from './pages/Connexion.tsx';
import { Conventions } from './pages/Conventions.tsx';
import { ConventionsFiche } from './pages/ConventionsFiche.tsx';
import { Cotation } from './pages/Cotation.tsx';
import { GrillePublique, GrillesPubliques } from './pages/CotationPublique.tsx';
import { Caleol } from './pages/Caleol.tsx';
import { Demandes } from './pages/Demandes.tsx';
import { ImportRpls } from './pages/ImportRpls.tsx';
import { Introuvable } from './pages/Introuvable.tsx';
import { Locations } from './pages/Locations.tsx';
import { DossierLocation } from './pages/DossierLocation.tsx';
import { Logements } from './pages/Logements.tsx';
import { Cal, CalSeance } from './pages/Cal.tsx';
import { Objectifs } from './pages/Objectifs.tsx';
import { Conversion } from './pages/Conversion.tsx';
import { EtatDesLieux } from './pages/EtatDesLieux.tsx';
import { Programmes } from './pages/Programmes.tsx';
import { Prevision } from './pages/Prevision.tsx';
import { Simulation } from './pages/Simulation.tsx';
import { Qualite } from './pages/Qualite.tsx';
import { Quartiles } from './pages/Quartiles.tsx';
import { Rapprochement } from './pages/Rapprochement.tsx';
import { Tableau } from './pages/Tableau.tsx';
import { Delegations } from './pages/Delegations.tsx';
import { ProjetConvention } from './pages/ProjetConvention.tsx';
import { Departement, Territoire } from './pages/Territoire.tsx';

export const routeur = createBrowserRouter([
  {
    element: <Cadre />,
    errorElement: <ErreurRoute />,
    children: [
      { path: 'connexion', element: <Connexion /> },
      { path: 'accessibilite', element: <Accessibilite /> },
      { path: 'cotation', element: <GrillesPubliques /> },
      { path: 'cotation/:siren', element: <GrillePublique /> },
      {
        element: <Protege />,
        children: [
          { index: true, element: <Accueil /> },
          {
            path: 'logements',
            element: (
              <Reserve rubrique="logements">
                <Logements />
              </Reserve>
            ),
          },
          {
            path: 'locations',
            element: (
              <Reserve rubrique="locations">
                <Locations />
              </Reserve>
            ),
          },
          {
            path: 'locations/:id',
            element: (
              <Reserve rubrique="locations">
                <DossierLocation />
              </Reserve>
            ),
          },
          {
            path: 'grille-de-cotation',
            element: (
              <Reserve rubrique="cotation">
                <Cotation />
              </Reserve>
            ),
          },
          {
            path: 'boite',
            element: (
              <Reserve rubrique="boite">
                <Boite />
              </Reserve>
            ),
          },
          {
            path: 'cal',
            element: (
              <Reserve rubrique="cal">
                <Cal />
              </Reserve>
            ),
          },
          {
            path: 'cal/:id',
            element: (
              <Reserve rubrique="cal">
                <CalSeance />
              </Reserve>
            ),
          },
          {
            path: 'objectifs',
            element: (
              <Reserve rubrique="objectifs">
                <Objectifs />
              </Reserve>
            ),
          },
          {
            path: 'quartiles',
            element: (
              <Reserve rubrique="quartiles">
                <Quartiles />
              </Reserve>
            ),
          },
          {
            path: 'tableau',
            element: (
              <Reserve rubrique="tableau">
                <Tableau />
              </Reserve>
            ),
          },
          {
            path: 'conventions',
            element: (
              <Reserve rubrique="conventions">
                <Conventions />
              </Reserve>
            ),
          },
          {
            path: 'conventions/projets/:id',
            element: (
              <Reserve rubrique="conventions">
                <ProjetConvention />
              </Reserve>
            ),
          },
          {
            path: 'territoire',
            element: (
              <Reserve rubrique="territoire">
                <Territoire />
              </Reserve>
            ),
          },
          {
            path: 'departement',
            element: (
              <Reserve rubrique="departement">
                <Departement />
              </Reserve>
            ),
          },
          {
            path: 'programmes',
            element: (
              <Reserve rubrique="programmes">
                <BailleurParDefaut>
                  <Programmes />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'delegations',
            element: (
              <Reserve rubrique="delegations">
                <Delegations />
              </Reserve>
            ),
          },
          {
            path: 'conventions/:id',
            element: (
              <Reserve rubrique="conventions">
                <ConventionsFiche />
              </Reserve>
            ),
          },
          {
            path: 'qualite',
            element: (
              <Reserve rubrique="qualite">
                <BailleurParDefaut>
                  <Qualite />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'etat-des-lieux',
            element: (
              <Reserve rubrique="etat-des-lieux">
                <BailleurParDefaut>
                  <EtatDesLieux />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'prevision',
            element: (
              <Reserve rubrique="prevision">
                <BailleurParDefaut>
                  <Prevision />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'simulation',
            element: (
              <Reserve rubrique="simulation">
                <BailleurParDefaut>
                  <Simulation />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'bilan',
            element: (
              <Reserve rubrique="bilan">
                <Bilan />
              </Reserve>
            ),
          },
          {
            path: 'conversion',
            element: (
              <Reserve rubrique="conversion">
                <BailleurParDefaut>
                  <Conversion />
                </BailleurParDefaut>
              </Reserve>
            ),
          },
          {
            path: 'import',
            element: (
              <Reserve rubrique="import">
                <ImportRpls />
              </Reserve>
            ),
          },
          {
            path: 'caleol',
            element: (
              <Reserve rubrique="caleol">
                <Caleol />
              </Reserve>
            ),
          },
          {
            path: 'demandes',
            element: (
              <Reserve rubrique="demandes">
                <Demandes />
              </Reserve>
            ),
          },
          {
            path: 'rapprochement',
            element: (
              <Reserve rubrique="rapprochement">
                <Rapprochement />
              </Reserve>
            ),
          },
          {
            path: 'administration',
            element: (
              <Reserve rubrique="administration">
                <Administration />
              </Reserve>
            ),
          },
        ],
      },
      { path: '*', element: <Introuvable /> },
    ],
  },
]);
