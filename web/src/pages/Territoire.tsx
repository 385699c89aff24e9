/**
 * The territory's consolidation (issue 14 item 3):
 * - `Territoire` (EPCI, for its CIL): every convention covering its territory, for every bailleur,
 *   consolidated by réservataire — taux, units expected on the territory this year, qualitative
 *   terms — and the drafts to review before signature (CCH L.441-1-5);
 * - `Departement` (State pilot): each bailleur's conventions and the State's share (CCH R.441-5-2),
 *   the share by commune, what is missing or caduque, the drafts awaiting the CIL or the signature,
 *   and the XLSX export.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  lienVueDepartementaleXlsx,
  lireConsolidationEpci,
  lireVueDepartementale,
  type ConsolidationEpciApi,
  type ProjetApi,
  type VueDepartementaleApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { EtatRequete } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date, de, decimal, nombre, taux } from '../format.ts';
import { TYPES_RESERVATAIRE } from '../roles.ts';
import { BadgeProjet } from './ProjetConvention.tsx';

type Reservataire = ConsolidationEpciApi['reservataires'][number];
type ConventionTerritoire = Reservataire['conventions'][number];

function TableauProjets({ projets, legende }: { projets: readonly ProjetApi[]; legende: string }) {
  if (!projets.length) return <p>Aucun projet en cours.</p>;
  return (
    <Tableau
      legende={legende}
      legendeMasquee
      colonnes={[
        {
          titre: 'Projet',
          valeur: (p: ProjetApi) => (
            <Link to={`/conventions/projets/${encodeURIComponent(p.id)}`}>
              {p.conventionId ? 'Avenant' : 'Convention'} {p.bailleur.nom} — {p.reservataire.nom}
            </Link>
          ),
          entete: true,
        },
        { titre: 'Taux proposé', valeur: (p) => taux(p.taux), nombre: true },
        { titre: 'Date d’effet', valeur: (p) => date(p.effectifLe) },
        { titre: 'Statut', valeur: (p) => <BadgeProjet projet={p} /> },
      ]}
      lignes={projets}
      cle={(p) => p.id}
    />
  );
}

export function Territoire() {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.territoire.epci(undefined),
    queryFn: ({ signal }) => lireConsolidationEpci(undefined, signal),
  });
  return (
    <Page
      titre="Conventions du territoire"
      titreDocument="Conventions du territoire"
      sousTitre={
        data ? (
          <p className="fr-text--lead">
            {data.epci.nom} : les conventions de réservation de tous les bailleurs qui couvrent le territoire, par
            réservataire, pour la conférence intercommunale du logement. Année {data.annee}.
          </p>
        ) : undefined
      }
    >
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="les conventions du territoire">
        {(c) => <Consolidation c={c} />}
      </EtatRequete>
    </Page>
  );
}

function Consolidation({ c }: { c: ConsolidationEpciApi }) {
  const attente = c.projets.filter((p) => p.etat === 'projet');
  return (
    <>
      <section aria-labelledby="tr-projets" className="fr-mb-6w">
        <h2 id="tr-projets" className="fr-h3">
          Projets à présenter à la CIL
        </h2>
        {attente.some((p) => p.avisCil.some((a) => a.enregistrable)) ? (
          <Alert
            small
            severity="info"
            className="fr-mb-2w"
            description="Des projets attendent l’avis de votre CIL : ouvrez-les pour l’enregistrer avant la signature des parties."
          />
        ) : null}
        <TableauProjets projets={c.projets} legende="Projets de conventions et d’avenants couvrant le territoire" />
      </section>

      <section aria-labelledby="tr-reservataires" className="fr-mb-6w">
        <h2 id="tr-reservataires" className="fr-h3">
          Par réservataire
        </h2>
        <p>
          Logements attendus : le taux de chaque convention appliqué au flux {c.annee} du bailleur sur le territoire,
          dans le périmètre de la convention (à ce jour).
        </p>
        <Tableau
          legende="Conventions consolidées par réservataire"
          legendeMasquee
          colonnes={[
            {
              titre: 'Réservataire',
              valeur: (r: Reservataire) => (
                <>
                  {r.reservataire.nom}
                  <span className="flux-secondaire">
                    {TYPES_RESERVATAIRE[r.reservataire.type] ?? r.reservataire.type}
                  </span>
                </>
              ),
              entete: true,
            },
            { titre: 'Conventions', valeur: (r) => nombre(r.conventions.length), nombre: true },
            { titre: 'Taux moyen', valeur: (r) => (r.tauxMoyen === null ? '—' : taux(r.tauxMoyen)), nombre: true },
            { titre: 'Logements attendus', valeur: (r) => decimal(r.logementsAttendus), nombre: true },
          ]}
          lignes={c.reservataires}
          cle={(r) => r.reservataire.id}
        />
      </section>

      {c.reservataires.map((r) => (
        <section key={r.reservataire.id} aria-labelledby={`tr-${r.reservataire.id}`} className="fr-mb-4w">
          <h3 id={`tr-${r.reservataire.id}`} className="fr-h5">
            {r.reservataire.nom}
          </h3>
          <Tableau
            legende={`Conventions ${de(r.reservataire.nom)} sur le territoire`}
            legendeMasquee
            compact
            colonnes={[
              {
                titre: 'Bailleur',
                valeur: (k: ConventionTerritoire) => (
                  <Link to={`/conventions/${encodeURIComponent(k.conventionId)}`}>{k.bailleur.nom}</Link>
                ),
                entete: true,
              },
              { titre: 'Taux', valeur: (k) => taux(k.taux), nombre: true },
              { titre: 'Flux du territoire', valeur: (k) => nombre(k.fluxTerritoire), nombre: true },
              { titre: 'Attendus', valeur: (k) => decimal(k.logementsAttendus), nombre: true },
              { titre: 'Périmètre', valeur: (k) => k.perimetre },
              {
                titre: 'Termes qualitatifs',
                valeur: (k) =>
                  [
                    `décompte ${k.termes.decompte}`,
                    `gestion ${k.termes.gestion}`,
                    `${k.termes.delaiPropositionJours} jours pour proposer`,
                    ...k.termes.contraintes,
                  ].join(' ; '),
              },
            ]}
            lignes={r.conventions}
            cle={(k) => k.conventionId}
          />
        </section>
      ))}

      <section aria-labelledby="tr-bailleurs" className="fr-mb-6w">
        <h2 id="tr-bailleurs" className="fr-h3">
          Bailleurs présents sur le territoire
        </h2>
        <Tableau
          legende="Bailleurs du territoire"
          legendeMasquee
          colonnes={[
            { titre: 'Bailleur', valeur: (b: ConsolidationEpciApi['bailleurs'][number]) => b.nom, entete: true },
            { titre: `Flux ${c.annee} sur le territoire`, valeur: (b) => nombre(b.fluxTerritoire), nombre: true },
            { titre: 'Conventions couvrant le territoire', valeur: (b) => nombre(b.conventions), nombre: true },
          ]}
          lignes={c.bailleurs}
          cle={(b) => b.id}
        />
      </section>
    </>
  );
}

export function Departement() {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.territoire.departement(undefined),
    queryFn: ({ signal }) => lireVueDepartementale(undefined, signal),
  });
  return (
    <Page
      titre="Vue départementale"
      titreDocument="Vue départementale"
      sousTitre={
        data ? (
          <p className="fr-text--lead">
            Les conventions de chaque bailleur du département {data.departement}, la part de l’État, ce qui manque et
            les projets en attente. Année {data.annee}.
          </p>
        ) : undefined
      }
    >
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la vue départementale">
        {(v) => <VueDepartement v={v} />}
      </EtatRequete>
    </Page>
  );
}

function VueDepartement({ v }: { v: VueDepartementaleApi }) {
  return (
    <>
      <p>
        <a className="fr-link fr-link--download" href={lienVueDepartementaleXlsx(v.annee)} download>
          Télécharger la vue départementale
          <span className="fr-link__detail">XLSX — bailleurs, communes, conventions, à régulariser, projets</span>
        </a>
      </p>
      <section aria-labelledby="dp-manques" className="fr-mb-6w">
        <h2 id="dp-manques" className="fr-h3">
          À régulariser
        </h2>
        {v.manques.length ? (
          <ul>
            {v.manques.map((m) => (
              <li key={`${m.genre}${m.bailleur.id}${m.conventionId ?? ''}`}>
                {m.conventionId ? (
                  <Link to={`/conventions/${encodeURIComponent(m.conventionId)}`}>{m.bailleur.nom}</Link>
                ) : (
                  <strong>{m.bailleur.nom}</strong>
                )}{' '}
                — {m.message}
              </li>
            ))}
          </ul>
        ) : (
          <p>Chaque bailleur a une convention de l’État en vigueur ; aucune convention caduque.</p>
        )}
      </section>

      <section aria-labelledby="dp-projets" className="fr-mb-6w">
        <h2 id="dp-projets" className="fr-h3">
          Projets en attente de l’avis de la CIL ou de signature
        </h2>
        <TableauProjets projets={v.projets} legende="Projets en attente" />
      </section>

      <section aria-labelledby="dp-bailleurs" className="fr-mb-6w">
        <h2 id="dp-bailleurs" className="fr-h3">
          La part de l’État par bailleur
        </h2>
        <Tableau
          legende="Part de l’État par bailleur"
          legendeMasquee
          compact
          colonnes={[
            {
              titre: 'Bailleur',
              valeur: (b: VueDepartementaleApi['bailleurs'][number]) => b.bailleur.nom,
              entete: true,
            },
            { titre: 'Logements', valeur: (b) => nombre(b.logements), nombre: true },
            { titre: `Flux ${v.annee}`, valeur: (b) => nombre(b.fluxAnnuel), nombre: true },
            {
              titre: 'Taux de l’État',
              valeur: (b) =>
                b.etat ? (
                  <Link to={`/conventions/${encodeURIComponent(b.etat.conventionId)}`}>
                    {taux(b.etat.taux)}
                    {b.etat.tauxAgents !== null ? ` (dont ${taux(b.etat.tauxAgents)} agents)` : ''}
                  </Link>
                ) : (
                  'aucune convention'
                ),
              nombre: true,
            },
            { titre: 'Droit', valeur: (b) => (b.etat?.droit == null ? '—' : decimal(b.etat.droit)), nombre: true },
            {
              titre: 'Décomptés',
              valeur: (b) => (b.etat?.decomptes == null ? '—' : nombre(b.etat.decomptes)),
              nombre: true,
            },
            {
              titre: 'Part orientée à l’État',
              valeur: (b) => (b.partEtatRealisee === null ? '—' : taux(b.partEtatRealisee)),
              nombre: true,
            },
            { titre: 'Conventions', valeur: (b) => nombre(b.conventions), nombre: true },
          ]}
          lignes={v.bailleurs}
          cle={(b) => b.bailleur.id}
        />
      </section>

      <section aria-labelledby="dp-communes" className="fr-mb-6w">
        <h2 id="dp-communes" className="fr-h3">
          La part de l’État par commune
        </h2>
        <p>
          Sauf stipulation contraire, le taux de l’État s’applique dans chaque commune (CCH R.441-5-2 II) : la part
          orientée à l’État se lit à côté du taux attendu (celui de chaque bailleur, pondéré par son flux dans la
          commune).
        </p>
        <Tableau
          legende="Part de l’État par commune"
          legendeMasquee
          compact
          colonnes={[
            { titre: 'Commune', valeur: (c: VueDepartementaleApi['communes'][number]) => c.nom, entete: true },
            { titre: `Flux orienté ${v.annee}`, valeur: (c) => nombre(c.fluxAnnuel), nombre: true },
            { titre: 'Orientés à l’État', valeur: (c) => nombre(c.orientesEtat), nombre: true },
            { titre: 'Part de l’État', valeur: (c) => (c.partEtat === null ? '—' : taux(c.partEtat)), nombre: true },
            {
              titre: 'Taux attendu',
              valeur: (c) => (c.tauxEtatAttendu === null ? '—' : taux(c.tauxEtatAttendu)),
              nombre: true,
            },
          ]}
          lignes={v.communes}
          cle={(c) => c.commune}
        />
      </section>
    </>
  );
}
