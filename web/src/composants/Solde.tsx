/** A convention's balance (décomptés − droit): signed figure, colour AND words, never colour alone. */
import { signe } from '../format.ts';

export function Solde({ valeur }: { valeur: number }) {
  // Rounded once, to the tenth shown, so that the figure, the words and the colour always agree.
  const arrondi = (Math.sign(valeur) * Math.round(Math.abs(valeur) * 10)) / 10;
  const sens = arrondi < 0 ? 'negatif' : arrondi > 0 ? 'positif' : 'nul';
  const texte = sens === 'negatif' ? 'sous le droit' : sens === 'positif' ? 'au-dessus du droit' : 'à l’équilibre';
  const icone =
    sens === 'negatif'
      ? 'fr-icon-arrow-down-line'
      : sens === 'positif'
        ? 'fr-icon-arrow-up-line'
        : 'fr-icon-subtract-line';
  return (
    <span className={`flux-solde flux-solde--${sens}`}>
      <span className="flux-solde__valeur">{signe(arrondi)}</span>
      <span className="flux-solde__texte">
        <span className={`${icone} fr-icon--xs`} aria-hidden="true" /> {texte}
      </span>
    </span>
  );
}
