/**
 * « État des lieux des réservations » (rules.md §7): the bailleur's stock per réservataire, the
 * non-reserved and unknown stock, side by side with the whole stock, in eight dimensions (charts and
 * their tables), the affordable share, the XLSX; the locked versions (« photo de départ ») and each
 * party's signature; and, for the bailleur, the import of its stock reservations.
 * The bailleur sees its own stock; the State pilot and a réservataire choose a bailleur (a
 * réservataire sees its own part, the other réservataires summed).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  adresseEtatXlsx,
  adresseVersionXlsx,
  ErreurApi,
  lireEtatDesLieux,
  lireVersionsEtat,
  signerEtat,
  televerserReservations,
  verrouillerEtat,
  type EtatDesLieuxApi,
  type ResumeReservationsApi,
  type VersionEtatApi,
} from '../api.ts';
import { BarresEmpilees, BarresSimples } from '../composants/Barres.tsx';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { FormulaireTeleversement } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, nombre, pluriel, taux } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';
import { TAILLE_MAX_RESERVATIONS } from '../../../src/contracts/televersement.ts';
import { cles } from '../cles.ts';

type Groupe = EtatDesLieuxApi['groupes'][number];
type Dimension = keyof EtatDesLieuxApi['modalites'];

const DIMENSIONS: { code: Dimension; libelle: string }[] = [
  { code: 'typologie', libelle: 'Typologie' },
  { code: 'financement', libelle: 'Financement' },
  { code: 'qpv', libelle: 'Quartier prioritaire (QPV)' },
  { code: 'periode', libelle: 'Période de construction' },
  { code: 'habitat', libelle: 'Collectif ou individuel' },
  { code: 'abordable', libelle: 'Loyer et plafond APL' },
  { code: 'epci', libelle: 'EPCI' },
  { code: 'commune', libelle: 'Commune' },
];

/** Communes beyond this rank are summed in « Autres communes » in the chart (the table has them all). */
const COMMUNES_DANS_LE_GRAPHIQUE = 10;

function partAbordable(g: Groupe): number | null {
  const a = g.mixes.abordable['abordable'] ?? 0;
  const connus = a + (g.mixes.abordable['au-dessus'] ?? 0);
  return connus ? a / connus : null;
}

export function EtatDesLieux() {
  const session = useSessionOuverte();
  const choisit = session.role !== 'agent_bailleur';
  const [parametres] = useSearchParams();
  const bailleur = choisit ? parametres.get('bailleur') || undefined : undefined;
  const demande = { bailleur };
  const actif = !choisit || bailleur !== undefined;
  const etat = useQuery({
    queryKey: cles.etatDesLieux.demande(demande),
    queryFn: ({ signal }) => lireEtatDesLieux(demande, signal),
    placeholderData: keepPreviousData,
    enabled: actif,
  });
  const versions = useQuery({
    queryKey: cles.versionsEtat.demande(demande),
    queryFn: ({ signal }) => lireVersionsEtat(demande, signal),
    enabled: actif,
  });
  const titre = etat.data ? `État des lieux — ${etat.data.bailleur.nom}` : 'État des lieux des réservations';
  return (
    <Page titre="État des lieux des réservations" titreDocument={titre}>
      <p className="fr-text--lead">
        La photographie de départ avant la gestion en flux : pour chaque réservataire, le non réservé et les
        réservations inconnues, le nombre de logements et leur profil, à côté de l’ensemble du parc. Une fois
        verrouillée et signée par chaque partie, elle sert de base à la conversion en flux.
      </p>
      {choisit ? <ChoixBailleur bailleur={bailleur} /> : null}
      {!actif ? (
        <Vide>Choisissez un bailleur pour afficher son état des lieux.</Vide>
      ) : etat.isPending ? (
        <Chargement quoi="l’état des lieux" />
      ) : etat.error && !etat.data ? (
        <ErreurChargement erreur={etat.error} quoi="l’état des lieux" reessayer={() => void etat.refetch()} />
      ) : etat.data ? (
        <>
          <Photographie etat={etat.data} />
          <Versions versions={versions.data} erreur={versions.error} demande={demande} />
          {session.role === 'agent_bailleur' ? <ImportReservations /> : null}
        </>
      ) : null}
    </Page>
  );
}

