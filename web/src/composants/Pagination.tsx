/** DSFR pagination over the page's URL (?page=N, other parameters kept), with the count announced. */
import { Pagination as PaginationDsfr } from '@codegouvfr/react-dsfr/Pagination';
import { useSearchParams } from 'react-router';

export function Pagination({ page, total, taille }: { page: number; total: number; taille: number }) {
  const [parametres] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / taille));
  if (pages <= 1) return null;
  const lien = (n: number) => {
    const p = new URLSearchParams(parametres);
    if (n === 1) p.delete('page');
    else p.set('page', String(n));
    const q = p.toString();
    return { to: q ? `?${q}` : '?' };
  };
  return (
    <PaginationDsfr
      count={pages}
      defaultPage={Math.min(page, pages)}
      getPageLinkProps={lien}
      showFirstLast
      className="fr-mt-3w"
    />
  );
}

/** "?page=3" → 3 (1 when absent or invalid). */
export function pageDemandee(valeur: string | null): number {
  const n = Number(valeur);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}
