/**
 * Hostile input on EVERY route of the OpenAPI document (issue 15 item 3), signed in as each role
 * the route lets in (found by asking it), on the seeded demo (PGlite, and PostgreSQL when
 * DATABASE_URL is set). The probe's classes:
 * - NUL bytes in each path parameter, query parameter and body field, and in the session cookie;
 * - impossible dates (2026-02-30, 2026-13-01) in each date field and date query parameter;
 * - 1 MB strings, 1e308, wrong types (a text for a number, a number for a text), a list for an
 *   object, a body nested 5,000 levels deep;
 * - NUL bytes inside an uploaded CSV file.
 * Every answer must be below 500, and every refusal a French message: NUL and impossible dates a
 * 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeSuite } from './harness.ts';

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  $ref?: string;
};
interface Parametre {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}
interface Operation {
  parameters?: Parametre[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Route {
  methode: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  chemin: string;
  op: Operation;
}

/** One account per role. */
const ROLES = [
  'bailleur@demo.flux',
  'reservataire@demo.flux',
  'etat@demo.flux',
  'epci@demo.flux',
  'admin@demo.flux',
] as const;

/** English words zod, Fastify or a library would answer with. */
const ANGLAIS =
  /\b(Invalid|invalid|Expected|expected|Required|required|must|should|Too big|Too small|Unrecognized|Not Found|Bad Request|Unsupported|Unexpected|Internal Server Error|Payload Too Large|Body|body)\b/;

const CANDIDATS_MOTIF = ['45234', '45', 'HLD', '2026', '999450001', 'ABCDEFGH12', 'a'.repeat(64), 'T3', 'PLUS', 'x'];

function exemple(s: Schema | undefined, doc: Record<string, unknown>, profondeur = 0): unknown {
  if (!s || profondeur > 12) return 'x';
  if (s.$ref) {
    const nom = s.$ref.split('/').at(-1)!;
    const composants = (doc['components'] as { schemas?: Record<string, Schema> } | undefined)?.schemas ?? {};
    return exemple(composants[nom], doc, profondeur + 1);
  }
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const choisi = alternatives.find((a) => a.type !== 'null') ?? alternatives[0];
    return exemple(choisi, doc, profondeur + 1);
  }
  if (s.allOf) return Object.assign({}, ...(s.allOf.map((a) => exemple(a, doc, profondeur + 1)) as object[]));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) o[k] = exemple(v, doc, profondeur + 1);
      return o;
    }
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => exemple(s.items, doc, profondeur + 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      if (s.format === 'date') return '2026-03-14';
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'email') return 'personne@exemple.fr';
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        const ok = CANDIDATS_MOTIF.find((c) => re.test(c));
        if (ok) return ok;
      }
      return 'x'.repeat(Math.max(3, s.minLength ?? 0));
    }
  }
}

/** The leaves of a value (paths from the root), with whether the schema there is a date. */
function feuilles(v: unknown, chemin: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [chemin, ...v.flatMap((x, i) => feuilles(x, [...chemin, i]))];
  if (v !== null && typeof v === 'object')
    return [chemin, ...Object.entries(v).flatMap(([k, x]) => feuilles(x, [...chemin, k]))];
  return [chemin];
}

