import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A real single-node KRaft broker for development and tests, run from Maven jars under `.kafka/` (git-ignored),
 * so no Docker and no Kafka tarball are needed. A broker that already answers is always reused, never restarted.
 */

const DEFAULT_PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_BROKER = '127.0.0.1:9092';
const START_DEADLINE_MS = 90_000;
const STOP_DEADLINE_MS = 30_000;
/** Long enough for a first-run Maven download plus a start-up by another process. */
const LOCK_DEADLINE_MS = 300_000;
const POLL_INTERVAL_MS = 500;
const LOG_TAIL_LINES = 30;
/** Creating and describing a topic needs the controller, which describeCluster alone does not prove. */
const READINESS_TOPIC = 'trackops-broker-ready';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const JAVA_INSTALL = 'apt-get install -y openjdk-17-jre-headless maven';
// What kafka-server-start.sh would pass, with a heap sized for a 2-core development machine.
const JVM_OPTIONS = [
  '-Xms512m',
  '-Xmx512m',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

export interface KafkaBroker {
  startedHere: boolean;
  address: string;
  /** The broker process when this machine runs it from `.kafka/`; undefined for a broker found elsewhere. */
  pid: number | undefined;
  stop(): Promise<void>;
}

interface BrokerAddress {
  host: string;
  port: number;
  text: string;
}

function brokerPaths(projectDir: string) {
  const home = join(projectDir, '.kafka');
  return {
    projectDir,
    home,
    lib: join(home, 'lib'),
    libMarker: join(home, 'lib', '.pom.sha256'),
    data: join(home, 'data'),
    logs: join(home, 'logs'),
    brokerLog: join(home, 'logs', 'broker.log'),
    properties: join(home, 'server.properties'),
    pidFile: join(home, 'broker.pid'),
    startLock: join(home, 'start.lock'),
    clusterIdFile: join(home, 'cluster-id'),
    pom: join(projectDir, 'scripts', 'kafka', 'pom.xml'),
    template: join(projectDir, 'scripts', 'kafka', 'server.properties'),
    log4j: join(projectDir, 'scripts', 'kafka', 'log4j2.properties'),
  };
}
type BrokerPaths = ReturnType<typeof brokerPaths>;

/** Reuses the broker at `brokers` (first entry) if it answers, otherwise starts one from `.kafka/`. */
export async function ensureKafkaBroker(
  options: { projectDir?: string; brokers?: string } = {},
): Promise<KafkaBroker> {
  const paths = brokerPaths(options.projectDir ?? DEFAULT_PROJECT_DIR);
  const { KAFKA_BROKERS } = process.env;
  const address = parseBrokerAddress(options.brokers ?? KAFKA_BROKERS ?? DEFAULT_BROKER);
  if (await isKafkaReachable(address.text)) return foreignBroker(address, readPid(paths.pidFile));
  if (!LOCAL_HOSTS.has(address.host)) {
    throw new Error(
      `kafka: no broker answers at ${address.text}, and a non-local broker cannot be started here`,
    );
  }
  return withStartLock(paths, async () => {
    // Whoever held the lock before us may have started the broker already.
    if (await isKafkaReachable(address.text)) return foreignBroker(address, readPid(paths.pidFile));
    const startingPid = readPid(paths.pidFile);
    if (startingPid !== undefined && isBrokerProcess(startingPid)) {
      await waitUntilReady(address, () => isBrokerProcess(startingPid), paths);
      return foreignBroker(address, startingPid);
    }
    return startBroker(address, paths);
  });
}

/** Stops the broker that `.kafka/broker.pid` names; returns its pid, or undefined when none was running. */
export async function stopKafkaBroker(projectDir: string = DEFAULT_PROJECT_DIR): Promise<number | undefined> {
  const paths = brokerPaths(projectDir);
  const pid = readPid(paths.pidFile);
  if (pid === undefined) return undefined;
  return (await stopBrokerProcess(pid, paths)) ? pid : undefined;
}

/** The Kafka version the pom pins, for log lines. */
export function kafkaVersion(projectDir: string = DEFAULT_PROJECT_DIR): string {
  const pom = readFileSync(brokerPaths(projectDir).pom, 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

export async function isKafkaReachable(broker: string): Promise<boolean> {
  return withProbeAdmin(broker, async (admin) => {
    await admin.describeCluster();
  });
}

function foreignBroker(address: BrokerAddress, pid: number | undefined): KafkaBroker {
  return { startedHere: false, address: address.text, pid, stop: async () => {} };
}

async function startBroker(address: BrokerAddress, paths: BrokerPaths): Promise<KafkaBroker> {
  requireJava17();
  await ensureJars(paths);
  writeServerProperties(address, paths);
  await formatStorageOnce(paths);
  const child = spawnBroker(paths);
  const pid = child.pid;
  if (pid === undefined) throw brokerFailure('could not spawn java', paths);
  writeFileSync(paths.pidFile, `${pid}\n`);
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => void (await stopBrokerProcess(pid, paths));
  try {
    await waitUntilReady(address, isRunning, paths);
  } catch (error) {
    await stop();
    throw error;
  }
  return { startedHere: true, address: address.text, pid, stop };
}

/** Only one process at a time prepares and starts the broker; the others wait, then find it running. */
async function withStartLock<T>(paths: BrokerPaths, work: () => Promise<T>): Promise<T> {
  mkdirSync(paths.home, { recursive: true });
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (;;) {
    try {
      writeFileSync(paths.startLock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(paths.startLock);
    // A starter that died (Ctrl-C during the Maven download) leaves its lock behind.
    if (holder !== undefined && !isAlive(holder)) rmSync(paths.startLock, { force: true });
    if (Date.now() > deadline) {
      throw new Error(
        `kafka: process ${holder} has held ${paths.startLock} for too long; delete it if stale`,
      );
    }
    await delay(POLL_INTERVAL_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(paths.startLock, { force: true });
  }
}

function parseBrokerAddress(brokers: string): BrokerAddress {
  const first = brokers.split(',')[0]?.trim() ?? '';
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(first);
  if (!match?.[1] || !match[2])
    throw new Error(`kafka: cannot read a host:port from KAFKA_BROKERS "${brokers}"`);
  return { host: match[1], port: Number(match[2]), text: first };
}

/** Runs one admin call with a quiet, non-retrying client; false means the broker did not answer. */
async function withProbeAdmin(
  broker: string,
  call: (admin: ReturnType<Kafka['admin']>) => Promise<void>,
): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'trackops-broker-probe',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await call(admin);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function isBrokerReady(broker: string): Promise<boolean> {
  return withProbeAdmin(broker, async (admin) => {
    await admin.describeCluster();
    await admin.createTopics({
      topics: [{ topic: READINESS_TOPIC, numPartitions: 1 }],
      waitForLeaders: true,
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READINESS_TOPIC] });
    if (!topics[0]?.partitions.some((partition) => partition.leader >= 0)) throw new Error('no leader yet');
  });
}

async function waitUntilReady(address: BrokerAddress, isRunning: () => boolean, paths: BrokerPaths) {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (!isRunning()) throw brokerFailure('the broker process exited during start-up', paths);
    if (await isBrokerReady(address.text)) return;
    await delay(POLL_INTERVAL_MS);
  }
  throw brokerFailure(
    `the broker did not become ready at ${address.text} within ${START_DEADLINE_MS / 1000} s`,
    paths,
  );
}

function brokerFailure(reason: string, paths: BrokerPaths): Error {
  const tail = readLogTail(paths.brokerLog).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  return new Error(`kafka: ${reason}. Last ${LOG_TAIL_LINES} lines of ${paths.brokerLog}:\n${tail}`);
}

/** The end of the log only: it is appended to across restarts and grows without bound. */
function readLogTail(logFile: string, bytes = 64 * 1024): string {
  if (!existsSync(logFile)) return '';
  const fd = openSync(logFile, 'r');
  try {
    const start = Math.max(0, fstatSync(fd).size - bytes);
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, start)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function requireJava17(): void {
  const result = runSync('java', ['-version']);
  const version = /version "([^"]+)"/.exec(result.output)?.[1] ?? '';
  const major = Number(version.startsWith('1.') ? version.split('.')[1] : version.split('.')[0]);
  if (result.code !== 0 || !(major >= 17)) {
    const found = result.code === 0 ? `Java ${version} was found` : '`java` was not found';
    throw new Error(
      `kafka: the local broker needs Java 17+ and Maven, but ${found}. Install them with:\n  ${JAVA_INSTALL}`,
    );
  }
}

/** Fetches the broker jars when they are missing or the pom changed; the marker records which pom they match. */
async function ensureJars(paths: BrokerPaths): Promise<void> {
  const pomHash = createHash('sha256').update(readFileSync(paths.pom)).digest('hex');
  if (existsSync(paths.libMarker) && readFileSync(paths.libMarker, 'utf8').trim() === pomHash) return;
  if (runSync('mvn', ['-v']).code !== 0) {
    throw new Error(
      `kafka: Maven is needed once to fetch the broker jars, but \`mvn\` was not found. Install it with:\n  ${JAVA_INSTALL}`,
    );
  }
  console.error('kafka: fetching the broker jars with Maven into .kafka/lib (first run or pom change)');
  // Download next to the target and swap it in, so an interrupted download never looks complete.
  const staging = `${paths.lib}.download-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const args = ['-B', '-q', '-f', paths.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`];
  const result = await runAsync('mvn', [...args, '-DincludeScope=runtime'], paths.projectDir);
  if (result.code !== 0)
    throw new Error(`kafka: mvn could not fetch the broker jars:\n${result.output.trim()}`);
  writeFileSync(join(staging, '.pom.sha256'), `${pomHash}\n`);
  rmSync(paths.lib, { recursive: true, force: true });
  renameSync(staging, paths.lib);
}

/** The template with this machine's absolute data dir and the listener host/ports of the configured address. */
function writeServerProperties(address: BrokerAddress, paths: BrokerPaths): void {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  const controller = `${host}:${address.port + 1}`;
  const listeners = `PLAINTEXT://${host}:${address.port},CONTROLLER://${controller}`;
  const overrides: Record<string, string> = {
    'log.dirs': paths.data,
    listeners,
    'advertised.listeners': listeners,
    'controller.quorum.bootstrap.servers': controller,
  };
  const template = readFileSync(paths.template, 'utf8');
  const header =
    '# Generated by scripts/kafka/kafkaBroker.ts from scripts/kafka/server.properties: edit that file.\n';
  mkdirSync(paths.home, { recursive: true });
  writeFileSync(paths.properties, header + applyOverrides(template, overrides));
}

function applyOverrides(properties: string, overrides: Record<string, string>): string {
  const applied = new Set<string>();
  const lines = properties
    .trimEnd()
    .split('\n')
    .map((line) => {
      const key = line.split('=')[0]?.trim() ?? '';
      const value = overrides[key];
      if (line.trimStart().startsWith('#') || value === undefined) return line;
      applied.add(key);
      return `${key}=${value}`;
    });
  const missing = Object.entries(overrides).filter(([key]) => !applied.has(key));
  return `${[...lines, ...missing.map(([key, value]) => `${key}=${value}`)].join('\n')}\n`;
}

/** Formats the data dir once; the cluster id stays stable because a formatted dir rejects any other id. */
async function formatStorageOnce(paths: BrokerPaths): Promise<void> {
  const metaProperties = join(paths.data, 'meta.properties');
  if (existsSync(metaProperties)) {
    if (!existsSync(paths.clusterIdFile)) rememberClusterIdOf(metaProperties, paths);
    return;
  }
  const clusterId = readOrCreateClusterId(paths);
  const args = ['-Xmx256M', `-Dlog4j2.configurationFile=${paths.log4j}`, '-cp', join(paths.lib, '*')];
  const format = [
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '-t',
    clusterId,
    '-c',
    paths.properties,
  ];
  const result = await runAsync('java', [...args, ...format], paths.projectDir);
  if (result.code !== 0) throw new Error(`kafka: formatting ${paths.data} failed:\n${result.output.trim()}`);
}

function readOrCreateClusterId(paths: BrokerPaths): string {
  if (existsSync(paths.clusterIdFile)) return readFileSync(paths.clusterIdFile, 'utf8').trim();
  let clusterId = randomBytes(16).toString('base64url');
  // A leading '-' would be parsed as an option by the storage tool.
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  writeFileSync(paths.clusterIdFile, `${clusterId}\n`);
  return clusterId;
}

function rememberClusterIdOf(metaProperties: string, paths: BrokerPaths): void {
  const clusterId = /^cluster\.id=(.+)$/m.exec(readFileSync(metaProperties, 'utf8'))?.[1]?.trim();
  if (clusterId) writeFileSync(paths.clusterIdFile, `${clusterId}\n`);
}

function spawnBroker(paths: BrokerPaths) {
  mkdirSync(paths.logs, { recursive: true });
  const logFd = openSync(paths.brokerLog, 'a');
  try {
    const logging = [`-Dkafka.logs.dir=${paths.logs}`, `-Dlog4j2.configurationFile=${paths.log4j}`];
    const args = [...JVM_OPTIONS, ...logging, '-cp', join(paths.lib, '*'), 'kafka.Kafka', paths.properties];
    // Detached with its output in a file: the broker outlives this process (`infra up`, test runs).
    const child = spawn('java', args, {
      cwd: paths.projectDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    child.on('error', () => {}); // surfaces as an early exit in waitUntilReady
    child.unref();
    return child;
  } finally {
    closeSync(logFd);
  }
}

function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Checks the command line too, so a stale pid file never makes us signal an unrelated process. */
function isBrokerProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    if (existsSync('/proc/self')) return false;
    return isAlive(pid); // no procfs (macOS): liveness is the best we can check
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopBrokerProcess(pid: number, paths: BrokerPaths): Promise<boolean> {
  const running = isBrokerProcess(pid);
  if (running) await terminate(pid);
  if (readPid(paths.pidFile) === pid) rmSync(paths.pidFile, { force: true });
  return running;
}

/** SIGTERM lets the broker flush and close its logs cleanly; SIGKILL only if it hangs. */
async function terminate(pid: number): Promise<void> {
  sendSignal(pid, 'SIGTERM');
  if (await waitForExit(pid, STOP_DEADLINE_MS)) return;
  sendSignal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isBrokerProcess(pid)) return true;
    await delay(100);
  }
  return !isBrokerProcess(pid);
}

interface CommandResult {
  code: number;
  output: string;
}

function runSync(command: string, args: string[]): CommandResult {
  const { status, stdout, stderr, error } = spawnSync(command, args, { encoding: 'utf8' });
  if (error) return { code: -1, output: error.message };
  return { code: status ?? -1, output: `${stdout}${stderr}` };
}

function runAsync(command: string, args: string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolvePromise({ code: -1, output: error.message }));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, output }));
  });
}
