-- JWT account links, created by update.php on new and upgraded wikis alike.
-- Written from sql/tables.json; keep the two in step.
CREATE TABLE mws_jwt_link (
  jl_id SERIAL NOT NULL,
  jl_issuer TEXT NOT NULL,
  jl_subject TEXT NOT NULL,
  jl_user INT NOT NULL,
  jl_groups TEXT NOT NULL,
  jl_created TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(jl_id)
);

CREATE UNIQUE INDEX jl_issuer_subject ON mws_jwt_link (jl_issuer, jl_subject);

CREATE UNIQUE INDEX jl_user ON mws_jwt_link (jl_user);
