/**
 * « CALEOL » (ADR 0044): the bailleur's occupancy review (CCH L.442-5-2). In the zones of the
 * article, every three years from the lease, the households in one of the five situations are
 * listed by case with the text that defines it; a CALEOL session records its avis per household
 * (confirmed, audited); the proposals are followed; an accepted mutation opens the letting outside
 * the flow on the new unit and the notice of the freed unit. The occupancy file is imported here
 * (all or nothing). Units are named by their RPLS number, never by an internal id.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import {
  creerSeanceCaleol,
  enregistrerAvisCaleol,
  lireCaleol,
  saisirOccupation,
  suivreAvisCaleol,
  televerserOccupation,
  type AvisCaleolApi,
  type ListeCaleolApi,
  type MenageCaleolApi,
  type ResumeOccupationApi,
  type SeanceCaleolApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { EtatRequete, messageErreur, Vide } from '../composants/Etats.tsx';
import { adresseCsv, FormulaireTeleversement, LienModele } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { TAILLE_MAX_OCCUPATION } from '../../../src/contracts/caleol.ts';
import { date, nombre, pluriel } from '../format.ts';

/** The template offered for download: its header and one example row (docs/occupation.md). */
const MODELE =
  '\uFEFFRPLS;DATE_BAIL;PERSONNES;RESSOURCES_ANNUELLES;PLAFOND_RESSOURCES;HANDICAP;LOGEMENT_ADAPTE;PIECES;SURFACE\r\n' +
  '4500012345;15/03/2020;2;21400;24300;non;non;;\r\n';

const AVIS: { valeur: AvisCaleolApi['avis']; libelle: string }[] = [
  { valeur: 'proposition_mutation', libelle: 'Proposer un logement adapté (mutation)' },
  { valeur: 'accession_sociale', libelle: 'Conseiller l’accession sociale' },
  { valeur: 'maintien', libelle: 'Situation constatée, maintien dans les lieux' },
  { valeur: 'situation_non_constatee', libelle: 'Situation non constatée' },
];

const SUIVI: Record<NonNullable<AvisCaleolApi['suivi']>, string> = {
  en_attente: 'Logement à trouver',
  proposee: 'Logement proposé',
  acceptee: 'Mutation acceptée',
  refusee: 'Proposition refusée',
  abandonnee: 'Abandonnée',
};

export function Caleol() {
  const requete = useQuery({ queryKey: cles.caleol.date(undefined), queryFn: ({ signal }) => lireCaleol({}, signal) });
  return (
    <Page titre="CALEOL — examen de l’occupation" titreDocument="CALEOL">
      <p className="fr-text--lead">
        Dans les zones de l’article L.442-5-2 du code de la construction et de l’habitation, tous les trois ans à
        compter de la signature du bail, les ménages dans l’une des cinq situations de l’article sont soumis à la
        commission d’attribution et d’examen de l’occupation des logements (CALEOL), qui rend un avis.
      </p>
      <EtatRequete requete={requete} quoi="l’examen de l’occupation">
        {(d) => <Contenu d={d} />}
      </EtatRequete>
      <ImportOccupation />
      <SaisieOccupation />
    </Page>
  );
}

