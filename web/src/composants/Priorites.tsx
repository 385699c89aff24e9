/**
 * A candidate's priority categories as badges (« DALO », « PDALHPD », « Autre L.441-1 »), each kept
 * apart as the CAL needs them; `prioritaire` alone (a category not given) reads « Prioritaire ».
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';

export interface CategoriesCandidat {
  quartile1?: boolean | null;
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

/** A household as the CAL reads it: its composition and resources (hidden from who may not read them). */
export interface MenageCandidat {
  tailleMenage: number | null;
  enfantsMoins14: number | null;
  ressourcesAnnuelles: number | null;
  relogement: 'anru' | 'orcod' | null;
  agentEtat: boolean | null;
  masque: boolean;
}

const euros = (n: number) => `${new Intl.NumberFormat('fr-FR').format(n)} €`;

/** « 3 personnes dont 1 enfant de moins de 14 ans — 14 200 € par an », with the rehousing and the State agent. */
export function libelleMenage(c: MenageCandidat): string {
  if (c.masque) return 'réservé au bailleur et au réservataire qui l’a proposé';
  const parts: string[] = [];
  if (c.tailleMenage) {
    const n = c.tailleMenage;
    const e = c.enfantsMoins14 ?? 0;
    parts.push(
      `${n} personne${n > 1 ? 's' : ''}${e > 0 ? ` dont ${e} enfant${e > 1 ? 's' : ''} de moins de 14 ans` : ''}`,
    );
  }
  parts.push(c.ressourcesAnnuelles === null ? 'ressources non renseignées' : `${euros(c.ressourcesAnnuelles)} par an`);
  if (c.relogement) parts.push(c.relogement === 'anru' ? 'relogement ANRU' : 'relogement ORCOD');
  if (c.agentEtat) parts.push('agent de l’État');
  return parts.join(' — ');
}
