/**
 * « Prévision du flux » (issue 5 item 2): the forecast of a bailleur's flow for a year — past flows
 * and the forecast in a chart (and its table), the computation line by line with its explanation,
 * each réservataire's forecast entitlement with its carry-over, the forecast of the territorial
 * perimeters, the PRU/ANRU volume followed — the prévisionnel to download (XLSX, PDF), and for the
 * bailleur the form of its inputs (window, deliveries, demolitions, sales, exclusions, PRU volume).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { adressePrevisionnel, enregistrerPrevision, ErreurApi, lirePrevision, type PrevisionApi } from '../api.ts';
import { BarresSimples } from '../composants/Barres.tsx';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { date, decimal, nombre, pluriel, taux } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

type UnePrevision = PrevisionApi['previsions'][number];
type Droit = UnePrevision['droits'][number];

const EXCLUSIONS_SAISIES = [
  ['mutation_interne', 'Mutations internes'],
  ['relogement_anru', 'Relogements ANRU/NPNRU'],
  ['relogement_orcod', 'Relogements ORCOD'],
  ['relogement_insalubrite', 'Relogements (insalubrité)'],
  ['relogement_vente', 'Relogements (vente HLM)'],
] as const;

export function Prevision() {
  const session = useSessionOuverte();
  const choisit = session.role !== 'agent_bailleur';
  const [parametres, setParametres] = useSearchParams();
  const bailleur = choisit ? parametres.get('bailleur') || undefined : undefined;
  const anneeSuivante = new Date().getFullYear() + 1;
  const annee = Number(parametres.get('annee')) || anneeSuivante;
  const demande = { bailleur, annee };
  const actif = !choisit || bailleur !== undefined;
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.prevision.demande(demande),
    queryFn: ({ signal }) => lirePrevision(demande, signal),
    placeholderData: keepPreviousData,
    enabled: actif,
    retry: false,
  });
  const [choix, setChoix] = useState({ bailleur: bailleur ?? '', annee: String(annee) });
  const afficher = (e: FormEvent) => {
    e.preventDefault();
    setParametres({ ...(choisit && choix.bailleur ? { bailleur: choix.bailleur } : {}), annee: choix.annee });
  };
  return (
    <Page
      titre="Prévision du flux"
      titreDocument={data ? `Prévision ${data.annee} — ${data.bailleur.nom}` : 'Prévision du flux'}
    >
      <p className="fr-text--lead">
        Le flux prévisionnel de l’année — remises en location observées, premières mises en location, logements exclus
        par catégorie, volume réservé aux relogements PRU — et le droit prévu de chaque réservataire avec son report :
        le prévisionnel à transmettre avant le 28 février.
      </p>
      <form onSubmit={afficher} className="flux-filtres fr-mb-4w" aria-label="Choisir la prévision affichée">
        {choisit ? (
          <SelectBailleur
            id="prevision-bailleur"
            valeur={choix.bailleur}
            surChoix={(b) => setChoix({ ...choix, bailleur: b })}
          />
        ) : null}
        <SelectAnnee
          id="prevision-annee"
          label="Année prévue"
          annees={[anneeSuivante, anneeSuivante - 1]}
          valeur={choix.annee}
          surChoix={(annee) => setChoix({ ...choix, annee })}
        />
        <Button type="submit" priority="secondary">
          Afficher
        </Button>
      </form>
      {!actif ? (
        <Vide>Choisissez un bailleur pour afficher sa prévision.</Vide>
      ) : isPending ? (
        <Chargement quoi="la prévision du flux" />
      ) : error && !data ? (
        <>
          <ErreurChargement erreur={error} quoi="la prévision du flux" reessayer={() => void refetch()} />
          {session.role === 'agent_bailleur' && error instanceof ErreurApi && error.statut === 422 ? (
            <Hypotheses annee={annee} version={null} initial={null} />
          ) : null}
        </>
      ) : data ? (
        <>
          <Contenu p={data} />
          {session.role === 'agent_bailleur' ? (
            <Hypotheses annee={data.annee} version={data.version} initial={data.parametres} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

function Contenu({ p }: { p: PrevisionApi }) {
  const dep = p.previsions[0]!;
  const historique = [
    ...p.historique.map((h) => ({
      id: String(h.annee),
      libelle: `${h.annee}${h.incomplete ? ' (en cours)' : ''}${h.source === 'saisi' ? ' (saisi)' : ''}`,
      valeur: h.fluxAnnuel,
    })),
    { id: 'prevu', libelle: `${p.annee} (prévu)`, valeur: dep.fluxNet.arrondi },
  ];
  return (
    <>
      <ChiffresCles titre={`${p.bailleur.nom} — département ${p.departement}, prévision ${p.annee}`}>
        <ChiffreCle libelle="Flux brut prévu" valeur={decimal(dep.fluxBrut.valeur)} detail={dep.fluxBrut.explication} />
        <ChiffreCle
          libelle="Exclusions prévues"
          valeur={decimal(dep.totalExclusions.valeur)}
          detail="mutations, relogements ANRU, ORCOD, insalubrité, vente, logements hors flux"
        />
        <ChiffreCle
          libelle="Volume PRU"
          valeur={nombre(dep.volumePru.arrondi)}
          detail={`${nombre(p.suiviPru.realises)} relogement(s) ANRU enregistré(s) en ${p.annee}`}
        />
        <ChiffreCle
          libelle="Flux net prévu"
          valeur={decimal(dep.fluxNet.valeur)}
          detail="base des droits des réservataires"
        />
      </ChiffresCles>
      <section aria-labelledby="prevision-historique" className="fr-mb-6w">
        <h2 id="prevision-historique" className="fr-h3">
          Flux observés et flux prévu
        </h2>
        <BarresSimples
          titre={`Flux annuel par année : ${historique.map((h) => `${h.libelle} ${nombre(h.valeur)}`).join(', ')}`}
          items={historique}
          total={null}
        />
        <Tableau
          id="tableau-historique"
          legende="Flux des années passées (événements enregistrés dans Flux, ou saisis)"
          colonnes={[
            { titre: 'Année', valeur: (h) => `${h.annee}${h.incomplete ? ' (en cours)' : ''}`, entete: true },
            { titre: 'Source', valeur: (h) => (h.source === 'flux' ? 'Événements Flux' : 'Saisi') },
            { titre: 'Disponibles', valeur: (h) => nombre(h.disponibles), nombre: true },
            { titre: 'Premières mises en location', valeur: (h) => nombre(h.premieresMisesEnLocation), nombre: true },
            {
              titre: 'Exclus',
              valeur: (h) => nombre(Object.values(h.exclus).reduce((a, b) => a + b, 0)),
              nombre: true,
            },
            { titre: 'Flux annuel', valeur: (h) => nombre(h.fluxAnnuel), nombre: true },
          ]}
          lignes={p.historique}
          cle={(h) => String(h.annee)}
          bordure
        />
      </section>
      <LivraisonsProgrammes p={p} />
      {p.previsions.map((prev, i) => (
        <UnPerimetre key={prev.libelle} prev={prev} id={`perimetre-${i}`} />
      ))}
      <p>
        <a
          className="fr-link fr-link--download fr-mr-4w"
          href={adressePrevisionnel({ bailleur: p.bailleur.id, annee: p.annee }, 'pdf')}
          download
        >
          Télécharger le prévisionnel
          <span className="fr-link__detail">PDF — avec le graphique des flux</span>
        </a>
        <a
          className="fr-link fr-link--download"
          href={adressePrevisionnel({ bailleur: p.bailleur.id, annee: p.annee }, 'xlsx')}
          download
        >
          Télécharger le prévisionnel
          <span className="fr-link__detail">XLSX — calcul, droits, historique</span>
        </a>
      </p>
    </>
  );
}

/**
 * The programmes delivered in the forecast year (« Programmes neufs »): their units are the year's
 * first lettings, the rights negotiated at their financing say who holds the first of them; their
 * sum set beside the deliveries entered in the hypotheses.
 */
