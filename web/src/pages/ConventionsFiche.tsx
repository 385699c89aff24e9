/**
 * One convention (GET /api/conventions/:id): the parameters of the version in force in plain
 * French, its form and the conversion deadline (a caduque convention's share of the flow and what
 * it adds to the State's line), the ledger line of the year, the history of versions (avenants);
 * the contrepartie of the rights and the collectivities' 20 % of guarantees as a warning (CCH
 * R.441-5); for the bailleur, a form to add an avenant — the server's French messages shown on the
 * fields they name; for the State pilot, the préfet's reprise of a caduque convention, recorded
 * after a confirmation (irreversible).
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  adresseDocumentProjet,
  adresseDocumentVersion,
  ajouterAvenant,
  cheminDansLeCorps,
  creerProjetAvenant,
  lireProjets,
  enregistrerReprisePrefet,
  ErreurApi,
  lireConvention,
  type ContrepartieApi,
  type ConventionDetailApi,
  type VersionConventionApi,
} from '../api.ts';
import { Confirmation } from '../composants/Confirmation.tsx';
import { champsEnErreur, EtatRequete, messageErreur } from '../composants/Etats.tsx';
import { Page } from '../composants/Page.tsx';
import { Solde } from '../composants/Solde.tsx';
import { Tableau, type Colonne } from '../composants/Tableau.tsx';
import { date, dateEnLettres, decimal, nombre, pluriel, taux } from '../format.ts';
import { TYPES_RESERVATAIRE } from '../roles.ts';
import { BadgeForme } from './Conventions.tsx';
import { cles } from '../cles.ts';

const DECOMPTES: Record<string, string> = {
  mise_a_disposition: 'dès que le logement lui est orienté (mise à disposition)',
  attribution: 'à l’attribution par la commission (CAL)',
  bail_signe: 'à la signature du bail',
};

interface Parametres {
  perimetre?: { departement?: string; communes?: string[]; epci?: string };
  decompte?: string;
  echecDecompte?: boolean;
  delaiPropositionJours?: number;
  candidatsDemandes?: number;
  gestion?: string;
  report?: number;
  regleReport?: 'aucun' | 'integral' | { plafond: number };
  contraintes?: {
    uniformiteCommunale?: boolean;
    partHorsQpvMin?: number;
    typologie?: Record<string, [number, number]>;
    financement?: Record<string, [number, number]>;
  };
  derogation?: { arrete: string; du: string; au: string };
}

/** What the réservataire gave for its rights (CCH R.441-5), in words; absent: all of it as guarantee, not specified. */
export function contrepartieEnClair(k: ContrepartieApi | null): string {
  if (!k) return 'tout le taux en contrepartie de garanties d’emprunt (non précisé)';
  const parts = [
    [k.garantie, 'en contrepartie de garanties d’emprunt'],
    [k.financement, 'en contrepartie d’un financement'],
    [k.terrain, 'en contrepartie d’un apport de terrain'],
    [k.autre, 'pour une autre contrepartie'],
  ] as const;
  const texte = parts
    .filter(([x]) => x > 0)
    .map(([x, quoi]) => `${taux(x)} ${quoi}`)
    .join(' ; ');
  return `${texte || 'aucune part'}${k.reference ? ` — acte : ${k.reference}` : ''}`;
}