function Contenu({ d }: { d: ListeCaleolApi }) {
  const seance = d.seances[0] ?? null;
  return (
    <>
      {d.communesEnZone === 0 ? (
        <Alert
          severity="warning"
          small
          className="fr-mb-4w"
          description="Aucune commune de votre patrimoine n’est dans les zones de l’article L.442-5-2 : l’administrateur de Flux importe leur liste, celle de l’arrêté pris en application de l’article R.442-3-3."
        />
      ) : (
        <p className="fr-text--sm">
          {pluriel(d.communesEnZone, 'commune', 'communes')} de votre patrimoine dans les zones — source :{' '}
          {d.sourcesZones.join(' ; ')}. Ménages connus : {nombre(d.occupations)}. Liste au {date(d.date)}, échéances
          jusqu’à {d.horizonJours} jours à l’avance (choix de Flux).
        </p>
      )}
      <section aria-labelledby="caleol-cas" className="fr-mb-6w">
        <h2 id="caleol-cas" className="fr-h4">
          Ménages à examiner par cas
        </h2>
        <Tableau<ListeCaleolApi['parCas'][number]>
          legende="Ménages à examiner par situation (un ménage peut relever de plusieurs)"
          cle={(c) => c.cas}
          compact
          colonnes={[
            { titre: 'Situation', valeur: (c) => c.libelle, entete: true },
            { titre: 'Texte', valeur: (c) => c.texte },
            { titre: 'Ménages', valeur: (c) => nombre(c.menages), nombre: true },
          ]}
          lignes={d.parCas}
        />
        <p className="fr-text--sm">
          À leur échéance : {pluriel(d.sansCas, 'ménage sans aucun cas', 'ménages sans aucun cas')},{' '}
          {pluriel(d.incomplets, 'ménage aux données incomplètes', 'ménages aux données incomplètes')} (une donnée
          inconnue ne fait jamais un cas), {pluriel(d.horsZone, 'ménage hors zone', 'ménages hors zone')}.
        </p>
      </section>
      <section aria-labelledby="caleol-seance" className="fr-mb-6w">
        <h2 id="caleol-seance" className="fr-h4">
          Séance
        </h2>
        <NouvelleSeance />
        {seance ? (
          <p>
            Les avis sont enregistrés pour la séance du <strong>{date(seance.date)}</strong>.
          </p>
        ) : (
          <p>Créez une séance pour enregistrer ses avis.</p>
        )}
      </section>
      <section aria-labelledby="caleol-menages" className="fr-mb-6w">
        <h2 id="caleol-menages" className="fr-h4">
          Ménages à examiner
        </h2>
        {d.menages.length === 0 ? (
          <Vide>Aucun ménage à examiner à cette date.</Vide>
        ) : (
          <Tableau<MenageCaleolApi>
            legende={`${pluriel(d.menages.length, 'ménage', 'ménages')}, échéance la plus proche d’abord`}
            cle={(m) => m.occupationId}
            compact
            colonnes={[
              {
                titre: 'Logement',
                valeur: (m) => `${m.rpls} (${m.typologie})`,
                entete: true,
              },
              {
                titre: 'Échéance',
                valeur: (m) => (
                  <>
                    {date(m.echeance)}
                    {m.echu ? '' : ' (à venir)'}
                    <span className="flux-secondaire">bail du {date(m.dateBail)}</span>
                  </>
                ),
              },
              { titre: 'Ménage', valeur: (m) => pluriel(m.personnes, 'personne', 'personnes') },
              {
                titre: 'Situations',
                valeur: (m) => (
                  <ul className="fr-text--sm fr-mb-0 flux-motif">
                    {m.cas.map((c) => (
                      <li key={c.cas}>
                        <strong>{c.libelle}</strong> ({c.texte}) : {c.motif}
                      </li>
                    ))}
                    {m.manquants.map((x) => (
                      <li key={x}>{x}</li>
                    ))}
                  </ul>
                ),
              },
              {
                titre: 'Avis',
                valeur: (m) => (seance ? <RendreAvis menage={m} seance={seance} /> : '—'),
              },
            ]}
            lignes={d.menages}
          />
        )}
      </section>
      <section aria-labelledby="caleol-suivi" className="fr-mb-6w">
        <h2 id="caleol-suivi" className="fr-h4">
          Avis et suivi des propositions
        </h2>
        {d.seances.every((s) => s.avis.length === 0) ? (
          <Vide>Aucun avis enregistré.</Vide>
        ) : (
          d.seances
            .filter((s) => s.avis.length > 0)
            .map((s) => (
              <Tableau<AvisCaleolApi>
                key={s.id}
                legende={`Séance du ${date(s.date)} : ${pluriel(s.avis.length, 'avis', 'avis')}`}
                cle={(a) => a.id}
                compact
                colonnes={[
                  { titre: 'Logement', valeur: (a) => a.rpls, entete: true },
                  { titre: 'Échéance', valeur: (a) => date(a.echeance) },
                  { titre: 'Situations', valeur: (a) => a.cas.map((c) => c.libelle).join(', ') },
                  {
                    titre: 'Avis',
                    valeur: (a) => (
                      <span className="flux-motif">
                        {a.libelleAvis}
                        {a.caracteristiques ? ` — ${a.caracteristiques}` : ''}
                      </span>
                    ),
                  },
                  {
                    titre: 'Suivi',
                    valeur: (a) =>
                      a.suivi ? (
                        <>
                          {SUIVI[a.suivi]}
                          {a.rplsPropose ? ` (logement ${a.rplsPropose})` : ''}
                          {a.mutationOuverte ? ' : mutation interne ouverte hors flux' : ''}
                          <Suivi avis={a} />
                        </>
                      ) : (
                        '—'
                      ),
                  },
                ]}
                lignes={s.avis}
              />
            ))
        )}
      </section>
    </>
  );
}

