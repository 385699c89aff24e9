/**
 * The legal content and the document of a draft (issue 14 item 2, ADR 0043), on its page: the
 * clauses (basis, duration, renewal, priority categories, information exchanged, CIA and CIL,
 * evaluation) and, for the bailleur while it is a draft, the form changing them; the document as PDF
 * and DOCX, its fingerprint, the register of who signed which fingerprint and when, and for a party
 * the signature of the document it read, after a confirmation.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import {
  CATEGORIES_PRIORITAIRES,
  LIBELLES_RENOUVELLEMENT,
  RENOUVELLEMENTS,
  type CategoriePrioritaire,
  type Renouvellement,
} from '../../../src/contracts/territoire.ts';
import {
  adresseDocumentProjet,
  modifierClausesProjet,
  signerDocumentProjet,
  type ClausesApi,
  type ProjetApi,
  type SignatureDocumentApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { champsEnErreur, erreurHorsChamps, messageErreur } from '../composants/Etats.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date, de } from '../format.ts';

const jours = (n: number) => `${n} jour${n > 1 ? 's' : ''}`;

export function ClausesProjet({ projet: p }: { projet: ProjetApi }) {
  const [edition, setEdition] = useState(false);
  const c = p.clauses;
  const lignes = [
    { terme: 'Fondement des droits', valeur: c.fondement },
    { terme: 'Durée', valeur: `du ${date(c.debutLe)} au ${date(c.finLe)} inclus` },
    { terme: 'Renouvellement', valeur: LIBELLES_RENOUVELLEMENT[c.renouvellement] },
    {
      terme: 'Catégories prioritaires',
      valeur: c.categoriesPrioritaires.length
        ? c.categoriesPrioritaires.map((k) => CATEGORIES_PRIORITAIRES[k]).join(' ; ')
        : 'aucune en propre (les 25 % de publics prioritaires de l’article L.441-1 s’appliquent)',
    },
    { terme: 'Signalement des logements libérés', valeur: `dans les ${jours(c.delaiSignalementJours)}` },
    {
      terme: 'Délai de proposition',
      valeur: `${jours(Number((p.parametres as { delaiPropositionJours?: number }).delaiPropositionJours ?? 0))} (terme de la version)`,
    },
    { terme: 'À défaut de candidat', valeur: c.regleSansCandidat },
    { terme: 'Décision de la CALEOL', valeur: `communiquée dans les ${jours(c.delaiInformationCalJours)}` },
    { terme: 'Bail signé', valeur: `communiqué dans les ${jours(c.delaiInformationBailJours)}` },
    { terme: 'Convention intercommunale d’attribution', valeur: c.referenceCia },
    { terme: 'Orientations de la CIL', valeur: c.orientationsCil },
    { terme: 'Évaluation annuelle', valeur: c.evaluation },
  ];
  return (
    <section aria-labelledby="pj-clauses" className="fr-mb-6w">
      <h2 id="pj-clauses" className="fr-h3">
        Clauses de la convention
      </h2>
      <p>
        Ce que la convention stipule au-delà du taux et du décompte : fondement et durée des droits, échanges
        d’information, référence à la convention intercommunale d’attribution et aux orientations de la CIL, évaluation
        annuelle.
      </p>
      <dl className="fr-mb-3w">
        {lignes.map((l) => (
          <div key={l.terme} className="fr-mb-2w">
            <dt className="fr-text--bold fr-mb-0">{l.terme}</dt>
            <dd className="fr-ml-0">{l.valeur}</dd>
          </div>
        ))}
      </dl>
      {p.clausesModifiables && !edition ? (
        <Button priority="secondary" iconId="fr-icon-edit-line" onClick={() => setEdition(true)}>
          Modifier les clauses
        </Button>
      ) : null}
      {p.clausesModifiables && edition ? <FormulaireClauses projet={p} fermer={() => setEdition(false)} /> : null}
    </section>
  );
}

function FormulaireClauses({ projet: p, fermer }: { projet: ProjetApi; fermer: () => void }) {
  const client = useQueryClient();
  const [c, setC] = useState<ClausesApi>(p.clauses);
  const envoi = useMutation({
    mutationFn: () => modifierClausesProjet(p.id, p.version, c),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.projets.projet(p.id), nouveau);
      void client.invalidateQueries({ queryKey: cles.projets.tout() });
      fermer();
    },
  });
  const erreur = envoi.error;
  const { etat } = champsEnErreur(erreur, {}, 'clauses.');
  const texte = (champ: keyof ClausesApi, label: string, rows = 2) => (
    <Input
      label={label}
      textArea
      {...etat(champ)}
      nativeTextAreaProps={{
        id: `clause-${champ}`,
        name: champ,
        rows,
        value: String(c[champ]),
        onChange: (e) => setC({ ...c, [champ]: e.target.value }),
      }}
    />
  );
  const nombre = (champ: keyof ClausesApi, label: string) => (
    <Input
      label={label}
      hintText="En jours"
      {...etat(champ)}
      nativeInputProps={{
        id: `clause-${champ}`,
        name: champ,
        type: 'number',
        min: 1,
        max: 365,
        value: String(c[champ]),
        onChange: (e) => setC({ ...c, [champ]: Number(e.target.value) }),
      }}
    />
  );
  const dateChamp = (champ: 'debutLe' | 'finLe', label: string) => (
    <Input
      label={label}
      {...etat(champ)}
      nativeInputProps={{
        id: `clause-${champ}`,
        name: champ,
        type: 'date',
        value: c[champ],
        onChange: (e) => setC({ ...c, [champ]: e.target.value }),
      }}
    />
  );
  const enregistrer = (e: FormEvent) => {
    e.preventDefault();
    envoi.mutate();
  };
  return (
    <form onSubmit={enregistrer} aria-label="Modifier les clauses" noValidate className="fr-mt-3w">
      <h3 className="fr-h5">Modifier les clauses</h3>
      <p className="fr-text--sm">
        Le document change avec les clauses : une signature déjà donnée reste au registre mais ne vaut plus pour le
        nouveau document.
      </p>
      {texte('fondement', 'Fondement des droits (acte, garantie, financement, terrain)')}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">{dateChamp('debutLe', 'Début')}</div>
        <div className="fr-col-12 fr-col-md-4">{dateChamp('finLe', 'Fin (incluse)')}</div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Renouvellement"
            nativeSelectProps={{
              id: 'clause-renouvellement',
              value: c.renouvellement,
              onChange: (e) => setC({ ...c, renouvellement: e.target.value as Renouvellement }),
            }}
          >
            {RENOUVELLEMENTS.map((r) => (
              <option key={r} value={r}>
                {r === 'expres' ? 'Par avenant exprès' : r === 'tacite' ? 'Tacite reconduction' : 'Non renouvelable'}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Checkbox
        legend="Catégories prioritaires désignées par le réservataire"
        options={(Object.keys(CATEGORIES_PRIORITAIRES) as CategoriePrioritaire[]).map((k) => ({
          label: CATEGORIES_PRIORITAIRES[k],
          nativeInputProps: {
            name: 'categoriesPrioritaires',
            value: k,
            checked: c.categoriesPrioritaires.includes(k),
            onChange: (e) =>
              setC({
                ...c,
                categoriesPrioritaires: e.target.checked
                  ? [...c.categoriesPrioritaires, k]
                  : c.categoriesPrioritaires.filter((x) => x !== k),
              }),
          },
        }))}
      />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          {nombre('delaiSignalementJours', 'Signalement d’un logement libéré')}
        </div>
        <div className="fr-col-12 fr-col-md-4">
          {nombre('delaiInformationCalJours', 'Information sur la décision de la CALEOL')}
        </div>
        <div className="fr-col-12 fr-col-md-4">
          {nombre('delaiInformationBailJours', 'Information sur le bail signé')}
        </div>
      </div>
      {texte('regleSansCandidat', 'À défaut de candidat dans le délai de proposition')}
      {texte('referenceCia', 'Convention intercommunale d’attribution de référence')}
      {texte('orientationsCil', 'Orientations de la CIL')}
      {texte('evaluation', 'Évaluation annuelle')}
      <div aria-live="polite">
        {erreurHorsChamps(erreur) ? (
          <Alert
            className="fr-mb-2w"
            severity="error"
            title="Clauses non enregistrées"
            description={messageErreur(erreur)}
          />
        ) : null}
      </div>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li>
          <Button type="submit" disabled={envoi.isPending}>
            Enregistrer les clauses
          </Button>
        </li>
        <li>
          <Button type="button" priority="secondary" onClick={fermer}>
            Annuler
          </Button>
        </li>
      </ul>
    </form>
  );
}

export function DocumentProjet({ projet: p }: { projet: ProjetApi }) {
  const client = useQueryClient();
  const envoi = useMutation({
    mutationFn: () => signerDocumentProjet(p.id, p.empreinte ?? ''),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.projets.projet(p.id), nouveau);
      void client.invalidateQueries({ queryKey: cles.projets.tout() });
    },
    onError: () => void client.invalidateQueries({ queryKey: cles.projets.projet(p.id) }),
  });
  const nomPartie = p.signataire === 'bailleur' ? p.bailleur.nom : p.reservataire.nom;
  const dejaSigne = p.signatures.some((s) => s.partie === p.signataire && s.empreinte === p.empreinte);
  const manquantes = (['bailleur', 'reservataire'] as const).filter(
    (partie) => !p.signatures.some((s) => s.partie === partie && s.aJour),
  );
  return (
    <section aria-labelledby="pj-document" className="fr-mb-6w">
      <h2 id="pj-document" className="fr-h3">
        Document de la convention
      </h2>
      <p>
        Le document est écrit depuis les termes et les clauses enregistrés, dans la structure d’une convention type :
        objet et parties, périmètre, part du flux, engagements qualitatifs, signalement des logements, délai de
        proposition et absence de candidat, décompte, bilan, durée, avenants ; en annexe, la synthèse de l’état des
        lieux signé et les chiffres de la conversion.
      </p>
      <ul className="fr-links-group">
        <li>
          <a className="fr-link fr-link--download" href={adresseDocumentProjet(p.id, 'pdf')} download>
            Télécharger le document
            <span className="fr-link__detail">PDF</span>
          </a>
        </li>
        <li>
          <a className="fr-link fr-link--download" href={adresseDocumentProjet(p.id, 'docx')} download>
            Télécharger le document modifiable
            <span className="fr-link__detail">DOCX</span>
          </a>
        </li>
      </ul>
      {p.empreinte ? (
        <p className="fr-text--sm">
          Empreinte SHA-256 du document tel qu’il se lit maintenant :{' '}
          <span className="flux-empreinte" data-testid="empreinte-document">
            {p.empreinte}
          </span>
        </p>
      ) : null}
      <h3 className="fr-h5">Registre des signatures</h3>
      {p.signatures.length === 0 ? (
        <p>Aucune partie n’a encore signé le document.</p>
      ) : (
        <Tableau
          legende="Registre des signatures du document"
          legendeMasquee
          colonnes={[
            { titre: 'Partie', valeur: (s: SignatureDocumentApi) => s.organisation, entete: true },
            { titre: 'Signataire', valeur: (s) => s.signataire },
            { titre: 'Signé le', valeur: (s) => date(s.signeLe) },
            {
              titre: 'Empreinte signée',
              valeur: (s) => <span className="flux-empreinte">{s.empreinte.slice(0, 16)}…</span>,
            },
            {
              titre: 'Document',
              valeur: (s) =>
                s.aJour === false
                  ? 'modifié depuis : cette signature ne vaut plus'
                  : s.aJour
                    ? 'celui de maintenant'
                    : '—',
            },
          ]}
          lignes={p.signatures}
          cle={(s) => `${s.partie}-${s.empreinte}`}
        />
      )}
      {p.etat === 'projet' && manquantes.length ? (
        <p className="fr-text--sm">
          Signature attendue sur le document actuel :{' '}
          {manquantes.map((x) => (x === 'bailleur' ? p.bailleur.nom : p.reservataire.nom)).join(', ')}.
        </p>
      ) : null}
      {p.signataire && p.empreinte && !dejaSigne ? (
        <Confirmation
          libelle={`Signer le document pour ${nomPartie}`}
          titre="Signer le document de la convention ?"
          iconId="fr-icon-edit-line"
          disabled={envoi.isPending}
          avertissements={p.avisCil
            .filter((a) => a.avis === null)
            .map((a) => `Avis de la CIL ${de(a.epciNom)} encore attendu : il changera le document.`)}
          consequences={
            <>
              <p>
                Vous signez, au nom de {nomPartie}, le document dont l’empreinte SHA-256 est :{' '}
                <span className="flux-empreinte">{p.empreinte}</span>
              </p>
              <p>La signature est inscrite au registre du projet et au journal d’audit.</p>
            </>
          }
          correction="Une signature ne se retire pas ; si le document change ensuite, chaque partie signe le nouveau."
          confirmer="Confirmer la signature"
          surConfirmation={() => envoi.mutate()}
        />
      ) : null}
      <div aria-live="polite">
        {envoi.error ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Signature refusée"
            description={messageErreur(envoi.error)}
          />
        ) : null}
      </div>
    </section>
  );
}
