/**
 * « CAL » (issue 6 item 4): the bailleur's CAL sessions (GET /api/cal/sessions) and one session's
 * screen (GET /api/cal/sessions/:id): the units it examines with their ranked candidates, the
 * recording of one of the five decisions with its reasons and the CAL's ranking, the offers with
 * their 10-day deadline (answer, silence = refusal, lease) and what follows a failure; the minutes
 * as a PDF. The State pilot reads the sessions of its département.
 *
 * Nothing gets stuck (issue 12 item 4): a unit is withdrawn from a session before its decision, a
 * session that decided nothing is cancelled with a reason; the answer to an offer and the lease are
 * dated by the officer (today by default, never in the future, never before what they follow, a lease
 * never before the tenant's departure) and confirmed in a modal that says what follows.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  ErreurApi,
  adresseProcesVerbal,
  annulerSessionCal,
  creerSessionCal,
  deciderExamen,
  expirerOffres,
  inscrireExamen,
  lireAExaminer,
  lireSessionCal,
  lireSessionsCal,
  repondreOffre,
  retirerExamen,
  signerBailOffre,
  type ExamenCalApi,
  type OffreCalApi,
  type SessionCalApi,
  type SessionCalDetailApi,
} from '../api.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { Chargement, ErreurChargement, messageErreur as messageBrut, Vide } from '../composants/Etats.tsx';
import { EffacerFiltres, PAR_PAGE, useFiltres } from '../composants/Listes.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { libelleMenage, Priorites } from '../composants/Priorites.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { aujourdhuiParis, date, dateEnLettres, nombre, pluriel } from '../format.ts';
import { ETATS_LOCATION } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

const DECISIONS = [
  { code: 'attribution', libelle: 'Attribution', aide: 'un candidat, rang 1' },
  {
    code: 'attribution_rang',
    libelle: 'Attribution avec classement',
    aide: 'jusqu’à trois candidats classés : en cas de refus, le suivant',
  },
  {
    code: 'attribution_condition_suspensive',
    libelle: 'Attribution sous condition suspensive',
    aide: 'motif : la pièce attendue',
  },
  { code: 'non_attribution', libelle: 'Non-attribution', aide: 'motif obligatoire' },
  { code: 'irrecevabilite', libelle: 'Rejet pour irrecevabilité', aide: 'motif obligatoire' },
] as const;
type Decision = (typeof DECISIONS)[number]['code'];

const REPONSES: Record<string, string> = {
  acceptee: 'Acceptée',
  refusee: 'Refusée',
  silence: 'Sans réponse (vaut refus)',
};

/** What went wrong, as officers read it: the sentences, without the field each one is about. */
function messageErreur(erreur: unknown): string {
  if (erreur instanceof ErreurApi && erreur.problemes.length) return erreur.problemes.map((p) => p.message).join(' ; ');
  return messageBrut(erreur);
}

/** The state filter of the sessions list (the server's `etat`), in words. */
const ETATS_SEANCE: Record<string, string> = {
  a_venir: 'À venir (dès aujourd’hui)',
  tenue: 'Tenues',
  annulee: 'Annulées',
};
const FILTRES_SEANCES = ['etat', 'du', 'au'] as const;
const estDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

