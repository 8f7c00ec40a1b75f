-- JWT account links, created by update.php on new and upgraded wikis alike.
-- Written from sql/tables.json; keep the two in step.
CREATE TABLE /*_*/mws_jwt_link (
  jl_id INT UNSIGNED AUTO_INCREMENT NOT NULL,
  jl_issuer VARBINARY(255) NOT NULL,
  jl_subject VARBINARY(255) NOT NULL,
  jl_user INT UNSIGNED NOT NULL,
  jl_groups BLOB NOT NULL,
  jl_created BINARY(14) NOT NULL,
  UNIQUE INDEX jl_issuer_subject (jl_issuer, jl_subject),
  UNIQUE INDEX jl_user (jl_user),
  PRIMARY KEY(jl_id)
) /*$wgDBTableOptions*/;
