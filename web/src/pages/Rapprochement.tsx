/**
 * « Rapprochement SNE » (ADR 0036): the State's pilot (its département, every bailleur) or a
 * bailleur (its leases) uploads a year's allocations as the SNE records them (numéro unique, RPLS
 * number, lease date, réservataire). Flux matches them with its leases and shows the meeting's
 * indicator — the share of allocations whose réservataire is known, in the file and in Flux, per
 * bailleur and département — and each mismatch with what Flux holds; the workbook lists them all.
 * Nothing of the file is kept by the server.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import {
  rapprocherAttributions,
  telechargerRapprochement,
  type EcartRapprochementApi,
  type RapprochementApi,
} from '../api.ts';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { messageErreur } from '../composants/Etats.tsx';
import { FormulaireTeleversement } from '../composants/FormulaireTeleversement.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { GENRES_ECART_API, TAILLE_MAX_RAPPROCHEMENT } from '../../../src/contracts/demandes.ts';
import { date, nombre, pluriel, taux } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';

/** Mismatches shown in the page per kind (the workbook lists them all). */
const AFFICHES = 200;

const LIBELLES: Record<(typeof GENRES_ECART_API)[number], string> = {
  inconnu_flux: 'Réservataire inconnu dans Flux',
  inconnu_sne: 'Réservataire non renseigné dans le fichier',
  reservataire_different: 'Réservataire différent',
  absent_flux: 'Attribution absente de Flux',
  absent_fichier: 'Bail absent du fichier',
};

const part = (p: number | null) => (p === null ? '—' : taux(Math.round(p * 1000) / 1000));

export function Rapprochement() {
  const session = useSessionOuverte();
  const pilote = session.role === 'pilote_etat';
  const [annee, setAnnee] = useState(String(new Date().getFullYear()));
  const [departement, setDepartement] = useState('');

  const parametres = () => ({
    annee: Number(annee),
    departement: pilote ? undefined : departement.trim() || undefined,
  });

  return (
    <Page titre="Rapprochement avec le SNE" titreDocument="Rapprochement SNE">
      <p className="fr-text--lead">
        Comparez les attributions d’une année telles que le système national d’enregistrement (SNE) les connaît avec les
        baux enregistrés dans Flux : part des attributions dont le réservataire est connu, de chaque côté, et chaque
        écart. {pilote ? 'Tous les bailleurs de votre département.' : 'Les baux de votre organisme.'} Le fichier n’est
        pas conservé.
      </p>
      <FormulaireTeleversement<RapprochementApi>
        id="rapprochement"
        libelle="Attributions de l’année (export SNE)"
        format="CSV avec les colonnes NUMERO_UNIQUE, RPLS, DATE_BAIL (JJ/MM/AAAA), RESERVATAIRE et, facultative, BAILLEUR (SIREN)"
        accept=".csv,text/csv"
        tailleMax={TAILLE_MAX_RAPPROCHEMENT}
        messageChoix="Choisissez le fichier des attributions."
        nomFormulaire="Fichier des attributions à rapprocher"
        bouton="Rapprocher"
        titreRefus="Le rapprochement n’a pas pu être fait"
        titreErreur="Le rapprochement n’a pas pu être fait"
        messageEnvoi="Rapprochement en cours…"
        className="fr-mb-6w"
        envoyer={(fichier) => rapprocherAttributions(fichier, parametres())}
        resultat={(resultat, fichier) => (
          <Resultat
            r={resultat}
            telecharger={() =>
              telechargerRapprochement(fichier, parametres(), `rapprochement-attributions-${resultat.annee}.xlsx`)
            }
          />
        )}
      >
        <div className="fr-grid-row fr-grid-row--gutters fr-mt-2w">
          <div className="fr-col-12 fr-col-md-3">
            <Input
              label="Année des baux"
              nativeInputProps={{
                id: 'rapprochement-annee',
                type: 'number',
                min: 2000,
                max: 2100,
                value: annee,
                onChange: (e) => setAnnee(e.target.value),
              }}
            />
          </div>
          {pilote ? null : (
            <div className="fr-col-12 fr-col-md-3">
              <Input
                label="Département (facultatif)"
                hintText="Par exemple 45 ; vide : tous vos baux"
                nativeInputProps={{
                  id: 'rapprochement-departement',
                  value: departement,
                  maxLength: 3,
                  onChange: (e) => setDepartement(e.target.value),
                }}
              />
            </div>
          )}
        </div>
      </FormulaireTeleversement>
    </Page>
  );
}

type Groupe = RapprochementApi['groupes'][number];

