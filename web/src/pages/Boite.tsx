/**
 * « Boîte de réception »: the units the bailleur oriented to the réservataire (or, in delegated
 * management, to the bailleur on its behalf), with their characteristics and the countdown to the
 * proposal deadline; the candidate form asks for the SNE number and only what the CAL needs.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  ErreurApi,
  lireAccueil,
  lireBoite,
  proposerCandidats,
  type CandidatSaisi,
  type ElementBoiteApi,
  type ElementBoiteListeApi,
} from '../api.ts';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { Commune, EffacerFiltres, FiltreCommune, NomLogement, PAR_PAGE, useFiltres } from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { ListePieces } from '../composants/PiecesLocation.tsx';
import { Priorites } from '../composants/Priorites.tsx';
import { CANDIDAT_VIDE, candidatsAEnvoyer, fautesCandidats, SaisieCandidats } from '../composants/SaisieCandidats.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, dateEnLettres, nombre, pluriel } from '../format.ts';
import { ETATS_LOCATION, EXCLUSIONS, HORS_FLUX, TYPOLOGIES } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { ECHEANCES, EtatLocation } from './Locations.tsx';
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

export function FormulaireCandidats({ e }: { e: ElementBoiteApi }) {
  const id = useId();
  const session = useSessionOuverte();
  const client = useQueryClient();
  const [candidats, setCandidats] = useState<CandidatSaisi[]>(() =>
    Array.from({ length: Math.max(1, e.candidatsDemandes) }, () => ({ ...CANDIDAT_VIDE })),
  );
  const [erreurs, setErreurs] = useState<Record<number, string>>({});
  const envoi = useMutation({
    mutationFn: () => proposerCandidats(e.locationId, { version: e.version, candidats: candidatsAEnvoyer(candidats) }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: cles.boite.tout() });
      void client.invalidateQueries({ queryKey: cles.locations.tout() });
    },
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
        nom ni autre donnée personnelle.{' '}
        {e.exclusion
          ? 'Hors du flux : désignez le ménage à muter ou à reloger, ou celui que désigne le pilote de l’opération ; il ne compte sur aucune ligne.'
          : `${e.candidatsDemandes} candidats demandés (un seul pour une désignation DALO).`}
      </p>
      <SaisieCandidats
        id={id}
        candidats={candidats}
        setCandidats={setCandidats}
        faute={(i) => erreurs[i]}
        agentEtatPossible={session.role === 'pilote_etat'}
      />{' '}
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

const FILTRES = ['q', 'etat', 'echeance', 'typologie', 'reservataire', 'bailleur', 'commune'] as const;

export function Boite() {
  const session = useSessionOuverte();
  const { data: accueil } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
  });
  const [parametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const { valeurs: f, changer, actifs } = useFiltres(FILTRES);
  const requete = {
    page,
    parPage: PAR_PAGE,
    q: f.q.trim() || undefined,
    etat: ['orientee', 'exclue', 'candidats', 'decision_cal'].includes(f.etat) ? f.etat : undefined,
    echeance: f.echeance in ECHEANCES ? f.echeance : undefined,
    typologie: TYPOLOGIES.includes(f.typologie) ? f.typologie : undefined,
    reservataire: f.reservataire || undefined,
    bailleur: f.bailleur || undefined,
    commune: /^\d[\dAB]\d{3}$/.test(f.commune) ? f.commune : undefined,
  };
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.boite.page(requete),
    queryFn: ({ signal }) => lireBoite(requete, signal),
    placeholderData: keepPreviousData,
  });
  const [choisi, setChoisi] = useState<string | null>(null);
  const [choix, setChoix] = useState(() => ({ ...f }));
  useEffect(() => setChoix({ ...f }), [parametres]); // the form follows the address (links, « Précédent »)
  const choisir = (k: (typeof FILTRES)[number]) => (e: { target: { value: string } }) =>
    setChoix((c) => ({ ...c, [k]: e.target.value }));
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    changer({ ...choix, commune: f.commune });
  };
  const bailleur = session.role === 'agent_bailleur';
  const organisations = new Map<string, string>();
  for (const l of accueil?.conventions ?? [])
    if (bailleur) organisations.set(l.reservataire.id, l.reservataire.nom);
    else organisations.set(l.bailleur.id, l.bailleur.nom);
  const nomCommune = data?.elements.find((e) => e.logement.commune === requete.commune)?.logement.nomCommune;

  const colonnes: Colonne<ElementBoiteListeApi>[] = [
    {
      titre: 'Logement',
      valeur: (e) => (
        <>
          <NomLogement
            id={e.logement.id}
            rpls={e.logement.rpls}
            adresse={e.logement.adresse}
            vers={`/locations/${e.locationId}`}
          />
          {e.pieces.length > 0 ? (
            <div className="fr-mt-1v">
              <ListePieces locationId={e.locationId} pieces={e.pieces} />
            </div>
          ) : null}
        </>
      ),
      entete: true,
    },
    ...(bailleur
      ? [
          {
            titre: 'Pour le compte de',
            valeur: (e: ElementBoiteListeApi) =>
              e.exclusion ? (
                <>
                  Hors du flux
                  <span className="flux-secondaire">
                    {EXCLUSIONS[e.exclusion] ?? HORS_FLUX[e.exclusion] ?? 'exclusion'} : vous désignez
                  </span>
                </>
              ) : (
                e.reservataire.nom
              ),
          },
        ]
      : [
          {
            titre: 'Bailleur',
            valeur: (e: ElementBoiteListeApi) => (
              <>
                {e.bailleur.nom}
                {e.delegation && session.role !== 'pilote_etat' ? (
                  <span className="flux-secondaire">
                    contingent de l’État délégué jusqu’au {date(e.delegation.fin)}
                  </span>
                ) : null}
              </>
            ),
          },
        ]),
    { titre: 'Commune', valeur: (e) => <Commune nom={e.logement.nomCommune} code={e.logement.commune} /> },
    {
      titre: 'Caractéristiques',
      valeur: (e) => (
        <>
          {e.logement.typologie} · {e.logement.financement}
          <span className="flux-secondaire">{e.logement.qpv ? `en QPV (${e.logement.qpv})` : 'hors QPV'}</span>
        </>
      ),
    },
    {
      titre: 'Délai de proposition',
      valeur: (e) => (
        <>
          <CompteARebours e={e} />
          <span className="flux-secondaire">
            {e.exclusion ? 'libéré' : 'orienté'} le {date(e.orienteeLe)}
          </span>
        </>
      ),
    },
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
                {c.cotation ? (
                  <details className="fr-text--sm">
                    <summary>
                      cotation : {c.cotation.note} pts,{' '}
                      {c.cotation.rangCandidats === 1 ? '1er' : `${c.cotation.rangCandidats}e`} des{' '}
                      {c.cotation.candidats} candidats notés (aide, la CAL décide)
                    </summary>
                    <ul className="fr-mb-0">
                      {c.cotation.detail.map((l) => (
                        <li key={l.critere}>
                          {l.critere} : {l.points > 0 ? '+' : ''}
                          {l.points}
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        ) : e.peutProposer ? (
          <Button type="button" size="small" priority="secondary" onClick={() => setChoisi(e.locationId)}>
            Proposer<span className="fr-sr-only"> des candidats pour le logement {e.logement.id}</span>
          </Button>
        ) : e.delegation && session.role === 'pilote_etat' ? (
          <span className="flux-secondaire">
            contingent délégué à {e.delegation.delegataire} jusqu’au {date(e.delegation.fin)} : il désigne
          </span>
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
        {bailleur
          ? 'Les logements orientés aux réservataires dont vous assurez la gestion déléguée, et ceux hors du flux (mutations, relogements) : vous désignez les candidats.'
          : 'Les logements que le bailleur vous a orientés, avec le délai pour proposer vos candidats. Sans proposition dans le délai, le logement revient au bailleur pour un tour.'}{' '}
        Les délais les plus proches d’abord.
      </p>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-2w" aria-label="Filtrer la boîte de réception">
        <div className="fr-input-group flux-filtre-recherche">
          <label className="fr-label" htmlFor="boite-q">
            Rechercher un logement
            <span className="fr-hint-text">Numéro RPLS, identifiant ou adresse</span>
          </label>
          <input
            className="fr-input"
            type="search"
            id="boite-q"
            name="q"
            value={choix.q}
            onChange={choisir('q')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <Select
          label="Délai de proposition"
          nativeSelectProps={{ id: 'boite-echeance', value: choix.echeance, onChange: choisir('echeance') }}
        >
          <option value="">Tous les délais</option>
          {Object.entries(ECHEANCES).map(([code, libelle]) => (
            <option key={code} value={code}>
              {libelle}
            </option>
          ))}
        </Select>
        <Select label="État" nativeSelectProps={{ id: 'boite-etat', value: choix.etat, onChange: choisir('etat') }}>
          <option value="">Tous les états</option>
          {(bailleur
            ? ['orientee', 'exclue', 'candidats', 'decision_cal']
            : ['orientee', 'candidats', 'decision_cal']
          ).map((code) => (
            <option key={code} value={code}>
              {ETATS_LOCATION[code]?.libelle ?? code}
            </option>
          ))}
        </Select>
        <Select
          label="Typologie"
          nativeSelectProps={{ id: 'boite-typologie', value: choix.typologie, onChange: choisir('typologie') }}
        >
          <option value="">Toutes</option>
          {TYPOLOGIES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
        {organisations.size > 1 ? (
          <Select
            label={bailleur ? 'Pour le compte de' : 'Bailleur'}
            nativeSelectProps={{
              id: 'boite-organisation',
              value: bailleur ? choix.reservataire : choix.bailleur,
              onChange: choisir(bailleur ? 'reservataire' : 'bailleur'),
            }}
          >
            <option value="">Tous</option>
            {[...organisations].map(([id, n]) => (
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
        <FiltreCommune code={requete.commune ?? ''} nom={nomCommune} choisir={(c) => changer({ commune: c })} />
        <EffacerFiltres actifs={actifs} effacer={() => changer(Object.fromEntries(FILTRES.map((k) => [k, ''])))} />
      </div>
      {isPending ? (
        <Chargement quoi="la boîte de réception" />
      ) : error || !data ? (
        <ErreurChargement erreur={error} quoi="la boîte de réception" reessayer={() => void refetch()} />
      ) : data.elements.length === 0 ? (
        <Vide>
          {actifs > 0
            ? 'Aucun logement de votre boîte ne correspond à ces critères.'
            : 'Aucun logement ne vous est orienté pour le moment.'}
        </Vide>
      ) : (
        <>
          <p role="status">
            {pluriel(data.total, 'logement')}
            {data.aProposer > 0 ? `, dont ${nombre(data.aProposer)} où proposer des candidats` : ''} — page{' '}
            {nombre(page)} sur {nombre(Math.max(1, Math.ceil(data.total / data.parPage)))} — délais comptés au{' '}
            {dateEnLettres(data.aujourdhui)} (heure de Paris){isFetching ? ' (mise à jour…)' : ''}
          </p>
          <div className="flux-actions-collantes">
            <Tableau
              id="tableau-boite"
              legende="Logements orientés et délais de proposition"
              colonnes={colonnes}
              lignes={data.elements}
              cle={(e) => e.locationId}
              compact
            />
          </div>
          <Pagination page={page} total={data.total} taille={data.parPage} />
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
