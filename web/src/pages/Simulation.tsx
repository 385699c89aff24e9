/**
 * « Simulation » (issue 18 items 2–5): the Monte Carlo year of a stored year, before signing. The
 * assumptions come from the year's observed flow (turnover, months, refusals, missed deadlines,
 * PRU) and are editable (runs, seed, PRU range, refusal rate, visits per candidate, the lag
 * threshold k, and the options' numbers: missed deadlines under delegated management, the cap of the
 * capped carry-over, past years' turnover); the page shows per line the median and 10–90 % band of
 * its units and of its balance at 31 December, the carry-over it leaves, the chance of ending behind
 * by more than k units, the options side by side with their assumptions in words (counting at
 * orientation, attribution, lease; one or all réservataires per unit; delegated management;
 * carry-over rules; 1 or 3 years of history; the allocation plan — ADR 0045, 0049), a fan chart per
 * line, the workload by month, and the XLSX and PDF to attach to a convention draft. A réservataire
 * sees its own line.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import {
  adresseSimulationPdf,
  adresseSimulationXlsx,
  lireSimulation,
  type DemandeSimulation,
  type SimulationApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { MOIS_COURTS } from '../composants/Courbes.tsx';
import { Chargement, ErreurChargement, Vide } from '../composants/Etats.tsx';
import { BandesOptions, Eventail, type Fourchette } from '../composants/Eventail.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { nombre, quantite, taux } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';

type Option = SimulationApi['options'][number];
type Ligne = Option['lignes'][number];
type Mois = Option['charge'][number];

const CHAMPS = [
  'tirages',
  'graine',
  'pruMin',
  'pruMax',
  'refus',
  'visitesParCandidat',
  'seuil',
  'sansCandidatDelegue',
  'plafondReport',
  'historique',
] as const;
type Champ = (typeof CHAMPS)[number];

const fourchette = (f: Fourchette) => `${quantite(f.mediane)} (${quantite(f.p10)} à ${quantite(f.p90)})`;

/** The query read from the address: absent or empty fields are the observed assumptions. */
function demandeDe(parametres: URLSearchParams, bailleur: string | undefined): DemandeSimulation {
  const n = (c: string) => {
    const v = parametres.get(c);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);
  };
  const refus = n('refus');
  const delegue = n('sansCandidatDelegue');
  // Past years' turnover typed in % (« 8,5 ; 9 »): shares for the API; a typo goes as typed, the API names it.
  const historique = parametres.get('historique')?.trim() || undefined;
  const parts = historique?.split(';').map((x) => Number(x.trim().replace(',', '.')));
  return {
    bailleur,
    annee: n('annee'),
    tirages: n('tirages'),
    graine: n('graine'),
    pruMin: n('pruMin'),
    pruMax: n('pruMax'),
    // The form says a percentage; the API a share.
    refus: refus === undefined ? undefined : refus / 100,
    visitesParCandidat: n('visitesParCandidat'),
    seuil: n('seuil'),
    sansCandidatDelegue: delegue === undefined ? undefined : delegue / 100,
    plafondReport: n('plafondReport'),
    historique:
      parts && parts.every((x) => Number.isFinite(x))
        ? parts.map((x) => String(Math.round(x * 10) / 1000)).join(';')
        : historique,
  };
}

