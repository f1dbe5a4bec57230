export interface BrokerAddress {
  host: string;
  port: number;
  text: string;
}

/** Only the first entry of KAFKA_BROKERS: that is the one a local broker is started for. */
export function parseBrokerAddress(brokers: string): BrokerAddress {
  const first = brokers.split(',')[0]?.trim() ?? '';
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(first);
  if (!match?.[1] || !match[2])
    throw new Error(`kafka: cannot read a host:port from KAFKA_BROKERS "${brokers}"`);
  return { host: match[1], port: Number(match[2]), text: first };
}
