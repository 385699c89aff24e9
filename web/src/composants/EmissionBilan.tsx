/**
 * The issuing and sending of a bilan (issue 7 items 2–3), shown on « Bilan annuel »: its status
 * (not issued, issued and year locked, correction window open), the bailleur's « Émettre » button,
 * each issued version with its recipients (« Marquer envoyé ») or, for a réservataire, « envoyé le … »
 * and its own download; the late-correction window form; and, for a re-issued version, what changed
 * (« avant → après ») with the corrections and their reasons.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  avecParametres,
  cloreFenetreCorrection,
  emettreBilan,
  ErreurApi,
  lireEmissionsBilan,
  marquerBilanEnvoye,
  ouvrirFenetreCorrection,
  type EmissionsAnneeApi,
} from '../api.ts';
import { useSessionOuverte } from '../session.tsx';
import { date, dateEnLettres, nombre } from '../format.ts';
import { Confirmation } from './Confirmation.tsx';
import { Chargement, ErreurChargement, messageErreur, Vide } from './Etats.tsx';
import { Tableau } from './Tableau.tsx';
import { cles } from '../cles.ts';

type Version = EmissionsAnneeApi['versions'][number];
type Difference = NonNullable<Version['difference']>;
interface Cle {
  annee: number;
  bailleur: string;
  departement: string;
}

const CHIFFRES: Record<string, string> = {
  misADisposition: 'Mis à disposition',
  proposes: 'Avec candidats',
  attribues: 'Attribués',
  bauxSignes: 'Baux signés',
  echecs: 'Échecs',
  pourUnTour: 'Pour un tour',
  decomptes: 'Décomptés',
  enCours: 'En cours au 31 décembre',
  droit: 'Droit',
  solde: 'Solde',
  reportAnneeSuivante: 'Report N+1',
  disponibles: 'Logements disponibles',
  premieresMisesEnLocation: 'Premières mises en location',
  fluxAnnuel: 'Flux annuel',
};
const DIMENSIONS: Record<string, string> = {
  typologie: 'Typologie',
  financement: 'Financement',
  qpv: 'QPV',
  commune: 'Commune',
  periode: 'Période de construction',
};
const STATUTS: Record<string, string> = {
  exclue: 'hors flux',
  bail_signe: 'bail signé',
  echec: 'échec',
  en_cours: 'en cours',
  true: 'oui',
  false: 'non',
};
const ACTIONS: Record<string, string> = {
  'location.declarer': 'Location ouverte',
  'location.orienter': 'Orientation',
  'location.orienter_multiple': 'Orientation multiple',
  'location.proposer_candidats': 'Candidats proposés',
  'location.decider': 'Décision de CAL',
  'location.signer_bail': 'Bail signé',
  'location.refuser': 'Refus',
  'location.constater_sans_candidat': 'Sans candidat',
};

const adresseVersion = (c: Cle, version: number) => avecParametres(`/api/bilan/emissions/${version}`, { ...c });
const adresseDocument = (c: Cle, version: number, format: 'xlsx' | 'pdf' | 'csv') =>
  avecParametres(`/api/bilan/emissions/${version}/${format}`, { ...c });
const chiffre = (x: number) =>
  Number.isInteger(x) ? nombre(x) : x.toLocaleString('fr-FR', { maximumFractionDigits: 2 }).replace('-', '\u2212');
const jourPlus = (iso: string, n: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/**
 * `vide`: the bilan has nothing in it (no unit made available in the year): issuing it is asked for
 * twice, with a warning (issue 12 item 5).
 */
