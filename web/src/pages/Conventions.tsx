/**
 * « Conventions » (GET /api/conventions/registre): the conventions the signed-in actor may see, each
 * with its réservataire, its taux, its form (stock, conversion, flux — caduque past the conversion
 * deadline), its version in force and its balance of the year; each opens its own page. One page
 * of 50 at most, filtered (name, form, réservataire, bailleur) in the address, most urgent first.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { lireAccueil, lireRegistreConventions, type ConventionResumeApi } from '../api.ts';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { EffacerFiltres, PAR_PAGE, useFiltres } from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Solde } from '../composants/Solde.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, decimal, taux } from '../format.ts';
import { TYPES_RESERVATAIRE } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

/** The form of a convention as a badge: words, not colour alone. */
export function BadgeForme({ forme }: { forme: ConventionResumeApi['forme'] }) {
  if (forme.statut === 'caduque')
    return (
      <Badge as="span" severity="error" small>
        {forme.caducite?.reprise ? 'Caduque — droits repris par le préfet' : 'Caduque — reprise possible par le préfet'}
      </Badge>
    );
  if (forme.statut === 'a_convertir')
    return (
      <Badge as="span" severity="warning" small>
        {`${forme.libelle.charAt(0).toUpperCase()}${forme.libelle.slice(1)} — à convertir`}
      </Badge>
    );
  return (
    <Badge as="span" severity="success" small noIcon>
      En flux
    </Badge>
  );
}

const FILTRES = ['q', 'statut', 'reservataire', 'bailleur'] as const;
const STATUTS: Record<string, string> = { caduque: 'Caduques', a_convertir: 'À convertir', flux: 'En flux' };

