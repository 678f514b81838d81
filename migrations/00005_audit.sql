-- owner: api/auth (reads it); every package writes through audit_write()
-- The append-only audit trail. Every change of state writes one row through
-- audit_write() in the same transaction as the change. The database itself
-- refuses UPDATE, DELETE and TRUNCATE, for every role including the owner
-- (the trigger), and the privileges are revoked as a second line.
-- +goose Up
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id      bigint,          -- users.id; NULL for the system or an unknown user
    actor_name    text NOT NULL,
    actor_role    text NOT NULL DEFAULT '',
    action        text NOT NULL,   -- e.g. login, login_failed, user.create, submission.create
    object_type   text NOT NULL,
    object_id     text NOT NULL DEFAULT '',
    province_code text,
    before        jsonb,
    after         jsonb,
    request_id    text NOT NULL DEFAULT '',
    client_addr   text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);
CREATE INDEX audit_log_action_idx ON audit_log (action);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

-- +goose StatementBegin
CREATE FUNCTION audit_write(
    p_actor_id bigint, p_actor_name text, p_actor_role text,
    p_action text, p_object_type text, p_object_id text, p_province_code text,
    p_before jsonb, p_after jsonb, p_request_id text, p_client_addr text
) RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO audit_log (actor_id, actor_name, actor_role, action, object_type, object_id,
                           province_code, before, after, request_id, client_addr)
    VALUES (p_actor_id, p_actor_name, p_actor_role, p_action, p_object_type, coalesce(p_object_id, ''),
            p_province_code, p_before, p_after, coalesce(p_request_id, ''), coalesce(p_client_addr, ''))
    RETURNING id
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_write;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
