/** What the router shows if a page crashes: a French message and a way back, never a blank screen. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useEffect } from 'react';
import { isRouteErrorResponse, useRouteError } from 'react-router';

export function ErreurRoute() {
  const erreur = useRouteError();
  useEffect(() => {
    document.title = 'Erreur — Flux';
    console.error(erreur);
  }, [erreur]);
  const detail = isRouteErrorResponse(erreur)
    ? `${erreur.status} ${erreur.statusText}`
    : erreur instanceof Error
      ? erreur.message
      : '';
  return (
    <main id="contenu" className="fr-container fr-py-8w" lang="fr">
      <h1>Une erreur est survenue</h1>
      <Alert
        severity="error"
        as="h2"
        title="L’affichage de cette page a échoué"
        description={
          <>
            Rechargez la page ; si l’erreur persiste, signalez-la à votre administrateur en indiquant l’heure et ce
            message : <code>{detail || 'erreur inconnue'}</code>.
          </>
        }
        className="fr-mb-4w"
      />
      <p>
        <a className="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/">
          Retour à l’accueil
        </a>
      </p>
    </main>
  );
}