export function Cal() {
  const session = useSessionOuverte();
  const bailleur = session.role === 'agent_bailleur';
  const [parametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const { valeurs: f, changer, actifs } = useFiltres(FILTRES_SEANCES);
  const requete = {
    page,
    parPage: PAR_PAGE,
    etat: f.etat in ETATS_SEANCE ? f.etat : undefined,
    du: estDate(f.du) ? f.du : undefined,
    au: estDate(f.au) ? f.au : undefined,
  };
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.cal.page(requete),
    queryFn: ({ signal }) => lireSessionsCal(requete, signal),
    placeholderData: keepPreviousData,
  });
  // The form's choices, applied together by « Filtrer »; the form follows the address.
  const [choix, setChoix] = useState(() => ({ ...f }));
  useEffect(() => setChoix({ ...f }), [parametres]);
  const choisir = (k: (typeof FILTRES_SEANCES)[number]) => (e: { target: { value: string } }) =>
    setChoix((c) => ({ ...c, [k]: e.target.value }));
  const filtrer = (e: FormEvent) => {
    e.preventDefault();
    changer(choix);
  };
  const colonnes: Colonne<SessionCalApi>[] = [
    {
      titre: 'Séance',
      entete: true,
      valeur: (s) => (
        <Link
          to={`/cal/${encodeURIComponent(s.id)}`}
          aria-label={`Séance du ${dateEnLettres(s.date)}${bailleur ? '' : ` — ${s.bailleur}`}`}
        >
          {dateEnLettres(s.date)}
        </Link>
      ),
    },
    ...(bailleur ? [] : [{ titre: 'Bailleur', valeur: (s: SessionCalApi) => s.bailleur }]),
    { titre: 'Lieu', valeur: (s) => s.lieu ?? '—' },
    { titre: 'Logements examinés', valeur: (s) => s.examens, nombre: true },
    { titre: 'Décisions', valeur: (s) => s.decides, nombre: true },
    {
      titre: 'État',
      valeur: (s) =>
        s.annulation ? (
          <Badge as="span" small severity="error">
            Annulée
          </Badge>
        ) : s.date > aujourdhuiParis() ? (
          <Badge as="span" small severity="info">
            À venir
          </Badge>
        ) : s.examens > s.decides ? (
          <Badge as="span" small severity="warning">
            Décisions à enregistrer
          </Badge>
        ) : (
          <Badge as="span" small severity="success">
            Tenue
          </Badge>
        ),
    },
  ];
  return (
    <Page titre="Commission d’attribution (CAL)" titreDocument="CAL">
      <p className="fr-text--lead">
        Les séances de la commission d’attribution : les logements examinés, leurs candidats classés, la décision prise
        pour chacun (CCH R.441-3), puis la réponse du candidat, le bail ou la suite donnée à un échec.
      </p>
      {bailleur ? <NouvelleSession departement={session.organisation.departement ?? ''} /> : null}
      <h2 className="fr-h4 fr-mt-4w">Séances</h2>
      <form onSubmit={filtrer} className="flux-filtres fr-mb-2w" aria-label="Filtrer les séances">
        <Select
          label="État"
          nativeSelectProps={{ id: 'filtre-seance-etat', name: 'etat', value: choix.etat, onChange: choisir('etat') }}
        >
          <option value="">Toutes les séances</option>
          {Object.entries(ETATS_SEANCE).map(([code, libelle]) => (
            <option key={code} value={code}>
              {libelle}
            </option>
          ))}
        </Select>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor="filtre-seance-du">
            Du
          </label>
          <input
            className="fr-input"
            type="date"
            id="filtre-seance-du"
            name="du"
            value={choix.du}
            onChange={choisir('du')}
          />
        </div>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor="filtre-seance-au">
            Au
          </label>
          <input
            className="fr-input"
            type="date"
            id="filtre-seance-au"
            name="au"
            value={choix.au}
            onChange={choisir('au')}
          />
        </div>
        <Button type="submit" iconId="fr-icon-filter-line" priority="secondary">
          Filtrer
        </Button>
        <EffacerFiltres
          actifs={actifs}
          effacer={() => changer(Object.fromEntries(FILTRES_SEANCES.map((k) => [k, ''])))}
        />
      </form>
      {isPending ? (
        <Chargement quoi="les séances" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="les séances" reessayer={() => void refetch()} />
      ) : (
        <>
          <p role="status" className="fr-mb-2w">
            {data.total === 0
              ? ''
              : `${pluriel(data.total, 'séance')} — page ${nombre(page)} sur ${nombre(Math.max(1, Math.ceil(data.total / data.parPage)))}${isFetching ? ' (mise à jour…)' : ''}`}
          </p>
          {data.sessions.length === 0 ? (
            <Vide>{actifs > 0 ? 'Aucune séance ne correspond à ces critères.' : 'Aucune séance pour l’instant.'}</Vide>
          ) : (
            <Tableau
              id="tableau-sessions-cal"
              legende={`Séances de la CAL, page ${nombre(page)}`}
              colonnes={colonnes}
              lignes={data.sessions}
              cle={(s) => s.id}
              bordure
            />
          )}
          <Pagination page={page} total={data.total} taille={data.parPage} />
        </>
      )}
    </Page>
  );
}

