/**
 * Writes docs/configuration.md from the setting declarations (src/config/settings.ts).
 * `npm run generate` calls `renderConfigurationDoc`; running this file directly writes the doc.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderConfigurationDoc } from '../src/config/docs.js';

export { renderConfigurationDoc };

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = path.join(root, 'docs/configuration.md');
  await writeFile(file, renderConfigurationDoc());
  console.log(`wrote ${path.relative(root, file)}`);
}
