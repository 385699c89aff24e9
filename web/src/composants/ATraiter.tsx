/**
 * « À traiter » (issue 12 item 1), at the top of each role's home: what waits for this person, most
 * urgent first (GET /api/a-traiter), each item with its deadline — a French date and « dans 3 jours »
 * / « en retard de 2 jours », never a negative number — and a link to the page where to act.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { lireATraiter, type ElementATraiterApi } from '../api.ts';
import { date, pluriel } from '../format.ts';
import { EtatRequete, Vide } from './Etats.tsx';
import { cles } from '../cles.ts';

/** How many items show before « Afficher les autres ». */
const VISIBLES = 8;

/** Days to a deadline in words: « aujourd’hui », « demain », « dans 3 jours », « en retard de 2 jours ». */
export function delaiEnMots(jours: number): string {
  if (jours === 0) return 'aujourd’hui';
  if (jours === 1) return 'demain';
  if (jours > 1) return `dans ${pluriel(jours, 'jour')}`;
  return `en retard de ${pluriel(-jours, 'jour')}`;
}

function Echeance({ e }: { e: ElementATraiterApi }) {
  if (e.echeance === null || e.joursRestants === null)
    return (
      <Badge as="span" small noIcon>
        Pour information
      </Badge>
    );
  const j = e.joursRestants;
  return (
    <>
      <Badge as="span" small noIcon severity={j < 0 ? 'error' : j <= 7 ? 'warning' : 'info'}>
        {delaiEnMots(j)}
      </Badge>{' '}
      <span className="fr-text--sm">échéance le {date(e.echeance)}</span>
    </>
  );
}

function Element({ e }: { e: ElementATraiterApi }) {
  return (
    <li className="flux-a-traiter__element">
      <p className="fr-mb-1v">
        <Echeance e={e} />
      </p>
      <p className="fr-text--bold fr-mb-1v">{e.titre}</p>
      <p className="fr-text--sm fr-mb-1v">{e.detail}</p>
      <Link to={e.lien} className="fr-link fr-icon-arrow-right-line fr-link--icon-right">
        {e.action}
        <span className="fr-sr-only"> : {e.titre}</span>
      </Link>
    </li>
  );
}

export function ATraiter() {
  const requete = useQuery({ queryKey: cles.aTraiter(), queryFn: ({ signal }) => lireATraiter(signal) });
  const [tout, setTout] = useState(false);
  return (
    <section aria-labelledby="a-traiter" className="fr-mb-6w flux-a-traiter">
      <h2 id="a-traiter" className="fr-h3">
        À traiter
      </h2>
      <EtatRequete requete={requete} quoi="ce qui est à traiter">
        {(a) =>
          a.elements.length === 0 ? (
            <Vide>Rien n’attend votre action aujourd’hui.</Vide>
          ) : (
            <>
              <p className="fr-text--sm">
                {pluriel(a.total, 'élément')}, le plus urgent d’abord
                {a.total > a.elements.length ? ` (les ${a.elements.length} premiers ci-dessous)` : ''}.
              </p>
              <ul className="flux-a-traiter__liste">
                {(tout ? a.elements : a.elements.slice(0, VISIBLES)).map((e) => (
                  <Element key={e.cle} e={e} />
                ))}
              </ul>
              {a.elements.length > VISIBLES ? (
                <Button priority="secondary" size="small" onClick={() => setTout(!tout)} aria-expanded={tout}>
                  {tout ? 'Afficher les plus urgents seulement' : `Afficher les ${a.elements.length - VISIBLES} autres`}
                </Button>
              ) : null}
            </>
          )
        }
      </EtatRequete>
    </section>
  );
}
