/** Guards: signed-in pages send anonymous visitors to the sign-in form; role-restricted pages explain. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { LIBELLES_ROLE, peutOuvrir, RUBRIQUES, type Rubrique } from '../roles.ts';
import { ContexteSession, useSession, useSessionOuverte } from '../session.tsx';
import { Chargement, ErreurChargement } from './Etats.tsx';
import { Page } from './Page.tsx';

export function Protege() {
  const { data: session, isPending, error, refetch } = useSession();
  const { pathname, search } = useLocation();
  if (isPending) return <Chargement quoi="votre session" />;
  if (error) return <ErreurChargement erreur={error} quoi="votre session" reessayer={() => void refetch()} />;
  if (!session) {
    const retour = pathname === '/' && !search ? '' : `?retour=${encodeURIComponent(pathname + search)}`;
    return <Navigate to={`/connexion${retour}`} replace />;
  }
  return (
    <ContexteSession value={session}>
      <Outlet />
    </ContexteSession>
  );
}

/** A page only some roles may use: the others read why, never a blank screen. */
export function Reserve({ rubrique, children }: { rubrique: Rubrique; children: ReactNode }) {
  const session = useSessionOuverte();
  if (peutOuvrir(session.role, rubrique)) return children;
  const { titre } = RUBRIQUES[rubrique];
  return (
    <Page titre="Accès non autorisé" titreDocument={`${titre} : accès non autorisé`}>
      <Alert
        severity="warning"
        as="h2"
        title={`La page « ${titre} » n’est pas accessible avec votre rôle`}
        description={`Vous êtes connecté comme « ${LIBELLES_ROLE[session.role]} » (${session.organisation.nom}). Cette page est réservée à d’autres rôles. Si vous pensez devoir y accéder, adressez-vous à l’administrateur de Flux de votre organisation.`}
        className="fr-mb-4w"
      />
      <Button linkProps={{ to: '/' }} iconId="fr-icon-home-4-line">
        Retour à l’accueil
      </Button>
    </Page>
  );
}
