/**
 * « Tableau de bord » (issue 7 item 4, GET /api/tableau): each party's continuous view of the
 * year, made of the engine's figures — the ledger of each line month by month (entitlement vs
 * counted units, a line chart and its table), the mix of units received against the mix vacated,
 * the objectives with their trend and warnings, and the deadlines missed. The State pilot first
 * sees the use of the State's contingent in its département; a réservataire its line with every
 * bailleur and their sum; an EPCI reader the lettings of its territory.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { lireTableau, type LigneTableauApi, type TableauApi } from '../api.ts';
import { BarresEmpilees, BarresSimples } from '../composants/Barres.tsx';
import { ChiffreCle, ChiffresCles } from '../composants/ChiffreCle.tsx';
import { Courbes, MOIS_COURTS } from '../composants/Courbes.tsx';
import { EtatRequete, Vide } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Tableau as TableDonnees, type Colonne } from '../composants/Tableau.tsx';
import { SelectAnnee } from '../composants/SelectAnnee.tsx';
import { dateEnLettres, de, decimal, nombre, signe, taux } from '../format.ts';
import { cles } from '../cles.ts';

type Suivi = TableauApi['objectifs']['parLigne'][number]['prioritaires'];
const TENDANCES: Record<
  Suivi['tendance'],
  { libelle: string; severite: 'success' | 'error' | 'info' | 'warning' | 'new' }
> = {
  atteint: { libelle: 'Atteint', severite: 'success' },
  non_atteint: { libelle: 'Non atteint', severite: 'error' },
  en_bonne_voie: { libelle: 'En bonne voie', severite: 'success' },
  en_retard: { libelle: 'En retard', severite: 'warning' },
  hors_d_atteinte: { libelle: 'Hors d’atteinte', severite: 'error' },
  sans_donnees: { libelle: 'Sans données', severite: 'info' },
};

/** Months to come are not drawn (their points repeat the last known figures). */
const jusquA = (valeurs: number[], moisCourant: number | null) =>
  valeurs.map((v, m) => (moisCourant !== null && m + 1 > moisCourant ? null : v));

const colonnesMois = <T,>(valeur: (l: T, m: number) => string, moisCourant: number | null): Colonne<T>[] =>
  MOIS_COURTS.map((m, i) => ({
    titre: moisCourant !== null && i + 1 > moisCourant ? `${m} (à venir)` : m,
    valeur: (l: T) => valeur(l, i),
    nombre: true,
  }));

