/**
 * The candidates of a letting as the CAL and the objectives need them (ADR 0014, ADR 0034): the SNE
 * number, the household's composition (persons, children under 14), its annual resources as recorded
 * in the demand, the priority categories kept apart, a rehousing (ANRU/ORCOD), a State agent (State
 * line only) — no name, nothing else (docs/rgpd.md). The first quartile is computed at the CAL
 * decision; declaring it is an explicit override with its motif. Used by the réservataire's inbox
 * and by the bailleur's late correction; the SNE format is the server's own.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { FORMAT_NUMERO_SNE } from '../../../src/contracts/orientation.ts';
import type { CandidatSaisi } from '../api.ts';

export const CANDIDAT_VIDE: CandidatSaisi = {
  numeroSne: '',
  tailleMenage: 1,
  enfantsMoins14: 0,
  ressourcesAnnuelles: null,
  dalo: false,
  pdalhpd: false,
  autreL4411: false,
  relogement: null,
  agentEtat: false,
  quartile1Declare: null,
};
/** As the API accepts at most. */
export const CANDIDATS_MAX = 10;

const DRAPEAUX: { cle: 'dalo' | 'pdalhpd' | 'autreL4411'; libelle: string }[] = [
  { cle: 'dalo', libelle: 'DALO' },
  { cle: 'pdalhpd', libelle: 'PDALHPD' },
  { cle: 'autreL4411', libelle: 'Autre public prioritaire (L.441-1)' },
];

/** The household's own problems (composition, a declared quartile without its motif), or undefined. */
export function fauteMenage(c: CandidatSaisi, qui: string): string | undefined {
  if ((c.enfantsMoins14 ?? 0) > (c.tailleMenage ?? 1) - 1)
    return `${qui} : au plus ${(c.tailleMenage ?? 1) - 1} enfant(s) de moins de 14 ans pour ce ménage (le demandeur compte pour une personne).`;
  if (c.quartile1Declare != null && (c.motifQuartile1 ?? '').trim().length < 3)
    return `${qui} : indiquez le motif du premier quartile déclaré, ou laissez-le calculer sur les ressources.`;
  return undefined;
}

/** The entry's problems by candidate index, said before sending (empty when none). */
export function fautesCandidats(candidats: readonly CandidatSaisi[]): Record<number, string> {
  const fautes: Record<number, string> = {};
  candidats.forEach((c, i) => {
    const n = c.numeroSne.trim();
    if (n !== '' && !FORMAT_NUMERO_SNE.test(n))
      fautes[i] = 'Numéro unique SNE invalide : 10 à 20 lettres ou chiffres, sans espace ni tiret.';
    else if (n !== '') {
      const f = fauteMenage(c, `Candidat ${i + 1}`);
      if (f) fautes[i] = f;
    }
  });
  if (candidats.every((c) => c.numeroSne.trim() === '')) fautes[0] = 'Indiquez au moins un candidat.';
  return fautes;
}

/**
 * The household of a lease (`signer_bail`) when no candidate of the letting signs, from the same
 * entry as a candidate's (scenario « Second edition »): composition, resources, priority categories,
 * rehousing, State agent — the server derives the priority and the rehousing from them. The
 * quartile is computed from the resources; a declared one goes as `quartile1Declare` with its
 * motif (an explicit override). No first-edition flag (`quartile1`, `prioritaire`, `relogementAnru`).
 */
