/** The units of the user's perimeter (GET /api/logements), 50 a page, searchable and filterable (commune, typology, bailleur). */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { lireAccueil, lireLogements, type Logement } from '../api.ts';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Commune, EffacerFiltres, FiltreCommune, PAR_PAGE, useFiltres } from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { nombre, pluriel } from '../format.ts';
import { HORS_FLUX, TYPOLOGIES } from '../roles.ts';
import { useNoms } from '../noms.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

const FILTRES = ['q', 'commune', 'typologie', 'bailleur'] as const;

const CODE_COMMUNE = /^\d[\dAB]\d{3}$/;

export function Logements() {
  const session = useSessionOuverte();
  const [parametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const { valeurs: f, changer, actifs } = useFiltres(FILTRES);
  const plusieursBailleurs = session.role !== 'agent_bailleur';
  const nom = useNoms(plusieursBailleurs);
  const { data: accueil } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
    enabled: plusieursBailleurs,
  });
  const requete = {
    page,
    parPage: PAR_PAGE,
    q: f.q.trim() || undefined,
    commune: CODE_COMMUNE.test(f.commune) ? f.commune : undefined,
    typologie: TYPOLOGIES.includes(f.typologie) ? f.typologie : undefined,
    bailleur: f.bailleur || undefined,
  };
  const commune = requete.commune;
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.logements(requete),
    queryFn: ({ signal }) => lireLogements(requete, signal),
    placeholderData: keepPreviousData,
  });
  const [choix, setChoix] = useState(() => ({ ...f }));
  useEffect(() => setChoix({ ...f }), [parametres]); // the form follows the address (links, « Précédent »)
  const choisir = (k: (typeof FILTRES)[number]) => (e: { target: { value: string } }) =>
    setChoix((c) => ({ ...c, [k]: e.target.value }));
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    changer({ ...choix, commune: f.commune });
  };
  const bailleurs = new Map<string, string>();
  for (const l of accueil?.conventions ?? []) bailleurs.set(l.bailleur.id, l.bailleur.nom);
  const nomCommune = data?.logements.find((l) => l.commune === commune)?.nomCommune;
  const laCommune = commune ? (nomCommune ? `${nomCommune} (${commune})` : commune) : '';

  const colonnes: Colonne<Logement>[] = [
    { titre: 'N° RPLS', valeur: (l) => l.rpls, entete: true },
    {
      titre: 'Identifiant et adresse',
      valeur: (l) => (
        <>
          {l.id}
          {l.adresse ? <span className="flux-secondaire">{l.adresse}</span> : null}
        </>
      ),
    },
    ...(plusieursBailleurs ? [{ titre: 'Bailleur', valeur: (l: Logement) => nom(l.bailleurId) }] : []),
    { titre: 'Commune', valeur: (l) => <Commune nom={l.nomCommune} code={l.commune} /> },
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
    <Page titre="Logements" titreDocument={commune ? `Logements de la commune ${laCommune}` : 'Logements'}>
      <p className="fr-text--lead">
        Le parc de logements sociaux de votre périmètre, tel qu’importé du répertoire RPLS.
      </p>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-2w" aria-label="Filtrer les logements">
        <div className="fr-input-group flux-filtre-recherche">
          <label className="fr-label" htmlFor="logements-q">
            Rechercher un logement
            <span className="fr-hint-text">Numéro RPLS, identifiant ou adresse</span>
          </label>
          <input
            className="fr-input"
            type="search"
            id="logements-q"
            name="q"
            value={choix.q}
            onChange={choisir('q')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <Select
          label="Typologie"
          nativeSelectProps={{ id: 'logements-typologie', value: choix.typologie, onChange: choisir('typologie') }}
        >
          <option value="">Toutes</option>
          {TYPOLOGIES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
        {bailleurs.size > 1 ? (
          <Select
            label="Bailleur"
            nativeSelectProps={{ id: 'logements-bailleur', value: choix.bailleur, onChange: choisir('bailleur') }}
          >
            <option value="">Tous</option>
            {[...bailleurs].map(([id, n]) => (
              <option key={id} value={id}>
                {n}
              </option>
            ))}
          </Select>
        ) : null}
        <Button type="submit" iconId="fr-icon-filter-line" priority="secondary">
          Filtrer
        </Button>
      </form>
      <div className="flux-filtres fr-mb-3w">
        <FiltreCommune code={commune ?? ''} nom={nomCommune} choisir={(c) => changer({ commune: c })} />
        <EffacerFiltres actifs={actifs} effacer={() => changer(Object.fromEntries(FILTRES.map((k) => [k, ''])))} />
      </div>
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la liste des logements">
        {(data) => (
          <>
            <p role="status" className="fr-mb-2w">
              {data.total === 0
                ? ''
                : `${pluriel(data.total, 'logement')}${commune ? ` dans la commune ${laCommune}` : ''} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / data.parPage)))}${isFetching ? ' (mise à jour…)' : ''}`}
            </p>
            {data.logements.length === 0 ? (
              <Vide>
                {actifs > 0
                  ? 'Aucun logement de votre périmètre ne correspond à ces critères.'
                  : page > 1
                    ? 'Cette page est vide : revenez à la première page.'
                    : 'Aucun logement n’est encore enregistré dans votre périmètre.'}
              </Vide>
            ) : (
              <Tableau
                id="tableau-logements"
                legende={`Logements${commune ? ` de la commune ${laCommune}` : ''}, page ${nombre(page)}`}
                colonnes={colonnes}
                lignes={data.logements}
                cle={(l) => l.id}
                compact
              />
            )}
            <Pagination page={page} total={data.total} taille={data.parPage} />
          </>
        )}
      </EtatRequete>
    </Page>
  );
}
