import { Client, Connection } from '@temporalio/client';
import { dataConverter } from './codec';
import type { Config } from './config';

/**
 * Connects to the configured Temporal server (TEMPORAL_ADDRESS, or the dev server's port) with the
 * payload codec, so everything this client sends is stored encrypted.
 */
export async function connectTemporal(config: Config): Promise<{ connection: Connection; client: Client }> {
  const address = temporalAddress(config);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
  return { connection, client };
}

export function temporalAddress(config: Config): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
}