function LivraisonsProgrammes({ p }: { p: PrevisionApi }) {
  if (p.livraisonsProgrammes.length === 0) return null;
  const total = p.livraisonsProgrammes.reduce((x, l) => x + l.logements, 0);
  const saisies = p.parametres.livraisons;
  return (
    <section aria-labelledby="prevision-programmes" className="fr-mb-6w">
      <h2 id="prevision-programmes" className="fr-h3">
        Programmes livrés en {p.annee}
      </h2>
      <p>
        {pluriel(p.livraisonsProgrammes.length, 'programme', 'programmes')} dont la livraison est prévue en {p.annee} :{' '}
        {pluriel(total, 'première mise en location', 'premières mises en location')}.{' '}
        {saisies === total
          ? 'C’est le nombre de livraisons retenu dans les hypothèses.'
          : `Les hypothèses retiennent ${nombre(saisies)} livraison${saisies > 1 ? 's' : ''} : ajustez-les si les programmes font foi.`}
      </p>
      <Tableau
        id="tableau-livraisons-programmes"
        legende={`Programmes livrés en ${p.annee} et droits négociés à leur financement`}
        legendeMasquee
        colonnes={[
          { titre: 'Programme', valeur: (l: PrevisionApi['livraisonsProgrammes'][number]) => l.nom, entete: true },
          { titre: 'Livraison prévue', valeur: (l) => date(l.livraisonPrevue) },
          { titre: 'Logements', valeur: (l) => nombre(l.logements), nombre: true },
          {
            titre: 'Droits négociés au financement',
            valeur: (l) =>
              l.droits.length ? l.droits.map((d) => `${d.nom} : ${nombre(d.logements)}`).join(' ; ') : 'aucun',
          },
        ]}
        lignes={p.livraisonsProgrammes}
        cle={(l) => `${l.nom}-${l.livraisonPrevue}`}
        bordure
      />
    </section>
  );
}

