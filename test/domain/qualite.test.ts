/** The data-quality report (src/domain/qualite.ts): each control on a small table, the indicator exactly. */
import { describe, expect, it } from 'vitest';
import {
  controlesDuLogement,
  departementDuQpv,
  MAX_EXEMPLES,
  rapportQualite,
  REFERENCE_INDICATEUR,
  type CodeControle,
  type EntreeQualite,
  type LogementQualite,
  type LocationQualite,
} from '../../src/domain/qualite.ts';

/** A unit that passes every control. */
const BON: LogementQualite = {
  id: 'L1',
  rpls: '0000000001',
  departement: '45',
  commune: '45234',
  qpv: null,
  typologie: 'T3',
  financement: 'PLUS',
  construction: 1975,
  surface: 65,
  conventionne: true,
  reservationStock: 'aucune',
  absentRplsDepuis: null,
};

/** A tiny COG: Orléans, Fleury; 45001 was merged into 45234 (fictitious, for the test). */
const COG: Record<string, string> = {
  '45234': '45234',
  '45147': '45147',
  '45001': '45234',
  '2A004': '2A004',
  '97105': '97105',
};
const communeCourante = (code: string): string | null => COG[code] ?? null;

function entree(logements: LogementQualite[], locations: LocationQualite[] = []): EntreeQualite {
  return {
    bailleur: { id: 'B', nom: 'Bailleur test' },
    logements,
    locations,
    annee: 2025,
    anneeCourante: 2026,
    communeCourante,
  };
}

const controles = (changement: Partial<LogementQualite>): CodeControle[] =>
  controlesDuLogement({ ...BON, ...changement }, { anneeCourante: 2026, communeCourante });

describe('contrôles par logement', () => {
  it('un logement complet ne déclenche aucun contrôle', () => {
    expect(controles({})).toEqual([]);
  });

  const CAS: [string, Partial<LogementQualite>, CodeControle[]][] = [
    ['RPLS manquant', { rpls: null }, ['RPLS_ABSENT']],
    ['RPLS vide', { rpls: '  ' }, ['RPLS_ABSENT']],
    ['commune vide', { commune: '' }, ['COMMUNE_ABSENTE']],
    ['commune nulle', { commune: null }, ['COMMUNE_ABSENTE']],
    ['commune à 4 chiffres', { commune: '4523' }, ['COMMUNE_FORMAT']],
    ['commune en lettres', { commune: 'ORLÉA' }, ['COMMUNE_FORMAT']],
    ['commune hors COG', { commune: '45999' }, ['COMMUNE_HORS_COG']],
    ['commune fusionnée', { commune: '45001' }, ['COMMUNE_ANCIENNE']],
    ['commune corse connue', { commune: '2A004', departement: '2A' }, []],
    ['financement manquant', { financement: null }, ['FINANCEMENT_ABSENT']],
    ['financement vide', { financement: '' }, ['FINANCEMENT_ABSENT']],
    ['financement AUTRE', { financement: 'AUTRE' }, ['FINANCEMENT_AUTRE']],
    ['typologie manquante', { typologie: null, surface: 40 }, ['TYPOLOGIE_ABSENTE']],
    ['construction 1849', { construction: 1849 }, ['CONSTRUCTION_INVALIDE']],
    ['construction 1850', { construction: 1850 }, []],
    ['construction l’année en cours', { construction: 2026 }, []],
    ['construction future', { construction: 2027 }, ['CONSTRUCTION_INVALIDE']],
    ['construction manquante', { construction: null }, ['CONSTRUCTION_INVALIDE']],
    ['surface manquante', { surface: null }, ['SURFACE_ABSENTE']],
    ['T3 de 12 m²', { surface: 12 }, ['SURFACE_IMPLAUSIBLE']],
    ['T1 de 9 m² (plancher de décence)', { typologie: 'T1', surface: 9 }, []],
    ['T1 de 8 m²', { typologie: 'T1', surface: 8 }, ['SURFACE_IMPLAUSIBLE']],
    ['T2 de 150 m²', { typologie: 'T2', surface: 150 }, ['SURFACE_IMPLAUSIBLE']],
    ['T6 de 200 m²', { typologie: 'T6', surface: 200 }, []],
    ['code QPV 2024 du département', { qpv: 'QN045001' }, []],
    ['code QPV 2015 du département', { qpv: 'QP045012' }, []],
    ['code QPV d’un autre département', { qpv: 'QN075001' }, ['QPV_DEPARTEMENT']],
    ['code QPV corse sur logement corse', { commune: '2A004', departement: '2A', qpv: 'QP02A001' }, []],
    ['code QPV outre-mer sur logement du Loiret', { qpv: 'QN971001' }, ['QPV_DEPARTEMENT']],
    ['code QPV outre-mer sur logement outre-mer', { commune: '97105', departement: '971', qpv: 'QN971001' }, []],
    ['code QPV tronqué', { qpv: 'QN04500' }, ['QPV_FORMAT']],
    ['code QPV sans préfixe', { qpv: '045001' }, ['QPV_FORMAT']],
    ['marqueur QPV sans code', { qpv: 'QPV' }, ['QPV_SANS_CODE']],
    ['drapeau RPLS 1 sans code', { qpv: '1' }, ['QPV_SANS_CODE']],
    ['réservation du stock inconnue', { reservationStock: null }, ['RESERVATION_INCONNUE']],
    ['non conventionné mais réservation connue', { conventionne: false, reservationStock: 'reserve' }, []],
    ['absent du dernier import RPLS', { absentRplsDepuis: 'IMP-2' }, ['ABSENT_RPLS']],
  ];
  it.each(CAS)('%s', (_, changement, attendu) => {
    expect(controles(changement)).toEqual(attendu);
  });

  it('liste officielle des QPV chargée : code inconnu de la liste, quartier hors de la commune ; sans liste, rien n’est dit', () => {
    const LISTE: Record<string, { communes: string[] }> = { QN045001: { communes: ['45234'] } };
    // A list of the 2024 geography is loaded for the Loiret only.
    const quartier = (code: string) => LISTE[code] ?? (code.startsWith('QN045') ? null : undefined);
    const avec = (changement: Partial<LogementQualite>) =>
      controlesDuLogement({ ...BON, ...changement }, { anneeCourante: 2026, communeCourante, quartier });
    expect(avec({ qpv: 'QN045001' })).toEqual([]);
    expect(avec({ qpv: 'QN045009' })).toEqual(['QPV_INCONNU']);
    expect(avec({ qpv: 'QN045001', commune: '45147' })).toEqual(['QPV_COMMUNE']);
    // A merged commune is compared through its current code.
    expect(avec({ qpv: 'QN045001', commune: '45001' })).toEqual(['COMMUNE_ANCIENNE']);
    expect(avec({ qpv: 'QP045009' })).toEqual([]);
  });

  it('département d’un code QPV', () => {
    expect([
      departementDuQpv('QN045001'),
      departementDuQpv('QP02B004'),
      departementDuQpv('QN974010'),
      departementDuQpv('QPV'),
    ]).toEqual(['45', '2B', '974', null]);
  });
});

