-- Service keys created on Special:ServiceKeys or by maintenance script, their
-- last use, and the app tokens minted with any service key. Created by
-- update.php on new and upgraded wikis alike. Written from sql/tables.json;
-- keep the two in step.
CREATE TABLE /*_*/mws_service_key (
  sk_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  sk_name BLOB NOT NULL,
  sk_user INTEGER UNSIGNED NOT NULL,
  sk_secret_hash BLOB NOT NULL,
  sk_previous_hash BLOB DEFAULT NULL,
  sk_previous_until BLOB DEFAULT NULL,
  sk_cidr BLOB NOT NULL,
  sk_api_modules BLOB NOT NULL,
  sk_rest_paths BLOB NOT NULL,
  sk_rights BLOB DEFAULT NULL,
  sk_app_tokens SMALLINT DEFAULT 0 NOT NULL,
  sk_expires BLOB DEFAULT NULL,
  sk_created BLOB NOT NULL,
  sk_revoked BLOB DEFAULT NULL
);

CREATE UNIQUE INDEX sk_name ON /*_*/mws_service_key (sk_name);

CREATE UNIQUE INDEX sk_secret_hash ON /*_*/mws_service_key (sk_secret_hash);

CREATE INDEX sk_previous_hash ON /*_*/mws_service_key (sk_previous_hash);

CREATE TABLE /*_*/mws_service_key_use (
  sku_principal BLOB NOT NULL,
  sku_time BLOB NOT NULL,
  sku_ip BLOB NOT NULL,
  PRIMARY KEY(sku_principal)
);

CREATE TABLE /*_*/mws_app_token (
  at_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  at_hash BLOB NOT NULL,
  at_principal BLOB NOT NULL,
  at_created BLOB NOT NULL,
  at_expires BLOB NOT NULL,
  at_ip BLOB NOT NULL
);

CREATE UNIQUE INDEX at_hash ON /*_*/mws_app_token (at_hash);

CREATE INDEX at_principal_expires ON /*_*/mws_app_token (at_principal, at_expires);
