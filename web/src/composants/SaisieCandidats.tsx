/**
 * The candidates of a vacancy as the CAL needs them (ADR 0014): the SNE number, the household's
 * size and the priority flags — no name, no other personal data. Used by the réservataire's inbox
 * and by the bailleur's late correction; the SNE format is the server's own.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { FORMAT_NUMERO_SNE } from '../../../src/contracts/orientation.ts';
import type { CandidatSaisi } from '../api.ts';

export const CANDIDAT_VIDE: CandidatSaisi = {
  numeroSne: '',
  tailleMenage: 1,
  quartile1: false,
  dalo: false,
  pdalhpd: false,
  autreL4411: false,
};
/** As the API accepts at most. */
export const CANDIDATS_MAX = 10;

const DRAPEAUX: { cle: 'quartile1' | 'dalo' | 'pdalhpd' | 'autreL4411'; libelle: string }[] = [
  { cle: 'quartile1', libelle: 'Premier quartile de revenus' },
  { cle: 'dalo', libelle: 'DALO' },
  { cle: 'pdalhpd', libelle: 'PDALHPD' },
  { cle: 'autreL4411', libelle: 'Autre public prioritaire (L.441-1)' },
];

/** The entry's problems by candidate index, said before sending (empty when none). */
export function fautesCandidats(candidats: readonly CandidatSaisi[]): Record<number, string> {
  const fautes: Record<number, string> = {};
  candidats.forEach((c, i) => {
    const n = c.numeroSne.trim();
    if (n !== '' && !FORMAT_NUMERO_SNE.test(n))
      fautes[i] = 'Numéro unique SNE invalide : 10 à 20 lettres ou chiffres, sans espace ni tiret.';
  });
  if (candidats.every((c) => c.numeroSne.trim() === '')) fautes[0] = 'Indiquez au moins un candidat.';
  return fautes;
}

/** The candidates entered, SNE numbers trimmed; blank lines left out. */
export function candidatsAEnvoyer(candidats: readonly CandidatSaisi[]): CandidatSaisi[] {
  return candidats.filter((c) => c.numeroSne.trim() !== '').map((c) => ({ ...c, numeroSne: c.numeroSne.trim() }));
}

export function SaisieCandidats({
  id,
  candidats,
  setCandidats,
  faute,
}: {
  id: string;
  candidats: CandidatSaisi[];
  setCandidats: (c: CandidatSaisi[]) => void;
  /** The message of candidate i's SNE field, if any. */
  faute: (i: number) => string | undefined;
}) {
  const maj = (i: number, c: Partial<CandidatSaisi>) =>
    setCandidats(candidats.map((x, k) => (k === i ? { ...x, ...c } : x)));
  return (
    <>
      {candidats.map((c, i) => {
        const erreur = faute(i);
        return (
          <fieldset key={i} className="fr-fieldset" aria-labelledby={`${id}-c${i}`}>
            <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-c${i}`}>
              Candidat {i + 1}
            </legend>
            <div className={`fr-fieldset__element fr-input-group${erreur ? ' fr-input-group--error' : ''}`}>
              <label className="fr-label" htmlFor={`${id}-sne-${i}`}>
                Numéro unique SNE du candidat {i + 1}
                <span className="fr-hint-text">10 à 20 lettres ou chiffres, par exemple 045261100012345</span>
              </label>
              <input
                className={`fr-input${erreur ? ' fr-input--error' : ''}`}
                id={`${id}-sne-${i}`}
                value={c.numeroSne}
                onChange={(ev) => maj(i, { numeroSne: ev.target.value })}
                autoComplete="off"
                spellCheck={false}
                {...(erreur ? { 'aria-describedby': `${id}-sne-${i}-erreur`, 'aria-invalid': true } : {})}
              />
              {erreur ? (
                <p className="fr-error-text" id={`${id}-sne-${i}-erreur`}>
                  {erreur}
                </p>
              ) : null}
            </div>
            <div className="fr-fieldset__element fr-input-group">
              <label className="fr-label" htmlFor={`${id}-taille-${i}`}>
                Taille du ménage du candidat {i + 1} (personnes)
              </label>
              <input
                className="fr-input"
                type="number"
                min={1}
                max={20}
                id={`${id}-taille-${i}`}
                value={c.tailleMenage}
                onChange={(ev) => maj(i, { tailleMenage: Number(ev.target.value) || 1 })}
              />
            </div>
            {DRAPEAUX.map((d) => (
              <div key={d.cle} className="fr-fieldset__element fr-fieldset__element--inline">
                <div className="fr-checkbox-group fr-checkbox-group--sm">
                  <input
                    type="checkbox"
                    id={`${id}-${d.cle}-${i}`}
                    checked={c[d.cle]}
                    onChange={(ev) => maj(i, { [d.cle]: ev.target.checked })}
                  />
                  <label className="fr-label" htmlFor={`${id}-${d.cle}-${i}`}>
                    {d.libelle}
                    <span className="fr-sr-only"> (candidat {i + 1})</span>
                  </label>
                </div>
              </div>
            ))}
          </fieldset>
        );
      })}
      <Button
        type="button"
        priority="tertiary"
        size="small"
        iconId="fr-icon-add-line"
        onClick={() => setCandidats([...candidats, { ...CANDIDAT_VIDE }])}
        disabled={candidats.length >= CANDIDATS_MAX}
      >
        Ajouter un candidat
      </Button>
    </>
  );
}
