/**
 * Database failures that are not the request's fault and not a bug: a statement cancelled by the
 * application's `statement_timeout`, a transaction ended by `idle_in_transaction_session_timeout`,
 * a database that cannot be reached. Answered 503 with a French message (and logged with their
 * stack), never a bare 500.
 */

/** SQLSTATE codes and Node connection errors, read through Drizzle's wrapping (`cause`). */
function codes(e: unknown): string[] {
  const vus: string[] = [];
  for (let x = e, i = 0; x && typeof x === 'object' && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') vus.push(code);
  }
  return vus;
}

export function erreurBaseIndisponible(e: unknown): { erreur: string; message: string } | null {
  const c = codes(e);
  // 57014 query_canceled: the statement ran longer than statement_timeout.
  if (c.includes('57014'))
    return {
      erreur: 'DELAI_DEPASSE',
      message:
        'la base de données a interrompu une opération trop longue (délai maximal dépassé) : réessayez, ou demandez à l’exploitant d’allonger FLUX_PG_STATEMENT_TIMEOUT_MS',
    };
  // 25P03 idle_in_transaction_session_timeout; 57P01/57P02/57P03: server shutting down or not ready.
  if (c.some((x) => ['25P03', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(x)))
    return {
      erreur: 'BASE_INDISPONIBLE',
      message: 'la connexion à la base de données a été interrompue : réessayez dans un instant',
    };
  if (c.some((x) => ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(x)))
    return {
      erreur: 'BASE_INDISPONIBLE',
      message: 'la base de données est injoignable : réessayez dans un instant',
    };
  return null;
}
