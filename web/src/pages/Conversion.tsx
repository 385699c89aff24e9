/**
 * « Conversion du stock » (issue 5 item 3, rules.md §4): from the état des lieux signed by every
 * party, each réservataire's reserved units × the turnover of their segment = its expected yearly
 * availabilities, ÷ the forecast flow = its taux — by programme, by segment and with the
 * bailleur-wide turnover, side by side, with the window and the one-shot rights as what-ifs; then the
 * draft convention terms of the chosen method, with the legal caps they break.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErreurApi, lireConversion, type ConversionApi } from '../api.ts';
import { BarresSimples } from '../composants/Barres.tsx';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { decimal, nombre } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';
import { ProjetsEnAvenants } from './ConversionAvenants.tsx';
import { cles } from '../cles.ts';

type Methode = 'programme' | 'segment' | 'bailleur';
const METHODES: { code: Methode; libelle: string }[] = [
  { code: 'programme', libelle: 'Rotation par programme' },
  { code: 'segment', libelle: 'Rotation par segment (commune × typologie × financement × QPV)' },
  { code: 'bailleur', libelle: 'Rotation moyenne du bailleur' },
];

export function Conversion() {
  const session = useSessionOuverte();
  const choisit = session.role !== 'agent_bailleur';
  const [parametres, setParametres] = useSearchParams();
  const lire = (k: string) => parametres.get(k) || undefined;
  const demande = {
    bailleur: choisit ? lire('bailleur') : undefined,
    annee: Number(lire('annee')) || undefined,
    fenetre: Number(lire('fenetre')) || undefined,
    droitsUniques: lire('droitsUniques') === 'etale' ? ('etale' as const) : undefined,
    annees: Number(lire('annees')) || undefined,
  };
  const actif = !choisit || demande.bailleur !== undefined;
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.conversion(demande),
    queryFn: ({ signal }) => lireConversion(demande, signal),
    placeholderData: keepPreviousData,
    enabled: actif,
    retry: false,
  });
  const sansEtatDesLieux =
    error instanceof ErreurApi && error.statut === 422 ? error.probleme('etatDesLieux') : undefined;
  const [choix, setChoix] = useState({
    bailleur: demande.bailleur ?? '',
    fenetre: String(demande.fenetre ?? 1),
    droitsUniques: demande.droitsUniques ?? 'ponctuel',
    annees: String(demande.annees ?? 3),
  });
  const appliquer = (e: FormEvent) => {
    e.preventDefault();
    setParametres({
      ...(choisit && choix.bailleur ? { bailleur: choix.bailleur } : {}),
      fenetre: choix.fenetre,
      droitsUniques: choix.droitsUniques,
      ...(choix.droitsUniques === 'etale' ? { annees: choix.annees } : {}),
    });
  };
  return (
    <Page
      titre="Conversion du stock en flux"
      titreDocument={data ? `Conversion — ${data.bailleur.nom}` : 'Conversion du stock en flux'}
    >
      <p className="fr-text--lead">
        Ce que valent en flux les logements réservés de chaque réservataire : logements × rotation de leur segment =
        disponibilités attendues par an, rapportées au flux prévisionnel. Les méthodes sont présentées côte à côte :
        c’est aux parties de choisir.
      </p>
      <form onSubmit={appliquer} className="flux-filtres fr-mb-4w" aria-label="Hypothèses de la conversion">
        {choisit ? (
          <SelectBailleur
            id="conversion-bailleur"
            valeur={choix.bailleur}
            surChoix={(b) => setChoix({ ...choix, bailleur: b })}
          />
        ) : null}
        <Select
          label="Rotation observée sur"
          nativeSelectProps={{
            id: 'conversion-fenetre',
            value: choix.fenetre,
            onChange: (e) => setChoix({ ...choix, fenetre: e.target.value }),
          }}
        >
          {[1, 2, 3].map((n) => (
            <option key={n} value={n}>
              {n} an{n > 1 ? 's' : ''}
            </option>
          ))}
        </Select>
        <Select
          label="Droits uniques"
          nativeSelectProps={{
            id: 'conversion-du',
            value: choix.droitsUniques,
            onChange: (e) => setChoix({ ...choix, droitsUniques: e.target.value as 'ponctuel' | 'etale' }),
          }}
        >
          <option value="ponctuel">Comptés une fois, la première année</option>
          <option value="etale">Étalés sur plusieurs années</option>
        </Select>
        {choix.droitsUniques === 'etale' ? (
          <Select
            label="Étalés sur"
            nativeSelectProps={{
              id: 'conversion-annees',
              value: choix.annees,
              onChange: (e) => setChoix({ ...choix, annees: e.target.value }),
            }}
          >
            {[2, 3, 4, 5].map((n) => (
              <option key={n} value={n}>
                {n} ans
              </option>
            ))}
          </Select>
        ) : null}
        <Button type="submit" priority="secondary">
          Recalculer
        </Button>
      </form>
      {!actif ? (
        <Vide>Choisissez un bailleur pour afficher sa conversion.</Vide>
      ) : sansEtatDesLieux && !data ? (
        // Not a failure: the conversion starts from an état des lieux every party has signed.
        <Alert
          severity="info"
          as="h2"
          title="La conversion attend l’état des lieux signé"
          description={
            <>
              {sansEtatDesLieux.charAt(0).toUpperCase() + sansEtatDesLieux.slice(1)}.{' '}
              <Link
                to={
                  demande.bailleur
                    ? `/etat-des-lieux?bailleur=${encodeURIComponent(demande.bailleur)}`
                    : '/etat-des-lieux'
                }
              >
                Voir l’état des lieux et ses signatures
              </Link>
            </>
          }
          className="fr-mb-4w"
        />
      ) : (
        <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la conversion">
          {(data) => <Resultat c={data} peutCreer={session.role === 'agent_bailleur'} />}
        </EtatRequete>
      )}
    </Page>
  );
}

function Resultat({ c, peutCreer }: { c: ConversionApi; peutCreer: boolean }) {
  const [methode, setMethode] = useState<Methode>('segment');
  const nom = (id: string) => c.noms[id] ?? id;
  const r = c.resultat;
  const colonnes: Colonne<(typeof r.comparaison)[number]>[] = [
    { titre: 'Réservataire', valeur: (l) => nom(l.reservataire), entete: true },
    { titre: 'Logements réservés', valeur: (l) => nombre(l.logements), nombre: true },
    ...METHODES.map((m): Colonne<(typeof r.comparaison)[number]> => ({
      titre: m.libelle,
      valeur: (l) => l.taux[m.code].pourcentage,
      nombre: true,
    })),
  ];
  const lignes = r.methodes[methode].reservataires;
  const projets = c.projets[methode];
  return (
    <>
      <p>
        Depuis l’état des lieux signé <strong>version {c.etatDesLieux.version}</strong> ; flux prévisionnel {c.annee} :{' '}
        <strong>{decimal(r.fluxPrevisionnel.valeur)}</strong> logements ; rotation du bailleur{' '}
        {r.rotations.bailleur.rotation.toLocaleString('fr-FR', { style: 'percent', maximumFractionDigits: 2 })} (
        {r.rotations.bailleur.explication}).
      </p>
      <section aria-labelledby="conversion-comparaison" className="fr-mb-6w">
        <h2 id="conversion-comparaison" className="fr-h3">
          Taux de flux selon la méthode
        </h2>
        <Tableau
          id="tableau-conversion"
          legende="Taux de flux de chaque réservataire, méthode par méthode"
          colonnes={colonnes}
          lignes={r.comparaison}
          cle={(l) => l.reservataire}
          bordure
        />
      </section>
      <section aria-labelledby="conversion-detail" className="fr-mb-6w">
        <h2 id="conversion-detail" className="fr-h3">
          Détail d’une méthode
        </h2>
        <div className="flux-filtres fr-mb-2w">
          <Select
            label="Méthode"
            nativeSelectProps={{
              id: 'conversion-methode',
              value: methode,
              onChange: (e) => setMethode(e.target.value as Methode),
            }}
          >
            {METHODES.map((m) => (
              <option key={m.code} value={m.code}>
                {m.libelle}
              </option>
            ))}
          </Select>
        </div>
        <BarresSimples
          titre={`Disponibilités attendues par an : ${lignes.map((l) => `${nom(l.reservataire)} ${decimal(l.disponibilites.valeur)}`).join(', ')}`}
          items={lignes.map((l) => ({
            id: l.reservataire,
            libelle: nom(l.reservataire),
            valeur: Math.round(l.disponibilites.valeur),
          }))}
          total={Math.round(r.fluxPrevisionnel.valeur)}
        />
        <Tableau
          legende="Disponibilités attendues et taux, par réservataire"
          colonnes={[
            { titre: 'Réservataire', valeur: (l) => nom(l.reservataire), entete: true },
            { titre: 'Logements', valeur: (l) => nombre(l.logements), nombre: true },
            { titre: 'Disponibilités / an', valeur: (l) => decimal(l.disponibilites.valeur), nombre: true },
            {
              titre: 'Flux de référence',
              valeur: (l) => `${decimal(l.flux.valeur)}${l.fluxPropre ? ' (son territoire)' : ''}`,
              nombre: true,
            },
            { titre: 'Taux', valeur: (l) => l.pourcentage, nombre: true },
            { titre: 'Calcul', valeur: (l) => <span className="fr-text--sm">{l.explication}</span> },
          ]}
          lignes={lignes}
          cle={(l) => l.reservataire}
          bordure
        />
        {r.droitsUniques.length ? (
          <Tableau
            legende="Droits uniques (convertis à part)"
            colonnes={[
              { titre: 'Réservataire', valeur: (d) => nom(d.reservataire), entete: true },
              { titre: 'Droits uniques', valeur: (d) => nombre(d.nombre), nombre: true },
              { titre: 'Conversion', valeur: (d) => <span className="fr-text--sm">{d.explication}</span> },
            ]}
            lignes={r.droitsUniques}
            cle={(d) => d.reservataire}
            bordure
          />
        ) : null}
      </section>
      <section aria-labelledby="conversion-projets" className="fr-mb-6w">
        <h2 id="conversion-projets" className="fr-h3">
          Projets de conventions ({METHODES.find((m) => m.code === methode)!.libelle.toLowerCase()})
        </h2>
        <Tableau
          legende="Taux proposés aux conventions"
          colonnes={[
            { titre: 'Réservataire', valeur: (p) => nom(p.reservataire), entete: true },
            { titre: 'Taux proposé', valeur: (p) => p.pourcentage, nombre: true },
            { titre: 'Report initial', valeur: (p) => nombre(p.reportInitial), nombre: true },
            { titre: 'Calcul', valeur: (p) => <span className="fr-text--sm">{p.explication}</span> },
          ]}
          lignes={projets.projets}
          cle={(p) => p.reservataire}
          bordure
        />
        <p>
          Part propre du bailleur :{' '}
          {(projets.tauxBailleurMicro / 1e6).toLocaleString('fr-FR', { style: 'percent', maximumFractionDigits: 2 })}.
        </p>
        {projets.avertissements.map((a) => (
          <Alert
            key={`${a.chemin}${a.message}`}
            severity="warning"
            small
            description={a.message}
            className="fr-mb-1w"
          />
        ))}
        {peutCreer ? <ProjetsEnAvenants conversion={c} methode={methode} /> : null}
      </section>
    </>
  );
}
