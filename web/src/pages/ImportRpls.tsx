/**
 * « Import RPLS » (POST /api/patrimoine/import-rpls): the bailleur chooses its RPLS file, which is
 * sent raw with a real upload progress bar; then the summary (new, modified, gone, rejected units,
 * merged communes) or, when rows are invalid and nothing was imported, the summary, the first
 * problems and the link of the error file (kept 24 hours by the server). The size limit is stated
 * and checked before sending.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { televerserRpls, type ErreurImportRplsApi, type ResumeImportRplsApi } from '../api.ts';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { messageErreur } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { LienFichierErreurs, RefusTeleversement } from '../composants/RefusTeleversement.tsx';
import { libelleTaille, TAILLE_MAX_RPLS } from '../../../src/contracts/televersement.ts';
import { nombre, pluriel } from '../format.ts';

type Etat =
  | { etape: 'choix' }
  | { etape: 'envoi'; envoyes: number; total: number }
  | { etape: 'importe'; resume: ResumeImportRplsApi }
  | { etape: 'refuse'; refus: ErreurImportRplsApi }
  | { etape: 'erreur'; message: string };

export function ImportRpls() {
  const [fichier, setFichier] = useState<File | null>(null);
  const [validesSeulement, setValidesSeulement] = useState(false);
  const [erreurChoix, setErreurChoix] = useState<string | null>(null);
  const [etat, setEtat] = useState<Etat>({ etape: 'choix' });
  const champ = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const enCours = etat.etape === 'envoi';

  const envoyer = async (e: FormEvent) => {
    e.preventDefault();
    if (!fichier) {
      setErreurChoix('Choisissez le fichier RPLS à importer.');
      champ.current?.focus();
      return;
    }
    if (fichier.size > TAILLE_MAX_RPLS) {
      setErreurChoix(
        `Ce fichier fait ${libelleTaille(fichier.size)} : le fichier RPLS doit faire ${libelleTaille(TAILLE_MAX_RPLS)} au plus.`,
      );
      champ.current?.focus();
      return;
    }
    setErreurChoix(null);
    setEtat({ etape: 'envoi', envoyes: 0, total: fichier.size });
    try {
      const r = await televerserRpls(fichier, {
        validesSeulement,
        surProgression: (envoyes, total) => setEtat({ etape: 'envoi', envoyes, total }),
      });
      if (r.importe) {
        setEtat({ etape: 'importe', resume: r.resume });
        await client.invalidateQueries();
      } else setEtat({ etape: 'refuse', refus: r.refus });
    } catch (err) {
      setEtat({ etape: 'erreur', message: messageErreur(err) });
    }
  };

  return (
    <Page titre="Import RPLS" titreDocument="Import RPLS">
      <p className="fr-text--lead">
        Mettez à jour votre patrimoine à partir de votre fichier du répertoire des logements locatifs des bailleurs
        sociaux (RPLS), au format CSV. Les logements absents du fichier ne sont pas supprimés : ils sont signalés comme
        disparus.
      </p>
      <form onSubmit={(e) => void envoyer(e)} className="fr-mb-6w" aria-label="Choix du fichier à importer" noValidate>
        <Upload
          label="Fichier RPLS"
          hint={`Format CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1), ${libelleTaille(TAILLE_MAX_RPLS)} au plus.`}
          state={erreurChoix ? 'error' : 'default'}
          stateRelatedMessage={erreurChoix}
          disabled={enCours}
          nativeInputProps={{
            id: 'import-fichier',
            name: 'fichier',
            accept: '.csv,text/csv',
            ref: champ,
            onChange: (e) => {
              setFichier(e.target.files?.[0] ?? null);
              setErreurChoix(null);
            },
          }}
        />
        <Checkbox
          className="fr-mt-4w"
          disabled={enCours}
          options={[
            {
              label: 'Importer seulement les lignes valides',
              hintText: 'Sinon, une seule ligne invalide et rien n’est importé.',
              nativeInputProps: {
                name: 'valides',
                checked: validesSeulement,
                onChange: (e) => setValidesSeulement(e.target.checked),
              },
            },
          ]}
        />
        <Button type="submit" disabled={enCours} iconId="fr-icon-upload-line">
          Importer le fichier
        </Button>
      </form>
      {etat.etape === 'envoi' ? <Progression envoyes={etat.envoyes} total={etat.total} /> : null}
      {etat.etape === 'erreur' ? (
        <Alert
          severity="error"
          as="h2"
          role="alert"
          title="L’import n’a pas pu être fait"
          description={etat.message}
          className="fr-mb-4w"
        />
      ) : null}
      {etat.etape === 'refuse' ? (
        <RefusTeleversement refus={etat.refus} titre="Rien n’a été importé" id="import-refus" />
      ) : null}
      {etat.etape === 'importe' ? <Resume resume={etat.resume} /> : null}
    </Page>
  );
}

function Progression({ envoyes, total }: { envoyes: number; total: number }) {
  const part = total > 0 ? Math.min(100, Math.round((envoyes / total) * 100)) : 0;
  const fini = part >= 100;
  return (
    <div className="fr-mb-4w">
      <label htmlFor="import-progression" className="fr-label">
        {fini ? 'Fichier envoyé, import en cours…' : 'Envoi du fichier'} <span aria-hidden="true">({part} %)</span>
      </label>
      <progress
        id="import-progression"
        className="flux-progression"
        max={100}
        value={part}
        aria-valuetext={`${part} %`}
      >
        {part} %
      </progress>
      <p role="status" className="fr-sr-only">
        {fini ? 'Fichier envoyé, import en cours.' : `Envoi du fichier : ${Math.floor(part / 10) * 10} %`}
      </p>
    </div>
  );
}

function Resume({ resume }: { resume: ResumeImportRplsApi }) {
  return (
    <section aria-labelledby="import-resume" className="fr-mb-6w">
      <Alert
        role="status"
        severity={resume.rejetes > 0 ? 'warning' : 'success'}
        as="h2"
        title={<span id="import-resume">Import terminé</span>}
        description={`${resume.fichier} : ${pluriel(resume.logements, 'logement valide', 'logements valides')} sur ${pluriel(resume.lignes, 'ligne')}${resume.rejetes > 0 ? `, ${pluriel(resume.rejetes, 'ligne rejetée', 'lignes rejetées')}` : ''}.`}
        className="fr-mb-4w"
      />
      {resume.fichierErreurs && resume.rejetes > 0 ? (
        <LienFichierErreurs
          fichier={{
            url: resume.fichierErreurs,
            nom: `${resume.fichier.replace(/\.[^.]*$/, '')}.erreurs.csv`,
            lignes: resume.rejetes,
          }}
        />
      ) : null}
      <ChiffresCles titre="Ce qui a changé">
        <ChiffreCle libelle="Nouveaux" valeur={nombre(resume.nouveaux)} detail="logements ajoutés au patrimoine" />
        <ChiffreCle
          libelle="Modifiés"
          valeur={nombre(resume.modifies)}
          detail={`${pluriel(resume.inchanges, 'logement inchangé', 'logements inchangés')}`}
        />
        <ChiffreCle
          libelle="Disparus"
          valeur={nombre(resume.disparus)}
          detail="absents du fichier : signalés, non supprimés"
        />
        <ChiffreCle libelle="Lignes rejetées" valeur={nombre(resume.rejetes)} detail="lignes invalides non importées" />
      </ChiffresCles>
      <h3 className="fr-h5">Communes fusionnées</h3>
      {resume.communesFusionnees.length === 0 ? (
        <p>Aucune commune fusionnée dans le fichier.</p>
      ) : (
        <ul id="import-communes">
          {resume.communesFusionnees.map((c) => (
            <li key={c.code}>
              {c.code} → {c.courante} ({pluriel(c.logements, 'logement')})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
