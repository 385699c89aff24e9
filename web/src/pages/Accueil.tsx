/**
 * Home page, per role: « À traiter » first (GET /api/a-traiter, what waits for me, most urgent
 * first), then from GET /api/accueil who I am and what I see, the key figures, the stock by
 * typology and financing, and the ledger of every convention I may see for the year.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { lireAccueil, type AccueilApi, type LigneConventionApi } from '../api.ts';
import { ATraiter } from '../composants/ATraiter.tsx';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Solde } from '../composants/Solde.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { decimal, nombre, taux } from '../format.ts';
import { HORS_FLUX, LIBELLES_ROLE, peutOuvrir, TYPES_RESERVATAIRE } from '../roles.ts';
import { useSessionOuverte } from '../session.tsx';
import { cles } from '../cles.ts';

function anneeDemandee(valeur: string | null): number | undefined {
  const n = Number(valeur);
  return Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : undefined;
}

export function Accueil() {
  const session = useSessionOuverte();
  const [parametres] = useSearchParams();
  const annee = anneeDemandee(parametres.get('annee'));
  const requete = useQuery({
    queryKey: cles.accueil.annee(annee),
    queryFn: ({ signal }) => lireAccueil(annee, signal),
    placeholderData: keepPreviousData,
  });
  const { data, error, isPending, refetch } = requete;

  return (
    <Page
      titre={session.organisation.nom}
      titreDocument={`Accueil — ${session.organisation.nom}`}
      sousTitre={
        <p className="fr-mb-2w">
          <Badge as="span" severity="info" noIcon>
            {LIBELLES_ROLE[session.role]}
          </Badge>
          {session.organisation.departement ? (
            <span className="fr-ml-2w fr-text--sm">Département {session.organisation.departement}</span>
          ) : null}
        </p>
      }
    >
      {session.role !== 'administrateur' ? <ATraiter /> : null}
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="votre tableau de bord">
        {(data) => <TableauDeBord accueil={data} />}
      </EtatRequete>
    </Page>
  );
}

function ChoixAnnee({ annee }: { annee: number }) {
  const [, setParametres] = useSearchParams();
  const [choix, setChoix] = useState(String(annee));
  const courante = new Date().getFullYear();
  const annees = new Set<number>();
  for (let a = Math.max(courante, annee) + 1; a >= Math.min(courante, annee) - 4; a--) annees.add(a);
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    setParametres({ annee: choix });
  };
  return (
    <form onSubmit={envoyer} className="flux-choix-annee" aria-label="Choisir l’année affichée">
      <SelectAnnee
        id="accueil-annee"
        name="annee"
        label="Année affichée"
        annees={[...annees]}
        valeur={choix}
        surChoix={setChoix}
      />
      <Button type="submit" priority="secondary">
        Afficher
      </Button>
    </form>
  );
}

function TableauDeBord({ accueil }: { accueil: AccueilApi }) {
  const { annee, stock, flux, conventions, administration, role } = accueil;
  const voitLogements = peutOuvrir(role, 'logements');
  const voitLocations = peutOuvrir(role, 'locations');
  const somme = (f: (l: LigneConventionApi) => number) => conventions.reduce((s, l) => s + f(l), 0);

  return (
    <>
      <div className="flux-entete-accueil fr-mb-4w">
        <p className="fr-text--lead fr-mb-0 flux-perimetre">{accueil.perimetre}</p>
        {role !== 'administrateur' ? <ChoixAnnee key={annee} annee={annee} /> : null}
      </div>

      <ChiffresCles titre={role === 'administrateur' ? 'La plateforme en chiffres' : `Chiffres clés ${annee}`}>
        {stock ? (
          <>
            <ChiffreCle
              libelle="Logements du parc"
              valeur={nombre(stock.logements)}
              detail="logements sociaux dans votre périmètre"
              lien={voitLogements ? '/logements' : undefined}
            />
            <ChiffreCle
              libelle="Logements en QPV"
              valeur={nombre(stock.enQpv)}
              detail={
                stock.logements
                  ? `soit ${taux(stock.enQpv / stock.logements)} du parc, en quartier prioritaire`
                  : 'en quartier prioritaire de la politique de la ville'
              }
            />
          </>
        ) : null}
        {flux ? (
          <>
            <ChiffreCle
              libelle={`Logements disponibles en ${annee}`}
              valeur={nombre(flux.disponibles)}
              detail="relocations et premières mises en location"
              lien={voitLocations ? '/locations' : undefined}
            />
            <ChiffreCle
              libelle={`Flux annuel ${annee}`}
              valeur={nombre(flux.fluxAnnuel)}
              detail={`après ${nombre(flux.exclus)} exclusion${flux.exclus >= 2 ? 's' : ''} et logements hors flux`}
            />
          </>
        ) : null}
        {!flux && role !== 'administrateur' ? (
          <>
            <ChiffreCle
              libelle={`Droit ${annee}`}
              valeur={decimal(somme((l) => l.droit))}
              detail={`logements dus au titre de ${conventions.length} convention${conventions.length >= 2 ? 's' : ''}`}
            />
            <ChiffreCle
              libelle="Logements mis à disposition"
              valeur={nombre(somme((l) => l.misADisposition))}
              detail={`dont ${nombre(somme((l) => l.bauxSignes))} avec bail signé`}
              lien={voitLocations ? '/locations' : undefined}
            />
          </>
        ) : null}
        {administration ? (
          <>
            <ChiffreCle
              libelle="Organisations"
              valeur={nombre(administration.organisations)}
              detail="bailleurs, réservataires, services de l’État, EPCI"
              lien="/administration"
            />
            <ChiffreCle
              libelle="Comptes utilisateurs"
              valeur={nombre(administration.utilisateurs)}
              detail="personnes pouvant se connecter"
              lien="/administration"
            />
          </>
        ) : null}
      </ChiffresCles>

      {stock ? <Parc stock={stock} /> : null}

      {role !== 'administrateur' ? <Conventions accueil={accueil} /> : null}
    </>
  );
}

function Parc({ stock }: { stock: NonNullable<AccueilApi['stock']> }) {
  const lignes = (repartition: Record<string, number>) =>
    Object.entries(repartition).map(([valeur, n]) => ({ valeur, n }));
  const part = (n: number) => (stock.logements ? taux(n / stock.logements) : '—');
  const colonnes = (titre: string): Colonne<{ valeur: string; n: number }>[] => [
    { titre, valeur: (l) => l.valeur, entete: true },
    { titre: 'Logements', valeur: (l) => nombre(l.n), nombre: true },
    { titre: 'Part du parc', valeur: (l) => part(l.n), nombre: true },
  ];
  return (
    <section aria-labelledby="parc" className="fr-mb-6w">
      <h2 id="parc" className="fr-h3">
        Parc de logements sociaux
      </h2>
      {stock.logements === 0 ? (
        <Vide>Aucun logement n’est encore enregistré dans votre périmètre.</Vide>
      ) : (
        <>
          <p>
            {nombre(stock.logements)} logements, dont {nombre(stock.enQpv)} en quartier prioritaire (QPV) et{' '}
            {nombre(stock.horsFlux)} hors flux ({Object.values(HORS_FLUX).join(', ').toLowerCase()}), qui restent en
            stock identifié.
          </p>
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-md-6">
              <Tableau
                legende="Logements par typologie"
                colonnes={colonnes('Typologie')}
                lignes={lignes(stock.parTypologie)}
                cle={(l) => l.valeur}
                bordure
              />
            </div>
            <div className="fr-col-12 fr-col-md-6">
              <Tableau
                legende="Logements par financement"
                colonnes={colonnes('Financement')}
                lignes={lignes(stock.parFinancement)}
                cle={(l) => l.valeur}
                bordure
              />
            </div>
          </div>
        </>
      )}
    </section>
  );
}

const LEGENDE_BILAN = (
  <>
    <strong>Droit</strong> : taux × flux annuel du périmètre, report compris, en logements (jamais arrondi).{' '}
    <strong>Mis à disposition</strong> : logements orientés vers la ligne et qu’elle détient.{' '}
    <strong>Avec candidats</strong> : parmi eux, ceux qui ont reçu des candidats. <strong>Décomptés</strong> : logements
    comptés selon la règle de la convention. <strong>Solde</strong> = décomptés − droit ; négatif, le réservataire
    attend encore des logements.
  </>
);

function Conventions({ accueil }: { accueil: AccueilApi }) {
  const { conventions, annee, role } = accueil;
  const vide =
    role === 'agent_reservataire'
      ? `Aucune convention ne vous ouvre de droit en ${annee} : elles apparaîtront ici dès qu’un bailleur les aura enregistrées.`
      : role === 'lecteur_epci'
        ? `Votre EPCI n’est réservataire d’aucune convention en ${annee}.`
        : `Aucune convention de réservation n’est enregistrée pour ${annee}.`;
  // The State pilot reads the whole ledger of every bailleur: one table per bailleur.
  const parBailleur = new Map<string, LigneConventionApi[]>();
  for (const l of conventions) parBailleur.set(l.bailleur.id, [...(parBailleur.get(l.bailleur.id) ?? []), l]);
  const grouper = role === 'pilote_etat' && parBailleur.size > 1;
  return (
    <section aria-labelledby="conventions" className="fr-mb-6w">
      <h2 id="conventions" className="fr-h3">
        Conventions de réservation — bilan {annee}
      </h2>
      {conventions.length === 0 ? (
        <Vide>{vide}</Vide>
      ) : (
        <>
          <p className="fr-text--sm flux-legende">{LEGENDE_BILAN}</p>
          {grouper ? (
            [...parBailleur.values()].map((lignes) => (
              <TableauBilan
                key={lignes[0]!.bailleur.id}
                annee={annee}
                lignes={lignes}
                legende={`${lignes[0]!.bailleur.nom} — bilan ${annee}`}
              />
            ))
          ) : (
            <TableauBilan
              annee={annee}
              lignes={conventions}
              legende={`Bilan ${annee} de ${conventions.length} ligne${conventions.length >= 2 ? 's' : ''} de convention`}
              legendeMasquee
            />
          )}
        </>
      )}
    </section>
  );
}

function TableauBilan({
  annee,
  lignes,
  legende,
  legendeMasquee = false,
}: {
  annee: number;
  lignes: LigneConventionApi[];
  legende: string;
  legendeMasquee?: boolean;
}) {
  const bailleurs = new Set(lignes.map((l) => l.bailleur.id));
  const plusieursDepartements = new Set(lignes.map((l) => l.departement)).size > 1;
  const somme = (f: (l: LigneConventionApi) => number) => lignes.reduce((s, l) => s + f(l), 0);
  const colonnes: Colonne<LigneConventionApi>[] = [
    ...(bailleurs.size > 1
      ? [{ titre: 'Bailleur', valeur: (l: LigneConventionApi) => l.bailleur.nom, entete: true }]
      : []),
    {
      titre: 'Réservataire',
      valeur: (l) => (
        <>
          {l.reservataire.nom}
          {l.reservataire.type &&
          TYPES_RESERVATAIRE[l.reservataire.type] &&
          TYPES_RESERVATAIRE[l.reservataire.type] !== l.reservataire.nom ? (
            <span className="flux-secondaire">{TYPES_RESERVATAIRE[l.reservataire.type]}</span>
          ) : null}
        </>
      ),
      entete: bailleurs.size === 1,
    },
    ...(plusieursDepartements ? [{ titre: 'Département', valeur: (l: LigneConventionApi) => l.departement }] : []),
    { titre: 'Taux', valeur: (l) => taux(l.taux), nombre: true },
    { titre: 'Droit', valeur: (l) => decimal(l.droit), nombre: true },
    { titre: 'Mis à disposition', valeur: (l) => nombre(l.misADisposition), nombre: true },
    { titre: 'Avec candidats', valeur: (l) => nombre(l.proposes), nombre: true },
    { titre: 'Attribués', valeur: (l) => nombre(l.attribues), nombre: true },
    { titre: 'Baux signés', valeur: (l) => nombre(l.bauxSignes), nombre: true },
    { titre: 'Échecs', valeur: (l) => nombre(l.echecs), nombre: true },
    { titre: 'Décomptés', valeur: (l) => nombre(l.decomptes), nombre: true },
    { titre: 'Solde', valeur: (l) => <Solde valeur={l.solde} />, nombre: true },
  ];
  const avantChiffres = colonnes.findIndex((c) => c.titre === 'Taux');
  const pied =
    lignes.length > 1 ? (
      <tr className="flux-total">
        <th scope="row" colSpan={avantChiffres}>
          Total
        </th>
        {/* No total rate: a commune's or an EPCI's rate applies on its own territory only. */}
        <td />
        <td className="fr-cell--right flux-nombre">{decimal(somme((l) => l.droit))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.misADisposition))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.proposes))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.attribues))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.bauxSignes))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.echecs))}</td>
        <td className="fr-cell--right flux-nombre">{nombre(somme((l) => l.decomptes))}</td>
        <td className="fr-cell--right flux-nombre">
          <Solde valeur={somme((l) => l.solde)} />
        </td>
      </tr>
    ) : undefined;
  return (
    <div className="flux-bilan">
      <Tableau
        legende={legende}
        legendeMasquee={legendeMasquee}
        colonnes={colonnes}
        lignes={lignes}
        cle={(l) => `${l.bailleur.id}|${l.departement}|${l.reservataire.id}|${annee}`}
        pied={pied}
        bordure
        compact
      />
    </div>
  );
}