export function Simulation() {
  const session = useSessionOuverte();
  const choisit = session.role !== 'agent_bailleur';
  const [parametres, setParametres] = useSearchParams();
  const bailleur = choisit ? parametres.get('bailleur') || undefined : undefined;
  const demande = demandeDe(parametres, bailleur);
  const actif = !choisit || bailleur !== undefined;
  const { data, error, isPending, isFetching, refetch } = useQuery({
    queryKey: cles.simulation(demande),
    queryFn: ({ signal }) => lireSimulation(demande, signal),
    placeholderData: keepPreviousData,
    enabled: actif,
    retry: false,
  });
  const [saisie, setSaisie] = useState<Record<Champ, string> & { bailleur: string }>(() => ({
    bailleur: bailleur ?? '',
    ...(Object.fromEntries(CHAMPS.map((c) => [c, parametres.get(c) ?? ''])) as Record<Champ, string>),
  }));
  const simuler = (e: FormEvent) => {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (choisit && saisie.bailleur) p['bailleur'] = saisie.bailleur;
    const annee = parametres.get('annee');
    if (annee) p['annee'] = annee;
    for (const c of CHAMPS)
      if (saisie[c].trim() !== '') p[c] = c === 'historique' ? saisie[c].trim() : saisie[c].trim().replace(',', '.');
    setParametres(p);
  };
  const champ = (c: Champ, label: string, aide: string, attributs: Record<string, string | number>) => (
    <Input
      label={label}
      hintText={aide}
      nativeInputProps={{
        id: `simulation-${c}`,
        type: c === 'historique' ? 'text' : 'number',
        inputMode: 'decimal',
        value: saisie[c],
        onChange: (e) => setSaisie({ ...saisie, [c]: e.target.value }),
        ...attributs,
      }}
    />
  );
  const obs = data?.observees;
  return (
    <Page titre="Simulation" titreDocument={data ? `Simulation ${data.annee} — ${data.bailleur.nom}` : 'Simulation'}>
      <p className="fr-text--lead">
        Avant de signer : l’éventail de ce que les conventions donneront à chacun. L’année observée est tirée au hasard
        de nombreuses fois et chaque tirage passe par le moteur d’orientation ; chaque chiffre est donné en médiane et
        en fourchette de 10 % à 90 % des tirages.
      </p>
      <form onSubmit={simuler} className="fr-mb-4w" aria-label="Hypothèses de la simulation">
        <div className="flux-filtres fr-mb-3w">
          {choisit ? (
            <SelectBailleur
              id="simulation-bailleur"
              valeur={saisie.bailleur}
              surChoix={(b) => setSaisie({ ...saisie, bailleur: b })}
            />
          ) : null}
          {champ('tirages', 'Tirages', `1 à ${data?.tiragesMax ?? 100} ; défaut 30`, {
            min: 1,
            max: data?.tiragesMax ?? 100,
            step: 1,
          })}
          {champ('graine', 'Graine', 'même graine, même réponse', { min: 0, step: 1 })}
          {champ('seuil', 'Seuil de retard k', 'en logements ; défaut 1', { min: 0, step: 1 })}
        </div>
        <div className="flux-filtres fr-mb-3w">
          {champ('pruMin', 'Relogements PRU, minimum', obs ? `observé : ${nombre(obs.pru[0])}` : 'logements', {
            min: 0,
            step: 1,
          })}
          {champ('pruMax', 'Relogements PRU, maximum', obs ? `observé : ${nombre(obs.pru[1])}` : 'logements', {
            min: 0,
            step: 1,
          })}
          {champ('refus', 'Taux de refus (%)', obs ? `observé : ${taux(obs.refus)}` : 'part des locations', {
            min: 0,
            max: 100,
            step: 'any',
          })}
          {champ('visitesParCandidat', 'Visites par candidat examiné', 'défaut 1', { min: 0, max: 10, step: 'any' })}
        </div>
        <div className="flux-filtres fr-mb-3w">
          {champ(
            'sansCandidatDelegue',
            'Délais manqués en gestion déléguée (%)',
            obs ? `option « gestion déléguée » ; défaut 0, au plus ${taux(obs.sansCandidat)} (observé)` : 'défaut 0',
            { min: 0, max: 100, step: 'any' },
          )}
          {champ('plafondReport', 'Plafond du report (logements)', 'option « report plafonné » ; défaut 2', {
            min: 0,
            step: 1,
          })}
          {champ(
            'historique',
            'Rotation des années passées (%)',
            data?.hypotheses.historique?.source === 'stockee'
              ? `lue dans les années stockées : ${data.hypotheses.historique.rotations
                  .slice(0, -1)
                  .map((x) => taux(x))
                  .join(' ; ')} ; une ou deux valeurs séparées par « ; » pour la remplacer`
              : 'une ou deux années, la plus ancienne d’abord, séparées par « ; » (8,5 ; 9)',
            { maxLength: 40 },
          )}
        </div>
        <Button type="submit" priority="secondary" disabled={isFetching}>
          Simuler
        </Button>
      </form>
      {!actif ? (
        <Vide>Choisissez un bailleur pour simuler son année.</Vide>
      ) : isPending ? (
        <Chargement quoi="la simulation" />
      ) : error && !data ? (
        <ErreurChargement erreur={error} quoi="la simulation" reessayer={() => void refetch()} />
      ) : data ? (
        <>
          {error ? <ErreurChargement erreur={error} quoi="la simulation" reessayer={() => void refetch()} /> : null}
          <Contenu s={data} demande={demande} />
        </>
      ) : null}
    </Page>
  );
}

