/**
 * A refused upload (RPLS, stock reservations, demands, occupancy, thresholds…): the server's summary, the first problems it lists,
 * and the link of the error file (the rejected rows with an « Erreur » column), which the server
 * keeps for 24 hours for the organisation that uploaded. The file itself never travels in the answer.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import type { ErreurImportRplsApi } from '../api.ts';
import { nombre, pluriel } from '../format.ts';
import { libelleTaille } from '../../../src/contracts/televersement.ts';

const heureParis = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** « 08/12/2026 à 09:15 », Paris time. */
function echeance(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : heureParis.format(d).replace(' ', ' à ');
}

type Fichier = NonNullable<ErreurImportRplsApi['fichierErreurs']>;

/** The error file's download link (DSFR download link: format, size, how long it stays). */
export function LienFichierErreurs({
  fichier,
}: {
  fichier: Pick<Fichier, 'url' | 'nom' | 'lignes'> & Partial<Pick<Fichier, 'taille' | 'expireLe'>>;
}) {
  return (
    <p>
      <a className="fr-link fr-link--download" href={fichier.url} download={fichier.nom} id="fichier-erreurs">
        Télécharger le fichier d’erreurs ({pluriel(fichier.lignes, 'ligne rejetée', 'lignes rejetées')})
        <span className="fr-link__detail">
          CSV{fichier.taille ? ` – ${libelleTaille(fichier.taille)}` : ''} –{' '}
          {fichier.expireLe ? `disponible jusqu’au ${echeance(fichier.expireLe)}` : 'disponible 24 heures'}
        </span>
      </a>
    </p>
  );
}

export function RefusTeleversement({
  refus,
  titre,
  id,
  niveau = 'h2',
  idProblemes,
}: {
  refus: ErreurImportRplsApi;
  titre: string;
  id: string;
  /** The title's level: h2 directly under the page's title, h3 inside a section. */
  niveau?: 'h2' | 'h3';
  idProblemes?: string | undefined;
}) {
  const problemes = refus.problemes ?? [];
  const total = refus.nombreProblemes ?? problemes.length;
  const SousTitre = niveau === 'h2' ? 'h3' : 'h4';
  return (
    <section aria-labelledby={id} className="fr-mb-6w fr-mt-2w">
      <Alert
        severity="error"
        as={niveau}
        role="alert"
        title={<span id={id}>{titre}</span>}
        description={refus.message}
        className="fr-mb-4w"
      />
      {refus.fichierErreurs ? <LienFichierErreurs fichier={refus.fichierErreurs} /> : null}
      {problemes.length > 0 ? (
        <>
          <SousTitre className="fr-h5">
            {total > problemes.length
              ? `Les ${nombre(problemes.length)} premiers problèmes sur ${nombre(total)}`
              : pluriel(problemes.length, 'problème')}
          </SousTitre>
          <ul className="flux-problemes" id={idProblemes}>
            {problemes.map((p, i) => (
              <li key={i}>
                <strong>{p.chemin}</strong> : {p.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
