/**
 * A candidate's priority categories as badges (« DALO », « PDALHPD », « Autre L.441-1 »), each kept
 * apart as the CAL needs them; `prioritaire` alone (a category not given) reads « Prioritaire ».
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';

export interface CategoriesCandidat {
  quartile1?: boolean;
  prioritaire: boolean;
  dalo: boolean;
  pdalhpd: boolean;
  autreL4411: boolean;
}

/** The libellés of a candidate's situation, in the order the CAL reads them. */
export function libellesPriorites(c: CategoriesCandidat): string[] {
  const categories = [
    c.dalo ? 'DALO' : null,
    c.pdalhpd ? 'PDALHPD' : null,
    c.autreL4411 ? 'Autre L.441-1' : null,
  ].filter((x) => x !== null);
  if (categories.length === 0 && c.prioritaire) categories.push('Prioritaire');
  if (c.quartile1) categories.push('1er quartile');
  return categories;
}

export function Priorites({ c }: { c: CategoriesCandidat }) {
  const libelles = libellesPriorites(c);
  if (libelles.length === 0) return <span className="flux-secondaire">—</span>;
  return (
    <ul className="fr-badges-group">
      {libelles.map((l) => (
        <li key={l}>
          <Badge as="span" small noIcon {...(l === '1er quartile' ? {} : { severity: 'new' as const })}>
            {l}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
