/**
 * Administration (administrateur only): the organisations and the user accounts, a form to create
 * one of each, and the audit journal's integrity check. Refusals are shown on the field concerned.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import {
  cheminDansLeCorps,
  creerOrganisation,
  creerUtilisateur,
  ErreurApi,
  lireOrganisations,
  lireUtilisateurs,
  verifierAudit,
  type NouvelleOrganisation,
  type NouvelUtilisateur,
  type Organisation,
  type Utilisateur,
} from '../api.ts';
import { cles } from '../cles.ts';
import { Chargement, ErreurChargement, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { nombre } from '../format.ts';
import { CATEGORIES, LIBELLES_ROLE, TYPES_RESERVATAIRE, type Role } from '../roles.ts';

/** Field names as the forms label them, for the server's list of problems. */
const LIBELLES_CHAMPS: Record<string, string> = {
  id: 'Identifiant',
  nom: 'Nom',
  categorie: 'Catégorie',
  siren: 'SIREN',
  typeReservataire: 'Type de réservataire',
  departement: 'Département',
  email: 'Adresse électronique',
  motDePasse: 'Mot de passe initial',
  organisationId: 'Organisation',
  role: 'Rôle',
};

export function Administration() {
  const organisations = useQuery({
    queryKey: cles.admin.organisations(),
    queryFn: ({ signal }) => lireOrganisations(signal),
  });
  const utilisateurs = useQuery({
    queryKey: cles.admin.utilisateurs(),
    queryFn: ({ signal }) => lireUtilisateurs(signal),
  });
  const nomOrganisation = (id: string) => organisations.data?.find((o) => o.id === id)?.nom ?? id;

  const colonnesOrganisations: Colonne<Organisation>[] = [
    { titre: 'Nom', valeur: (o) => o.nom, entete: true },
    { titre: 'Identifiant', valeur: (o) => <code>{o.id}</code> },
    { titre: 'Catégorie', valeur: (o) => CATEGORIES[o.categorie] ?? o.categorie },
    {
      titre: 'Type de réservataire',
      valeur: (o) => (o.typeReservataire ? (TYPES_RESERVATAIRE[o.typeReservataire] ?? o.typeReservataire) : '—'),
    },
    { titre: 'SIREN', valeur: (o) => o.siren ?? '—' },
    { titre: 'Département', valeur: (o) => o.departement ?? '—' },
  ];
  const colonnesUtilisateurs: Colonne<Utilisateur>[] = [
    { titre: 'Nom', valeur: (u) => u.nom, entete: true },
    { titre: 'Adresse électronique', valeur: (u) => u.email },
    {
      titre: 'Organisation et rôle',
      valeur: (u) =>
        u.adhesions.length === 0 ? (
          <span className="flux-secondaire">aucune organisation</span>
        ) : (
          <ul className="flux-liste-compacte">
            {u.adhesions.map((a) => (
              <li key={a.organisationId}>
                {nomOrganisation(a.organisationId)} — {LIBELLES_ROLE[a.role as Role] ?? a.role}
              </li>
            ))}
          </ul>
        ),
    },
    { titre: 'Compte', valeur: (u) => (u.actif ? 'actif' : 'désactivé') },
  ];

  return (
    <Page titre="Administration" titreDocument="Administration">
      <p className="fr-text--lead">Les organisations qui utilisent Flux et les comptes de leurs agents.</p>

      <section aria-labelledby="titre-organisations" className="fr-mb-6w">
        <h2 id="titre-organisations">Organisations</h2>
        {organisations.isPending ? (
          <Chargement quoi="la liste des organisations" />
        ) : organisations.error ? (
          <ErreurChargement
            erreur={organisations.error}
            quoi="la liste des organisations"
            reessayer={() => void organisations.refetch()}
          />
        ) : organisations.data.length === 0 ? (
          <Vide>Aucune organisation n’est encore enregistrée.</Vide>
        ) : (
          <Tableau
            id="tableau-organisations"
            legende={`${nombre(organisations.data.length)} organisations`}
            colonnes={colonnesOrganisations}
            lignes={organisations.data}
            cle={(o) => o.id}
          />
        )}
        <FormulaireOrganisation />
      </section>

      <section aria-labelledby="titre-utilisateurs" className="fr-mb-6w">
        <h2 id="titre-utilisateurs">Comptes utilisateurs</h2>
        {utilisateurs.isPending ? (
          <Chargement quoi="la liste des comptes" />
        ) : utilisateurs.error ? (
          <ErreurChargement
            erreur={utilisateurs.error}
            quoi="la liste des comptes"
            reessayer={() => void utilisateurs.refetch()}
          />
        ) : utilisateurs.data.length === 0 ? (
          <Vide>Aucun compte n’est encore créé.</Vide>
        ) : (
          <Tableau
            id="tableau-utilisateurs"
            legende={`${nombre(utilisateurs.data.length)} comptes`}
            colonnes={colonnesUtilisateurs}
            lignes={utilisateurs.data}
            cle={(u) => u.id}
          />
        )}
        <FormulaireUtilisateur organisations={organisations.data ?? []} />
      </section>

      <VerificationJournal />
    </Page>
  );
}

