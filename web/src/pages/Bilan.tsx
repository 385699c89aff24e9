/**
 * « Bilan annuel » (CCH R.441-5-1; issue 7): the bilan of a bailleur's year in a département, sent
 * to every réservataire before 28 February — the flow of the year and its exclusions, the ledger
 * per line (entitlement, units proposed, allocated, leases, failures, counted, balance, carry-over),
 * one chart and one table per dimension (typology, financing, QPV, commune, construction period),
 * the rehousing results and the allocation objectives; and the downloads (XLSX, CSV, PDF, JSON).
 * The API scopes it: a réservataire sees its own line and its own lettings only.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  COMPTEURS as CODES_COMPTEURS,
  DEFINITIONS_COMPTEURS,
  LIBELLES_COMPTEURS,
  TITRES_COMPTEURS,
} from '../../../src/domain/compteurs.ts';
import { avecParametres, lireBilan, lireBilans, type BilanApi, type DemandeBilan as Demande } from '../api.ts';
import { BarresEmpilees, type Serie } from '../composants/Barres.tsx';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { EmissionBilan } from '../composants/EmissionBilan.tsx';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { useSessionOuverte } from '../session.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { decimal, nombre, pluriel, signe, taux } from '../format.ts';
import { cles } from '../cles.ts';

type Ligne = BilanApi['lignes'][number];
type Dimension = keyof BilanApi['dimensions'];
type Compteur = (typeof CODES_COMPTEURS)[number];
const adresseBilan = (d: Demande, format: 'xlsx' | 'csv' | 'pdf' | 'json') =>
  avecParametres(format === 'json' ? '/api/bilan' : `/api/bilan.${format}`, { ...d });

const DIMENSIONS: { code: Dimension; libelle: string }[] = [
  { code: 'typologie', libelle: 'Typologie' },
  { code: 'financement', libelle: 'Financement' },
  { code: 'qpv', libelle: 'Quartier prioritaire (QPV)' },
  { code: 'commune', libelle: 'Commune' },
  { code: 'periode', libelle: 'Période de construction' },
];

/** The counters, with the glossary's words (src/domain/compteurs.ts, docs/glossaire-compteurs.md). */
const COMPTEURS: { code: Compteur; titre: string; libelle: string }[] = CODES_COMPTEURS.map((code) => ({
  code,
  titre: TITRES_COMPTEURS[code],
  libelle: LIBELLES_COMPTEURS[code],
}));

/** Communes beyond this rank are summed in « Autres communes » in the chart (the table has them all). */
const VALEURS_DANS_LE_GRAPHIQUE = 10;

