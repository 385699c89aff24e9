/** Sign-in form (e-mail + password). Errors are listed in an alert the screen reader announces. */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { PasswordInput } from '@codegouvfr/react-dsfr/blocks/PasswordInput';
import { useRef, useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Page } from '../composants/Page.tsx';
import { messageErreur } from '../composants/Etats.tsx';
import { useConnexion, useSession } from '../session.tsx';

/** Only same-site paths are followed after signing in (never "//ailleurs.example"). */
function retourSur(valeur: string | null): string {
  return valeur && valeur.startsWith('/') && !valeur.startsWith('//') && !valeur.startsWith('/connexion')
    ? valeur
    : '/';
}

interface Erreurs {
  email?: string;
  motDePasse?: string;
}

export function Connexion() {
  const { data: session } = useSession();
  const connexion = useConnexion();
  const navigate = useNavigate();
  const [parametres] = useSearchParams();
  const retour = retourSur(parametres.get('retour'));
  const [email, setEmail] = useState('');
  const [motDePasse, setMotDePasse] = useState('');
  const [erreurs, setErreurs] = useState<Erreurs>({});
  const resume = useRef<HTMLDivElement>(null);

  if (session && !connexion.isPending && !connexion.isSuccess) return <Navigate to={retour} replace />;

  const envoyer = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const trouvees: Erreurs = {};
    if (!email.trim()) trouvees.email = 'Saisissez votre adresse électronique.';
    else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()))
      trouvees.email = 'Saisissez une adresse électronique valide, par exemple nom@organisme.fr.';
    if (!motDePasse) trouvees.motDePasse = 'Saisissez votre mot de passe.';
    setErreurs(trouvees);
    if (trouvees.email || trouvees.motDePasse) {
      connexion.reset();
      requestAnimationFrame(() => resume.current?.focus());
      return;
    }
    connexion.mutate(
      { email: email.trim(), motDePasse },
      {
        onSuccess: () => navigate(retour, { replace: true }),
        onError: () => requestAnimationFrame(() => resume.current?.focus()),
      },
    );
  };

  const erreursChamps = [erreurs.email, erreurs.motDePasse].filter((m): m is string => Boolean(m));
  const erreurServeur = connexion.isError ? messageErreur(connexion.error) : null;

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <Page titre="Connexion à Flux" titreDocument="Connexion">
          <p className="fr-text--lead fr-mb-4w">Gestion en flux des réservations de logements sociaux.</p>
          <div ref={resume} tabIndex={-1} className="flux-resume-erreurs">
            {erreursChamps.length > 0 ? (
              <Alert
                severity="error"
                as="h2"
                title="Le formulaire contient des erreurs"
                description={
                  <ul>
                    {erreursChamps.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                }
                className="fr-mb-3w"
              />
            ) : erreurServeur ? (
              <Alert
                severity="error"
                as="h2"
                title="Connexion impossible"
                description={erreurServeur}
                className="fr-mb-3w"
              />
            ) : null}
          </div>
          <form onSubmit={envoyer} noValidate aria-label="Se connecter à Flux">
            <fieldset className="fr-fieldset" aria-labelledby="connexion-legende">
              <legend className="fr-fieldset__legend" id="connexion-legende">
                <h2 className="fr-h4 fr-mb-0">Se connecter avec son compte</h2>
              </legend>
              <p className="fr-fieldset__element fr-text--sm fr-mb-2w">Tous les champs sont obligatoires.</p>
              <div className="fr-fieldset__element">
                <Input
                  label="Adresse électronique"
                  hintText="Format attendu : nom@organisme.fr"
                  state={erreurs.email ? 'error' : 'default'}
                  stateRelatedMessage={erreurs.email}
                  nativeInputProps={{
                    id: 'connexion-email',
                    name: 'email',
                    type: 'email',
                    autoComplete: 'username',
                    inputMode: 'email',
                    spellCheck: false,
                    required: true,
                    value: email,
                    onChange: (e) => setEmail(e.target.value),
                    ...(erreurs.email ? { 'aria-invalid': true } : {}),
                  }}
                />
              </div>
              <div className="fr-fieldset__element">
                <PasswordInput
                  label="Mot de passe"
                  messagesHint=""
                  messages={erreurs.motDePasse ? [{ severity: 'error', message: erreurs.motDePasse }] : []}
                  nativeInputProps={{
                    id: 'connexion-mot-de-passe',
                    name: 'motDePasse',
                    autoComplete: 'current-password',
                    required: true,
                    value: motDePasse,
                    onChange: (e) => setMotDePasse(e.target.value),
                    ...(erreurs.motDePasse ? { 'aria-invalid': true } : {}),
                  }}
                />
              </div>
              <div className="fr-fieldset__element fr-mt-2w">
                <Button type="submit" disabled={connexion.isPending} iconId="fr-icon-lock-line">
                  {connexion.isPending ? 'Connexion en cours…' : 'Se connecter'}
                </Button>
              </div>
            </fieldset>
          </form>
          <p className="fr-text--sm fr-mt-4w flux-indice">
            <span className="fr-icon-information-line fr-icon--sm" aria-hidden="true" /> Pas encore de compte ?
            Demandez-le à l’administrateur de Flux de votre organisation.
          </p>
        </Page>
      </div>
    </div>
  );
}
