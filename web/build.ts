/**
 * Builds the web app into web/dist with Vite's JavaScript API (the same as
 * `npx vite build --config web/vite.config.ts`). Used by `npm start` when the build is missing or
 * older than its sources; runnable alone: `node bin/run-ts.js web/build.ts`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

export const CONFIG_VITE = fileURLToPath(new URL('./vite.config.ts', import.meta.url));

export async function construireWeb(options: { silencieux?: boolean } = {}): Promise<void> {
  await build({ configFile: CONFIG_VITE, logLevel: options.silencieux ? 'warn' : 'info' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await construireWeb();