function ChoixBailleur({ bailleur }: { bailleur: string | undefined }) {
  const [, setParametres] = useSearchParams();
  const [choix, setChoix] = useState(bailleur ?? '');
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    if (choix) setParametres({ bailleur: choix });
  };
  return (
    <form onSubmit={envoyer} className="flux-filtres fr-mb-4w" aria-label="Choisir le bailleur">
      <SelectBailleur id="edl-bailleur" valeur={choix} surChoix={setChoix} />
      <Button type="submit" priority="secondary">
        Afficher
      </Button>
    </form>
  );
}

function Photographie({ etat }: { etat: EtatDesLieuxApi }) {
  const [dimension, setDimension] = useState<Dimension>('typologie');
  const ensemble = etat.groupes.find((g) => g.nature === 'ensemble')!;
  const groupe = (id: string) => etat.groupes.find((g) => g.id === id);
  const reserves = etat.groupes
    .filter((g) => g.nature === 'reservataire' || g.nature === 'autres')
    .reduce((s, g) => s + g.logements, 0);
  const inconnue = groupe('INCONNUE')?.logements ?? 0;
  const abordable = partAbordable(ensemble);
  const colonnes: Colonne<Groupe>[] = [
    { titre: 'Groupe', valeur: (g) => g.libelle, entete: true },
    { titre: 'Logements', valeur: (g) => nombre(g.logements), nombre: true },
    {
      titre: 'Part du parc',
      valeur: (g) => (ensemble.logements ? taux(g.logements / ensemble.logements) : '—'),
      nombre: true,
    },
    { titre: 'Droits uniques', valeur: (g) => nombre(g.droitsUniques), nombre: true },
    {
      titre: 'Part abordable',
      valeur: (g) => (partAbordable(g) === null ? '—' : taux(partAbordable(g)!)),
      nombre: true,
    },
  ];
  // The chart of one dimension: the modalities in order (communes: the first ones, the rest summed).
  let modalites = etat.modalites[dimension].map((code) => ({ code, libelle: etat.libelles[dimension][code] ?? code }));
  let series = etat.groupes.map((g) => ({ id: g.id, libelle: g.libelle, valeurs: g.mixes[dimension] }));
  if (dimension === 'commune' && modalites.length > COMMUNES_DANS_LE_GRAPHIQUE + 1) {
    const gardees = new Set(modalites.slice(0, COMMUNES_DANS_LE_GRAPHIQUE).map((m) => m.code));
    modalites = [...modalites.slice(0, COMMUNES_DANS_LE_GRAPHIQUE), { code: 'autres', libelle: 'Autres communes' }];
    series = series.map((s) => {
      const valeurs: Record<string, number> = {};
      for (const [c, n] of Object.entries(s.valeurs)) {
        const cle = gardees.has(c) ? c : 'autres';
        valeurs[cle] = (valeurs[cle] ?? 0) + n;
      }
      return { ...s, valeurs };
    });
  }
  const libelleDimension = DIMENSIONS.find((d) => d.code === dimension)!.libelle;
  const lignesDimension = etat.modalites[dimension].map((code) => ({
    code,
    libelle: etat.libelles[dimension][code] ?? code,
  }));
  const colonnesDimension: Colonne<{ code: string; libelle: string }>[] = [
    { titre: libelleDimension, valeur: (m) => m.libelle, entete: true },
    ...etat.groupes.map((g): Colonne<{ code: string; libelle: string }> => ({
      titre: g.libelle,
      valeur: (m) => {
        const n = g.mixes[dimension][m.code] ?? 0;
        return `${nombre(n)} (${g.logements ? taux(n / g.logements) : '—'})`;
      },
      nombre: true,
    })),
  ];
  return (
    <>
      <ChiffresCles titre={`${etat.bailleur.nom} — département ${etat.departement}, au ${date(etat.date)}`}>
        <ChiffreCle
          libelle="Logements du parc"
          valeur={nombre(ensemble.logements)}
          detail={pluriel(ensemble.droitsUniques, 'droit unique', 'droits uniques') + ' en plus'}
        />
        <ChiffreCle
          libelle="Réservés"
          valeur={ensemble.logements ? taux(reserves / ensemble.logements) : '—'}
          detail={`${pluriel(reserves, 'logement')} réservés à un réservataire`}
        />
        <ChiffreCle
          libelle="Réservation inconnue"
          valeur={nombre(inconnue)}
          detail="à compléter avant de verrouiller (import des réservations)"
        />
        <ChiffreCle
          libelle="Part abordable"
          valeur={abordable === null ? '—' : taux(abordable)}
          detail="loyer au plus au plafond APL du ménage que la typologie accueille"
        />
      </ChiffresCles>
      <section aria-labelledby="edl-groupes" className="fr-mb-6w">
        <h2 id="edl-groupes" className="fr-h3">
          Réservations du stock
        </h2>
        <BarresSimples
          titre={`Logements par groupe : ${etat.groupes.map((g) => `${g.libelle} ${nombre(g.logements)}`).join(', ')}`}
          items={etat.groupes
            .filter((g) => g.nature !== 'ensemble')
            .map((g) => ({ id: g.id, libelle: g.libelle, valeur: g.logements }))}
          total={ensemble.logements}
        />
        <Tableau
          id="tableau-edl-groupes"
          legende="Logements par réservataire, à côté de l’ensemble du parc"
          colonnes={colonnes}
          lignes={etat.groupes}
          cle={(g) => g.id}
          bordure
        />
        <p className="fr-text--sm fr-mt-1w">
          Plafonds APL :{' '}
          {etat.bareme
            ? `${etat.bareme.source}, depuis le ${date(etat.bareme.du)}`
            : 'aucun barème en vigueur à cette date'}
          . Ménage retenu :{' '}
          {Object.entries(etat.menages)
            .map(([t, m]) => `${t} ${m}`)
            .join(', ')}
          .
        </p>
      </section>
      <section aria-labelledby="edl-profil" className="fr-mb-6w">
        <h2 id="edl-profil" className="fr-h3">
          Profil des logements
        </h2>
        <div className="flux-filtres fr-mb-2w">
          <Select
            label="Dimension"
            nativeSelectProps={{
              id: 'edl-dimension',
              value: dimension,
              onChange: (e) => setDimension(e.target.value as Dimension),
            }}
          >
            {DIMENSIONS.map((d) => (
              <option key={d.code} value={d.code}>
                {d.libelle}
              </option>
            ))}
          </Select>
        </div>
        <BarresEmpilees
          titre={`${libelleDimension} : répartition de chaque groupe (barres à 100 %), détail dans le tableau qui suit`}
          series={series}
          modalites={modalites}
        />
        <Tableau
          id="tableau-edl-dimension"
          legende={`${libelleDimension} — logements et part de chaque groupe`}
          colonnes={colonnesDimension}
          lignes={lignesDimension}
          cle={(m) => m.code}
          bordure
          compact
        />
        <p className="fr-mt-2w">
          <a
            className="fr-link fr-link--download"
            href={adresseEtatXlsx({ bailleur: etat.bailleur.id, departement: etat.departement })}
            download
          >
            Télécharger l’état des lieux du jour
            <span className="fr-link__detail">XLSX — synthèse, une feuille par dimension, détail des logements</span>
          </a>
        </p>
      </section>
    </>
  );
}

