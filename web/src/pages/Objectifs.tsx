/**
 * « Objectifs » (issue 6 item 6, GET /api/objectifs): the allocation objectives of the year so far,
 * per EPCI (first quartile or ANRU/ORCOD rehousing outside QPV; above the first quartile in QPV)
 * over every lease of the year, in the flow or outside it, and per ledger line (priority
 * households), in the actor's scope; each as bars with the same figures in a table, the unknown
 * quartiles counted, the early warnings with how the trend is computed, and for each EPCI the
 * leases behind its figures (`?epci=`, GET /api/objectifs/baux).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { lireBauxObjectifs, lireObjectifs, type BauxObjectifsApi, type ObjectifsApi } from '../api.ts';
import { CiblesCia } from '../composants/CiblesCia.tsx';
import { NomLogement } from '../composants/Listes.tsx';
import { Pagination, pageDemandee } from '../composants/Pagination.tsx';
import { BarresEmpilees, type Serie } from '../composants/Barres.tsx';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, dateEnLettres, de, decimal, nombre, taux } from '../format.ts';
import { cles } from '../cles.ts';
import { useSessionOuverte } from '../session.tsx';

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

function colonnesSuivi<T>(
  titre: string,
  nom: (l: T) => string,
  suivi: (l: T) => Suivi,
  quartiles: boolean,
  lien?: (l: T) => string,
): Colonne<T>[] {
  return [
    {
      titre,
      entete: true,
      // The name opens the leases behind the figures (the drill-down), when the list has them.
      valeur: (l) =>
        lien ? (
          <Link to={lien(l)}>
            {nom(l)}
            <span className="fr-sr-only"> : voir les baux</span>
          </Link>
        ) : (
          nom(l)
        ),
    },
    { titre: 'Baux', valeur: (l) => nombre(suivi(l).denominateur), nombre: true },
    { titre: 'Servant l’objectif', valeur: (l) => nombre(suivi(l).numerateur), nombre: true },
    ...(quartiles
      ? [
          {
            titre: 'Quartile inconnu',
            valeur: (l: T) => (suivi(l).inconnus ? nombre(suivi(l).inconnus) : '—'),
            nombre: true,
          },
        ]
      : []),
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
  quartiles = false,
  lien,
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
  quartiles?: boolean;
  lien?: (l: T) => string;
}) {
  return (
    <>
      <BarresEmpilees titre={titre} series={lignes.map((l) => serie(cle(l), nom(l), suivi(l)))} modalites={modalites} />
      <Tableau
        id={id}
        legende={legende}
        colonnes={colonnesSuivi<T>(entete, nom, suivi, quartiles, lien)}
        lignes={lignes}
        cle={cle}
        bordure
      />
    </>
  );
}

const PAR_PAGE_BAUX = 50;
type Bail = BauxObjectifsApi['baux'][number];

const quartile = (b: Bail): string =>
  b.quartile1 === null ? 'inconnu' : b.quartile1 ? '1er quartile' : 'autres quartiles';

/** The leases behind one EPCI's objectives, a page at a time, each with what the objectives read of it. */
function BauxEpci({ epci, page }: { epci: string; page: number }) {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.bauxObjectifs({ epci, page }),
    queryFn: ({ signal }) => lireBauxObjectifs({ epci, page, parPage: PAR_PAGE_BAUX }, signal),
    placeholderData: keepPreviousData,
  });
  if (isPending) return <Chargement quoi="les baux" />;
  if (error) return <ErreurChargement erreur={error} quoi="les baux" reessayer={() => void refetch()} />;
  return (
    <section aria-labelledby="objectifs-baux" className="fr-mt-4w">
      <h2 id="objectifs-baux" className="fr-h3" tabIndex={-1}>
        {`Les baux de ${data.annee} : ${data.nom}`}
      </h2>
      <p>
        {`${nombre(data.total)} bail(aux) signé(s) sur ce territoire dans votre périmètre, dans le flux et hors du flux ; chacun compte dans l’objectif de son logement (hors QPV ou en QPV).`}{' '}
        <Link to="?">Revenir aux objectifs</Link>
      </p>
      {data.total === 0 ? (
        <Vide>Aucun bail signé sur ce territoire cette année.</Vide>
      ) : (
        <Tableau
          id="tableau-objectifs-baux"
          legende={`Baux ${de(data.nom)} et ce que les objectifs en retiennent`}
          colonnes={[
            {
              titre: 'Logement',
              entete: true,
              valeur: (b: Bail) => (
                <>
                  <NomLogement
                    id={b.logement.id}
                    rpls={b.logement.rpls}
                    adresse={b.logement.adresse}
                    vers={`/locations/${b.locationId}`}
                  />
                  <span className="flux-secondaire">
                    {b.logement.nomCommune}, {b.logement.qpv ? 'en QPV' : 'hors QPV'}
                  </span>
                </>
              ),
            },
            { titre: 'Bail signé le', valeur: (b) => date(b.dateSignature) },
            {
              titre: 'Attribution',
              valeur: (b) => (
                <>
                  {b.bailleur}
                  <span className="flux-secondaire">
                    {b.horsFlux ? `hors du flux : ${b.horsFlux}` : (b.ligne ?? '—')}
                  </span>
                </>
              ),
            },
            {
              titre: 'Ménage',
              valeur: (b) =>
                [
                  quartile(b),
                  ...(b.relogement ? [`relogé ${b.relogement}`] : []),
                  ...(b.prioritaire ? ['prioritaire'] : []),
                  ...(b.agentEtat ? ['agent de l’État'] : []),
                ].join(', '),
            },
            {
              titre: 'Objectif',
              valeur: (b) =>
                b.sert ? (
                  <Badge as="span" small severity="success" noIcon>
                    le sert
                  </Badge>
                ) : b.quartile1 === null && !b.relogement ? (
                  'compté, quartile inconnu'
                ) : (
                  'compté, ne le sert pas'
                ),
            },
          ]}
          lignes={data.baux}
          cle={(b) => b.locationId}
          bordure
        />
      )}
      <Pagination page={data.page} total={data.total} taille={data.parPage} />
    </section>
  );
}

