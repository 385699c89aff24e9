/**
 * The APL zones of the demo département, an APPROXIMATION marked as such in its source: no official
 * list (arrêté du 17 mars 1978 modifié) was reachable where Flux was built. Zone II covers the
 * agglomerations of more than 100,000 inhabitants: here the communes of Orléans Métropole stand for
 * the Orléans agglomeration; every other commune of the Loiret is in zone III. Replace it with
 * `flux import zonage --type zone_apl` from the official list.
 */
import type { Tx } from '../db/client.ts';
import { zonagesCommunes } from '../db/schema.ts';

export const SOURCE_ZONAGE_DEMO =
  'démonstration : approximation (communes d’Orléans Métropole en zone II, autres communes en zone III) — à remplacer par la liste de l’arrêté du 17 mars 1978 modifié';

/** Writes zone II for the communes of `epciZoneII`, zone III for the others, from 1978-03-17 (idempotent). */
export async function zonesAplDemo(
  tx: Tx,
  communes: readonly { code: string; epci: string | null }[],
  epciZoneII: string,
): Promise<number> {
  const lignes = communes.map((c) => ({
    commune: c.code,
    zonage: 'zone_apl',
    valeur: c.epci === epciZoneII ? 'II' : 'III',
    du: '1978-03-17',
    au: null,
    source: SOURCE_ZONAGE_DEMO,
  }));
  let n = 0;
  for (let i = 0; i < lignes.length; i += 1000)
    n += (
      await tx
        .insert(zonagesCommunes)
        .values(lignes.slice(i, i + 1000))
        .onConflictDoNothing()
        .returning({ id: zonagesCommunes.id })
    ).length;
  return n;
}
