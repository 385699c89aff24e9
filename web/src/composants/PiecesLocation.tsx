/**
 * Photos and plans of a letting (issue 6 item 2). `ListePieces` shows them — each image as a
 * thumbnail whose alternative text is its description (or its file name), each PDF as a download
 * link with its size — in the réservataire's « Boîte de réception » and here; `PiecesLocation` is the
 * bailleur's panel: attach a file (DSFR upload field, its description as the alternative text),
 * see the list, delete one.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { ErreurApi, joindrePiece, lireLocation, lirePieces, supprimerPiece } from '../api.ts';
import { cles } from '../cles.ts';
import {
  adressePiece,
  EXTENSIONS_PIECES,
  PIECES_MAX_PAR_LOCATION,
  TAILLE_MAX_PIECE,
  TYPES_PIECES,
  type PieceBoiteApi,
} from '../../../src/contracts/pieces.ts';
import { Chargement, ErreurChargement, messageErreur } from './Etats.tsx';

const FORMATS: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'application/pdf': 'PDF',
};
const unChiffre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** "845 octets", "12,4 ko", "3,2 Mo". */
export function tailleLisible(octets: number): string {
  if (octets < 1024) return `${octets} octet${octets > 1 ? 's' : ''}`;
  if (octets < 1024 * 1024) return `${unChiffre.format(octets / 1024)} ko`;
  return `${unChiffre.format(octets / (1024 * 1024))} Mo`;
}

/** The alternative text of an image: its description, or its file name. */
export const texteAlternatif = (p: Pick<PieceBoiteApi, 'nom' | 'description'>) =>
  p.description?.trim() || `Photo « ${p.nom} »`;

