/** Unknown address: a French message and the way back. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Page } from '../composants/Page.tsx';

export function Introuvable() {
  return (
    <Page titre="Page introuvable" titreDocument="Page introuvable">
      <p className="fr-text--lead">La page que vous cherchez n’existe pas ou a été déplacée.</p>
      <p>Vérifiez l’adresse saisie, ou repartez de l’accueil.</p>
      <Button linkProps={{ to: '/' }} iconId="fr-icon-home-4-line">
        Retour à l’accueil
      </Button>
    </Page>
  );
}
