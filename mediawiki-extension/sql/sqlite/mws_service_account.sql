-- Accounts that service keys may act as (ServiceAuth\ServiceAccounts), created
-- by update.php on new and upgraded wikis alike. Written from sql/tables.json;
-- keep the two in step.
CREATE TABLE /*_*/mws_service_account (
  sa_user INTEGER UNSIGNED NOT NULL,
  sa_origin BLOB NOT NULL,
  sa_created BLOB NOT NULL,
  PRIMARY KEY(sa_user)
);
