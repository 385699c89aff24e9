/**
 * « Qualité des données » (GET /api/patrimoine/qualite): the controls of a bailleur's stock (missing
 * or invalid fields, duplicates, QPV inconsistencies, unknown stock reservation…), the share of the
 * year's allocations with a known réservataire, and the same report as an XLSX to download. The
 * bailleur sees its own; the State pilot chooses a bailleur of its département.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { adresseQualiteXlsx, lireQualite, type RapportQualiteApi } from '../api.ts';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { nombre, pluriel, taux } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

type Controle = RapportQualiteApi['controles'][number];

function anneeDemandee(valeur: string | null): number | undefined {
  const n = Number(valeur);
  return valeur && Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : undefined;
}

export function Qualite() {
  const session = useSessionOuverte();
  const pilote = session.role === 'pilote_etat';
  const [parametres] = useSearchParams();
  const annee = anneeDemandee(parametres.get('annee'));
  const bailleur = pilote ? parametres.get('bailleur') || undefined : undefined;
  const demande = { bailleur, annee };
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.qualite(demande),
    queryFn: ({ signal }) => lireQualite(demande, signal),
    placeholderData: keepPreviousData,
    enabled: !pilote || bailleur !== undefined,
  });

  return (
    <Page
      titre="Qualité des données"
      titreDocument={data ? `Qualité des données — ${data.bailleur.nom}` : 'Qualité des données'}
    >
      <p className="fr-text--lead">
        Les contrôles du patrimoine importé du répertoire RPLS : champs manquants ou invalides, identifiants en double,
        incohérences QPV, réservation du stock inconnue — et la part des attributions dont le réservataire est connu,
        qui dit jusqu’où les fichiers sont fiables.
      </p>
      <Choix pilote={pilote} bailleur={bailleur} annee={annee} />
      {pilote && !bailleur ? (
        <Vide>Choisissez un bailleur de votre département pour afficher le rapport.</Vide>
      ) : (
        <EtatRequete requete={{ data, error, isPending, refetch }} quoi="le rapport de qualité des données">
          {(data) => <Rapport rapport={data} annee={annee} />}
        </EtatRequete>
      )}
    </Page>
  );
}

/** The bailleur (State pilot only) and the year of the allocations. */
function Choix({
  pilote,
  bailleur,
  annee,
}: {
  pilote: boolean;
  bailleur: string | undefined;
  annee: number | undefined;
}) {
  const [, setParametres] = useSearchParams();
  const courante = new Date().getFullYear();
  const [choixAnnee, setChoixAnnee] = useState(String(annee ?? courante - 1));
  const [choixBailleur, setChoixBailleur] = useState(bailleur ?? '');
  // The bailleurs of the pilot's département: those of the home page's ledger.
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    setParametres({ ...(pilote && choixBailleur ? { bailleur: choixBailleur } : {}), annee: choixAnnee });
  };
  const annees: number[] = [];
  for (let a = courante; a >= courante - 5; a--) annees.push(a);
  return (
    <form onSubmit={envoyer} className="flux-filtres fr-mb-4w" aria-label="Choisir le rapport affiché">
      {pilote ? <SelectBailleur id="qualite-bailleur" valeur={choixBailleur} surChoix={setChoixBailleur} /> : null}
      <SelectAnnee
        id="qualite-annee"
        name="annee"
        label="Année des attributions"
        annees={annees}
        valeur={choixAnnee}
        surChoix={setChoixAnnee}
      />
      <Button type="submit" priority="secondary">
        Afficher
      </Button>
    </form>
  );
}

function Rapport({ rapport, annee }: { rapport: RapportQualiteApi; annee: number | undefined }) {
  const i = rapport.indicateurs.partAttributionsReservataireConnu;
  const erreurs = rapport.controles.filter((c) => c.gravite === 'erreur').reduce((s, c) => s + c.nombre, 0);
  const colonnes: Colonne<Controle>[] = [
    { titre: 'Contrôle', valeur: (c) => c.libelle, entete: true },
    {
      titre: 'Gravité',
      valeur: (c) =>
        c.gravite === 'erreur' ? (
          <Badge as="span" small severity="error">
            Erreur
          </Badge>
        ) : (
          <Badge as="span" small severity="warning">
            Avertissement
          </Badge>
        ),
    },
    { titre: 'Logements', valeur: (c) => nombre(c.nombre), nombre: true },
    {
      titre: 'Exemples',
      valeur: (c) =>
        c.exemples.length === 0 ? (
          <span className="flux-secondaire">aucun</span>
        ) : (
          <span className="fr-text--sm flux-exemples">
            {c.exemples.join(', ')}
            {c.nombre > c.exemples.length ? ` … (${pluriel(c.nombre - c.exemples.length, 'autre')})` : ''}
          </span>
        ),
    },
  ];
  return (
    <>
      <ChiffresCles titre={`${rapport.bailleur.nom} en chiffres`}>
        <ChiffreCle
          libelle="Attributions au réservataire connu"
          valeur={i.realise === null ? '—' : taux(i.realise)}
          detail={
            i.realise === null
              ? `aucun bail signé en ${i.annee} ; référence : ${i.reference}`
              : `${nombre(i.numerateur)} baux signés sur ${nombre(i.denominateur)} en ${i.annee} ; référence : ${i.reference}`
          }
        />
        <ChiffreCle
          libelle="Logements contrôlés"
          valeur={nombre(rapport.totalLogements)}
          detail="dans le patrimoine du bailleur"
        />
        <ChiffreCle
          libelle="Anomalies bloquantes"
          valeur={nombre(erreurs)}
          detail="constats de gravité « erreur » (un logement peut en cumuler)"
        />
      </ChiffresCles>
      <section aria-labelledby="controles" className="fr-mb-6w">
        <h2 id="controles" className="fr-h3">
          Contrôles du patrimoine
        </h2>
        {rapport.totalLogements === 0 ? <Vide>Aucun logement n’est enregistré pour ce bailleur.</Vide> : null}
        <Tableau
          id="tableau-qualite"
          legende={`Contrôles de qualité des données — ${rapport.bailleur.nom}`}
          colonnes={colonnes}
          lignes={rapport.controles}
          cle={(c) => c.code}
          bordure
        />
        <p className="fr-mt-2w">
          <a
            className="fr-link fr-link--download"
            href={adresseQualiteXlsx({ bailleur: rapport.bailleur.id, annee })}
            download
          >
            Télécharger le rapport complet (tous les logements concernés)
            <span className="fr-link__detail">XLSX — une feuille « Synthèse » et une feuille par contrôle</span>
          </a>
        </p>
      </section>
    </>
  );
}
