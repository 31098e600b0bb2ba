export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __siraStops?: (() => Promise<void>)[] }).__siraStops ?? [];
  for (const stop of stops.reverse()) await stop();
}
