/**
 * The upload form every file import shares (RPLS, stock reservations, demands, occupancy, quartile
 * thresholds, SNE reconciliation), in its states: choosing the file (its format and size limit
 * stated, checked before sending), sending (a progress bar, or a status line), refused (the
 * server's summary, the first problems and the error file's link), failed, then the page's own
 * result. Each page keeps its texts: the labels, the button, the titles of a refusal and a failure.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErreurApi, RefusTeleversementApi, type ErreurImportRplsApi } from '../api.ts';
import { messageErreur } from './Etats.tsx';
import { RefusTeleversement } from './RefusTeleversement.tsx';
import { libelleTaille } from '../../../src/contracts/televersement.ts';
import { pluriel } from '../format.ts';

/** Sends the file; `surProgression` reports the bytes sent when the page shows a progress bar. */
export type Envoi<R> = (fichier: File, surProgression: (envoyes: number, total: number) => void) => Promise<R>;

type Etat<R> =
  | { etape: 'choix' }
  | { etape: 'envoi'; envoyes: number; total: number }
  | { etape: 'fait'; resultat: R; fichier: File }
  | { etape: 'refuse'; refus: ErreurImportRplsApi }
  | { etape: 'erreur'; message: string };

export interface ProprietesTeleversement<R> {
  /** Prefix of the ids: `${id}-fichier` (the input), `${id}-refus`, `${id}-problemes`, `${id}-progression`. */
  id: string;
  /** The input's label (« Fichier RPLS »). */
  libelle: string;
  /** The accepted format, before the size limit (« Format CSV (séparateur « ; » ou « , »), UTF-8 »). */
  format: string;
  /** The `accept` attribute of the input. */
  accept: string;
  /** The largest file the server accepts, in bytes: stated in the hint and checked before sending. */
  tailleMax: number;
  /** The message of a file above the limit; « Ce fichier fait 2 Mo : 1 Mo au plus. » by default. */
  messageTaille?: ((taille: number) => string) | undefined;
  /** The message when the button is pressed before a file is chosen. */
  messageChoix: string;
  /** The form's accessible name. */
  nomFormulaire: string;
  /** The submit button's text. */
  bouton: string;
  /** The refusal's title (« Rien n’a été importé »). */
  titreRefus: string;
  /** A failure's title; « L’import n’a pas pu être fait » by default. */
  titreErreur?: string | undefined;
  /** The status line while sending; ignored with `progression`. */
  messageEnvoi?: string | undefined;
  /** Shows a progress bar of the bytes sent (large files). */
  progression?: boolean | undefined;
  /** The level of the titles of the answers: h2 directly under the page's title, h3 in a section. */
  niveau?: 'h2' | 'h3' | undefined;
  /** Classes of the form (its bottom margin). */
  className?: string | undefined;
  envoyer: Envoi<R>;
  /** Called once the result is shown (to refresh the page's queries). */
  apres?: ((resultat: R) => unknown) | undefined;
  /** The result, once the file is accepted. */
  resultat: (resultat: R, fichier: File) => ReactNode;
  /** The form's other fields, between the file and the button. */
  children?: ReactNode;
}

/** A CSV template's address: the text itself, with its BOM, downloaded without asking the server. */
export const adresseCsv = (contenu: string): string => `data:text/csv;charset=utf-8,${encodeURIComponent(contenu)}`;

/** A template to download beside the form (a DSFR download link): its format, what to do with it. */
export function LienModele({
  href,
  nom,
  detail,
  libelle = 'Télécharger le modèle de fichier',
}: {
  href: string;
  /** The file name offered. */
  nom: string;
  /** « CSV – une ligne d’exemple à remplacer ». */
  detail: string;
  libelle?: string;
}) {
  return (
    <a className="fr-link fr-link--download" href={href} download={nom}>
      {libelle}
      <span className="fr-link__detail">{detail}</span>
    </a>
  );
}

/** A refusal to show with its problems: the server's 422 with an error file, or any refusal listing problems. */
function refusDe(err: unknown): ErreurImportRplsApi | null {
  if (err instanceof RefusTeleversementApi) return err.refus;
  // A refusal of the file's shape (a header, a cell): the server's message lists the problems,
  // which the refusal lists below it; a summary stands above them.
  if (err instanceof ErreurApi && err.problemes.length > 0 && (err.statut === 422 || err.statut === 400))
    return {
      erreur: err.code,
      message: `${pluriel(err.problemes.length, 'problème')} dans le fichier : corrigez-le et envoyez-le de nouveau.`,
      problemes: err.problemes,
    };
  return null;
}

