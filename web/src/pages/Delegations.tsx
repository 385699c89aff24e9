/**
 * Delegation of the State's contingent to a maire or an EPCI (CCH L.441-1; issue 14 item 5): the
 * State pilot records the préfet's delegation — delegatee, communes, first and last day, act — after
 * a confirmation (it cannot be changed); the list says which are to come, in force or over. While
 * one holds, the delegatee proposes the candidates on the State's units of those communes from its
 * inbox; the pilot keeps them in view.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  enregistrerDelegation,
  ErreurApi,
  lireDelegations,
  terminerDelegation,
  type DelegationApi,
  type DelegationsApi,
} from '../api.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { champsEnErreur, erreurHorsChamps, EtatRequete, messageErreur } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date } from '../format.ts';

const STATUTS: Record<DelegationApi['statut'], { libelle: string; severite: 'success' | 'info' | undefined }> = {
  a_venir: { libelle: 'à venir', severite: 'info' },
  active: { libelle: 'en vigueur', severite: 'success' },
  terminee: { libelle: 'terminée', severite: undefined },
};

export function Delegations() {
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.delegations(),
    queryFn: ({ signal }) => lireDelegations(signal),
  });
  return (
    <Page
      titre="Délégations du contingent de l’État"
      titreDocument="Délégations du contingent de l’État"
      sousTitre={
        <p className="fr-text--lead">
          Le préfet peut déléguer au maire ou au président d’un EPCI tout ou partie de son contingent (CCH L.441-1).
          Pendant la délégation, le délégataire propose les candidats sur les logements orientés à l’État dans ses
          communes ; vous gardez la vue sur ces logements.
        </p>
      }
    >
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="les délégations">
        {(d) => (
          <>
            <section aria-labelledby="dl-liste" className="fr-mb-6w">
              <h2 id="dl-liste" className="fr-h3">
                Délégations enregistrées
              </h2>
              {d.delegations.length ? (
                <Tableau
                  legende="Délégations du contingent"
                  legendeMasquee
                  colonnes={[
                    { titre: 'Délégataire', valeur: (x: DelegationApi) => x.delegataire.nom, entete: true },
                    { titre: 'Communes', valeur: (x) => x.communes.map((c) => c.nom).join(', ') },
                    { titre: 'Du', valeur: (x) => date(x.debut) },
                    {
                      titre: 'Au',
                      valeur: (x) => (
                        <>
                          {date(x.fin)}
                          {x.finAnticipee ? (
                            <span className="flux-secondaire">
                              fin anticipée (prévue le {date(x.finAnticipee.finInitiale)}) : {x.finAnticipee.motif}
                            </span>
                          ) : null}
                        </>
                      ),
                    },
                    { titre: 'Acte', valeur: (x) => x.acte },
                    {
                      titre: 'Statut',
                      valeur: (x) => (
                        <Badge
                          small
                          noIcon
                          {...(STATUTS[x.statut].severite ? { severity: STATUTS[x.statut].severite } : {})}
                        >
                          {STATUTS[x.statut].libelle}
                        </Badge>
                      ),
                    },
                    ...(d.delegations.some((x) => x.terminable)
                      ? [
                          {
                            titre: 'Action',
                            valeur: (x: DelegationApi) =>
                              x.terminable ? <Terminer delegation={x} aujourdhui={d.aujourdhui} /> : null,
                          },
                        ]
                      : []),
                  ]}
                  lignes={d.delegations}
                  cle={(x) => x.id}
                />
              ) : (
                <p>Aucune délégation enregistrée.</p>
              )}
            </section>
            {d.delegatairesPossibles.length ? <Formulaire d={d} /> : null}
          </>
        )}
      </EtatRequete>
    </Page>
  );
}

/** Ending a delegation before its last day, on the préfet's decision: the day and the decision, confirmed. */
function Terminer({ delegation, aujourdhui }: { delegation: DelegationApi; aujourdhui: string }) {
  const client = useQueryClient();
  const veille = new Date(`${aujourdhui}T12:00:00Z`);
  veille.setUTCDate(veille.getUTCDate() - 1);
  const auPlusTot = [delegation.debut, veille.toISOString().slice(0, 10)].sort()[1]!;
  const [dernierJour, setDernierJour] = useState(aujourdhui < delegation.fin ? aujourdhui : auPlusTot);
  const [motif, setMotif] = useState('');
  const envoi = useMutation({
    mutationFn: () => terminerDelegation(delegation.id, { dernierJour, motif: motif.trim() }),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.delegations(), nouveau);
      void client.invalidateQueries({ queryKey: cles.boite.tout() });
    },
  });
  return (
    <>
      <Confirmation
        libelle="Mettre fin"
        size="small"
        priority="secondary"
        titre={`Mettre fin à la délégation à ${delegation.delegataire.nom} ?`}
        disabled={envoi.isPending}
        consequences={
          <p>
            Après le {dernierJour ? date(dernierJour) : '…'}, {delegation.delegataire.nom} ne proposera plus de
            candidats sur les logements orientés à l’État dans ses communes : ils reviennent dans votre boîte de
            réception. Ce qui a été fait pendant la délégation reste acquis ; la fin est inscrite au journal d’audit.
          </p>
        }
        correction={`Le dernier jour prévu par l’acte (${date(delegation.fin)}) reste affiché à côté de la fin anticipée.`}
        confirmer="Confirmer la fin"
        surConfirmation={() => envoi.mutate()}
      >
        <Input
          label="Fin anticipée : dernier jour"
          hintText={`Du ${date(auPlusTot)} au plus tôt`}
          nativeInputProps={{
            id: `fin-${delegation.id}-jour`,
            type: 'date',
            value: dernierJour,
            min: auPlusTot,
            onChange: (e) => setDernierJour(e.target.value),
          }}
        />
        <Input
          label="Décision du préfet"
          hintText="Sa référence et son motif"
          nativeInputProps={{
            id: `fin-${delegation.id}-motif`,
            value: motif,
            maxLength: 300,
            autoComplete: 'off',
            onChange: (e) => setMotif(e.target.value),
          }}
        />
      </Confirmation>
      <div aria-live="polite">
        {envoi.error ? (
          <p className="fr-error-text">
            Fin non enregistrée :{' '}
            {envoi.error instanceof ErreurApi && envoi.error.problemes.length
              ? envoi.error.problemes.map((p) => p.message).join(' ; ')
              : messageErreur(envoi.error)}
          </p>
        ) : null}
      </div>
    </>
  );
}

