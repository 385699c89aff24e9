/**
 * The lettings (from a unit's liberation to its lease) the user may see, with their state; the
 * bailleur declares a letting here (a tenant's notice with the expected date, or a first letting;
 * out of the flow with a legal reason) and reads the engine's recommendation for it at once.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  declarerLocation,
  ErreurApi,
  lireAccueil,
  lireLocations,
  rechercherLogements,
  type DeclarationLocation,
  type LocationApi,
  type SuggestionLogementApi,
} from '../api.ts';
import { CorrectionLocation, transitionsOffertes } from '../composants/CorrectionLocation.tsx';
import { EtatRequete, messageErreur, Vide } from '../composants/Etats.tsx';
import { PanneauRecommandation } from '../composants/Recommandation.tsx';
import { PiecesLocation } from '../composants/PiecesLocation.tsx';
import {
  Commune,
  EffacerFiltres,
  FiltreCommune,
  NomLogement,
  PAR_PAGE,
  useDiffere,
  useFiltres,
} from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { aujourdhuiParis, date, nombre, pluriel } from '../format.ts';
import { useNoms } from '../noms.ts';
import { ETATS_LOCATION, EXCLUSIONS, HORS_FLUX, TYPOLOGIES } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

export function EtatLocation({ etat }: { etat: string }) {
  const e = ETATS_LOCATION[etat] ?? { libelle: etat };
  return (
    <Badge as="span" small {...(e.severite ? { severity: e.severite } : {})}>
      {e.libelle}
    </Badge>
  );
}

/** The bailleur's declaration of a letting; a unit in the flow opens its recommendation. */
function DeclarationDeLocation({ ouvrir }: { ouvrir: (id: string) => void }) {
  const id = useId();
  const client = useQueryClient();
  const [logementId, setLogementId] = useState('');
  const [nature, setNature] = useState<'preavis' | 'premiere'>('preavis');
  const [jour, setJour] = useState(aujourdhuiParis);
  const [depart, setDepart] = useState('');
  const [exclusion, setExclusion] = useState<DeclarationLocation['exclusion'] | ''>('');
  const [erreur, setErreur] = useState<string | null>(null);
  const declaration = useMutation({
    mutationFn: (corps: DeclarationLocation) => declarerLocation(corps),
    onSuccess: (l) => {
      void client.invalidateQueries({ queryKey: cles.locations.tout() });
      setLogementId('');
      setDepart('');
      setExclusion('');
      if (l.etat === 'orientee') ouvrir(l.id);
    },
  });
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    // A suggestion picked from the list reads « HLD-000123 — RPLS n° … »: the id is before the dash.
    const logement = logementId.split(' — ')[0]!.trim();
    if (!logement) {
      setErreur('Indiquez le logement libéré : son numéro RPLS, son identifiant ou son adresse.');
      return;
    }
    setErreur(null);
    declaration.mutate({
      logementId: logement,
      date: jour,
      ...(nature === 'preavis' && depart ? { dateDepart: depart } : {}),
      ...(nature === 'premiere' ? { premiereMiseEnLocation: true } : {}),
      ...(nature === 'preavis' && exclusion ? { exclusion } : {}),
    });
  };
  const fait = declaration.data;
  // Suggestions as the officer types: RPLS number, internal id or address (GET /api/logements/recherche).
  const differee = useDiffere(logementId.trim());
  const { data: suggestions } = useQuery({
    queryKey: cles.rechercheLogements(differee),
    queryFn: ({ signal }) => rechercherLogements(differee, signal),
    enabled: differee.length >= 2,
    staleTime: 30_000,
  });
  const trouves = suggestions?.logements ?? [];
  const libelleSuggestion = (l: SuggestionLogementApi) =>
    `${l.id} — RPLS n° ${l.rpls}${l.adresse ? ` — ${l.adresse}` : ''} — ${l.nomCommune} — ${l.typologie}${l.locationEnCours ? ' (location déjà en cours)' : ''}`;
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-mb-4w" noValidate>
      <h2 id={`${id}-titre`} className="fr-h4">
        Déclarer un préavis ou une livraison
      </h2>
      <fieldset className="fr-fieldset" aria-labelledby={`${id}-nature`}>
        <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-nature`}>
          Nature de la libération
        </legend>
        {(
          [
            ['preavis', 'Départ du locataire (préavis reçu)'],
            ['premiere', 'Première mise en location (programme neuf)'],
          ] as const
        ).map(([code, libelle]) => (
          <div key={code} className="fr-fieldset__element fr-fieldset__element--inline">
            <div className="fr-radio-group fr-radio-group--sm">
              <input
                type="radio"
                id={`${id}-${code}`}
                name={`${id}-nature`}
                checked={nature === code}
                onChange={() => setNature(code)}
              />
              <label className="fr-label" htmlFor={`${id}-${code}`}>
                {libelle}
              </label>
            </div>
          </div>
        ))}
      </fieldset>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className={`fr-col-12 fr-col-md-4 fr-input-group${erreur ? ' fr-input-group--error' : ''}`}>
          <label className="fr-label" htmlFor={`${id}-logement`}>
            Logement libéré
            <span className="fr-hint-text">
              Son numéro RPLS, son identifiant (par exemple HLD-000123) ou son adresse : choisissez-le dans la liste
            </span>
          </label>
          <input
            className={`fr-input${erreur ? ' fr-input--error' : ''}`}
            id={`${id}-logement`}
            value={logementId}
            onChange={(e) => setLogementId(e.target.value)}
            list={`${id}-suggestions`}
            autoComplete="off"
            spellCheck={false}
            {...(erreur ? { 'aria-describedby': `${id}-logement-erreur`, 'aria-invalid': true } : {})}
          />
          <datalist id={`${id}-suggestions`}>
            {trouves.map((l) => (
              <option key={l.id} value={libelleSuggestion(l)} />
            ))}
          </datalist>
          {erreur ? (
            <p className="fr-error-text" id={`${id}-logement-erreur`}>
              {erreur}
            </p>
          ) : null}
        </div>
        <div className="fr-col-12 fr-col-md-4 fr-input-group">
          <label className="fr-label" htmlFor={`${id}-date`}>
            {nature === 'premiere' ? 'Date de mise en location' : 'Date du préavis'}
            <span className="fr-hint-text">Le jour où la location s’ouvre : il la place dans le flux de l’année</span>
          </label>
          <input
            className="fr-input"
            type="date"
            id={`${id}-date`}
            value={jour}
            onChange={(e) => setJour(e.target.value)}
            required
          />
        </div>
        {nature === 'preavis' ? (
          <div className="fr-col-12 fr-col-md-4 fr-input-group">
            <label className="fr-label" htmlFor={`${id}-depart`}>
              Date de départ du locataire{' '}
              <span className="fr-hint-text">
                Facultatif, si elle est plus tardive : la CAL peut se tenir avant, le bail se signe à partir de ce jour
              </span>
            </label>
            <input
              className="fr-input"
              type="date"
              id={`${id}-depart`}
              value={depart}
              min={jour}
              onChange={(e) => setDepart(e.target.value)}
            />
          </div>
        ) : null}
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Hors du flux (motif légal)"
            hint="Seulement pour une libération qui ne compte pas dans le flux (CCH R.441-5)"
            disabled={nature === 'premiere'}
            nativeSelectProps={{
              id: `${id}-exclusion`,
              value: exclusion,
              // the options are the codes of EXCLUSIONS, the contract's list
              onChange: (e) => setExclusion(e.target.value as DeclarationLocation['exclusion'] | ''),
            }}
          >
            <option value="">Non : le logement entre dans le flux</option>
            {Object.entries(EXCLUSIONS).map(([code, libelle]) => (
              <option key={code} value={code}>
                {libelle}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Button type="submit" iconId="fr-icon-add-line" disabled={declaration.isPending}>
        Ouvrir la location
      </Button>
      {declaration.error ? (
        <p className="fr-error-text" role="alert">
          {declaration.error instanceof ErreurApi && declaration.error.problemes.length
            ? declaration.error.problemes.map((p) => p.message).join(' ; ')
            : messageErreur(declaration.error)}
        </p>
      ) : null}
      {fait ? (
        <Alert
          small
          severity="success"
          className="fr-mt-2w"
          description={
            fait.exclusion
              ? `Location du logement ${fait.logementId} ouverte hors du flux : ${EXCLUSIONS[fait.exclusion] ?? HORS_FLUX[fait.exclusion] ?? fait.exclusion}. Son numéro RPLS : ${fait.rpls}.`
              : `Location du logement ${fait.logementId} ouverte. Son numéro RPLS : ${fait.rpls}. Lisez la recommandation du moteur et décidez de l’orientation.`
          }
        />
      ) : null}
    </form>
  );
}

/** The lock of the letting's year (issue 7): « Année verrouillée (bilan émis) » or « Correction tardive ouverte jusqu’au … ». */
export function VerrouAnnee({ l }: { l: LocationApi }) {
  if (!l.verrouAnnee) return null;
  return l.verrouAnnee.etat === 'correction' ? (
    <Badge as="span" small severity="warning" noIcon>
      Correction tardive ouverte jusqu’au {date(l.verrouAnnee.fin ?? '')}
    </Badge>
  ) : (
    <Badge as="span" small noIcon>
      Année verrouillée (bilan émis)
    </Badge>
  );
}

/** The proposal deadline of an oriented letting: its date and the days left, never a negative count. */
export function Echeance({ echeance, etat }: { echeance: string | null; etat: string }) {
  if (!echeance || etat !== 'orientee') return <span className="flux-secondaire">—</span>;
  const j = Math.round(
    (Date.parse(`${echeance}T12:00:00Z`) - Date.parse(`${aujourdhuiParis()}T12:00:00Z`)) / 86_400_000,
  );
  return (
    <>
      {date(echeance)}
      <span className="flux-secondaire">
        {j < 0
          ? `dépassée depuis ${pluriel(-j, 'jour')}`
          : j === 0
            ? 'dernier jour'
            : `${pluriel(j, 'jour')} restant${j >= 2 ? 's' : ''}`}
      </span>
    </>
  );
}

const FILTRES = ['etat', 'echeance', 'annee', 'typologie', 'reservataire', 'bailleur', 'commune', 'q', 'tri'] as const;

export const ECHEANCES: Record<string, string> = {
  depassee: 'Délai dépassé',
  semaine: 'Dans les 7 jours',
  mois: 'Dans les 30 jours',
};

export function Locations() {
  const session = useSessionOuverte();
  const nom = useNoms();
  const { data: accueil } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
  });
  const [parametres, setParametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const { valeurs: f, changer, actifs } = useFiltres(FILTRES);
  const etat = f.etat in ETATS_LOCATION ? f.etat : undefined;
  const anneeParam = Number(f.annee);
  const annee = Number.isInteger(anneeParam) && anneeParam >= 2000 && anneeParam <= 2100 ? anneeParam : undefined;
  const requete = {
    page,
    parPage: PAR_PAGE,
    etat,
    annee,
    echeance: f.echeance in ECHEANCES ? f.echeance : undefined,
    typologie: TYPOLOGIES.includes(f.typologie) ? f.typologie : undefined,
    reservataire: f.reservataire || undefined,
    bailleur: f.bailleur || undefined,
    commune: /^\d[\dAB]\d{3}$/.test(f.commune) ? f.commune : undefined,
    q: f.q.trim() || undefined,
    tri: f.tri === 'recentes' ? 'recentes' : undefined,
  };
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.locations.page(requete),
    queryFn: ({ signal }) => lireLocations(requete, signal),
    placeholderData: keepPreviousData,
  });

  // The form's choices, applied together by « Filtrer » (the commune applies on its own).
  const [choix, setChoix] = useState(() => ({ ...f }));
  useEffect(() => setChoix({ ...f }), [parametres]); // the form follows the address (links, « Précédent »)
  const choisir = (k: (typeof FILTRES)[number]) => (e: { target: { value: string } }) =>
    setChoix((c) => ({ ...c, [k]: e.target.value }));
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    changer({ ...choix, commune: f.commune });
  };
  // The recommendation panel of one letting (bailleur and State pilot), kept in the address.
  const ouverte = parametres.get('location');
  const voirRecommandation = session.role === 'agent_bailleur' || session.role === 'pilote_etat';
  const ouvrir = (id: string | null) => {
    const p = new URLSearchParams(parametres);
    p.delete('pieces');
    if (id) p.set('location', id);
    else p.delete('location');
    setParametres(p);
  };
  // The late correction of one letting (bailleur, in a correction window of its year).
  const [aCorriger, setACorriger] = useState<LocationApi | null>(null);
  const [corrigee, setCorrigee] = useState<string | null>(null);
  const annonce = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (corrigee) annonce.current?.focus();
  }, [corrigee]);
  const corriger = (l: LocationApi) => {
    setCorrigee(null);
    setACorriger(l);
  };
  const bailleur = session.role === 'agent_bailleur';
  // The photos and plans of one letting (bailleur): under its recommendation, or opened on their own.
  const piecesDe = bailleur ? (parametres.get('pieces') ?? ouverte) : null;
  const ouvrirPieces = (id: string | null) => {
    const p = new URLSearchParams(parametres);
    p.delete('location');
    if (id) p.set('pieces', id);
    else p.delete('pieces');
    setParametres(p);
  };
  const logementDe = (id: string) => data?.locations.find((l) => l.id === id)?.logementId;
  // The listed years locked without a window: the way out is « Bilan annuel ».
  const verrouillees = [
    ...new Set((data?.locations ?? []).filter((l) => l.verrouAnnee?.etat === 'verrouillee').map((l) => l.annee)),
  ].sort();
  const courante = new Date().getFullYear();
  const annees = Array.from({ length: 6 }, (_, i) => courante + 1 - i);
  // The réservataires and bailleurs of the user's ledger lines, by name.
  const reservataires = new Map<string, string>();
  const bailleurs = new Map<string, string>();
  for (const l of accueil?.conventions ?? []) {
    reservataires.set(l.reservataire.id, l.reservataire.nom);
    bailleurs.set(l.bailleur.id, l.bailleur.nom);
  }
  const nomCommune = data?.locations.find((l) => l.commune === requete.commune)?.nomCommune;

  const orientation = (l: LocationApi) => {
    if (l.exclusion) return `Exclue : ${EXCLUSIONS[l.exclusion] ?? l.exclusion}`;
    if (l.pool && l.pool.length > 0) {
      // Names this person may read; the others are counted, never shown by their identifiers.
      const connus = l.pool.filter((r) => nom(r) !== r).map((r) => nom(r));
      const autres = l.pool.length - connus.length;
      return `Plusieurs réservataires : ${[...connus, ...(autres ? [`${autres} autre${autres > 1 ? 's' : ''} réservataire${autres > 1 ? 's' : ''}`] : [])].join(', ')}`;
    }
    const nomLisible = (id: string) => (nom(id) !== id ? nom(id) : 'un autre réservataire');
    if (l.reservataireId) return nomLisible(l.reservataireId);
    if (l.ligne === 'BAILLEUR') return 'Part propre du bailleur';
    if (l.ligne) return nomLisible(l.ligne);
    return <span className="flux-secondaire">à orienter</span>;
  };

  const colonnes: Colonne<LocationApi>[] = [
    {
      titre: 'Logement',
      valeur: (l) => <NomLogement id={l.logementId} rpls={l.rpls} adresse={l.adresse} vers={`/locations/${l.id}`} />,
      entete: true,
    },
    ...(session.role !== 'agent_bailleur'
      ? [{ titre: 'Bailleur', valeur: (l: LocationApi) => nom(l.bailleurId) }]
      : []),
    { titre: 'Commune', valeur: (l) => <Commune nom={l.nomCommune} code={l.commune} /> },
    { titre: 'Typologie', valeur: (l) => l.typologie },
    {
      titre: 'Libération',
      valeur: (l) => (
        <>
          {date(l.dateLiberation)}
          {l.verrouAnnee ? (
            <span className="flux-bloc">
              <VerrouAnnee l={l} />
            </span>
          ) : null}
        </>
      ),
    },
    { titre: 'État', valeur: (l) => <EtatLocation etat={l.etat} /> },
    { titre: 'Délai de proposition', valeur: (l) => <Echeance echeance={l.echeance} etat={l.etat} /> },
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
    {
      titre: 'Actions',
      valeur: (l: LocationApi) => (
        <ul className="flux-actions">
          <li>
            <Link to={`/locations/${l.id}`} className="fr-link fr-text--sm">
              Ouvrir<span className="fr-sr-only"> la location du logement {l.logementId}</span>
            </Link>
          </li>
          {voirRecommandation && l.etat === 'orientee' ? (
            <li>
              <Button type="button" size="small" priority="secondary" onClick={() => ouvrir(l.id)}>
                Voir<span className="fr-sr-only"> la recommandation pour le logement {l.logementId}</span>
              </Button>
            </li>
          ) : null}
          {bailleur && !['bail_signe', 'refus', 'sans_candidat'].includes(l.etat) ? (
            <li>
              <Button type="button" size="small" priority="tertiary" onClick={() => ouvrirPieces(l.id)}>
                Joindre<span className="fr-sr-only"> des photos ou plans au logement {l.logementId}</span>
              </Button>
            </li>
          ) : null}
          {bailleur && l.verrouAnnee?.etat === 'correction' && transitionsOffertes(l.etat).length > 0 ? (
            <li>
              <Button type="button" size="small" priority="secondary" onClick={() => corriger(l)}>
                Corriger<span className="fr-sr-only"> la location du logement {l.logementId}</span>
              </Button>
            </li>
          ) : null}
        </ul>
      ),
    },
  ];

  return (
    <Page titre="Locations" titreDocument="Locations">
      <p className="fr-text--lead">
        Chaque logement libéré, de sa libération à la signature du bail ou à l’échec, et son orientation : les plus
        urgents d’abord.
      </p>
      {session.role === 'agent_bailleur' ? <DeclarationDeLocation ouvrir={ouvrir} /> : null}
      {corrigee ? (
        <div ref={annonce} tabIndex={-1} className="fr-mb-3w">
          <Alert small severity="success" description={corrigee} closable onClose={() => setCorrigee(null)} />
        </div>
      ) : null}
      {aCorriger && bailleur ? (
        <CorrectionLocation
          key={`${aCorriger.id}|${aCorriger.version}`}
          l={aCorriger}
          fermer={() => setACorriger(null)}
          reussi={(message) => {
            setACorriger(null);
            setCorrigee(message);
          }}
        />
      ) : null}
      {bailleur && verrouillees.length > 0 ? (
        <Alert
          small
          severity="info"
          className="fr-mb-3w"
          description={
            <>
              {verrouillees.map((a) => (
                <span key={a} className="fr-mb-0 fr-text--sm">
                  L’année {a} est verrouillée : son bilan annuel est émis, ses locations ne changent plus. Pour en
                  corriger une, ouvrez une fenêtre de correction tardive (avec son motif) dans{' '}
                  <Link to={`/bilan?annee=${a}`}>« Bilan annuel » {a}</Link>, puis revenez ici : « Corriger » apparaîtra
                  sur chaque location de {a}.{' '}
                </span>
              ))}
            </>
          }
        />
      ) : null}
      {ouverte && voirRecommandation ? (
        <PanneauRecommandation
          key={ouverte}
          id={ouverte}
          peutDecider={session.role === 'agent_bailleur'}
          fermer={() => ouvrir(null)}
        />
      ) : null}
      {piecesDe ? (
        <PiecesLocation
          key={`pieces-${piecesDe}`}
          locationId={piecesDe}
          logementId={logementDe(piecesDe)}
          {...(parametres.get('pieces') ? { fermer: () => ouvrirPieces(null) } : {})}
        />
      ) : null}
      <h2 className="fr-h5 fr-mb-1w">Trouver une location</h2>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-2w" aria-label="Filtrer les locations">
        <div className="fr-input-group flux-filtre-recherche">
          <label className="fr-label" htmlFor="filtre-q">
            Rechercher un logement
            <span className="fr-hint-text">Numéro RPLS, identifiant ou adresse</span>
          </label>
          <input
            className="fr-input"
            type="search"
            id="filtre-q"
            name="q"
            value={choix.q}
            onChange={choisir('q')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <Select
          label="État"
          nativeSelectProps={{ id: 'filtre-etat', name: 'etat', value: choix.etat, onChange: choisir('etat') }}
        >
          <option value="">Tous les états</option>
          {Object.entries(ETATS_LOCATION).map(([code, e]) => (
            <option key={code} value={code}>
              {e.libelle}
            </option>
          ))}
        </Select>
        <Select
          label="Délai de proposition"
          nativeSelectProps={{
            id: 'filtre-echeance',
            name: 'echeance',
            value: choix.echeance,
            onChange: choisir('echeance'),
          }}
        >
          <option value="">Tous les délais</option>
          {Object.entries(ECHEANCES).map(([code, libelle]) => (
            <option key={code} value={code}>
              {libelle}
            </option>
          ))}
        </Select>
        <Select
          label="Typologie"
          nativeSelectProps={{
            id: 'filtre-typologie',
            name: 'typologie',
            value: choix.typologie,
            onChange: choisir('typologie'),
          }}
        >
          <option value="">Toutes</option>
          {TYPOLOGIES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </Select>
        {session.role !== 'agent_reservataire' && reservataires.size > 0 ? (
          <Select
            label="Réservataire"
            nativeSelectProps={{
              id: 'filtre-reservataire',
              name: 'reservataire',
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
        {session.role !== 'agent_bailleur' && bailleurs.size > 0 ? (
          <Select
            label="Bailleur"
            nativeSelectProps={{
              id: 'filtre-bailleur',
              name: 'bailleur',
              value: choix.bailleur,
              onChange: choisir('bailleur'),
            }}
          >
            <option value="">Tous</option>
            {[...bailleurs].map(([id, n]) => (
              <option key={id} value={id}>
                {n}
              </option>
            ))}
          </Select>
        ) : null}
        <Select
          label="Année"
          nativeSelectProps={{ id: 'filtre-annee', name: 'annee', value: choix.annee, onChange: choisir('annee') }}
        >
          <option value="">Toutes les années</option>
          {annees.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        <Select
          label="Ordre"
          nativeSelectProps={{ id: 'filtre-tri', name: 'tri', value: choix.tri, onChange: choisir('tri') }}
        >
          <option value="">Les plus urgentes d’abord</option>
          <option value="recentes">Les plus récentes d’abord</option>
        </Select>
        <Button type="submit" iconId="fr-icon-filter-line" priority="secondary">
          Filtrer
        </Button>
      </form>
      <div className="flux-filtres fr-mb-3w">
        <FiltreCommune code={requete.commune ?? ''} nom={nomCommune} choisir={(c) => changer({ commune: c })} />
        <EffacerFiltres actifs={actifs} effacer={() => changer(Object.fromEntries(FILTRES.map((k) => [k, ''])))} />
      </div>
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la liste des locations">
        {(data) => (
          <>
            <p role="status" className="fr-mb-2w">
              {data.total === 0
                ? ''
                : `${pluriel(data.total, 'location')} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / data.parPage)))}${isFetching ? ' (mise à jour…)' : ''}`}
            </p>
            {data.locations.length === 0 ? (
              <Vide>
                {actifs > 0
                  ? 'Aucune location ne correspond à ces critères.'
                  : session.role === 'agent_reservataire'
                    ? 'Aucun logement ne vous a encore été orienté.'
                    : 'Aucune libération de logement n’est encore enregistrée.'}
              </Vide>
            ) : (
              <div className="flux-actions-collantes">
                <Tableau
                  id="tableau-locations"
                  legende={`Locations, page ${nombre(page)}`}
                  colonnes={colonnes}
                  lignes={data.locations}
                  cle={(l) => l.id}
                  compact
                />
              </div>
            )}
            <Pagination page={page} total={data.total} taille={data.parPage} />
          </>
        )}
      </EtatRequete>
    </Page>
  );
}
