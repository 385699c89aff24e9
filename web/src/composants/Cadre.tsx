/**
 * The frame of every page: skip links, the DSFR header (service name, navigation for the role,
 * "Se déconnecter"), the main content and the DSFR footer.
 */
import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks';
import { Outlet, useLocation, useNavigate } from 'react-router';
import type { MainNavigationProps } from '@codegouvfr/react-dsfr/MainNavigation';
import { menuDuRole } from '../roles.ts';
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

  const actif = (chemin: string) =>
    chemin === '/' ? pathname === '/' : pathname === chemin || pathname.startsWith(`${chemin}/`);
  // Grouped DSFR navigation (issue 12 item 9): sub-menus open with Enter or Space, links by Tab.
  const navigation: MainNavigationProps.Item[] | undefined = session
    ? menuDuRole(session.role).map((m): MainNavigationProps.Item =>
        'rubriques' in m
          ? {
              text: m.titre,
              isActive: m.rubriques.some((r) => actif(r.chemin)),
              menuLinks: m.rubriques.map((r) => ({
                text: r.titre,
                linkProps: { to: r.chemin },
                isActive: actif(r.chemin),
              })),
            }
          : { text: m.titre, linkProps: { to: m.chemin }, isActive: actif(m.chemin) },
      )
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
        accessibility="partially compliant"
        accessibilityLinkProps={{ to: '/accessibilite' }}
        bottomItems={[{ text: 'Grilles de cotation des demandes', linkProps: { to: '/cotation' } }]}
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
