/** zod issues as the domain's `Probleme`s: a field path (`conventions[2].taux`) and a French message. */
import type { z } from 'zod';
import type { Probleme } from '../domain/errors.ts';

export function chemin(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(racine)';
}

const TYPES: Record<string, string> = {
  string: 'un texte',
  number: 'un nombre',
  int: 'un nombre entier',
  bigint: 'un nombre entier',
  boolean: 'un booléen (true/false)',
  object: 'un objet',
  array: 'une liste',
  date: 'une date',
  null: 'null',
  undefined: 'absent',
  nan: 'un nombre',
};

/** zod's own messages are English: a message given by a contract is kept, zod's default replaced. */
const ANGLAIS = /^(Invalid|Too (big|small)|Expected|Unrecognized|Required|Number must|String must|Unexpected)/;
const francais = (message: string, repli: string): string =>
  message === '' || ANGLAIS.test(message) ? repli : message;

const FORMATS: Record<string, string> = {
  uuid: 'identifiant invalide',
  guid: 'identifiant invalide',
  email: 'adresse électronique invalide',
  date: 'date réelle attendue au format AAAA-MM-JJ (par exemple 2026-03-14)',
  datetime: 'date et heure attendues au format ISO 8601',
  url: 'adresse web invalide',
};

/** The French message of a zod issue (every code: a contract's own message when it has one). */
export function messageIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return `champ obligatoire manquant (${TYPES[issue.expected] ?? issue.expected} attendu)`;
      return `${TYPES[issue.expected] ?? 'une autre valeur'} attendu`;
    case 'unrecognized_keys':
      return `champ inconnu : ${issue.keys.map((k) => `« ${k} »`).join(', ')}`;
    case 'invalid_value':
      if (issue.input === undefined)
        return `champ obligatoire manquant ; valeurs possibles : ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `valeur non admise ; valeurs possibles : ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator) return `type d’événement inconnu`;
      return 'forme non reconnue';
    case 'too_small':
      return francais(
        issue.message,
        issue.origin === 'array' || issue.origin === 'set'
          ? `au moins ${String(issue.minimum)} élément(s)`
          : issue.origin === 'string'
            ? Number(issue.minimum) === 1
              ? 'texte vide'
              : `au moins ${String(issue.minimum)} caractères`
            : `valeur minimale : ${String(issue.minimum)}`,
      );
    case 'too_big':
      return francais(
        issue.message,
        issue.origin === 'array' || issue.origin === 'set'
          ? `au plus ${String(issue.maximum)} élément(s)`
          : issue.origin === 'string'
            ? `au plus ${String(issue.maximum)} caractères`
            : `valeur maximale : ${String(issue.maximum)}`,
      );
    case 'invalid_format':
      return francais(issue.message, FORMATS[issue.format] ?? 'format invalide');
    case 'not_multiple_of':
      return francais(issue.message, `multiple de ${String(issue.divisor)} attendu`);
    case 'invalid_key':
      return francais(issue.message, 'nom de champ invalide');
    case 'invalid_element':
      return francais(issue.message, 'élément invalide');
    default:
      return francais(issue.message, 'valeur invalide');
  }
}

export function problemesZod(error: z.ZodError): Probleme[] {
  const out: Probleme[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ chemin: chemin([...issue.path, k]), message: 'champ inconnu' });
      continue;
    }
    out.push({ chemin: chemin(issue.path), message: messageIssue(issue) });
  }
  return out;
}
