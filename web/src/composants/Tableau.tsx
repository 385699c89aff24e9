/**
 * A data table in the DSFR 1.14 markup (fr-table > wrapper > container > content > table), with
 * a caption, column headers (`scope="col"`), an optional row header per line (`scope="row"`) and
 * right-aligned tabular figures. (react-dsfr 1.33's <Table> still writes the pre-1.14 markup, which
 * the 1.14 stylesheet no longer styles.)
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A table wider than the screen scrolls inside its container: the container then becomes a
 * focusable, named region, so keyboard users can scroll it too (RGAA 7.3, axe
 * "scrollable-region-focusable"). A table that fits adds no tab stop.
 */
function useDefilement() {
  const ref = useRef<HTMLDivElement>(null);
  const [defile, setDefile] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const mesurer = () => setDefile(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    mesurer();
    const observateur = new ResizeObserver(mesurer);
    observateur.observe(el);
    if (el.firstElementChild) observateur.observe(el.firstElementChild);
    // The table itself may widen (a longer cell after an action) while its wrappers keep their size.
    const table = el.querySelector('table');
    if (table) observateur.observe(table);
    return () => observateur.disconnect();
  }, []);
  return { ref, defile };
}

export interface Colonne<T> {
  titre: ReactNode;
  valeur: (ligne: T) => ReactNode;
  /** Figures: right-aligned, tabular digits. */
  nombre?: boolean;
  /** This column names the line: rendered as a row header (<th scope="row">). */
  entete?: boolean;
}

export function Tableau<T>({
  legende,
  description,
  colonnes,
  lignes,
  cle,
  pied,
  id,
  bordure = false,
  compact = false,
  legendeMasquee = false,
}: {
  legende: ReactNode;
  description?: ReactNode;
  colonnes: Colonne<T>[];
  lignes: readonly T[];
  cle: (ligne: T, index: number) => string;
  /** Footer lines (totals), already as cells. */
  pied?: ReactNode;
  id?: string;
  bordure?: boolean;
  /** Smaller cells (fr-table--sm), for wide ledgers. */
  compact?: boolean;
  /** The caption is read by screen readers but not shown (a heading just above says the same). */
  legendeMasquee?: boolean;
}) {
  const { ref, defile } = useDefilement();
  const idLegende = useId();
  const classes = [
    'fr-table',
    bordure && 'fr-table--bordered',
    compact && 'fr-table--sm',
    legendeMasquee && 'fr-table--no-caption',
    'flux-tableau',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} id={id}>
      <div className="fr-table__wrapper">
        <div
          className="fr-table__container"
          ref={ref}
          {...(defile ? { tabIndex: 0, role: 'region', 'aria-labelledby': idLegende } : {})}
        >
          <div className="fr-table__content">
            <table>
              <caption id={idLegende}>
                {legende}
                {description ? <div className="fr-table__caption__desc">{description}</div> : null}
              </caption>
              <thead>
                <tr>
                  {colonnes.map((c, i) => (
                    <th key={i} scope="col" className={c.nombre ? 'fr-cell--right' : undefined}>
                      {c.titre}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {lignes.map((l, n) => (
                  <tr key={cle(l, n)}>
                    {colonnes.map((c, i) =>
                      c.entete ? (
                        <th key={i} scope="row" className={c.nombre ? 'fr-cell--right flux-nombre' : undefined}>
                          {c.valeur(l)}
                        </th>
                      ) : (
                        <td key={i} className={c.nombre ? 'fr-cell--right flux-nombre' : undefined}>
                          {c.valeur(l)}
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
              {pied ? <tfoot>{pied}</tfoot> : null}
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