/** The version's parameters as sentences, one per line of the table. */
function enClair(v: VersionConventionApi, typeReservataire: string): { terme: string; valeur: string }[] {
  const p = v.parametres as Parametres;
  const etat = typeReservataire === 'etat';
  const lignes: { terme: string; valeur: string }[] = [];
  lignes.push({
    terme: 'Taux',
    valeur: `${taux(v.taux)} du flux annuel de logements libérés${v.tauxAgents !== null ? `, dont ${taux(v.tauxAgents)} pour les agents de l’État` : ''}`,
  });
  lignes.push({ terme: 'Contrepartie', valeur: contrepartieEnClair(v.contrepartie) });
  const per = p.perimetre ?? {};
  lignes.push({
    terme: 'Périmètre',
    valeur: per.departement
      ? `tout le parc du bailleur dans le département ${per.departement}`
      : per.communes
        ? `le parc du bailleur dans ${per.communes.length > 1 ? 'les communes' : 'la commune'} ${per.communes.join(', ')}`
        : per.epci
          ? `le parc du bailleur dans l’EPCI ${per.epci} (SIREN)`
          : '—',
  });
  lignes.push({
    terme: 'Décompte',
    valeur: `un logement compte pour le réservataire ${DECOMPTES[p.decompte ?? ''] ?? p.decompte ?? '—'}`,
  });
  lignes.push({
    terme: 'Échec',
    valeur: p.echecDecompte
      ? 'un échec (refus des candidats, aucun candidat dans le délai) consomme le droit du réservataire'
      : 'un échec rend le logement au bailleur « pour un tour » : le droit du réservataire reste dû',
  });
  lignes.push({
    terme: 'Proposition de candidats',
    valeur: `${pluriel(p.candidatsDemandes ?? 3, 'candidat demandé', 'candidats demandés')} par logement, dans un délai de ${pluriel(p.delaiPropositionJours ?? 30, 'jour')}`,
  });
  lignes.push({
    terme: 'Gestion',
    valeur:
      p.gestion === 'deleguee'
        ? 'déléguée : le bailleur désigne les candidats pour le compte du réservataire et lui en rend compte'
        : 'directe : le réservataire désigne ses candidats',
  });
  const regle = p.regleReport ?? 'integral';
  lignes.push({
    terme: 'Report du solde',
    valeur: `${regle === 'aucun' ? 'aucun report : le solde de l’année est abandonné' : regle === 'integral' ? 'le solde de l’année est reporté en entier sur l’année suivante' : `le solde est reporté dans la limite de ${decimal(regle.plafond)} logement(s)`}${p.report ? ` ; report inscrit pour la première année : ${decimal(p.report)} logement(s) (ensuite, celui du bilan émis)` : ''}`,
  });
  const c = p.contraintes ?? {};
  const uniforme = c.uniformiteCommunale ?? etat;
  lignes.push({
    terme: 'Répartition par commune',
    valeur: uniforme ? 'le taux s’applique dans chaque commune' : 'le taux s’applique sur l’ensemble du périmètre',
  });
  const horsQpv = c.partHorsQpvMin ?? (etat ? 0.3 : 0);
  if (horsQpv > 0)
    lignes.push({
      terme: 'Hors QPV',
      valeur: `au moins ${taux(horsQpv)} des logements du réservataire hors quartier prioritaire`,
    });
  for (const [dimension, libelle] of [
    ['typologie', 'Typologies'],
    ['financement', 'Financements'],
  ] as const) {
    const f = c[dimension];
    if (f && Object.keys(f).length)
      lignes.push({
        terme: libelle,
        valeur: Object.entries(f)
          .map(([k, [min, max]]) => `${k} de ${taux(min)} à ${taux(max)}`)
          .join(' ; '),
      });
  }
  if (p.derogation)
    lignes.push({
      terme: 'Dérogation du préfet',
      valeur: `arrêté « ${p.derogation.arrete} », du ${dateEnLettres(p.derogation.du)} au ${dateEnLettres(p.derogation.au)}`,
    });
  lignes.push({
    terme: 'Forme',
    valeur:
      v.forme === 'flux'
        ? 'en flux'
        : v.forme === 'stock'
          ? 'en stock (logements identifiés)'
          : 'en conversion vers le flux',
  });
  lignes.push({ terme: 'Effective depuis le', valeur: dateEnLettres(v.effectifLe) });
  return lignes;
}

function anneeDemandee(): number | undefined {
  const n = Number(new URLSearchParams(window.location.search).get('annee'));
  return Number.isInteger(n) && n >= 2000 && n <= 2100 ? n : undefined;
}

export function ConventionsFiche() {
  const { id = '' } = useParams();
  const annee = anneeDemandee();
  const { data, error, isPending, refetch } = useQuery({
    queryKey: cles.convention.annee(id, annee),
    queryFn: ({ signal }) => lireConvention(id, annee, signal),
  });
  const titre = data ? `Convention ${data.reservataire.nom}` : 'Convention';
  return (
    <Page
      titre={titre}
      titreDocument={data ? `${titre} — ${data.bailleur.nom}` : titre}
      sousTitre={
        data ? (
          <p className="fr-text--lead">
            {data.bailleur.nom} et {data.reservataire.nom} (
            {TYPES_RESERVATAIRE[data.reservataire.type] ?? data.reservataire.type}), département {data.departement}.{' '}
            <Link to="/conventions">Toutes les conventions</Link>
          </p>
        ) : undefined
      }
    >
      <EtatRequete requete={{ data, error, isPending, refetch }} quoi="la convention">
        {(data) => <Fiche convention={data} />}
      </EtatRequete>
    </Page>
  );
}

