/**
 * « Objectifs » (issue 6 item 6, GET /api/objectifs): the allocation objectives of the year so far,
 * per EPCI (first quartile or ANRU outside QPV; above the first quartile in QPV) and per ledger line
 * (priority households), from the signed leases, in the actor's scope; each as bars with the same
 * figures in a table, and the early warnings with how the trend is computed.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useQuery } from '@tanstack/react-query';
import { lireObjectifs, type ObjectifsApi } from '../api.ts';
import { BarresEmpilees, type Serie } from '../composants/Barres.tsx';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { dateEnLettres, decimal, nombre, taux } from '../format.ts';
import { cles } from '../cles.ts';

type Suivi = ObjectifsApi['parLigne'][number]['prioritaires'];

const TENDANCES: Record<
  Suivi['tendance'],
  { libelle: string; severite: 'success' | 'error' | 'info' | 'warning' | 'new' }
> = {
  atteint: { libelle: 'Atteint', severite: 'success' },
  non_atteint: { libelle: 'Non atteint', severite: 'error' },
  en_bonne_voie: { libelle: 'En bonne voie', severite: 'success' },
  en_retard: { libelle: 'En retard', severite: 'warning' },
  hors_d_atteinte: { libelle: 'Hors d’atteinte', severite: 'error' },
  sans_donnees: { libelle: 'Sans données', severite: 'info' },
};

function BadgeTendance({ suivi }: { suivi: Suivi }) {
  const t = TENDANCES[suivi.tendance];
  return (
    <Badge as="span" small severity={t.severite}>
      {t.libelle}
    </Badge>
  );
}

const MODALITES = [
  { code: 'oui', libelle: 'Baux servant l’objectif' },
  { code: 'non', libelle: 'Autres baux' },
];
const serie = (id: string, libelle: string, s: Suivi): Serie => ({
  id,
  libelle,
  valeurs: { oui: s.numerateur, non: s.denominateur - s.numerateur },
});

/** The share of the remaining leases needed: above 100 % the target is out of reach. */
const partRequise = (p: number | null): string => (p === null ? '—' : p > 1 ? 'plus de 100 %' : taux(p));

function colonnesSuivi<T>(titre: string, nom: (l: T) => string, suivi: (l: T) => Suivi): Colonne<T>[] {
  return [
    { titre, entete: true, valeur: nom },
    { titre: 'Baux', valeur: (l) => nombre(suivi(l).denominateur), nombre: true },
    { titre: 'Servant l’objectif', valeur: (l) => nombre(suivi(l).numerateur), nombre: true },
    { titre: 'Part', valeur: (l) => (suivi(l).part === null ? '—' : taux(suivi(l).part!)), nombre: true },
    { titre: 'Objectif', valeur: (l) => taux(suivi(l).cible), nombre: true },
    { titre: 'Baux attendus au 31 déc.', valeur: (l) => decimal(suivi(l).projectionFinAnnee), nombre: true },
    { titre: 'Part requise des baux restants', valeur: (l) => partRequise(suivi(l).partRequiseRestants), nombre: true },
    { titre: 'Tendance', valeur: (l) => <BadgeTendance suivi={suivi(l)} /> },
  ];
}

/** One objective followed over a list (EPCI, ledger lines): its chart and its table. */
function SuiviObjectif<T>({
  id,
  titre,
  legende,
  entete,
  lignes,
  cle,
  nom,
  suivi,
  modalites = MODALITES,
}: {
  id: string;
  titre: string;
  legende: string;
  entete: string;
  lignes: T[];
  cle: (l: T) => string;
  nom: (l: T) => string;
  suivi: (l: T) => Suivi;
  modalites?: { code: string; libelle: string }[];
}) {
  return (
    <>
      <BarresEmpilees titre={titre} series={lignes.map((l) => serie(cle(l), nom(l), suivi(l)))} modalites={modalites} />
      <Tableau
        id={id}
        legende={legende}
        colonnes={colonnesSuivi<T>(entete, nom, suivi)}
        lignes={lignes}
        cle={cle}
        bordure
      />
    </>
  );
}