export function Objectifs() {
  const [parametres] = useSearchParams();
  const epci = parametres.get('epci');
  const page = pageDemandee(parametres.get('page'));
  const session = useSessionOuverte();
  const estEpci = session.role === 'lecteur_epci';
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.objectifs(),
    queryFn: ({ signal }) => lireObjectifs(undefined, signal),
  });
  const lienEpci = (e: { epci: string | null }) => `?epci=${e.epci ?? 'aucun'}`;
  return (
    <Page titre="Objectifs d’attribution" titreDocument="Objectifs d’attribution">
      <p className="fr-text--lead">
        Les objectifs de la loi (CCH L.441-1) suivis en continu sur tous les baux signés de l’année, dans le flux et
        hors du flux (mutations, relogements) : par EPCI, 25 % au moins des attributions hors QPV au premier quartile ou
        à des ménages relogés dans le cadre du renouvellement urbain (ANRU) ou d’une ORCOD, et 50 % au moins des
        attributions en QPV aux autres quartiles ; un ménage au quartile inconnu compte parmi les baux sans servir
        l’objectif. Par réservataire et pour la part propre du bailleur, 25 % au moins de ménages prioritaires ; pour
        l’État, tous ses baux hors agents de l’État.
      </p>
      {isPending ? (
        <Chargement quoi="les objectifs" />
      ) : error ? (
        <ErreurChargement erreur={error} quoi="les objectifs" reessayer={() => void refetch()} />
      ) : (
        <>
          <p>
            {`Année ${data.annee}, au ${dateEnLettres(data.aujourdhui)} (${taux(data.avancement)} de l’année écoulée) : ${nombre(data.baux)} bail(aux) signé(s) dans votre périmètre${data.bauxHorsFlux ? `, dont ${nombre(data.bauxHorsFlux)} hors du flux (comptés par EPCI, sur aucune ligne de réservataire)` : ''}.`}
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
          {estEpci ? <CiblesCia epci={null} annee={data.annee} /> : null}
          {epci && epci !== 'aucun' && !estEpci ? (
            <CiblesCia key={`cia-${epci}`} epci={epci} annee={data.annee} />
          ) : null}
          {epci ? <BauxEpci key={epci} epci={epci} page={page} /> : null}
          {data.parEpci.length ? (
            <section aria-labelledby="objectifs-epci">
              <h2 id="objectifs-epci" className="fr-h3 fr-mt-4w">
                Par EPCI
              </h2>
              <p className="fr-text--sm">
                {data.parEpci.some((e) => e.referenceCia)
                  ? `Objectifs fixés par la CIA pour : ${data.parEpci
                      .filter((e) => e.referenceCia)
                      .map((e) => `${e.nom} (${e.referenceCia})`)
                      .join(' ; ')}. Ailleurs, ceux de la loi.`
                  : 'Aucune CIA saisie par les EPCI de votre périmètre : les objectifs de la loi s’appliquent.'}{' '}
                Choisissez un EPCI pour voir ses baux et les objectifs de sa CIA.
              </p>
              <h3 className="fr-h5">Hors QPV : premier quartile ou relogés ANRU/ORCOD</h3>
              <SuiviObjectif
                id="tableau-objectifs-q1"
                titre="Part des baux hors QPV signés par des ménages du premier quartile ou relogés ANRU/ORCOD, par EPCI"
                legende="Hors QPV : baux au premier quartile ou à des relogés ANRU/ORCOD, par EPCI"
                entete="EPCI"
                lignes={data.parEpci}
                cle={(e) => e.epci ?? 'aucun'}
                nom={(e) => e.nom}
                suivi={(e) => e.quartile1HorsQpv}
                quartiles
                lien={lienEpci}
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
                quartiles
                lien={lienEpci}
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
