/** Which units a convention's perimeter contains (R.441-5 I and R.441-5-3). */
import type { Logement, Perimetre } from './types.ts';

export function departementDeCommune(commune: string): string {
  return commune.startsWith('97') ? commune.slice(0, 3) : commune.slice(0, 2);
}

export function contient(perimetre: Perimetre, logement: Pick<Logement, 'commune' | 'epci'>): boolean {
  if ('departement' in perimetre) return departementDeCommune(logement.commune) === perimetre.departement;
  if ('communes' in perimetre) return perimetre.communes.includes(logement.commune);
  return logement.epci === perimetre.epci;
}

export function estTerritorial(perimetre: Perimetre): boolean {
  return !('departement' in perimetre);
}
