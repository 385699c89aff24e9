/**
 * The frame of every page: skip links, the DSFR header (service name, navigation for the role,
 * "Se déconnecter"), the main content and the DSFR footer.
 */
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { peutOuvrir, RUBRIQUES, type Rubrique } from '../roles.ts';
import { useDeconnexion, useSession } from '../session.tsx';
import { IndicateurNotifications } from './Notifications.tsx';

const BRAND_TOP = (
  <>
    République
    <br />
    Française
  </>
);

const ACCUEIL = { to: '/', title: 'Accueil — Flux' };

export function Cadre() {
  const { data: session } = useSession();
  const deconnexion = useDeconnexion();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const rubriques = (Object.keys(RUBRIQUES) as Rubrique[]).filter((r) => session && peutOuvrir(session.role, r));
  const navigation = session
    ? rubriques.map((r) => {
        const { titre, chemin } = RUBRIQUES[r];
        const actif = chemin === '/' ? pathname === '/' : pathname === chemin || pathname.startsWith(`${chemin}/`);
        return { text: titre, linkProps: { to: chemin }, isActive: actif };
      })
    : undefined;

  const seDeconnecter = () => {
    deconnexion.mutate(undefined, { onSettled: () => navigate('/connexion', { replace: true }) });
  };

  return (
    <>
      <SkipLinks
        links={[
          { label: 'Contenu', anchor: '#contenu' },
          ...(session ? [{ label: 'Menu', anchor: '#entete-main-navigation' }] : []),
          { label: 'Pied de page', anchor: '#pied-de-page' },
        ]}
      />
      <Header
        brandTop={BRAND_TOP}
        homeLinkProps={ACCUEIL}
        serviceTitle="Flux"
        serviceTagline="Gestion en flux des réservations de logements sociaux"
        navigation={navigation}
        id="entete"
        quickAccessItems={
          session
            ? [
                <p key="identite" className="fr-mb-0 fr-text--sm flux-identite">
                  <span className="fr-icon-account-circle-line fr-icon--sm" aria-hidden="true" />{' '}
                  {session.utilisateur.nom}
                  <span className="fr-sr-only">, </span>
                  <span className="flux-identite__org">{session.organisation.nom}</span>
                </p>,
                <IndicateurNotifications key="notifications" />,
                {
                  iconId: 'fr-icon-logout-box-r-line',
                  text: deconnexion.isPending ? 'Déconnexion…' : 'Se déconnecter',
                  buttonProps: { onClick: seDeconnecter, disabled: deconnexion.isPending, type: 'button' },
                },
              ]
            : []
        }
      />
      <main id="contenu" tabIndex={-1} className="fr-container fr-pt-4w fr-pb-8w flux-contenu">
        <Outlet />
      </main>
      <Footer
        id="pied-de-page"
        brandTop={BRAND_TOP}
        homeLinkProps={ACCUEIL}
        accessibility="non compliant"
        accessibilityLinkProps={{ to: '/accessibilite' }}
        contentDescription="Flux tient le registre partagé des droits de réservation de logements sociaux gérés en flux (Code de la construction et de l’habitation, art. R.441-5) : conventions, flux annuel, orientations, décompte et bilan."
        license={
          <>
            Sauf mention contraire, les contenus de ce site sont sous licence etalab-2.0 ; le code de Flux est publié
            sous licence MIT.
          </>
        }
      />
    </>
  );
}