describe('rapport d’un bailleur', () => {
  it('doublons d’identifiant RPLS : chaque logement du doublon est compté', () => {
    const r = rapportQualite(
      entree([
        BON,
        { ...BON, id: 'L2' },
        { ...BON, id: 'L3', rpls: '0000000003' },
        { ...BON, id: 'L4', rpls: ' 0000000001 ' },
      ]),
    );
    const d = r.controles.find((c) => c.code === 'RPLS_DOUBLON')!;
    expect(d).toMatchObject({ nombre: 3, exemples: ['L1', 'L2', 'L4'], gravite: 'erreur' });
  });

  it('chaque contrôle est listé, en français, avec au plus 20 exemples', () => {
    const logements = Array.from({ length: 25 }, (_, i) => ({
      ...BON,
      id: `L${String(i).padStart(2, '0')}`,
      rpls: `R${i}`,
      financement: null,
    }));
    const r = rapportQualite(entree(logements));
    expect(r.totalLogements).toBe(25);
    expect(r.bailleur).toEqual({ id: 'B', nom: 'Bailleur test' });
    const f = r.controles.find((c) => c.code === 'FINANCEMENT_ABSENT')!;
    expect(f.nombre).toBe(25);
    expect(f.exemples).toHaveLength(MAX_EXEMPLES);
    expect(f.exemples[0]).toBe('L00');
    expect(f.libelle).toBe('Financement manquant');
    for (const c of r.controles) {
      expect(c.libelle.length).toBeGreaterThan(5);
      expect(['erreur', 'avertissement']).toContain(c.gravite);
      if (c.code !== 'FINANCEMENT_ABSENT') expect(c.nombre, c.code).toBe(0);
    }
    expect(r.controles.find((c) => c.code === 'RESERVATION_INCONNUE')!.libelle).toMatch(
      /ni réservataire ni « non réservé »/,
    );
  });

  it('indicateur : part des baux signés de l’année dont la ligne est un réservataire', () => {
    const locations: LocationQualite[] = [
      { id: 'a', etat: 'bail_signe', ligne: 'ETAT' },
      { id: 'b', etat: 'bail_signe', ligne: 'ACTION-LOGEMENT' },
      { id: 'c', etat: 'bail_signe', ligne: 'BAILLEUR' },
      { id: 'd', etat: 'bail_signe', ligne: null },
      { id: 'e', etat: 'bail_signe', ligne: 'COMMUNE' },
      { id: 'f', etat: 'bail_signe', ligne: 'BAILLEUR' },
      { id: 'g', etat: 'bail_signe', ligne: 'EPCI' },
      { id: 'h', etat: 'refus', ligne: 'ETAT' },
      { id: 'i', etat: 'orientee', ligne: 'ETAT' },
      { id: 'j', etat: 'exclue', ligne: null },
    ];
    const r = rapportQualite(entree([BON], locations));
    expect(r.indicateurs.partAttributionsReservataireConnu).toEqual({
      realise: 4 / 7,
      numerateur: 4,
      denominateur: 7,
      annee: 2025,
      reference: REFERENCE_INDICATEUR,
    });
    expect(REFERENCE_INDICATEUR).toBe('Loiret 49 %, 5–12 % ailleurs (séminaire)');
  });

  it('indicateur sans bail signé : non calculable (null), pas 0 %', () => {
    const r = rapportQualite(entree([], [{ id: 'a', etat: 'refus', ligne: 'ETAT' }]));
    expect(r.indicateurs.partAttributionsReservataireConnu).toMatchObject({
      realise: null,
      numerateur: 0,
      denominateur: 0,
    });
    expect(r.totalLogements).toBe(0);
  });

  it('pure : la même entrée donne le même rapport', () => {
    const e = entree([BON, { ...BON, id: 'L2', qpv: 'QPV', reservationStock: null }]);
    expect(rapportQualite(e)).toEqual(rapportQualite(e));
  });
});
