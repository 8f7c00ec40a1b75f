-- JWT account links, created by update.php on new and upgraded wikis alike.
-- Written from sql/tables.json; keep the two in step.
CREATE TABLE /*_*/mws_jwt_link (
  jl_id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  jl_issuer BLOB NOT NULL,
  jl_subject BLOB NOT NULL,
  jl_user INTEGER UNSIGNED NOT NULL,
  jl_groups BLOB NOT NULL,
  jl_created BLOB NOT NULL
);

CREATE UNIQUE INDEX jl_issuer_subject ON /*_*/mws_jwt_link (jl_issuer, jl_subject);

CREATE UNIQUE INDEX jl_user ON /*_*/mws_jwt_link (jl_user);
