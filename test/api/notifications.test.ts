/**
 * Notifications (issue 6 item 7): stored in the application (list, mark as read; one row per
 * organisation, so that reading is scoped to it: another organisation gets 404) and e-mailed by
 * SMTP to a local sink (`smtp-server` on a random port): new orientation, deadline approaching,
 * deadline passed, CAL result. PGlite, and PostgreSQL when DATABASE_URL is set.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifierEcheances } from '../../src/app/echeances.ts';
import {
  configSmtpDepuisEnv,
  creerExpediteur,
  expedierNotifications,
  notifierResultatCal,
} from '../../src/app/notifications.ts';
import { lignes } from '../../src/db/client.ts';
import { ORG } from '../../src/seed/demo.ts';
import { genresDeTest } from '../helpers/database.ts';
import { serveurDeTest, type ServeurDeTest } from './harness.ts';

const BAILLEUR = 'bailleur@demo.flux';
const DEPT = 'departement@demo.flux';
const AL = 'reservataire@demo.flux';
const MAINTENANT = new Date('2026-11-22T09:00:00Z');

interface Courriel {
  destinataires: string[];
  sujet: string;
  corps: string;
}

/** Decodes the RFC 2047 encoded words of a header. */
function decoderEntete(v: string): string {
  return v.replace(/\s*=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, txt: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(txt, 'base64').toString('utf8')
      : Buffer.from(
          txt.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/** Parses the raw message the sink received: subject and the text body (quoted-printable or base64). */
function lire(brut: string, destinataires: string[]): Courriel {
  const [entetes, ...reste] = brut.split(/\r?\n\r?\n/);
  const deplie = entetes!.replace(/\r?\n[ \t]+/g, ' ');
  const sujet = decoderEntete(/^Subject: (.*)$/im.exec(deplie)?.[1] ?? '');
  const codage = /^Content-Transfer-Encoding: (.*)$/im.exec(deplie)?.[1]?.trim().toLowerCase();
  const texte = reste.join('\n\n');
  const corps =
    codage === 'base64'
      ? Buffer.from(texte.replace(/\s+/g, ''), 'base64').toString('utf8')
      : codage === 'quoted-printable'
        ? Buffer.from(
            texte
              .replace(/=\r?\n/g, '')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : texte;
  return { destinataires, sujet, corps: corps.replace(/\r\n/g, '\n') };
}

describe('configuration SMTP', () => {
  it('sans FLUX_SMTP_URL, pas de courriel ; l’expéditeur par défaut sinon', () => {
    expect(configSmtpDepuisEnv({})).toBeNull();
    expect(configSmtpDepuisEnv({ FLUX_SMTP_URL: 'smtp://localhost:2525' })).toEqual({
      url: 'smtp://localhost:2525',
      from: 'Flux <ne-pas-repondre@flux.localhost>',
    });
    expect(configSmtpDepuisEnv({ FLUX_SMTP_URL: 'smtp://h:25', FLUX_SMTP_FROM: 'Flux <flux@exemple.fr>' })?.from).toBe(
      'Flux <flux@exemple.fr>',
    );
  });
});

describe.each(genresDeTest())('notifications dans l’application et par courriel (%s)', (genre) => {
  let s: ServeurDeTest;
  let puits: SMTPServer;
  const recus: Courriel[] = [];
  let libres = 0;

  beforeAll(async () => {
    puits = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(flux, session, fin) {
        const morceaux: Buffer[] = [];
        flux.on('data', (m: Buffer) => morceaux.push(m));
        flux.on('end', () => {
          recus.push(
            lire(Buffer.concat(morceaux).toString('utf8'), session.envelope.rcptTo.map((r) => r.address).sort()),
          );
          fin();
        });
      },
    });
    await new Promise<void>((ok) => puits.listen(0, '127.0.0.1', ok));
    const port = (puits.server.address() as AddressInfo).port;
    s = await serveurDeTest(genre, {
      horloge: () => MAINTENANT,
      verificationEcheancesMs: 0,
      smtp: { url: `smtp://127.0.0.1:${port}`, from: 'Flux <flux@exemple.fr>' },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.fermer();
    await new Promise<void>((ok) => puits.close(() => ok()));
  });

  async function orienterAuDepartement(): Promise<string> {
    const [l] = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1 offset ${libres++}`,
    );
    const v = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l!.id, date: '2026-11-21' })).json();
    const r = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'forcer',
      version: v.version,
      reservataire: ORG.departement,
      motif: 'Demande du Département',
    });
    expect(r.statusCode, r.body).toBe(200);
    return v.id as string;
  }

  it('nouvelle orientation : notifiée au réservataire, dans l’application et par courriel (destinataire, sujet, corps en français)', async () => {
    const id = await orienterAuDepartement();
    const n = await s.appel(DEPT, 'GET', '/api/notifications');
    expect(n.statusCode).toBe(200);
    const liste = n.json();
    expect(liste.nonLues).toBe(1);
    expect(liste.notifications[0]).toMatchObject({ type: 'orientation', locationId: id, lue: false });
    expect(liste.notifications[0].message).toMatch(/Proposez vos candidats avant le 22 décembre 2026 au soir/);
    // Nobody else's.
    expect((await s.appel(AL, 'GET', '/api/notifications')).json().notifications).toEqual([]);
    expect(recus).toHaveLength(1);
    const m = recus[0]!;
    expect(m.destinataires).toEqual([DEPT]);
    // The commune by its name, never its INSEE code; no organisation identifier.
    expect(m.sujet).toMatch(/^\[Flux\] Nouveau logement orienté : T\d à \p{Lu}[\p{L}’' -]+$/u);
    expect(`${m.sujet} ${m.corps}`).not.toMatch(/(?<![\w-])\d{5}\b|DEPARTEMENT-45|ACTION-LOGEMENT|ETAT-45/);
    expect(m.corps).toMatch(/^Bonjour,/);
    expect(m.corps).toMatch(
      /Le bailleur vous oriente le logement .* Proposez vos candidats avant le 22 décembre 2026 au soir ; sans proposition, le logement revient au bailleur pour un tour\./s,
    );
    expect(m.corps).toMatch(/adressée à Département du Loiret|adressée à .*Département/);
    // Sent once.
    expect(
      await expedierNotifications(s.t.base.db, creerExpediteur({ url: 'smtp://127.0.0.1:1', from: 'x@y.z' })),
    ).toBe(0);
  });

  it('marquer comme lue : seulement pour son organisation ; audité', async () => {
    const { notifications } = (await s.appel(DEPT, 'GET', '/api/notifications')).json();
    const id = notifications[0].id as string;
    expect((await s.appel(AL, 'POST', `/api/notifications/${id}/lue`)).statusCode).toBe(404);
    // Refused, and nothing changed for its owner.
    expect((await s.appel(DEPT, 'GET', '/api/notifications')).json().nonLues).toBe(1);
    const r = await s.appel(DEPT, 'POST', `/api/notifications/${id}/lue`);
    expect(r.statusCode).toBe(200);
    const apres = (await s.appel(DEPT, 'GET', '/api/notifications')).json();
    expect(apres.nonLues).toBe(0);
    expect(apres.notifications[0].lue).toBe(true);
    expect((await s.appel(DEPT, 'POST', `/api/notifications/${id}/lue`)).statusCode).toBe(200);
    const a = await lignes<{ n: number }>(
      s.t.base.db,
      sql`select count(*)::int as n from evenements_audit where action = 'notification.lire' and cible_id = ${id}`,
    );
    expect(a[0]!.n).toBe(1);
  });

  it('un même fait notifié à deux organisations : chacune a la sienne, lue pour elle seule', async () => {
    const [l] = await lignes<{ id: string }>(
      s.t.base.db,
      sql`select id from logements l where bailleur_id = 'HLD' and hors_flux is null and not exists (select 1 from locations v where v.logement_id = l.id) order by id limit 1 offset ${libres++}`,
    );
    const v = (await s.appel(BAILLEUR, 'POST', '/api/locations', { logementId: l!.id, date: '2026-11-21' })).json();
    const p = await s.appel(BAILLEUR, 'POST', `/api/locations/${v.id}/orientation`, {
      decision: 'pool',
      version: v.version,
      reservataires: [ORG.departement, ORG.actionLogement],
      motif: 'Grand logement proposé à deux réservataires',
    });
    expect(p.statusCode, p.body).toBe(200);
    type Liste = { nonLues: number; notifications: { id: string; locationId: string | null; lue: boolean }[] };
    const de = async (email: string) => {
      const liste = (await s.appel(email, 'GET', '/api/notifications')).json() as Liste;
      return { nonLues: liste.nonLues, note: liste.notifications.find((n) => n.locationId === v.id)! };
    };
    const dept = await de(DEPT);
    const al = await de(AL);
    expect(dept.note.id).not.toBe(al.note.id);
    // Neither may mark the other's read: 404, as for a notification that does not exist.
    expect((await s.appel(AL, 'POST', `/api/notifications/${dept.note.id}/lue`)).statusCode).toBe(404);
    expect((await s.appel(DEPT, 'POST', `/api/notifications/${al.note.id}/lue`)).statusCode).toBe(404);
    expect((await s.appel(BAILLEUR, 'POST', `/api/notifications/${al.note.id}/lue`)).statusCode).toBe(404);
    expect((await de(DEPT)).note.lue).toBe(false);
    expect((await de(AL)).note.lue).toBe(false);
    // Read by the Département: read for it only; Action Logement's stays unread.
    expect((await s.appel(DEPT, 'POST', `/api/notifications/${dept.note.id}/lue`)).statusCode).toBe(200);
    expect(await de(DEPT)).toMatchObject({ nonLues: dept.nonLues - 1, note: { lue: true } });
    expect(await de(AL)).toMatchObject({ nonLues: al.nonLues, note: { lue: false } });
  });

  it('échéance proche (J-2) puis dépassée : notifiées et envoyées une seule fois', async () => {
    recus.length = 0;
    const id = await orienterAuDepartement();
    recus.length = 0;
    const expediteur = creerExpediteur({
      url: `smtp://127.0.0.1:${(puits.server.address() as AddressInfo).port}`,
      from: 'Flux <flux@exemple.fr>',
    });
    try {
      await verifierEcheances(s.t.base.db, new Date('2026-12-20T10:00:00Z'));
      await verifierEcheances(s.t.base.db, new Date('2026-12-20T11:00:00Z'));
      await expedierNotifications(s.t.base.db, expediteur);
      await expect
        .poll(() => recus.filter((m) => m.sujet.includes('Délai de proposition : plus que 2 jours')).length)
        .toBeGreaterThanOrEqual(1);
      const rappels = recus.filter((m) => m.sujet.includes('Délai de proposition : plus que 2 jours'));
      expect(rappels.length).toBeGreaterThanOrEqual(1);
      const rappel = rappels.find((m) => m.destinataires.includes(DEPT))!;
      expect(rappel.destinataires).toEqual([DEPT]);
      expect(rappel.corps).toMatch(
        /expire le 22 décembre 2026 au soir\. Sans proposition, le logement revient au bailleur pour un tour\./,
      );
      recus.length = 0;
      const v = await verifierEcheances(s.t.base.db, new Date('2026-12-23T08:00:00Z'));
      expect(v.expirees).toContain(id);
      await expedierNotifications(s.t.base.db, expediteur);
      await expect.poll(() => recus.length).toBeGreaterThanOrEqual(2);
      const depasses = recus.filter(
        (m) => m.sujet === '[Flux] Délai de proposition dépassé : logement rendu au bailleur pour un tour',
      );
      expect(depasses.map((m) => m.destinataires[0]).sort()).toEqual(expect.arrayContaining([BAILLEUR, DEPT]));
      expect(depasses.find((m) => m.destinataires.includes(DEPT))!.corps).toMatch(
        /Aucun candidat n’a été proposé .* avant le 22 décembre 2026 : le logement revient au bailleur pour un tour ; selon la convention, cet échec n’est pas décompté/s,
      );
      recus.length = 0;
      await verifierEcheances(s.t.base.db, new Date('2026-12-24T08:00:00Z'));
      expect(await expedierNotifications(s.t.base.db, expediteur)).toBe(0);
      expect(recus).toEqual([]);
    } finally {
      expediteur.fermer();
    }
  });

  it('résultat de CAL : la fonction appelée par le travail de la CAL notifie le réservataire ; le courriel part après la requête suivante', async () => {
    recus.length = 0;
    const id = await orienterAuDepartement();
    recus.length = 0;
    await s.t.base.db.transaction((tx) =>
      notifierResultatCal(tx, { locationId: id, type: 'decision', decision: 'attribution', suite: null }),
    );
    const n = (await s.appel(DEPT, 'GET', '/api/notifications')).json();
    expect(n.notifications.find((x: { type: string }) => x.type === 'resultat_cal')).toMatchObject({
      locationId: id,
      titre: 'Décision de la CAL : attribution',
    });
    // The server sends pending e-mails after any write request (here the CAL's own routes would be one).
    expect((await s.appel(DEPT, 'POST', '/api/notifications/inexistante/lue')).statusCode).toBe(404);
    await expect.poll(() => recus.length).toBe(1);
    expect(recus[0]).toMatchObject({ destinataires: [DEPT], sujet: '[Flux] Décision de la CAL : attribution' });
    expect(recus[0]!.corps).toMatch(/La commission d’attribution a rendu une décision d’attribution pour le logement/);
  });
});
