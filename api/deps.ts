import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { VerifyToken } from './auth';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  config: Config;
  logger: Logger;
  verifyToken: VerifyToken;
}
