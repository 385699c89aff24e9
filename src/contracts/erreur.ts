/** Every refusal's body (4xx, 5xx): a code, a French message, the problems by field. Its own module so that every contract can use it. */
import { z } from 'zod';

export const erreurSchema = z.object({
  erreur: z.string(),
  message: z.string(),
  problemes: z.array(z.object({ chemin: z.string(), message: z.string() })).optional(),
});