export function menagePourBail(c: CandidatSaisi): {
  quartile1Declare?: boolean;
  motifQuartile1?: string;
  ressourcesAnnuelles?: number;
  personnes: number;
  enfantsMoins14: number;
  categories?: string[];
  relogement?: 'anru' | 'orcod';
  agentEtat?: boolean;
} {
  const categories = [
    ...(c.dalo ? ['dalo'] : []),
    ...(c.pdalhpd ? ['pdalhpd'] : []),
    ...(c.autreL4411 ? ['autre_l441_1'] : []),
  ];
  const personnes = c.tailleMenage ?? 1;
  return {
    ...(c.quartile1Declare != null
      ? { quartile1Declare: c.quartile1Declare, motifQuartile1: (c.motifQuartile1 ?? '').trim() }
      : {}),
    ...(c.ressourcesAnnuelles != null ? { ressourcesAnnuelles: c.ressourcesAnnuelles } : {}),
    personnes,
    enfantsMoins14: Math.min(c.enfantsMoins14 ?? 0, personnes - 1),
    ...(categories.length ? { categories } : {}),
    ...(c.relogement ? { relogement: c.relogement } : {}),
    ...(c.agentEtat ? { agentEtat: true } : {}),
  };
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
  agentEtatPossible = false,
  signataire = false,
}: {
  id: string;
  candidats: CandidatSaisi[];
  setCandidats: (c: CandidatSaisi[]) => void;
  /** The message of candidate i's SNE field, if any. */
  faute: (i: number) => string | undefined;
  /** The unit is on the State line: a candidate may be a State agent. */
  agentEtatPossible?: boolean;
  /** One household, the lease's signatory (the late correction): no SNE number, no second one. */
  signataire?: boolean;
}) {
  const qui = (i: number) => (signataire ? 'ménage signataire' : `candidat ${i + 1}`);
  const duMenage = (i: number) => (signataire ? 'signataire' : `du candidat ${i + 1}`);
  const maj = (i: number, c: Partial<CandidatSaisi>) =>
    setCandidats(candidats.map((x, k) => (k === i ? { ...x, ...c } : x)));
  return (
    <>
      {candidats.map((c, i) => {
        const erreur = faute(i);
        return (
          <fieldset key={i} className="fr-fieldset" aria-labelledby={`${id}-c${i}`}>
            <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-c${i}`}>
              {signataire ? 'Ménage signataire' : `Candidat ${i + 1}`}
            </legend>
            {signataire && erreur ? (
              <p className="fr-error-text fr-fieldset__element" id={`${id}-menage-${i}-erreur`}>
                {erreur}
              </p>
            ) : null}
            {signataire ? null : (
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
            )}
            <div className="fr-fieldset__element fr-input-group">
              <label className="fr-label" htmlFor={`${id}-taille-${i}`}>
                Taille du ménage {duMenage(i)} (personnes)
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
            <div className="fr-fieldset__element fr-input-group">
              <label className="fr-label" htmlFor={`${id}-enfants-${i}`}>
                Dont enfants de moins de 14 ans ({qui(i)})
              </label>
              <input
                className="fr-input"
                type="number"
                min={0}
                max={19}
                id={`${id}-enfants-${i}`}
                value={c.enfantsMoins14 ?? 0}
                onChange={(ev) => maj(i, { enfantsMoins14: Math.max(0, Math.floor(Number(ev.target.value) || 0)) })}
              />
            </div>
            <div className="fr-fieldset__element fr-input-group">
              <label className="fr-label" htmlFor={`${id}-ressources-${i}`}>
                Ressources annuelles du ménage {duMenage(i)} (€)
                <span className="fr-hint-text">
                  Celles enregistrées dans la demande ; vide si elles ne le sont pas.
                </span>
              </label>
              <input
                className="fr-input"
                type="number"
                min={0}
                step={1}
                inputMode="numeric"
                id={`${id}-ressources-${i}`}
                value={c.ressourcesAnnuelles ?? ''}
                onChange={(ev) =>
                  maj(i, {
                    ressourcesAnnuelles:
                      ev.target.value === '' ? null : Math.max(0, Math.round(Number(ev.target.value) || 0)),
                  })
                }
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
                    <span className="fr-sr-only"> ({qui(i)})</span>
                  </label>
                </div>
              </div>
            ))}
            <div className="fr-fieldset__element fr-select-group">
              <label className="fr-label" htmlFor={`${id}-relogement-${i}`}>
                Relogement ({qui(i)})
              </label>
              <select
                className="fr-select"
                id={`${id}-relogement-${i}`}
                value={c.relogement ?? ''}
                onChange={(ev) => maj(i, { relogement: (ev.target.value || null) as 'anru' | 'orcod' | null })}
              >
                <option value="">Aucun</option>
                <option value="anru">Renouvellement urbain (ANRU / NPNRU)</option>
                <option value="orcod">Copropriété dégradée (ORCOD)</option>
              </select>
            </div>
            {agentEtatPossible ? (
              <div className="fr-fieldset__element fr-fieldset__element--inline">
                <div className="fr-checkbox-group fr-checkbox-group--sm">
                  <input
                    type="checkbox"
                    id={`${id}-agent-${i}`}
                    checked={c.agentEtat ?? false}
                    onChange={(ev) => maj(i, { agentEtat: ev.target.checked })}
                  />
                  <label className="fr-label" htmlFor={`${id}-agent-${i}`}>
                    Agent de l’État
                    <span className="fr-sr-only"> ({qui(i)})</span>
                  </label>
                </div>
              </div>
            ) : null}
            <div className="fr-fieldset__element fr-select-group">
              <label className="fr-label" htmlFor={`${id}-q1-${i}`}>
                Premier quartile ({qui(i)})
                <span className="fr-hint-text">
                  {signataire
                    ? 'Calculé sur les ressources : par unité de consommation, sous le seuil de l’EPCI de l’année.'
                    : 'Calculé à la décision de la CAL : ressources par unité de consommation sous le seuil de l’EPCI.'}
                </span>
              </label>
              <select
                className="fr-select"
                id={`${id}-q1-${i}`}
                value={c.quartile1Declare == null ? '' : c.quartile1Declare ? 'oui' : 'non'}
                onChange={(ev) =>
                  maj(i, { quartile1Declare: ev.target.value === '' ? null : ev.target.value === 'oui' })
                }
              >
                <option value="">Calculé sur les ressources (par défaut)</option>
                <option value="oui">Déclaré : au premier quartile</option>
                <option value="non">Déclaré : hors du premier quartile</option>
              </select>
            </div>
            {c.quartile1Declare != null ? (
              <div className="fr-fieldset__element fr-input-group">
                <label className="fr-label" htmlFor={`${id}-motifq1-${i}`}>
                  Motif de la déclaration ({qui(i)})
                  <span className="fr-hint-text">Obligatoire : le bilan compte à part les quartiles déclarés.</span>
                </label>
                <input
                  className="fr-input"
                  id={`${id}-motifq1-${i}`}
                  value={c.motifQuartile1 ?? ''}
                  maxLength={300}
                  onChange={(ev) => maj(i, { motifQuartile1: ev.target.value })}
                />
              </div>
            ) : null}
          </fieldset>
        );
      })}
      {signataire ? null : (
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
      )}
    </>
  );
}
