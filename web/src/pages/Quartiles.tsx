/**
 * « Seuils du premier quartile » (GET /api/quartiles): the year's amounts per EPCI of the annual
 * arrêté (CCH L.441-1), in € per consumption unit, with the previous year's, the act, who imported
 * them and when; the State pilot and the administrator import a year's file (CSV SIREN ; MONTANT,
 * all or nothing, problems named by line and column). A household is in the first quartile when its
 * resources per UC are strictly below its EPCI's amount (ADR 0034).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { lireQuartiles, televerserQuartiles, type ResumeImportQuartilesApi, type SeuilsAnneeApi } from '../api.ts';
import { cles } from '../cles.ts';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { FormulaireTeleversement } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, nombre, pluriel } from '../format.ts';
import { TAILLE_MAX_QUARTILES } from '../../../src/contracts/quartiles.ts';

type Seuil = SeuilsAnneeApi['seuils'][number];

const ANNEE_COURANTE = new Date().getFullYear();

function anneeDemandee(valeur: string | null): number {
  const n = Number(valeur);
  return valeur && Number.isInteger(n) && n >= 2017 && n <= 2100 ? n : ANNEE_COURANTE;
}

const euros = (n: number) => `${nombre(n)} €`;

const COLONNES: Colonne<Seuil>[] = [
  { titre: 'EPCI', valeur: (s) => s.nom, entete: true },
  { titre: 'Seuil (€ par UC et par an)', valeur: (s) => euros(s.montant), nombre: true },
  {
    titre: 'Année précédente',
    valeur: (s) => (s.montantPrecedent === null ? '—' : euros(s.montantPrecedent)),
    nombre: true,
  },
  { titre: 'Source', valeur: (s) => s.source },
  { titre: 'Importé', valeur: (s) => `${date(s.importeLe.slice(0, 10))} par ${s.importePar}` },
];

export function Quartiles() {
  const [parametres, setParametres] = useSearchParams();
  const annee = anneeDemandee(parametres.get('annee'));
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.quartiles(annee),
    queryFn: ({ signal }) => lireQuartiles(annee, signal),
    placeholderData: keepPreviousData,
  });
  const annees = [...new Set([ANNEE_COURANTE + 1, ANNEE_COURANTE, ...(data?.annees ?? []), annee])].sort(
    (a, b) => b - a,
  );
  return (
    <Page titre="Seuils du premier quartile" titreDocument={`Seuils du premier quartile ${annee}`}>
      <p className="fr-text--lead">
        Chaque année, un arrêté fixe pour chaque EPCI de la réforme des attributions le niveau de ressources par unité
        de consommation en dessous duquel un demandeur appartient au premier quartile (article L.441-1 du code de la
        construction et de l’habitation). Flux calcule le quartile de chaque candidat à la décision de la CAL : ses
        ressources annuelles divisées par ses unités de consommation, strictement inférieures au seuil de l’EPCI du
        logement.
      </p>
      <SelectAnnee
        id="quartiles-annee"
        label="Année"
        annees={annees}
        valeur={String(annee)}
        surChoix={(a) => setParametres({ annee: a })}
      />
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="les seuils du premier quartile">
        {(d) => (
          <>
            {d.seuils.length === 0 ? (
              <Vide>
                Aucun seuil pour {annee} : le quartile des ménages des EPCI concernés sera « inconnu » tant que l’arrêté
                de l’année n’est pas importé.
              </Vide>
            ) : (
              <Tableau
                legende={`Seuils ${annee} : ${pluriel(d.seuils.length, 'EPCI')}`}
                colonnes={COLONNES}
                lignes={d.seuils}
                cle={(s) => s.epci}
                bordure
              />
            )}
            {d.peutImporter ? <Import annee={annee} /> : null}
          </>
        )}
      </EtatRequete>
    </Page>
  );
}

function Import({ annee }: { annee: number }) {
  const [source, setSource] = useState('');
  const client = useQueryClient();
  return (
    <section aria-labelledby="quartiles-import" className="fr-mt-6w">
      <h2 id="quartiles-import" className="fr-h4">
        Importer les seuils de {annee}
      </h2>
      <p>
        Un fichier CSV, une ligne par EPCI : le SIREN de l’EPCI puis le montant en euros par unité de consommation («
        244500468;10 500 »), avec ou sans ligne d’en-tête « SIREN;MONTANT ». Il remplace les seuils de {annee} ; une
        seule ligne invalide et rien n’est importé.
      </p>
      <FormulaireTeleversement<ResumeImportQuartilesApi>
        id="quartiles"
        libelle="Fichier des seuils"
        format="Format CSV (séparateur « ; » ou « , »), UTF-8"
        accept=".csv,text/csv"
        tailleMax={TAILLE_MAX_QUARTILES}
        messageChoix="Choisissez le fichier des seuils à importer."
        nomFormulaire={`Import des seuils de ${annee}`}
        bouton="Importer les seuils"
        titreRefus="Rien n’a été importé"
        titreErreur="Rien n’a été importé"
        niveau="h3"
        envoyer={(fichier) => televerserQuartiles(fichier, annee, source.trim() || undefined)}
        apres={() => client.invalidateQueries()}
        resultat={(r) => (
          <Alert
            severity="success"
            as="h3"
            role="status"
            title="Seuils importés"
            description={`${r.fichier} : ${pluriel(r.epci, 'EPCI')} pour ${r.annee}, ${pluriel(r.modifies, 'montant modifié', 'montants modifiés')}, ${pluriel(r.retires, 'EPCI retiré', 'EPCI retirés')}.`}
            className="fr-mt-4w"
          />
        )}
      >
        <Input
          className="fr-mt-4w"
          label="Arrêté (source)"
          hintText="Par exemple « Arrêté du 3 juin 2025 fixant le seuil de ressources des demandeurs de logement social du premier quartile ». Vide : l’arrêté annuel de l’année."
          nativeInputProps={{ id: 'quartiles-source', value: source, onChange: (e) => setSource(e.target.value) }}
        />
      </FormulaireTeleversement>
    </section>
  );
}