function NouvelleSession({ departement }: { departement: string }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const id = useId();
  const [jour, setJour] = useState(aujourdhuiParis());
  const [lieu, setLieu] = useState('');
  const creation = useMutation({
    mutationFn: () => creerSessionCal({ date: jour, departement, ...(lieu ? { lieu } : {}) }),
    onSuccess: (s) => {
      void client.invalidateQueries({ queryKey: cles.cal.tout() });
      void navigate(`/cal/${encodeURIComponent(s.id)}`);
    },
  });
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    creation.mutate();
  };
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-mb-4w">
      <h2 id={`${id}-titre`} className="fr-h4">
        Nouvelle séance
      </h2>
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <label className="fr-label" htmlFor={`${id}-date`}>
            Date de la séance
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
        <div className="fr-col-12 fr-col-md-5 fr-input-group">
          <label className="fr-label" htmlFor={`${id}-lieu`}>
            Lieu <span className="fr-hint-text">Facultatif</span>
          </label>
          <input
            className="fr-input"
            id={`${id}-lieu`}
            value={lieu}
            onChange={(e) => setLieu(e.target.value)}
            maxLength={200}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4 fr-input-group">
          <Button type="submit" disabled={creation.isPending}>
            Créer la séance
          </Button>
        </div>
      </div>
      {creation.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(creation.error)}
        </p>
      ) : null}
    </form>
  );
}

export function CalSeance() {
  const { id = '' } = useParams();
  const session = useSessionOuverte();
  const bailleur = session.role === 'agent_bailleur';
  const client = useQueryClient();
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.cal.session(id),
    queryFn: ({ signal }) => lireSessionCal(id, signal),
  });
  const maj = (s: SessionCalDetailApi) => {
    client.setQueryData(cles.cal.session(id), s);
    void client.invalidateQueries({ queryKey: cles.cal.sessions() });
    void client.invalidateQueries({ queryKey: cles.cal.aExaminer() });
  };
  const expiration = useMutation({ mutationFn: expirerOffres, onSuccess: () => void refetch() });
  const titre = data ? `Séance de CAL du ${dateEnLettres(data.date)}` : 'Séance de CAL';
  return (
    <Page titre={titre} titreDocument={titre}>
      <p>
        <Link to="/cal" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Toutes les séances
        </Link>
      </p>
      {isPending ? (
        <Chargement quoi="la séance" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="la séance" reessayer={() => void refetch()} />
      ) : (
        <>
          <p className="fr-text--lead">
            {data.bailleur} — département {data.departement}
            {data.lieu ? ` — ${data.lieu}` : ''} : {pluriel(data.examens, 'logement examiné', 'logements examinés')},{' '}
            {pluriel(data.decides, 'décision', 'décisions')}.
          </p>
          <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <a
                className="fr-btn fr-btn--secondary fr-icon-download-line"
                href={adresseProcesVerbal(data.id)}
                download
              >
                Télécharger le procès-verbal (PDF)
              </a>
            </li>
            {bailleur ? (
              <li>
                <Button
                  priority="tertiary"
                  iconId="fr-icon-time-line"
                  onClick={() => expiration.mutate()}
                  disabled={expiration.isPending}
                >
                  Constater les offres sans réponse après 10 jours
                </Button>
              </li>
            ) : null}
          </ul>
          {expiration.data ? (
            <p role="status">
              {expiration.data.expirees === 0
                ? 'Aucune offre expirée.'
                : `${pluriel(expiration.data.expirees, 'offre expirée', 'offres expirées')} : le silence vaut refus.`}
            </p>
          ) : null}
          {data.annulation ? (
            <Alert
              severity="warning"
              title={`Séance annulée le ${date(data.annulation.le.slice(0, 10))}`}
              description={`Motif : ${data.annulation.motif}. Ses logements sont revenus « à examiner » : inscrivez-les à une autre séance.`}
              className="fr-mb-4w"
            />
          ) : null}
          {bailleur && !data.annulation && data.date > aujourdhuiParis() ? (
            <p className="fr-text--sm">
              La séance n’a pas encore eu lieu : ses décisions s’enregistrent à partir du {date(data.date)}.
            </p>
          ) : null}
          {bailleur && !data.annulation ? <Inscription session={data} surMaj={maj} /> : null}
          {bailleur && !data.annulation && data.decides === 0 ? <AnnulationSeance session={data} surMaj={maj} /> : null}
          {data.liste.length === 0 ? <Vide>Aucun logement inscrit à cette séance.</Vide> : null}
          {data.liste.map((e) => (
            <Examen key={e.id} session={data} examen={e} bailleur={bailleur} surMaj={maj} />
          ))}
        </>
      )}
    </Page>
  );
}

