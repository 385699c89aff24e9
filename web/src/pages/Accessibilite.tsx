/** Accessibility statement (RGAA): the service has not been audited yet, so it says "non conforme". */
import { Page } from '../composants/Page.tsx';

export function Accessibilite() {
  return (
    <Page titre="Déclaration d’accessibilité" titreDocument="Déclaration d’accessibilité">
      <p>
        Flux s’engage à rendre son service accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février
        2005, selon le référentiel général d’amélioration de l’accessibilité (RGAA 4.1).
      </p>
      <h2>État de conformité</h2>
      <p>
        Flux est <strong>non conforme</strong> au RGAA : aucun audit n’a encore été réalisé. L’interface suit le Système
        de design de l’État (DSFR) et est vérifiée automatiquement (axe-core) et au clavier à chaque évolution.
      </p>
      <h2>Retour d’information et contact</h2>
      <p>
        Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez l’administrateur de Flux de votre
        organisation pour être orienté vers une alternative accessible.
      </p>
      <h2>Voies de recours</h2>
      <p>
        Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à une fonctionnalité, que
        vous nous le signalez et que vous ne parvenez pas à obtenir de réponse, vous pouvez saisir le Défenseur des
        droits.
      </p>
    </Page>
  );
}
