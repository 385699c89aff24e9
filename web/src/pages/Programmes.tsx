/**
 * « Programmes neufs » (issue 14 item 4; ADR 0035, 0047): a bailleur's new programmes — units, first
 * lettings declared — with the rights réservataires negotiated at their financing (Action Logement
 * « au moment du financement », a collectivity for its guarantee or its land). The bailleur enters
 * them, in order, with the financing decision, after a confirmation; the engine gives the
 * programme's first lettings to those rights, counted on the réservataire's line, then the programme
 * joins the flow. A réservataire sees the programmes where it holds rights; the State pilot those of
 * its département.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { enregistrerDroitsProgramme, lireProgrammes, type ProgrammeApi, type ProgrammesApi } from '../api.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { champsEnErreur, erreurHorsChamps, EtatRequete, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { SelectBailleur } from '../composants/SelectBailleur.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { date, nombre } from '../format.ts';
import { useSessionOuverte } from '../session.tsx';

const droitsEnMots = (p: ProgrammeApi): string =>
  p.droits.length
    ? p.droits.map((d) => `${d.nom} : ${nombre(d.logements)} logement${d.logements > 1 ? 's' : ''}`).join(' ; ')
    : 'aucun : les premières mises en location suivent le flux';

export function Programmes() {
  const session = useSessionOuverte();
  const choisit = session.role !== 'agent_bailleur';
  const [parametres, setParametres] = useSearchParams();
  const bailleur = choisit ? parametres.get('bailleur') || undefined : undefined;
  const recherche = parametres.get('recherche') || undefined;
  const [saisie, setSaisie] = useState(recherche ?? '');
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.programmes.liste(bailleur, recherche),
    queryFn: ({ signal }) => lireProgrammes({ bailleur, recherche }, signal),
    placeholderData: keepPreviousData,
    enabled: !choisit || bailleur !== undefined,
    retry: false,
  });
  const [choisi, setChoisi] = useState<string | null>(null);
  const chercher = (e: FormEvent) => {
    e.preventDefault();
    setParametres((p) => {
      const n = new URLSearchParams(p);
      if (saisie.trim()) n.set('recherche', saisie.trim());
      else n.delete('recherche');
      return n;
    });
  };
  return (
    <Page
      titre="Programmes neufs"
      titreDocument={data ? `Programmes neufs — ${data.bailleur.nom}` : 'Programmes neufs'}
      sousTitre={
        <p className="fr-text--lead">
          Les premières mises en location sont dans le flux annuel (CCH R.441-5). Les droits qu’un réservataire a
          négociés au financement d’un programme lui donnent ses premiers logements, comptés sur sa ligne ; le programme
          rejoint ensuite le flux.
        </p>
      }
    >
      <form onSubmit={chercher} className="flux-filtres fr-mb-4w" aria-label="Choix des programmes">
        {choisit ? (
          <SelectBailleur
            id="programmes-bailleur"
            valeur={bailleur ?? ''}
            surChoix={(b) =>
              setParametres((p) => {
                const n = new URLSearchParams(p);
                n.set('bailleur', b);
                return n;
              })
            }
          />
        ) : null}
        <Input
          label="Chercher un programme"
          hintText="Son nom ou sa commune (sinon : les programmes neufs)"
          nativeInputProps={{
            id: 'programmes-recherche',
            type: 'search',
            value: saisie,
            maxLength: 100,
            onChange: (e) => setSaisie(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary">
          Chercher
        </Button>
      </form>
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="les programmes">
        {(d) => (
          <>
            <section aria-labelledby="programmes-liste" className="fr-mb-6w">
              <h2 id="programmes-liste" className="fr-h3">
                {recherche ? `Programmes trouvés pour « ${recherche} »` : 'Programmes neufs et droits négociés'}
              </h2>
              {d.programmes.length ? (
                <>
                  <Tableau
                    legende="Programmes et droits négociés à leur financement"
                    legendeMasquee
                    colonnes={[
                      {
                        titre: 'Programme',
                        valeur: (p: ProgrammeApi) => (
                          <>
                            {p.nom}
                            {p.nom.includes(p.commune) ? null : <span className="flux-secondaire">{p.commune}</span>}
                          </>
                        ),
                        entete: true,
                      },
                      {
                        titre: 'Logements (premières locations)',
                        valeur: (p) => `${nombre(p.logements)} (${nombre(p.premieresLocations)})`,
                        nombre: true,
                      },
                      {
                        titre: 'Droits en vigueur, dans l’ordre',
                        valeur: (p) => (
                          <div className="flux-motif">
                            {droitsEnMots(p)}
                            {p.financement ? (
                              <span className="flux-secondaire">
                                {p.financement.decision} du {date(p.financement.date)}
                                {p.livraisonPrevue ? ` ; livraison prévue le ${date(p.livraisonPrevue)}` : ''}
                              </span>
                            ) : null}
                          </div>
                        ),
                      },
                      ...(d.modifiable
                        ? [
                            {
                              titre: 'Action',
                              valeur: (p: ProgrammeApi) => (
                                <Button
                                  size="small"
                                  priority="secondary"
                                  onClick={() => setChoisi(p.id)}
                                  title={`Saisir les droits du programme ${p.nom}`}
                                >
                                  Saisir les droits
                                </Button>
                              ),
                            },
                          ]
                        : []),
                    ]}
                    lignes={d.programmes}
                    cle={(p) => p.id}
                  />
                  {d.tronque ? (
                    <p className="fr-text--sm fr-mt-1w">
                      Seuls les {nombre(d.programmes.length)} premiers sont listés : précisez la recherche.
                    </p>
                  ) : null}
                </>
              ) : (
                <Vide>
                  {recherche
                    ? 'Aucun programme ne correspond à cette recherche.'
                    : choisit
                      ? 'Aucun programme neuf de ce bailleur ne vous concerne.'
                      : 'Aucun programme neuf : aucune première mise en location déclarée ni droit saisi. Cherchez un programme par son nom pour saisir ses droits.'}
                </Vide>
              )}
            </section>
            {d.modifiable && choisi ? (
              <FormulaireDroits
                key={choisi}
                d={d}
                programme={d.programmes.find((p) => p.id === choisi)!}
                fermer={() => setChoisi(null)}
              />
            ) : null}
          </>
        )}
      </EtatRequete>
    </Page>
  );
}

interface LigneDroit {
  reservataire: string;
  logements: string;
}

function FormulaireDroits({ d, programme, fermer }: { d: ProgrammesApi; programme: ProgrammeApi; fermer: () => void }) {
  const client = useQueryClient();
  const [decision, setDecision] = useState(programme.financement?.decision ?? '');
  const [dateFinancement, setDateFinancement] = useState(programme.financement?.date ?? '');
  const [livraison, setLivraison] = useState(programme.livraisonPrevue ?? '');
  const [droits, setDroits] = useState<LigneDroit[]>(
    programme.droits.length
      ? programme.droits.map((x) => ({ reservataire: x.reservataire, logements: String(x.logements) }))
      : [{ reservataire: '', logements: '' }],
  );
  const [locales, setLocales] = useState<Record<string, string>>({});
  const titre = useRef<HTMLHeadingElement>(null);
  // The form opens below the list: the officer is taken to it (and a screen reader told where it is).
  useEffect(() => {
    titre.current?.scrollIntoView({ block: 'start' });
    titre.current?.focus();
  }, []);
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerDroitsProgramme(programme.id, {
        decisionFinancement: decision.trim(),
        dateFinancement,
        livraisonPrevue: livraison || null,
        droits: droits
          .filter((x) => x.reservataire || x.logements)
          .map((x) => ({ reservataire: x.reservataire, logements: Number(x.logements) })),
        versionAttendue: programme.version,
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: cles.programmes.tout() }),
  });
  const erreur = envoi.error;
  const { message, etat } = champsEnErreur(erreur, locales);
  const remplies = droits.filter((x) => x.reservataire || x.logements);
  const nomDe = new Map(d.reservataires.map((r) => [r.id, r.nom]));
  const confirmer = () => {
    const manquants: Record<string, string> = {};
    if (decision.trim().length < 3)
      manquants.decisionFinancement = 'indiquez la référence de la décision de financement';
    if (!dateFinancement) manquants.dateFinancement = 'indiquez la date de la décision de financement';
    droits.forEach((x, i) => {
      if (!x.reservataire && !x.logements) return;
      if (!x.reservataire) manquants[`droits[${i}].reservataire`] = 'choisissez le réservataire';
      if (!(Number(x.logements) >= 1))
        manquants[`droits[${i}].logements`] = 'un nombre entier de logements, 1 au moins';
    });
    setLocales(manquants);
    if (Object.keys(manquants).length) return;
    envoi.mutate();
  };
  const changer = (i: number, champ: keyof LigneDroit, v: string) =>
    setDroits(droits.map((x, k) => (k === i ? { ...x, [champ]: v } : x)));
  return (
    <section id="programme-saisie" aria-labelledby="programme-saisie-titre" className="fr-mb-6w">
      <h2 id="programme-saisie-titre" className="fr-h3" tabIndex={-1} ref={titre}>
        Droits négociés au financement — {programme.nom}
      </h2>
      <p>
        {nombre(programme.logements)} logements, {nombre(programme.premieresLocations)} première
        {programme.premieresLocations > 1 ? 's' : ''} mise{programme.premieresLocations > 1 ? 's' : ''} en location
        déclarée{programme.premieresLocations > 1 ? 's' : ''}.{' '}
        {programme.saisi
          ? `Version ${programme.version} saisie par ${programme.saisi.par} le ${date(programme.saisi.le.slice(0, 10))}.`
          : 'Aucun droit saisi.'}
      </p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Décision de financement"
            hintText="Sa référence : convention de financement, délibération, numéro de décision"
            {...etat('decisionFinancement')}
            nativeInputProps={{
              id: 'programme-decision',
              value: decision,
              maxLength: 300,
              autoComplete: 'off',
              onChange: (e) => setDecision(e.target.value),
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Input
            label="Livraison prévue"
            hintText="Comptée par la prévision de son année"
            {...etat('livraisonPrevue')}
            nativeInputProps={{
              id: 'programme-livraison',
              type: 'date',
              value: livraison,
              onChange: (e) => setLivraison(e.target.value),
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Input
            label="Date de la décision"
            {...etat('dateFinancement')}
            nativeInputProps={{
              id: 'programme-date',
              type: 'date',
              value: dateFinancement,
              onChange: (e) => setDateFinancement(e.target.value),
            }}
          />
        </div>
      </div>
      <fieldset className="fr-fieldset" aria-describedby="programme-droits-aide">
        <legend className="fr-fieldset__legend">Droits, dans l’ordre où ils sont servis</legend>
        <p id="programme-droits-aide" className="fr-hint-text fr-mb-2w">
          Les premières mises en location vont au premier droit tant qu’il en reste, puis au suivant. Seuls les
          réservataires ayant une convention avec vous peuvent tenir un droit.
        </p>
        {droits.map((x, i) => (
          <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom" key={i}>
            <div className="fr-col-12 fr-col-md-6">
              <Select
                label={`Réservataire du droit n° ${i + 1}`}
                {...etat(`droits[${i}].reservataire`)}
                nativeSelectProps={{
                  id: `programme-droit-${i}-reservataire`,
                  value: x.reservataire,
                  onChange: (e) => changer(i, 'reservataire', e.target.value),
                }}
              >
                <option value="">Choisir</option>
                {d.reservataires.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.nom}
                  </option>
                ))}
              </Select>
            </div>
            <div className="fr-col-8 fr-col-md-3">
              <Input
                label={`Logements du droit n° ${i + 1}`}
                {...etat(`droits[${i}].logements`)}
                nativeInputProps={{
                  id: `programme-droit-${i}-logements`,
                  type: 'number',
                  min: 1,
                  step: 1,
                  inputMode: 'numeric',
                  value: x.logements,
                  onChange: (e) => changer(i, 'logements', e.target.value),
                }}
              />
            </div>
            <div className="fr-col-4 fr-col-md-3 fr-mb-3w">
              <Button
                type="button"
                priority="tertiary"
                size="small"
                iconId="fr-icon-delete-line"
                onClick={() => setDroits(droits.filter((_, k) => k !== i))}
                title={`Retirer le droit n° ${i + 1}`}
              >
                Retirer
              </Button>
            </div>
          </div>
        ))}
        <Button
          type="button"
          priority="secondary"
          size="small"
          iconId="fr-icon-add-line"
          onClick={() => setDroits([...droits, { reservataire: '', logements: '' }])}
        >
          Ajouter un droit
        </Button>
      </fieldset>
      {message('droits') ? (
        <p className="fr-error-text" id="programme-droits-erreur">
          {message('droits')}
        </p>
      ) : null}
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
        <li>
          <Confirmation
            libelle="Enregistrer les droits"
            titre="Enregistrer les droits de ce programme ?"
            iconId="fr-icon-check-line"
            disabled={envoi.isPending}
            consequences={
              <p>
                {remplies.length
                  ? `Les premières mises en location de « ${programme.nom} » iront, dans l’ordre, à ${remplies
                      .map((x) => `${nomDe.get(x.reservataire) ?? '…'} (${x.logements || '…'})`)
                      .join(', ')}, comptées sur leur ligne ; les orientations déjà confirmées ne changent pas.`
                  : `Aucun droit : les premières mises en location de « ${programme.nom} » suivront le flux.`}{' '}
                La saisie est une nouvelle version, inscrite au journal d’audit.
              </p>
            }
            correction="Pour corriger, saisissez une nouvelle version : la précédente reste dans l’historique."
            confirmer="Confirmer les droits"
            surConfirmation={confirmer}
          />
        </li>
        <li>
          <Button type="button" priority="tertiary" onClick={fermer}>
            Fermer
          </Button>
        </li>
      </ul>
      <div aria-live="polite">
        {erreurHorsChamps(erreur) ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Droits non enregistrés"
            description={messageErreur(erreur)}
          />
        ) : null}
        {envoi.data && !erreur ? (
          <Alert
            className="fr-mt-2w"
            severity="success"
            small
            description={`Droits enregistrés (version ${envoi.data.version}).`}
          />
        ) : null}
      </div>
    </section>
  );
}