function Versions({
  versions,
  erreur,
  demande,
}: {
  versions: VersionEtatApi[] | undefined;
  erreur: unknown;
  demande: { bailleur?: string | undefined };
}) {
  const session = useSessionOuverte();
  const client = useQueryClient();
  const rafraichir = () => client.invalidateQueries({ queryKey: cles.versionsEtat.tout() });
  const verrouillage = useMutation({ mutationFn: () => verrouillerEtat(demande), onSuccess: rafraichir });
  const signature = useMutation({
    mutationFn: (v: VersionEtatApi) => signerEtat(v.id, v.empreinte),
    onSuccess: rafraichir,
  });
  return (
    <section aria-labelledby="edl-versions" className="fr-mb-6w">
      <h2 id="edl-versions" className="fr-h3">
        Versions verrouillées (photo de départ)
      </h2>
      {session.role === 'agent_bailleur' ? (
        <>
          <p>
            Verrouiller fige la photographie du jour dans une version immuable, que chaque partie (vous et chaque
            réservataire détenteur de logements) signe ensuite.
          </p>
          <Button iconId="fr-icon-lock-line" onClick={() => verrouillage.mutate()} disabled={verrouillage.isPending}>
            Verrouiller la photographie du jour
          </Button>
          {verrouillage.error ? (
            <Alert
              severity={verrouillage.error instanceof ErreurApi && verrouillage.error.statut === 409 ? 'info' : 'error'}
              small
              description={messageErreur(verrouillage.error)}
              className="fr-mt-2w"
            />
          ) : null}
          {verrouillage.data ? (
            <Alert
              severity="success"
              small
              description={`Version ${verrouillage.data.version} verrouillée : elle attend la signature de chaque partie.`}
              className="fr-mt-2w"
            />
          ) : null}
        </>
      ) : null}
      {signature.error ? (
        <Alert severity="error" small description={messageErreur(signature.error)} className="fr-mt-2w" />
      ) : null}
      {erreur ? <ErreurChargement erreur={erreur} quoi="les versions verrouillées" /> : null}
      {versions && versions.length === 0 ? <Vide>Aucune version verrouillée pour l’instant.</Vide> : null}
      {versions?.map((v) => {
        const partie = v.parties.find((p) => p.organisationId === session.organisation.id);
        return (
          <article
            key={v.id}
            className="fr-card fr-card--no-arrow fr-p-3w fr-mt-3w"
            aria-labelledby={`version-${v.id}`}
          >
            <h3 id={`version-${v.id}`} className="fr-h5">
              Version {v.version} — verrouillée le {date(v.verrouilleLe)} par {v.verrouillePar}{' '}
              {v.statut === 'signe' ? (
                <Badge as="span" severity="success" small>
                  Signée par toutes les parties
                </Badge>
              ) : (
                <Badge as="span" severity="warning" small>
                  En attente de signatures
                </Badge>
              )}
            </h3>
            <p className="fr-text--sm">
              Empreinte SHA-256 : <span className="flux-empreinte">{v.empreinte}</span>
            </p>
            <ul>
              {v.parties.map((p) => (
                <li key={p.organisationId}>
                  {p.nom} : {p.signeLe ? `signée le ${date(p.signeLe)} par ${p.signataire ?? '—'}` : 'en attente'}
                </li>
              ))}
            </ul>
            <p className="fr-mt-1w">
              <a className="fr-link fr-link--download" href={adresseVersionXlsx(v.id)} download>
                Télécharger la version {v.version}
                <span className="fr-link__detail">XLSX</span>
              </a>
            </p>
            {partie && !partie.signeLe && session.role !== 'lecteur_epci' ? (
              <Button
                priority="secondary"
                iconId="fr-icon-edit-line"
                onClick={() => signature.mutate(v)}
                disabled={signature.isPending}
              >
                {`Signer la version ${v.version} pour ${partie.nom}`}
              </Button>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}

function ImportReservations() {
  const client = useQueryClient();
  return (
    <section aria-labelledby="edl-import" className="fr-mb-6w">
      <h2 id="edl-import" className="fr-h3">
        Importer les réservations du stock
      </h2>
      <p>
        Un fichier CSV avec une ligne par logement : <code>RPLS</code> (identifiant), <code>RESERVATAIRE</code>{' '}
        (identifiant Flux ou SIREN ; vide si non réservé) et, au besoin, <code>TYPE</code> (réservé, droit unique,
        aucune, inconnue). Tout ou rien : une ligne invalide et rien n’est modifié.
      </p>
      <FormulaireTeleversement<ResumeReservationsApi>
        id="edl"
        libelle="Fichier des réservations"
        format="CSV « ; » ou « , », UTF-8 ou Latin-1"
        accept=".csv,text/csv"
        tailleMax={TAILLE_MAX_RESERVATIONS}
        messageChoix="Choisissez le fichier des réservations à importer."
        nomFormulaire="Import des réservations du stock"
        bouton="Importer"
        titreRefus="Fichier refusé : rien n’a été modifié"
        titreErreur="Fichier refusé : rien n’a été modifié"
        niveau="h3"
        envoyer={(fichier) => televerserReservations(fichier)}
        apres={() => client.invalidateQueries({ queryKey: cles.etatDesLieux.tout() })}
        resultat={(resume) => <ResumeImport resume={resume} />}
      />
    </section>
  );
}

function ResumeImport({ resume }: { resume: ResumeReservationsApi }) {
  return (
    <Alert
      severity="success"
      as="h3"
      role="status"
      title="Réservations importées"
      description={`${pluriel(resume.lignes, 'ligne')} lues : ${pluriel(resume.modifies, 'logement modifié', 'logements modifiés')}, ${nombre(resume.inchanges)} inchangé(s) ; réservés ${nombre(resume.parNature.reserve)}, droits uniques ${nombre(resume.parNature.droit_unique)}, non réservés ${nombre(resume.parNature.aucune)}, inconnus ${nombre(resume.parNature.inconnue)}.`}
      className="fr-mt-2w"
    />
  );
}