export function FormulaireTeleversement<R>(p: ProprietesTeleversement<R>) {
  const [fichier, setFichier] = useState<File | null>(null);
  const [erreurChoix, setErreurChoix] = useState<string | null>(null);
  const [etat, setEtat] = useState<Etat<R>>({ etape: 'choix' });
  const champ = useRef<HTMLInputElement>(null);
  const enCours = etat.etape === 'envoi';
  const niveau = p.niveau ?? 'h2';

  const refuserChoix = (message: string) => {
    setErreurChoix(message);
    champ.current?.focus();
  };

  const envoyer = async (e: FormEvent) => {
    e.preventDefault();
    if (enCours) return;
    if (!fichier) return refuserChoix(p.messageChoix);
    if (fichier.size > p.tailleMax)
      return refuserChoix(
        p.messageTaille?.(fichier.size) ??
          `Ce fichier fait ${libelleTaille(fichier.size)} : ${libelleTaille(p.tailleMax)} au plus.`,
      );
    setErreurChoix(null);
    setEtat({ etape: 'envoi', envoyes: 0, total: fichier.size });
    try {
      const resultat = await p.envoyer(fichier, (envoyes, total) => setEtat({ etape: 'envoi', envoyes, total }));
      setEtat({ etape: 'fait', resultat, fichier });
      await p.apres?.(resultat);
    } catch (err) {
      const refus = refusDe(err);
      setEtat(refus ? { etape: 'refuse', refus } : { etape: 'erreur', message: messageErreur(err) });
    }
  };

  return (
    <>
      <form onSubmit={(e) => void envoyer(e)} aria-label={p.nomFormulaire} className={p.className} noValidate>
        <Upload
          label={p.libelle}
          hint={`${p.format}, ${libelleTaille(p.tailleMax)} au plus.`}
          state={erreurChoix ? 'error' : 'default'}
          stateRelatedMessage={erreurChoix}
          disabled={enCours}
          nativeInputProps={{
            id: `${p.id}-fichier`,
            name: 'fichier',
            accept: p.accept,
            ref: champ,
            onChange: (e) => {
              setFichier(e.target.files?.[0] ?? null);
              setErreurChoix(null);
            },
          }}
        />
        {p.children}
        <Button
          type="submit"
          className={p.children ? undefined : 'fr-mt-2w'}
          disabled={enCours}
          iconId="fr-icon-upload-line"
        >
          {p.bouton}
        </Button>
      </form>
      {etat.etape === 'envoi' ? (
        p.progression ? (
          <Progression id={`${p.id}-progression`} envoyes={etat.envoyes} total={etat.total} />
        ) : (
          <p role="status" className="fr-mt-2w">
            {p.messageEnvoi ?? 'Import en cours…'}
          </p>
        )
      ) : null}
      {etat.etape === 'erreur' ? (
        <Alert
          severity="error"
          as={niveau}
          role="alert"
          title={p.titreErreur ?? 'L’import n’a pas pu être fait'}
          description={etat.message}
          className="fr-mt-2w fr-mb-4w"
        />
      ) : null}
      {etat.etape === 'refuse' ? (
        <RefusTeleversement
          refus={etat.refus}
          titre={p.titreRefus}
          id={`${p.id}-refus`}
          idProblemes={`${p.id}-problemes`}
          niveau={niveau}
        />
      ) : null}
      {etat.etape === 'fait' ? p.resultat(etat.resultat, etat.fichier) : null}
    </>
  );
}

/** The bytes sent, then « import en cours » once the body has left; announced by tens of percent. */
function Progression({ id, envoyes, total }: { id: string; envoyes: number; total: number }) {
  const part = total > 0 ? Math.min(100, Math.round((envoyes / total) * 100)) : 0;
  const fini = part >= 100;
  return (
    <div className="fr-mb-4w">
      <label htmlFor={id} className="fr-label">
        {fini ? 'Fichier envoyé, import en cours…' : 'Envoi du fichier'} <span aria-hidden="true">({part} %)</span>
      </label>
      <progress id={id} className="flux-progression" max={100} value={part} aria-valuetext={`${part} %`}>
        {part} %
      </progress>
      <p role="status" className="fr-sr-only">
        {fini ? 'Fichier envoyé, import en cours.' : `Envoi du fichier : ${Math.floor(part / 10) * 10} %`}
      </p>
    </div>
  );
}
