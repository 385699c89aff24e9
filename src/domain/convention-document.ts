/**
 * The legal content of a convention and its document (issue 14 item 2, ADR 0043). A convention's
 * version holds rates and counting rules (the scenario format); its **clauses** hold what the texts
 * and the model conventions add: the basis of the rights and their duration (start, end, renewal),
 * the priority categories (the State's), the information exchanged (notice of vacancies, CAL
 * outcomes, leases; the proposal delay stays the version's `delaiPropositionJours`), the no-candidate
 * rule, the reference to the CIA and the CIL's orientations, the annual evaluation.
 *
 * `documentConvention` writes the document from the stored terms, in the structure of a model
 * convention (CCH R.441-5, R.441-5-1, R.441-5-2 III; arrêté du 10 mars 2011, art. 1): ten articles
 * and two annexes. It is data (titles and paragraphs), rendered as PDF and DOCX by src/reports; its
 * canonical JSON is what each party signs (its SHA-256, computed in src/app). Nothing here reads a
 * clock: the same terms give the same document.
 */
import { ajouterJours, dateLongue } from './calendrier.ts';
import { valeurAu } from './legal-parameters.ts';
import type { Convention } from './types.ts';
import { contraintesEnClair } from './territoire.ts';

/** The priority categories a convention may name (the codes of a demand's categories, docs/demandes.md). */
export const CATEGORIES_PRIORITAIRES = {
  dalo: 'Ménages reconnus prioritaires et urgents (DALO, CCH L.441-2-3)',
  pdalhpd: 'Ménages prioritaires du PDALHPD',
  autre_l441_1: 'Autres publics prioritaires de l’article L.441-1 du CCH',
} as const;
export type CategoriePrioritaire = keyof typeof CATEGORIES_PRIORITAIRES;

export const RENOUVELLEMENTS = ['expres', 'tacite', 'aucun'] as const;
export type Renouvellement = (typeof RENOUVELLEMENTS)[number];
export const LIBELLES_RENOUVELLEMENT: Readonly<Record<Renouvellement, string>> = {
  expres: 'renouvelable par avenant exprès, présenté aux CIL concernées',
  tacite: 'renouvelable par tacite reconduction, pour la même durée, sauf dénonciation par l’une des parties',
  aucun: 'non renouvelable : une nouvelle convention est conclue à son terme',
};

/** The legal content of a version beyond its rates and counting rules. */
export interface ClausesConvention {
  /** The basis of the rights in words (the act granting the guarantee, the financing, the land…). */
  fondement: string;
  /** First and last day of the convention (included). */
  debutLe: string;
  finLe: string;
  renouvellement: Renouvellement;
  /** Priority categories the réservataire designates (the State's contingent; empty for others). */
  categoriesPrioritaires: CategoriePrioritaire[];
  /** Days the bailleur has to signal a vacated unit (from the tenant's notice) or a delivery. */
  delaiSignalementJours: number;
  /** What happens when no candidate is proposed in time, in words (beyond the counting rule). */
  regleSansCandidat: string;
  /** Days the bailleur has to inform the réservataire of the CAL's decision, and of a signed lease. */
  delaiInformationCalJours: number;
  delaiInformationBailJours: number;
  /** The convention intercommunale d'attribution (CIA) and the CIL's orientations it serves. */
  referenceCia: string;
  orientationsCil: string;
  /** How the parties evaluate the convention each year (beyond the bilan of R.441-5-1). */
  evaluation: string;
}

/** Years after `iso`, minus one day: the last day of a convention that starts on `iso`. */
export function finApres(iso: string, ans: number): string {
  const [a, m, j] = iso.split('-');
  return ajouterJours(`${String(Number(a) + ans).padStart(4, '0')}-${m}-${j}`, -1);
}

/**
 * The clauses Flux proposes for a new draft: the dated parameters in force on its date of effect
 * (never a literal), the State's priority categories for the State's contingent.
 */
export function clausesParDefaut(
  typeReservataire: string,
  effectifLe: string,
  contrepartieReference: string | undefined,
): ClausesConvention {
  const etat = typeReservataire === 'etat';
  return {
    fondement:
      contrepartieReference ??
      (etat
        ? 'Contingent préfectoral (CCH L.441-1 et R.441-5-2)'
        : 'À préciser : l’acte accordant la garantie des emprunts, le financement ou l’apport de terrain'),
    debutLe: effectifLe,
    finLe: finApres(effectifLe, valeurAu('dureeConventionAns', effectifLe)),
    renouvellement: 'expres',
    categoriesPrioritaires: etat ? ['dalo', 'pdalhpd', 'autre_l441_1'] : [],
    delaiSignalementJours: valeurAu('delaiSignalementVacanceJours', effectifLe),
    regleSansCandidat:
      'Le bailleur reprend le logement pour une seule mise en location (« pour un tour ») et en informe le réservataire ; le logement revient ensuite au flux.',
    delaiInformationCalJours: valeurAu('delaiInformationCalJours', effectifLe),
    delaiInformationBailJours: valeurAu('delaiInformationBailJours', effectifLe),
    referenceCia: 'Convention intercommunale d’attribution de chaque EPCI concerné (CCH L.441-1-6)',
    orientationsCil: 'Orientations d’attribution adoptées par la conférence intercommunale du logement (CCH L.441-1-5)',
    evaluation:
      'Les parties se réunissent chaque année, après la transmission du bilan, pour évaluer la mise en œuvre de la convention et, s’il y a lieu, l’adapter par avenant.',
  };
}