function NouvelleSeance() {
  const id = useId();
  const client = useQueryClient();
  const [jour, setJour] = useState('');
  const creation = useMutation({
    mutationFn: () => creerSeanceCaleol(jour),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.caleol.tout() }),
  });
  return (
    <form
      className="fr-mb-2w"
      aria-label="Nouvelle séance de CALEOL"
      onSubmit={(e) => {
        e.preventDefault();
        creation.mutate();
      }}
    >
      <div className="fr-input-group">
        <label className="fr-label" htmlFor={`${id}-date`}>
          Date de la séance
        </label>
        <input
          className="fr-input"
          type="date"
          id={`${id}-date`}
          value={jour}
          required
          onChange={(e) => setJour(e.target.value)}
        />
      </div>
      <Button type="submit" disabled={!jour || creation.isPending} priority="secondary">
        Créer la séance
      </Button>
      {creation.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(creation.error)}
        </p>
      ) : null}
    </form>
  );
}

function RendreAvis({ menage, seance }: { menage: MenageCaleolApi; seance: SeanceCaleolApi }) {
  const id = useId();
  const client = useQueryClient();
  const [avis, setAvis] = useState<AvisCaleolApi['avis']>('proposition_mutation');
  const [carac, setCarac] = useState('');
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerAvisCaleol(seance.id, {
        occupationId: menage.occupationId,
        avis,
        caracteristiques: carac.trim() || null,
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.caleol.tout() }),
  });
  return (
    <>
      <Confirmation
        libelle="Rendre l’avis"
        titre={`Avis de la séance du ${date(seance.date)} sur le logement ${menage.rpls} ?`}
        size="small"
        priority="secondary"
        disabled={envoi.isPending}
        surConfirmation={() => envoi.mutate()}
        consequences={
          <p>
            L’avis est enregistré avec les situations constatées à l’échéance du {date(menage.echeance)} et figure au
            journal. Le ménage sort de la liste jusqu’à sa prochaine échéance.
          </p>
        }
        correction="Un avis ne se modifie pas : le suivi de la proposition se fait ensuite dans le tableau des avis."
      >
        <div className="fr-select-group">
          <label className="fr-label" htmlFor={`${id}-avis`}>
            Avis de la commission
          </label>
          <select
            className="fr-select"
            id={`${id}-avis`}
            value={avis}
            onChange={(e) => setAvis(e.target.value as AvisCaleolApi['avis'])}
          >
            {AVIS.map((a) => (
              <option key={a.valeur} value={a.valeur}>
                {a.libelle}
              </option>
            ))}
          </select>
        </div>
        <div className="fr-input-group">
          <label className="fr-label" htmlFor={`${id}-carac`}>
            Caractéristiques du logement adapté
            <span className="fr-hint-text">Obligatoires pour une proposition : typologie, surface, adaptation…</span>
          </label>
          <input
            className="fr-input"
            type="text"
            id={`${id}-carac`}
            value={carac}
            maxLength={1000}
            onChange={(e) => setCarac(e.target.value)}
          />
        </div>
      </Confirmation>
      {envoi.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(envoi.error)}
        </p>
      ) : null}
    </>
  );
}

