/**
 * Accessibility statement (RGAA 4.1, art. 47 of loi 2005-102). It says what was checked and how
 * (docs/accessibilite.md: axe-core on every menu page of every role in the browser tests, and the
 * manual checks of an auditor in Chromium), and lists what remains non-conforming.
 */
import { Page } from '../composants/Page.tsx';

export function Accessibilite() {
  return (
    <Page titre="Déclaration d’accessibilité" titreDocument="Déclaration d’accessibilité">
      <p>
        Flux s’engage à rendre son service accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février
        2005, selon le référentiel général d’amélioration de l’accessibilité (RGAA 4.1).
      </p>
      <p>Cette déclaration s’applique à l’application web Flux et à ses documents téléchargeables.</p>

      <h2>État de conformité</h2>
      <p>
        Flux est <strong>partiellement conforme</strong> au RGAA 4.1, en raison des non-conformités énumérées
        ci-dessous.
      </p>

      <h2>Résultats des vérifications</h2>
      <p>
        Les vérifications ont été faites en interne le 07/12/2026, dans Chromium, sur toutes les pages du menu de chaque
        profil (agent de bailleur, agent de réservataire, pilote de l’État, lecteur EPCI, administrateur), la page de
        connexion et cette déclaration :
      </p>
      <ul>
        <li>
          contrôle automatique axe-core (règles WCAG 2.1 niveaux A et AA) à chaque évolution du code : aucune
          non-conformité grave ou critique ;
        </li>
        <li>
          contrôles manuels : navigation et connexion au clavier seul, focus visible, liens d’évitement, agrandissement
          à 200 %, contrastes, étiquettes des champs, en-têtes et titres des tableaux, alternatives des graphiques
          (chaque graphique a un nom accessible et ses chiffres sont donnés dans un tableau).
        </li>
      </ul>
      <p>
        Un audit complet des 106 critères du RGAA par un organisme indépendant, avec des lecteurs d’écran, reste à
        réaliser : le taux de conformité n’est donc pas encore calculé.
      </p>

      <h2>Contenus non accessibles</h2>
      <h3>Non-conformités</h3>
      <ul>
        <li>
          Pages « Locations » et « Boîte de réception » : la liste est plus large que l’écran à 200 % d’agrandissement,
          et à 1366 pixels pour les profils qui voient tous les bailleurs ; il faut faire défiler horizontalement
          (critère 10.11). Ces listes sont en cours de refonte en files de travail paginées.
        </li>
        <li>
          Documents PDF (bilan annuel, procès-verbal de CAL, prévisionnel) : ils ne sont pas balisés pour les lecteurs
          d’écran (critère 13.3). Les mêmes chiffres sont disponibles en XLSX et CSV, et à l’écran.
        </li>
      </ul>
      <h3>Contenus non soumis à l’obligation d’accessibilité</h3>
      <p>Aucun.</p>

      <h2>Technologies utilisées</h2>
      <p>HTML, CSS, JavaScript (React), SVG, avec le Système de design de l’État (DSFR).</p>

      <h2>Retour d’information et contact</h2>
      <p>
        Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez l’administrateur de Flux de votre
        organisation pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.
      </p>
      <h2>Voies de recours</h2>
      <p>
        Si vous constatez un défaut d’accessibilité vous empêchant d’accéder à un contenu ou à une fonctionnalité, que
        vous nous le signalez et que vous ne parvenez pas à obtenir de réponse, vous pouvez saisir le Défenseur des
        droits : par son formulaire en ligne, par l’un de ses délégués dans votre région, ou par courrier gratuit, sans
        affranchissement (Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).
      </p>
    </Page>
  );
}
