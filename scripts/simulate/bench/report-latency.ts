import { type Latency, timeRepeatedly } from './latency';

/** The programme report's latency at the size the run left: the whole period, JSON, as a manager reads it. */
export async function reportLatency(
  url: string,
  token: string,
  period: { from: string; to: string },
  runs = 5,
): Promise<Latency> {
  return timeRepeatedly(async () => {
    const res = await fetch(`${url}/v1/reports/programme?from=${period.from}&to=${period.to}&format=json`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`the report answered ${res.status}`);
    await res.json();
  }, runs);
}