function Inscription({ session, surMaj }: { session: SessionCalDetailApi; surMaj: (s: SessionCalDetailApi) => void }) {
  const id = useId();
  const { data } = useQuery({ queryKey: cles.cal.aExaminer(), queryFn: ({ signal }) => lireAExaminer(signal) });
  const [locationId, setLocationId] = useState('');
  const [motif, setMotif] = useState('');
  const possibles = (data ?? []).filter((a) => a.departement === session.departement);
  const choisie = possibles.find((a) => a.locationId === locationId);
  const inscription = useMutation({
    mutationFn: () => inscrireExamen(session.id, { locationId, ...(motif ? { motifMoinsDeTrois: motif } : {}) }),
    onSuccess: (s) => {
      surMaj(s);
      setLocationId('');
      setMotif('');
    },
  });
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    inscription.mutate();
  };
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-my-4w">
      <h2 id={`${id}-titre`} className="fr-h4">
        Inscrire un logement
      </h2>
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-6 fr-select-group">
          <label className="fr-label" htmlFor={`${id}-location`}>
            Logement dont les candidats sont proposés
          </label>
          <select
            className="fr-select"
            id={`${id}-location`}
            value={locationId}
            onChange={(e) => setLocationId(e.target.value)}
            required
          >
            <option value="">— Choisir —</option>
            {possibles.map((a) => (
              <option key={a.locationId} value={a.locationId}>
                {`${a.logementId} — ${a.typologie}, ${a.commune}${a.qpv ? ', QPV' : ''} — ${pluriel(a.candidats, 'candidat')}${a.dalo ? ' (DALO)' : ''}`}
              </option>
            ))}
          </select>
        </div>
        {choisie && choisie.candidats < 3 && !choisie.dalo ? (
          <div className="fr-col-12 fr-col-md-6 fr-input-group">
            <label className="fr-label" htmlFor={`${id}-motif`}>
              Pourquoi moins de trois candidatures
              <span className="fr-hint-text">
                La CAL en examine trois au moins, sauf désignation DALO (CCH R.441-3).
              </span>
            </label>
            <input
              className="fr-input"
              id={`${id}-motif`}
              value={motif}
              onChange={(e) => setMotif(e.target.value)}
              required
              minLength={3}
            />
          </div>
        ) : null}
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <Button type="submit" disabled={inscription.isPending || !locationId}>
            Inscrire
          </Button>
        </div>
      </div>
      {inscription.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(inscription.error)}
        </p>
      ) : null}
    </form>
  );
}

