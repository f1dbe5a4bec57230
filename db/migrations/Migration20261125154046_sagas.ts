import { Migration } from '@mikro-orm/migrations';

export class Migration20261125154046_sagas extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "actor_timers" ("actor_type" text not null, "actor_id" text not null, "timer_id" text not null, "event_type" text not null, "due_at" timestamptz not null, "message_id" text not null, "claimed_until" timestamptz null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null default now(), constraint "actor_timers_pkey" primary key ("actor_type", "actor_id", "timer_id"));`,
    );
    this.addSql(`create index "actor_timers_due_at_idx" on "actor_timers" ("due_at");`);

    this.addSql(
      `create table "dead_letters" ("id" uuid not null, "topic" text not null, "partition" int not null, "offset" text not null, "key" text null, "value" text null, "headers" jsonb not null, "reason_code" text not null, "reason" text not null, "attempts" int not null, "status" text not null default 'parked', "failed_at" timestamptz not null, "redrive_count" int not null default 0, "redriven_at" timestamptz null, "last_redrive_error" text null, constraint "dead_letters_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "dead_letters_topic_status_idx" on "dead_letters" ("topic", "status");`);
    this.addSql(`create index "dead_letters_failed_at_idx" on "dead_letters" ("failed_at");`);
    this.addSql(
      `alter table "dead_letters" add constraint "dead_letters_source_unique" unique ("topic", "partition", "offset");`,
    );

    this.addSql(
      `create table "inventory_items" ("sku" text not null, "name" text not null, "available" int not null, "reserved" int not null, "low_stock_threshold" int not null, "status" text not null, "version" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "inventory_items_pkey" primary key ("sku"));`,
    );
    this.addSql(`create index "inventory_items_status_idx" on "inventory_items" ("status");`);

    this.addSql(
      `create table "inventory_reservations" ("sku" text not null, "order_id" uuid not null, "quantity" int not null, "status" text not null, "reason" text null, "updated_at" timestamptz not null, constraint "inventory_reservations_pkey" primary key ("sku", "order_id"));`,
    );
    this.addSql(
      `create index "inventory_reservations_order_id_idx" on "inventory_reservations" ("order_id");`,
    );

    this.addSql(
      `create table "payments" ("order_id" uuid not null, "customer_id" uuid null, "status" text not null, "amount_cents" bigint not null, "refunded_cents" bigint not null, "failure_reason" text null, "version" int not null, "updated_at" timestamptz not null, constraint "payments_pkey" primary key ("order_id"));`,
    );
    this.addSql(`create index "payments_status_idx" on "payments" ("status");`);

    this.addSql(
      `create table "saga_instances" ("saga_type" text not null, "saga_id" text not null, "order_id" uuid not null, "state" text not null, "failure_reason" text null, "steps" jsonb not null, "version" int not null, "started_at" timestamptz not null, "updated_at" timestamptz not null, constraint "saga_instances_pkey" primary key ("saga_type", "saga_id"));`,
    );
    this.addSql(`create index "saga_instances_order_id_idx" on "saga_instances" ("order_id");`);
    this.addSql(`create index "saga_instances_state_idx" on "saga_instances" ("state");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "actor_timers" cascade;`);

    this.addSql(`drop table if exists "dead_letters" cascade;`);

    this.addSql(`drop table if exists "inventory_items" cascade;`);

    this.addSql(`drop table if exists "inventory_reservations" cascade;`);

    this.addSql(`drop table if exists "payments" cascade;`);

    this.addSql(`drop table if exists "saga_instances" cascade;`);
  }
}