export function Bilan() {
  const [parametres, setParametres] = useSearchParams();
  const anneeDerniere = new Date().getFullYear() - 1;
  const annee = Number(parametres.get('annee')) || anneeDerniere;
  const bilans = useQuery({
    queryKey: cles.bilans(),
    queryFn: ({ signal }) => lireBilans(signal),
    staleTime: 5 * 60_000,
  });
  const liste = bilans.data?.bilans ?? [];
  // Never blank (issue 12 item 7): without a choice, the first bilan of the list.
  const bailleur = parametres.get('bailleur') || liste[0]?.bailleurId;
  const departement =
    parametres.get('departement') || (bailleur ? liste.find((b) => b.bailleurId === bailleur)?.departement : undefined);
  const demande: Demande = { annee, bailleur, departement };
  const actif = bailleur !== undefined && departement !== undefined;
  const bilan = useQuery({
    queryKey: cles.bilan(demande),
    queryFn: ({ signal }) => lireBilan(demande, signal),
    placeholderData: keepPreviousData,
    enabled: actif,
    retry: false,
  });
  const [choix, setChoix] = useState<{ cle: string; annee: string } | null>(null);
  const cle = choix?.cle ?? (bailleur && departement ? `${bailleur}|${departement}` : '');
  const anneeChoisie = choix?.annee ?? String(annee);
  const afficher = (e: FormEvent) => {
    e.preventDefault();
    const [b, d] = cle.split('|');
    setParametres({ annee: anneeChoisie, ...(b ? { bailleur: b } : {}), ...(d ? { departement: d } : {}) });
    setChoix(null);
  };
  const b = bilan.data;
  return (
    <Page
      titre="Bilan annuel"
      titreDocument={b ? `Bilan ${b.annee} — ${b.bailleur.nom} — ${b.departement}` : 'Bilan annuel'}
    >
      <p className="fr-text--lead">
        Le bilan des logements proposés et attribués l’année passée, par réservataire, typologie, financement,
        localisation en QPV, commune et période de construction, avec le droit, les logements décomptés, le solde et le
        report de chaque ligne : le bilan que le bailleur transmet à chaque réservataire avant le 28 février (CCH
        R.441-5-1).
      </p>
      <form onSubmit={afficher} className="flux-filtres fr-mb-4w" aria-label="Choisir le bilan affiché">
        {liste.length > 1 ? (
          <Select
            label="Bailleur et département"
            nativeSelectProps={{
              id: 'bilan-bailleur',
              name: 'bailleur',
              value: cle,
              onChange: (e) => setChoix({ cle: e.target.value, annee: anneeChoisie }),
            }}
          >
            <option value="" disabled>
              Choisir un bailleur
            </option>
            {liste.map((x) => (
              <option key={`${x.bailleurId}|${x.departement}`} value={`${x.bailleurId}|${x.departement}`}>
                {x.bailleur} — département {x.departement}
              </option>
            ))}
          </Select>
        ) : null}
        <SelectAnnee
          id="bilan-annee"
          name="annee"
          label="Année du bilan"
          annees={[anneeDerniere + 1, anneeDerniere, anneeDerniere - 1, anneeDerniere - 2, anneeDerniere - 3]}
          valeur={anneeChoisie}
          surChoix={(annee) => setChoix({ cle, annee })}
          libelle={(a) => (a === anneeDerniere + 1 ? `${a} (en cours)` : String(a))}
        />
        <Button type="submit" priority="secondary">
          Afficher
        </Button>
      </form>
      {bilans.isPending ? (
        <Chargement quoi="la liste des bilans" />
      ) : bilans.error ? (
        <ErreurChargement erreur={bilans.error} quoi="la liste des bilans" reessayer={() => void bilans.refetch()} />
      ) : !liste.length ? (
        <Vide>Aucun bilan annuel ne vous est accessible : il faut une convention de réservation avec un bailleur.</Vide>
      ) : !actif ? (
        <Vide>Choisissez un bailleur pour afficher son bilan.</Vide>
      ) : bilan.isPending ? (
        <Chargement quoi="le bilan annuel" />
      ) : bilan.error && !b ? (
        <ErreurChargement erreur={bilan.error} quoi="le bilan annuel" reessayer={() => void bilan.refetch()} />
      ) : b ? (
        <Contenu b={b} />
      ) : null}
    </Page>
  );
}

