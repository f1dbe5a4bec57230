import { Migration } from '@mikro-orm/migrations';

export class Migration20261125151440 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "actor_state" ("actor_type" text not null, "actor_id" text not null, "machine_id" text not null, "machine_version" text not null, "version" bigint not null, "snapshot" jsonb not null, "status" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint "actor_state_pkey" primary key ("actor_type", "actor_id"));`,
    );

    this.addSql(
      `create table "orders" ("id" uuid not null, "customer_id" uuid not null, "status" text not null, "total_cents" bigint not null, "shipping_address" jsonb not null, "delivery_instructions" text null, "cancellation_reason" text null, "status_history" jsonb not null, "tracking_events" jsonb not null, "version" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "orders_customer_id_idx" on "orders" ("customer_id");`);
    this.addSql(`create index "orders_status_idx" on "orders" ("status");`);
    this.addSql(`create index "orders_created_at_id_idx" on "orders" ("created_at", "id");`);

    this.addSql(
      `create table "order_items" ("order_id" uuid not null, "line_no" int not null, "sku" text not null, "quantity" int not null, "unit_price_cents" bigint not null, constraint "order_items_pkey" primary key ("order_id", "line_no"));`,
    );

    this.addSql(
      `create table "outbox_events" ("id" uuid not null, "aggregatetype" text not null, "aggregateid" text not null, "type" text not null, "payload" jsonb null, "seq" bigserial, "headers" jsonb not null, "created_at" timestamptz not null default now(), "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null, constraint "outbox_events_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "outbox_events_unpublished_seq_idx" on "outbox_events" ("seq") where "published_at" is null;`,
    );

    this.addSql(
      `create table "processed_messages" ("actor_type" text not null, "actor_id" text not null, "message_id" text not null, "processed_at" timestamptz not null default now(), constraint "processed_messages_pkey" primary key ("actor_type", "actor_id", "message_id"));`,
    );

    this.addSql(
      `alter table "order_items" add constraint "order_items_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "order_items" drop constraint "order_items_order_id_foreign";`);

    this.addSql(`drop table if exists "actor_state" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_items" cascade;`);

    this.addSql(`drop table if exists "outbox_events" cascade;`);

    this.addSql(`drop table if exists "processed_messages" cascade;`);
  }
}