function Fiche({ convention: c }: { convention: ConventionDetailApi }) {
  const v = c.versionEnVigueur;
  const f = c.forme;
  return (
    <>
      <section aria-labelledby="cv-forme" className="fr-mb-6w">
        <h2 id="cv-forme" className="fr-h3">
          Forme de la convention <BadgeForme forme={f} />
        </h2>
        {f.statut === 'caduque' ? (
          <>
            <Alert
              severity={f.caducite?.reprise ? 'error' : 'warning'}
              title={
                f.caducite?.reprise
                  ? `Caduque — droits repris par le préfet le ${date(f.caducite.reprise.decideLe)}`
                  : 'Caduque — reprise possible par décision du préfet'
              }
              description={
                <>
                  <p>{f.caducite?.message ?? f.message}</p>
                  {f.caducite?.etat ? (
                    <p>
                      Contingent de l’État{f.caducite.reprise ? '' : ' si le préfet reprend ces droits'} :{' '}
                      {taux(f.caducite.etat.tauxAvant)} → {taux(f.caducite.etat.tauxApres)} du flux
                      {f.caducite.etat.droitAvant !== null && f.caducite.etat.droitApres !== null
                        ? `, droit ${c.annee} : ${decimal(f.caducite.etat.droitAvant)} → ${decimal(f.caducite.etat.droitApres)} logements`
                        : ''}
                      .
                    </p>
                  ) : null}
                  {f.caducite?.reprise ? (
                    <p>
                      Décision du préfet : {f.caducite.reprise.reference}, du{' '}
                      {dateEnLettres(f.caducite.reprise.decideLe)}
                      {f.caducite.reprise.commentaire ? ` — ${f.caducite.reprise.commentaire}` : ''}. Enregistrée le{' '}
                      {date(f.caducite.reprise.enregistreLe)}
                      {f.caducite.reprise.auteur ? ` par ${f.caducite.reprise.auteur}` : ''}.
                    </p>
                  ) : null}
                  <p className="fr-text--sm">Source : {f.echeance?.source}</p>
                </>
              }
            />
            {f.caducite?.repriseEnregistrable ? <FormulaireReprise convention={c} /> : null}
          </>
        ) : f.statut === 'a_convertir' ? (
          <Alert severity="warning" title={`Convention ${f.libelle}`} description={<p>{f.message}</p>} />
        ) : (
          <p>{f.message}</p>
        )}
      </section>

      {c.avertissements.length ? (
        <Alert
          className="fr-mb-6w"
          severity="warning"
          title="Avertissement : droits des collectivités en contrepartie de garanties d’emprunt (CCH R.441-5)"
          description={
            <>
              <ul>
                {c.avertissements.map((a) => (
                  <li key={`${a.chemin}${a.message}`}>{a.message}</li>
                ))}
              </ul>
              <p className="fr-text--sm fr-mb-0">
                Un avertissement, pas un refus : la loi plafonne à 20 % les réservations obtenues pour la garantie des
                emprunts ; celles obtenues pour un financement ou un apport de terrain s’y ajoutent. Précisez la
                contrepartie par un avenant si elle est connue.
              </p>
            </>
          }
        />
      ) : null}

      <section aria-labelledby="cv-version" className="fr-mb-6w">
        <h2 id="cv-version" className="fr-h3">
          {v ? `Version en vigueur : n° ${v.version}` : 'Aucune version en vigueur aujourd’hui'}
        </h2>
        {v ? (
          <Tableau
            id="tableau-cv-parametres"
            legende={`Paramètres de la version n° ${v.version}, effective le ${date(v.effectifLe)}`}
            colonnes={[
              { titre: 'Paramètre', valeur: (l: { terme: string; valeur: string }) => l.terme, entete: true },
              { titre: 'Ce que prévoit la convention', valeur: (l: { terme: string; valeur: string }) => l.valeur },
            ]}
            lignes={enClair(v, c.reservataire.type)}
            cle={(l) => l.terme}
            bordure
          />
        ) : (
          <p>La première version prend effet plus tard : voir l’historique ci-dessous.</p>
        )}
      </section>

      <Bilan convention={c} />
      <Historique convention={c} />
      <ProjetsDeLaConvention id={c.id} />
      {c.modifiable ? <FormulaireAvenant convention={c} /> : null}
    </>
  );
}