function Contenu({ b }: { b: BilanApi }) {
  // The year's events, replayable by the engine (`flux simulate --bilan`): for the parties who read every line.
  const { role } = useSessionOuverte();
  const scenario = role === 'agent_bailleur' || role === 'pilote_etat' || role === 'lecteur_epci';
  const [compteur, setCompteur] = useState<Compteur>('misADisposition');
  const total = (k: Compteur) => b.lignes.reduce((t, l) => t + l[k], 0);
  const restreint = b.lignes.length === 1 && b.lignes[0]!.ligne !== 'BAILLEUR';
  const bauxHorsFlux = b.relogements.categories.reduce((t, r) => t + r.bauxSignes, 0);
  const colonnes: Colonne<Ligne>[] = [
    { titre: 'Ligne', valeur: (l) => l.nom, entete: true },
    { titre: 'Taux', valeur: (l) => taux(l.taux), nombre: true },
    { titre: 'Droit', valeur: (l) => decimal(l.droit), nombre: true },
    ...COMPTEURS.map((c): Colonne<Ligne> => ({ titre: c.titre, valeur: (l) => nombre(l[c.code]), nombre: true })),
    { titre: 'Solde', valeur: (l) => signe(l.solde), nombre: true },
    { titre: 'Report N+1', valeur: (l) => decimal(l.reportAnneeSuivante), nombre: true },
  ];
  return (
    <>
      <ChiffresCles titre={`${b.bailleur.nom} — département ${b.departement}, bilan ${b.annee}`}>
        <ChiffreCle
          libelle="Logements disponibles"
          valeur={nombre(b.flux.disponibles)}
          detail={`dont ${nombre(b.flux.premieresMisesEnLocation)} première(s) mise(s) en location`}
        />
        <ChiffreCle
          libelle="Exclus du flux"
          valeur={nombre(b.flux.disponibles - b.flux.fluxAnnuel)}
          detail="mutations, relogements, logements hors flux"
        />
        <ChiffreCle
          libelle="Flux annuel"
          valeur={nombre(b.flux.fluxAnnuel)}
          detail="base des droits des réservataires"
        />
        {/* The lines' leases are those of the flow; mutations and rehousing are signed outside it. */}
        <ChiffreCle
          libelle={restreint ? 'Baux signés sur votre ligne' : 'Baux signés dans le flux'}
          valeur={nombre(total('bauxSignes'))}
          detail={
            restreint ? (
              `${nombre(total('attribues'))} attribution(s) en CAL`
            ) : (
              <>
                {nombre(total('attribues'))} attribution(s) en CAL
                <br />
                et {pluriel(bauxHorsFlux, 'bail', 'baux')} hors flux
              </>
            )
          }
        />
      </ChiffresCles>

      <section aria-labelledby="bilan-lignes" className="fr-mb-6w">
        <h2 id="bilan-lignes" className="fr-h3">
          Bilan par ligne
        </h2>
        {restreint ? (
          <p>Ce bilan est limité à votre ligne : les chiffres des autres réservataires ne vous sont pas communiqués.</p>
        ) : null}
        <Tableau
          id="tableau-bilan-lignes"
          legende={`Bilan ${b.annee} par ligne — ${b.bailleur.nom}, département ${b.departement}`}
          description={`Mis à disposition : ${DEFINITIONS_COMPTEURS.misADisposition} ; décomptés : ${DEFINITIONS_COMPTEURS.decomptes} ; solde = décomptés − droit.`}
          colonnes={colonnes}
          lignes={b.lignes}
          cle={(l) => l.ligne}
          bordure
          compact
        />
      </section>

      <section aria-labelledby="bilan-dimensions" className="fr-mb-6w">
        <h2 id="bilan-dimensions" className="fr-h3">
          Répartition par typologie, financement, QPV, commune et période de construction
        </h2>
        <Select
          label="Chiffre montré dans les graphiques et tableaux"
          nativeSelectProps={{
            id: 'bilan-compteur',
            value: compteur,
            onChange: (e) => setCompteur(e.target.value as Compteur),
          }}
        >
          {COMPTEURS.map((c) => (
            <option key={c.code} value={c.code}>
              {c.libelle}
            </option>
          ))}
        </Select>
        {DIMENSIONS.map((d) => (
          <UneDimension key={d.code} b={b} dimension={d} compteur={compteur} />
        ))}
      </section>

      <section aria-labelledby="bilan-exclusions" className="fr-mb-6w">
        <h2 id="bilan-exclusions" className="fr-h3">
          Logements exclus du flux
        </h2>
        {b.exclusions.length ? (
          <Tableau
            id="tableau-bilan-exclusions"
            legende={`Logements exclus du flux en ${b.annee}, par catégorie`}
            colonnes={[
              { titre: 'Catégorie', valeur: (e: BilanApi['exclusions'][number]) => e.libelle, entete: true },
              { titre: 'Logements', valeur: (e) => nombre(e.logements), nombre: true },
            ]}
            lignes={b.exclusions}
            cle={(e) => e.motif}
            bordure
          />
        ) : (
          <p>Aucun logement exclu du flux cette année.</p>
        )}
      </section>

      <Relogements b={b} />

      <Objectifs b={b} />

      <EmissionBilan
        annee={b.annee}
        bailleur={b.bailleur.id}
        departement={b.departement}
        vide={b.flux.disponibles === 0}
      />

      <section aria-labelledby="bilan-telecharger" className="fr-mb-6w">
        <h2 id="bilan-telecharger" className="fr-h3">
          Télécharger le bilan
        </h2>
        <ul className="flux-liste-nue">
          {(
            [
              [
                'xlsx',
                'Télécharger le bilan au format XLSX',
                'synthèse, une feuille par dimension, détail des locations',
              ],
              ['csv', 'Télécharger le bilan au format CSV', 'table longue « ; », UTF-8, à croiser dans un tableur'],
              ['pdf', 'Télécharger le bilan au format PDF', 'avec les graphiques'],
              ['json', 'Télécharger le bilan au format JSON', 'les chiffres de l’API'],
            ] as const
          ).map(([format, titre, detail]) => (
            <li key={format} className="fr-mb-1w">
              <a
                className="fr-link fr-link--download"
                href={adresseBilan({ annee: b.annee, bailleur: b.bailleur.id, departement: b.departement }, format)}
                download={format === 'json' ? `bilan-${b.annee}-${b.bailleur.id}-${b.departement}.json` : true}
              >
                {titre}
                <span className="fr-link__detail">{detail}</span>
              </a>
            </li>
          ))}
        </ul>
        {scenario ? (
          <p className="fr-mb-1w">
            <a
              className="fr-link fr-link--download"
              href={avecParametres('/api/bilan/scenario', {
                annee: b.annee,
                bailleur: b.bailleur.id,
                departement: b.departement,
              })}
              download={`scenario-${b.annee}-${b.bailleur.id}-${b.departement}.json`}
            >
              Télécharger les événements de l’année (scénario JSON)
              <span className="fr-link__detail">
                pour que chacun puisse recalculer ce bilan à l’identique avec le moteur de Flux
              </span>
            </a>
          </p>
        ) : null}
        <p className="fr-text--sm">Les fichiers contiennent exactement les chiffres de cette page.</p>
      </section>
    </>
  );
}

