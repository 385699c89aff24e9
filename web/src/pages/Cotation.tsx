/**
 * « Grille de cotation » (the EPCI's officers; issue 17, ADR 0039): the grid in force in plain
 * French, the draft to edit, its trial on the current demands against the grid in force (the notes'
 * distribution as a chart beside its table, who moves up or down by priority category and quartile,
 * the XLSX export), and the adoption — confirmed, since an adopted version is never changed again.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  adopterBrouillon,
  ADRESSE_ESSAI_XLSX,
  enregistrerBrouillon,
  lireEssai,
  lireGrillesEpci,
  type BrouillonApi,
  type CritereApi,
  type EssaiApi,
  type GrillesEpciApi,
} from '../api.ts';
import { CATEGORIES_COTATION } from '../../../src/contracts/cotation.ts';
import { cles } from '../cles.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { EtatRequete, messageErreur, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau } from '../composants/Tableau.tsx';
import { aujourdhuiParis, date, de, decimal, nombre, pluriel } from '../format.ts';

export function Cotation() {
  const requete = useQuery({ queryKey: cles.cotation.epci(), queryFn: ({ signal }) => lireGrillesEpci(signal) });
  return (
    <Page titre="Grille de cotation" titreDocument="Grille de cotation">
      <EtatRequete requete={requete} quoi="la grille de cotation">
        {(d) => <Contenu donnees={d} />}
      </EtatRequete>
    </Page>
  );
}

function Contenu({ donnees: d }: { donnees: GrillesEpciApi }) {
  const [adoptee, setAdoptee] = useState<number | null>(null);
  return (
    <>
      {adoptee !== null ? (
        <Alert
          severity="success"
          small
          role="status"
          className="fr-mb-3w"
          description={`Adoption enregistrée : la version ${adoptee} est publiée et s’applique à partir de sa date d’entrée en vigueur.`}
        />
      ) : null}
      <p className="fr-text--lead">
        La grille de cotation {de(d.epci.nom)} : elle note chaque demande pour aider la commission d’attribution, qui
        reste libre de sa décision. La grille en vigueur est publiée sur la{' '}
        <Link to={`/cotation/${d.epci.siren}`}>page publique des grilles de cotation</Link>.
      </p>
      <section aria-labelledby="cotation-vigueur" className="fr-mb-6w">
        <h2 id="cotation-vigueur" className="fr-h4">
          Grille en vigueur
        </h2>
        {d.enVigueur ? (
          <>
            <ol className="flux-enonce">
              {d.enVigueur.enonce.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ol>
            {d.enVigueur.enregistreePar ? (
              <p className="fr-text--sm">Adoption enregistrée dans Flux par {d.enVigueur.enregistreePar}.</p>
            ) : null}
          </>
        ) : (
          <Vide>
            Aucune grille n’est encore en vigueur : préparez un projet, essayez-le, puis enregistrez son adoption.
          </Vide>
        )}
      </section>
      <Editeur donnees={d} />
      {d.brouillon ? <Essai demandes={d.demandes} /> : null}
      {d.brouillon ? <Adoption donnees={d} surAdoption={setAdoptee} /> : null}
      {d.historique.length ? (
        <section aria-labelledby="cotation-historique" className="fr-mt-6w">
          <h2 id="cotation-historique" className="fr-h4">
            Autres versions adoptées
          </h2>
          <ul>
            {d.historique.map((g) => (
              <li key={g.version}>
                Version {g.version} : {g.adoption?.acte}, en vigueur à partir du{' '}
                {g.enVigueurDu ? date(g.enVigueurDu) : '—'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

const TYPES: Record<CritereApi['type'], string> = {
  anciennete: 'Ancienneté de la demande',
  categorie: 'Catégorie prioritaire',
  situation: 'Situation du ménage',
  ressources: 'Ressources par unité de consommation',
  adequation: 'Taille du ménage adaptée au logement demandé',
  lienLocal: 'Lien avec le territoire',
};

function nouveau(type: CritereApi['type']): CritereApi {
  switch (type) {
    case 'anciennete':
      return { type, pointsParMois: 1, plafond: 60 };
    case 'categorie':
      return { type, categorie: 'dalo', libelle: CATEGORIES_COTATION.dalo, points: 50 };
    case 'situation':
      return { type, situation: 'sans_logement', libelle: 'Sans logement', points: 20 };
    case 'ressources':
      return { type, plafondParUc: 10_000, points: 20 };
    default:
      return { type, points: 10 };
  }
}

function Editeur({ donnees: d }: { donnees: GrillesEpciApi }) {
  const depart = d.brouillon ?? d.enVigueur;
  const [b, setB] = useState<BrouillonApi>(
    depart
      ? { criteres: depart.criteres, refusAdapte: depart.refusAdapte, mutationsInternes: depart.mutationsInternes }
      : {
          criteres: [nouveau('anciennete')],
          refusAdapte: { points: 0, dureeMois: 12 },
          mutationsInternes: { points: 0 },
        },
  );
  const [ajout, setAjout] = useState<CritereApi['type']>('categorie');
  const client = useQueryClient();
  const enregistrer = useMutation({
    mutationFn: () => enregistrerBrouillon(b),
    onSuccess: async (r) => {
      client.setQueryData(cles.cotation.epci(), r);
      await client.invalidateQueries({ queryKey: cles.cotation.essai() });
    },
  });
  const changer = (i: number, c: CritereApi) => setB({ ...b, criteres: b.criteres.map((x, j) => (j === i ? c : x)) });
  const nombreChamp = (label: string, valeur: number, surChange: (n: number) => void, id: string) => (
    <Input
      label={label}
      className="fr-mb-1w"
      nativeInputProps={{
        id,
        type: 'number',
        inputMode: 'numeric',
        value: Number.isFinite(valeur) ? valeur : '',
        onChange: (e) => surChange(Number(e.target.value)),
      }}
    />
  );
  return (
    <section aria-labelledby="cotation-projet" className="fr-mb-6w">
      <h2 id="cotation-projet" className="fr-h4">
        {d.brouillon ? 'Projet de grille' : 'Préparer un projet de grille'}
      </h2>
      <p className="fr-text--sm">
        {d.brouillon
          ? `Projet enregistré le ${date(d.brouillon.majLe.slice(0, 10))}. Il ne s’applique à aucune demande tant que son adoption n’est pas enregistrée.`
          : d.enVigueur
            ? 'Le projet part de la grille en vigueur : modifiez-la, enregistrez-la, puis essayez-la.'
            : 'Ajoutez les critères de votre plan partenarial et leurs points.'}{' '}
        Les fichiers de demandes importés ne portent ni la situation du ménage, ni le lien avec le territoire, ni les
        refus : ces critères ne donnent pas encore de points dans Flux.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          enregistrer.mutate();
        }}
        aria-label="Projet de grille de cotation"
      >
        {b.criteres.map((c, i) => (
          <fieldset key={i} className="fr-fieldset flux-critere" aria-label={`Critère ${i + 1} : ${TYPES[c.type]}`}>
            <legend className="fr-fieldset__legend fr-text--md">
              {i + 1}. {TYPES[c.type]}
              {c.type === 'categorie' || c.type === 'situation' ? ` — ${c.libelle}` : ''}
            </legend>
            <div className="fr-fieldset__element">
              {c.type === 'anciennete' ? (
                <>
                  {nombreChamp(
                    'Points par mois',
                    c.pointsParMois,
                    (n) => changer(i, { ...c, pointsParMois: n }),
                    `c${i}-ppm`,
                  )}
                  {nombreChamp('Plafond (points)', c.plafond, (n) => changer(i, { ...c, plafond: n }), `c${i}-plafond`)}
                </>
              ) : c.type === 'ressources' ? (
                <>
                  {nombreChamp(
                    'Ressources annuelles par unité de consommation inférieures à (€)',
                    c.plafondParUc,
                    (n) => changer(i, { ...c, plafondParUc: n }),
                    `c${i}-uc`,
                  )}
                  {nombreChamp('Points', c.points, (n) => changer(i, { ...c, points: n }), `c${i}-points`)}
                </>
              ) : c.type === 'categorie' ? (
                <>
                  <Select
                    label="Catégorie"
                    nativeSelectProps={{
                      id: `c${i}-cat`,
                      value: c.categorie,
                      onChange: (e) => {
                        const k = e.target.value as keyof typeof CATEGORIES_COTATION;
                        changer(i, { ...c, categorie: k, libelle: CATEGORIES_COTATION[k] });
                      },
                    }}
                  >
                    {Object.entries(CATEGORIES_COTATION).map(([k, l]) => (
                      <option key={k} value={k}>
                        {l}
                      </option>
                    ))}
                  </Select>
                  {nombreChamp('Points', c.points, (n) => changer(i, { ...c, points: n }), `c${i}-points`)}
                </>
              ) : (
                nombreChamp('Points', c.points, (n) => changer(i, { ...c, points: n }), `c${i}-points`)
              )}
              <Button
                type="button"
                priority="tertiary"
                size="small"
                iconId="fr-icon-delete-line"
                onClick={() => setB({ ...b, criteres: b.criteres.filter((_, j) => j !== i) })}
              >
                Retirer ce critère
              </Button>
            </div>
          </fieldset>
        ))}
        <div className="flux-ajout-critere fr-mb-3w">
          <Select
            label="Critère à ajouter"
            nativeSelectProps={{
              id: 'cotation-ajout',
              value: ajout,
              onChange: (e) => setAjout(e.target.value as CritereApi['type']),
            }}
          >
            {Object.entries(TYPES).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </Select>
          <Button
            type="button"
            priority="secondary"
            iconId="fr-icon-add-line"
            onClick={() => setB({ ...b, criteres: [...b.criteres, nouveau(ajout)] })}
          >
            Ajouter ce critère
          </Button>
        </div>
        <fieldset className="fr-fieldset" aria-label="Refus et mutations">
          <legend className="fr-fieldset__legend fr-text--md">Refus d’un logement adapté et mutations internes</legend>
          <div className="fr-fieldset__element">
            {nombreChamp(
              'Points retirés par refus d’un logement adapté',
              b.refusAdapte.points,
              (n) => setB({ ...b, refusAdapte: { ...b.refusAdapte, points: n } }),
              'refus-points',
            )}
            {nombreChamp(
              'Pendant (mois)',
              b.refusAdapte.dureeMois,
              (n) => setB({ ...b, refusAdapte: { ...b.refusAdapte, dureeMois: n } }),
              'refus-mois',
            )}
            {nombreChamp(
              'Points en plus pour une mutation interne (0 : cotée comme les autres)',
              b.mutationsInternes.points,
              (n) => setB({ ...b, mutationsInternes: { points: n } }),
              'mutations-points',
            )}
          </div>
        </fieldset>
        <Button type="submit" disabled={enregistrer.isPending} iconId="fr-icon-save-line">
          {enregistrer.isPending ? 'Enregistrement…' : 'Enregistrer le projet'}
        </Button>
        {enregistrer.isError ? (
          <Alert
            severity="error"
            small
            role="alert"
            className="fr-mt-2w"
            description={messageErreur(enregistrer.error)}
          />
        ) : null}
        {enregistrer.isSuccess ? (
          <p role="status" className="fr-mt-2w fr-text--sm">
            Projet enregistré. Son essai ci-dessous est à jour.
          </p>
        ) : null}
      </form>
    </section>
  );
}

function Essai({ demandes }: { demandes: number }) {
  const requete = useQuery({ queryKey: cles.cotation.essai(), queryFn: ({ signal }) => lireEssai(signal) });
  return (
    <section aria-labelledby="cotation-essai" className="fr-mb-6w">
      <h2 id="cotation-essai" className="fr-h4">
        Essai du projet sur les demandes actuelles
      </h2>
      <p className="fr-text--sm">
        Le projet et la grille en vigueur notent les {pluriel(demandes, 'demande', 'demandes')} enregistrées dans Flux
        qui souhaitent une commune de l’EPCI. Rien n’est appliqué : l’essai montre qui monterait ou descendrait.
      </p>
      <EtatRequete requete={requete} quoi="l’essai du projet">
        {(e) => <ResultatEssai essai={e} />}
      </EtatRequete>
    </section>
  );
}

function ResultatEssai({ essai: e }: { essai: EssaiApi }) {
  if (e.demandes === 0) return <Vide>Aucune demande enregistrée ne souhaite une commune de l’EPCI.</Vide>;
  const comparee = e.versionEnVigueur === null ? 'sans grille' : `grille en vigueur (v${e.versionEnVigueur})`;
  const max = Math.max(1, ...e.distribution.flatMap((t) => [t.enVigueur, t.brouillon]));
  const largeur = 640;
  const pas = 26;
  const marge = 70;
  const hauteur = e.distribution.length * pas + 30;
  return (
    <>
      <p>
        <a className="fr-link fr-link--download" href={ADRESSE_ESSAI_XLSX} download>
          Télécharger l’essai
          <span className="fr-link__detail">XLSX – distribution, groupes, mouvements, projet</span>
        </a>
      </p>
      <h3 className="fr-h5">Distribution des notes</h3>
      <div className="flux-graphique-tableau">
        <svg
          role="img"
          aria-label={`Nombre de demandes par tranche de notes, ${comparee} et projet`}
          viewBox={`0 0 ${largeur} ${hauteur}`}
          className="flux-graphique"
          style={{ maxWidth: '100%', height: 'auto' }}
        >
          <rect x={marge} y={4} width={12} height={10} fill="#7f7f7f" />
          <text x={marge + 18} y={13} fontSize="12">
            {comparee}
          </text>
          <rect x={marge + 220} y={4} width={12} height={10} fill="#000091" />
          <text x={marge + 238} y={13} fontSize="12">
            projet
          </text>
          {e.distribution.map((t, i) => {
            const y = 24 + i * pas;
            const l = (n: number) => (n / max) * (largeur - marge - 60);
            return (
              <g key={t.tranche}>
                <text x={marge - 6} y={y + 14} fontSize="12" textAnchor="end">
                  {t.tranche}
                </text>
                <rect x={marge} y={y} width={l(t.enVigueur)} height={10} fill="#7f7f7f" />
                <rect x={marge} y={y + 11} width={l(t.brouillon)} height={10} fill="#000091" />
                <text x={marge + l(Math.max(t.enVigueur, t.brouillon)) + 4} y={y + 16} fontSize="11">
                  {nombre(t.enVigueur)} → {nombre(t.brouillon)}
                </text>
              </g>
            );
          })}
        </svg>
        <Tableau<EssaiApi['distribution'][number]>
          legende="Distribution des notes (données du graphique)"
          cle={(t) => t.tranche}
          compact
          colonnes={[
            { titre: 'Notes', valeur: (t) => t.tranche, entete: true },
            { titre: `Demandes, ${comparee}`, valeur: (t) => nombre(t.enVigueur), nombre: true },
            { titre: 'Demandes, projet', valeur: (t) => nombre(t.brouillon), nombre: true },
          ]}
          lignes={e.distribution}
        />
      </div>
      <Tableau<EssaiApi['groupes'][number]>
        legende="Qui monte, qui descend : par catégorie prioritaire et par quartile de ressources"
        description={
          e.seuilQuartile === null
            ? 'Aucun seuil du premier quartile n’est enregistré pour l’EPCI cette année : le quartile est inconnu.'
            : `Premier quartile : ressources par unité de consommation sous ${nombre(e.seuilQuartile)} €.`
        }
        cle={(g) => g.groupe}
        compact
        colonnes={[
          { titre: 'Groupe', valeur: (g) => g.groupe.replace(/^./, (x) => x.toUpperCase()), entete: true },
          { titre: 'Demandes', valeur: (g) => nombre(g.demandes), nombre: true },
          { titre: 'Montent', valeur: (g) => nombre(g.montent), nombre: true },
          { titre: 'Descendent', valeur: (g) => nombre(g.descendent), nombre: true },
          { titre: 'Places gagnées en moyenne', valeur: (g) => decimal(g.rangMoyen), nombre: true },
        ]}
        lignes={e.groupes}
      />
      {e.mouvements.length ? (
        <Tableau<EssaiApi['mouvements'][number]>
          legende="Les demandes qui bougent le plus (profil, sans numéro : les demandes sont celles des réservataires)"
          cle={(m, i) => `${i}`}
          compact
          colonnes={[
            { titre: 'Demande', valeur: (m) => m.profil, entete: true },
            { titre: 'Note actuelle', valeur: (m) => decimal(m.noteEnVigueur), nombre: true },
            { titre: 'Note du projet', valeur: (m) => decimal(m.noteBrouillon), nombre: true },
            { titre: 'Rang actuel', valeur: (m) => nombre(m.rangEnVigueur), nombre: true },
            { titre: 'Rang du projet', valeur: (m) => nombre(m.rangBrouillon), nombre: true },
          ]}
          lignes={e.mouvements}
        />
      ) : (
        <p>Aucune demande ne change de rang.</p>
      )}
    </>
  );
}

function Adoption({ donnees: d, surAdoption }: { donnees: GrillesEpciApi; surAdoption: (v: number) => void }) {
  const [acte, setActe] = useState('');
  const [par, setPar] = useState('le conseil communautaire');
  const [le, setLe] = useState(aujourdhuiParis());
  const [du, setDu] = useState(aujourdhuiParis());
  const client = useQueryClient();
  const adopter = useMutation({
    mutationFn: () => adopterBrouillon({ acte, par, le, enVigueurDu: du }),
    onSuccess: async (r) => {
      surAdoption(version);
      client.setQueryData(cles.cotation.epci(), r);
      await client.invalidateQueries({ queryKey: cles.cotation.tout() });
    },
  });
  const version = Math.max(0, d.enVigueur?.version ?? 0, ...d.historique.map((g) => g.version ?? 0)) + 1;
  return (
    <section aria-labelledby="cotation-adoption" className="fr-mb-6w">
      <h2 id="cotation-adoption" className="fr-h4">
        Enregistrer l’adoption du projet
      </h2>
      <p className="fr-text--sm">
        Une fois le projet adopté par votre instance, enregistrez l’acte : le projet devient la version {version},
        publiée et appliquée aux demandes à partir de sa date d’entrée en vigueur.
      </p>
      <Input
        label="Acte d’adoption"
        hintText="Par exemple « délibération n° 2026-45 du 12 mars 2026 »"
        nativeInputProps={{ id: 'adoption-acte', value: acte, onChange: (e) => setActe(e.target.value) }}
      />
      <Input
        label="Adoptée par"
        nativeInputProps={{ id: 'adoption-par', value: par, onChange: (e) => setPar(e.target.value) }}
      />
      <Input
        label="Date d’adoption"
        nativeInputProps={{ id: 'adoption-le', type: 'date', value: le, onChange: (e) => setLe(e.target.value) }}
      />
      <Input
        label="En vigueur à partir du"
        nativeInputProps={{ id: 'adoption-du', type: 'date', value: du, onChange: (e) => setDu(e.target.value) }}
      />
      <Confirmation
        libelle="Enregistrer l’adoption"
        titre={`Enregistrer l’adoption de la version ${version} ?`}
        consequences={
          <p>
            La grille devient la version {version} {de(d.epci.nom)}, en vigueur à partir du {du ? date(du) : '—'} : elle
            note les demandes à partir de cette date et remplace la version en vigueur sur la page publique.
          </p>
        }
        correction="Une version adoptée n’est plus modifiée : pour la changer, préparez un nouveau projet et enregistrez son adoption."
        confirmer="Enregistrer l’adoption"
        disabled={adopter.isPending || acte.trim().length < 3}
        surConfirmation={() => adopter.mutate()}
      />
      {adopter.isError ? (
        <Alert severity="error" small role="alert" className="fr-mt-2w" description={messageErreur(adopter.error)} />
      ) : null}
    </section>
  );
}