export function Objectifs() {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.objectifs(),
    queryFn: ({ signal }) => lireObjectifs(undefined, signal),
  });
  return (
    <Page titre="Objectifs d’attribution" titreDocument="Objectifs d’attribution">
      <p className="fr-text--lead">
        Les objectifs de la loi (CCH L.441-1) suivis en continu sur les baux signés de l’année : par EPCI, 25 % au moins
        des attributions hors QPV au premier quartile ou à des ménages relogés dans le cadre du renouvellement urbain,
        et 50 % au moins des attributions en QPV aux autres quartiles ; par réservataire et pour la part propre du
        bailleur, 25 % au moins de ménages prioritaires.
      </p>
      {isPending ? (
        <Chargement quoi="les objectifs" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="les objectifs" reessayer={() => void refetch()} />
      ) : (
        <>
          <p>
            {`Année ${data.annee}, au ${dateEnLettres(data.aujourdhui)} (${taux(data.avancement)} de l’année écoulée) : ${nombre(data.baux)} bail(aux) signé(s) dans votre périmètre.`}
          </p>
          <p className="fr-text--sm">{data.methode}</p>
          {data.alertes.length ? (
            <Alert
              severity="warning"
              as="h2"
              title={`${data.alertes.length} objectif(s) en retard ou hors d’atteinte`}
              description={
                <ul>
                  {data.alertes.map((a) => (
                    <li key={a}>{a}</li>
                  ))}
                </ul>
              }
              className="fr-mb-4w"
            />
          ) : (
            <Alert
              severity="success"
              as="h2"
              title="Aucune alerte"
              description="Chaque objectif suivi est en bonne voie ou sans données."
              small
              className="fr-mb-4w"
            />
          )}
          {data.baux === 0 ? <Vide>Aucun bail signé cette année dans votre périmètre.</Vide> : null}
          {data.parEpci.length ? (
            <section aria-labelledby="objectifs-epci">
              <h2 id="objectifs-epci" className="fr-h3 fr-mt-4w">
                Par EPCI
              </h2>
              <h3 className="fr-h5">Hors QPV : premier quartile ou relogés ANRU</h3>
              <SuiviObjectif
                id="tableau-objectifs-q1"
                titre="Part des baux hors QPV signés par des ménages du premier quartile ou relogés ANRU, par EPCI"
                legende="Hors QPV : baux au premier quartile ou à des relogés ANRU, par EPCI"
                entete="EPCI"
                lignes={data.parEpci}
                cle={(e) => e.epci ?? 'aucun'}
                nom={(e) => e.nom}
                suivi={(e) => e.quartile1HorsQpv}
              />
              <h3 className="fr-h5 fr-mt-4w">En QPV : ménages hors premier quartile</h3>
              <SuiviObjectif
                id="tableau-objectifs-qpv"
                titre="Part des baux en QPV signés par des ménages hors premier quartile, par EPCI"
                legende="En QPV : baux à des ménages hors premier quartile, par EPCI"
                entete="EPCI"
                lignes={data.parEpci}
                cle={(e) => e.epci ?? 'aucun'}
                nom={(e) => e.nom}
                suivi={(e) => e.nonQuartile1EnQpv}
              />
            </section>
          ) : null}
          {data.parLigne.length ? (
            <section aria-labelledby="objectifs-lignes">
              <h2 id="objectifs-lignes" className="fr-h3 fr-mt-4w">
                Par réservataire : ménages prioritaires
              </h2>
              <SuiviObjectif
                id="tableau-objectifs-prioritaires"
                titre="Part des baux signés par des ménages prioritaires, par réservataire et pour la part propre du bailleur"
                legende="Baux à des ménages prioritaires (DALO et autres catégories de l’article L.441-1), par ligne"
                entete="Réservataire"
                lignes={data.parLigne}
                cle={(l) => l.ligne}
                nom={(l) => l.nom}
                suivi={(l) => l.prioritaires}
                modalites={[
                  { code: 'oui', libelle: 'Ménages prioritaires' },
                  { code: 'non', libelle: 'Autres ménages' },
                ]}
              />
            </section>
          ) : null}
        </>
      )}
    </Page>
  );
}
