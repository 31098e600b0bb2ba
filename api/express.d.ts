import type { Caller } from './auth';

declare module 'http' {
  interface IncomingMessage {
    caller?: Caller;
  }
}
