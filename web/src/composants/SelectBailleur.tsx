/**
 * The « Bailleur » choice of the pages a State pilot or a réservataire reads for one bailleur: the
 * bailleurs of the actor's ledger lines (GET /api/accueil, shared cache), by name.
 */
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { lireAccueil } from '../api.ts';
import { useSessionOuverte } from '../session.tsx';
import { Chargement } from './Etats.tsx';
import { cles } from '../cles.ts';

/** The bailleurs of the actor's ledger lines, in the order the « Bailleur » choice lists them. */
function useBailleurs(actif = true): { bailleurs: Map<string, string>; charge: boolean } {
  const { data: accueil, isPending } = useQuery({
    queryKey: cles.accueil.annee(undefined),
    queryFn: ({ signal }) => lireAccueil(undefined, signal),
    staleTime: 5 * 60_000,
    enabled: actif,
  });
  const bailleurs = new Map<string, string>();
  for (const l of accueil?.conventions ?? []) bailleurs.set(l.bailleur.id, l.bailleur.nom);
  return { bailleurs, charge: !isPending };
}

/**
 * A page read for one bailleur never opens blank (issue 12 item 7): when a State pilot or a
 * réservataire arrives without `?bailleur=`, the first bailleur of the choice is put in the address
 * (replacing it, so « Retour » does not loop) before the page mounts; the choice then shows it.
 * A bailleur's own pages need none; without any bailleur the page says so itself.
 */
export function BailleurParDefaut({ children }: { children: ReactNode }) {
  const session = useSessionOuverte();
  const [parametres, setParametres] = useSearchParams();
  const manque = session.role !== 'agent_bailleur' && !parametres.get('bailleur');
  const { bailleurs, charge } = useBailleurs(manque);
  const premier = bailleurs.keys().next().value;
  useEffect(() => {
    if (manque && premier)
      setParametres(
        (p) => {
          const n = new URLSearchParams(p);
          n.set('bailleur', premier);
          return n;
        },
        { replace: true },
      );
  }, [manque, premier, setParametres]);
  if (!manque || (charge && !premier)) return <>{children}</>;
  return <Chargement quoi="la page du premier bailleur" />;
}

export function SelectBailleur({
  id,
  valeur,
  surChoix,
}: {
  id: string;
  valeur: string;
  surChoix: (bailleur: string) => void;
}) {
  const { bailleurs } = useBailleurs();
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
