/**
 * One draft of a convention or avenant (GET /api/conventions/projets/:id; issue 14 item 3): its
 * terms, its status, the review of each CIL whose territory it covers (CCH L.441-1-5); for the EPCI,
 * the form recording its CIL's review (session date, avis favorable or réservé with its reasons),
 * after a confirmation — it cannot be changed; for the bailleur, the parties' signature recorded
 * after a confirmation, which writes the version.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { enregistrerAvisCil, ErreurApi, lireProjet, signerProjet, type AvisCilApi, type ProjetApi } from '../api.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { champsEnErreur, erreurHorsChamps, EtatRequete, messageErreur } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date, pluriel, taux } from '../format.ts';
import { TYPES_RESERVATAIRE } from '../roles.ts';
import { ClausesProjet, DocumentProjet } from './ProjetConventionDocument.tsx';

export function BadgeProjet({ projet: p }: { projet: Pick<ProjetApi, 'etat' | 'statut'> }) {
  const severite = p.etat === 'signe' ? 'success' : p.etat === 'abandonne' ? undefined : 'new';
  return (
    <Badge small {...(severite ? { severity: severite } : {})} noIcon>
      {p.statut}
    </Badge>
  );
}

function avisEnClair(a: AvisCilApi): string {
  if (a.avis === null) return 'attendu';
  return `${a.avis === 'favorable' ? 'avis favorable' : 'avis réservé'} (séance du ${date(a.seanceLe!)})`;
}

export function ProjetConvention() {
  const { id = '' } = useParams();
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.projets.projet(id),
    queryFn: ({ signal }) => lireProjet(id, signal),
  });
  const titre = data
    ? `Projet ${data.conventionId ? 'd’avenant' : 'de convention'} — ${data.reservataire.nom}`
    : 'Projet de convention';
  return (
    <Page
      titre={titre}
      titreDocument={data ? `${titre} — ${data.bailleur.nom}` : titre}
      sousTitre={
        data ? (
          <p className="fr-text--lead">
            {data.bailleur.nom} et {data.reservataire.nom} (
            {TYPES_RESERVATAIRE[data.reservataire.type] ?? data.reservataire.type}), département {data.departement}.{' '}
            {data.conventionId ? (
              <Link to={`/conventions/${encodeURIComponent(data.conventionId)}`}>La convention en vigueur</Link>
            ) : (
              <Link to="/conventions">Toutes les conventions</Link>
            )}
          </p>
        ) : undefined
      }
    >
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="le projet">
        {(p) => <Fiche projet={p} />}
      </EtatRequete>
    </Page>
  );
}

function Fiche({ projet: p }: { projet: ProjetApi }) {
  const par = p.parametres as { perimetre?: { departement?: string; communes?: string[]; epci?: string } };
  const per = par.perimetre ?? {};
  return (
    <>
      <section aria-labelledby="pj-statut" className="fr-mb-6w">
        <h2 id="pj-statut" className="fr-h3">
          Statut <BadgeProjet projet={p} />
        </h2>
        <p>
          {p.etat === 'signe'
            ? `Signé par les parties le ${date(p.signeLe!)} : la version est écrite et prend effet le ${date(p.effectifLe)}.`
            : 'Rien n’est en vigueur tant que les parties n’ont pas signé. Le projet est présenté à la conférence intercommunale du logement (CIL) de chaque EPCI dont il couvre le territoire, avant la signature (CCH L.441-1-5).'}
        </p>
        <Tableau
          legende="Termes proposés"
          legendeMasquee
          colonnes={[
            { titre: 'Terme', valeur: (l: { terme: string; valeur: string }) => l.terme, entete: true },
            { titre: 'Valeur', valeur: (l) => l.valeur },
          ]}
          lignes={[
            { terme: 'Taux', valeur: `${taux(p.taux)} du flux annuel de logements libérés` },
            { terme: 'Date d’effet', valeur: date(p.effectifLe) },
            {
              terme: 'Périmètre',
              valeur: per.departement
                ? `tout le parc du bailleur dans le département ${per.departement}`
                : per.communes
                  ? `le parc du bailleur dans ${pluriel(per.communes.length, 'commune')} (${per.communes.join(', ')})`
                  : per.epci
                    ? `le parc du bailleur dans l’EPCI ${per.epci}`
                    : '—',
            },
            { terme: 'Motif', valeur: p.motif ?? '—' },
            { terme: 'Préparé', valeur: `le ${date(p.creeLe)}${p.auteur ? ` par ${p.auteur}` : ''}` },
          ]}
          cle={(l) => l.terme}
        />
      </section>

      <section aria-labelledby="pj-cil" className="fr-mb-6w">
        <h2 id="pj-cil" className="fr-h3">
          Avis de la CIL
        </h2>
        {p.avisCil.length === 0 ? (
          <p>Le projet ne couvre le territoire d’aucun EPCI connu de Flux : aucun avis de CIL n’est attendu.</p>
        ) : (
          <Tableau
            legende="Avis des conférences intercommunales du logement"
            legendeMasquee
            colonnes={[
              { titre: 'EPCI', valeur: (a: AvisCilApi) => a.epciNom, entete: true },
              { titre: 'Avis', valeur: (a) => avisEnClair(a) },
              { titre: 'Réserves', valeur: (a) => a.motifs ?? '—' },
              {
                titre: 'Enregistré',
                valeur: (a) =>
                  a.enregistreLe ? `le ${date(a.enregistreLe)}${a.auteur ? ` par ${a.auteur}` : ''}` : '—',
              },
            ]}
            lignes={p.avisCil}
            cle={(a) => a.epci}
          />
        )}
        {p.avisCil
          .filter((a) => a.enregistrable)
          .map((a) => (
            <FormulaireAvis key={a.epci} projet={p} avis={a} />
          ))}
      </section>

      <ClausesProjet projet={p} />

      <DocumentProjet projet={p} />

      {p.signable ? <Signature projet={p} /> : null}
    </>
  );
}

function FormulaireAvis({ projet: p, avis: a }: { projet: ProjetApi; avis: AvisCilApi }) {
  const client = useQueryClient();
  const [seanceLe, setSeanceLe] = useState('');
  const [avis, setAvis] = useState<'favorable' | 'reserve' | ''>('');
  const [motifs, setMotifs] = useState('');
  const [locales, setLocales] = useState<Record<string, string>>({});
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerAvisCil(p.id, {
        seanceLe,
        avis: avis as 'favorable' | 'reserve',
        ...(motifs.trim() ? { motifs: motifs.trim() } : {}),
      }),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.projets.projet(p.id), nouveau);
      void client.invalidateQueries({ queryKey: cles.projets.tout() });
      void client.invalidateQueries({ queryKey: cles.territoire.tout() });
    },
  });
  const erreur = envoi.error;
  const { message, etat } = champsEnErreur(erreur, locales);
  const confirmer = () => {
    const manquants: Record<string, string> = {};
    if (!seanceLe) manquants.seanceLe = 'indiquez la date de la séance de la CIL';
    if (!avis) manquants.avis = 'indiquez l’avis de la CIL';
    if (avis === 'reserve' && !motifs.trim()) manquants.motifs = 'un avis réservé dit ses raisons';
    setLocales(manquants);
    if (Object.keys(manquants).length) return;
    envoi.mutate();
  };
  const m = message('avis');
  return (
    <div className="fr-mt-4w">
      <h3 className="fr-h5">Enregistrer l’avis de la CIL — {a.epciNom}</h3>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <Input
            label="Date de la séance"
            {...etat('seanceLe')}
            nativeInputProps={{
              id: 'avis-seance',
              name: 'seanceLe',
              type: 'date',
              value: seanceLe,
              onChange: (e) => setSeanceLe(e.target.value),
              'aria-invalid': message('seanceLe') ? true : undefined,
              required: true,
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-8">
          <RadioButtons
            legend="Avis"
            name="avis"
            orientation="horizontal"
            {...(m ? { state: 'error' as const, stateRelatedMessage: m } : {})}
            options={[
              {
                label: 'Favorable',
                nativeInputProps: {
                  value: 'favorable',
                  checked: avis === 'favorable',
                  onChange: () => setAvis('favorable'),
                },
              },
              {
                label: 'Réservé',
                nativeInputProps: { value: 'reserve', checked: avis === 'reserve', onChange: () => setAvis('reserve') },
              },
            ]}
          />
        </div>
        <div className="fr-col-12">
          <Input
            label={avis === 'reserve' ? 'Réserves de la CIL' : 'Réserves de la CIL (si l’avis est réservé)'}
            textArea
            {...etat('motifs')}
            nativeTextAreaProps={{
              id: 'avis-motifs',
              name: 'motifs',
              value: motifs,
              maxLength: 4000,
              onChange: (e) => setMotifs(e.target.value),
              rows: 3,
            }}
          />
        </div>
      </div>
      <Confirmation
        libelle="Enregistrer l’avis"
        titre="Enregistrer l’avis de la CIL ?"
        iconId="fr-icon-check-line"
        disabled={envoi.isPending}
        consequences={
          <p>
            L’avis {avis === 'reserve' ? 'réservé' : avis === 'favorable' ? 'favorable' : ''} de la CIL de {a.epciNom}
            {seanceLe ? ` (séance du ${date(seanceLe)})` : ''} figurera sur le projet pour le bailleur,{' '}
            {p.reservataire.nom} et le pilote de l’État, avant la signature. L’enregistrement est inscrit au journal
            d’audit.
          </p>
        }
        correction="L’avis ne peut être ni modifié ni retiré dans Flux : vérifiez la date et les réserves avant de confirmer."
        confirmer="Confirmer l’avis"
        surConfirmation={confirmer}
      />
      <div aria-live="polite">
        {erreurHorsChamps(erreur) ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Avis non enregistré"
            description={messageErreur(erreur)}
          />
        ) : null}
      </div>
    </div>
  );
}

function Signature({ projet: p }: { projet: ProjetApi }) {
  const client = useQueryClient();
  const envoi = useMutation({
    mutationFn: () => signerProjet(p.id, p.version),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.projets.projet(p.id), nouveau);
      void client.invalidateQueries({ queryKey: cles.projets.tout() });
      void client.invalidateQueries({ queryKey: cles.conventions.tout() });
      if (p.conventionId) void client.invalidateQueries({ queryKey: cles.convention.tout(p.conventionId) });
    },
  });
  const attendus = p.avisCil.filter((a) => a.avis === null);
  const reserves = p.avisCil.filter((a) => a.avis === 'reserve');
  const sansSignature = (['bailleur', 'reservataire'] as const).filter(
    (partie) => !p.signatures.some((s) => s.partie === partie && s.aJour !== false),
  );
  return (
    <section aria-labelledby="pj-signature" className="fr-mb-6w">
      <h2 id="pj-signature" className="fr-h3">
        Signature des parties
      </h2>
      <p>
        Quand le bailleur et {p.reservataire.nom} ont signé le document, enregistrez-le : la version est alors écrite,
        avec ses clauses et les mêmes contrôles qu’un avenant, et prend effet le {date(p.effectifLe)}.
      </p>
      <Confirmation
        libelle="Enregistrer la signature"
        titre="Enregistrer la signature des parties ?"
        iconId="fr-icon-edit-line"
        disabled={envoi.isPending}
        avertissements={[
          ...(attendus.length ? [`Avis de la CIL encore attendu : ${attendus.map((a) => a.epciNom).join(', ')}.`] : []),
          ...(reserves.length ? [`Avis réservé de la CIL : ${reserves.map((a) => a.epciNom).join(', ')}.`] : []),
          ...(sansSignature.length
            ? [
                `Document pas encore signé dans Flux par : ${sansSignature.map((x) => (x === 'bailleur' ? p.bailleur.nom : p.reservataire.nom)).join(', ')}.`,
              ]
            : []),
        ]}
        consequences={
          <p>
            {p.conventionId ? 'L’avenant' : 'La convention'} avec {p.reservataire.nom} au taux de {taux(p.taux)} sera
            écrit{p.conventionId ? '' : 'e'} et prendra effet le {date(p.effectifLe)}. Aucun avis de CIL ne pourra plus
            être enregistré sur ce projet.
          </p>
        }
        correction="Une version écrite ne se modifie pas : une correction se fait par un nouvel avenant."
        confirmer="Confirmer la signature"
        surConfirmation={() => envoi.mutate()}
      />
      <div aria-live="polite">
        {envoi.error ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Signature non enregistrée"
            description={
              <>
                <p>{messageErreur(envoi.error)}</p>
                {envoi.error instanceof ErreurApi && envoi.error.problemes.length ? (
                  <ul>
                    {envoi.error.problemes.map((x) => (
                      <li key={`${x.chemin}${x.message}`}>{x.message}</li>
                    ))}
                  </ul>
                ) : null}
              </>
            }
          />
        ) : null}
      </div>
    </section>
  );
}
