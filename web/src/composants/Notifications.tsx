/**
 * The notifications indicator of the header: the number of unread notifications of the user's
 * organisation, and on demand their list (new orientation, deadline approaching or passed, CAL
 * result), each one can be marked as read. Refreshed every minute.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { lireNotifications, marquerNotificationLue } from '../api.ts';
import { messageErreur } from './Etats.tsx';
import { cles } from '../cles.ts';

/** The list opens under the button, above the page (inline: the style sheet belongs to the whole app). */
const PANNEAU = {
  position: 'absolute',
  right: 0,
  zIndex: 1000,
  width: 'min(28rem, 90vw)',
  maxHeight: '70vh',
  overflowY: 'auto',
  background: 'var(--background-default-grey)',
  boxShadow: '0 6px 18px 0 rgba(0, 0, 18, 0.16)',
  textAlign: 'left',
} as const;

const HEURE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

export function IndicateurNotifications() {
  const id = useId();
  const client = useQueryClient();
  const [ouvert, setOuvert] = useState(false);
  const { data, error } = useQuery({
    queryKey: cles.notifications(),
    queryFn: ({ signal }) => lireNotifications(signal),
    refetchInterval: 60_000,
  });
  const lecture = useMutation({
    mutationFn: marquerNotificationLue,
    onSuccess: () => void client.invalidateQueries({ queryKey: cles.notifications() }),
  });
  const nonLues = data?.nonLues ?? 0;
  return (
    <div className="flux-notifications" style={{ position: 'relative' }}>
      <button
        type="button"
        className="fr-btn fr-btn--tertiary-no-outline fr-icon-notification-3-line fr-btn--icon-left"
        aria-expanded={ouvert}
        aria-controls={`${id}-liste`}
        onClick={() => setOuvert(!ouvert)}
      >
        Notifications
        <span className="flux-notifications__compte" aria-hidden={nonLues === 0}>
          {nonLues > 0 ? ` (${nonLues})` : ''}
        </span>
        <span className="fr-sr-only">
          {nonLues === 0 ? ', aucune non lue' : `, ${nonLues} non lue${nonLues > 1 ? 's' : ''}`}
        </span>
      </button>
      <div
        id={`${id}-liste`}
        hidden={!ouvert}
        className="flux-notifications__panneau fr-p-2w"
        style={PANNEAU}
        role="region"
        aria-label="Liste des notifications"
        tabIndex={0}
      >
        <h2 className="fr-h6 fr-mb-1w">Notifications</h2>
        {error ? <p className="fr-error-text">{messageErreur(error)}</p> : null}
        {data && data.notifications.length === 0 ? <p className="fr-text--sm fr-mb-0">Aucune notification.</p> : null}
        <ul className="fr-raw-list">
          {data?.notifications.map((n) => (
            <li key={n.id} className={`fr-mb-2w flux-notification${n.lue ? '' : ' flux-notification--non-lue'}`}>
              <p className="fr-text--sm fr-text--bold fr-mb-0">
                {n.lue ? null : <span className="fr-sr-only">Non lue : </span>}
                {n.titre}
              </p>
              <p className="fr-text--xs fr-mb-0">{HEURE.format(new Date(n.creeLe))}</p>
              <p className="fr-text--sm fr-mb-1w">{n.message}</p>
              {n.type !== 'resultat_cal' && n.locationId ? (
                <Link to="/boite" className="fr-link fr-text--sm fr-mr-2w" onClick={() => setOuvert(false)}>
                  Voir la boîte de réception
                </Link>
              ) : null}
              {n.lue ? null : (
                <button
                  type="button"
                  className="fr-btn fr-btn--sm fr-btn--tertiary"
                  disabled={lecture.isPending}
                  onClick={() => lecture.mutate(n.id)}
                >
                  Marquer comme lue<span className="fr-sr-only"> : {n.titre}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
