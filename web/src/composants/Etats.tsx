/** Loading, error and empty states, written in French and announced to screen readers. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { ReactNode } from 'react';
import { ErreurApi } from '../api.ts';

export function Chargement({ quoi }: { quoi: string }) {
  return (
    <p role="status" className="flux-chargement">
      <span className="fr-icon-refresh-line flux-chargement__icone" aria-hidden="true" /> Chargement de {quoi}…
    </p>
  );
}

export function messageErreur(erreur: unknown): string {
  if (erreur instanceof ErreurApi) {
    // The server's message prefixes each problem with its field path (« etatDesLieux : … »), for
    // the API's users; a page shows the French messages only, and keeps a path that is words
    // (« ligne 3, colonne FINAN »).
    if (erreur.problemes.length === 0) return erreur.message;
    const interne = /^[A-Za-z0-9_.[\]]+$/;
    return [
      ...new Set(erreur.problemes.map((p) => (interne.test(p.chemin) ? p.message : `${p.chemin} : ${p.message}`))),
    ].join(' ; ');
  }
  return 'Une erreur inattendue est survenue : rechargez la page.';
}

/**
 * An error to show as a whole-form alert: anything but a refusal of fields (400, 422), which the
 * form shows beside each field instead.
 */
export function erreurHorsChamps(erreur: unknown): boolean {
  return Boolean(erreur) && !(erreur instanceof ErreurApi && (erreur.statut === 422 || erreur.statut === 400));
}

/**
 * Each field's message in a form and its DSFR state: the form's own checks (`locales`) first, then
 * the server's refusal of that field (looked up under `prefixe` first, e.g. « clauses. »).
 */
export function champsEnErreur(erreur: unknown, locales: Readonly<Record<string, string>> = {}, prefixe = '') {
  const message = (champ: string): string | undefined =>
    locales[champ] ??
    (erreur instanceof ErreurApi
      ? ((prefixe ? erreur.probleme(`${prefixe}${champ}`) : undefined) ?? erreur.probleme(champ))
      : undefined);
  const etat = (champ: string) => {
    const m = message(champ);
    return m ? ({ state: 'error', stateRelatedMessage: m } as const) : ({ state: 'default' } as const);
  };
  return { message, etat };
}

export function ErreurChargement({
  erreur,
  quoi,
  reessayer,
}: {
  erreur: unknown;
  quoi: string;
  reessayer?: () => void;
}) {
  const interdit = erreur instanceof ErreurApi && erreur.statut === 403;
  return (
    <Alert
      severity={interdit ? 'warning' : 'error'}
      as="h2"
      title={interdit ? `Vous n’avez pas accès à ${quoi}` : `Impossible de charger ${quoi}`}
      description={
        <>
          {messageErreur(erreur)}
          {reessayer && !interdit ? (
            <>
              <br />
              <Button priority="secondary" size="small" className="fr-mt-2w" onClick={reessayer}>
                Réessayer
              </Button>
            </>
          ) : null}
        </>
      }
      className="fr-mb-4w"
    />
  );
}

export function Vide({ children }: { children: ReactNode }) {
  return <p className="fr-text--lg flux-vide">{children}</p>;
}

/** What `EtatRequete` reads of a query (TanStack Query's result has it). */
export interface RequeteLue<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/** A query's answer in its three states: loading, failed (with « Réessayer »), then its content. */
export function EtatRequete<T>({
  requete,
  quoi,
  children,
}: {
  requete: RequeteLue<T>;
  quoi: string;
  children: (data: T) => ReactNode;
}) {
  if (requete.isPending) return <Chargement quoi={quoi} />;
  if (requete.error && !requete.data)
    return <ErreurChargement erreur={requete.error} quoi={quoi} reessayer={() => void requete.refetch()} />;
  return requete.data !== undefined ? <>{children(requete.data)}</> : null;
}