function Bilan({ convention: c }: { convention: ConventionDetailApi }) {
  const l = c.ligne;
  return (
    <section aria-labelledby="cv-bilan" className="fr-mb-6w">
      <h2 id="cv-bilan" className="fr-h3">
        Bilan {c.annee}
      </h2>
      {l ? (
        <Tableau
          id="tableau-cv-bilan"
          legende={`Ligne du bilan ${c.annee} (le moteur rejoue les événements de l’année avec la version en vigueur au 1er janvier)`}
          colonnes={[
            { titre: 'Taux', valeur: () => taux(l.taux), nombre: true },
            { titre: `Report de ${c.annee - 1}`, valeur: () => decimal(l.report), nombre: true },
            { titre: 'Droit', valeur: () => decimal(l.droit), nombre: true },
            { titre: 'Mis à disposition', valeur: () => nombre(l.misADisposition), nombre: true },
            { titre: 'Avec candidats', valeur: () => nombre(l.proposes), nombre: true },
            { titre: 'Attribués', valeur: () => nombre(l.attribues), nombre: true },
            { titre: 'Baux signés', valeur: () => nombre(l.bauxSignes), nombre: true },
            { titre: 'Échecs', valeur: () => nombre(l.echecs), nombre: true },
            { titre: 'Décomptés', valeur: () => nombre(l.decomptes), nombre: true },
            { titre: 'Solde', valeur: () => <Solde valeur={l.solde} />, nombre: true },
          ]}
          lignes={[l]}
          cle={() => 'ligne'}
          bordure
        />
      ) : (
        <p>Pas de ligne au bilan {c.annee} : aucune version de la convention n’est en vigueur cette année.</p>
      )}
      {l ? (
        <p className="fr-text--sm">
          Le droit comprend le report de {c.annee - 1} : celui du bilan {c.annee - 1} émis par le bailleur (le solde
          gardé selon la règle de report de la convention), ou, tant que ce bilan n’est pas émis, le report inscrit dans
          la convention.
        </p>
      ) : null}
    </section>
  );
}

function Historique({ convention: c }: { convention: ConventionDetailApi }) {
  const colonnes: Colonne<VersionConventionApi>[] = [
    {
      titre: 'Version',
      entete: true,
      valeur: (v) => (
        <>
          n° {v.version}{' '}
          {v.enVigueur ? (
            <Badge as="span" severity="info" small noIcon>
              en vigueur
            </Badge>
          ) : null}
        </>
      ),
    },
    { titre: 'Effective le', valeur: (v) => date(v.effectifLe) },
    {
      titre: 'Taux',
      valeur: (v) => `${taux(v.taux)}${v.tauxAgents !== null ? ` (agents ${taux(v.tauxAgents)})` : ''}`,
      nombre: true,
    },
    {
      titre: 'Forme',
      valeur: (v) => (v.forme === 'flux' ? 'en flux' : v.forme === 'stock' ? 'en stock' : 'en conversion'),
    },
    { titre: 'Motif', valeur: (v) => v.motif ?? '—' },
    { titre: 'Enregistrée', valeur: (v) => `le ${date(v.creeLe)}${v.auteur ? ` par ${v.auteur}` : ''}` },
    {
      titre: 'Document',
      valeur: (v) => (
        <span className="flux-actions">
          {(['pdf', 'docx'] as const).map((f) => (
            <a key={f} className="fr-link fr-link--sm" href={adresseDocumentVersion(c.id, v.version, f)} download>
              {f.toUpperCase()}
              <span className="fr-sr-only"> : document de la version n° {v.version}</span>
            </a>
          ))}
        </span>
      ),
    },
  ];
  return (
    <section aria-labelledby="cv-historique" className="fr-mb-6w">
      <h2 id="cv-historique" className="fr-h3">
        Historique des versions (avenants)
      </h2>
      <p>
        Une version écrite ne change plus : chaque avenant est une nouvelle version, datée. La version en vigueur est la
        dernière dont la date d’effet est passée.
      </p>
      <Tableau
        id="tableau-cv-versions"
        legende={`${pluriel(c.historique.length, 'version')}, de la plus récente à la plus ancienne`}
        colonnes={colonnes}
        lignes={c.historique}
        cle={(v) => v.id}
        bordure
      />
    </section>
  );
}

/** "30" or "30,5" (a percentage) → 0.3 / 0.305, exact to the millionth; null when it is not a number. */
function fractionDePourcentage(texte: string): number | null {
  const t = texte.trim().replace(',', '.').replace(/\s*%$/, '');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Math.round(Number(t) * 10_000) / 1_000_000;
}

const PARTS = [
  ['garantie', 'Garantie d’emprunt'],
  ['financement', 'Financement'],
  ['terrain', 'Apport de terrain'],
  ['autre', 'Autre'],
] as const;
type Part = (typeof PARTS)[number][0];