function UneDimension({
  b,
  dimension,
  compteur,
}: {
  b: BilanApi;
  dimension: { code: Dimension; libelle: string };
  compteur: Compteur;
}) {
  const D = b.dimensions[dimension.code];
  const c = COMPTEURS.find((x) => x.code === compteur)!;
  const id = `bilan-${dimension.code}`;
  const valeur = (ligne: string, v: string) => D.parLigne[ligne]?.[v]?.[compteur] ?? 0;
  // The chart: the mix of the flow (units vacated) beside each line's mix for the counter shown.
  const ordre = [...D.valeurs].sort((x, y) => (D.flux[y] ?? 0) - (D.flux[x] ?? 0));
  const montrees = D.valeurs.length > VALEURS_DANS_LE_GRAPHIQUE ? ordre.slice(0, VALEURS_DANS_LE_GRAPHIQUE) : D.valeurs;
  const autres = D.valeurs.filter((v) => !montrees.includes(v));
  const regrouper = (f: (v: string) => number): Record<string, number> => {
    const r: Record<string, number> = Object.fromEntries(montrees.map((v) => [v, f(v)]));
    if (autres.length) r['__autres'] = autres.reduce((t, v) => t + f(v), 0);
    return r;
  };
  // A réservataire's bilan lists only the values its line received: the flow's other units in one more.
  const nonRecues = Object.entries(D.flux).reduce((t, [v, n]) => (D.valeurs.includes(v) ? t : t + n), 0);
  const modalites = [
    ...montrees.map((v) => ({ code: v, libelle: D.libelles[v] ?? v })),
    ...(autres.length ? [{ code: '__autres', libelle: `Autres (${autres.length})` }] : []),
    ...(nonRecues ? [{ code: '__non_recues', libelle: 'Valeurs non reçues par la ligne' }] : []),
  ];
  const series: Serie[] = [
    {
      id: '__flux',
      libelle: 'Flux de l’année (libérés)',
      valeurs: { ...regrouper((v) => D.flux[v] ?? 0), __non_recues: nonRecues },
    },
    ...b.lignes.map((l) => ({ id: l.ligne, libelle: l.nom, valeurs: regrouper((v) => valeur(l.ligne, v)) })),
  ];
  const NON_RECUES = '__non_recues';
  const colonnes: Colonne<string>[] = [
    {
      titre: dimension.libelle,
      valeur: (v) => (v === NON_RECUES ? 'Autres valeurs du flux (non reçues)' : (D.libelles[v] ?? v)),
      entete: true,
    },
    { titre: 'Flux de l’année', valeur: (v) => nombre(v === NON_RECUES ? nonRecues : (D.flux[v] ?? 0)), nombre: true },
    ...b.lignes.map((l): Colonne<string> => ({
      titre: l.nom,
      valeur: (v) => nombre(v === NON_RECUES ? 0 : valeur(l.ligne, v)),
      nombre: true,
    })),
  ];
  return (
    <div className="fr-mb-4w">
      <h3 id={id} className="fr-h4">
        {dimension.libelle}
      </h3>
      {D.valeurs.length ? (
        <>
          <BarresEmpilees
            titre={`${dimension.libelle} : répartition du flux de l’année et de chaque ligne (${c.libelle.toLowerCase()}), en part des logements`}
            series={series}
            modalites={modalites}
          />
          <Tableau
            id={`tableau-${id}`}
            legende={`${dimension.libelle} — ${c.libelle.toLowerCase()} par ligne, et logements du flux`}
            colonnes={colonnes}
            lignes={nonRecues ? [...D.valeurs, NON_RECUES] : D.valeurs}
            cle={(v) => v}
            pied={
              <tr>
                <th scope="row">Total</th>
                <td className="fr-cell--right flux-nombre">
                  {nombre(Object.values(D.flux).reduce((t, n) => t + n, 0))}
                </td>
                {b.lignes.map((l) => (
                  <td key={l.ligne} className="fr-cell--right flux-nombre">
                    {nombre(l[compteur])}
                  </td>
                ))}
              </tr>
            }
            bordure
            compact
          />
        </>
      ) : (
        <p>Aucun logement cette année.</p>
      )}
    </div>
  );
}

