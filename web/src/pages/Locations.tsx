/**
 * The lettings (from a unit's liberation to its lease) the user may see, with their state; the
 * bailleur declares a vacancy here (a tenant's notice with the expected date, or a first letting;
 * out of the flow with a legal reason) and reads the engine's recommendation for it at once.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { declarerVacance, ErreurApi, lireLocations, type DeclarationVacance, type LocationApi } from '../api.ts';
import { CorrectionVacance, transitionsOffertes } from '../composants/CorrectionVacance.tsx';
import { EtatRequete, messageErreur, Vide } from '../composants/Etats.tsx';
import { PanneauRecommandation } from '../composants/Recommandation.tsx';
import { PiecesVacance } from '../composants/PiecesVacance.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { aujourdhuiParis, date, nombre, pluriel } from '../format.ts';
import { useNoms } from '../noms.ts';
import { ETATS_LOCATION, EXCLUSIONS, HORS_FLUX } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

const TAILLE = 50;

export function EtatLocation({ etat }: { etat: string }) {
  const e = ETATS_LOCATION[etat] ?? { libelle: etat };
  return (
    <Badge as="span" small {...(e.severite ? { severity: e.severite } : {})}>
      {e.libelle}
    </Badge>
  );
}

/** The bailleur's declaration of a vacancy; a unit in the flow opens its recommendation. */
function DeclarationDeVacance({ ouvrir }: { ouvrir: (id: string) => void }) {
  const id = useId();
  const client = useQueryClient();
  const [logementId, setLogementId] = useState('');
  const [nature, setNature] = useState<'preavis' | 'premiere'>('preavis');
  const [jour, setJour] = useState(aujourdhuiParis);
  const [depart, setDepart] = useState('');
  const [exclusion, setExclusion] = useState<DeclarationVacance['exclusion'] | ''>('');
  const [erreur, setErreur] = useState<string | null>(null);
  const declaration = useMutation({
    mutationFn: (corps: DeclarationVacance) => declarerVacance(corps),
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
    const logement = logementId.trim();
    if (!logement) {
      setErreur('Indiquez l’identifiant du logement libéré.');
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
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-mb-4w" noValidate>
      <h2 id={`${id}-titre`} className="fr-h4">
        Déclarer une vacance
      </h2>
      <fieldset className="fr-fieldset" aria-labelledby={`${id}-nature`}>
        <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-nature`}>
          Nature de la vacance
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
            <span className="fr-hint-text">Son identifiant dans votre patrimoine, par exemple HLD-000123</span>
          </label>
          <input
            className={`fr-input${erreur ? ' fr-input--error' : ''}`}
            id={`${id}-logement`}
            value={logementId}
            onChange={(e) => setLogementId(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            {...(erreur ? { 'aria-describedby': `${id}-logement-erreur`, 'aria-invalid': true } : {})}
          />
          {erreur ? (
            <p className="fr-error-text" id={`${id}-logement-erreur`}>
              {erreur}
            </p>
          ) : null}
        </div>
        <div className="fr-col-12 fr-col-md-4 fr-input-group">
          <label className="fr-label" htmlFor={`${id}-date`}>
            {nature === 'premiere' ? 'Date de mise en location' : 'Date du préavis'}
            <span className="fr-hint-text">Le jour où la vacance s’ouvre : il la place dans le flux de l’année</span>
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
              onChange: (e) => setExclusion(e.target.value as DeclarationVacance['exclusion'] | ''),
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
        Déclarer la vacance
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
              ? `Vacance du logement ${fait.logementId} déclarée hors du flux : ${EXCLUSIONS[fait.exclusion] ?? HORS_FLUX[fait.exclusion] ?? fait.exclusion}.`
              : `Vacance du logement ${fait.logementId} déclarée. Lisez la recommandation du moteur et décidez de l’orientation.`
          }
        />
      ) : null}
    </form>
  );
}

/** The lock of the vacancy's year (issue 7): « Année verrouillée (bilan émis) » or « Correction tardive ouverte jusqu’au … ». */
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
    queryKey: cles.locations.page({ page, etat, annee }),
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
    p.delete('pieces');
    if (id) p.set('vacance', id);
    else p.delete('vacance');
    setParametres(p);
  };
  // The late correction of one vacancy (bailleur, in a correction window of its year).
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
  // The photos and plans of one vacancy (bailleur): under its recommendation, or opened on their own.
  const piecesDe = bailleur ? (parametres.get('pieces') ?? vacance) : null;
  const ouvrirPieces = (id: string | null) => {
    const p = new URLSearchParams(parametres);
    p.delete('vacance');
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
    ...(session.role !== 'agent_bailleur'
      ? [{ titre: 'Bailleur', valeur: (l: LocationApi) => nom(l.bailleurId) }]
      : []),
    { titre: 'Commune (INSEE)', valeur: (l) => l.commune },
    { titre: 'Typologie', valeur: (l) => l.typologie },
    { titre: 'État', valeur: (l) => <EtatLocation etat={l.etat} /> },
    {
      titre: 'Année',
      valeur: (l) => (
        <>
          {l.annee}
          {l.verrouAnnee ? (
            <>
              {' '}
              <VerrouAnnee l={l} />
            </>
          ) : null}
          {bailleur && l.verrouAnnee?.etat === 'correction' && transitionsOffertes(l.etat).length > 0 ? (
            <div className="fr-mt-1v">
              <Button type="button" size="small" priority="secondary" onClick={() => corriger(l)}>
                Corriger<span className="fr-sr-only"> la vacance du logement {l.logementId}</span>
              </Button>
            </div>
          ) : null}
        </>
      ),
    },
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
    ...(bailleur
      ? [
          {
            titre: 'Photos et plans',
            valeur: (l: LocationApi) =>
              ['exclue', 'bail_signe', 'refus', 'sans_candidat'].includes(l.etat) ? null : (
                <Button type="button" size="small" priority="tertiary" onClick={() => ouvrirPieces(l.id)}>
                  Joindre<span className="fr-sr-only"> des photos ou plans au logement {l.logementId}</span>
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Page titre="Locations" titreDocument="Locations">
      <p className="fr-text--lead">
        Chaque logement libéré, de sa libération à la signature du bail ou à l’échec, et son orientation.
      </p>
      {session.role === 'agent_bailleur' ? <DeclarationDeVacance ouvrir={ouvrir} /> : null}
      {corrigee ? (
        <div ref={annonce} tabIndex={-1} className="fr-mb-3w">
          <Alert small severity="success" description={corrigee} closable onClose={() => setCorrigee(null)} />
        </div>
      ) : null}
      {aCorriger && bailleur ? (
        <CorrectionVacance
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
                  L’année {a} est verrouillée : son bilan annuel est émis, ses vacances ne changent plus. Pour en
                  corriger une, ouvrez une fenêtre de correction tardive (avec son motif) dans{' '}
                  <Link to={`/bilan?annee=${a}`}>« Bilan annuel » {a}</Link>, puis revenez ici : « Corriger » apparaîtra
                  sur chaque vacance de {a}.{' '}
                </span>
              ))}
            </>
          }
        />
      ) : null}
      {vacance && voirRecommandation ? (
        <PanneauRecommandation
          key={vacance}
          id={vacance}
          peutDecider={session.role === 'agent_bailleur'}
          fermer={() => ouvrir(null)}
        />
      ) : null}
      {piecesDe ? (
        <PiecesVacance
          key={`pieces-${piecesDe}`}
          locationId={piecesDe}
          logementId={logementDe(piecesDe)}
          {...(parametres.get('pieces') ? { fermer: () => ouvrirPieces(null) } : {})}
        />
      ) : null}
      <form onSubmit={filtrer} className="flux-filtres fr-mb-3w" aria-label="Filtrer les locations">
        <Select
          label="État"
          nativeSelectProps={{
            id: 'filtre-etat',
            name: 'etat',
            value: choixEtat,
            onChange: (e) => setChoixEtat(e.target.value),
          }}
        >
          <option value="">Tous les états</option>
          {Object.entries(ETATS_LOCATION).map(([code, e]) => (
            <option key={code} value={code}>
              {e.libelle}
            </option>
          ))}
        </Select>
        <Select
          label="Année"
          nativeSelectProps={{
            id: 'filtre-annee',
            name: 'annee',
            value: choixAnnee,
            onChange: (e) => setChoixAnnee(e.target.value),
          }}
        >
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
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la liste des locations">
        {(data) => (
          <>
            <p role="status" className="fr-mb-2w">
              {data.total === 0
                ? ''
                : `${pluriel(data.total, 'location')} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / TAILLE)))}${isFetching ? ' (mise à jour…)' : ''}`}
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
              <Tableau
                id="tableau-locations"
                legende={`Locations, page ${nombre(page)}`}
                colonnes={colonnes}
                lignes={data.locations}
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
