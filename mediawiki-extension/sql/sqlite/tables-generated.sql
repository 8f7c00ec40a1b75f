-- Written from sql/tables.json (Debian's MediaWiki ships no doctrine/dbal
-- for maintenance/generateSchemaSql.php); keep the two in step. The table
-- mws_jwt_link is in mws_jwt_link.sql, for new and upgraded wikis alike.
CREATE TABLE /*_*/mws_auth_token (
  mat_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  mat_hash BLOB NOT NULL,
  mat_kind BLOB NOT NULL,
  mat_user INTEGER UNSIGNED DEFAULT 0 NOT NULL,
  mat_user_text BLOB NOT NULL,
  mat_principal BLOB DEFAULT NULL,
  mat_binding BLOB DEFAULT NULL,
  mat_used SMALLINT DEFAULT 0 NOT NULL,
  mat_created BLOB NOT NULL,
  mat_expires BLOB NOT NULL
);

CREATE UNIQUE INDEX mat_hash ON /*_*/mws_auth_token (mat_hash);

CREATE INDEX mat_expires ON /*_*/mws_auth_token (mat_expires);
