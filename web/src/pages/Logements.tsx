/** The units of the user's perimeter (GET /api/logements), 50 a page, filterable by commune. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { lireLogements, type Logement } from '../api.ts';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { nombre, pluriel } from '../format.ts';
import { HORS_FLUX } from '../roles.ts';
import { useNoms } from '../noms.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

const TAILLE = 50;
const CODE_COMMUNE = /^\d[\dAB]\d{3}$/;

export function Logements() {
  const session = useSessionOuverte();
  const [parametres, setParametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const communeParam = parametres.get('commune') ?? '';
  const commune = CODE_COMMUNE.test(communeParam) ? communeParam : undefined;
  const plusieursBailleurs = session.role !== 'agent_bailleur';
  const nom = useNoms(plusieursBailleurs);
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.logements({ page, commune }),
    queryFn: ({ signal }) => lireLogements({ page, taille: TAILLE, commune }, signal),
    placeholderData: keepPreviousData,
  });

  const [saisie, setSaisie] = useState(communeParam);
  const [erreurSaisie, setErreurSaisie] = useState<string | null>(null);
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    const code = saisie.trim().toUpperCase();
    if (code && !CODE_COMMUNE.test(code)) {
      setErreurSaisie('Saisissez un code commune INSEE à 5 caractères, par exemple 45234 pour Orléans.');
      return;
    }
    setErreurSaisie(null);
    setParametres(code ? { commune: code } : {});
  };

  const colonnes: Colonne<Logement>[] = [
    { titre: 'N° RPLS', valeur: (l) => l.rpls, entete: true },
    ...(plusieursBailleurs ? [{ titre: 'Bailleur', valeur: (l: Logement) => nom(l.bailleurId) }] : []),
    { titre: 'Commune (INSEE)', valeur: (l) => l.commune },
    { titre: 'QPV', valeur: (l) => l.qpv ?? <span className="flux-secondaire">hors QPV</span> },
    { titre: 'Typologie', valeur: (l) => l.typologie },
    { titre: 'Financement', valeur: (l) => l.financement },
    { titre: 'Construction', valeur: (l) => String(l.construction), nombre: true },
    {
      titre: 'Flux',
      valeur: (l) => (l.horsFlux ? `Hors flux : ${HORS_FLUX[l.horsFlux] ?? l.horsFlux}` : 'Dans le flux'),
    },
  ];

  return (
    <Page titre="Logements" titreDocument={commune ? `Logements de la commune ${commune}` : 'Logements'}>
      <p className="fr-text--lead">
        Le parc de logements sociaux de votre périmètre, tel qu’importé du répertoire RPLS.
      </p>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-3w" aria-label="Filtrer les logements">
        <Input
          label="Code commune (INSEE)"
          hintText="5 caractères, par exemple 45234 ; laissez vide pour tout afficher."
          state={erreurSaisie ? 'error' : 'default'}
          stateRelatedMessage={erreurSaisie ?? undefined}
          nativeInputProps={{
            id: 'filtre-commune',
            name: 'commune',
            value: saisie,
            onChange: (e) => setSaisie(e.target.value),
            maxLength: 5,
            autoComplete: 'off',
            spellCheck: false,
          }}
        />
        <Button type="submit" iconId="fr-icon-filter-line" priority="secondary">
          Filtrer
        </Button>
      </form>
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la liste des logements">
        {(data) => (
          <>
            <p role="status" className="fr-mb-2w">
              {data.total === 0
                ? ''
                : `${pluriel(data.total, 'logement')}${commune ? ` dans la commune ${commune}` : ''} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / TAILLE)))}${isFetching ? ' (mise à jour…)' : ''}`}
            </p>
            {data.logements.length === 0 ? (
              <Vide>
                {commune
                  ? `Aucun logement de votre périmètre dans la commune ${commune}.`
                  : page > 1
                    ? 'Cette page est vide : revenez à la première page.'
                    : 'Aucun logement n’est encore enregistré dans votre périmètre.'}
              </Vide>
            ) : (
              <Tableau
                id="tableau-logements"
                legende={`Logements${commune ? ` de la commune ${commune}` : ''}, page ${nombre(page)}`}
                colonnes={colonnes}
                lignes={data.logements}
                cle={(l) => l.id}
              />
            )}
            <Pagination page={page} total={data.total} taille={TAILLE} />
          </>
        )}
      </EtatRequete>
    </Page>
  );
}