export function EmissionBilan({ annee, bailleur, departement, vide = false }: Cle & { vide?: boolean }) {
  const session = useSessionOuverte();
  const cle: Cle = { annee, bailleur, departement };
  const client = useQueryClient();
  const q = useQuery({
    queryKey: cles.emissionsBilan(cle),
    queryFn: ({ signal }) => lireEmissionsBilan(cle, signal),
    retry: false,
  });
  const rafraichir = (e: EmissionsAnneeApi) => client.setQueryData(cles.emissionsBilan(cle), e);
  const emission = useMutation({
    mutationFn: () => emettreBilan({ annee, departement }),
    onSuccess: rafraichir,
  });
  const estBailleur = session.role === 'agent_bailleur';
  const e = q.data;
  return (
    <section aria-labelledby="bilan-emission" className="fr-mb-6w">
      <h2 id="bilan-emission" className="fr-h3">
        Émission et envoi du bilan {annee}
      </h2>
      {q.isPending ? (
        <Chargement quoi="l’état de l’émission du bilan" />
      ) : q.error ? (
        <ErreurChargement erreur={q.error} quoi="l’état de l’émission du bilan" reessayer={() => void q.refetch()} />
      ) : e ? (
        <>
          <Statut e={e} />
          {estBailleur ? (
            <div className="fr-mb-3w">
              <Confirmation
                iconId="fr-icon-send-plane-line"
                disabled={!e.peutEmettre || emission.isPending}
                surConfirmation={() => emission.mutate()}
                libelle={
                  e.versions.length
                    ? `Réémettre le bilan ${annee} (version ${e.versions.length + 1})`
                    : `Émettre le bilan ${annee}`
                }
                titre={
                  e.versions.length
                    ? `Réémettre le bilan ${annee} (version ${e.versions.length + 1}) ?`
                    : `Émettre le bilan ${annee} ?`
                }
                confirmer={e.versions.length ? 'Réémettre le bilan' : 'Émettre le bilan'}
                consequences={
                  <p>
                    {`Le bilan ${annee} devient une version numérotée, définitive, avec son empreinte ; ses destinataires (${e.destinataires.length}) pourront la télécharger. L’année ${annee} est alors verrouillée : plus aucun événement de ${annee} ne s’enregistre sans fenêtre de correction tardive.`}
                  </p>
                }
                avertissements={[
                  ...(vide
                    ? [
                        `Ce bilan est vide : aucun logement n’a été mis à disposition en ${annee} pour ce bailleur dans ce département. Vérifiez l’année et le bailleur avant d’émettre un bilan à zéro.`,
                      ]
                    : []),
                  ...(e.aujourdhui < `${annee + 1}-01-01`
                    ? [`L’année ${annee} n’est pas terminée : le bilan ne compterait pas ses derniers jours.`]
                    : []),
                ]}
                correction={`Une version émise ne s’annule pas : pour corriger, ouvrez une fenêtre de correction tardive (avec un motif écrit, pour une durée limitée), enregistrez les corrections, puis réémettez ; la nouvelle version montre ce qui a changé.`}
              />
              {!e.peutEmettre ? (
                <p className="fr-hint-text fr-mt-1w">
                  L’émission est possible à partir du {dateEnLettres(e.emissionPossibleLe)}, une fois l’année terminée.
                </p>
              ) : null}
              {emission.error ? (
                <Alert
                  severity={emission.error instanceof ErreurApi && emission.error.statut === 409 ? 'info' : 'error'}
                  small
                  description={messageErreur(emission.error)}
                  className="fr-mt-2w"
                />
              ) : null}
            </div>
          ) : null}
          {estBailleur && e.etat !== 'ouverte' ? <Fenetre e={e} cle={cle} rafraichir={rafraichir} /> : null}
          {e.correctionsEnAttente.length ? (
            <Corrections
              id="corrections-en-attente"
              titre="Corrections enregistrées, pas encore émises"
              corrections={e.correctionsEnAttente}
            />
          ) : null}
          {e.versions.length === 0 ? <Vide>Le bilan {annee} n’a pas encore été émis.</Vide> : null}
          {[...e.versions].reverse().map((v) => (
            <UneVersion
              key={v.version}
              e={e}
              v={v}
              cle={cle}
              rafraichir={rafraichir}
              estBailleur={estBailleur}
              estReservataire={session.role === 'agent_reservataire'}
            />
          ))}
        </>
      ) : null}
    </section>
  );
}