/** Checks on clauses that a schema cannot say (dates in order). Messages in French. */
export function problemesClauses(c: ClausesConvention): { chemin: string; message: string }[] {
  const out: { chemin: string; message: string }[] = [];
  if (c.finLe < c.debutLe)
    out.push({
      chemin: 'clauses.finLe',
      message: `la convention prend fin après son début (${dateLongue(c.debutLe)}) : corrigez la date de fin`,
    });
  return out;
}

export interface ArticleDocument {
  numero: number;
  titre: string;
  alineas: string[];
  /** The texts the article applies (CCH …). */
  references: string[];
}

export interface AnnexeDocument {
  titre: string;
  alineas: string[];
  tableau: { colonnes: string[]; lignes: string[][] } | null;
}

export interface DocumentConvention {
  titre: string;
  entete: string[];
  articles: ArticleDocument[];
  annexes: AnnexeDocument[];
}

export interface EntreeDocument {
  bailleur: string;
  reservataire: { nom: string; type: string };
  departement: string;
  /** The version an avenant draft starts from (null for a new convention). */
  avenantDe: { version: number; taux: number; forme: string | null } | null;
  parametres: Omit<Convention, 'id' | 'reservataire' | 'report'>;
  effectifLe: string;
  motif: string | null;
  clauses: ClausesConvention;
  /** The CIL's review of each EPCI the draft covers, in name order. */
  avisCil: { epci: string; avis: string | null; seanceLe: string | null; motifs: string | null }[];
  /** The latest état des lieux signed by every party, summed up (null if none). */
  etatDesLieux: {
    version: number;
    date: string;
    empreinte: string;
    logements: number;
    reservesReservataire: number;
    droitsUniquesReservataire: number;
  } | null;
}

const pourcent = (x: number) => `${(x * 100).toLocaleString('fr-FR', { maximumFractionDigits: 4 })} %`;
const jours = (n: number) => `${n} jour${n > 1 ? 's' : ''}`;

const LIBELLES_DECOMPTE: Record<string, string> = {
  mise_a_disposition: 'à la mise à disposition du logement (son orientation vers le réservataire)',
  attribution: 'à la décision d’attribution de la commission (CALEOL)',
  bail_signe: 'à la signature du bail',
};

function perimetreEnClair(p: Convention['perimetre'], departement: string): string {
  if ('communes' in p) return `le patrimoine du bailleur dans les communes ${p.communes.join(', ')}`;
  if ('epci' in p) return `le patrimoine du bailleur sur le territoire de l’EPCI ${p.epci}`;
  return `tout le patrimoine locatif social du bailleur dans le département ${p.departement ?? departement}`;
}