export function ListePieces({
  locationId,
  pieces,
  supprimer,
  enCours,
}: {
  locationId: string;
  pieces: PieceBoiteApi[];
  supprimer?: (p: PieceBoiteApi) => void;
  enCours?: boolean;
}) {
  if (pieces.length === 0) return <span className="flux-secondaire">aucun</span>;
  return (
    <ul className="fr-raw-list flux-pieces">
      {pieces.map((p) => {
        const adresse = adressePiece(locationId, p.id);
        return (
          <li key={p.id} className="fr-mb-1w">
            {p.type === 'application/pdf' ? (
              <a className="fr-link fr-link--sm fr-link--download" href={adresse} download={p.nom}>
                Plan « {p.nom} »<span className="fr-link__detail">PDF – {tailleLisible(p.taille)}</span>
              </a>
            ) : (
              <>
                <a href={adresse} target="_blank" rel="noopener" className="flux-vignette">
                  <img
                    src={adresse}
                    alt={texteAlternatif(p)}
                    width={120}
                    height={90}
                    loading="lazy"
                    style={{ objectFit: 'cover', display: 'block' }}
                  />
                  <span className="fr-sr-only"> (ouvrir la photo en grand, nouvelle fenêtre)</span>
                </a>
                <span className="flux-secondaire">
                  {p.nom} — {FORMATS[p.type]}, {tailleLisible(p.taille)}
                </span>
              </>
            )}
            {supprimer ? (
              <Button
                type="button"
                size="small"
                priority="tertiary no outline"
                iconId="fr-icon-delete-line"
                disabled={enCours}
                onClick={() => supprimer(p)}
              >
                Supprimer<span className="fr-sr-only"> « {p.nom} »</span>
              </Button>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The message of a refused upload: the server's, on the field it names. */
function messageEnvoi(e: unknown): string {
  if (e instanceof ErreurApi && e.problemes.length > 0)
    return e.problemes.map((p) => p.message.charAt(0).toUpperCase() + p.message.slice(1)).join(' ; ');
  return messageErreur(e);
}

/** The bailleur's panel of a letting's photos and plans. */
export function PiecesLocation({
  locationId,
  logementId: connu,
  fermer,
}: {
  locationId: string;
  logementId?: string | undefined;
  fermer?: () => void;
}) {
  const id = useId();
  const client = useQueryClient();
  const champ = useRef<HTMLInputElement>(null);
  const [fichier, setFichier] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [erreurChoix, setErreurChoix] = useState<string | null>(null);
  const [annonce, setAnnonce] = useState('');
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.pieces(locationId),
    queryFn: ({ signal }) => lirePieces(locationId, signal),
  });
  // The unit's identifier, when the letting is not on the page the bailleur is looking at.
  const { data: location } = useQuery({
    queryKey: cles.location(locationId),
    queryFn: ({ signal }) => lireLocation(locationId, signal),
    enabled: !connu,
  });
  const logementId = connu ?? location?.logementId ?? '…';
  const rafraichir = () => {
    void client.invalidateQueries({ queryKey: cles.pieces(locationId) });
    void client.invalidateQueries({ queryKey: cles.boite.tout() });
  };
  const envoi = useMutation({
    mutationFn: (f: File) => joindrePiece(locationId, f, { description: description.trim() }),
    onSuccess: (p) => {
      setAnnonce(`« ${p.nom} » est joint à la location.`);
      setFichier(null);
      setDescription('');
      if (champ.current) champ.current.value = '';
      rafraichir();
    },
  });
  const suppression = useMutation({
    mutationFn: (p: PieceBoiteApi) => supprimerPiece(locationId, p.id),
    onSuccess: (_r, p) => {
      setAnnonce(`« ${p.nom} » est supprimé.`);
      rafraichir();
    },
  });

  const envoyer = (e: FormEvent) => {
    e.preventDefault();
    setAnnonce('');
    envoi.reset();
    if (!fichier) return setErreurChoix('Choisissez une photo ou un plan à joindre.');
    if (!(TYPES_PIECES as readonly string[]).includes(fichier.type))
      return setErreurChoix(
        `Format refusé : seules les photos JPEG, PNG ou WebP et les plans PDF sont acceptés (${EXTENSIONS_PIECES}).`,
      );
    if (fichier.size > TAILLE_MAX_PIECE)
      return setErreurChoix(
        `Fichier trop volumineux (${tailleLisible(fichier.size)}) : ${tailleLisible(TAILLE_MAX_PIECE)} au plus.`,
      );
    setErreurChoix(null);
    envoi.mutate(fichier);
  };

  const complet = (data?.pieces.length ?? 0) >= PIECES_MAX_PAR_LOCATION;
  const erreur = erreurChoix ?? (envoi.error ? messageEnvoi(envoi.error) : null);
  return (
    <section
      aria-labelledby={`${id}-titre`}
      className="fr-p-3w fr-mb-4w flux-panneau"
      style={{ border: '1px solid var(--border-default-grey)' }}
    >
      <h2 id={`${id}-titre`} className="fr-h4">
        Photos et plans du logement {logementId}
      </h2>
      <p className="fr-text--sm">
        Le réservataire les voit dans sa boîte de réception dès que l’orientation est décidée.
      </p>
      <div role="status" className="fr-text--sm">
        {annonce}
      </div>
      {isPending ? (
        <Chargement quoi="les photos et plans" />
      ) : error || !data ? (
        <ErreurChargement erreur={error} quoi="les photos et plans" reessayer={() => void refetch()} />
      ) : (
        <>
          <ListePieces
            locationId={locationId}
            pieces={data.pieces}
            supprimer={(p) => suppression.mutate(p)}
            enCours={suppression.isPending}
          />
          {suppression.error ? (
            <p className="fr-error-text" role="alert">
              {messageErreur(suppression.error)}
            </p>
          ) : null}
          <form onSubmit={envoyer} aria-labelledby={`${id}-ajout`} className="fr-mt-3w" noValidate>
            <h3 id={`${id}-ajout`} className="fr-h6">
              Joindre une photo ou un plan
            </h3>
            {complet ? (
              <p className="fr-text--sm">
                {PIECES_MAX_PAR_LOCATION} fichiers au plus par location : supprimez-en un pour en joindre un autre.
              </p>
            ) : null}
            <Upload
              label="Photo ou plan"
              hint={`JPEG, PNG, WebP ou PDF, ${tailleLisible(TAILLE_MAX_PIECE)} au plus ; ${PIECES_MAX_PAR_LOCATION} fichiers au plus par location.`}
              state={erreur ? 'error' : 'default'}
              stateRelatedMessage={erreur}
              disabled={envoi.isPending || complet}
              nativeInputProps={{
                id: `${id}-fichier`,
                name: 'fichier',
                accept: `${TYPES_PIECES.join(',')},${EXTENSIONS_PIECES.replace(/ /g, '')}`,
                ref: champ,
                onChange: (e) => {
                  setFichier(e.target.files?.[0] ?? null);
                  setErreurChoix(null);
                  envoi.reset();
                },
              }}
            />
            <div className="fr-input-group fr-mt-2w">
              <label className="fr-label" htmlFor={`${id}-description`}>
                Description (facultative)
                <span className="fr-hint-text">
                  Ce que montre la photo, lu à qui ne la voit pas (texte alternatif) ; par exemple « Séjour avec balcon,
                  vue sur le parc ».
                </span>
              </label>
              <input
                className="fr-input"
                id={`${id}-description`}
                value={description}
                maxLength={500}
                onChange={(e) => setDescription(e.target.value)}
                disabled={envoi.isPending || complet}
              />
            </div>
            <Button type="submit" iconId="fr-icon-upload-line" disabled={envoi.isPending || complet}>
              Joindre le fichier
            </Button>
            {fermer ? (
              <>
                {' '}
                <Button type="button" priority="secondary" onClick={fermer}>
                  Fermer<span className="fr-sr-only"> les photos et plans du logement {logementId}</span>
                </Button>
              </>
            ) : null}
          </form>
        </>
      )}
    </section>
  );
}