function UnPerimetre({ prev, id }: { prev: UnePrevision; id: string }) {
  const lignes: [string, UnePrevision['fluxBrut']][] = [
    ['Remises en location', prev.remisesEnLocation],
    ['Premières mises en location', prev.premieresMisesEnLocation],
    ['Flux brut', prev.fluxBrut],
    ...prev.exclusions
      .filter((e) => e.valeur > 0)
      .map((e): [string, UnePrevision['fluxBrut']] => [`Exclusion prévue : ${e.libelle}`, e]),
    ['Volume réservé aux relogements PRU', prev.volumePru],
    ['Flux net', prev.fluxNet],
  ];
  const colonnesDroits: Colonne<Droit>[] = [
    { titre: 'Réservataire', valeur: (d) => d.nom, entete: true },
    { titre: 'Taux', valeur: (d) => taux(d.taux), nombre: true },
    { titre: 'Droit du flux', valeur: (d) => decimal(d.droitFlux.valeur), nombre: true },
    { titre: 'Report', valeur: (d) => decimal(d.report.valeur), nombre: true },
    { titre: 'Droit prévu', valeur: (d) => decimal(d.droit.valeur), nombre: true },
  ];
  return (
    <section aria-labelledby={id} className="fr-mb-6w">
      <h2 id={id} className="fr-h3">
        {prev.libelle}
      </h2>
      <Tableau
        legende={`Calcul du flux prévu — ${prev.libelle}`}
        colonnes={[
          { titre: 'Poste', valeur: (l) => l[0], entete: true },
          { titre: 'Logements', valeur: (l) => decimal(l[1].valeur), nombre: true },
          { titre: 'Calcul', valeur: (l) => <span className="fr-text--sm">{l[1].explication}</span> },
        ]}
        lignes={lignes}
        cle={(l) => l[0]}
        bordure
      />
      <Tableau
        legende={`Droits prévus par réservataire — ${prev.libelle}`}
        colonnes={colonnesDroits}
        lignes={[...prev.droits.filter((d) => d.applicable), prev.bailleur]}
        cle={(d) => `${d.convention ?? 'bailleur'}`}
        bordure
      />
      {prev.avertissements.map((a) => (
        <Alert key={a} severity="warning" small description={a} className="fr-mb-1w" />
      ))}
    </section>
  );
}

