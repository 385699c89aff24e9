/** The lettings (from a unit's liberation to its lease) the user may see, with their state. */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { lireLocations, type LocationApi } from '../api.ts';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { PanneauRecommandation } from '../composants/Recommandation.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, nombre, pluriel } from '../format.ts';
import { useNoms } from '../noms.ts';
import { ETATS_LOCATION, EXCLUSIONS } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';

const TAILLE = 50;

export function EtatLocation({ etat }: { etat: string }) {
  const e = ETATS_LOCATION[etat] ?? { libelle: etat };
  return (
    <Badge as="span" small {...(e.severite ? { severity: e.severite } : {})}>
      {e.libelle}
    </Badge>
  );
}

export function Locations() {
  const session = useSessionOuverte();
  const nom = useNoms();
  const [parametres, setParametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const etatParam = parametres.get('etat') ?? '';
  const etat = etatParam in ETATS_LOCATION ? etatParam : undefined;
  const anneeParam = Number(parametres.get('annee'));
  const annee = Number.isInteger(anneeParam) && anneeParam >= 2000 && anneeParam <= 2100 ? anneeParam : undefined;
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: ['locations', { page, etat, annee }],
    queryFn: ({ signal }) => lireLocations({ page, taille: TAILLE, etat, annee }, signal),
    placeholderData: keepPreviousData,
  });

  const [choixEtat, setChoixEtat] = useState(etat ?? '');
  const [choixAnnee, setChoixAnnee] = useState(annee ? String(annee) : '');
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (choixEtat) p.etat = choixEtat;
    if (choixAnnee) p.annee = choixAnnee;
    setParametres(p);
  };
  // The recommendation panel of one vacancy (bailleur and State pilot), kept in the address.
  const vacance = parametres.get('vacance');
  const voirRecommandation = session.role === 'agent_bailleur' || session.role === 'pilote_etat';
  const ouvrir = (id: string | null) => {
    const p = new URLSearchParams(parametres);
    if (id) p.set('vacance', id);
    else p.delete('vacance');
    setParametres(p);
  };
  const courante = new Date().getFullYear();
  const annees = Array.from({ length: 6 }, (_, i) => courante + 1 - i);

  const orientation = (l: LocationApi) => {
    if (l.exclusion) return `Exclue : ${EXCLUSIONS[l.exclusion] ?? l.exclusion}`;
    if (l.pool && l.pool.length > 0) return `Plusieurs réservataires : ${l.pool.map((r) => nom(r)).join(', ')}`;
    if (l.reservataireId) return nom(l.reservataireId);
    if (l.ligne === 'BAILLEUR') return 'Part propre du bailleur';
    if (l.ligne) return nom(l.ligne);
    return <span className="flux-secondaire">à orienter</span>;
  };

  const colonnes: Colonne<LocationApi>[] = [
    { titre: 'Libération', valeur: (l) => date(l.dateLiberation) },
    { titre: 'Logement', valeur: (l) => l.logementId, entete: true },
    ...(session.role !== 'agent_bailleur' ? [{ titre: 'Bailleur', valeur: (l: LocationApi) => nom(l.bailleurId) }] : []),
    { titre: 'Commune (INSEE)', valeur: (l) => l.commune },
    { titre: 'Typologie', valeur: (l) => l.typologie },
    { titre: 'État', valeur: (l) => <EtatLocation etat={l.etat} /> },
    {
      titre: 'Orientation',
      valeur: (l) => (
        <>
          {orientation(l)}
          {l.forcee ? (
            <>
              {' '}
              <Badge as="span" small severity="warning" noIcon>
                décidée par le bailleur
              </Badge>
            </>
          ) : null}
          {l.motif ? <span className="flux-secondaire flux-motif">{l.motif}</span> : null}
        </>
      ),
    },
    ...(voirRecommandation
      ? [
          {
            titre: 'Recommandation',
            valeur: (l: LocationApi) =>
              l.etat === 'orientee' ? (
                <Button type="button" size="small" priority="secondary" onClick={() => ouvrir(l.id)}>
                  Voir<span className="fr-sr-only"> la recommandation pour le logement {l.logementId}</span>
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Page titre="Locations" titreDocument="Locations">
      <p className="fr-text--lead">Chaque logement libéré, de sa libération à la signature du bail ou à l’échec, et son orientation.</p>
      {vacance && voirRecommandation ? <PanneauRecommandation key={vacance} id={vacance} peutDecider={session.role === 'agent_bailleur'} fermer={() => ouvrir(null)} /> : null}
      <form onSubmit={filtrer} className="flux-filtres fr-mb-3w" aria-label="Filtrer les locations">
        <Select label="État" nativeSelectProps={{ id: 'filtre-etat', name: 'etat', value: choixEtat, onChange: (e) => setChoixEtat(e.target.value) }}>
          <option value="">Tous les états</option>
          {Object.entries(ETATS_LOCATION).map(([code, e]) => (
            <option key={code} value={code}>
              {e.libelle}
            </option>
          ))}
        </Select>
        <Select label="Année" nativeSelectProps={{ id: 'filtre-annee', name: 'annee', value: choixAnnee, onChange: (e) => setChoixAnnee(e.target.value) }}>
          <option value="">Toutes les années</option>
          {annees.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        <Button type="submit" iconId="fr-icon-filter-line" priority="secondary">
          Filtrer
        </Button>
      </form>
      {isPending ? (
        <Chargement quoi="la liste des locations" />
      ) : error && !data ? (
        <ErreurChargement erreur={error} quoi="la liste des locations" reessayer={() => void refetch()} />
      ) : data ? (
        <>
          <p role="status" className="fr-mb-2w">
            {data.total === 0 ? '' : `${pluriel(data.total, 'location')} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / TAILLE)))}${isFetching ? ' (mise à jour…)' : ''}`}
          </p>
          {data.locations.length === 0 ? (
            <Vide>
              {etat || annee
                ? 'Aucune location ne correspond à ces critères.'
                : session.role === 'agent_reservataire'
                  ? 'Aucun logement ne vous a encore été orienté.'
                  : 'Aucune libération de logement n’est encore enregistrée.'}
            </Vide>
          ) : (
            <Tableau id="tableau-locations" legende={`Locations, page ${nombre(page)}`} colonnes={colonnes} lignes={data.locations} cle={(l) => l.id} />
          )}
          <Pagination page={page} total={data.total} taille={TAILLE} />
        </>
      ) : null}
    </Page>
  );
}
