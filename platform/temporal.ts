import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { dataConverter } from './codec';
import type { Config } from './config';

type ConnectionSettings = Pick<
  Config,
  'TEMPORAL_ADDRESS' | 'TEMPORAL_DEV_PORT' | 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'
>;

/** What both the client's Connection and the worker's NativeConnection take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | false;
  apiKey?: string;
}

/**
 * How to reach the configured Temporal server: TEMPORAL_ADDRESS (or the dev server's port), with TLS
 * (TEMPORAL_TLS_*, checked at start-up) and a Temporal Cloud API key (TEMPORAL_API_KEY). The API's
 * client, the worker and the scripts all connect with these options. TLS is on when any of them is
 * set, unless TEMPORAL_TLS says otherwise; without a CA the system's roots verify the server.
 */
export function temporalConnectionOptions(config: ConnectionSettings): TemporalConnectionOptions {
  const { TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key, TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_SERVER_NAME: serverName, TEMPORAL_API_KEY: apiKey } = config;
  const address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
  const tlsOn = config.TEMPORAL_TLS ? config.TEMPORAL_TLS === 'true' : Boolean(cert || key || ca || serverName || apiKey);
  const tls: TLSConfig | false = tlsOn
    ? {
        ...(serverName ? { serverNameOverride: serverName } : {}),
        ...(ca ? { serverRootCACertificate: ca.pem } : {}),
        ...(cert && key ? { clientCertPair: { crt: cert.pem, key: key.pem } } : {}),
      }
    : false;
  // Said explicitly either way: with an API key the SDK would otherwise turn TLS on by itself.
  return { address, tls, ...(apiKey ? { apiKey } : {}) };
}

/**
 * Connects a client to the configured Temporal server with the payload codec, so everything this
 * client sends is stored encrypted.
 */
export async function connectTemporal(config: Config): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverter(config) });
  return { connection, client };
}
