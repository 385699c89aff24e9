/**
 * « Boîte de réception »: the units the bailleur oriented to the réservataire (or, in delegated
 * management, to the bailleur on its behalf), with their characteristics and the countdown to the
 * proposal deadline; the candidate form asks for the SNE number and only what the CAL needs.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ErreurApi, lireBoite, proposerCandidats, type CandidatSaisi, type ElementBoiteApi } from '../api.ts';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { ListePieces } from '../composants/PiecesVacance.tsx';
import { Priorites } from '../composants/Priorites.tsx';
import { CANDIDAT_VIDE, candidatsAEnvoyer, fautesCandidats, SaisieCandidats } from '../composants/SaisieCandidats.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { dateEnLettres, pluriel } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';
import { EtatLocation } from './Locations.tsx';
import { cles } from '../cles.ts';

function CompteARebours({ e }: { e: ElementBoiteApi }) {
  if (e.echeance === null || e.joursRestants === null) return <>—</>;
  if (e.etat !== 'orientee') return <>Candidats proposés</>;
  const j = e.joursRestants;
  const texte =
    j < 0 ? 'Délai dépassé' : j === 0 ? 'Dernier jour' : `${pluriel(j, 'jour')} restant${j >= 2 ? 's' : ''}`;
  return (
    <>
      <Badge as="span" small severity={j <= 2 ? 'error' : j <= 7 ? 'warning' : 'info'} noIcon>
        {texte}
      </Badge>
      <span className="flux-secondaire"> jusqu’au {dateEnLettres(e.echeance)} au soir</span>
    </>
  );
}

function FormulaireCandidats({ e }: { e: ElementBoiteApi }) {
  const id = useId();
  const client = useQueryClient();
  const [candidats, setCandidats] = useState<CandidatSaisi[]>(() =>
    Array.from({ length: Math.max(1, e.candidatsDemandes) }, () => ({ ...CANDIDAT_VIDE })),
  );
  const [erreurs, setErreurs] = useState<Record<number, string>>({});
  const envoi = useMutation({
    mutationFn: () => proposerCandidats(e.locationId, { version: e.version, candidats: candidatsAEnvoyer(candidats) }),
    onSuccess: () => void client.invalidateQueries({ queryKey: cles.boite() }),
  });
  const envoyer = (ev: FormEvent) => {
    ev.preventDefault();
    const fautes = fautesCandidats(candidats);
    setErreurs(fautes);
    if (Object.keys(fautes).length === 0) envoi.mutate();
  };
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-mt-2w" noValidate>
      <h2 id={`${id}-titre`} className="fr-h5">
        Proposer des candidats pour le logement {e.logement.id}
      </h2>
      <p className="fr-text--sm">
        Seulement ce dont la CAL a besoin : le numéro unique SNE, la taille du ménage et les critères de priorité. Aucun
        nom ni autre donnée personnelle. {e.candidatsDemandes} candidats demandés (un seul pour une désignation DALO).
      </p>
      <SaisieCandidats id={id} candidats={candidats} setCandidats={setCandidats} faute={(i) => erreurs[i]} />{' '}
      <Button type="submit" disabled={envoi.isPending}>
        Proposer les candidats
      </Button>
      {envoi.error ? (
        <p className="fr-error-text" role="alert">
          {envoi.error instanceof ErreurApi && envoi.error.problemes.length
            ? envoi.error.problemes.map((p) => p.message).join(' ; ')
            : messageErreur(envoi.error)}
        </p>
      ) : null}
    </form>
  );
}

export function Boite() {
  const session = useSessionOuverte();
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.boite(),
    queryFn: ({ signal }) => lireBoite(signal),
  });
  const [choisi, setChoisi] = useState<string | null>(null);

  const colonnes: Colonne<ElementBoiteApi>[] = [
    { titre: 'Logement', valeur: (e) => e.logement.id, entete: true },
    ...(session.role === 'agent_bailleur'
      ? [{ titre: 'Pour le compte de', valeur: (e: ElementBoiteApi) => e.reservataire.nom }]
      : [{ titre: 'Bailleur', valeur: (e: ElementBoiteApi) => e.bailleur.nom }]),
    { titre: 'Commune (INSEE)', valeur: (e) => e.logement.commune },
    { titre: 'Typologie', valeur: (e) => e.logement.typologie },
    { titre: 'Financement', valeur: (e) => e.logement.financement },
    { titre: 'QPV', valeur: (e) => (e.logement.qpv ? `oui (${e.logement.qpv})` : 'non') },
    { titre: 'Photos et plans', valeur: (e) => <ListePieces locationId={e.locationId} pieces={e.pieces} /> },
    { titre: 'Orienté le', valeur: (e) => dateEnLettres(e.orienteeLe) },
    { titre: 'Délai de proposition', valeur: (e) => <CompteARebours e={e} /> },
    { titre: 'État', valeur: (e) => <EtatLocation etat={e.etat} /> },
    {
      titre: 'Candidats',
      valeur: (e) =>
        e.candidats.length > 0 ? (
          <ul className="fr-raw-list">
            {e.candidats.map((c) => (
              <li key={c.numeroSne}>
                n° {c.numeroSne}
                <Priorites c={c} />
              </li>
            ))}
          </ul>
        ) : e.peutProposer ? (
          <Button type="button" size="small" priority="secondary" onClick={() => setChoisi(e.locationId)}>
            Proposer<span className="fr-sr-only"> des candidats pour le logement {e.logement.id}</span>
          </Button>
        ) : e.gestion === 'deleguee' ? (
          <span className="flux-secondaire">gestion déléguée : le bailleur désigne</span>
        ) : (
          <span className="flux-secondaire">aucun</span>
        ),
    },
  ];
  const element = data?.elements.find((e) => e.locationId === choisi && e.peutProposer);

  return (
    <Page titre="Boîte de réception" titreDocument="Boîte de réception">
      <p className="fr-text--lead">
        {session.role === 'agent_bailleur'
          ? 'Les logements orientés aux réservataires dont vous assurez la gestion déléguée : vous désignez les candidats pour leur compte.'
          : 'Les logements que le bailleur vous a orientés, avec le délai pour proposer vos candidats. Sans proposition dans le délai, le logement revient au bailleur pour un tour.'}
      </p>
      {isPending ? (
        <Chargement quoi="la boîte de réception" />
      ) : error || !data ? (
        <ErreurChargement erreur={error} quoi="la boîte de réception" reessayer={() => void refetch()} />
      ) : data.elements.length === 0 ? (
        <Vide>Aucun logement ne vous est orienté pour le moment.</Vide>
      ) : (
        <>
          <p role="status">
            {pluriel(data.elements.length, 'logement')} — délais comptés au {dateEnLettres(data.aujourdhui)} (heure de
            Paris)
          </p>
          <Tableau
            id="tableau-boite"
            legende="Logements orientés et délais de proposition"
            colonnes={colonnes}
            lignes={data.elements}
            cle={(e) => e.locationId}
          />
          {element ? <FormulaireCandidats key={element.locationId} e={element} /> : null}
          {choisi && !element && data.elements.some((e) => e.locationId === choisi) ? (
            <Alert
              small
              severity="success"
              description="Candidats proposés : le bailleur les présentera à la CAL."
              className="fr-mt-2w"
            />
          ) : null}
        </>
      )}
    </Page>
  );
}
