-- Upgrade of a wiki installed before app tokens were bound to their secret (update.php runs it);
-- new wikis get it from tables-generated.sql. Keep in step with sql/tables.json.
ALTER TABLE /*_*/mws_auth_token ADD mat_binding BINARY(64) DEFAULT NULL AFTER mat_principal;
