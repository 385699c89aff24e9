/**
 * « Grilles de cotation » (public, no sign-in; issue 17, ADR 0039): the EPCIs whose grid is in force,
 * and one EPCI's grid in plain French — the PPGD's transparency (CCH L.441-2-8): anyone applying for
 * social housing may read how demands are rated, and that the CAL stays free to decide.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { lireGrillePublique, lireGrillesPubliques } from '../api.ts';
import { cles } from '../cles.ts';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { date } from '../format.ts';

export function GrillesPubliques() {
  const requete = useQuery({
    queryKey: cles.cotation.publiques(),
    queryFn: ({ signal }) => lireGrillesPubliques(signal),
  });
  return (
    <Page titre="Grilles de cotation des demandes" titreDocument="Grilles de cotation">
      <p className="fr-text--lead">
        Chaque établissement public de coopération intercommunale (EPCI) tenu d’un plan partenarial de gestion de la
        demande cote les demandes de logement social selon une grille qu’il adopte et publie. La note aide la commission
        d’attribution (CAL) sans la lier.
      </p>
      <EtatRequete requete={requete} quoi="les grilles de cotation">
        {(d) =>
          d.epcis.length === 0 ? (
            <Vide>Aucune grille de cotation n’est en vigueur dans Flux pour l’instant.</Vide>
          ) : (
            <ul>
              {d.epcis.map((e) => (
                <li key={e.siren}>
                  <Link to={`/cotation/${e.siren}`}>{e.nom}</Link> — version {e.version}, en vigueur depuis le{' '}
                  {date(e.enVigueurDu)}
                </li>
              ))}
            </ul>
          )
        }
      </EtatRequete>
    </Page>
  );
}

export function GrillePublique() {
  const { siren = '' } = useParams();
  const requete = useQuery({
    queryKey: cles.cotation.publique(siren),
    queryFn: ({ signal }) => lireGrillePublique(siren, signal),
  });
  return (
    <EtatRequete requete={requete} quoi="la grille de cotation">
      {(d) => (
        <Page titre={`Grille de cotation — ${d.epci.nom}`} titreDocument={`Grille de cotation — ${d.epci.nom}`}>
          <p>
            <Link to="/cotation" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
              Toutes les grilles de cotation
            </Link>
          </p>
          <ol className="flux-enonce">
            {d.grille.enonce.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ol>
          {d.versions.length > 1 ? (
            <>
              <h2 className="fr-h5">Versions successives</h2>
              <ul>
                {d.versions.map((v) => (
                  <li key={v.version}>
                    Version {v.version} : adoptée le {date(v.adopteeLe)}, en vigueur à partir du {date(v.enVigueurDu)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Page>
      )}
    </EtatRequete>
  );
}
