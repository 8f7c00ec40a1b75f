-- Service keys created on Special:ServiceKeys or by maintenance script, their
-- last use, and the app tokens minted with any service key. Created by
-- update.php on new and upgraded wikis alike. Written from sql/tables.json;
-- keep the two in step.
CREATE TABLE mws_service_key (
  sk_id SERIAL NOT NULL,
  sk_name TEXT NOT NULL,
  sk_user INT NOT NULL,
  sk_secret_hash TEXT NOT NULL,
  sk_previous_hash TEXT DEFAULT NULL,
  sk_previous_until TIMESTAMPTZ DEFAULT NULL,
  sk_cidr TEXT NOT NULL,
  sk_api_modules TEXT NOT NULL,
  sk_rest_paths TEXT NOT NULL,
  sk_rights TEXT DEFAULT NULL,
  sk_app_tokens SMALLINT DEFAULT 0 NOT NULL,
  sk_expires TIMESTAMPTZ DEFAULT NULL,
  sk_created TIMESTAMPTZ NOT NULL,
  sk_revoked TIMESTAMPTZ DEFAULT NULL,
  PRIMARY KEY(sk_id)
);

CREATE UNIQUE INDEX sk_name ON mws_service_key (sk_name);

CREATE UNIQUE INDEX sk_secret_hash ON mws_service_key (sk_secret_hash);

CREATE INDEX sk_previous_hash ON mws_service_key (sk_previous_hash);

CREATE TABLE mws_service_key_use (
  sku_principal TEXT NOT NULL,
  sku_time TIMESTAMPTZ NOT NULL,
  sku_ip TEXT NOT NULL,
  PRIMARY KEY(sku_principal)
);

CREATE TABLE mws_app_token (
  at_id SERIAL NOT NULL,
  at_hash TEXT NOT NULL,
  at_principal TEXT NOT NULL,
  at_created TIMESTAMPTZ NOT NULL,
  at_expires TIMESTAMPTZ NOT NULL,
  at_ip TEXT NOT NULL,
  PRIMARY KEY(at_id)
);

CREATE UNIQUE INDEX at_hash ON mws_app_token (at_hash);

CREATE INDEX at_principal_expires ON mws_app_token (at_principal, at_expires);