export function Tableau() {
  const [parametres, setParametres] = useSearchParams();
  const anneeCourante = new Date().getFullYear();
  const annee = Number(parametres.get('annee')) || anneeCourante;
  const [choix, setChoix] = useState(String(annee));
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.tableau(annee),
    queryFn: ({ signal }) => lireTableau(annee, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const afficher = (e: FormEvent) => {
    e.preventDefault();
    setParametres({ annee: choix });
  };
  return (
    <Page titre="Tableau de bord" titreDocument={`Tableau de bord ${annee}`}>
      <p className="fr-text--lead">
        Le suivi en continu de l’année, avec les chiffres du moteur de Flux : le droit et les logements décomptés de
        chaque ligne mois par mois, les logements reçus comparés au flux libéré, les objectifs d’attribution et leur
        tendance, les délais manqués.
      </p>
      <form onSubmit={afficher} className="flux-filtres fr-mb-4w" aria-label="Choisir l’année du tableau de bord">
        <SelectAnnee
          id="tableau-annee"
          label="Année"
          annees={[anneeCourante, anneeCourante - 1, anneeCourante - 2]}
          valeur={choix}
          surChoix={setChoix}
        />
        <Button type="submit" priority="secondary">
          Afficher
        </Button>
      </form>
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="le tableau de bord">
        {(data) => <Contenu t={data} />}
      </EtatRequete>
    </Page>
  );
}

function Contenu({ t }: { t: TableauApi }) {
  return (
    <>
      <p>
        {`Année ${t.annee}${t.moisCourant !== null ? `, au ${dateEnLettres(t.aujourdhui)}` : ''}. ${t.perimetre}.`}
        {t.moisCourant !== null ? ' Les mois à venir ne sont pas tracés.' : null}
      </p>
      {t.contingentEtat ? <ContingentEtat c={t.contingentEtat} moisCourant={t.moisCourant} /> : null}
      {t.total ? (
        <section aria-labelledby="tableau-total" className="fr-mb-6w">
          <h2 id="tableau-total" className="fr-h3">
            Toutes vos conventions
          </h2>
          <UneLigne l={t.total} id="total" moisCourant={t.moisCourant} />
        </section>
      ) : null}
      {t.territoire ? <Territoire ter={t.territoire} moisCourant={t.moisCourant} /> : null}
      {t.bailleurs.length === 0 && !t.territoire ? (
        <Vide>Aucune convention dans votre périmètre pour cette année.</Vide>
      ) : null}
      {t.bailleurs.map((b) => (
        <UnBailleur key={`${b.bailleurId}-${b.departement}`} b={b} moisCourant={t.moisCourant} role={t.role} />
      ))}
      <Objectifs o={t.objectifs} />
      <Delais d={t.delais} moisCourant={t.moisCourant} />
    </>
  );
}

function ContingentEtat({
  c,
  moisCourant,
}: {
  c: NonNullable<TableauApi['contingentEtat']>;
  moisCourant: number | null;
}) {
  const bas = c.taux !== null && c.taux < 0.5;
  return (
    <div className="fr-mb-6w">
      <ChiffresCles titre="Usage du contingent préfectoral">
        <ChiffreCle
          libelle="Part du contingent utilisée"
          valeur={c.taux === null ? '—' : taux(c.taux)}
          detail="logements décomptés ÷ droit de l’État"
        />
        <ChiffreCle
          libelle="Logements décomptés"
          valeur={nombre(c.decomptes)}
          detail="sur les lignes de l’État, tous bailleurs"
        />
        <ChiffreCle libelle="Droit de l’État" valeur={decimal(c.droit)} detail="report compris, au prorata du flux" />
        <ChiffreCle libelle="Écart" valeur={signe(c.decomptes - c.droit)} detail="décomptés − droit" />
      </ChiffresCles>
      <Alert
        severity={bas ? 'warning' : 'info'}
        small
        description={`${bas ? 'Moins de la moitié du contingent est utilisée. ' : ''}${c.explication}`}
        className="fr-mb-3w"
      />
      <TableDonnees
        id="tableau-contingent-bailleurs"
        legende="Usage du contingent préfectoral par bailleur"
        colonnes={[
          { titre: 'Bailleur', valeur: (b) => b.bailleur, entete: true },
          { titre: 'Droit de l’État', valeur: (b) => decimal(b.droit), nombre: true },
          { titre: 'Décomptés', valeur: (b) => nombre(b.decomptes), nombre: true },
          { titre: 'Part utilisée', valeur: (b) => (b.taux === null ? '—' : taux(b.taux)), nombre: true },
        ]}
        lignes={c.parBailleur}
        cle={(b) => b.bailleurId}
        bordure
      />
      <UneLigne l={c.ligne} id="contingent" moisCourant={moisCourant} />
    </div>
  );
}

/** The ledger of one line over the months: chart, then the same figures in a table. */
function UneLigne({
  l,
  id,
  moisCourant,
  contexte,
}: {
  l: LigneTableauApi;
  id: string;
  moisCourant: number | null;
  contexte?: string;
}) {
  const suffixe = contexte ? ` — ${contexte}` : '';
  const lignes = [
    { id: 'droit', libelle: 'Droit (cumul)', valeurs: l.points.map((p) => p.droit), format: decimal },
    {
      id: 'decomptes',
      libelle: 'Logements décomptés (cumul)',
      valeurs: l.points.map((p) => p.decomptes),
      format: nombre,
    },
    {
      id: 'ecart',
      libelle: 'Écart (décomptés − droit)',
      valeurs: l.points.map((p) => p.decomptes - p.droit),
      format: signe,
    },
  ];
  return (
    <div className="fr-mb-4w">
      <Courbes
        titre={`${l.nom} : droit et logements décomptés, mois par mois${suffixe}`}
        series={lignes
          .slice(0, 2)
          .map((s) => ({ id: s.id, libelle: s.libelle, valeurs: jusquA(s.valeurs, moisCourant) }))}
        moisCourant={moisCourant}
      />
      <TableDonnees
        id={`tableau-registre-${id}`}
        legende={`${l.nom} : registre à la fin de chaque mois${suffixe}`}
        description={`${moisCourant !== null ? 'À ce jour' : 'Au 31 décembre'} : droit ${decimal(l.droit)}, ${nombre(l.decomptes)} décompté(s), solde ${signe(l.solde)}${l.taux !== null ? ` ; taux ${taux(l.taux)}` : ''}.`}
        colonnes={[
          { titre: 'Fin du mois', valeur: (s) => s.libelle, entete: true },
          ...colonnesMois<(typeof lignes)[number]>(
            (s, m) => (moisCourant !== null && m + 1 > moisCourant ? '—' : s.format(s.valeurs[m]!)),
            moisCourant,
          ),
        ]}
        lignes={lignes}
        cle={(s) => s.id}
        compact
        bordure
      />
    </div>
  );
}

type LigneMix = { id: string; nom: string; parts: { n: number; part: number }[] };

function UnBailleur({
  b,
  moisCourant,
  role,
}: {
  b: TableauApi['bailleurs'][number];
  moisCourant: number | null;
  role: TableauApi['role'];
}) {
  const id = `${b.bailleurId}-${b.departement}`.replace(/[^A-Za-z0-9-]/g, '');
  return (
    <section aria-labelledby={`tableau-${id}`} className="fr-mb-6w">
      <h2 id={`tableau-${id}`} className="fr-h3">
        {`${b.bailleur} — département ${b.departement}`}
      </h2>
      <p>{`Flux annuel à ce jour : ${nombre(b.fluxAnnuel)} logement(s).`}</p>
      {b.lignes.map((l) => (
        <div key={l.ligne}>
          <h3 className="fr-h5">{role === 'agent_reservataire' ? `Votre ligne chez ${b.bailleur}` : l.nom}</h3>
          <UneLigne
            l={l}
            id={`${id}-${l.ligne}`}
            moisCourant={moisCourant}
            contexte={`${b.bailleur}, ${b.departement}`}
          />
        </div>
      ))}
      <h3 className="fr-h5">Logements reçus et flux libéré</h3>
      {(b.lignes[0]?.mix ?? []).map((d, k) => {
        const modalites = d.valeurs.map((v) => ({ code: v.code, libelle: v.libelle }));
        const series = [
          ...b.lignes.map((l) => ({
            id: l.ligne,
            libelle: `Reçus — ${l.nom}`,
            valeurs: Object.fromEntries(l.mix[k]!.valeurs.map((v) => [v.code, v.recus])),
          })),
          { id: 'flux', libelle: 'Flux libéré', valeurs: Object.fromEntries(d.valeurs.map((v) => [v.code, v.flux])) },
        ];
        return (
          <div key={d.dimension} className="fr-mb-3w">
            <BarresEmpilees
              titre={`${d.libelle} des logements reçus par ligne et du flux libéré — ${b.bailleur}`}
              series={series}
              modalites={modalites}
            />
            <TableDonnees
              id={`tableau-mix-${id}-${d.dimension}`}
              legende={`${d.libelle} : part des logements reçus et part du flux libéré — ${b.bailleur}`}
              colonnes={[
                { titre: 'Ligne', valeur: (l: LigneMix) => l.nom, entete: true },
                ...d.valeurs.map((v, j): Colonne<LigneMix> => ({
                  titre: v.libelle,
                  valeur: (l) => `${taux(l.parts[j]!.part)} (${nombre(l.parts[j]!.n)})`,
                  nombre: true,
                })),
              ]}
              lignes={[
                ...b.lignes.map((l) => ({
                  id: l.ligne,
                  nom: `Reçus — ${l.nom}`,
                  parts: l.mix[k]!.valeurs.map((v) => ({ n: v.recus, part: v.partRecue })),
                })),
                { id: 'flux', nom: 'Flux libéré', parts: d.valeurs.map((v) => ({ n: v.flux, part: v.partFlux })) },
              ]}
              cle={(l) => l.id}
              compact
              bordure
            />
          </div>
        );
      })}
    </section>
  );
}

function Territoire({ ter, moisCourant }: { ter: NonNullable<TableauApi['territoire']>; moisCourant: number | null }) {
  let flux = 0;
  let baux = 0;
  const cumuls = ter.mois.map((m) => ({ flux: (flux += m.flux), baux: (baux += m.baux) }));
  return (
    <section aria-labelledby="tableau-territoire" className="fr-mb-6w">
      <h2 id="tableau-territoire" className="fr-h3">
        {`Territoire ${de(ter.nom)}`}
      </h2>
      <p>{`${nombre(ter.communes)} commune(s) ; ${nombre(flux)} logement(s) du flux libéré(s), ${nombre(baux)} bail(aux) signé(s) cette année.`}</p>
      <Courbes
        titre={`${ter.nom} : logements du flux libérés et baux signés, en cumul mois par mois`}
        series={[
          {
            id: 'flux',
            libelle: 'Flux libéré (cumul)',
            valeurs: jusquA(
              cumuls.map((c) => c.flux),
              moisCourant,
            ),
          },
          {
            id: 'baux',
            libelle: 'Baux signés (cumul)',
            valeurs: jusquA(
              cumuls.map((c) => c.baux),
              moisCourant,
            ),
          },
        ]}
        moisCourant={moisCourant}
      />
      <TableDonnees
        id="tableau-territoire-mois"
        legende={`${ter.nom} : locations du territoire par mois`}
        colonnes={[
          { titre: 'Mois', valeur: (m) => MOIS_COURTS[m.mois - 1]!, entete: true },
          { titre: 'Flux libéré', valeur: (m) => nombre(m.flux), nombre: true },
          { titre: 'Attribués en CAL', valeur: (m) => nombre(m.attribues), nombre: true },
          { titre: 'Baux signés', valeur: (m) => nombre(m.baux), nombre: true },
          { titre: 'Sans candidat', valeur: (m) => nombre(m.sansCandidat), nombre: true },
        ]}
        lignes={ter.mois}
        cle={(m) => String(m.mois)}
        compact
        bordure
      />
      <h3 className="fr-h5">Logements du territoire par ligne</h3>
      <BarresSimples
        titre={`Logements du flux ${de(ter.nom)} par réservataire`}
        items={ter.parLigne.map((l) => ({ id: l.ligne, libelle: l.nom, valeur: l.logements }))}
        total={flux}
      />
      <TableDonnees
        id="tableau-territoire-lignes"
        legende={`Logements du flux ${de(ter.nom)} par réservataire`}
        colonnes={[
          { titre: 'Réservataire', valeur: (l) => l.nom, entete: true },
          { titre: 'Logements', valeur: (l) => nombre(l.logements), nombre: true },
          { titre: 'Part', valeur: (l) => (flux ? taux(l.logements / flux) : '—'), nombre: true },
        ]}
        lignes={ter.parLigne}
        cle={(l) => l.ligne}
        compact
        bordure
      />
      <TableDonnees
        id="tableau-territoire-bailleurs"
        legende={`Logements du flux ${de(ter.nom)} par bailleur`}
        colonnes={[
          { titre: 'Bailleur', valeur: (b) => b.bailleur, entete: true },
          { titre: 'Logements', valeur: (b) => nombre(b.flux), nombre: true },
        ]}
        lignes={ter.parBailleur}
        cle={(b) => `${b.bailleurId}-${b.departement}`}
        compact
        bordure
      />
    </section>
  );
}

function BadgeTendance({ s }: { s: Suivi }) {
  const t = TENDANCES[s.tendance];
  return (
    <Badge as="span" small severity={t.severite}>
      {t.libelle}
    </Badge>
  );
}

function Objectifs({ o }: { o: TableauApi['objectifs'] }) {
  type Ligne = { id: string; nom: string; s: Suivi };
  const lignes: Ligne[] = [
    ...o.parEpci.flatMap((e) => [
      { id: `${e.epci}-q1`, nom: `${e.nom} — hors QPV, 1er quartile ou relogés ANRU/ORCOD`, s: e.quartile1HorsQpv },
      { id: `${e.epci}-qpv`, nom: `${e.nom} — en QPV, hors 1er quartile`, s: e.nonQuartile1EnQpv },
    ]),
    ...o.parLigne.map((l) => ({ id: `ligne-${l.ligne}`, nom: `${l.nom} — ménages prioritaires`, s: l.prioritaires })),
  ];
  return (
    <section aria-labelledby="tableau-objectifs" className="fr-mb-6w">
      <h2 id="tableau-objectifs" className="fr-h3">
        Objectifs d’attribution et tendance
      </h2>
      <p className="fr-text--sm">{`${nombre(o.baux)} bail(aux) signé(s)${o.bauxHorsFlux ? `, dont ${nombre(o.bauxHorsFlux)} hors du flux (mutations, relogements : comptés par EPCI, sur aucune ligne)` : ''}, ${taux(o.avancement)} de l’année écoulée. ${o.methode}`}</p>
      {o.alertes.length ? (
        <Alert
          severity="warning"
          small
          description={
            <ul>
              {o.alertes.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          }
          className="fr-mb-3w"
        />
      ) : null}
      {lignes.length === 0 ? (
        <Vide>Aucun bail signé cette année dans votre périmètre.</Vide>
      ) : (
        <TableDonnees
          id="tableau-objectifs-suivi"
          legende="Objectifs d’attribution : part atteinte, objectif et tendance"
          colonnes={[
            { titre: 'Objectif', valeur: (l) => l.nom, entete: true },
            { titre: 'Baux', valeur: (l) => nombre(l.s.denominateur), nombre: true },
            { titre: 'Servant l’objectif', valeur: (l) => nombre(l.s.numerateur), nombre: true },
            {
              titre: 'Quartile inconnu',
              valeur: (l) => (l.s.inconnus ? nombre(l.s.inconnus) : '—'),
              nombre: true,
            },
            { titre: 'Part', valeur: (l) => (l.s.part === null ? '—' : taux(l.s.part)), nombre: true },
            { titre: 'Objectif', valeur: (l) => taux(l.s.cible), nombre: true },
            { titre: 'Tendance', valeur: (l) => <BadgeTendance s={l.s} /> },
          ]}
          lignes={lignes}
          cle={(l) => l.id}
          compact
          bordure
        />
      )}
    </section>
  );
}

function Delais({ d, moisCourant }: { d: TableauApi['delais']; moisCourant: number | null }) {
  const lignes = [
    { id: 'sans-candidat', libelle: 'Locations terminées sans candidat', valeurs: d.sansCandidat },
    { id: 'propositions', libelle: 'Délais de proposition dépassés sans candidats', valeurs: d.propositionsDepassees },
    { id: 'offres', libelle: 'Offres de la CAL restées sans réponse (10 jours)', valeurs: d.offresExpirees },
  ];
  const somme = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return (
    <section aria-labelledby="tableau-delais" className="fr-mb-6w">
      <h2 id="tableau-delais" className="fr-h3">
        Délais manqués
      </h2>
      <BarresSimples
        titre={`Délais manqués dans l’année : ${lignes.map((l) => `${l.libelle} ${somme(l.valeurs)}`).join(', ')}`}
        items={lignes.map((l) => ({ id: l.id, libelle: l.libelle, valeur: somme(l.valeurs) }))}
        total={null}
      />
      <TableDonnees
        id="tableau-delais-mois"
        legende="Délais manqués par mois (mois de la fin de la location ou de l’échéance)"
        colonnes={[
          { titre: 'Délai', valeur: (l) => l.libelle, entete: true },
          ...colonnesMois<(typeof lignes)[number]>((l, m) => nombre(l.valeurs[m]!), moisCourant),
          { titre: 'Année', valeur: (l) => nombre(somme(l.valeurs)), nombre: true },
        ]}
        lignes={lignes}
        cle={(l) => l.id}
        compact
        bordure
      />
    </section>
  );
}