function Contenu({ s, demande }: { s: SimulationApi; demande: DemandeSimulation }) {
  const [choix, setChoix] = useState(0);
  const option = s.options[choix] ?? s.options[0]!;
  const lignes = s.options[0]?.lignes ?? [];
  const comparaison = lignes.flatMap((l) =>
    s.options.map((o) => ({ option: o.nom, ligne: o.lignes.find((x) => x.reservataire === l.reservataire)! })),
  );
  const colonnesComparaison: Colonne<{ option: string; ligne: Ligne }>[] = [
    { titre: 'Ligne', valeur: (r) => r.ligne.nom, entete: true },
    { titre: 'Option', valeur: (r) => r.option },
    { titre: 'Logements', valeur: (r) => fourchette(r.ligne.misADisposition), nombre: true },
    { titre: 'Baux signés', valeur: (r) => fourchette(r.ligne.bauxSignes), nombre: true },
    { titre: 'Solde au 31 décembre', valeur: (r) => fourchette(r.ligne.solde), nombre: true },
    {
      titre: 'Report sur l’année suivante',
      valeur: (r) => quantite(r.ligne.reportAnneeSuivante.mediane),
      nombre: true,
    },
    {
      titre: `Retard de plus de ${quantite(s.seuilRetard)} logement${s.seuilRetard > 1 ? 's' : ''}`,
      valeur: (r) => taux(r.ligne.probabiliteRetard),
      nombre: true,
    },
  ];
  const colonnesCharge: Colonne<Mois>[] = [
    { titre: 'Mois', valeur: (m) => MOIS_COURTS[Number(m.mois.slice(5, 7)) - 1], entete: true },
    ...option.lignes.map((l): Colonne<Mois> => ({
      titre: `Dossiers — ${l.nom}`,
      valeur: (m) => quantite(m.dossiers[l.reservataire] ?? 0),
      nombre: true,
    })),
    { titre: 'Examens en CAL', valeur: (m) => quantite(m.examensCal), nombre: true },
    { titre: 'Visites', valeur: (m) => quantite(m.visites), nombre: true },
  ];
  const total = (f: (m: Mois) => number) => option.charge.reduce((t, m) => t + f(m), 0);
  return (
    <>
      <ChiffresCles titre={`${s.bailleur.nom} — département ${s.departement}, année observée ${s.annee}`}>
        <ChiffreCle
          libelle="Logements dans le flux"
          valeur={nombre(s.parc)}
          detail="le parc d’où les préavis sont tirés"
        />
        <ChiffreCle
          libelle="Rotation observée"
          valeur={taux(s.observees.rotation)}
          detail={`refus ${taux(s.hypotheses.refus)}, délais manqués ${taux(s.hypotheses.sansCandidat)}`}
        />
        <ChiffreCle
          libelle="Flux annuel"
          valeur={quantite(s.options[0]!.fluxAnnuel.mediane)}
          detail={`de ${quantite(s.options[0]!.fluxAnnuel.p10)} à ${quantite(s.options[0]!.fluxAnnuel.p90)} logements (10 % – 90 %)`}
        />
        <ChiffreCle
          libelle="Tirages"
          valeur={nombre(s.tirages)}
          detail={`graine ${nombre(s.graine)} ; PRU de ${nombre(s.hypotheses.pru[0])} à ${nombre(s.hypotheses.pru[1])}`}
        />
      </ChiffresCles>
      <ul className="fr-links-group">
        <li>
          <a
            className="fr-link fr-icon-download-line fr-link--icon-left"
            href={adresseSimulationXlsx(demande)}
            download
          >
            Télécharger la simulation (XLSX)
          </a>
        </li>
        <li>
          <a className="fr-link fr-icon-download-line fr-link--icon-left" href={adresseSimulationPdf(demande)} download>
            Télécharger les options (PDF, à joindre au projet de convention)
          </a>
        </li>
      </ul>

      <section aria-labelledby="simulation-options" className="fr-mb-6w">
        <h2 id="simulation-options" className="fr-h3">
          Options côte à côte
        </h2>
        <p>
          Les mêmes années tirées (même graine) sous chaque option : elles ne diffèrent que par leur règle. Solde au 31
          décembre = logements décomptés − droit ; négatif, la ligne attend des logements ; le report est ce que la
          règle en garde pour l’année suivante.
        </p>
        <details className="fr-mb-3w">
          <summary>Les options et leurs hypothèses</summary>
          <dl className="flux-options-decrites">
            {s.options.map((o) => (
              <div key={o.nom}>
                <dt className="fr-text--bold fr-mb-0">{o.nom}</dt>
                <dd className="fr-mb-1w fr-ml-0">{o.description}</dd>
              </div>
            ))}
            {s.optionsAbsentes.map((a) => (
              <div key={a.nom}>
                <dt className="fr-text--bold fr-mb-0">{a.nom}</dt>
                <dd className="fr-mb-1w fr-ml-0">Non calculée : {a.raison}.</dd>
              </div>
            ))}
          </dl>
        </details>
        <div className="fr-grid-row fr-grid-row--gutters">
          {lignes.map((l) => (
            <div key={l.reservataire} className="fr-col-12 fr-col-lg-6">
              <h3 className="fr-h6 fr-mb-1w">{l.nom}</h3>
              <BandesOptions
                titre={`Solde au 31 décembre de ${l.nom}, par option (médiane et fourchette 10 % – 90 %)`}
                options={s.options.map((o) => ({
                  nom: o.nom,
                  solde: o.lignes.find((x) => x.reservataire === l.reservataire)!.solde,
                }))}
              />
            </div>
          ))}
        </div>
        <Tableau
          legende="Par ligne et par option : médiane (fourchette 10 % à 90 %)"
          colonnes={colonnesComparaison}
          lignes={comparaison}
          cle={(r) => `${r.ligne.reservataire}|${r.option}`}
          compact
        />
      </section>

      <section aria-labelledby="simulation-eventail" className="fr-mb-6w">
        <h2 id="simulation-eventail" className="fr-h3">
          Éventail des logements, mois par mois
        </h2>
        <Select
          label="Option affichée (éventails et charge)"
          nativeSelectProps={{
            id: 'simulation-option',
            value: String(choix),
            onChange: (e) => setChoix(Number(e.target.value)),
          }}
        >
          {s.options.map((o, i) => (
            <option key={o.nom} value={i}>
              {o.nom}
            </option>
          ))}
        </Select>
        <div className="fr-grid-row fr-grid-row--gutters">
          {option.lignes.map((l) => (
            <div key={l.reservataire} className="fr-col-12 fr-col-md-6 fr-col-lg-4">
              <Eventail titre={`${l.nom} : logements reçus depuis le 1er janvier`} mois={l.cumulMensuel} />
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="simulation-charge" className="fr-mb-6w">
        <h2 id="simulation-charge" className="fr-h3">
          Charge de travail par mois
        </h2>
        <p>
          Hypothèses : chaque proposition demande à la ligne orientée autant de dossiers à instruire que sa convention
          demande de candidats (option « tous les réservataires » : à chaque réservataire à qui le logement est proposé
          ; gestion déléguée : au bailleur) ; la CAL du bailleur examine les candidats de la ligne retenue ;{' '}
          {quantite(s.hypotheses.visitesParCandidat)} visite par candidat examiné (modifiable ci-dessus). Médianes des
          tirages, option « {option.nom} ». Sur l’année : {quantite(total((m) => m.examensCal))} examens en CAL et{' '}
          {quantite(total((m) => m.visites))} visites.
        </p>
        <Tableau
          legende={`Dossiers, examens en CAL et visites par mois — ${option.nom}`}
          colonnes={colonnesCharge}
          lignes={option.charge}
          cle={(m) => m.mois}
          compact
        />
      </section>
    </>
  );
}
