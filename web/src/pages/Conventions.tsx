/**
 * « Conventions » (GET /api/conventions/registre): the conventions the signed-in actor may see, each
 * with its réservataire, its taux, its form (stock, conversion, flux — caduque past the conversion
 * deadline), its version in force and its balance of the year; each opens its own page.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { lireRegistreConventions, type ConventionResumeApi } from '../api.ts';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
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
        Caduque — droits repris par le préfet
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

export function Conventions() {
  const session = useSessionOuverte();
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.conventions.registre(),
    queryFn: ({ signal }) => lireRegistreConventions({}, signal),
    placeholderData: keepPreviousData,
  });
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
      {isPending ? (
        <Chargement quoi="les conventions" />
      ) : error && !data ? (
        <ErreurChargement erreur={error} quoi="les conventions" reessayer={() => void refetch()} />
      ) : data && data.conventions.length === 0 ? (
        <Vide>Aucune convention dans votre périmètre.</Vide>
      ) : data ? (
        <>
          {caduques > 0 ? (
            <p className="fr-text--sm">
              {caduques === 1 ? 'Une convention est caduque' : `${caduques} conventions sont caduques`} : non converties
              en flux à l’échéance légale, leurs droits sont repris par le préfet (détail sur la page de chaque
              convention).
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
        </>
      ) : null}
    </Page>
  );
}