function Resultat({ r, telecharger }: { r: RapprochementApi; telecharger: () => Promise<void> }) {
  const [genre, setGenre] = useState<(typeof GENRES_ECART_API)[number] | ''>('');
  const [erreur, setErreur] = useState<string | null>(null);
  const ecarts = r.ecarts.filter((e) => genre === '' || e.genre === genre).slice(0, AFFICHES);
  const total = r.total;
  return (
    <>
      <ChiffresCles titre={`Attributions ${r.annee}${r.departement ? `, département ${r.departement}` : ''}`}>
        <ChiffreCle
          libelle="Réservataire connu (SNE)"
          valeur={part(total.fichier.part)}
          detail={`${nombre(total.fichier.avecReservataire)} sur ${pluriel(total.fichier.total, 'attribution')} du fichier`}
        />
        <ChiffreCle
          libelle="Réservataire connu (Flux)"
          valeur={part(total.flux.part)}
          detail={`${nombre(total.flux.avecReservataire)} sur ${pluriel(total.flux.total, 'bail', 'baux')} de Flux`}
        />
        <ChiffreCle
          libelle="Attributions rapprochées"
          valeur={nombre(total.rapprocheesParNumero + total.rapprocheesParRpls)}
          detail={`${nombre(total.rapprocheesParNumero)} par numéro unique, ${nombre(total.rapprocheesParRpls)} par numéro RPLS et date (à ${r.toleranceJours} jours près)`}
        />
        <ChiffreCle libelle="Écarts" valeur={nombre(r.nombreEcarts)} detail="à vérifier dans le SNE ou dans Flux" />
      </ChiffresCles>
      <p>
        {pluriel(r.lignes, 'ligne comparée', 'lignes comparées')}
        {r.horsAnnee
          ? `, ${pluriel(r.horsAnnee, 'ligne d’une autre année ignorée', 'lignes d’une autre année ignorées')}`
          : ''}
        {r.horsPerimetre
          ? `, ${pluriel(r.horsPerimetre, 'ligne d’un autre bailleur ignorée', 'lignes d’un autre bailleur ignorées')}`
          : ''}
        .
      </p>
      <Button
        priority="secondary"
        iconId="fr-icon-download-line"
        className="fr-mb-4w"
        onClick={() => {
          setErreur(null);
          telecharger().catch((e: unknown) => setErreur(messageErreur(e)));
        }}
      >
        Télécharger le classeur (XLSX)
      </Button>
      {erreur ? <Alert severity="error" small description={erreur} className="fr-mb-2w" /> : null}
      <Tableau<Groupe>
        legende="Part des attributions au réservataire connu, par bailleur et département"
        cle={(g, i) => `${g.bailleur}-${g.departement ?? ''}-${i}`}
        compact
        colonnes={[
          { titre: 'Bailleur', valeur: (g) => g.bailleur, entete: true },
          { titre: 'Dépt', valeur: (g) => g.departement ?? '—' },
          { titre: 'Attributions (SNE)', valeur: (g) => nombre(g.fichier.total), nombre: true },
          { titre: 'Connu (SNE)', valeur: (g) => part(g.fichier.part), nombre: true },
          { titre: 'Baux (Flux)', valeur: (g) => nombre(g.flux.total), nombre: true },
          { titre: 'Connu (Flux)', valeur: (g) => part(g.flux.part), nombre: true },
          {
            titre: 'Rapprochées',
            valeur: (g) => nombre(g.rapprocheesParNumero + g.rapprocheesParRpls),
            nombre: true,
          },
          {
            titre: 'Écarts',
            valeur: (g) => nombre(Object.values(g.ecarts).reduce((a, b) => a + b, 0)),
            nombre: true,
          },
        ]}
        lignes={[...r.groupes, total]}
      />
      <section aria-labelledby="rapprochement-ecarts" className="fr-mt-6w">
        <h2 id="rapprochement-ecarts" className="fr-h4">
          Les écarts
        </h2>
        <ul>
          {GENRES_ECART_API.map((g) => (
            <li key={g}>
              {LIBELLES[g]} : {nombre(total.ecarts[g] ?? 0)}
            </li>
          ))}
        </ul>
        <Select
          label="Genre d’écart"
          nativeSelectProps={{
            id: 'rapprochement-genre',
            value: genre,
            onChange: (e) => setGenre(e.target.value as (typeof GENRES_ECART_API)[number] | ''),
          }}
        >
          <option value="">Tous les écarts</option>
          {GENRES_ECART_API.map((g) => (
            <option key={g} value={g}>
              {LIBELLES[g]}
            </option>
          ))}
        </Select>
        {ecarts.length === 0 ? (
          <p>Aucun écart de ce genre.</p>
        ) : (
          <Tableau<EcartRapprochementApi>
            legende={
              r.ecarts.length < r.nombreEcarts || ecarts.length === AFFICHES
                ? `Les ${nombre(ecarts.length)} premiers écarts (le classeur les liste tous)`
                : pluriel(ecarts.length, 'écart')
            }
            cle={(e, i) => `${e.genre}-${e.fichier?.ligne ?? ''}-${e.flux?.rpls ?? ''}-${i}`}
            compact
            colonnes={[
              { titre: 'Écart', valeur: (e) => LIBELLES[e.genre], entete: true },
              { titre: 'Bailleur', valeur: (e) => e.bailleur },
              { titre: 'Ligne', valeur: (e) => (e.fichier ? nombre(e.fichier.ligne) : '—'), nombre: true },
              {
                titre: 'Logement (RPLS)',
                valeur: (e) => e.flux?.rpls ?? e.fichier?.rpls ?? '—',
              },
              {
                titre: 'Date du bail',
                valeur: (e) =>
                  e.fichier && e.flux && e.fichier.date !== e.flux.date
                    ? `${date(e.fichier.date)} (SNE), ${date(e.flux.date)} (Flux)`
                    : date((e.flux?.date ?? e.fichier?.date)!),
              },
              { titre: 'Numéro unique', valeur: (e) => e.fichier?.numeroUnique ?? e.flux?.numeroUnique ?? '—' },
              {
                titre: 'Réservataire (SNE)',
                valeur: (e) => (e.fichier ? e.fichier.reservataire || 'Non renseigné' : '—'),
              },
              { titre: 'Réservataire (Flux)', valeur: (e) => e.flux?.reservataire ?? '—' },
            ]}
            lignes={ecarts}
          />
        )}
      </section>
    </>
  );
}
