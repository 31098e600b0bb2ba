import { loadConfigOrExit } from '../platform/config';
import { createDb, migrate } from './index';
import { seedReferenceData } from './seeds/reference';

/** Brings a database to the latest schema and inserts missing reference data. */
export async function prepareDatabase(url: string): Promise<void> {
  const db = createDb(url, { max: 2 });
  try {
    await migrate(db);
    await seedReferenceData(db);
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    console.error('DATABASE_URL is not set');
    process.exit(1);
  }
  prepareDatabase(config.DATABASE_URL).then(
    () => console.log('database migrated and seeded'),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
