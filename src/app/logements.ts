/** Use case "list the stock": the units the actor may see, page by page. */
import { and, asc, count, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { logements } from '../db/schema.ts';
import { porteeLogements } from './portee.ts';
import type { Acteur } from './roles.ts';

export async function listerLogements(
  tx: Tx,
  acteur: Acteur,
  q: { page: number; taille: number; commune?: string | undefined },
) {
  const where = and(porteeLogements(acteur), q.commune ? eq(logements.commune, q.commune) : undefined);
  const [total] = await tx.select({ n: count() }).from(logements).where(where);
  const rows = await tx
    .select()
    .from(logements)
    .where(where)
    .orderBy(asc(logements.commune), asc(logements.id))
    .limit(q.taille)
    .offset((q.page - 1) * q.taille);
  return {
    total: total?.n ?? 0,
    page: q.page,
    logements: rows.map((l) => ({
      id: l.id,
      bailleurId: l.bailleurId,
      rpls: l.rpls,
      commune: l.commune,
      qpv: l.qpv,
      typologie: l.typologie,
      financement: l.financement,
      construction: l.construction,
      horsFlux: l.horsFlux,
    })),
  };
}
