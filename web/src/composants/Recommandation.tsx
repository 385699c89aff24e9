/**
 * The engine's recommendation for one letting, with its explanation (who is owed, by how much, the
 * qualitative deviations, why not the others), and the bailleur's decision: confirm it (no reason),
 * or orient otherwise — another line, or several réservataires at once — with a written reason.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { deciderOrientation, lireRecommandation, type DecisionOrientation, type RecommandationApi } from '../api.ts';
import { date, decimal, nombre, signe } from '../format.ts';
import { Chargement, ErreurChargement, messageErreur } from './Etats.tsx';
import { Tableau, type Colonne } from './Tableau.tsx';
import { cles } from '../cles.ts';

type Candidat = RecommandationApi['candidats'][number];

const DECISIONS: Record<string, string> = {
  confirmee: 'recommandation confirmée',
  forcee: 'orientation décidée autrement',
  pool: 'orientation vers plusieurs réservataires',
};

export function PanneauRecommandation({
  id,
  peutDecider,
  fermer,
}: {
  id: string;
  peutDecider: boolean;
  fermer: () => void;
}) {
  const titre = useId();
  const client = useQueryClient();
  const {
    data: r,
    error,
    isPending,
    refetch,
  } = useQuery({ queryKey: cles.recommandation(id), queryFn: ({ signal }) => lireRecommandation(id, signal) });
  const [mode, setMode] = useState<'autre' | 'pool'>('autre');
  const [ligne, setLigne] = useState('');
  const [pool, setPool] = useState<string[]>([]);
  const [motif, setMotif] = useState('');
  const [faute, setFaute] = useState<string | null>(null);
  // Overriding the engine cannot be undone: a DSFR modal says what will happen first (issue 12).
  const confirmation = useMemo(
    () => createModal({ id: `confirmer-orientation-${id.replace(/[^A-Za-z0-9_-]/g, '')}`, isOpenedByDefault: false }),
    [id],
  );
  const decision = useMutation({
    mutationFn: (corps: DecisionOrientation) => deciderOrientation(id, corps),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: cles.recommandation(id) });
      void client.invalidateQueries({ queryKey: cles.locations.tout() });
      void client.invalidateQueries({ queryKey: cles.boite.tout() });
    },
  });

  if (isPending) return <Chargement quoi="la recommandation" />;
  if (error || !r) return <ErreurChargement erreur={error} quoi="la recommandation" reessayer={() => void refetch()} />;

  const colonnes: Colonne<Candidat>[] = [
    {
      titre: 'Ligne',
      valeur: (c) => (
        <>
          {c.nom}
          {c.recommande ? <span className="fr-badge fr-badge--sm fr-badge--success fr-ml-1w">recommandée</span> : null}
        </>
      ),
      entete: true,
    },
    { titre: 'Droit exact', valeur: (c) => decimal(c.droitExact), nombre: true },
    { titre: 'Mis à disposition', valeur: (c) => nombre(c.oriente), nombre: true },
    { titre: 'Retard', valeur: (c) => signe(c.retard), nombre: true },
    { titre: 'Explication', valeur: (c) => c.phrase },
  ];
  const reservataires = r.candidats.filter((c) => c.ligne !== 'BAILLEUR');
  const autres = r.candidats.filter((c) => !c.recommande);
  const aDecider = peutDecider && r.decision === null && r.etat === 'orientee';

  const nomDe = (ligne: string) => r.candidats.find((c) => c.ligne === ligne)?.nom ?? ligne;
  const orienterAutrement = (e: FormEvent) => {
    e.preventDefault();
    const m = motif.trim();
    if (mode === 'autre' && !ligne) return setFaute('Choisissez la ligne vers laquelle orienter le logement.');
    if (mode === 'pool' && pool.length < 2) return setFaute('Choisissez au moins deux réservataires.');
    if (m.length < 3)
      return setFaute('Écrivez le motif : pourquoi ne pas suivre la recommandation (3 caractères au moins).');
    setFaute(null);
    confirmation.open();
  };
  const confirmer = () => {
    if (mode === 'autre')
      decision.mutate({
        decision: 'forcer',
        version: r.version,
        reservataire: ligne,
        motif: motif.trim() || undefined,
      });
    else decision.mutate({ decision: 'pool', version: r.version, reservataires: pool, motif: motif.trim() });
  };
  const vers = mode === 'autre' ? (ligne ? `« ${nomDe(ligne)} »` : '') : pool.map((p) => `« ${nomDe(p)} »`).join(', ');

  return (
    <section
      aria-labelledby={titre}
      className="fr-p-3w fr-mb-4w flux-panneau"
      style={{ border: '1px solid var(--border-default-grey)' }}
    >
      <h2 id={titre} className="fr-h4">
        Recommandation pour le logement {r.logement.id}
      </h2>
      <p className="fr-text--sm fr-mb-1w">
        {r.logement.typologie}, {r.logement.financement}, commune {r.logement.commune},{' '}
        {r.logement.qpv ? `en QPV (${r.logement.qpv})` : 'hors QPV'}.
      </p>
      <p id={`${titre}-explication`}>{r.explication}</p>
      {r.decision ? (
        <Alert
          small
          severity={r.decision.decision === 'confirmee' ? 'success' : 'info'}
          description={`Décision du bailleur le ${date(r.decision.orienteeLe)} : ${DECISIONS[r.decision.decision]}${r.actuelle ? ` (${r.pool ? r.pool.map((p) => p.nom).join(', ') : r.actuelle.nom})` : ''}.${r.forcee && r.motif ? ` ${r.motif}.` : ''}${r.decision.echeance ? ` Délai de proposition jusqu’au ${date(r.decision.echeance)}.` : ''}`}
          className="fr-mb-2w"
        />
      ) : null}
      <Tableau
        id="tableau-recommandation"
        legende="Réservataires qui ont un droit sur ce logement : droit, logements mis à disposition à la date de la libération, retard et raison du choix"
        colonnes={colonnes}
        lignes={r.candidats}
        cle={(c) => c.ligne}
      />
      {aDecider ? (
        <div className="fr-mt-3w">
          {r.recommande && !r.forcee ? (
            <Button
              type="button"
              iconId="fr-icon-check-line"
              disabled={decision.isPending}
              onClick={() => decision.mutate({ decision: 'confirmer', version: r.version })}
            >
              Confirmer la recommandation : {r.recommande.nom}
            </Button>
          ) : null}
          <form onSubmit={orienterAutrement} aria-labelledby={`${titre}-autrement`} className="fr-mt-3w">
            <h3 id={`${titre}-autrement`} className="fr-h6">
              Orienter autrement (motif écrit obligatoire)
            </h3>
            <fieldset className="fr-fieldset" aria-labelledby={`${titre}-mode`}>
              <legend className="fr-fieldset__legend fr-text--regular" id={`${titre}-mode`}>
                Orientation
              </legend>
              <div className="fr-fieldset__element">
                <div className="fr-radio-group">
                  <input
                    type="radio"
                    id={`${titre}-autre`}
                    name={`${titre}-mode`}
                    checked={mode === 'autre'}
                    onChange={() => setMode('autre')}
                  />
                  <label className="fr-label" htmlFor={`${titre}-autre`}>
                    Vers une autre ligne
                  </label>
                </div>
              </div>
              <div className="fr-fieldset__element">
                <div className="fr-radio-group">
                  <input
                    type="radio"
                    id={`${titre}-pool`}
                    name={`${titre}-mode`}
                    checked={mode === 'pool'}
                    onChange={() => setMode('pool')}
                  />
                  <label className="fr-label" htmlFor={`${titre}-pool`}>
                    Vers plusieurs réservataires à la fois
                  </label>
                </div>
              </div>
            </fieldset>
            {mode === 'autre' ? (
              <div className="fr-select-group">
                <label className="fr-label" htmlFor={`${titre}-ligne`}>
                  Ligne
                </label>
                <select
                  className="fr-select"
                  id={`${titre}-ligne`}
                  value={ligne}
                  onChange={(e) => setLigne(e.target.value)}
                  required
                >
                  <option value="">Choisir une ligne</option>
                  {autres.map((c) => (
                    <option key={c.ligne} value={c.ligne}>
                      {c.nom}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <fieldset className="fr-fieldset" aria-labelledby={`${titre}-membres`}>
                <legend className="fr-fieldset__legend fr-text--regular" id={`${titre}-membres`}>
                  Réservataires (au moins deux)
                </legend>
                {reservataires.map((c) => (
                  <div key={c.ligne} className="fr-fieldset__element">
                    <div className="fr-checkbox-group">
                      <input
                        type="checkbox"
                        id={`${titre}-m-${c.ligne}`}
                        checked={pool.includes(c.ligne)}
                        onChange={(e) =>
                          setPool(e.target.checked ? [...pool, c.ligne] : pool.filter((p) => p !== c.ligne))
                        }
                      />
                      <label className="fr-label" htmlFor={`${titre}-m-${c.ligne}`}>
                        {c.nom}
                      </label>
                    </div>
                  </div>
                ))}
              </fieldset>
            )}
            <div className="fr-input-group">
              <label className="fr-label" htmlFor={`${titre}-motif`}>
                Motif écrit
                <span className="fr-hint-text">
                  Pourquoi ne pas suivre la recommandation (conservé au journal d’audit et visible de tous).
                </span>
              </label>
              <textarea
                className="fr-input"
                id={`${titre}-motif`}
                value={motif}
                onChange={(e) => setMotif(e.target.value)}
                rows={2}
                maxLength={2000}
              />
            </div>
            {faute ? (
              <p className="fr-error-text" role="alert">
                {faute}
              </p>
            ) : null}
            <Button type="submit" priority="secondary" disabled={decision.isPending}>
              Orienter autrement
            </Button>
          </form>
          <confirmation.Component
            title="Orienter autrement que la recommandation ?"
            buttons={[
              { children: 'Annuler', priority: 'secondary' },
              { children: 'Confirmer l’orientation', onClick: confirmer, doClosesModal: true },
            ]}
          >
            <>
              <p>
                Le logement {r.logement.id} sera orienté vers {vers}
                {mode === 'pool' ? ' à la fois (il comptera pour celui dont le candidat signera le bail)' : ''}, au lieu
                de la recommandation du moteur{r.recommande ? ` (« ${r.recommande.nom} »)` : ''}.
              </p>
              <p>
                Le motif « {motif.trim()} » sera conservé au journal d’audit et visible de tous.{' '}
                {mode === 'autre' && ligne === 'BAILLEUR'
                  ? 'Le logement compte pour la part propre du bailleur.'
                  : 'Le réservataire est prévenu et son délai de proposition commence aujourd’hui.'}{' '}
                Cette décision ne s’annule pas : pour la changer ensuite, il faudra une nouvelle décision motivée.
              </p>
            </>
          </confirmation.Component>
        </div>
      ) : null}
      {decision.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(decision.error)}
        </p>
      ) : null}
      {decision.isSuccess ? (
        <p role="status" className="fr-mt-2w">
          Décision enregistrée.
        </p>
      ) : null}
      <Button type="button" priority="tertiary" className="fr-mt-2w" onClick={fermer}>
        Fermer la recommandation
      </Button>
    </section>
  );
}
