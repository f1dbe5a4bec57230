import { Migration } from '@mikro-orm/migrations';

/**
 * The version fence of a turn's single statement (db/turnStatement.ts): the statement records the message id
 * first, then updates the state only at the expected version, and this function fails the whole statement when
 * that update found nothing, so the message id is not kept for a turn that was not applied.
 */
export class Migration20261125213000_turn_fence extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function trackops_fence(applied bigint) returns int language plpgsql as $$
begin
  if applied = 0 then
    raise exception using errcode = 'TKSTL', message = 'stale writer: the actor is no longer at the expected version';
  end if;
  return applied;
end
$$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists trackops_fence(bigint);');
  }
}