/** The convention's document, from its stored terms. */
export function documentConvention(e: EntreeDocument): DocumentConvention {
  const p = e.parametres;
  const c = e.clauses;
  const etat = e.reservataire.type === 'etat';
  const nature = e.avenantDe ? `Avenant à la convention de réservation en flux` : `Convention de réservation en flux`;
  const echeance = String(valeurAu('echeanceBilan', e.effectifLe)).split('-');
  const prioritaires = valeurAu('objectifPrioritaires', e.effectifLe);
  const contrepartie = p.contrepartie;
  const parts = contrepartie
    ? (
        [
          ['garantie des emprunts', contrepartie.garantie],
          ['financement', contrepartie.financement],
          ['apport de terrain', contrepartie.terrain],
          ['autre contrepartie', contrepartie.autre],
        ] as const
      )
        .filter(([, t]) => t > 0)
        .map(([l, t]) => `${pourcent(t)} en contrepartie de : ${l}`)
    : [];
  const articles: Omit<ArticleDocument, 'numero'>[] = [
    {
      titre: 'Objet et parties',
      alineas: [
        `La présente ${e.avenantDe ? 'convention, modifiée par avenant,' : 'convention'} est conclue entre ${e.bailleur}, organisme bailleur, et ${e.reservataire.nom}, réservataire, pour le département ${e.departement}.`,
        `Elle fixe la part du flux annuel de logements locatifs sociaux du bailleur réservée à ${e.reservataire.nom} et les modalités pratiques de sa mise en œuvre.`,
        ...(e.avenantDe
          ? [
              `Le présent avenant modifie la version ${e.avenantDe.version} de la convention (taux de ${pourcent(e.avenantDe.taux)}${e.avenantDe.forme ? `, convention ${e.avenantDe.forme}` : ''}).`,
            ]
          : []),
        ...(e.motif ? [`Motif : ${e.motif}`] : []),
      ],
      references: ['CCH L.441-1', 'CCH R.441-5'],
    },
    {
      titre: 'Périmètre',
      alineas: [
        `La convention porte sur ${perimetreEnClair(p.perimetre, e.departement)}.`,
        'Sont soustraits du flux annuel les logements nécessaires aux mutations internes des locataires du bailleur et aux relogements prévus par l’article R.441-5 (renouvellement urbain, copropriétés dégradées, habitat indigne, ventes) ; les réservataires sont informés avant l’échéance du bilan de leur nombre prévisionnel.',
      ],
      references: ['CCH R.441-5 I'],
    },
    {
      titre: 'Part du flux réservée',
      alineas: [
        `${e.reservataire.nom} dispose de ${pourcent(p.taux)} du flux annuel de logements mis en location ou remis à la location sur ce périmètre${p.tauxAgents ? `, dont ${pourcent(p.tauxAgents)} au bénéfice des agents civils et militaires de l’État` : ''}.`,
        `Fondement des droits : ${c.fondement}.`,
        ...(parts.length ? [`Contreparties : ${parts.join(' ; ')}.`] : []),
        ...(p.contrepartie?.reference ? [`Acte : ${p.contrepartie.reference}.`] : []),
        ...(p.derogation
          ? [
              `Dérogation préfectorale (arrêté ${p.derogation.arrete}) du ${dateLongue(p.derogation.du)} au ${dateLongue(p.derogation.au)}.`,
            ]
          : []),
      ],
      references: etat ? ['CCH R.441-5', 'CCH R.441-5-2 I'] : ['CCH R.441-5'],
    },
    {
      titre: 'Engagements qualitatifs',
      alineas: [
        ...contraintesEnClair(p, etat).map((x) => `Engagement : ${x}.`),
        ...(c.categoriesPrioritaires.length
          ? [
              `Le réservataire désigne des ménages relevant des catégories suivantes : ${c.categoriesPrioritaires.map((k) => CATEGORIES_PRIORITAIRES[k]).join(' ; ')}.`,
            ]
          : []),
        etat
          ? 'Les attributions au titre du contingent, hors agents de l’État, bénéficient aux publics prioritaires de l’article L.441-1.'
          : `Au moins ${pourcent(prioritaires)} des attributions annuelles au titre de la convention bénéficient aux publics prioritaires de l’article L.441-1.`,
        `Les attributions respectent la convention intercommunale d’attribution : ${c.referenceCia}.`,
        `Orientations de la conférence intercommunale du logement : ${c.orientationsCil}.`,
      ],
      references: etat
        ? ['CCH L.441-1', 'CCH R.441-5-2 II', 'CCH L.441-1-5', 'CCH L.441-1-6']
        : ['CCH L.441-1', 'CCH L.441-1-5', 'CCH L.441-1-6'],
    },
    {
      titre: 'Orientation et signalement des logements libérés',
      alineas: [
        `Le bailleur signale au réservataire chaque logement orienté vers lui dans un délai de ${jours(c.delaiSignalementJours)} à compter de la réception du congé du locataire ou de la livraison du logement, avec ses caractéristiques (typologie, financement, loyer, localisation).`,
        p.gestion === 'deleguee'
          ? 'Gestion déléguée : le bailleur désigne lui-même les candidats pour le compte du réservataire et lui en rend compte en continu.'
          : `Gestion directe : le réservataire propose ${p.candidatsDemandes} candidat${p.candidatsDemandes > 1 ? 's' : ''} par logement.`,
      ],
      references: ['CCH R.441-5', 'arrêté du 10 mars 2011, art. 1, 4°'],
    },
    {
      titre: 'Délai de proposition et absence de candidat',
      alineas: [
        `Le réservataire propose ses candidats dans un délai de ${jours(p.delaiPropositionJours)} à compter du signalement.`,
        `À défaut de candidat dans ce délai : ${c.regleSansCandidat}`,
        p.echecDecompte
          ? 'Le logement ainsi repris est décompté du droit du réservataire.'
          : 'Le logement ainsi repris n’est pas décompté du droit du réservataire.',
        `Le bailleur informe le réservataire de la décision de la commission d’attribution (CALEOL) dans un délai de ${jours(c.delaiInformationCalJours)}, avec ses motifs en cas de refus, et de la signature du bail dans un délai de ${jours(c.delaiInformationBailJours)}.`,
        'L’échec de l’attribution d’un logement situé en quartier prioritaire de la politique de la ville fait du maire le réservataire désignant pour ce logement.',
      ],
      references: ['CCH R.441-5', 'CCH L.441-1', 'arrêté du 10 mars 2011, art. 1, 5° à 9°'],
    },
    {
      titre: 'Décompte',
      alineas: [
        `Un logement est décompté du droit du réservataire ${LIBELLES_DECOMPTE[p.decompte] ?? p.decompte}.`,
        p.regleReport === undefined || p.regleReport === 'aucun'
          ? 'L’écart de l’année entre les logements décomptés et le droit n’est pas reporté sur l’année suivante.'
          : p.regleReport === 'integral'
            ? 'L’écart de l’année entre les logements décomptés et le droit est reporté en entier sur l’année suivante.'
            : `L’écart de l’année est reporté sur l’année suivante dans la limite de ${p.regleReport.plafond} logement(s).`,
      ],
      references: ['CCH R.441-5'],
    },
    {
      titre: 'Bilan annuel et évaluation',
      alineas: [
        `Le bailleur adresse au réservataire, avant le ${Number(echeance[1])} ${['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'][Number(echeance[0]) - 1]} de chaque année, le bilan des logements proposés et attribués au titre de la convention l’année précédente.`,
        c.evaluation,
      ],
      references: ['CCH R.441-5-1', 'arrêté du 10 mars 2011, art. 1, 11°'],
    },
    {
      titre: 'Durée',
      alineas: [
        `La convention prend effet le ${dateLongue(e.effectifLe)}. Elle court du ${dateLongue(c.debutLe)} au ${dateLongue(c.finLe)} inclus.`,
        `Elle est ${LIBELLES_RENOUVELLEMENT[c.renouvellement]}.`,
      ],
      references: ['arrêté du 10 mars 2011, art. 1, 10°'],
    },
    {
      titre: 'Avenants',
      alineas: [
        'Toute modification de la convention fait l’objet d’un avenant signé par les parties, présenté au préalable à la conférence intercommunale du logement de chaque EPCI dont il couvre le territoire.',
        ...(e.avisCil.length
          ? e.avisCil.map((a) =>
              a.avis === null
                ? `Avis de la CIL (${a.epci}) : attendu.`
                : `Avis de la CIL (${a.epci}) : ${a.avis === 'favorable' ? 'favorable' : 'réservé'} (séance du ${dateLongue(a.seanceLe!)})${a.motifs ? ` — réserves : ${a.motifs}` : ''}.`,
            )
          : ['Le projet ne couvre le territoire d’aucun EPCI connu : aucun avis de CIL n’est attendu.']),
      ],
      references: ['CCH L.441-1-5'],
    },
  ];
  const edl = e.etatDesLieux;
  const annexes: AnnexeDocument[] = [
    {
      titre: 'Annexe 1 — Synthèse de l’état des lieux des réservations',
      alineas: edl
        ? [
            `Version ${edl.version} de l’état des lieux au ${dateLongue(edl.date)}, signée par toutes les parties (empreinte SHA-256 ${edl.empreinte}).`,
          ]
        : ['Aucun état des lieux signé par toutes les parties pour ce bailleur et ce département.'],
      tableau: edl
        ? {
            colonnes: ['Élément', 'Nombre'],
            lignes: [
              ['Logements du bailleur dans le département', String(edl.logements)],
              [`Logements réservés à ${e.reservataire.nom}`, String(edl.reservesReservataire)],
              [`Droits uniques de ${e.reservataire.nom}`, String(edl.droitsUniquesReservataire)],
            ],
          }
        : null,
    },
    {
      titre: 'Annexe 2 — Chiffres de la conversion',
      alineas: [
        e.avenantDe
          ? `Taux de la version ${e.avenantDe.version} : ${pourcent(e.avenantDe.taux)} ; taux de la présente version : ${pourcent(p.taux)}.`
          : `Taux de la présente convention : ${pourcent(p.taux)}.`,
        ...(p.forme && p.forme !== 'flux' ? [`Forme de la convention : ${p.forme}.`] : []),
        'Le détail des méthodes de conversion (rotation par segment, flux prévisionnel) figure sur la page Conversion de Flux.',
      ],
      tableau: null,
    },
  ];
  return {
    titre: `${nature} — ${e.bailleur} et ${e.reservataire.nom}`,
    entete: [
      `Département ${e.departement}`,
      'Vu le code de la construction et de l’habitation, notamment ses articles L.441-1, R.441-5 à R.441-5-4.',
    ],
    articles: articles.map((a, i) => ({ numero: i + 1, ...a })),
    annexes,
  };
}