/** The drafts of avenants of this convention (issue 14 item 3), with their CIL status; nothing when there is none. */
function ProjetsDeLaConvention({ id }: { id: string }) {
  const { data } = useQuery({ queryKey: cles.projets.tout(), queryFn: ({ signal }) => lireProjets(signal) });
  const projets = (data?.projets ?? []).filter((p) => p.conventionId === id);
  if (!projets.length) return null;
  return (
    <section aria-labelledby="cv-projets" className="fr-mb-6w">
      <h2 id="cv-projets" className="fr-h3">
        Projets d’avenant
      </h2>
      <ul>
        {projets.map((p) => (
          <li key={p.id}>
            <Link to={`/conventions/projets/${encodeURIComponent(p.id)}`}>
              Projet au taux de {taux(p.taux)}, effet le {date(p.effectifLe)}
            </Link>{' '}
            — {p.statut} —{' '}
            <a className="fr-link fr-link--sm" href={adresseDocumentProjet(p.id, 'pdf')} download>
              document PDF
              <span className="fr-sr-only">
                {' '}
                du projet au taux de {taux(p.taux)}, effet le {date(p.effectifLe)}
              </span>
            </a>{' '}
            <a className="fr-link fr-link--sm" href={adresseDocumentProjet(p.id, 'docx')} download>
              document DOCX
              <span className="fr-sr-only">
                {' '}
                du projet au taux de {taux(p.taux)}, effet le {date(p.effectifLe)}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A fraction as the form shows it: 0.275 → "27,5". */
const enPourcentage = (x: number) => String(Math.round(x * 1_000_000) / 10_000).replace('.', ',');

function FormulaireAvenant({ convention: c }: { convention: ConventionDetailApi }) {
  const client = useQueryClient();
  const derniere = c.historique[0]!;
  const [parts, setParts] = useState<Record<Part, string>>(() => {
    const k = derniere.contrepartie;
    return {
      garantie: k ? enPourcentage(k.garantie) : '',
      financement: k ? enPourcentage(k.financement) : '',
      terrain: k ? enPourcentage(k.terrain) : '',
      autre: k ? enPourcentage(k.autre) : '',
    };
  });
  const [acte, setActe] = useState(derniere.contrepartie?.reference ?? '');
  const [tauxSaisi, setTaux] = useState(String(Math.round(derniere.taux * 1_000_000) / 10_000).replace('.', ','));
  const [effectifLe, setEffectifLe] = useState('');
  const [motif, setMotif] = useState('');
  const [forme, setForme] = useState<'stock' | 'conversion' | 'flux'>(derniere.forme);
  const [locales, setLocales] = useState<Record<string, string>>({});
  const envoi = useMutation({
    mutationFn: (corps: Parameters<typeof ajouterAvenant>[1]) => ajouterAvenant(c.id, corps),
    onSuccess: (nouvelle) => {
      client.setQueryData(cles.convention.annee(c.id, undefined), nouvelle);
      void client.invalidateQueries({ queryKey: cles.convention.tout(c.id) });
      void client.invalidateQueries({ queryKey: cles.conventions.tout() });
      setMotif('');
      setEffectifLe('');
    },
  });
  const navigate = useNavigate();
  const projet = useMutation({
    mutationFn: (corps: Parameters<typeof ajouterAvenant>[1]) => creerProjetAvenant(c.id, corps),
    onSuccess: (p) => {
      void client.invalidateQueries({ queryKey: cles.projets.tout() });
      void navigate(`/conventions/projets/${encodeURIComponent(p.id)}`);
    },
  });
  const erreur = envoi.error ?? projet.error;
  const { message, etat } = champsEnErreur(erreur, locales);
  // Problems on fields the form does not show (périmètre, dérogation, another convention…).
  const autres =
    erreur instanceof ErreurApi
      ? erreur.problemes.filter(
          (p) =>
            !['taux', 'effectifLe', 'motif', 'forme', 'contrepartie'].some(
              (ch) => cheminDansLeCorps(p.chemin) === ch || cheminDansLeCorps(p.chemin).startsWith(`${ch}.`),
            ),
        )
      : [];
  const envoyer = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    // « Préparer un projet » submits the same terms as a draft for the CIL (issue 14 item 3).
    const commeProjet = (e.nativeEvent as SubmitEvent).submitter?.getAttribute('name') === 'projet' ? projet : envoi;
    const fraction = fractionDePourcentage(tauxSaisi);
    const manquants: Record<string, string> = {};
    if (fraction === null) manquants.taux = 'indiquez un pourcentage, par exemple 27,5';
    if (!effectifLe) manquants.effectifLe = 'indiquez la date d’effet de l’avenant';
    if (!motif.trim()) manquants.motif = 'indiquez le motif de l’avenant';
    // No part entered: the contrepartie stays unspecified (all of the taux read as guarantee).
    const precisee = PARTS.some(([k]) => parts[k].trim() !== '');
    const fractions = Object.fromEntries(
      PARTS.map(([k]) => [k, parts[k].trim() === '' ? 0 : fractionDePourcentage(parts[k])]),
    ) as Record<Part, number | null>;
    for (const [k, libelle] of PARTS)
      if (fractions[k] === null)
        manquants[`contrepartie.${k}`] = `${libelle} : indiquez un pourcentage, par exemple 5, ou laissez vide`;
    if (!precisee && acte.trim())
      manquants['contrepartie.garantie'] = 'indiquez les parts du taux que l’acte accorde (au moins une)';
    setLocales(manquants);
    if (Object.keys(manquants).length) return;
    commeProjet.mutate({
      ...(derniere.parametres as Omit<
        Parameters<typeof ajouterAvenant>[1],
        'taux' | 'effectifLe' | 'motif' | 'versionLue'
      >),
      forme,
      taux: fraction!,
      ...(derniere.tauxAgents !== null ? { tauxAgents: derniere.tauxAgents } : {}),
      ...(precisee
        ? {
            contrepartie: {
              garantie: fractions.garantie!,
              financement: fractions.financement!,
              terrain: fractions.terrain!,
              autre: fractions.autre!,
              ...(acte.trim() ? { reference: acte.trim() } : {}),
            },
          }
        : {}),
      effectifLe,
      motif: motif.trim(),
      versionLue: derniere.version,
    });
  };
  const erreurContrepartie = erreur instanceof ErreurApi ? erreur.probleme('contrepartie') : undefined;
  return (
    <section aria-labelledby="cv-avenant" className="fr-mb-6w">
      <h2 id="cv-avenant" className="fr-h3">
        Ajouter un avenant
      </h2>
      <p>
        L’avenant crée la version n° {derniere.version + 1} avec les paramètres de la version n° {derniere.version}, le
        nouveau taux et la forme choisie. Il est contrôlé avec les autres conventions en vigueur à sa date d’effet :
        plafonds de l’État (CCH R.441-5-2 I), somme des taux, périmètres, contrepartie égale au taux ; au-delà de 20 %
        de droits des collectivités en contrepartie de garanties d’emprunt, un avertissement (CCH R.441-5), pas un
        refus.
      </p>
      <form onSubmit={envoyer} aria-label="Ajouter un avenant" noValidate>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-4">
            <Input
              label="Nouveau taux (en % du flux annuel)"
              hintText={`Actuellement ${taux(derniere.taux)}. Exemple : 27,5`}
              {...etat('taux')}
              nativeInputProps={{
                id: 'avenant-taux',
                name: 'taux',
                inputMode: 'decimal',
                'aria-invalid': message('taux') ? true : undefined,
                value: tauxSaisi,
                onChange: (e) => setTaux(e.target.value),
                required: true,
                autoComplete: 'off',
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input
              label="Date d’effet"
              hintText={`Au plus tôt le ${date(derniere.effectifLe)}`}
              {...etat('effectifLe')}
              nativeInputProps={{
                id: 'avenant-date',
                name: 'effectifLe',
                type: 'date',
                'aria-invalid': message('effectifLe') ? true : undefined,
                value: effectifLe,
                min: derniere.effectifLe,
                onChange: (e) => setEffectifLe(e.target.value),
                required: true,
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Select
              label="Forme"
              hint="En flux une fois la convention convertie et signée"
              {...etat('forme')}
              nativeSelectProps={{
                id: 'avenant-forme',
                name: 'forme',
                value: forme,
                onChange: (e) => setForme(e.target.value as typeof forme),
              }}
            >
              <option value="flux">En flux (pourcentage du flux annuel)</option>
              <option value="conversion">En conversion</option>
              <option value="stock">En stock (logements identifiés)</option>
            </Select>
          </div>
          <fieldset
            className="fr-col-12 fr-fieldset fr-mb-0"
            aria-labelledby="avenant-contrepartie-legende"
            aria-describedby={erreurContrepartie ? 'avenant-contrepartie-erreur' : undefined}
          >
            <legend id="avenant-contrepartie-legende" className="fr-fieldset__legend">
              Contrepartie des droits (CCH R.441-5)
              <span className="fr-hint-text">
                Les parts du taux selon ce que le réservataire a apporté ; leur somme fait le nouveau taux. Laissées
                vides, tout le taux est compté en contrepartie de garanties d’emprunt (non précisé). Seules les
                garanties des collectivités comptent dans leur plafond de 20 %.
              </span>
            </legend>
            {PARTS.map(([k, libelle]) => (
              <div key={k} className="fr-fieldset__element fr-fieldset__element--inline fr-col-12 fr-col-md-3">
                <Input
                  label={`${libelle} (en %)`}
                  {...etat(`contrepartie.${k}`)}
                  nativeInputProps={{
                    id: `avenant-contrepartie-${k}`,
                    name: `contrepartie.${k}`,
                    inputMode: 'decimal',
                    'aria-invalid': message(`contrepartie.${k}`) ? true : undefined,
                    value: parts[k],
                    onChange: (e) => setParts({ ...parts, [k]: e.target.value }),
                    autoComplete: 'off',
                  }}
                />
              </div>
            ))}
            <div className="fr-fieldset__element">
              <Input
                label="Acte accordant les droits (facultatif)"
                hintText="Délibération, décision de financement, acte de cession du terrain…"
                nativeInputProps={{
                  id: 'avenant-contrepartie-acte',
                  name: 'contrepartie.reference',
                  value: acte,
                  maxLength: 300,
                  onChange: (e) => setActe(e.target.value),
                  autoComplete: 'off',
                }}
              />
            </div>
            {erreurContrepartie && !PARTS.some(([k]) => message(`contrepartie.${k}`)) ? (
              <p id="avenant-contrepartie-erreur" className="fr-message fr-message--error fr-ml-2w">
                {erreurContrepartie}
              </p>
            ) : null}
          </fieldset>
          <div className="fr-col-12">
            <Input
              label="Motif"
              hintText="Ce qui justifie l’avenant ; il figure à l’historique et au journal d’audit"
              textArea
              {...etat('motif')}
              nativeTextAreaProps={{
                id: 'avenant-motif',
                name: 'motif',
                'aria-invalid': message('motif') ? true : undefined,
                value: motif,
                onChange: (e) => setMotif(e.target.value),
                required: true,
                rows: 3,
              }}
            />
          </div>
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-2w">
          <li>
            <Button type="submit" iconId="fr-icon-add-line" disabled={envoi.isPending || projet.isPending}>
              {envoi.isPending ? 'Enregistrement…' : 'Enregistrer l’avenant'}
            </Button>
          </li>
          <li>
            <Button
              type="submit"
              priority="secondary"
              iconId="fr-icon-draft-line"
              disabled={envoi.isPending || projet.isPending}
              nativeButtonProps={{ name: 'projet' }}
            >
              {projet.isPending ? 'Préparation…' : 'Préparer un projet d’avenant pour la CIL'}
            </Button>
          </li>
        </ul>
        <p className="fr-hint-text">
          Un projet n’entre pas en vigueur : il est présenté à la CIL de chaque EPCI concerné, puis la signature des
          parties écrit la version.
        </p>
      </form>
      <div aria-live="polite">
        {erreur ? (
          <Alert
            className="fr-mt-2w"
            severity={erreur instanceof ErreurApi && erreur.statut === 409 ? 'warning' : 'error'}
            title={
              erreur instanceof ErreurApi && erreur.statut === 409
                ? 'La convention a changé entre-temps'
                : 'Avenant refusé : rien n’a été enregistré'
            }
            description={
              <>
                <p>
                  {erreur instanceof ErreurApi && erreur.statut === 422
                    ? 'Corrigez les champs signalés.'
                    : messageErreur(erreur)}
                </p>
                {autres.length ? (
                  <ul>
                    {autres.map((p) => (
                      <li key={`${p.chemin}${p.message}`}>
                        {cheminDansLeCorps(p.chemin)} : {p.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </>
            }
          />
        ) : null}
        {envoi.data && !erreur ? (
          <Alert
            className="fr-mt-2w"
            severity="success"
            small
            description={`Avenant enregistré : version n° ${envoi.data.historique[0]!.version}, effective le ${date(envoi.data.historique[0]!.effectifLe)}.`}
          />
        ) : null}
        {envoi.data && !erreur && envoi.data.avertissements.length ? (
          <Alert
            className="fr-mt-2w"
            severity="warning"
            title="Enregistré, avec un avertissement (CCH R.441-5)"
            description={
              <ul>
                {envoi.data.avertissements.map((a) => (
                  <li key={`${a.chemin}${a.message}`}>{a.message}</li>
                ))}
              </ul>
            }
          />
        ) : null}
      </div>
    </section>
  );
}

/**
 * The State pilot records the préfet's decision taking back a caduque convention's rights: date,
 * act, optional comment, then a confirmation — it cannot be changed afterwards.
 */
function FormulaireReprise({ convention: c }: { convention: ConventionDetailApi }) {
  const client = useQueryClient();
  const [decideLe, setDecideLe] = useState('');
  const [reference, setReference] = useState('');
  const [commentaire, setCommentaire] = useState('');
  const [locales, setLocales] = useState<Record<string, string>>({});
  const envoi = useMutation({
    mutationFn: () =>
      enregistrerReprisePrefet(c.id, {
        decideLe,
        reference: reference.trim(),
        ...(commentaire.trim() ? { commentaire: commentaire.trim() } : {}),
      }),
    onSuccess: (nouvelle) => {
      client.setQueryData(cles.convention.annee(c.id, undefined), nouvelle);
      void client.invalidateQueries({ queryKey: cles.convention.tout(c.id) });
      void client.invalidateQueries({ queryKey: cles.conventions.tout() });
    },
  });
  const erreur = envoi.error;
  const { message, etat } = champsEnErreur(erreur, locales);
  const confirmer = () => {
    const manquants: Record<string, string> = {};
    if (!decideLe) manquants.decideLe = 'indiquez la date de la décision du préfet';
    if (!reference.trim()) manquants.reference = 'indiquez la référence de l’acte (arrêté, décision)';
    setLocales(manquants);
    if (Object.keys(manquants).length) return;
    envoi.mutate();
  };
  const depuis = c.forme.caducite?.depuis;
  return (
    <section aria-labelledby="cv-reprise" className="fr-mt-4w">
      <h3 id="cv-reprise" className="fr-h5">
        Enregistrer la décision de reprise du préfet
      </h3>
      <p>
        La convention n’a pas été convertie en flux à l’échéance : le préfet peut reprendre ses droits par décision.
        Enregistrez-la une fois prise ; elle figure ensuite sur la convention, pour le bailleur et le réservataire.
      </p>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <Input
            label="Date de la décision"
            hintText={depuis ? `Entre le ${date(depuis)} et aujourd’hui` : undefined}
            {...etat('decideLe')}
            nativeInputProps={{
              id: 'reprise-date',
              name: 'decideLe',
              type: 'date',
              'aria-invalid': message('decideLe') ? true : undefined,
              value: decideLe,
              ...(depuis ? { min: depuis } : {}),
              max: c.aujourdhui,
              onChange: (e) => setDecideLe(e.target.value),
              required: true,
            }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-8">
          <Input
            label="Acte du préfet"
            hintText="Par exemple : arrêté préfectoral n° 2024-045"
            {...etat('reference')}
            nativeInputProps={{
              id: 'reprise-acte',
              name: 'reference',
              'aria-invalid': message('reference') ? true : undefined,
              value: reference,
              maxLength: 300,
              onChange: (e) => setReference(e.target.value),
              required: true,
              autoComplete: 'off',
            }}
          />
        </div>
        <div className="fr-col-12">
          <Input
            label="Commentaire (facultatif)"
            textArea
            {...etat('commentaire')}
            nativeTextAreaProps={{
              id: 'reprise-commentaire',
              name: 'commentaire',
              value: commentaire,
              maxLength: 2000,
              onChange: (e) => setCommentaire(e.target.value),
              rows: 2,
            }}
          />
        </div>
      </div>
      <Confirmation
        libelle="Enregistrer la décision du préfet"
        titre="Enregistrer la reprise des droits par le préfet ?"
        iconId="fr-icon-check-line"
        disabled={envoi.isPending}
        consequences={
          <p>
            La convention avec {c.reservataire.nom} sera affichée « droits repris par le préfet
            {decideLe ? ` le ${date(decideLe)}` : ''}
            {reference.trim() ? ` (${reference.trim()})` : ''} » pour toutes les parties. L’enregistrement est inscrit
            au journal d’audit.
          </p>
        }
        correction="Cette décision ne peut être ni modifiée ni retirée dans Flux : vérifiez la date et l’acte avant de confirmer."
        confirmer="Enregistrer la décision"
        surConfirmation={confirmer}
      />
      <div aria-live="polite">
        {erreur && !(erreur instanceof ErreurApi && erreur.statut === 422) ? (
          <Alert
            className="fr-mt-2w"
            severity="error"
            title="Décision non enregistrée"
            description={messageErreur(erreur)}
          />
        ) : null}
      </div>
    </section>
  );
}
