-- The IdP's access, refresh and ID tokens were copied into "Account" and never read there (the
-- sign-in's "TokenFamily" keeps what renewal and logout need). Forget the copies.
UPDATE "Account" SET "access_token" = NULL, "refresh_token" = NULL, "id_token" = NULL
WHERE "access_token" IS NOT NULL OR "refresh_token" IS NOT NULL OR "id_token" IS NOT NULL;
