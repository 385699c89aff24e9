/** The bailleur's one action: the drafts of the chosen method become avenants of the conventions (all or nothing). */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { creerAvenantsConversion, ErreurApi, type ConversionApi } from '../api.ts';
import { messageErreur } from '../composants/Etats.tsx';

export function ProjetsEnAvenants({
  conversion,
  methode,
}: {
  conversion: ConversionApi;
  methode: 'programme' | 'segment' | 'bailleur';
}) {
  const client = useQueryClient();
  const [parametres] = useSearchParams();
  const action = useMutation({
    mutationFn: () =>
      creerAvenantsConversion({
        methode,
        annee: conversion.annee,
        fenetre: conversion.resultat.fenetre,
        droitsUniques: parametres.get('droitsUniques') === 'etale' ? 'etale' : 'ponctuel',
        annees: Number(parametres.get('annees')) || undefined,
      }),
    onSuccess: () => client.invalidateQueries(),
  });
  return (
    <div className="fr-mt-3w">
      <Button iconId="fr-icon-file-add-line" onClick={() => action.mutate()} disabled={action.isPending}>
        {`Créer les avenants au 1er janvier ${conversion.annee}`}
      </Button>
      <div aria-live="polite">
        {action.data ? (
          <Alert
            severity="success"
            small
            description={`${action.data.conventions.length} convention(s) mises à jour.`}
            className="fr-mt-2w"
          />
        ) : null}
        {action.data?.avertissements.length ? (
          <Alert
            severity="warning"
            title="Avenants enregistrés, avec des avertissements (CCH R.441-5)"
            description={
              <ul>
                {action.data.avertissements.map((a) => (
                  <li key={`${a.chemin}${a.message}`}>{a.message}</li>
                ))}
              </ul>
            }
            className="fr-mt-2w"
          />
        ) : null}
        {action.error ? (
          <Alert
            severity="error"
            title="Aucun avenant créé"
            description={
              <>
                <p>{messageErreur(action.error)}</p>
                {action.error instanceof ErreurApi && action.error.problemes.length ? (
                  <ul>
                    {action.error.problemes.map((p) => (
                      <li key={`${p.chemin}${p.message}`}>{p.message}</li>
                    ))}
                  </ul>
                ) : null}
              </>
            }
            className="fr-mt-2w"
          />
        ) : null}
      </div>
    </div>
  );
}