/** The bailleur's inputs: saved under the version read (a concurrent save is refused, 409). */
function Hypotheses({
  annee,
  version,
  initial,
}: {
  annee: number;
  version: number | null;
  initial: PrevisionApi['parametres'] | null;
}) {
  const client = useQueryClient();
  const [valeurs, setValeurs] = useState(() => ({
    fenetre: String(initial?.fenetre ?? 1),
    livraisons: String(initial?.livraisons ?? 0),
    demolitions: String(initial?.demolitions ?? 0),
    ventes: String(initial?.ventes ?? 0),
    volumePru: String(initial?.volumePru ?? 0),
    ...Object.fromEntries(
      EXCLUSIONS_SAISIES.map(([m]) => [
        m,
        initial?.exclusionsPrevues[m] === undefined ? '' : String(initial.exclusionsPrevues[m]),
      ]),
    ),
  }));
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerPrevision({
        annee,
        version: version ?? 0,
        parametres: {
          ...(initial ?? {}),
          fenetre: Number(valeurs.fenetre),
          livraisons: Number(valeurs.livraisons),
          demolitions: Number(valeurs.demolitions),
          ventes: Number(valeurs.ventes),
          volumePru: Number(valeurs.volumePru),
          exclusionsPrevues: Object.fromEntries(
            EXCLUSIONS_SAISIES.filter(([m]) => (valeurs as Record<string, string>)[m] !== '').map(([m]) => [
              m,
              Number((valeurs as Record<string, string>)[m]),
            ]),
          ),
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.prevision.tout() }),
  });
  const probleme = (champ: string) =>
    envoi.error instanceof ErreurApi ? envoi.error.probleme(`parametres.${champ}`) : undefined;
  const champ = (nom: string, libelle: string, hint?: string, chemin = nom) => (
    <Input
      key={nom}
      label={libelle}
      hintText={hint}
      state={probleme(chemin) ? 'error' : 'default'}
      stateRelatedMessage={probleme(chemin)}
      nativeInputProps={{
        id: `prevision-${nom}`,
        type: 'number',
        min: 0,
        step: 1,
        value: (valeurs as Record<string, string>)[nom],
        onChange: (e) => setValeurs({ ...valeurs, [nom]: e.target.value }),
      }}
    />
  );
  return (
    <section aria-labelledby="prevision-hypotheses" className="fr-mb-6w">
      <h2 id="prevision-hypotheses" className="fr-h3">
        Hypothèses de la prévision {annee}
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          envoi.mutate();
        }}
        aria-label={`Hypothèses de la prévision ${annee}`}
        noValidate
      >
        <Select
          label="Fenêtre d’observation"
          hint="Années complètes dont la moyenne fait les remises en location"
          nativeSelectProps={{
            id: 'prevision-fenetre',
            value: valeurs.fenetre,
            onChange: (e) => setValeurs({ ...valeurs, fenetre: e.target.value }),
          }}
        >
          {[1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {n} an{n > 1 ? 's' : ''}
            </option>
          ))}
        </Select>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            {champ('livraisons', 'Livraisons prévues', 'premières mises en location de l’année')}
            {champ('demolitions', 'Démolitions prévues')}
            {champ('ventes', 'Ventes prévues')}
            {champ('volumePru', 'Volume réservé aux relogements PRU/ANRU', 'retiré du flux')}
          </div>
          <div className="fr-col-12 fr-col-md-6">
            {EXCLUSIONS_SAISIES.map(([m, libelle]) =>
              champ(m, libelle, 'vide : moyenne de la fenêtre', `exclusionsPrevues.${m}`),
            )}
          </div>
        </div>
        <Button type="submit" disabled={envoi.isPending}>
          Enregistrer les hypothèses
        </Button>
        <div aria-live="polite">
          {envoi.isSuccess ? (
            <Alert
              severity="success"
              small
              description={`Hypothèses enregistrées (version ${envoi.data.version}) : la prévision est recalculée.`}
              className="fr-mt-2w"
            />
          ) : null}
          {envoi.error ? (
            <Alert severity="error" small description={messageErreur(envoi.error)} className="fr-mt-2w" />
          ) : null}
        </div>
      </form>
    </section>
  );
}
