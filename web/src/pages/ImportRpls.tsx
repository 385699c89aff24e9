/**
 * « Import RPLS » (POST /api/patrimoine/import-rpls): the bailleur chooses its RPLS file, which is
 * sent raw with a real upload progress bar; then the summary (new, modified, gone, rejected units,
 * merged communes) or, when rows are invalid and nothing was imported, the summary, the first
 * problems and the link of the error file (kept 24 hours by the server). The size limit is stated
 * and checked before sending.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { RefusTeleversementApi, televerserRpls, type ResumeImportRplsApi } from '../api.ts';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { FormulaireTeleversement } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { LienFichierErreurs } from '../composants/RefusTeleversement.tsx';
import { libelleTaille, TAILLE_MAX_RPLS } from '../../../src/contracts/televersement.ts';
import { nombre, pluriel } from '../format.ts';

export function ImportRpls() {
  const [validesSeulement, setValidesSeulement] = useState(false);
  const client = useQueryClient();

  return (
    <Page titre="Import RPLS" titreDocument="Import RPLS">
      <p className="fr-text--lead">
        Mettez à jour votre patrimoine à partir de votre fichier du répertoire des logements locatifs des bailleurs
        sociaux (RPLS), au format CSV. Les logements absents du fichier ne sont pas supprimés : ils sont signalés comme
        disparus.
      </p>
      <FormulaireTeleversement<ResumeImportRplsApi>
        id="import"
        libelle="Fichier RPLS"
        format="Format CSV (séparateur « ; » ou « , », UTF-8 ou Latin-1)"
        accept=".csv,text/csv"
        tailleMax={TAILLE_MAX_RPLS}
        messageTaille={(taille) =>
          `Ce fichier fait ${libelleTaille(taille)} : le fichier RPLS doit faire ${libelleTaille(TAILLE_MAX_RPLS)} au plus.`
        }
        messageChoix="Choisissez le fichier RPLS à importer."
        nomFormulaire="Choix du fichier à importer"
        bouton="Importer le fichier"
        titreRefus="Rien n’a été importé"
        progression
        className="fr-mb-6w"
        envoyer={async (fichier, surProgression) => {
          const r = await televerserRpls(fichier, { validesSeulement, surProgression });
          if (!r.importe) throw new RefusTeleversementApi(r.refus);
          return r.resume;
        }}
        apres={() => client.invalidateQueries()}
        resultat={(resume) => <Resume resume={resume} />}
      >
        <Checkbox
          className="fr-mt-4w"
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
      </FormulaireTeleversement>
    </Page>
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
