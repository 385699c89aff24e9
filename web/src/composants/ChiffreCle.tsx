/** A key figure in a DSFR tile: a label (heading), the figure, and a short explanation. */
import { Tile } from '@codegouvfr/react-dsfr/Tile';
import type { ReactNode } from 'react';

export function ChiffreCle({
  libelle,
  valeur,
  detail,
  lien,
}: {
  libelle: string;
  valeur: string;
  detail?: ReactNode;
  lien?: string | undefined;
}) {
  const commun = {
    title: libelle,
    titleAs: 'h3' as const,
    desc: <span className="flux-chiffre__valeur">{valeur}</span>,
    ...(detail ? { detail } : {}),
    small: true,
    noIcon: !lien,
    classes: { root: 'flux-chiffre' },
  };
  return (
    <li className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
      {lien ? <Tile {...commun} linkProps={{ to: lien }} /> : <Tile {...commun} />}
    </li>
  );
}

export function ChiffresCles({ titre, children }: { titre: string; children: ReactNode }) {
  return (
    <section aria-labelledby="chiffres-cles" className="fr-mb-6w">
      <h2 id="chiffres-cles" className="fr-h3">
        {titre}
      </h2>
      <ul className="fr-grid-row fr-grid-row--gutters flux-liste-nue">{children}</ul>
    </section>
  );
}
