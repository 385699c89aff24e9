/**
 * The late correction of one letting (issue 7 item 3, ADR 0017), from « Locations »: once the
 * bilan of its year is issued, the year is locked; while the bailleur's late-correction window is
 * open, a letting may still move, each time with a written reason (`motif`), which the re-issued
 * bilan lists. The form offers the lifecycle's transitions from the letting's state
 * (src/domain/lifecycle.ts), with the fields the API needs for each, and the mandatory « Motif de
 * la correction » (≥ 10 characters, counted). A refusal (409: year locked again, letting changed;
 * 422: a field) is said in French with the field's name. A lease's household is entered once: the
 * officer picks the letting's candidate who signed (its household entered with the proposal, its
 * quartile fixed at the CAL; ADR 0050); only a letting without any candidate on file asks for the
 * household, with the candidates' entry (a declared quartile only with its motif).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { EtatLocation, Transition, TRANSITIONS } from '../../../src/domain/lifecycle.ts';
import {
  appliquerTransition,
  cheminDansLeCorps,
  ErreurApi,
  lireDossier,
  lireRegistreConventions,
  type CandidatSaisi,
  type LocationApi,
  type TransitionLocation,
} from '../api.ts';
import { aujourdhuiParis, date, nombre } from '../format.ts';
import { ETATS_LOCATION } from '../roles.ts';
import { messageErreur } from './Etats.tsx';
import {
  CANDIDAT_VIDE,
  candidatsAEnvoyer,
  fauteMenage,
  fautesCandidats,
  menagePourBail,
  SaisieCandidats,
} from './SaisieCandidats.tsx';
import { cles } from '../cles.ts';

/** The shortest reason of a late correction on this screen (the window's own rule). */
export const MOTIF_CORRECTION_MIN = 10;

/** The lifecycle's transitions allowed from state E (checked against the domain's table at compile time). */
type Permises<E extends EtatLocation> = {
  [T in Transition]: E extends (typeof TRANSITIONS)[T]['de'][number] ? T : never;
}[Transition];

/**
 * What the form offers from each state: the lifecycle's transitions that go through the API's
 * transitions (`exclure` is decided at the declaration, not afterwards).
 */
const OFFERTES: { [E in EtatLocation]: readonly Permises<E>[] } = {
  liberee: ['orienter'],
  orientee: ['reorienter', 'proposer_candidats', 'constater_sans_candidat'],
  candidats: ['decider', 'refuser'],
  decision_cal: ['signer_bail', 'proposer_candidats', 'refuser'],
  exclue: ['proposer_candidats'],
  bail_signe: [],
  refus: [],
  sans_candidat: [],
};

const LIBELLES: Record<Transition, string> = {
  exclure: 'Exclure du flux',
  orienter: 'Orienter vers un réservataire',
  reorienter: 'Réorienter vers un autre réservataire',
  proposer_candidats: 'Enregistrer des candidats proposés',
  decider: 'Enregistrer la décision de la CAL',
  signer_bail: 'Enregistrer la signature du bail',
  refuser: 'Enregistrer le refus du candidat',
  constater_sans_candidat: 'Constater l’absence de candidat dans le délai',
};

const DECISIONS: {
  code: 'attribution' | 'attribution_rang' | 'attribution_condition_suspensive' | 'non_attribution' | 'irrecevabilite';
  libelle: string;
}[] = [
  { code: 'attribution', libelle: 'Attribution' },
  { code: 'attribution_rang', libelle: 'Attribution avec classement' },
  { code: 'attribution_condition_suspensive', libelle: 'Attribution sous condition suspensive' },
  { code: 'non_attribution', libelle: 'Non-attribution' },
  { code: 'irrecevabilite', libelle: 'Rejet pour irrecevabilité' },
];

/** The fields of the request, as the officer reads them (for the messages of a refusal). */
const CHAMPS: Record<string, string> = {
  motif: 'Motif de la correction',
  date: 'Date de l’événement',
  reservataire: 'Réservataire',
  candidats: 'Candidats',
  decision: 'Décision de la CAL',
  menage: 'Ménage signataire',
  candidatSne: 'Candidat signataire',
  version: 'Version de la location',
  etatAttendu: 'État de la location',
};

