import { Migration } from '@mikro-orm/migrations';

export class Migration20261125182013_journal extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "actor_journal" ("id" bigserial primary key, "actor_type" text not null, "actor_id" text not null, "version" int not null, "message_id" text not null, "message_type" text not null, "correlation_id" text not null, "causation_id" text null, "sent_by" text null, "state_before" text null, "state_after" text not null, "snapshot" jsonb not null, "emitted" text[] not null, "node_id" text not null, "duration_ms" double precision not null, "at" timestamptz not null default now());`,
    );
    this.addSql(`create index "actor_journal_correlation_idx" on "actor_journal" ("correlation_id");`);
    this.addSql(`create index "actor_journal_at_idx" on "actor_journal" ("at");`);
    this.addSql(
      `alter table "actor_journal" add constraint "actor_journal_actor_version_unique" unique ("actor_type", "actor_id", "version");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "actor_journal" cascade;`);
  }
}