/** The message on one field: the form's own check first, else the server's `problemes`. */
function messageChamp(erreur: unknown, locales: Record<string, string>, champ: string): string | undefined {
  return locales[champ] ?? (erreur instanceof ErreurApi ? erreur.probleme(champ) : undefined);
}

/** The DSFR state of one field (the message is shown under it and tied to it by aria-describedby). */
function etatChamp(erreur: unknown, locales: Record<string, string>, champ: string) {
  const message = messageChamp(erreur, locales, champ);
  return message ? ({ state: 'error', stateRelatedMessage: message } as const) : ({ state: 'default' } as const);
}

/** The form's outcome: a success (role=status) or an error summary (role=alert) that gets the focus. */
function Issue({
  succes,
  erreur,
  refIssue,
}: {
  succes: ReactNode;
  erreur: unknown;
  refIssue: React.RefObject<HTMLDivElement | null>;
}) {
  return (
    <div ref={refIssue} tabIndex={-1} className="flux-resume-erreurs">
      {erreur ? (
        <Alert
          severity="error"
          as="h4"
          title="La création a été refusée"
          description={
            erreur instanceof ErreurApi && erreur.problemes.length > 0 ? (
              <>
                {erreur.message}
                <ul>
                  {erreur.problemes.map((p) => (
                    <li key={p.chemin + p.message}>
                      {LIBELLES_CHAMPS[cheminDansLeCorps(p.chemin)] ?? cheminDansLeCorps(p.chemin)} : {p.message}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              messageErreur(erreur)
            )
          }
          className="fr-mb-3w"
        />
      ) : succes ? (
        <Alert severity="success" as="h4" title="C’est fait" description={succes} className="fr-mb-3w" small={false} />
      ) : null}
    </div>
  );
}

/**
 * What the two creation forms share: the values typed, the form's own checks (shown on each field,
 * the first faulty field focused), the request, its outcome (focused once settled) and the refresh
 * of the list it adds to and of the home page (organisations' names).
 */
function useFormulaireCreation<V extends Record<string, string>, D, R>({
  prefixe,
  vide,
  verifier,
  demande,
  creer,
  succes,
  liste,
}: {
  /** The fields' ids are `${prefixe}-${champ}`. */
  prefixe: string;
  vide: V;
  /** The form's own checks: a French message per faulty field. */
  verifier: (v: V) => Record<string, string>;
  /** The request's body from values that passed the checks. */
  demande: (v: V) => D;
  creer: (d: D) => Promise<R>;
  succes: (r: R, d: D) => string;
  /** The list the new element appears in. */
  liste: QueryKey;
}) {
  const client = useQueryClient();
  const [v, setV] = useState(vide);
  const [locales, setLocales] = useState<Record<string, string>>({});
  const [annonce, setAnnonce] = useState<string | null>(null);
  const issue = useRef<HTMLDivElement>(null);
  const creation = useMutation({
    mutationFn: creer,
    onSuccess: (r, d) => {
      setAnnonce(succes(r, d));
      setV(vide);
      void client.invalidateQueries({ queryKey: liste });
      void client.invalidateQueries({ queryKey: cles.accueil.tout() });
    },
    onSettled: () => requestAnimationFrame(() => issue.current?.focus()),
  });
  const champ = (nom: keyof V & string) => ({
    name: nom,
    id: `${prefixe}-${nom}`,
    value: v[nom],
    ...(messageChamp(creation.error, locales, nom) ? { 'aria-invalid': true as const } : {}),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setV({ ...v, [nom]: e.target.value }),
  });
  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    setAnnonce(null);
    const l = verifier(v);
    setLocales(l);
    if (Object.keys(l).length > 0) {
      creation.reset();
      requestAnimationFrame(() => document.getElementById(`${prefixe}-${Object.keys(l)[0]}`)?.focus());
      return;
    }
    creation.mutate(demande(v));
  };
  return {
    champ,
    /** The DSFR state of one field: the form's own message, else the server's. */
    etat: (nom: keyof V & string) => etatChamp(creation.error, locales, nom),
    envoyer,
    issue: <Issue succes={annonce} erreur={creation.error} refIssue={issue} />,
    enCours: creation.isPending,
  };
}

const ORGANISATION_VIDE = { id: '', nom: '', categorie: 'bailleur', siren: '', typeReservataire: '', departement: '' };

function FormulaireOrganisation() {
  const { champ, etat, envoyer, issue, enCours } = useFormulaireCreation({
    prefixe: 'organisation',
    vide: ORGANISATION_VIDE,
    verifier: (v) => {
      const l: Record<string, string> = {};
      if (!/^[A-Za-z0-9_-]{2,40}$/.test(v.id))
        l.id = 'Identifiant : 2 à 40 lettres, chiffres, « - » ou « _ », sans espace.';
      if (v.nom.trim().length < 2) l.nom = 'Saisissez le nom de l’organisation (2 caractères au moins).';
      if (v.siren && !/^\d{9}$/.test(v.siren)) l.siren = 'Le SIREN compte 9 chiffres.';
      if (v.departement && !/^(\d{2}|2[AB]|97\d)$/.test(v.departement))
        l.departement = 'Code de département : 2 caractères (45, 2A…) ou 3 chiffres outre-mer (971…).';
      return l;
    },
    demande: (v) => {
      const o: NouvelleOrganisation = {
        id: v.id,
        nom: v.nom.trim(),
        categorie: v.categorie as NouvelleOrganisation['categorie'],
      };
      if (v.siren) o.siren = v.siren;
      if (v.typeReservataire) o.typeReservataire = v.typeReservataire;
      if (v.departement) o.departement = v.departement;
      return o;
    },
    creer: creerOrganisation,
    succes: (o, demande) => `L’organisation « ${o?.nom ?? demande.nom} » est créée.`,
    liste: cles.admin.organisations(),
  });
  return (
    <form
      onSubmit={envoyer}
      noValidate
      className="flux-formulaire fr-mt-4w"
      aria-labelledby="titre-nouvelle-organisation"
    >
      <h3 id="titre-nouvelle-organisation" className="fr-h5">
        Créer une organisation
      </h3>
      {issue}
      <p className="fr-text--sm">Les champs marqués d’un astérisque (*) sont obligatoires.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Nom *"
            {...etat('nom')}
            nativeInputProps={{ ...champ('nom'), required: true, autoComplete: 'organization' }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Identifiant *"
            hintText="Lettres, chiffres, « - » et « _ » ; par exemple bailleur-orleans"
            {...etat('id')}
            nativeInputProps={{ ...champ('id'), required: true, autoComplete: 'off', spellCheck: false }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Catégorie *"
            {...etat('categorie')}
            nativeSelectProps={{ ...champ('categorie'), required: true }}
          >
            {Object.entries(CATEGORIES).map(([code, libelle]) => (
              <option key={code} value={code}>
                {libelle}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Type de réservataire"
            hint="Pour un réservataire seulement"
            {...etat('typeReservataire')}
            nativeSelectProps={champ('typeReservataire')}
          >
            <option value="">Sans objet</option>
            {Object.entries(TYPES_RESERVATAIRE)
              .filter(([code]) => code !== 'bailleur')
              .map(([code, libelle]) => (
                <option key={code} value={code}>
                  {libelle}
                </option>
              ))}
          </Select>
        </div>
        <div className="fr-col-6 fr-col-md-2">
          <Input
            label="SIREN"
            hintText="9 chiffres"
            {...etat('siren')}
            nativeInputProps={{ ...champ('siren'), inputMode: 'numeric', maxLength: 9, autoComplete: 'off' }}
          />
        </div>
        <div className="fr-col-6 fr-col-md-2">
          <Input
            label="Département"
            hintText="Ex. : 45"
            {...etat('departement')}
            nativeInputProps={{ ...champ('departement'), maxLength: 3, autoComplete: 'off' }}
          />
        </div>
      </div>
      <Button type="submit" disabled={enCours} iconId="fr-icon-add-line" className="fr-mt-2w">
        {enCours ? 'Création en cours…' : 'Créer l’organisation'}
      </Button>
    </form>
  );
}

const UTILISATEUR_VIDE = { email: '', nom: '', motDePasse: '', organisationId: '', role: 'agent_bailleur' };

function FormulaireUtilisateur({ organisations }: { organisations: Organisation[] }) {
  const { champ, etat, envoyer, issue, enCours } = useFormulaireCreation({
    prefixe: 'utilisateur',
    vide: UTILISATEUR_VIDE,
    verifier: (v) => {
      const l: Record<string, string> = {};
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim()))
        l.email = 'Saisissez une adresse électronique valide, par exemple prenom.nom@organisme.fr.';
      if (v.nom.trim().length < 2) l.nom = 'Saisissez le prénom et le nom de la personne.';
      if (v.motDePasse.length < 12) l.motDePasse = 'Le mot de passe doit compter au moins 12 caractères.';
      if (!v.organisationId) l.organisationId = 'Choisissez l’organisation de la personne.';
      return l;
    },
    demande: (v): NouvelUtilisateur => ({
      email: v.email.trim(),
      nom: v.nom.trim(),
      motDePasse: v.motDePasse,
      organisationId: v.organisationId,
      role: v.role as Role,
    }),
    creer: creerUtilisateur,
    succes: (u, demande) =>
      `Le compte de ${u?.nom ?? demande.nom} (${u?.email ?? demande.email}) est créé : communiquez-lui son mot de passe par un canal sûr.`,
    liste: cles.admin.utilisateurs(),
  });
  return (
    <form onSubmit={envoyer} noValidate className="flux-formulaire fr-mt-4w" aria-labelledby="titre-nouvel-utilisateur">
      <h3 id="titre-nouvel-utilisateur" className="fr-h5">
        Créer un compte
      </h3>
      {issue}
      <p className="fr-text--sm">Tous les champs sont obligatoires.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Prénom et nom"
            {...etat('nom')}
            nativeInputProps={{ ...champ('nom'), required: true, autoComplete: 'off' }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Adresse électronique"
            hintText="Format attendu : nom@organisme.fr"
            {...etat('email')}
            nativeInputProps={{
              ...champ('email'),
              type: 'email',
              required: true,
              autoComplete: 'off',
              spellCheck: false,
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Input
            label="Mot de passe initial"
            hintText="12 caractères au moins"
            {...etat('motDePasse')}
            nativeInputProps={{
              ...champ('motDePasse'),
              type: 'password',
              required: true,
              autoComplete: 'new-password',
              minLength: 12,
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Organisation"
            {...etat('organisationId')}
            nativeSelectProps={{ ...champ('organisationId'), required: true }}
          >
            <option value="" disabled>
              Choisir une organisation
            </option>
            {organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.nom}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select label="Rôle" {...etat('role')} nativeSelectProps={{ ...champ('role'), required: true }}>
            {Object.entries(LIBELLES_ROLE).map(([code, libelle]) => (
              <option key={code} value={code}>
                {libelle}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Button type="submit" disabled={enCours} iconId="fr-icon-user-add-line" className="fr-mt-2w">
        {enCours ? 'Création en cours…' : 'Créer le compte'}
      </Button>
    </form>
  );
}

function VerificationJournal() {
  const verification = useMutation({ mutationFn: () => verifierAudit() });
  const r = verification.data;
  return (
    <section aria-labelledby="titre-journal" className="fr-mb-6w">
      <h2 id="titre-journal">Journal d’audit</h2>
      <p>
        Chaque action enregistrée dans Flux est chaînée à la précédente : la vérification recalcule la chaîne et signale
        la première anomalie.
      </p>
      <Button
        priority="secondary"
        iconId="fr-icon-shield-line"
        onClick={() => verification.mutate()}
        disabled={verification.isPending}
      >
        {verification.isPending ? 'Vérification en cours…' : 'Vérifier l’intégrité du journal'}
      </Button>
      <div className="fr-mt-3w">
        {verification.error ? (
          <Alert
            severity="error"
            as="h3"
            title="Vérification impossible"
            description={messageErreur(verification.error)}
          />
        ) : r ? (
          r.ok ? (
            <Alert
              severity="success"
              as="h3"
              title="Journal intègre"
              description={`${nombre(r.evenements)} événements vérifiés, aucune anomalie.`}
            />
          ) : (
            <Alert
              severity="error"
              as="h3"
              title="Anomalie dans le journal"
              description={`${nombre(r.evenements)} événements vérifiés. ${r.anomalie ? `Événement n° ${nombre(r.anomalie.seq)} : ${r.anomalie.message}` : ''}`}
            />
          )
        ) : null}
      </div>
    </section>
  );
}
