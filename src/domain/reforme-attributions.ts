/**
 * Which EPCIs the allocation reform binds (CCH L.441-1-5, loi Égalité et citoyenneté): those
 * required to adopt a local housing programme (PLH, CCH L.302-1) and those holding the housing
 * competence with at least one quartier prioritaire (QPV). Only they set up a CIL, sign a CIA and
 * follow the per-EPCI allocation objectives (25 % hors QPV, 50 % en QPV). The criteria are legal
 * parameters as data (ADR 0038); the facts they read are reference data: the EPCI's nature and
 * populations in the COG, the QPV list. Pure: no I/O.
 */

/** The legal thresholds of a mandatory PLH for a communauté de communes (CCH L.302-1). */
export const CRITERES_REFORME = {
  /** Natures of EPCI whose PLH is mandatory whatever their size. */
  naturesPlhObligatoire: ['METRO', 'MET69', 'CU', 'CA'] as readonly string[],
  /** A communauté de communes competent for housing: more than this population… */
  populationCc: 30_000,
  /** …and at least one commune of more than this population. */
  populationCommuneCc: 10_000,
  source:
    'CCH art. L.441-1-5 (EPCI tenus de se doter d’un PLH ou compétents en matière d’habitat avec au moins un QPV) ; ' +
    'CCH art. L.302-1 (PLH obligatoire : métropoles, communautés urbaines et d’agglomération, communautés de communes ' +
    'compétentes en matière d’habitat de plus de 30 000 habitants comprenant au moins une commune de plus de 10 000 habitants)',
} as const;

export type MotifReforme = 'plh' | 'qpv';

export interface EpciPourReforme {
  /** COG nature: METRO, MET69, CU, CA, CC. */
  nature: string;
  /** Total population of the EPCI. */
  population: number;
  /** Population of its largest member commune. */
  plusGrandeCommune: number;
  /** At least one QPV on its territory. */
  qpv: boolean;
}

export interface Assujettissement {
  soumis: boolean;
  motifs: MotifReforme[];
  /** Why, in French, for the screen. */
  explication: string;
}

const NATURES: Record<string, string> = {
  METRO: 'métropole',
  MET69: 'Métropole de Lyon',
  CU: 'communauté urbaine',
  CA: 'communauté d’agglomération',
  CC: 'communauté de communes',
};

/** Whether the reform binds this EPCI, and why. */
export function assujettissementReforme(e: EpciPourReforme): Assujettissement {
  const c = CRITERES_REFORME;
  const plh =
    c.naturesPlhObligatoire.includes(e.nature) ||
    (e.nature === 'CC' && e.population > c.populationCc && e.plusGrandeCommune > c.populationCommuneCc);
  const motifs: MotifReforme[] = [...(plh ? (['plh'] as const) : []), ...(e.qpv ? (['qpv'] as const) : [])];
  const nature = NATURES[e.nature] ?? 'EPCI';
  const raisons = [
    plh ? `${nature} tenue de se doter d’un programme local de l’habitat` : null,
    e.qpv ? 'au moins un quartier prioritaire de la politique de la ville sur son territoire' : null,
  ].filter((r): r is string => r !== null);
  return {
    soumis: motifs.length > 0,
    motifs,
    explication: motifs.length
      ? `Soumis à la réforme des attributions : ${raisons.join(' ; ')}.`
      : `Non soumis à la réforme des attributions : ${nature} sans programme local de l’habitat obligatoire ni quartier prioritaire connu.`,
  };
}