function Suivi({ avis: a }: { avis: AvisCaleolApi }) {
  const id = useId();
  const client = useQueryClient();
  const [rpls, setRpls] = useState('');
  const [jour, setJour] = useState('');
  const [liberation, setLiberation] = useState('');
  const maj = useMutation({
    mutationFn: (corps: Parameters<typeof suivreAvisCaleol>[1]) => suivreAvisCaleol(a.id, corps),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.caleol.tout() }),
  });
  if (a.suivi === 'acceptee' || a.suivi === 'abandonnee' || a.suivi === null) return null;
  return (
    <div className="fr-mt-1w">
      {a.suivi === 'en_attente' || a.suivi === 'refusee' ? (
        <form
          aria-label={`Proposer un logement au ménage du logement ${a.rpls}`}
          onSubmit={(e) => {
            e.preventDefault();
            maj.mutate({ suivi: 'proposee', version: a.version, logementPropose: rpls });
          }}
        >
          <div className="fr-input-group">
            <label className="fr-label" htmlFor={`${id}-rpls`}>
              Logement proposé (numéro RPLS)
            </label>
            <input
              className="fr-input"
              type="text"
              id={`${id}-rpls`}
              value={rpls}
              required
              onChange={(e) => setRpls(e.target.value)}
            />
          </div>
          <Button type="submit" size="small" priority="secondary" disabled={!rpls || maj.isPending}>
            Enregistrer la proposition
          </Button>
        </form>
      ) : null}
      {a.suivi === 'proposee' ? (
        <>
          <Confirmation
            libelle="Mutation acceptée"
            titre={`Le ménage du logement ${a.rpls} accepte le logement ${a.rplsPropose ?? ''} ?`}
            size="small"
            disabled={maj.isPending || !jour}
            surConfirmation={() =>
              maj.mutate({
                suivi: 'acceptee',
                version: a.version,
                date: jour,
                ...(liberation ? { dateLiberation: liberation } : {}),
              })
            }
            consequences={
              <p>
                Une location « mutation interne », hors du flux, s’ouvre sur le logement {a.rplsPropose} : vous y
                désignez le ménage depuis votre boîte de réception, puis la CAL l’examine. Le préavis du logement{' '}
                {a.rpls} est déclaré à la date de libération : sa relocation entre dans le flux.
              </p>
            }
            correction="Les deux locations se suivent ensuite comme toute location (refus, relance, correction datée)."
          />
          <div className="fr-input-group fr-mt-1w">
            <label className="fr-label" htmlFor={`${id}-date`}>
              Date de la mutation
            </label>
            <input
              className="fr-input"
              type="date"
              id={`${id}-date`}
              value={jour}
              onChange={(e) => setJour(e.target.value)}
            />
          </div>
          <div className="fr-input-group">
            <label className="fr-label" htmlFor={`${id}-lib`}>
              Libération du logement actuel
              <span className="fr-hint-text">Par défaut, la date de la mutation.</span>
            </label>
            <input
              className="fr-input"
              type="date"
              id={`${id}-lib`}
              value={liberation}
              onChange={(e) => setLiberation(e.target.value)}
            />
          </div>
          <Button
            size="small"
            priority="tertiary"
            disabled={maj.isPending}
            onClick={() => maj.mutate({ suivi: 'refusee', version: a.version })}
          >
            Proposition refusée
          </Button>
        </>
      ) : null}
      <Button
        size="small"
        priority="tertiary no outline"
        disabled={maj.isPending}
        onClick={() => maj.mutate({ suivi: 'abandonnee', version: a.version })}
      >
        Abandonner
      </Button>
      {maj.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(maj.error)}
        </p>
      ) : null}
    </div>
  );
}

function ImportOccupation() {
  const client = useQueryClient();
  return (
    <section aria-labelledby="occupation-import">
      <h2 id="occupation-import" className="fr-h4">
        Importer l’occupation du patrimoine
      </h2>
      <p>
        <LienModele
          href={adresseCsv(MODELE)}
          nom="modele-occupation.csv"
          detail="CSV – une ligne d’exemple à remplacer"
        />
      </p>
      <p className="fr-text--sm">
        Une ligne par logement occupé : numéro RPLS, date de signature du bail (JJ/MM/AAAA), nombre de personnes,
        ressources annuelles et plafond applicable (de l’enquête SLS), handicap ou perte d’autonomie nécessitant un
        logement adapté (oui/non), logement adapté (oui/non), et si besoin pièces et surface (sinon celles du RPLS).
        Aucun nom n’est lu ni conservé ; un ménage parti (nouveau bail signé sur le logement) est effacé. Une seule
        ligne invalide et rien n’est importé.
      </p>
      <FormulaireTeleversement<ResumeOccupationApi>
        id="occupation"
        libelle="Fichier d’occupation"
        format="Format CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1)"
        accept=".csv,text/csv"
        tailleMax={TAILLE_MAX_OCCUPATION}
        messageChoix="Choisissez le fichier d’occupation à importer."
        nomFormulaire="Fichier d’occupation à importer"
        bouton="Importer l’occupation"
        titreRefus="Rien n’a été importé"
        niveau="h3"
        envoyer={(fichier) => televerserOccupation(fichier)}
        apres={() => client.invalidateQueries({ queryKey: cles.caleol.tout() })}
        resultat={(resume) => (
          <Alert
            severity="success"
            as="h3"
            role="status"
            title="Occupation importée"
            className="fr-mt-2w"
            description={`${pluriel(resume.lignes, 'ligne lue', 'lignes lues')} : ${pluriel(resume.nouveaux, 'nouveau ménage', 'nouveaux ménages')}, ${pluriel(resume.modifies, 'mis à jour', 'mis à jour')}, ${pluriel(resume.inchanges, 'inchangé', 'inchangés')}, ${pluriel(resume.purges, 'ménage parti effacé', 'ménages partis effacés')}.`}
          />
        )}
      />
    </section>
  );
}

