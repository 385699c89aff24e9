/**
 * The options the Monte Carlo year compares (issue 18 item 3, ADR 0045 and 0049), with their French
 * names and their assumptions in words: the counting rules, one réservataire or all per unit,
 * delegated management of the State's contingent, the carry-over rules, and 1 or 3 years of
 * turnover history. The numbers they assume are parameters (`ParametresOptions`), edited by the
 * reader; the options are data the runner passes through (`OptionPlan`).
 */
import { OPTIONS_DECOMPTE, type HypothesesAnnee, type OptionPlan } from './planification.ts';
import type { Scenario, Typologie } from './types.ts';

/** The turnover of past years, oldest first, the observed year last. */
export interface HistoriqueRotation {
  annees: number[];
  rotations: number[];
  /** `stockee`: read in the years' stored events; `saisie`: entered by the reader. */
  source: 'stockee' | 'saisie';
}

export interface ParametresOptions {
  /** Share of the delegated lines' lettings still ending without a candidate (default 0). */
  sansCandidatDelegue: number;
  /** The cap of the capped carry-over, in units either way (default 2). */
  plafondReport: number;
  /** Past years' turnover; fewer than two years: no « 3 ans » option (said in `absentes`). */
  historique: HistoriqueRotation | null;
}

export const PARAMETRES_OPTIONS_DEFAUT: ParametresOptions = {
  sansCandidatDelegue: 0,
  plafondReport: 2,
  historique: null,
};

export const NOM_TELLES_QUELLES = 'conventions telles quelles';
export const DESCRIPTION_TELLES_QUELLES =
  'Les conventions telles qu’écrites : un réservataire par logement (la règle du moteur), la gestion et la règle de report de chaque convention, la rotation de la seule année observée (1 an d’historique).';

export const NOM_TOUS = 'tous les réservataires par logement';
export const NOM_DELEGUEE = 'gestion déléguée au bailleur (contingent de l’État)';
export const NOM_REPORT_AUCUN = 'report : aucun';
export const nomReportPlafonne = (p: number) =>
  `report plafonné à ${p.toLocaleString('fr-FR')} logement${p > 1 ? 's' : ''}`;
export const NOM_REPORT_INTEGRAL = 'report : intégral';
export const nomHistorique = (n: number) => `historique de ${n} ans (rotation)`;

const pourcent = (x: number) => `${(Math.round(x * 1000) / 10).toLocaleString('fr-FR')} %`;

/** The State's réservataires of the scenario (their lines are the State's contingent). */
export const lignesEtat = (s: Scenario): string[] =>
  s.reservataires
    .filter((r) => r.type === 'etat' && s.conventions.some((c) => c.reservataire === r.id))
    .map((r) => r.id);

/**
 * The assumptions of the « 3 ans » option: each run replays the turnover level of one of the past
 * years (the observed year's rates, by typology, times that year's turnover over the observed one).
 */
export function hypothesesHistorique(h: HypothesesAnnee, hist: HistoriqueRotation): Partial<HypothesesAnnee> {
  const derniere = hist.rotations[hist.rotations.length - 1]!;
  const moyenne = hist.rotations.reduce((a, b) => a + b, 0) / hist.rotations.length;
  const f = derniere > 0 ? moyenne / derniere : 1;
  const parTypologie: Partial<Record<Typologie, number>> = {};
  for (const [t, x] of Object.entries(h.rotationParTypologie ?? {})) parTypologie[t as Typologie] = x * f;
  return {
    rotation: h.rotation * f,
    ...(h.rotationParTypologie ? { rotationParTypologie: parTypologie } : {}),
    historiqueRotation: [...hist.rotations],
  };
}

/**
 * Every option beside the conventions as written, in the order they are shown, and the options
 * that cannot be run here with the reason (no State convention, fewer than two years of history).
 */
export function optionsComparees(
  s: Scenario,
  h: HypothesesAnnee,
  p: ParametresOptions,
): { options: OptionPlan[]; absentes: { nom: string; raison: string }[] } {
  const options: OptionPlan[] = OPTIONS_DECOMPTE.map((o) => ({
    ...o,
    description: `Les mêmes tirages, chaque logement décompté du droit ${
      o.decompte === 'mise_a_disposition'
        ? 'dès son orientation (mise à disposition)'
        : o.decompte === 'attribution'
          ? 'à la décision d’attribution de la CAL'
          : 'à la signature du bail'
    }.`,
  }));
  const absentes: { nom: string; raison: string }[] = [];
  options.push({
    nom: NOM_TOUS,
    parLogement: 'tous',
    description:
      'Chaque logement que le moteur donnerait à un réservataire est proposé à la fois à tous ceux dont la convention le couvre ; le premier dossier complet l’emporte (tiré au prorata de leurs taux) et le logement compte pour lui. Chaque réservataire instruit ses candidats pour chaque logement proposé ; la CAL examine ceux du réservataire retenu. Les logements de la part propre du bailleur ne sont pas proposés.',
  });
  const etat = lignesEtat(s);
  if (etat.length > 0)
    options.push({
      nom: NOM_DELEGUEE,
      gestionDeleguee: { lignes: etat, sansCandidat: p.sansCandidatDelegue },
      description: `Le bailleur désigne les candidats pour le compte de l’État : il instruit les dossiers de la ligne de l’État, et ${pourcent(Math.min(p.sansCandidatDelegue, h.sansCandidat))} de ses locations finissent encore sans candidat (${pourcent(h.sansCandidat)} tirés en gestion directe). Le décompte ne change pas : les logements restent sur la ligne de l’État.`,
    });
  else absentes.push({ nom: NOM_DELEGUEE, raison: 'aucune convention de l’État cette année' });
  options.push(
    {
      nom: NOM_REPORT_AUCUN,
      regleReport: 'aucun',
      description: 'L’écart au 31 décembre n’est pas reporté sur l’année suivante (règle contractuelle, ADR 0005).',
    },
    {
      nom: nomReportPlafonne(p.plafondReport),
      regleReport: { plafond: p.plafondReport },
      description: `L’écart au 31 décembre est reporté dans la limite de ${p.plafondReport.toLocaleString('fr-FR')} logement(s), en plus comme en moins.`,
    },
    {
      nom: NOM_REPORT_INTEGRAL,
      regleReport: 'integral',
      description: 'L’écart au 31 décembre est reporté en entier sur l’année suivante.',
    },
  );
  const hist = p.historique;
  if (hist && hist.rotations.length >= 2)
    options.push({
      nom: nomHistorique(hist.rotations.length),
      hypotheses: hypothesesHistorique(h, hist),
      description: `Chaque tirage rejoue la rotation de l’une des années ${hist.annees.join(', ')} (${hist.source === 'stockee' ? 'lue dans leurs événements stockés' : 'saisie'}) : ${hist.rotations.map(pourcent).join(', ')} ; mêmes graines, les années sont tirées à nouveau.`,
    });
  else
    absentes.push({
      nom: nomHistorique(3),
      raison: 'moins de deux années de rotation connues : saisissez celles des années passées',
    });
  return { options, absentes };
}
