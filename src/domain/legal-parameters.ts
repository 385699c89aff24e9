/**
 * Legal parameters as dated, sourced data — never literals in the rules. Each value holds from
 * `du` (inclusive) to `au` (inclusive, null = still in force). `valeurAu` picks the one in force.
 */
import { DonneesInvalides } from './errors.ts';

export interface ParametreDate<T> {
  valeur: T;
  du: string;
  au: string | null;
  source: string;
}

export const PARAMETRES = {
  /** State's share of the bailleur's annual flow, at most. */
  plafondEtat: [
    {
      valeur: 0.3,
      du: '2000-01-01',
      au: '2020-02-21',
      source:
        'CCH art. R.441-5 dans sa rédaction antérieure au décret n° 2020-145 (contingent préfectoral : 30 % au plus)',
    },
    {
      valeur: 0.3,
      du: '2020-02-22',
      au: null,
      source: 'CCH art. R.441-5-2 I, créé par le décret n° 2020-145 du 20 février 2020',
    },
  ],
  /** Of which, for the State's civil and military agents, at most. */
  plafondAgentsEtat: [
    {
      valeur: 0.05,
      du: '2000-01-01',
      au: '2020-02-21',
      source:
        'CCH art. R.441-5 dans sa rédaction antérieure au décret n° 2020-145 (dont 5 % au plus pour les agents de l’État)',
    },
    {
      valeur: 0.05,
      du: '2020-02-22',
      au: null,
      source: 'CCH art. R.441-5-2 I, créé par le décret n° 2020-145 du 20 février 2020',
    },
  ],
  /** Longest duration of a préfet's derogation to the State caps, in months (one year). */
  dureeMaxDerogationMois: [
    {
      valeur: 12,
      du: '2000-01-01',
      au: '2020-02-21',
      source: 'Durée d’un an retenue par analogie avec CCH art. R.441-5-2 I (décret n° 2020-145)',
    },
    {
      valeur: 12,
      du: '2020-02-22',
      au: null,
      source: 'CCH art. R.441-5-2 I : « une durée déterminée qui ne peut excéder un an »',
    },
  ],
  /** Default least share of the State's flow outside QPV. */
  partHorsQpvMinEtat: [
    {
      valeur: 0,
      du: '2000-01-01',
      au: '2020-02-21',
      source: 'Règle créée par le décret n° 2020-145 : aucune part minimale avant le 22 février 2020',
    },
    { valeur: 0.3, du: '2020-02-22', au: null, source: 'CCH art. R.441-5-2 II (« sauf stipulation contraire »)' },
  ],
  /** Collectivities' rights in exchange for loan guarantees, at most (overall). */
  plafondGarantiesCollectivites: [
    {
      valeur: 0.2,
      du: '2000-01-01',
      au: null,
      source: 'CCH art. R.441-5 (droits en contrepartie de la garantie des emprunts)',
    },
  ],
  /** Allocations outside QPV to the first quartile or to ANRU-rehoused households, at least. */
  objectifQuartile1HorsQpv: [
    {
      valeur: 0.25,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (loi Égalité et citoyenneté n° 2017-86, art. 70)',
    },
  ],
  /** Allocations in QPV to applicants above the first quartile, at least (unless the CIL says otherwise). */
  objectifNonQuartile1EnQpv: [
    {
      valeur: 0.5,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (loi Égalité et citoyenneté n° 2017-86, art. 70)',
    },
  ],
  /** Each réservataire's (and the bailleur's) allocations to priority publics, at least. */
  objectifPrioritaires: [
    {
      valeur: 0.25,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (loi Égalité et citoyenneté n° 2017-86, art. 70)',
    },
  ],
  /**
   * Deadline to convert stock conventions into flow (the last day they may still be signed): after
   * it, the rights of a réservataire with no flow convention fall to the préfet.
   */
  dateLimiteConversion: [
    {
      valeur: '2021-11-24',
      du: '2018-11-25',
      au: '2022-02-22',
      source:
        'Loi ELAN n° 2018-1021 du 23 novembre 2018, art. 114 IV (mise en conformité dans les trois ans des conventions « ne portant pas exclusivement sur un flux ») ; décret n° 2020-145 du 20 février 2020, art. 3 I',
    },
    {
      valeur: '2023-11-24',
      du: '2022-02-23',
      au: null,
      source:
        'Loi ELAN n° 2018-1021 art. 114 IV, échéance reportée par la loi 3DS n° 2022-217 du 21 février 2022 ; à défaut de convention en flux signée, le flux du réservataire relève du préfet (décret n° 2020-145 art. 3, modifié par le décret n° 2021-1016 : reprise décidée par le préfet)',
    },
  ],
  /** Day and month before which the annual bilan and the excluded-units forecast are due. */
  echeanceBilan: [
    { valeur: '02-28', du: '2020-02-22', au: null, source: 'CCH art. R.441-5-1 et R.441-5 I (décret n° 2020-145)' },
  ],
  /**
   * Day and month from which the bailleur is reminded of a bilan not yet issued or sent (first and
   * second reminders). Not in a text: Flux's choice (ADR 0017), a month and a week before the
   * deadline.
   */
  premierRappelBilan: [
    { valeur: '02-01', du: '2020-02-22', au: null, source: 'Choix de Flux (ADR 0017) : un mois avant l’échéance' },
  ],
  secondRappelBilan: [
    { valeur: '02-21', du: '2020-02-22', au: null, source: 'Choix de Flux (ADR 0017) : une semaine avant l’échéance' },
  ],
  /** Days an applicant has to answer an offer; silence is a refusal. */
  delaiReponseDemandeurJours: [
    {
      valeur: 10,
      du: '2020-02-22',
      au: null,
      source: 'CCH art. R.441-10 (délai de réflexion d’au moins dix jours ; le silence vaut refus en pratique)',
    },
  ],
  /**
   * Consumption units of a household, for its first quartile (L.441-1): the first person, each other
   * person of 14 or more, each child under 14. The INSEE's « échelle OCDE modifiée », which the
   * annual arrêté's amounts are expressed in (ADR 0031: the arrêté's wording to be checked).
   */
  ucPremierePersonne: [
    {
      valeur: 1,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (ressources par unité de consommation) ; échelle OCDE modifiée (INSEE) — ADR 0031',
    },
  ],
  ucAutrePersonne14Ans: [
    {
      valeur: 0.5,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (ressources par unité de consommation) ; échelle OCDE modifiée (INSEE) — ADR 0031',
    },
  ],
  ucEnfantMoins14Ans: [
    {
      valeur: 0.3,
      du: '2017-01-27',
      au: null,
      source: 'CCH art. L.441-1 (ressources par unité de consommation) ; échelle OCDE modifiée (INSEE) — ADR 0031',
    },
  ],
  /**
   * Months after an unsuccessful candidate's letting closed before its household data is erased
   * (RGPD art. 5.1.e, storage limitation): no text sets it for this processing, hence a choice.
   */
  delaiAnonymisationCandidatsMois: [
    {
      valeur: 12,
      du: '2017-01-01',
      au: null,
      source:
        'Choix de Flux (ADR 0034) : un an après la fin de la location, le temps d’une contestation de la décision et du renouvellement annuel de la demande',
    },
  ],
  /**
   * How long a demand of social housing stays valid, in months, from its registration or its last
   * renewal; not renewed, it is struck off (radiée). Flux keeps an imported demand no longer (ADR 0036).
   */
  dureeValiditeDemandeMois: [
    {
      valeur: 12,
      du: '2010-05-03',
      au: null,
      source:
        'CCH art. R.441-2-7 (décret n° 2010-431 du 29 avril 2010) : « une durée de validité d’un an à compter de sa présentation initiale ou, le cas échéant, de son dernier renouvellement »',
    },
  ],
  /**
   * Default terms of a convention's document (issue 14 item 2, ADR 0043). The texts read fix none of
   * them: R.441-5-2 III leaves the matters to a ministerial arrêté, whose 2011 list (arrêté du 10 mars
   * 2011, art. 1) names the duration and renewal, the notice of vacancies and the information on the
   * CAL's decisions and the leases without figures. Flux's choices, each party may change them in
   * the draft.
   */
  dureeConventionAns: [
    {
      valeur: 3,
      du: '2020-02-22',
      au: null,
      source:
        'Choix de Flux (ADR 0043) : durée proposée par défaut ; la durée et le renouvellement sont des matières de la convention (arrêté du 10 mars 2011, art. 1, 10°)',
    },
  ],
  delaiSignalementVacanceJours: [
    {
      valeur: 8,
      du: '2020-02-22',
      au: null,
      source:
        'Choix de Flux (ADR 0043) : délai proposé par défaut pour signaler un logement libéré au réservataire (arrêté du 10 mars 2011, art. 1, 4°)',
    },
  ],
  delaiInformationCalJours: [
    {
      valeur: 15,
      du: '2020-02-22',
      au: null,
      source:
        'Choix de Flux (ADR 0043) : délai proposé par défaut pour informer le réservataire des décisions de la CALEOL (arrêté du 10 mars 2011, art. 1, 7°)',
    },
  ],
  delaiInformationBailJours: [
    {
      valeur: 30,
      du: '2020-02-22',
      au: null,
      source:
        'Choix de Flux (ADR 0043) : délai proposé par défaut pour informer le réservataire des baux signés (arrêté du 10 mars 2011, art. 1, 9°)',
    },
  ],
  /**
   * The CALEOL's occupancy review (CCH L.442-5-2, loi ELAN n° 2018-1021): every `periodicite` years
   * from the lease's signature, in the zones of the article (ADR 0044).
   */
  periodiciteExamenOccupationAns: [
    {
      valeur: 3,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.442-5-2 (loi ELAN n° 2018-1021) : « tous les trois ans à compter de la date de signature du contrat de location »',
    },
  ],
  /**
   * Under-occupation (L.442-5-2 2° → L.621-2): habitable rooms, kitchens not counted, MORE than the
   * persons living there by more than this number.
   */
  sousOccupationPiecesEnPlus: [
    {
      valeur: 1,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.621-2 (rédaction de la loi n° 2017-86) : pièces habitables, non compris les cuisines, « supérieur de plus de un au nombre de personnes qui y ont effectivement leur résidence principale »',
    },
  ],
  /**
   * Over-occupation (L.442-5-2 1° → L.822-10, the housing benefit's occupancy condition): least
   * habitable surface, in m², for one person, for two, added per further person, and its cap (eight
   * persons and more). Strictly below = over-occupied.
   */
  surfaceMinUnePersonne: [
    {
      valeur: 9,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.442-5-2 1° → L.822-10 (ancien CSS L.542-2 I 3°) ; seuils de l’ancien CSS art. D.542-14 2° : 9 m² pour une personne seule',
    },
  ],
  surfaceMinDeuxPersonnes: [
    {
      valeur: 16,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.442-5-2 1° → L.822-10 ; seuils de l’ancien CSS art. D.542-14 2° : 16 m² pour un ménage sans enfant ou deux personnes',
    },
  ],
  surfaceMinParPersonneEnPlus: [
    {
      valeur: 9,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.442-5-2 1° → L.822-10 ; seuils de l’ancien CSS art. D.542-14 2° : augmentée de 9 m² par personne en plus',
    },
  ],
  surfaceMinPlafond: [
    {
      valeur: 70,
      du: '2018-11-25',
      au: null,
      source:
        'CCH art. L.442-5-2 1° → L.822-10 ; seuils de l’ancien CSS art. D.542-14 2° : dans la limite de 70 m² pour huit personnes et plus',
    },
  ],
  /**
   * Days ahead of an anniversary from which the bailleur's list shows the household (to prepare its
   * file for the CALEOL). Not in a text: Flux's choice (ADR 0044), one quarter.
   */
  horizonExamenOccupationJours: [
    {
      valeur: 90,
      du: '2018-11-25',
      au: null,
      source: 'Choix de Flux (ADR 0044) : un trimestre pour préparer le dossier avant l’échéance triennale',
    },
  ],
} as const satisfies Record<string, readonly ParametreDate<number | string>[]>;

export type NomParametre = keyof typeof PARAMETRES;

/** The version of a parameter in force on an ISO date (value and source), or null if none is. */
export function parametreEnVigueur<N extends NomParametre>(
  nom: N,
  date: string,
): ParametreDate<(typeof PARAMETRES)[N][number]['valeur']> | null {
  const versions: readonly ParametreDate<number | string>[] = PARAMETRES[nom];
  const found = versions.find((v) => v.du <= date && (v.au === null || date <= v.au));
  return (found ?? null) as ParametreDate<(typeof PARAMETRES)[N][number]['valeur']> | null;
}

/**
 * The value of a parameter in force on an ISO date. A date before the law that set it (a year asked
 * for out of the period Flux covers) is a `DonneesInvalides`, named in French.
 */
export function valeurAu<N extends NomParametre>(nom: N, date: string): (typeof PARAMETRES)[N][number]['valeur'] {
  const found = parametreEnVigueur(nom, date);
  if (!found) {
    const [a, m, j] = date.split('-');
    throw new DonneesInvalides([
      {
        chemin: 'annee',
        message: `date hors de la période couverte par les règles légales de Flux (aucune règle en vigueur au ${j}/${m}/${a})`,
      },
    ]);
  }
  return found.valeur;
}