type Relogement = BilanApi['relogements']['categories'][number];

/** The bilan of rehousing allocations (CCH R.441-5): the lettings outside the flow, per category, against the PRU volume. */
function Relogements({ b }: { b: BilanApi }) {
  const { categories, volumePru } = b.relogements;
  const total = (k: 'liberes' | 'bauxSignes' | 'enCours') => categories.reduce((s, r) => s + r[k], 0);
  return (
    <section aria-labelledby="bilan-relogements" className="fr-mb-6w">
      <h2 id="bilan-relogements" className="fr-h3">
        Bilan des relogements
      </h2>
      <p>
        Les mutations internes et les relogements sortent du flux (CCH R.441-5) : ils ne comptent sur aucune ligne, mais
        passent en CAL comme les autres attributions. {nombre(total('liberes'))} logement(s) libéré(s),{' '}
        {nombre(total('bauxSignes'))} bail(baux) signé(s), {nombre(total('enCours'))} location(s) en cours.
        {volumePru === null
          ? ' Aucune prévision de volume PRU pour cette année.'
          : ` Volume réservé aux relogements PRU/ANRU dans la prévision : ${decimal(volumePru)} logement(s).`}
      </p>
      <Tableau
        id="tableau-bilan-relogements"
        legende={`Bilan des relogements ${b.annee}, par catégorie`}
        colonnes={[
          { titre: 'Catégorie', valeur: (r: Relogement) => r.libelle, entete: true },
          { titre: 'Logements libérés', valeur: (r) => nombre(r.liberes), nombre: true },
          { titre: 'Baux signés', valeur: (r) => nombre(r.bauxSignes), nombre: true },
          { titre: 'En cours', valeur: (r) => nombre(r.enCours), nombre: true },
          {
            titre: 'Volume PRU prévu',
            valeur: (r) =>
              r.motif !== 'relogement_anru' ? '—' : volumePru === null ? 'sans prévision' : decimal(volumePru),
            nombre: true,
          },
        ]}
        lignes={categories}
        cle={(r) => r.motif}
        bordure
      />
    </section>
  );
}

function Objectifs({ b }: { b: BilanApi }) {
  const nom = new Map(b.lignes.map((l) => [l.ligne, l.nom]));
  const lignes = [
    { id: 'q1', libelle: 'Attributions hors QPV à des ménages du 1er quartile', i: b.objectifs.quartile1HorsQpv },
    { id: 'nq1', libelle: 'Attributions en QPV à des ménages hors 1er quartile', i: b.objectifs.nonQuartile1EnQpv },
    ...Object.entries(b.objectifs.prioritaires).map(([l, i]) => ({
      id: `p-${l}`,
      libelle: `Ménages prioritaires — ${nom.get(l) ?? l}`,
      i,
    })),
  ];
  return (
    <section aria-labelledby="bilan-objectifs" className="fr-mb-6w">
      <h2 id="bilan-objectifs" className="fr-h3">
        Objectifs d’attribution
      </h2>
      <Tableau
        id="tableau-bilan-objectifs"
        legende={`Objectifs d’attribution ${b.annee} : réalisé et cible`}
        colonnes={[
          { titre: 'Objectif', valeur: (o: (typeof lignes)[number]) => o.libelle, entete: true },
          { titre: 'Réalisé', valeur: (o) => (o.i.realise === null ? '—' : taux(o.i.realise)), nombre: true },
          { titre: 'Cible', valeur: (o) => taux(o.i.cible), nombre: true },
          {
            titre: 'Attributions retenues / comptées',
            valeur: (o) =>
              `${nombre(o.i.numerateur)} / ${nombre(o.i.denominateur)}${o.i.inconnus ? ` (dont ${nombre(o.i.inconnus)} au quartile inconnu)` : ''}`,
            nombre: true,
          },
          {
            titre: 'Atteint',
            valeur: (o) => (o.i.realise === null ? 'sans attribution' : o.i.realise >= o.i.cible ? 'oui' : 'non'),
          },
        ]}
        lignes={lignes}
        cle={(o) => o.id}
        bordure
      />
    </section>
  );
}
