import type { Server } from 'node:http';
import { createDb } from '../db';
import { type Config, loadConfigOrExit } from '../platform/config';
import { createLogger } from '../platform/logger';
import { connectTemporal } from '../platform/temporal';
import { createApp } from './app';
import { createTokenVerifier } from './auth';

export interface RunningApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: Config, databaseUrl: string): Promise<RunningApi> {
  const logger = createLogger(config.LOG_LEVEL, 'api', config.LOG_FORMAT);
  const db = createDb(databaseUrl);
  const { connection, client } = await connectTemporal(config);
  const app = createApp({ db, temporal: client, config, logger, verifyToken: createTokenVerifier(config) });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, () => resolve(s));
  });
  logger.info({ port: config.PORT }, 'API listening');
  return {
    server,
    url: `http://localhost:${config.PORT}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await db.destroy();
      await connection.close();
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  if (!config.DATABASE_URL) {
    console.error('npm run api needs DATABASE_URL (npm start runs the whole stack with embedded defaults)');
    process.exit(1);
  }
  startApi(config, config.DATABASE_URL).then(
    (api) => {
      const stop = () => api.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
