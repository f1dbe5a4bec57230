// biome-ignore-all lint/style/useFilenamingConvention: MikroORM tooling looks for this exact name (as in its docs and guide).
import { fileURLToPath } from 'node:url';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig } from '@mikro-orm/postgresql';
import { ActorJournal } from './entities/ActorJournal.ts';
import { ActorState } from './entities/ActorState.ts';
import { ActorTimer } from './entities/ActorTimer.ts';
import { ApiKey } from './entities/ApiKey.ts';
import { DeadLetter } from './entities/DeadLetter.ts';
import { InventoryItem } from './entities/InventoryItem.ts';
import { InventoryReservation } from './entities/InventoryReservation.ts';
import { Order } from './entities/Order.ts';
import { OrderItem } from './entities/OrderItem.ts';
import { OutboxEvent } from './entities/OutboxEvent.ts';
import { Payment } from './entities/Payment.ts';
import { ProcessedMessage } from './entities/ProcessedMessage.ts';
import { SagaInstance } from './entities/SagaInstance.ts';

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/** The one MikroORM configuration: the app, the migrator and the tests all build it from a database URL. */
export function createOrmConfig(databaseUrl: string) {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: [
      ActorState,
      ActorJournal,
      OutboxEvent,
      ProcessedMessage,
      ActorTimer,
      DeadLetter,
      Order,
      OrderItem,
      InventoryItem,
      InventoryReservation,
      Payment,
      SagaInstance,
      ApiKey,
    ],
    extensions: [Migrator],
    debug: false,
    // Creating databases is an operator's (or migrate.ts's) decision, not a side effect of connecting.
    ensureDatabase: false,
    // Migrations are TypeScript only. Importing them from this module (not from inside MikroORM's CommonJS build)
    // lets whichever loader runs us, tsx or vitest, compile them.
    preferTs: true,
    dynamicImportProvider: (id) => import(id),
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      glob: '!(*.d).ts',
      emit: 'ts',
      transactional: true,
      allOrNothing: true,
      silent: true,
      // Off except in createMigration.ts: `up()` would otherwise rewrite the committed snapshot from whichever
      // database it just migrated.
      snapshot: false,
      snapshotName: '.snapshot-trackops',
    },
  });
}
