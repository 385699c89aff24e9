/**
 * « CAL » (issue 6 item 4): the bailleur's CAL sessions (GET /api/cal/sessions) and one session's
 * screen (GET /api/cal/sessions/:id): the units it examines with their ranked candidates, the
 * recording of one of the five decisions with its reasons and the CAL's ranking, the offers with
 * their 10-day deadline (answer, silence = refusal, lease) and what follows a failure; the minutes
 * as a PDF. The State pilot reads the sessions of its département.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  adresseProcesVerbal,
  creerSessionCal,
  deciderExamen,
  expirerOffres,
  inscrireExamen,
  lireAExaminer,
  lireSessionCal,
  lireSessionsCal,
  repondreOffre,
  signerBailOffre,
  type ExamenCalApi,
  type OffreCalApi,
  type SessionCalApi,
  type SessionCalDetailApi,
} from '../api.ts';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Priorites } from '../composants/Priorites.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { aujourdhuiParis, date, dateEnLettres, pluriel } from '../format.ts';
import { ETATS_LOCATION } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';

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

export function Cal() {
  const session = useSessionOuverte();
  const bailleur = session.role === 'agent_bailleur';
  const { data, error, isPending, refetch } = useQuery({
    queryKey: ['cal', 'sessions'],
    queryFn: ({ signal }) => lireSessionsCal(signal),
  });
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
  ];
  return (
    <Page titre="Commission d’attribution (CAL)" titreDocument="CAL">
      <p className="fr-text--lead">
        Les séances de la commission d’attribution : les logements examinés, leurs candidats classés, la décision prise
        pour chacun (CCH R.441-3), puis la réponse du candidat, le bail ou la suite donnée à un échec.
      </p>
      {bailleur ? <NouvelleSession departement={session.organisation.departement ?? ''} /> : null}
      <h2 className="fr-h4 fr-mt-4w">Séances</h2>
      {isPending ? (
        <Chargement quoi="les séances" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="les séances" reessayer={() => void refetch()} />
      ) : data.length === 0 ? (
        <Vide>Aucune séance pour l’instant.</Vide>
      ) : (
        <Tableau
          id="tableau-sessions-cal"
          legende="Séances de la CAL"
          colonnes={colonnes}
          lignes={data}
          cle={(s) => s.id}
          bordure
        />
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
      void client.invalidateQueries({ queryKey: ['cal'] });
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
    queryKey: ['cal', 'session', id],
    queryFn: ({ signal }) => lireSessionCal(id, signal),
  });
  const maj = (s: SessionCalDetailApi) => {
    client.setQueryData(['cal', 'session', id], s);
    void client.invalidateQueries({ queryKey: ['cal', 'sessions'] });
    void client.invalidateQueries({ queryKey: ['cal', 'a-examiner'] });
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
          {bailleur ? <Inscription session={data} surMaj={maj} /> : null}
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
  const { data } = useQuery({ queryKey: ['cal', 'a-examiner'], queryFn: ({ signal }) => lireAExaminer(signal) });
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
    { titre: 'Ménage', valeur: (c) => (c.tailleMenage ? pluriel(c.tailleMenage, 'personne') : '—') },
    { titre: 'Situation', valeur: (c) => <Priorites c={c} /> },
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
      ) : bailleur ? (
        <FormulaireDecision session={session} examen={e} surMaj={surMaj} />
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
  const negative = decision === 'non_attribution' || decision === 'irrecevabilite';
  const classement = Object.entries(rangs)
    .filter(([, r]) => r !== '')
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map(([c]) => c);
  const envoi = useMutation({
    mutationFn: () =>
      deciderExamen(session.id, {
        locationId: e.locationId,
        version: e.version,
        decision: decision as Decision,
        classement: negative ? [] : classement,
        ...(motif ? { motif } : {}),
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

function Offres({
  examen: e,
  bailleur,
  surMaj,
}: {
  examen: ExamenCalApi;
  bailleur: boolean;
  surMaj: (s: SessionCalDetailApi) => void;
}) {
  const reponse = useMutation({
    mutationFn: (v: { offre: string; reponse: 'acceptee' | 'refusee' }) =>
      repondreOffre(v.offre, { reponse: v.reponse, date: aujourdhuiParis() }),
    onSuccess: surMaj,
  });
  const bail = useMutation({
    mutationFn: (offre: string) => signerBailOffre(offre, { date: aujourdhuiParis(), version: e.version }),
    onSuccess: surMaj,
  });
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
                  <Button
                    size="small"
                    priority="secondary"
                    onClick={() => reponse.mutate({ offre: o.id, reponse: 'acceptee' })}
                    disabled={reponse.isPending}
                  >
                    {`Acceptée (n° ${o.numeroSne})`}
                  </Button>{' '}
                  <Button
                    size="small"
                    priority="tertiary"
                    onClick={() => reponse.mutate({ offre: o.id, reponse: 'refusee' })}
                    disabled={reponse.isPending}
                  >
                    {`Refusée (n° ${o.numeroSne})`}
                  </Button>
                </span>
              ) : o.reponse === 'acceptee' && e.etat === 'decision_cal' ? (
                <Button size="small" onClick={() => bail.mutate(o.id)} disabled={bail.isPending}>
                  {`Bail signé (n° ${o.numeroSne})`}
                </Button>
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
