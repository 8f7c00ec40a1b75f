-- Written from sql/tables.json (Debian's MediaWiki ships no doctrine/dbal
-- for maintenance/generateSchemaSql.php); keep the two in step. The table
-- mws_jwt_link is in mws_jwt_link.sql, for new and upgraded wikis alike.
CREATE TABLE /*_*/mws_auth_token (
  mat_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  mat_hash BINARY(64) NOT NULL,
  mat_kind VARBINARY(16) NOT NULL,
  mat_user INT UNSIGNED DEFAULT 0 NOT NULL,
  mat_user_text VARBINARY(255) NOT NULL,
  mat_principal VARBINARY(255) DEFAULT NULL,
  mat_binding BINARY(64) DEFAULT NULL,
  mat_used TINYINT DEFAULT 0 NOT NULL,
  mat_created BINARY(14) NOT NULL,
  mat_expires BINARY(14) NOT NULL,
  UNIQUE INDEX mat_hash (mat_hash),
  INDEX mat_expires (mat_expires),
  PRIMARY KEY(mat_id)
) /*$wgDBTableOptions*/;