function Formulaire({ d }: { d: DelegationsApi }) {
  const client = useQueryClient();
  const [delegataire, setDelegataire] = useState('');
  const [communes, setCommunes] = useState('');
  const [debut, setDebut] = useState(d.aujourdhui);
  const [fin, setFin] = useState('');
  const [acte, setActe] = useState('');
  const [locales, setLocales] = useState<Record<string, string>>({});
  const codes = communes
    .split(/[\s,;]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const envoi = useMutation({
    mutationFn: () => enregistrerDelegation({ delegataire, communes: codes, debut, fin, acte: acte.trim() }),
    onSuccess: (nouveau) => {
      client.setQueryData(cles.delegations(), nouveau);
      void client.invalidateQueries({ queryKey: cles.boite.tout() });
      setCommunes('');
      setFin('');
      setActe('');
    },
  });
  const erreur = envoi.error;
  const { etat } = champsEnErreur(erreur, locales);
  const nom = d.delegatairesPossibles.find((o) => o.id === delegataire)?.nom ?? '';
  const confirmer = () => {
    const manquants: Record<string, string> = {};
    if (!delegataire) manquants.delegataire = 'choisissez la commune ou l’EPCI délégataire';
    if (!codes.length) manquants.communes = 'indiquez au moins un code INSEE de commune';
    if (!debut) manquants.debut = 'indiquez le premier jour de la délégation';
    if (!fin) manquants.fin = 'indiquez le dernier jour de la délégation';
    if (!acte.trim()) manquants.acte = 'indiquez la référence de la convention de délégation';
    setLocales(manquants);
    if (Object.keys(manquants).length) return;
    envoi.mutate();
  };
  return (
    <section aria-labelledby="dl-nouvelle" className="fr-mb-6w">
      <h2 id="dl-nouvelle" className="fr-h3">
        Enregistrer une délégation
      </h2>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <Select
            label="Délégataire"
            hint="Une commune (son maire) ou un EPCI (son président) du département"
            {...etat('delegataire')}
            nativeSelectProps={{
              id: 'delegation-delegataire',
              name: 'delegataire',
              value: delegataire,
              onChange: (e) => setDelegataire(e.target.value),
            }}
          >
            <option value="">Choisir</option>
            {d.delegatairesPossibles.map((o) => (
              <option key={o.id} value={o.id}>
                {o.nom}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Communes déléguées (codes INSEE)"
            hintText="Séparés par des virgules, par exemple 45234"
            {...etat('communes')}
            nativeInputProps={{
              id: 'delegation-communes',
              name: 'communes',
              value: communes,
              onChange: (e) => setCommunes(e.target.value),
              autoComplete: 'off',
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Input
            label="Premier jour"
            {...etat('debut')}
            nativeInputProps={{
              id: 'delegation-debut',
              name: 'debut',
              type: 'date',
              value: debut,
              onChange: (e) => setDebut(e.target.value),
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Input
            label="Dernier jour"
            {...etat('fin')}
            nativeInputProps={{
              id: 'delegation-fin',
              name: 'fin',
              type: 'date',
              value: fin,
              min: debut,
              onChange: (e) => setFin(e.target.value),
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Acte de délégation"
            hintText="Convention de délégation, arrêté du préfet…"
            {...etat('acte')}
            nativeInputProps={{
              id: 'delegation-acte',
              name: 'acte',
              value: acte,
              maxLength: 300,
              onChange: (e) => setActe(e.target.value),
              autoComplete: 'off',
            }}
          />
        </div>
      </div>
      <Confirmation
        libelle="Enregistrer la délégation"
        titre="Enregistrer la délégation du contingent ?"
        iconId="fr-icon-check-line"
        disabled={envoi.isPending}
        consequences={
          <p>
            Du {debut ? date(debut) : '…'} au {fin ? date(fin) : '…'}, {nom || 'le délégataire'} proposera les candidats
            sur les logements orientés à l’État dans {codes.length > 1 ? 'les communes' : 'la commune'}{' '}
            {codes.join(', ') || '…'} ; vous ne pourrez plus proposer sur ces logements, vous les verrez toujours.
            L’enregistrement est inscrit au journal d’audit.
          </p>
        }
        correction="Une délégation enregistrée ne se modifie pas dans Flux : vérifiez les communes, les dates et l’acte."
        confirmer="Confirmer la délégation"
        surConfirmation={confirmer}
      />
      <div aria-live="polite">
        {erreurHorsChamps(erreur) ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Délégation non enregistrée"
            description={messageErreur(erreur)}
          />
        ) : null}
        {envoi.data && !erreur ? (
          <Alert className="fr-mt-2w" severity="success" small description="Délégation enregistrée." />
        ) : null}
      </div>
    </section>
  );
}
