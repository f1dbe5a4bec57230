import { parsePrometheusText, type Sample } from './prometheus.ts';

/** Reads /metrics of one node, or of every node the bench found, into samples (each carries its `node` label). */
export async function scrapeMetrics(baseUrl: string): Promise<Sample[]> {
  const response = await fetch(`${baseUrl.replace(/\/$/, '')}/metrics`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}

export async function scrapeNodes(baseUrls: readonly string[]): Promise<Sample[]> {
  const scrapes = await Promise.all(baseUrls.map((url) => scrapeMetrics(url).catch(() => [] as Sample[])));
  return scrapes.flat();
}

/** The base URL of a node on `port`, on the host of the URL the bench was given. */
export function nodeUrl(apiUrl: string, port: number): string {
  const url = new URL(apiUrl);
  url.port = String(port);
  url.pathname = '';
  return url.toString().replace(/\/$/, '');
}