function Examen({
  session,
  examen: e,
  bailleur,
  surMaj,
}: {
  session: SessionCalDetailApi;
  examen: ExamenCalApi;
  bailleur: boolean;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const rangCal = (c: string) => {
    const i = e.decision?.classement.indexOf(c) ?? -1;
    return i >= 0 ? `rang ${i + 1}` : '—';
  };
  const etat = ETATS_LOCATION[e.etat];
  const colonnes: Colonne<ExamenCalApi['candidats'][number]>[] = [
    { titre: 'N° unique (SNE)', entete: true, valeur: (c) => c.numeroSne },
    { titre: 'Ordre de proposition', valeur: (c) => c.rang, nombre: true },
    { titre: 'Ménage', valeur: (c) => libelleMenage(c) },
    { titre: 'Situation', valeur: (c) => <Priorites c={c} /> },
    { titre: 'Premier quartile', valeur: (c) => c.libelleQuartile1 },
    {
      titre: 'Cotation (aide, la CAL décide)',
      valeur: (c) =>
        c.cotation ? (
          <details>
            <summary>
              {c.cotation.note} pts · {c.cotation.rangCandidats === 1 ? '1er' : `${c.cotation.rangCandidats}e`} des{' '}
              {c.cotation.candidats} candidats notés
            </summary>
            <ul className="fr-text--sm fr-mb-0">
              {c.cotation.detail.map((l) => (
                <li key={l.critere}>
                  {l.critere} : {l.points > 0 ? '+' : ''}
                  {l.points}
                </li>
              ))}
              <li>
                {c.cotation.rang === 1 ? '1re' : `${c.cotation.rang}e`} des {c.cotation.sur} demandes semblables
              </li>
            </ul>
          </details>
        ) : (
          'Non notée'
        ),
    },
    { titre: 'Classement de la CAL', valeur: (c) => rangCal(c.id) },
  ];
  return (
    <section className="fr-mt-6w" aria-labelledby={`examen-${e.id}`}>
      <h2 id={`examen-${e.id}`} className="fr-h4">
        {`${e.ordre}. Logement ${e.logementId} — ${e.typologie} ${e.financement}, ${e.nomCommune ?? e.commune}${e.qpv ? ` (QPV ${e.qpv})` : ''}`}{' '}
        {etat ? (
          <Badge as="span" small severity={etat.severite ?? 'info'}>
            {etat.libelle}
          </Badge>
        ) : null}
      </h2>
      <p className="fr-text--sm fr-mb-1w">
        Préavis reçu le {date(e.dateLiberation)}
        {e.dateDepart ? ` — départ du locataire le ${date(e.dateDepart)} : le bail se signe à partir de ce jour` : ''}.
      </p>
      {e.motifMoinsDeTrois ? <p className="fr-text--sm">Moins de trois candidatures : {e.motifMoinsDeTrois}</p> : null}
      <Tableau
        legende={`Candidats examinés pour le logement ${e.logementId}`}
        colonnes={colonnes}
        lignes={e.candidats}
        cle={(c) => c.id}
        compact
        bordure
      />
      {e.decision ? (
        <div>
          <p>
            <strong>Décision : {e.decision.libelle}</strong> (le {date(e.decision.date)})
            {e.decision.motif ? ` — motif : ${e.decision.motif}` : ''}
          </p>
          {e.decision.motifEcartCotation ? (
            <p className="fr-text--sm">
              Classement différent de l’ordre de la cotation : {e.decision.motifEcartCotation}
            </p>
          ) : null}
          {e.offres.length ? <Offres examen={e} bailleur={bailleur} surMaj={surMaj} /> : null}
          {e.libelleSuite ? (
            <Alert
              small
              severity={e.suite === 'bail' ? 'success' : 'info'}
              description={`Suite : ${e.libelleSuite}.`}
              className="fr-mt-2w"
            />
          ) : null}
        </div>
      ) : bailleur && !session.annulation ? (
        <>
          <FormulaireDecision session={session} examen={e} surMaj={surMaj} />
          <Retrait session={session} examen={e} surMaj={surMaj} />
        </>
      ) : (
        <p>Décision non encore enregistrée.</p>
      )}
    </section>
  );
}

function FormulaireDecision({
  session,
  examen: e,
  surMaj,
}: {
  session: SessionCalDetailApi;
  examen: ExamenCalApi;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const id = useId();
  const [decision, setDecision] = useState<Decision | ''>('');
  const [motif, setMotif] = useState('');
  const [rangs, setRangs] = useState<Record<string, string>>({});
  const [motifEcart, setMotifEcart] = useState('');
  const negative = decision === 'non_attribution' || decision === 'irrecevabilite';
  const classement = Object.entries(rangs)
    .filter(([, r]) => r !== '')
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map(([c]) => c);
  // The same rule as the server's (src/domain/cotation.ts `contreOrdreCotation`): says when a reason is asked.
  const note = (c: string) => e.candidats.find((x) => x.id === c)?.cotation?.note;
  const contreOrdre =
    !negative &&
    classement.some((c, k) => {
      const n = note(c);
      return (
        n !== undefined &&
        e.candidats.some(
          (x) => x.id !== c && !classement.slice(0, k).includes(x.id) && (x.cotation?.note ?? -Infinity) > n,
        )
      );
    });
  const envoi = useMutation({
    mutationFn: () =>
      deciderExamen(session.id, {
        locationId: e.locationId,
        version: e.version,
        decision: decision as Decision,
        classement: negative ? [] : classement,
        ...(motif ? { motif } : {}),
        ...(contreOrdre && motifEcart ? { motifEcartCotation: motifEcart } : {}),
      }),
    onSuccess: surMaj,
  });
  const envoyer = (ev: FormEvent) => {
    ev.preventDefault();
    envoi.mutate();
  };
  return (
    <form onSubmit={envoyer} aria-labelledby={`${id}-titre`} className="fr-mt-2w">
      <h3 id={`${id}-titre`} className="fr-h6">
        Décision de la CAL pour le logement {e.logementId}
      </h3>
      <p className="fr-text--sm">La décision est datée du jour de la séance, le {date(session.date)}.</p>
      <fieldset className="fr-fieldset" aria-labelledby={`${id}-legende`}>
        <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-legende`}>
          Décision (CCH R.441-3)
        </legend>
        {DECISIONS.map((d) => (
          <div key={d.code} className="fr-fieldset__element">
            <div className="fr-radio-group">
              <input
                type="radio"
                id={`${id}-${d.code}`}
                name={`${id}-decision`}
                value={d.code}
                checked={decision === d.code}
                onChange={() => setDecision(d.code)}
                required
              />
              <label className="fr-label" htmlFor={`${id}-${d.code}`}>
                {d.libelle}
                <span className="fr-hint-text">{d.aide}</span>
              </label>
            </div>
          </div>
        ))}
      </fieldset>
      {decision && !negative ? (
        <fieldset className="fr-fieldset" aria-labelledby={`${id}-classement`}>
          <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-classement`}>
            Classement des candidats (rang 1 : le candidat retenu)
          </legend>
          {e.candidats.map((c) => (
            <div key={c.id} className="fr-fieldset__element fr-fieldset__element--inline fr-select-group">
              <label className="fr-label" htmlFor={`${id}-rang-${c.id}`}>
                Rang du candidat n° {c.numeroSne}
              </label>
              <select
                className="fr-select"
                id={`${id}-rang-${c.id}`}
                value={rangs[c.id] ?? ''}
                onChange={(ev) => setRangs({ ...rangs, [c.id]: ev.target.value })}
              >
                <option value="">non classé</option>
                {(decision === 'attribution_rang' ? ['1', '2', '3'] : ['1']).map((r) => (
                  <option key={r} value={r}>{`rang ${r}`}</option>
                ))}
              </select>
            </div>
          ))}
        </fieldset>
      ) : null}
      {contreOrdre ? (
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-ecart`}>
            Pourquoi ce classement s’écarte de l’ordre de la cotation
            <span className="fr-hint-text">
              La cotation aide la commission sans la lier : un classement différent est possible, motivé (3 caractères
              au moins). Le motif est conservé avec la décision.
            </span>
          </label>
          <textarea
            className="fr-input"
            id={`${id}-ecart`}
            value={motifEcart}
            onChange={(ev) => setMotifEcart(ev.target.value)}
            rows={2}
            maxLength={2000}
          />
        </div>
      ) : null}
      <div className="fr-input-group">
        <label className="fr-label" htmlFor={`${id}-motif`}>
          Motif de la décision
          <span className="fr-hint-text">
            Obligatoire pour une non-attribution, un rejet ou une condition suspensive.
          </span>
        </label>
        <textarea
          className="fr-input"
          id={`${id}-motif`}
          value={motif}
          onChange={(ev) => setMotif(ev.target.value)}
          rows={2}
          maxLength={2000}
        />
      </div>
      <Button type="submit" disabled={envoi.isPending || !decision}>
        Enregistrer la décision
      </Button>
      {envoi.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(envoi.error)}
        </p>
      ) : null}
    </form>
  );
}

/** Withdraws a unit from the session before its decision: it goes back to « à examiner ». */
function Retrait({
  session,
  examen: e,
  surMaj,
}: {
  session: SessionCalDetailApi;
  examen: ExamenCalApi;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const retrait = useMutation({
    mutationFn: () => retirerExamen(session.id, { locationId: e.locationId }),
    onSuccess: surMaj,
  });
  return (
    <div className="fr-mt-2w">
      <Button
        priority="tertiary"
        iconId="fr-icon-arrow-go-back-line"
        onClick={() => retrait.mutate()}
        disabled={retrait.isPending}
      >
        {`Retirer le logement ${e.logementId} de la séance`}
      </Button>
      <p className="fr-hint-text fr-mt-1v">
        Il revient parmi les logements à examiner, avec ses candidats : inscrivez-le à une autre séance.
      </p>
      {retrait.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(retrait.error)}
        </p>
      ) : null}
    </div>
  );
}

/** Cancels a session that has decided nothing, with a written reason (its units go back « à examiner »). */
function AnnulationSeance({
  session,
  surMaj,
}: {
  session: SessionCalDetailApi;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const id = useId();
  const [motif, setMotif] = useState('');
  const annulation = useMutation({
    mutationFn: () => annulerSessionCal(session.id, { motif }),
    onSuccess: surMaj,
  });
  return (
    <div className="fr-mb-4w">
      <Confirmation
        libelle="Annuler la séance"
        titre={`Annuler la séance du ${date(session.date)} ?`}
        priority="tertiary"
        iconId="fr-icon-close-circle-line"
        confirmer="Annuler la séance"
        disabled={annulation.isPending}
        surConfirmation={() => annulation.mutate()}
        consequences={
          <p>
            {session.liste.length === 0
              ? 'La séance n’a aucun logement inscrit.'
              : `Ses ${pluriel(session.liste.length, 'logement inscrit', 'logements inscrits')} reviendront parmi les logements à examiner, avec leurs candidats.`}{' '}
            La séance restera dans la liste, marquée « Annulée », avec votre motif.
          </p>
        }
        correction="Une séance annulée ne se rétablit pas : créez une nouvelle séance et inscrivez-y les logements."
      >
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-motif`}>
            Motif de l’annulation
            <span className="fr-hint-text">Obligatoire : il figure au journal et sur la séance.</span>
          </label>
          <input
            className="fr-input"
            id={`${id}-motif`}
            value={motif}
            onChange={(ev) => setMotif(ev.target.value)}
            minLength={3}
            maxLength={2000}
          />
        </div>
      </Confirmation>
      {annulation.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(annulation.error)}
        </p>
      ) : null}
    </div>
  );
}

