/**
 * Names of the organisations a page mentions by identifier (a unit's bailleur, a letting's
 * réservataire): taken from the home page's ledger, which lists every bailleur and réservataire
 * the user may see. Falls back to the identifier.
 */
import { useQuery } from '@tanstack/react-query';
import { lireAccueil } from './api.ts';
import { cles } from './cles.ts';

export function useNoms(actif = true): (id: string | null | undefined) => string {
  const { data } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
    enabled: actif,
  });
  const noms = new Map<string, string>();
  if (data) {
    noms.set(data.organisation.id, data.organisation.nom);
    for (const l of data.conventions) {
      noms.set(l.bailleur.id, l.bailleur.nom);
      noms.set(l.reservataire.id, l.reservataire.nom);
    }
  }
  return (id) => (id ? (noms.get(id) ?? id) : '');
}
