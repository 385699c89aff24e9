/**
 * « Demandes » (ADR 0036): the organisation's own demands of housing — a réservataire's, the
 * State's, or a bailleur's for the units it designates itself. The officer downloads the template,
 * fills it (or exports it from the SNE / Imhoweb), uploads it: all or nothing, the refusal lists the
 * first problems by line and column and links the error file. Then the demands held, page by page.
 * Only this organisation reads them; a demand leaves Flux when its validity (one year from its
 * registration or last renewal) has ended.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import {
  ADRESSE_MODELE_DEMANDES_XLSX,
  lireDemandes,
  televerserDemandes,
  type PageDemandesApi,
  type ResumeDemandesApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { adresseCsv, FormulaireTeleversement, LienModele } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { pageDemandee, Pagination } from '../composants/Pagination.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { MODELE_DEMANDES_CSV, TAILLE_MAX_DEMANDES } from '../../../src/contracts/demandes.ts';
import { date, nombre, pluriel } from '../format.ts';

const PAR_PAGE = 50;

export function Demandes() {
  const client = useQueryClient();
  const [parametres] = useSearchParams();
  const page = pageDemandee(parametres.get('page'));
  const demande = { page, parPage: PAR_PAGE };
  const requete = useQuery({
    queryKey: cles.demandes.page(demande),
    queryFn: ({ signal }) => lireDemandes(demande, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <Page titre="Demandes" titreDocument="Demandes">
      <p className="fr-text--lead">
        Les demandes de logement de votre organisation, importées de votre extrait du système national d’enregistrement
        (SNE) ou d’Imhoweb, pour proposer vos candidats. Vous seuls les voyez. Une demande dont la validité (un an après
        son dépôt ou son dernier renouvellement) est passée est supprimée.
      </p>
      <section aria-labelledby="demandes-import" className="fr-mb-6w">
        <h2 id="demandes-import" className="fr-h4">
          Importer un fichier de demandes
        </h2>
        <ul className="fr-raw-list flux-modeles" aria-label="Modèles de fichier">
          <li>
            <LienModele
              href={adresseCsv(MODELE_DEMANDES_CSV)}
              nom="modele-demandes.csv"
              detail="CSV – une ligne d’exemple à remplacer"
            />
          </li>
          <li>
            <LienModele
              href={ADRESSE_MODELE_DEMANDES_XLSX}
              nom="modele-demandes.xlsx"
              libelle="Télécharger le modèle pour Excel"
              detail="XLSX – une ligne d’exemple à remplacer, le mode d’emploi"
            />
          </li>
        </ul>
        <p className="fr-text--sm">
          Une ligne par demande : numéro unique, date de la demande et du dernier renouvellement (JJ/MM/AAAA), nombre de
          personnes et d’enfants de moins de 14 ans, ressources annuelles en euros, catégories prioritaires (dalo,
          pdalhpd, autre_l441_1), communes souhaitées (codes INSEE) et typologies (T1 à T6), les listes séparées par « |
          ». Les autres colonnes d’un extrait (noms, adresses…) sont ignorées et jamais conservées. Un numéro déjà
          importé est mis à jour. Une seule ligne invalide et rien n’est importé.
        </p>
        <FormulaireTeleversement<ResumeDemandesApi>
          id="demandes"
          libelle="Fichier de demandes"
          format="Format CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1) ou classeur Excel (.xlsx, première feuille)"
          accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          tailleMax={TAILLE_MAX_DEMANDES}
          messageChoix="Choisissez le fichier de demandes à importer."
          nomFormulaire="Fichier de demandes à importer"
          bouton="Importer les demandes"
          titreRefus="Aucune demande n’a été importée"
          niveau="h3"
          envoyer={(fichier) => televerserDemandes(fichier)}
          apres={() => client.invalidateQueries({ queryKey: cles.demandes.tout() })}
          resultat={(resume) => <Resume resume={resume} />}
        />
      </section>
      <section aria-labelledby="demandes-liste">
        <h2 id="demandes-liste" className="fr-h4">
          Vos demandes
        </h2>
        <EtatRequete requete={requete} quoi="vos demandes">
          {(d) => <Liste donnees={d} page={page} />}
        </EtatRequete>
      </section>
    </Page>
  );
}

function Resume({ resume: r }: { resume: ResumeDemandesApi }) {
  return (
    <Alert
      severity="success"
      as="h3"
      role="status"
      title="Demandes importées"
      className="fr-mt-2w"
      description={
        <>
          {pluriel(r.lignes, 'ligne lue', 'lignes lues')} :{' '}
          {pluriel(r.nouvelles, 'nouvelle demande', 'nouvelles demandes')},{' '}
          {pluriel(r.modifiees, 'demande mise à jour', 'demandes mises à jour')},{' '}
          {pluriel(r.inchangees, 'inchangée', 'inchangées')}
          {r.expireesIgnorees > 0
            ? `, ${pluriel(r.expireesIgnorees, 'demande expirée non importée', 'demandes expirées non importées')}`
            : ''}
          {r.purgees > 0 ? `, ${pluriel(r.purgees, 'demande expirée supprimée', 'demandes expirées supprimées')}` : ''}.
        </>
      }
    />
  );
}

type Demande = PageDemandesApi['demandes'][number];

function Liste({ donnees, page }: { donnees: PageDemandesApi; page: number }) {
  if (donnees.total === 0) return <Vide>Aucune demande importée pour l’instant.</Vide>;
  return (
    <>
      <Tableau<Demande>
        legende={`${pluriel(donnees.total, 'demande', 'demandes')}, de la plus ancienne à la plus récente`}
        cle={(d) => d.numeroUnique}
        compact
        colonnes={[
          { titre: 'Numéro unique', valeur: (d) => d.numeroUnique, entete: true },
          { titre: 'Déposée le', valeur: (d) => date(d.dateDemande) },
          { titre: 'Valable jusqu’au', valeur: (d) => date(d.finValidite) },
          {
            titre: 'Ménage',
            valeur: (d) =>
              `${pluriel(d.personnes, 'personne', 'personnes')}${d.enfantsMoins14 ? ` dont ${pluriel(d.enfantsMoins14, 'enfant', 'enfants')} de moins de 14 ans` : ''}`,
          },
          {
            titre: 'Ressources annuelles',
            valeur: (d) => (d.ressourcesAnnuelles === null ? 'Non renseignées' : `${nombre(d.ressourcesAnnuelles)} €`),
            nombre: true,
          },
          { titre: 'Priorités', valeur: (d) => (d.categories.length ? d.categories.join(', ') : 'Aucune') },
          { titre: 'Communes souhaitées', valeur: (d) => d.communes.map((c) => c.nom).join(', ') },
          { titre: 'Typologies', valeur: (d) => d.typologies.join(', ') },
          { titre: 'Cotation (aide à la décision)', valeur: (d) => <NoteDemande cotation={d.cotation} /> },
        ]}
        lignes={donnees.demandes}
      />
      <Pagination page={page} total={donnees.total} taille={donnees.parPage} />
    </>
  );
}

/** The note with its breakdown, the rank among similar demands and their average wait. */
function NoteDemande({ cotation: c }: { cotation: Demande['cotation'] }) {
  if (!c) return <span className="fr-text--sm">Pas de grille en vigueur</span>;
  return (
    <details>
      <summary>
        {nombre(c.note)} point{c.note >= 2 ? 's' : ''} · {c.rang === 1 ? '1re' : `${nombre(c.rang)}e`} sur{' '}
        {nombre(c.sur)}
      </summary>
      <ul className="fr-text--sm fr-mb-0">
        {c.detail.map((l) => (
          <li key={l.critere}>
            {l.critere} : {l.points > 0 ? '+' : ''}
            {nombre(l.points)}
          </li>
        ))}
        <li>
          Rang parmi les {nombre(c.sur)} demandes semblables (même commune et même typologie souhaitées), attente
          moyenne {pluriel(Math.round(c.dureeMoyenneAttenteJours / 30.44), 'mois', 'mois')}
        </li>
      </ul>
    </details>
  );
}
