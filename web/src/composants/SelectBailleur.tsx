/**
 * The « Bailleur » choice of the pages a State pilot or a réservataire reads for one bailleur: the
 * bailleurs of the actor's ledger lines (GET /api/accueil, shared cache), by name.
 */
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useQuery } from '@tanstack/react-query';
import { lireAccueil } from '../api.ts';

export function SelectBailleur({
  id,
  valeur,
  surChoix,
}: {
  id: string;
  valeur: string;
  surChoix: (bailleur: string) => void;
}) {
  const { data: accueil } = useQuery({
    queryKey: ['accueil', 'courante'],
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
  });
  const bailleurs = new Map<string, string>();
  for (const l of accueil?.conventions ?? []) bailleurs.set(l.bailleur.id, l.bailleur.nom);
  return (
    <Select
      label="Bailleur"
      nativeSelectProps={{ id, name: 'bailleur', value: valeur, onChange: (e) => surChoix(e.target.value) }}
    >
      <option value="" disabled>
        Choisir un bailleur
      </option>
      {[...bailleurs].map(([b, nom]) => (
        <option key={b} value={b}>
          {nom}
        </option>
      ))}
    </Select>
  );
}
