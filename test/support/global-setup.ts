import { prepareTemplateDatabase } from './database.js';

/** Prepares the migrated template database once per run and drops it afterwards. */
export default async function setup(): Promise<() => Promise<void>> {
  return prepareTemplateDatabase();
}