function Statut({ e }: { e: EmissionsAnneeApi }) {
  const derniere = e.versions.at(-1);
  const fenetre = e.fenetres.find((f) => f.ouverte);
  if (!derniere) {
    return (
      <p>
        <span className="fr-badge fr-badge--info fr-badge--no-icon fr-mr-1w">Non émis</span>À adresser à chaque
        réservataire et aux EPCI avant le {dateEnLettres(e.echeance)} (CCH R.441-5-1).
      </p>
    );
  }
  return (
    <p>
      <span className="fr-badge fr-badge--success fr-badge--no-icon fr-mr-1w">Émis — version {derniere.version}</span>
      le {date(derniere.emisLe)}.{' '}
      {e.etat === 'correction' && fenetre ? (
        <>
          <span className="fr-badge fr-badge--warning fr-badge--no-icon fr-mr-1w">Fenêtre de correction ouverte</span>
          jusqu’au {dateEnLettres(fenetre.fin)} (motif : « {fenetre.motif} ») : chaque modification d’un événement de{' '}
          {e.annee} doit porter un motif et sera listée dans la prochaine version.
        </>
      ) : (
        <>
          <span className="fr-badge fr-badge--no-icon fr-mr-1w">Année {e.annee} verrouillée</span>
          aucun événement de {e.annee} ne peut plus être modifié sans fenêtre de correction tardive.
        </>
      )}
    </p>
  );
}

function Fenetre({
  e,
  cle,
  rafraichir,
}: {
  e: EmissionsAnneeApi;
  cle: Cle;
  rafraichir: (e: EmissionsAnneeApi) => void;
}) {
  const [motif, setMotif] = useState('');
  const [fin, setFin] = useState('');
  const max = jourPlus(e.aujourdhui, e.fenetreMaxJours);
  const ouverture = useMutation({
    mutationFn: () => ouvrirFenetreCorrection({ annee: cle.annee, departement: cle.departement, motif, fin }),
    onSuccess: (r) => {
      setMotif('');
      setFin('');
      rafraichir(r);
    },
  });
  const ouverte = e.fenetres.find((f) => f.ouverte);
  const cloture = useMutation({
    mutationFn: (id: string) => cloreFenetreCorrection(id),
    onSuccess: rafraichir,
  });
  const err = ouverture.error instanceof ErreurApi ? ouverture.error : null;
  const envoyer = (ev: FormEvent) => {
    ev.preventDefault();
    ouverture.mutate();
  };
  if (ouverte) {
    return (
      <div className="fr-mb-3w">
        <Button
          priority="secondary"
          iconId="fr-icon-lock-line"
          onClick={() => cloture.mutate(ouverte.id)}
          disabled={cloture.isPending}
        >
          Clôturer la fenêtre de correction
        </Button>
        {cloture.error ? (
          <Alert severity="error" small description={messageErreur(cloture.error)} className="fr-mt-2w" />
        ) : null}
      </div>
    );
  }
  return (
    <form onSubmit={envoyer} className="fr-mb-4w" aria-labelledby="fenetre-titre">
      <h3 id="fenetre-titre" className="fr-h5">
        Ouvrir une fenêtre de correction tardive
      </h3>
      <p className="fr-text--sm">
        Pendant la fenêtre, les événements de {e.annee} peuvent être corrigés ; chaque correction porte son motif et
        figure dans la version suivante du bilan, avec ce qui a changé. La fenêtre dure {e.fenetreMaxJours} jours au
        plus ; sa clôture, sa fin ou la réémission du bilan verrouillent de nouveau l’année.
      </p>
      <Input
        label="Motif de la correction"
        hintText="Au moins 10 caractères : ce qui doit être corrigé et pourquoi."
        textArea
        state={err?.probleme('motif') ? 'error' : 'default'}
        stateRelatedMessage={err?.probleme('motif')}
        nativeTextAreaProps={{
          id: 'fenetre-motif',
          value: motif,
          onChange: (x) => setMotif(x.target.value),
          required: true,
          minLength: 10,
          maxLength: 2000,
        }}
      />
      <Input
        label="Fin de la fenêtre"
        hintText={`Au plus tard le ${date(max)} (${e.fenetreMaxJours} jours).`}
        state={err?.probleme('fin') ? 'error' : 'default'}
        stateRelatedMessage={err?.probleme('fin')}
        nativeInputProps={{
          id: 'fenetre-fin',
          type: 'date',
          value: fin,
          onChange: (x) => setFin(x.target.value),
          min: e.aujourdhui,
          max,
          required: true,
        }}
      />
      <Button type="submit" priority="secondary" iconId="fr-icon-edit-line" disabled={ouverture.isPending}>
        Ouvrir la fenêtre de correction
      </Button>
      {ouverture.error && !err?.problemes.length ? (
        <Alert severity="error" small description={messageErreur(ouverture.error)} className="fr-mt-2w" />
      ) : null}
    </form>
  );
}

