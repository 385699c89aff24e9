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
  boolean: 'un booléen (true/false)',
  object: 'un objet',
  array: 'une liste',
  null: 'null',
  undefined: 'absent',
};

export function messageIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return `champ obligatoire manquant (${TYPES[issue.expected] ?? issue.expected} attendu)`;
      return `${TYPES[issue.expected] ?? issue.expected} attendu`;
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
      return issue.origin === 'array'
        ? `au moins ${String(issue.minimum)} élément(s)`
        : issue.message.startsWith('Too')
          ? `valeur minimale : ${String(issue.minimum)}`
          : issue.message;
    case 'too_big':
      return issue.message.startsWith('Too') ? `valeur maximale : ${String(issue.maximum)}` : issue.message;
    default:
      return issue.message;
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