function remplacer(racine: unknown, chemin: (string | number)[], valeur: unknown): unknown {
  if (chemin.length === 0) return valeur;
  const copie = structuredClone(racine) as Record<string | number, unknown>;
  let o = copie;
  for (const k of chemin.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[chemin.at(-1)!] = valeur;
  return copie;
}

function valeurA(racine: unknown, chemin: (string | number)[]): unknown {
  let v = racine;
  for (const k of chemin) v = (v as Record<string | number, unknown>)[k];
  return v;
}

/** The schema at a path of a body (through objects, arrays and unions). */
function schemaA(s: Schema | undefined, chemin: (string | number)[]): Schema | undefined {
  let x = s;
  for (const k of chemin) {
    if (!x) return undefined;
    const alt = x.anyOf ?? x.oneOf;
    if (alt) x = alt.find((a) => a.type !== 'null') ?? alt[0];
    x = typeof k === 'number' ? x?.items : x?.properties?.[k];
  }
  const alt = x?.anyOf ?? x?.oneOf;
  return alt ? (alt.find((a) => a.format === 'date') ?? x) : x;
}

describe.each(genresDeTest())('fuzz de toutes les routes de l’API (%s)', (genre) => {
  const s = serveurDeSuite(genre);

  it('aucune réponse 5xx, chaque refus en français ; NUL et dates impossibles : 400 nommant le champ', async () => {
    await s.app.ready();
    const doc = (s.app as unknown as { swagger(): Record<string, unknown> }).swagger();
    const routes: Route[] = [];
    for (const [chemin, ops] of Object.entries(doc['paths'] as Record<string, Record<string, Operation>>)) {
      for (const [m, op] of Object.entries(ops)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
        routes.push({ methode: m.toUpperCase() as Route['methode'], chemin, op });
      }
    }
    expect(routes.length).toBeGreaterThan(50);

    const echecs: string[] = [];
    let requetes = 0;
    const verifier = (r: LightMyRequestResponse, quoi: string): void => {
      requetes++;
      if (r.statusCode >= 500) {
        echecs.push(`${quoi} → ${r.statusCode} ${r.body.slice(0, 200)}`);
        return;
      }
      if (r.statusCode >= 400 && r.headers['content-type']?.toString().includes('json')) {
        const corps = r.json() as { message?: unknown; problemes?: { message: string }[] };
        const textes = [corps.message, ...(corps.problemes ?? []).map((p) => p.message)];
        if (typeof corps.message !== 'string' || textes.some((t) => typeof t === 'string' && ANGLAIS.test(t)))
          echecs.push(`${quoi} → ${r.statusCode} message non français : ${r.body.slice(0, 200)}`);
      }
    };
    const attendre400 = (r: LightMyRequestResponse, champ: string, quoi: string): void => {
      verifier(r, quoi);
      if (r.statusCode !== 400) {
        echecs.push(`${quoi} → ${r.statusCode} au lieu de 400 : ${r.body.slice(0, 200)}`);
        return;
      }
      const corps = r.json() as { problemes?: { chemin: string }[] };
      if (!(corps.problemes ?? []).some((p) => p.chemin.includes(champ)))
        echecs.push(`${quoi} → 400 sans nommer « ${champ} » : ${r.body.slice(0, 200)}`);
    };

    for (const route of routes) {
      // Signing out would end the session every other call uses: only its cookie case is probed.
      const deconnexion = route.methode === 'DELETE' && route.chemin === '/api/session';
      const params = (route.op.parameters ?? []).filter((p) => p.in === 'path');
      const query = (route.op.parameters ?? []).filter((p) => p.in === 'query');
      const json = route.op.requestBody?.content?.['application/json']?.schema;
      const autreType = route.op.requestBody?.content
        ? Object.keys(route.op.requestBody.content).find((t) => t !== 'application/json')
        : undefined;
      const valeursChemin = Object.fromEntries(params.map((p) => [p.name, String(exemple(p.schema, doc))]));
      const url = (chemin: Record<string, string>, q: Record<string, string> = {}): string => {
        let u = route.chemin.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(chemin[n] ?? 'x'));
        const qs = new URLSearchParams(q).toString();
        if (qs) u += `?${qs}`;
        return u;
      };
      const corpsBase = json ? exemple(json, doc) : undefined;
      const appel = (
        email: string | null,
        u: string,
        corps?: unknown,
        options: { brut?: string; type?: string; cookie?: string } = {},
      ) => {
        const c = email ? s.comptes[email]! : undefined;
        const avecCorps =
          route.methode !== 'GET' && route.methode !== 'DELETE' && (options.brut !== undefined || corps !== undefined);
        return s.app.inject({
          method: route.methode,
          url: u,
          ...(avecCorps ? { payload: options.brut ?? JSON.stringify(corps) } : {}),
          headers: {
            ...(avecCorps ? { 'content-type': options.type ?? 'application/json' } : {}),
            ...(c ? { 'x-csrf-token': c.csrf } : {}),
          },
          cookies:
            options.cookie !== undefined ? { flux_session: options.cookie } : c ? { flux_session: c.cookie } : {},
        });
      };
      const quoi = (detail: string, email: string | null = null) =>
        `${route.methode} ${route.chemin} ${email ?? 'anonyme'} : ${detail}`;

      // The session cookie with a NUL byte: no session, never a 500.
      verifier(await appel(null, url(valeursChemin), corpsBase, { cookie: '\u0000' }), quoi('cookie NUL'));
      if (deconnexion) continue;

      // The roles the route lets in (a well-formed request, not refused as forbidden).
      const admis: string[] = [];
      for (const email of ROLES) {
        const r = await appel(email, url(valeursChemin), corpsBase);
        verifier(r, quoi('requête type', email));
        if (r.statusCode !== 401 && r.statusCode !== 403) admis.push(email);
      }

      for (const [rang, email] of admis.entries()) {
        // Path and query parameters: NUL (every role let in), impossible dates, 1 MB, wrong values.
        for (const p of params) {
          attendre400(
            await appel(email, url({ ...valeursChemin, [p.name]: 'a\u0000b' }), corpsBase),
            `chemin.${p.name}`,
            quoi(`NUL dans ${p.name}`, email),
          );
        }
        for (const p of query) {
          attendre400(
            await appel(email, url(valeursChemin, { [p.name]: 'a\u0000b' }), corpsBase),
            `paramètres.${p.name}`,
            quoi(`NUL dans ?${p.name}`, email),
          );
          if (rang > 0) continue;
          if (p.schema?.format === 'date' || /date|^du$|^au$/.test(p.name)) {
            for (const d of ['2026-02-30', '2026-13-01'])
              attendre400(
                await appel(email, url(valeursChemin, { [p.name]: d }), corpsBase),
                p.name,
                quoi(`?${p.name}=${d}`, email),
              );
          }
          for (const v of ['x'.repeat(1_000_000), '1e308', '-1', '[]', 'true'])
            verifier(
              await appel(email, url(valeursChemin, { [p.name]: v }), corpsBase),
              quoi(`?${p.name}=${v.slice(0, 10)}`, email),
            );
        }
        if (autreType && rang === 0) {
          // A file upload: NUL bytes and control characters inside the cells.
          const fichier = `RPLS_ID;DEPCOM;QPV;TYPECONST;NBPIECE;CONSTRUCT;FINAN;RPLS;RESERVATAIRE\r\nA\u0000;45234\u0000;2;C;3;1975;13;X\u0000;\u0001\r\n`;
          verifier(
            await appel(email, url(valeursChemin), undefined, { brut: fichier, type: autreType }),
            quoi('fichier avec NUL', email),
          );
        }
        if (corpsBase === undefined) continue;
        // The body: each field with NUL, a wrong type, and (dates) impossible days; numbers 1e308.
        for (const chemin of feuilles(corpsBase)) {
          if (chemin.length === 0) continue;
          const nom = chemin.join('.').replace(/\.(\d+)/g, '[$1]');
          const v = valeurA(corpsBase, chemin);
          const champ = String(chemin.filter((k) => typeof k === 'string').at(-1) ?? '');
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
            attendre400(
              await appel(email, url(valeursChemin), remplacer(corpsBase, chemin, `a\u0000b`)),
              champ,
              quoi(`NUL dans ${nom}`, email),
            );
          if (rang > 0) continue;
          if (schemaA(json, chemin)?.format === 'date') {
            for (const d of ['2026-02-30', '2026-13-01'])
              attendre400(
                await appel(email, url(valeursChemin), remplacer(corpsBase, chemin, d)),
                champ,
                quoi(`${nom} = ${d}`, email),
              );
          }
          const variantes: unknown[] =
            typeof v === 'number'
              ? [1e308, -1e308, 'douze']
              : typeof v === 'string'
                ? [12345, 'x'.repeat(1_000_000)]
                : v !== null && typeof v === 'object'
                  ? [Array.isArray(v) ? {} : [], 'x']
                  : [{}];
          for (const x of variantes)
            verifier(
              await appel(email, url(valeursChemin), remplacer(corpsBase, chemin, x)),
              quoi(`${nom} = ${JSON.stringify(x).slice(0, 12)}`, email),
            );
        }
        if (rang > 0) continue;
        // The whole body: a list for an object, null, deep nesting.
        verifier(await appel(email, url(valeursChemin), []), quoi('corps []', email));
        verifier(await appel(email, url(valeursChemin), undefined, { brut: 'null' }), quoi('corps null', email));
        const profond = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
        verifier(await appel(email, url(valeursChemin), undefined, { brut: profond }), quoi('imbrication 5000', email));
        const profondListe = `${'['.repeat(5000)}${']'.repeat(5000)}`;
        verifier(await appel(email, url(valeursChemin), undefined, { brut: profondListe }), quoi('listes 5000', email));
      }
    }
    expect(echecs).toEqual([]);
    expect(requetes).toBeGreaterThan(1000);
  }, 600_000);
});