export function Conventions() {
  const session = useSessionOuverte();
  const [parametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const { valeurs: f, changer, actifs } = useFiltres(FILTRES);
  const requete = {
    page,
    parPage: PAR_PAGE,
    q: f.q.trim() || undefined,
    statut: f.statut in STATUTS ? f.statut : undefined,
    reservataire: f.reservataire || undefined,
    bailleur: f.bailleur || undefined,
  };
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.conventions.registre(requete),
    queryFn: ({ signal }) => lireRegistreConventions(requete, signal),
    placeholderData: keepPreviousData,
  });
  const { data: accueil } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
  });
  const [choix, setChoix] = useState(() => ({ ...f }));
  useEffect(() => setChoix({ ...f }), [parametres]); // the form follows the address (links, « Précédent »)
  const choisir = (k: (typeof FILTRES)[number]) => (e: { target: { value: string } }) =>
    setChoix((c) => ({ ...c, [k]: e.target.value }));
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    changer(choix);
  };
  const reservataires = new Map<string, string>();
  const bailleurs = new Map<string, string>();
  for (const l of accueil?.conventions ?? []) {
    reservataires.set(l.reservataire.id, l.reservataire.nom);
    bailleurs.set(l.bailleur.id, l.bailleur.nom);
  }
  const plusieursBailleurs = session.role !== 'agent_bailleur';
  const colonnes: Colonne<ConventionResumeApi>[] = [
    {
      titre: 'Réservataire',
      entete: true,
      valeur: (c) => (
        <Link
          to={`/conventions/${encodeURIComponent(c.id)}`}
          aria-label={`Convention ${c.reservataire.nom}${plusieursBailleurs ? ` avec ${c.bailleur.nom}` : ''}`}
        >
          {c.reservataire.nom}
        </Link>
      ),
    },
    ...(plusieursBailleurs ? [{ titre: 'Bailleur', valeur: (c: ConventionResumeApi) => c.bailleur.nom }] : []),
    { titre: 'Type', valeur: (c) => TYPES_RESERVATAIRE[c.reservataire.type] ?? c.reservataire.type },
    { titre: 'Taux', valeur: (c) => (c.versionEnVigueur ? taux(c.versionEnVigueur.taux) : '—'), nombre: true },
    { titre: 'Forme', valeur: (c) => <BadgeForme forme={c.forme} /> },
    {
      titre: 'Version en vigueur',
      valeur: (c) =>
        c.versionEnVigueur
          ? `n° ${c.versionEnVigueur.version} du ${date(c.versionEnVigueur.effectifLe)}`
          : 'pas encore en vigueur',
    },
    {
      titre: `Droit ${data?.annee ?? ''}`.trim(),
      valeur: (c) => (c.ligne ? decimal(c.ligne.droit) : '—'),
      nombre: true,
    },
    {
      titre: `Solde ${data?.annee ?? ''}`.trim(),
      valeur: (c) => (c.ligne ? <Solde valeur={c.ligne.solde} /> : '—'),
      nombre: true,
    },
  ];
  const caduques = data?.conventions.filter((c) => c.forme.statut === 'caduque').length ?? 0;
  return (
    <Page titre="Conventions" titreDocument="Conventions">
      <p className="fr-text--lead">
        Chaque convention de réservation, sa version en vigueur (le dernier avenant), sa forme — en stock, en conversion
        ou en flux — et son solde de l’année : les logements décomptés moins le droit.
      </p>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-3w" aria-label="Filtrer les conventions">
        <div className="fr-input-group flux-filtre-recherche">
          <label className="fr-label" htmlFor="conventions-q">
            Rechercher
            <span className="fr-hint-text">Nom du réservataire ou du bailleur</span>
          </label>
          <input
            className="fr-input"
            type="search"
            id="conventions-q"
            value={choix.q}
            onChange={choisir('q')}
            autoComplete="off"
          />
        </div>
        <Select
          label="Forme"
          nativeSelectProps={{ id: 'conventions-statut', value: choix.statut, onChange: choisir('statut') }}
        >
          <option value="">Toutes</option>
          {Object.entries(STATUTS).map(([code, libelle]) => (
            <option key={code} value={code}>
              {libelle}
            </option>
          ))}
        </Select>
        {session.role !== 'agent_reservataire' && reservataires.size > 1 ? (
          <Select
            label="Réservataire"
            nativeSelectProps={{
              id: 'conventions-reservataire',
              value: choix.reservataire,
              onChange: choisir('reservataire'),
            }}
          >
            <option value="">Tous</option>
            {[...reservataires].map(([id, n]) => (
              <option key={id} value={id}>
                {n}
              </option>
            ))}
          </Select>
        ) : null}
        {plusieursBailleurs && bailleurs.size > 1 ? (
          <Select
            label="Bailleur"
            nativeSelectProps={{ id: 'conventions-bailleur', value: choix.bailleur, onChange: choisir('bailleur') }}
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
        <EffacerFiltres actifs={actifs} effacer={() => changer(Object.fromEntries(FILTRES.map((k) => [k, ''])))} />
      </form>
      {isPending ? (
        <Chargement quoi="les conventions" />
      ) : error && !data ? (
        <ErreurChargement erreur={error} quoi="les conventions" reessayer={() => void refetch()} />
      ) : data && data.conventions.length === 0 ? (
        <Vide>
          {actifs > 0 ? 'Aucune convention ne correspond à ces critères.' : 'Aucune convention dans votre périmètre.'}
        </Vide>
      ) : data ? (
        <>
          {caduques > 0 ? (
            <p className="fr-text--sm">
              {caduques === 1 ? 'Une convention est caduque' : `${caduques} conventions sont caduques`} : non converties
              en flux à l’échéance légale, leurs droits peuvent être repris par décision du préfet (détail et décision
              sur la page de chaque convention).
            </p>
          ) : null}
          <Tableau
            id="tableau-conventions"
            legende={`Conventions — version en vigueur au ${date(data.aujourdhui)} et bilan ${data.annee}`}
            colonnes={colonnes}
            lignes={data.conventions}
            cle={(c) => c.id}
            bordure
          />
          <Pagination page={page} total={data.total} taille={data.parPage} />
        </>
      ) : null}
    </Page>
  );
}
