import { runSync } from './runCommand.ts';

export const JAVA_INSTALL = 'apt-get install -y openjdk-17-jre-headless maven';

/** Kafka 4 needs Java 17; checking first turns an obscure JVM error into the command that fixes it. */
export function requireJava17(): void {
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
