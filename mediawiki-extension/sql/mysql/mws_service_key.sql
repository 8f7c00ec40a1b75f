-- Service keys created on Special:ServiceKeys or by maintenance script, their
-- last use, and the app tokens minted with any service key. Created by
-- update.php on new and upgraded wikis alike. Written from sql/tables.json;
-- keep the two in step.
CREATE TABLE /*_*/mws_service_key (
  sk_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  sk_name VARBINARY(64) NOT NULL,
  sk_user INT UNSIGNED NOT NULL,
  sk_secret_hash BINARY(64) NOT NULL,
  sk_previous_hash BINARY(64) DEFAULT NULL,
  sk_previous_until BINARY(14) DEFAULT NULL,
  sk_cidr BLOB NOT NULL,
  sk_api_modules BLOB NOT NULL,
  sk_rest_paths BLOB NOT NULL,
  sk_rights BLOB DEFAULT NULL,
  sk_app_tokens TINYINT DEFAULT 0 NOT NULL,
  sk_expires BINARY(14) DEFAULT NULL,
  sk_created BINARY(14) NOT NULL,
  sk_revoked BINARY(14) DEFAULT NULL,
  UNIQUE INDEX sk_name (sk_name),
  UNIQUE INDEX sk_secret_hash (sk_secret_hash),
  INDEX sk_previous_hash (sk_previous_hash),
  PRIMARY KEY(sk_id)
) /*$wgDBTableOptions*/;

CREATE TABLE /*_*/mws_service_key_use (
  sku_principal VARBINARY(255) NOT NULL,
  sku_time BINARY(14) NOT NULL,
  sku_ip VARBINARY(40) NOT NULL,
  PRIMARY KEY(sku_principal)
) /*$wgDBTableOptions*/;

CREATE TABLE /*_*/mws_app_token (
  at_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  at_hash BINARY(64) NOT NULL,
  at_principal VARBINARY(255) NOT NULL,
  at_created BINARY(14) NOT NULL,
  at_expires BINARY(14) NOT NULL,
  at_ip VARBINARY(40) NOT NULL,
  UNIQUE INDEX at_hash (at_hash),
  INDEX at_principal_expires (at_principal, at_expires),
  PRIMARY KEY(at_id)
) /*$wgDBTableOptions*/;