function UneVersion({
  e,
  v,
  cle,
  rafraichir,
  estBailleur,
  estReservataire,
}: {
  e: EmissionsAnneeApi;
  v: Version;
  cle: Cle;
  rafraichir: (e: EmissionsAnneeApi) => void;
  estBailleur: boolean;
  estReservataire: boolean;
}) {
  const envoi = useMutation({
    mutationFn: (organisationId: string) =>
      marquerBilanEnvoye({ annee: cle.annee, departement: cle.departement, version: v.version, organisationId }),
    onSuccess: rafraichir,
  });
  const envoiA = new Map(v.envois.map((x) => [x.organisationId, x]));
  const telechargementsDe = (o: string) => v.telechargements.filter((t) => t.organisationId === o);
  const id = `bilan-version-${v.version}`;
  return (
    <article className="fr-card fr-card--no-arrow fr-p-3w fr-mb-3w" aria-labelledby={id}>
      <h3 id={id} className="fr-h5">
        Version {v.version} — émise le {date(v.emisLe)} par {v.emisPar}
      </h3>
      <p className="fr-text--sm">
        Empreinte SHA-256 : <code>{v.empreinte.slice(0, 16)}…</code>
      </p>
      {estReservataire ? (
        <p>
          {envoiA.get(e.destinataires[0]?.organisationId ?? '') ? (
            <strong>Envoyé le {date(envoiA.get(e.destinataires[0]!.organisationId)!.envoyeLe)}</strong>
          ) : (
            'Pas encore marqué envoyé par le bailleur.'
          )}
        </p>
      ) : null}
      <ul className="flux-liste-nue">
        {(
          [
            ['xlsx', 'XLSX', 'classeur'],
            ['pdf', 'PDF', 'document à transmettre'],
            ['csv', 'CSV', 'table « ; » pour un tableur'],
          ] as const
        ).map(([format, titre, detail]) => (
          <li key={format} className="fr-mb-1w">
            <a className="fr-link fr-link--download" href={adresseDocument(cle, v.version, format)} download>
              Télécharger la version {v.version} au format {titre}
              <span className="fr-link__detail">
                {detail}
                {estReservataire ? ', vos seules lignes' : ', telle qu’émise'}
              </span>
            </a>
          </li>
        ))}
        <li>
          <a className="fr-link fr-link--download" href={adresseVersion(cle, v.version)} download>
            Télécharger la version {v.version} au format JSON
            <span className="fr-link__detail">
              {estReservataire ? 'les chiffres, vos seules lignes' : 'les chiffres, tels qu’émis'}
            </span>
          </a>
        </li>
      </ul>
      {!estReservataire ? (
        <Tableau
          id={`tableau-destinataires-${v.version}`}
          legende={`Destinataires de la version ${v.version}`}
          colonnes={[
            {
              titre: 'Destinataire',
              valeur: (d: EmissionsAnneeApi['destinataires'][number]) =>
                `${d.nom}${d.nature === 'epci' ? ' (EPCI)' : ''}`,
              entete: true,
            },
            {
              titre: 'Envoi',
              valeur: (d) =>
                envoiA.get(d.organisationId)
                  ? `envoyé le ${date(envoiA.get(d.organisationId)!.envoyeLe)} par ${envoiA.get(d.organisationId)!.envoyePar}`
                  : 'non envoyé',
            },
            {
              titre: 'Téléchargements',
              valeur: (d) => {
                const t = telechargementsDe(d.organisationId);
                return t.length ? `${nombre(t.length)}, dernier le ${date(t.at(-1)!.le)}` : '—';
              },
            },
            ...(estBailleur
              ? [
                  {
                    titre: 'Action',
                    valeur: (d: EmissionsAnneeApi['destinataires'][number]) =>
                      envoiA.get(d.organisationId) ? null : (
                        <Button
                          size="small"
                          priority="secondary"
                          onClick={() => envoi.mutate(d.organisationId)}
                          disabled={envoi.isPending}
                          nativeButtonProps={{ 'aria-label': `Marquer envoyé : version ${v.version} à ${d.nom}` }}
                        >
                          Marquer envoyé
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
          lignes={e.destinataires}
          cle={(d) => d.organisationId}
          bordure
          compact
        />
      ) : null}
      {envoi.error ? (
        <Alert severity="error" small description={messageErreur(envoi.error)} className="fr-mt-2w" />
      ) : null}
      {v.difference ? <Changements d={v.difference} version={v.version} /> : null}
      {v.corrections.length ? (
        <Corrections
          id={`corrections-${v.version}`}
          titre={`Corrections tardives prises en compte dans la version ${v.version}`}
          corrections={v.corrections}
        />
      ) : null}
    </article>
  );
}

interface Changement {
  cle: string;
  ou: string;
  chiffre: string;
  avant: string;
  apres: string;
}

function Changements({ d, version }: { d: Difference; version: number }) {
  const lignes: Changement[] = [
    ...d.flux.map((c) => ({
      cle: `f-${c.champ}`,
      ou: 'Flux de l’année',
      chiffre: CHIFFRES[c.champ] ?? c.champ.replace('exclus.', 'Exclus : '),
      avant: chiffre(c.avant),
      apres: chiffre(c.apres),
    })),
    ...d.lignes.map((c) => ({
      cle: `l-${c.ligne}-${c.compteur}`,
      ou: c.nom,
      chiffre: CHIFFRES[c.compteur] ?? c.compteur,
      avant: chiffre(c.avant),
      apres: chiffre(c.apres),
    })),
    ...d.dimensions.map((c) => ({
      cle: `d-${c.dimension}-${c.valeur}-${c.ligne}-${c.compteur}`,
      ou: `${c.nom} — ${DIMENSIONS[c.dimension] ?? c.dimension} : ${c.libelle}`,
      chiffre: CHIFFRES[c.compteur] ?? c.compteur,
      avant: chiffre(c.avant),
      apres: chiffre(c.apres),
    })),
    ...d.logements.map((c) => ({
      cle: `g-${c.logement}-${c.date}-${c.champ}`,
      ou: `Logement ${c.logement} (libéré le ${date(c.date)})`,
      chiffre:
        c.champ === 'ligne'
          ? 'Ligne'
          : c.champ === 'statut'
            ? 'Statut'
            : c.champ === 'decompte'
              ? 'Décompté'
              : 'Présence',
      avant: c.avant === null ? '—' : (STATUTS[c.avant] ?? c.avant),
      apres: c.apres === null ? '—' : (STATUTS[c.apres] ?? c.apres),
    })),
  ];
  return (
    <div className="fr-mt-3w">
      <h4 className="fr-h6">Ce qui a changé depuis la version {version - 1}</h4>
      {lignes.length === 0 ? (
        <p>Aucun chiffre qui vous concerne n’a changé.</p>
      ) : (
        <Tableau
          id={`tableau-changements-${version}`}
          legende={`Chiffres modifiés entre la version ${version - 1} et la version ${version} (avant → après)`}
          colonnes={[
            { titre: 'Où', valeur: (c: Changement) => c.ou, entete: true },
            { titre: 'Chiffre', valeur: (c) => c.chiffre },
            { titre: 'Avant', valeur: (c) => c.avant, nombre: true },
            { titre: 'Après', valeur: (c) => c.apres, nombre: true },
            { titre: 'Avant → après', valeur: (c) => `${c.avant} → ${c.apres}` },
          ]}
          lignes={lignes}
          cle={(c) => c.cle}
          bordure
          compact
        />
      )}
    </div>
  );
}

function Corrections({ id, titre, corrections }: { id: string; titre: string; corrections: Version['corrections'] }) {
  return (
    <div className="fr-mt-3w">
      <Tableau
        id={`tableau-${id}`}
        legende={titre}
        colonnes={[
          { titre: 'Date', valeur: (c: Version['corrections'][number]) => date(c.le) },
          { titre: 'Logement', valeur: (c) => c.logementId ?? '—', entete: true },
          { titre: 'Action', valeur: (c) => ACTIONS[c.action] ?? c.action },
          { titre: 'Motif', valeur: (c) => c.motif },
          { titre: 'Par', valeur: (c) => c.par ?? '—' },
          { titre: 'Fenêtre', valeur: (c) => c.fenetre.motif },
        ]}
        lignes={corrections}
        cle={(c) => c.id}
        bordure
        compact
      />
    </div>
  );
}