/** A date field for a step: today by default, never in the future, never before `min`. */
function ChampDate({
  id,
  libelle,
  valeur,
  min,
  surChangement,
}: {
  id: string;
  libelle: string;
  valeur: string;
  min: string;
  surChangement: (v: string) => void;
}) {
  return (
    <div className="fr-input-group">
      <label className="fr-label" htmlFor={id}>
        {libelle}
        <span className="fr-hint-text">{`Entre le ${date(min)} et aujourd’hui (${date(aujourdhuiParis())}).`}</span>
      </label>
      <input
        className="fr-input"
        type="date"
        id={id}
        value={valeur}
        min={min}
        max={aujourdhuiParis()}
        onChange={(ev) => surChangement(ev.target.value)}
        required
      />
    </div>
  );
}

function Offres({
  examen: e,
  bailleur,
  surMaj,
}: {
  examen: ExamenCalApi;
  bailleur: boolean;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const id = useId();
  const [jourReponse, setJourReponse] = useState(aujourdhuiParis());
  const [jourBail, setJourBail] = useState(aujourdhuiParis());
  const reponse = useMutation({
    mutationFn: (v: { offre: string; reponse: 'acceptee' | 'refusee' }) =>
      repondreOffre(v.offre, { reponse: v.reponse, date: jourReponse }),
    onSuccess: surMaj,
  });
  const bail = useMutation({
    mutationFn: (offre: string) => signerBailOffre(offre, { date: jourBail, version: e.version }),
    onSuccess: surMaj,
  });
  const apresBail = (o: OffreCalApi) => [o.dateReponse ?? o.dateOffre, e.dateDepart ?? ''].sort().at(-1)!;
  const colonnes: Colonne<OffreCalApi>[] = [
    { titre: 'Rang', entete: true, valeur: (o) => `rang ${o.rang}` },
    { titre: 'Candidat', valeur: (o) => o.numeroSne },
    { titre: 'Offre du', valeur: (o) => date(o.dateOffre) },
    { titre: 'Réponse attendue au plus tard le', valeur: (o) => date(o.echeance) },
    {
      titre: 'Réponse',
      valeur: (o) => (o.reponse ? `${REPONSES[o.reponse]} le ${date(o.dateReponse ?? '')}` : 'En attente'),
    },
    ...(bailleur
      ? [
          {
            titre: 'Action',
            valeur: (o: OffreCalApi) =>
              o.reponse === null ? (
                <span className="flux-actions">
                  <Confirmation
                    libelle={`Acceptée (n° ${o.numeroSne})`}
                    titre={`Le candidat n° ${o.numeroSne} accepte l’offre ?`}
                    size="small"
                    priority="secondary"
                    disabled={reponse.isPending}
                    confirmer="Enregistrer l’acceptation"
                    surConfirmation={() => reponse.mutate({ offre: o.id, reponse: 'acceptee' })}
                    consequences={
                      <p>
                        {`L’offre du ${date(o.dateOffre)} est close : le logement est promis à ce candidat, et le bail s’enregistre ensuite`}
                        {e.dateDepart ? `, à partir du départ du locataire le ${date(e.dateDepart)}` : ''}.
                      </p>
                    }
                    correction="Une réponse enregistrée ne s’annule pas ici : si le candidat se désiste avant le bail, la CAL statue à nouveau après une nouvelle proposition de candidats ; une erreur de saisie se corrige par une correction motivée de la location."
                  >
                    <ChampDate
                      id={`${id}-reponse-${o.id}`}
                      libelle="Date de la réponse"
                      valeur={jourReponse}
                      min={o.dateOffre}
                      surChangement={setJourReponse}
                    />
                  </Confirmation>{' '}
                  <Confirmation
                    libelle={`Refusée (n° ${o.numeroSne})`}
                    titre={`Le candidat n° ${o.numeroSne} refuse l’offre ?`}
                    size="small"
                    priority="tertiary"
                    disabled={reponse.isPending}
                    confirmer="Enregistrer le refus"
                    surConfirmation={() => reponse.mutate({ offre: o.id, reponse: 'refusee' })}
                    consequences={
                      <p>
                        L’offre passe au candidat classé suivant s’il y en a un ; sinon le logement revient à qui
                        désigne (le réservataire, le maire en QPV, ou le bailleur) pour de nouveaux candidats.
                      </p>
                    }
                    correction="Un refus enregistré ne s’annule pas : la suite est donnée aussitôt."
                  >
                    <ChampDate
                      id={`${id}-refus-${o.id}`}
                      libelle="Date de la réponse"
                      valeur={jourReponse}
                      min={o.dateOffre}
                      surChangement={setJourReponse}
                    />
                  </Confirmation>
                </span>
              ) : o.reponse === 'acceptee' && e.etat === 'decision_cal' ? (
                <Confirmation
                  libelle={`Bail signé (n° ${o.numeroSne})`}
                  titre={`Enregistrer le bail du candidat n° ${o.numeroSne} ?`}
                  size="small"
                  disabled={bail.isPending}
                  confirmer="Enregistrer le bail"
                  surConfirmation={() => bail.mutate(o.id)}
                  consequences={
                    <p>
                      La location se termine : le logement est attribué à ce ménage, compté au décompte de sa ligne et
                      aux objectifs d’attribution de l’année.
                    </p>
                  }
                  avertissements={
                    e.dateDepart && e.dateDepart > aujourdhuiParis()
                      ? [
                          `Le locataire part le ${date(e.dateDepart)} : le bail ne peut être enregistré qu’à partir de ce jour.`,
                        ]
                      : []
                  }
                  correction="Un bail enregistré termine la location et ne s’annule pas : une erreur se corrige par une correction motivée de l’année (fenêtre de correction, avec son motif)."
                >
                  <ChampDate
                    id={`${id}-bail-${o.id}`}
                    libelle="Date de signature du bail"
                    valeur={jourBail}
                    min={apresBail(o)}
                    surChangement={setJourBail}
                  />
                </Confirmation>
              ) : (
                '—'
              ),
          },
        ]
      : []),
  ];
  const erreur = reponse.error ?? bail.error;
  return (
    <>
      <Tableau
        legende={`Offres pour le logement ${e.logementId} (10 jours pour répondre ; le silence vaut refus)`}
        colonnes={colonnes}
        lignes={e.offres}
        cle={(o) => o.id}
        compact
        bordure
      />
      {erreur ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(erreur)}
        </p>
      ) : null}
    </>
  );
}
