/**
 * Bar charts drawn in SVG (no chart library): a 100 % stacked bar per series, segments per modality,
 * a legend, and each figure in the accessible name. The same figures are always also given in a
 * table next to the chart (the chart is a picture of the table, not a replacement for it).
 */
import { nombre, taux } from '../format.ts';

/** Distinct, DSFR-toned colours for the segments (illustrative palette); the last ones repeat. */
export const COULEURS = [
  '#000091',
  '#6a6af4',
  '#e1000f',
  '#009081',
  '#c3992a',
  '#a558a0',
  '#ff9575',
  '#417dc4',
  '#7f7f7f',
  '#ce614a',
  '#34cb6a',
  '#fcc63a',
];

export interface Serie {
  id: string;
  libelle: string;
  valeurs: Record<string, number>;
}

export interface Modalite {
  code: string;
  libelle: string;
}

/** One horizontal 100 % bar per series; `titre` names the chart for screen readers. */
export function BarresEmpilees({
  titre,
  series,
  modalites,
}: {
  titre: string;
  series: Serie[];
  modalites: Modalite[];
}) {
  const largeur = 640;
  const hauteurBarre = 22;
  const pas = 40;
  const marge = 250;
  const hauteur = series.length * pas + 8;
  return (
    <figure className="flux-graphique">
      <svg
        viewBox={`0 0 ${largeur + marge} ${hauteur}`}
        width="100%"
        role="img"
        aria-label={titre}
        className="flux-graphique__svg"
      >
        {series.map((s, i) => {
          const total = modalites.reduce((t, m) => t + (s.valeurs[m.code] ?? 0), 0);
          let x = marge;
          const y = i * pas + 8;
          return (
            <g key={s.id}>
              <text
                x={marge - 8}
                y={y + hauteurBarre / 2}
                textAnchor="end"
                dominantBaseline="middle"
                className="flux-graphique__etiquette"
              >
                {s.libelle.length > 32 ? `${s.libelle.slice(0, 31)}…` : s.libelle}
              </text>
              {total === 0 ? (
                <rect
                  x={marge}
                  y={y}
                  width={largeur}
                  height={hauteurBarre}
                  fill="none"
                  stroke="#929292"
                  strokeDasharray="4 3"
                />
              ) : (
                modalites.map((m, j) => {
                  const n = s.valeurs[m.code] ?? 0;
                  if (n === 0) return null;
                  const w = (n / total) * largeur;
                  const rect = (
                    <rect key={m.code} x={x} y={y} width={w} height={hauteurBarre} fill={COULEURS[j % COULEURS.length]}>
                      <title>{`${s.libelle} — ${m.libelle} : ${nombre(n)} (${taux(n / total)})`}</title>
                    </rect>
                  );
                  x += w;
                  return rect;
                })
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="flux-legende" aria-label="Légende">
          {modalites.map((m, j) => (
            <li key={m.code}>
              <span
                className="flux-legende__pastille"
                style={{ background: COULEURS[j % COULEURS.length] }}
                aria-hidden="true"
              />
              {m.libelle}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** Horizontal bars of counts (one per item), each labelled with its count and share of `total`. */
/** `total` null: the bars show their count only (no share). */
export function BarresSimples({
  titre,
  items,
  total,
}: {
  titre: string;
  items: { id: string; libelle: string; valeur: number }[];
  total: number | null;
}) {
  const largeur = 520;
  const marge = 250;
  const pas = 34;
  const max = Math.max(1, ...items.map((i) => i.valeur));
  return (
    <figure className="flux-graphique">
      <svg
        viewBox={`0 0 ${largeur + marge + 150} ${items.length * pas + 8}`}
        width="100%"
        role="img"
        aria-label={titre}
        className="flux-graphique__svg"
      >
        {items.map((it, i) => {
          const y = i * pas + 8;
          const w = (it.valeur / max) * largeur;
          return (
            <g key={it.id}>
              <text
                x={marge - 8}
                y={y + 10}
                textAnchor="end"
                dominantBaseline="middle"
                className="flux-graphique__etiquette"
              >
                {it.libelle.length > 32 ? `${it.libelle.slice(0, 31)}…` : it.libelle}
              </text>
              <rect x={marge} y={y} width={Math.max(w, it.valeur > 0 ? 1 : 0)} height={20} fill={COULEURS[0]} />
              <text x={marge + w + 6} y={y + 10} dominantBaseline="middle" className="flux-graphique__etiquette">
                {total === null ? nombre(it.valeur) : `${nombre(it.valeur)} (${total ? taux(it.valeur / total) : '—'})`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
