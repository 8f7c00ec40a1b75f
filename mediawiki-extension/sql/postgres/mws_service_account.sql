-- Accounts that service keys may act as (ServiceAuth\ServiceAccounts), created
-- by update.php on new and upgraded wikis alike. Written from sql/tables.json;
-- keep the two in step.
CREATE TABLE mws_service_account (
  sa_user INT NOT NULL,
  sa_origin TEXT NOT NULL,
  sa_created TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(sa_user)
);
