-- Written from sql/tables.json (Debian's MediaWiki ships no doctrine/dbal
-- for maintenance/generateSchemaSql.php); keep the two in step. The table
-- mws_jwt_link is in mws_jwt_link.sql, for new and upgraded wikis alike.
CREATE TABLE mws_auth_token (
  mat_id SERIAL NOT NULL,
  mat_hash TEXT NOT NULL,
  mat_kind TEXT NOT NULL,
  mat_user INT DEFAULT 0 NOT NULL,
  mat_user_text TEXT NOT NULL,
  mat_principal TEXT DEFAULT NULL,
  mat_binding TEXT DEFAULT NULL,
  mat_used SMALLINT DEFAULT 0 NOT NULL,
  mat_created TIMESTAMPTZ NOT NULL,
  mat_expires TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(mat_id)
);

CREATE UNIQUE INDEX mat_hash ON mws_auth_token (mat_hash);

CREATE INDEX mat_expires ON mws_auth_token (mat_expires);