function nomDuChamp(chemin: string): string {
  const c = cheminDansLeCorps(chemin);
  const sne = /^candidats\.(\d+)\.numeroSne$/.exec(c);
  if (sne) return `Numéro unique SNE du candidat ${Number(sne[1]) + 1}`;
  return CHAMPS[c] ?? CHAMPS[c.split('.')[0]!] ?? c;
}

const majuscule = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The refusal in French: what the server said, each field named. */
export function messageRefus(e: unknown): string {
  if (!(e instanceof ErreurApi)) return messageErreur(e);
  if (e.problemes.length) return e.problemes.map((p) => `${nomDuChamp(p.chemin)} : ${p.message}`).join(' ; ');
  if (e.statut === 409) return `${majuscule(e.message)}`;
  return messageErreur(e);
}

/** The transitions the form offers for this letting (none in a final state). */
export function transitionsOffertes(etat: string): readonly Transition[] {
  return etat in OFFERTES ? OFFERTES[etat as EtatLocation] : [];
}

export function CorrectionLocation({
  l,
  fermer,
  reussi,
}: {
  l: LocationApi;
  fermer: () => void;
  reussi: (message: string) => void;
}) {
  const id = useId();
  const client = useQueryClient();
  const titre = useRef<HTMLHeadingElement>(null);
  useEffect(() => titre.current?.focus(), []);
  const offertes = transitionsOffertes(l.etat);
  const [transition, setTransition] = useState<Transition | ''>(offertes[0] ?? '');
  // The event's day: today, or the last day of the corrected year once it is over.
  const [jour, setJour] = useState(() => [aujourdhuiParis(), `${l.annee}-12-31`].sort()[0]!);
  const [motif, setMotif] = useState('');
  const [reservataire, setReservataire] = useState('');
  const [decision, setDecision] = useState<(typeof DECISIONS)[number]['code']>('attribution');
  // The lease's household, entered as a candidate's is (second edition): its quartile computed from its resources.
  const [signataire, setSignataire] = useState<CandidatSaisi>({ ...CANDIDAT_VIDE });
  // Or, when the letting has candidates on file, the one who signed (its SNE number).
  const [candidatSne, setCandidatSne] = useState('');
  const [candidats, setCandidats] = useState<CandidatSaisi[]>([{ ...CANDIDAT_VIDE }]);
  const [fautes, setFautes] = useState<Record<string, string>>({});

  const orienter = transition === 'orienter' || transition === 'reorienter';
  const registre = useQuery({
    queryKey: cles.conventions.registreAnnee(l.annee),
    queryFn: ({ signal }) => lireRegistreConventions({ annee: l.annee }, signal),
    enabled: orienter,
    staleTime: 60_000,
  });
  const reservataires = [
    ...new Map(
      (registre.data?.conventions ?? [])
        .filter((c) => c.bailleur.id === l.bailleurId && c.reservataire.id !== l.reservataireId)
        .map((c) => [c.reservataire.id, c.reservataire.nom] as const),
    ),
  ].sort((a, b) => a[1].localeCompare(b[1], 'fr'));

  // The letting's candidates, for the lease: their households were entered with the proposal.
  const dossier = useQuery({
    queryKey: cles.locations.dossier(l.id),
    queryFn: ({ signal }) => lireDossier(l.id, signal),
    enabled: transition === 'signer_bail',
    staleTime: 30_000,
  });
  const candidatsConnus = (dossier.data?.candidats ?? []).filter((c) => c.numeroSne !== 'anonymisé');
  // The CAL's first-ranked candidate of its last decision, else the latest round's first.
  const classement = dossier.data?.cal.at(-1)?.classement ?? [];
  const parDefaut =
    classement.find((sne) => candidatsConnus.some((c) => c.numeroSne === sne)) ?? candidatsConnus.at(-1)?.numeroSne;
  const sneChoisi = candidatSne || parDefaut || '';
  const saisirMenage = transition === 'signer_bail' && dossier.isSuccess && candidatsConnus.length === 0;

  const envoi = useMutation({
    mutationFn: (corps: TransitionLocation) => appliquerTransition(l.id, corps),
    onSuccess: (apres) => {
      void client.invalidateQueries({ queryKey: cles.locations.tout() });
      const avant = ETATS_LOCATION[l.etat]?.libelle ?? l.etat;
      const etat = ETATS_LOCATION[apres.etat]?.libelle ?? apres.etat;
      reussi(
        `Correction enregistrée pour le logement ${l.logementId} : « ${avant} » → « ${etat} ». Motif : « ${motif.trim()} ». Elle figurera, avec ce qui a changé, dans la prochaine version du bilan ${l.annee}.`,
      );
    },
    // A stale page: the list is read again, the officer reopens the form on the current state.
    onError: (e) => {
      if (e instanceof ErreurApi && e.statut === 409)
        void client.invalidateQueries({ queryKey: cles.locations.tout() });
    },
  });
  const refus = envoi.error instanceof ErreurApi ? envoi.error : null;
  const fauteServeur = (champ: string) => refus?.probleme(champ);

  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    const n = motif.trim().length;
    if (n < MOTIF_CORRECTION_MIN)
      f.motif = `Indiquez le motif de la correction : au moins ${MOTIF_CORRECTION_MIN} caractères (${n} saisi${n > 1 ? 's' : ''}).`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(jour)) f.date = 'Indiquez la date de l’événement.';
    if (!transition) f.transition = 'Choisissez la correction à enregistrer.';
    if (orienter && !reservataire) f.reservataire = 'Choisissez le réservataire.';
    if (transition === 'proposer_candidats') {
      for (const [i, m] of Object.entries(fautesCandidats(candidats))) f[`sne${i}`] = m;
    }
    if (transition === 'signer_bail') {
      if (saisirMenage) {
        const m = fauteMenage(signataire, 'Ménage signataire');
        if (m) f.menage = m;
      } else if (!sneChoisi) f.candidatSne = 'Choisissez le candidat qui a signé le bail.';
    }
    setFautes(f);
    if (Object.keys(f).length > 0 || !transition) return;
    const commun = { etatAttendu: l.etat, version: l.version, date: jour, motif: motif.trim() };
    let corps: TransitionLocation;
    switch (transition) {
      case 'orienter':
      case 'reorienter':
        corps = { ...commun, transition: 'orienter', reservataire };
        break;
      case 'proposer_candidats':
        corps = {
          ...commun,
          transition: 'proposer_candidats',
          candidats: candidatsAEnvoyer(candidats),
        };
        break;
      case 'decider':
        corps = { ...commun, transition: 'decider', decision };
        break;
      case 'signer_bail':
        // The candidate's household, entered once with the proposal; the household entered here only
        // for a letting without any candidate on file (a declared quartile with its motif, audited).
        corps = saisirMenage
          ? { ...commun, transition: 'signer_bail', menage: menagePourBail(signataire) }
          : { ...commun, transition: 'signer_bail', candidatSne: sneChoisi };
        break;
      case 'refuser':
        corps = { ...commun, transition: 'refuser' };
        break;
      case 'constater_sans_candidat':
        corps = { ...commun, transition: 'constater_sans_candidat' };
        break;
      case 'exclure':
        return;
    }
    envoi.mutate(corps);
  };

  const fauteMotif = fautes.motif ?? fauteServeur('motif');
  const fauteDate = fautes.date ?? fauteServeur('date');
  const n = motif.trim().length;

  return (
    <section
      className="fr-mb-4w fr-p-3w flux-panneau"
      style={{ border: '1px solid var(--border-default-grey)' }}
      aria-labelledby={`${id}-titre`}
    >
      <h2 id={`${id}-titre`} className="fr-h4" tabIndex={-1} ref={titre}>
        Corriger la location du logement {l.logementId}
      </h2>
      <p>
        Le bilan {l.annee} est émis : cette location (état « {ETATS_LOCATION[l.etat]?.libelle ?? l.etat} », libérée le{' '}
        {date(l.dateLiberation)}) ne change que pendant la fenêtre de correction tardive
        {l.verrouAnnee?.fin ? `, ouverte jusqu’au ${date(l.verrouAnnee.fin)}` : ''}. Chaque correction porte son motif ;
        la prochaine version du bilan les liste, avec ce qui a changé.
      </p>
      {offertes.length === 0 ? (
        <Alert
          small
          severity="info"
          description="Cette location est dans un état final : aucune transition n’en part."
        />
      ) : (
        <form onSubmit={envoyer} noValidate aria-labelledby={`${id}-titre`}>
          <fieldset className="fr-fieldset" aria-labelledby={`${id}-quoi`}>
            <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-quoi`}>
              Correction à enregistrer
            </legend>
            {offertes.map((t) => (
              <div key={t} className="fr-fieldset__element">
                <div className="fr-radio-group fr-radio-group--sm">
                  <input
                    type="radio"
                    id={`${id}-${t}`}
                    name={`${id}-transition`}
                    checked={transition === t}
                    onChange={() => setTransition(t)}
                  />
                  <label className="fr-label" htmlFor={`${id}-${t}`}>
                    {LIBELLES[t]}
                  </label>
                </div>
              </div>
            ))}
          </fieldset>
          {orienter ? (
            <Select
              label="Réservataire"
              hint="Un réservataire conventionné avec vous, ou votre part propre"
              state={(fautes.reservataire ?? fauteServeur('reservataire')) ? 'error' : 'default'}
              stateRelatedMessage={fautes.reservataire ?? fauteServeur('reservataire')}
              nativeSelectProps={{
                id: `${id}-reservataire`,
                value: reservataire,
                onChange: (e) => setReservataire(e.target.value),
              }}
            >
              <option value="">Choisir</option>
              {l.ligne !== 'BAILLEUR' ? <option value="BAILLEUR">Part propre du bailleur</option> : null}
              {reservataires.map(([code, nom]) => (
                <option key={code} value={code}>
                  {nom}
                </option>
              ))}
            </Select>
          ) : null}
          {transition === 'decider' ? (
            <Select
              label="Décision de la CAL"
              nativeSelectProps={{
                id: `${id}-decision`,
                value: decision,
                onChange: (e) => setDecision(e.target.value as typeof decision),
              }}
            >
              {DECISIONS.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.libelle}
                </option>
              ))}
            </Select>
          ) : null}
          {transition === 'signer_bail' && !saisirMenage ? (
            <fieldset
              className={`fr-fieldset${(fautes.candidatSne ?? fauteServeur('candidatSne')) ? ' fr-fieldset--error' : ''}`}
              aria-labelledby={`${id}-signataire`}
              {...((fautes.candidatSne ?? fauteServeur('candidatSne'))
                ? { 'aria-describedby': `${id}-signataire-erreur` }
                : {})}
            >
              <legend className="fr-fieldset__legend fr-text--regular" id={`${id}-signataire`}>
                Candidat signataire
                <span className="fr-hint-text">
                  Son ménage a été saisi avec la proposition : le bail reprend ses données, et son premier quartile est
                  celui fixé à la décision de la CAL. Rien n’est à ressaisir.
                </span>
              </legend>
              {dossier.isPending ? <p className="fr-fieldset__element">Chargement des candidats…</p> : null}
              {dossier.isError ? (
                <p className="fr-fieldset__element fr-error-text">
                  Les candidats de la location n’ont pas pu être lus : {messageErreur(dossier.error)}
                </p>
              ) : null}
              {candidatsConnus.map((c) => (
                <div key={`${c.numeroSne}-${c.rang}`} className="fr-fieldset__element">
                  <div className="fr-radio-group fr-radio-group--sm">
                    <input
                      type="radio"
                      id={`${id}-sne-${c.numeroSne}-${c.rang}`}
                      name={`${id}-signataire`}
                      checked={sneChoisi === c.numeroSne}
                      onChange={() => setCandidatSne(c.numeroSne)}
                    />
                    <label className="fr-label" htmlFor={`${id}-sne-${c.numeroSne}-${c.rang}`}>
                      Candidat n° {c.numeroSne} (rang {c.rang}
                      {c.reservataire ? `, proposé par ${c.reservataire}` : ''})
                      <span className="fr-hint-text">
                        {c.tailleMenage !== null
                          ? `${c.tailleMenage} personne${c.tailleMenage > 1 ? 's' : ''}`
                          : 'composition non renseignée'}
                        {' · '}
                        {c.ressourcesAnnuelles !== null
                          ? `${nombre(c.ressourcesAnnuelles)} € de ressources annuelles`
                          : 'ressources non renseignées'}
                        {' · 1er quartile : '}
                        {c.libelleQuartile1}
                      </span>
                    </label>
                  </div>
                </div>
              ))}
              {(fautes.candidatSne ?? fauteServeur('candidatSne')) ? (
                <p className="fr-error-text fr-fieldset__element" id={`${id}-signataire-erreur`}>
                  {fautes.candidatSne ?? fauteServeur('candidatSne')}
                </p>
              ) : null}
            </fieldset>
          ) : null}
          {saisirMenage ? (
            <SaisieCandidats
              id={`${id}-bail`}
              candidats={[signataire]}
              setCandidats={(c) => setSignataire(c[0] ?? { ...CANDIDAT_VIDE })}
              faute={() => fautes.menage ?? fauteServeur('menage')}
              agentEtatPossible
              signataire
            />
          ) : null}
          {transition === 'proposer_candidats' ? (
            <SaisieCandidats
              id={id}
              candidats={candidats}
              setCandidats={setCandidats}
              faute={(i) => fautes[`sne${i}`] ?? fauteServeur(`candidats.${i}`)}
            />
          ) : null}
          <div className={`fr-input-group fr-mt-2w${fauteDate ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor={`${id}-date`}>
              Date de l’événement
              <span className="fr-hint-text">Le jour où l’événement corrigé a eu lieu (année {l.annee})</span>
            </label>
            <input
              className={`fr-input${fauteDate ? ' fr-input--error' : ''}`}
              type="date"
              id={`${id}-date`}
              value={jour}
              onChange={(e) => setJour(e.target.value)}
              required
              {...(fauteDate ? { 'aria-describedby': `${id}-date-erreur`, 'aria-invalid': true } : {})}
            />
            {fauteDate ? (
              <p className="fr-error-text" id={`${id}-date-erreur`}>
                {fauteDate}
              </p>
            ) : null}
          </div>
          <div className={`fr-input-group${fauteMotif ? ' fr-input-group--error' : ''}`}>
            <label className="fr-label" htmlFor={`${id}-motif`}>
              Motif de la correction
              <span className="fr-hint-text">
                Au moins {MOTIF_CORRECTION_MIN} caractères : ce qui est corrigé et pourquoi. Il figurera dans le bilan
                réémis.
              </span>
            </label>
            <textarea
              className={`fr-input${fauteMotif ? ' fr-input--error' : ''}`}
              id={`${id}-motif`}
              value={motif}
              onChange={(e) => setMotif(e.target.value)}
              required
              maxLength={2000}
              rows={3}
              aria-describedby={`${id}-compte${fauteMotif ? ` ${id}-motif-erreur` : ''}`}
              {...(fauteMotif ? { 'aria-invalid': true } : {})}
            />
            <p className="fr-hint-text fr-mt-1v" id={`${id}-compte`}>
              {n} caractère{n > 1 ? 's' : ''} saisi{n > 1 ? 's' : ''} sur {MOTIF_CORRECTION_MIN} au moins
            </p>
            {fauteMotif ? (
              <p className="fr-error-text" id={`${id}-motif-erreur`}>
                {fauteMotif}
              </p>
            ) : null}
          </div>
          <Button type="submit" iconId="fr-icon-edit-line" disabled={envoi.isPending}>
            Enregistrer la correction
          </Button>{' '}
          <Button type="button" priority="secondary" onClick={fermer}>
            Annuler
          </Button>
          {fautes.transition ? (
            <p className="fr-error-text" role="alert">
              {fautes.transition}
            </p>
          ) : null}
          {envoi.error ? (
            <Alert
              small
              severity="error"
              className="fr-mt-2w"
              role="alert"
              description={`La correction n’a pas été enregistrée. ${messageRefus(envoi.error)}${refus?.statut === 409 ? ' La liste est rechargée : rouvrez « Corriger » sur la location à jour.' : ''}`}
            />
          ) : null}
        </form>
      )}
    </section>
  );
}
