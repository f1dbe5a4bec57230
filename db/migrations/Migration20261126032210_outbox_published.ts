import { Migration } from '@mikro-orm/migrations';

/**
 * What retention (db/retention.ts) walks to delete published outbox rows oldest first. Partial, like the relay's
 * index: each row enters it once, when it is published. A large existing table is locked for writes while it builds.
 */
export class Migration20261126032210_outbox_published extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "outbox_events_published_at_idx" on "outbox_events" ("published_at") where "published_at" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "outbox_events_published_at_idx";`);
  }
}
