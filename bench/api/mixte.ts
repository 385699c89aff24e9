/**
 * Reads under writes (issue 15 item 6): officers of three bailleurs read their home, lists, inbox
 * and conventions and declare lettings, 4 reads to 1 write, on many connections at once; and one
 * officer of the largest bailleur declaring lettings one after the other (the write's own latency).
 * Each declaration is a real one: a unit of the bailleur with no letting, dated today.
 */
import autocannon from 'autocannon';

/** Rows per page the lists give at most (issue 12: work queues page by 100). */
const PAR_PAGE = 100;
export interface Agent {
  email: string;
  cookie: string;
  csrf: string;
  /** Units of the bailleur with no letting yet: each declaration takes one. */
  libres: string[];
  total: number;
}

async function json<T>(port: number, chemin: string, cookie: string): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${port}${chemin}`, { headers: { cookie } });
  if (!r.ok) throw new Error(`${chemin} : ${r.status}`);
  return (await r.json()) as T;
}

export async function agent(port: number, email: string, besoin: number): Promise<Agent> {
  const r = await fetch(`http://127.0.0.1:${port}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, motDePasse: 'flux-demo-2026' }),
  });
  if (!r.ok) throw new Error(`connexion ${email} : ${r.status}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrf } = (await r.json()) as { csrf: string };
  const pris = new Set<string>();
  for (let page = 1; ; page++) {
    const p = await json<{ total: number; locations: { logementId: string }[] }>(
      port,
      `/api/locations?parPage=${PAR_PAGE}&page=${page}`,
      cookie,
    );
    for (const l of p.locations) pris.add(l.logementId);
    if (page * PAR_PAGE >= p.total) break;
  }
  const libres: string[] = [];
  let total = 0;
  for (let page = 1; libres.length < besoin; page++) {
    const p = await json<{ total: number; logements: { id: string; horsFlux: string | null }[] }>(
      port,
      `/api/logements?parPage=${PAR_PAGE}&page=${page}`,
      cookie,
    );
    total = p.total;
    for (const l of p.logements) if (!pris.has(l.id) && !l.horsFlux) libres.push(l.id);
    if (page * PAR_PAGE >= p.total) break;
  }
  return { email, cookie, csrf, libres, total };
}

const jourParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** 4 reads to 1 write, each request for the next of the three agents in turn. */
export async function charge(
  port: number,
  agents: Agent[],
  connexions: number,
  duree: number,
  ecritures: boolean,
): Promise<{ rps: number; p99: number; erreurs: number; ecrites: number }> {
  const lectures = ['/api/accueil', '/api/locations', '/api/boite', '/api/conventions'];
  const date = jourParis();
  let n = 0;
  let ecrites = 0;
  const suivant = () => agents[n++ % agents.length]!;
  const requests = [
    ...lectures.map((path) => ({
      method: 'GET' as const,
      path,
      setupRequest: (req: { headers?: Record<string, string> }) => {
        req.headers = { cookie: suivant().cookie };
        return req;
      },
    })),
    ...(ecritures
      ? [
          {
            method: 'POST' as const,
            path: '/api/locations',
            setupRequest: (req: { headers?: Record<string, string>; body?: string }) => {
              const a = suivant();
              const logementId = a.libres.pop();
              if (!logementId) throw new Error(`plus de logement libre pour ${a.email}`);
              ecrites++;
              req.headers = { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/json' };
              req.body = JSON.stringify({ logementId, date });
              return req;
            },
          },
        ]
      : []),
  ];
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: connexions,
    duration: duree,
    requests: requests as autocannon.Request[],
  });
  return { rps: r.requests.average, p99: r.latency.p99, erreurs: r.errors + r.timeouts + (r.non2xx ?? 0), ecrites };
}

/** Declarations one after the other by one agent: the p50 and p99 of a single write, in ms. */
export async function ecrituresSeules(
  port: number,
  a: Agent,
  n: number,
): Promise<{ p50: number; p99: number; refus: string[] }> {
  const date = jourParis();
  const durees: number[] = [];
  const refus: string[] = [];
  for (let i = 0; i < n; i++) {
    const logementId = a.libres.pop();
    if (!logementId) break;
    const debut = performance.now();
    const r = await fetch(`http://127.0.0.1:${port}/api/locations`, {
      method: 'POST',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ logementId, date }),
    });
    const corps = await r.text();
    durees.push(performance.now() - debut);
    // A refusal is reported, not fatal: the figures are those of the declarations made.
    if (r.status !== 201) refus.push(`${r.status} ${corps}`);
  }
  durees.sort((x, y) => x - y);
  const q = (p: number) => Math.round(durees[Math.min(durees.length - 1, Math.floor(p * durees.length))]!);
  return { p50: q(0.5), p99: q(0.99), refus };
}
