import { Migration } from '@mikro-orm/migrations';

export class Migration20261125205835_api_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "api_keys" ("id" text not null, "name" text not null, "role" text not null, "customer_id" text null, "key_hash" text not null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"), constraint api_keys_role_check check (role in ('admin', 'operator', 'service', 'customer')), constraint api_keys_customer_id_check check ((customer_id is not null) = (role = 'customer')));`,
    );
    this.addSql(`alter table "api_keys" add constraint "api_keys_key_hash_unique" unique ("key_hash");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_keys" cascade;`);
  }
}