const nombreOuNul = (s: string): number | null => {
  const t = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return t === '' ? null : Number(t);
};
const ouiNon = (s: string): boolean | null => (s === 'oui' ? true : s === 'non' ? false : null);

/** Entry (or correction) of one household, by the unit's RPLS number: the same checks as a row of the file. */
function SaisieOccupation() {
  const id = useId();
  const client = useQueryClient();
  const [v, setV] = useState({
    rpls: '',
    dateBail: '',
    personnes: '',
    ressources: '',
    plafond: '',
    handicap: '',
    logementAdapte: '',
    pieces: '',
    surface: '',
  });
  const maj = useMutation({
    mutationFn: () =>
      saisirOccupation({
        rpls: v.rpls.trim(),
        dateBail: v.dateBail,
        personnes: Number(v.personnes),
        ressources: nombreOuNul(v.ressources),
        plafond: nombreOuNul(v.plafond),
        handicap: ouiNon(v.handicap),
        logementAdapte: ouiNon(v.logementAdapte),
        pieces: nombreOuNul(v.pieces),
        surface: nombreOuNul(v.surface),
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: cles.caleol.tout() }),
  });
  const champ = (cle: keyof typeof v, libelle: string, type = 'text', aide?: string) => (
    <div className="fr-input-group fr-col-12 fr-col-md-4">
      <label className="fr-label" htmlFor={`${id}-${cle}`}>
        {libelle}
        {aide ? <span className="fr-hint-text">{aide}</span> : null}
      </label>
      <input
        className="fr-input"
        type={type}
        id={`${id}-${cle}`}
        value={v[cle]}
        onChange={(e) => setV({ ...v, [cle]: e.target.value })}
      />
    </div>
  );
  const choix = (cle: 'handicap' | 'logementAdapte', libelle: string) => (
    <div className="fr-select-group fr-col-12 fr-col-md-4">
      <label className="fr-label" htmlFor={`${id}-${cle}`}>
        {libelle}
      </label>
      <select
        className="fr-select"
        id={`${id}-${cle}`}
        value={v[cle]}
        onChange={(e) => setV({ ...v, [cle]: e.target.value })}
      >
        <option value="">Non renseigné</option>
        <option value="oui">Oui</option>
        <option value="non">Non</option>
      </select>
    </div>
  );
  return (
    <section aria-labelledby="occupation-saisie" className="fr-mt-6w">
      <h2 id="occupation-saisie" className="fr-h4">
        Saisir ou corriger un ménage
      </h2>
      <form
        aria-label="Ménage en place dans un logement"
        onSubmit={(e) => {
          e.preventDefault();
          maj.mutate();
        }}
      >
        <div className="fr-grid-row fr-grid-row--gutters">
          {champ('rpls', 'Logement (numéro RPLS)')}
          {champ('dateBail', 'Signature du bail', 'date')}
          {champ('personnes', 'Personnes', 'text', 'Résidant dans le logement')}
          {champ('ressources', 'Ressources annuelles (€)', 'text', 'Enquête SLS ; vide si inconnues')}
          {champ('plafond', 'Plafond applicable (€)', 'text', 'Enquête SLS ; vide si inconnu')}
          {choix('handicap', 'Handicap nécessitant un logement adapté')}
          {choix('logementAdapte', 'Logement adapté')}
          {champ('pieces', 'Pièces habitables', 'text', 'Vide : selon la typologie')}
          {champ('surface', 'Surface habitable (m²)', 'text', 'Vide : celle du RPLS')}
        </div>
        <Button type="submit" priority="secondary" disabled={maj.isPending || !v.rpls || !v.dateBail}>
          Enregistrer le ménage
        </Button>
      </form>
      {maj.data ? (
        <p role="status" className="fr-mt-2w">
          Ménage du logement {maj.data.rpls}{' '}
          {maj.data.nouveau ? 'enregistré' : maj.data.champs.length ? 'mis à jour' : 'inchangé'}.
        </p>
      ) : null}
      {maj.error ? (
        <p className="fr-error-text" role="alert">
          {messageErreur(maj.error)}
        </p>
      ) : null}
    </section>
  );
}
