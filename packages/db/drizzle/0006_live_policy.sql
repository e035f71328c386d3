ALTER TABLE "grants" ADD COLUMN "redirect_uri" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "subject_user_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "client_id" text;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "access_token_ttl" integer;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "refresh_token_ttl" integer;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "refresh_tokens_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_subject_user_id_users_id_fk" FOREIGN KEY ("subject_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_subject_idx" ON "audit_events" USING btree ("workspace_id","subject_user_id");--> statement-breakpoint
-- The ceiling now also caps `audit:read`, which existing workspaces did not know: offer it to them
-- as new workspaces get it (it is granted only to workspace admins who tick it).
UPDATE "workspace_policies" SET "scope_ceiling" = "scope_ceiling" || '["audit:read"]'::jsonb WHERE NOT ("scope_ceiling" ? 'audit:read');
--> statement-breakpoint
-- A Grant row now carries its own id in grant_id (its id column holds only a hash of it), so
-- revoking a grant deletes it with its tokens, and an expired one can end its connected app.
UPDATE "oidc_models" AS o SET "grant_id" = g."id" FROM "grants" AS g WHERE o."model" = 'Grant' AND o."grant_id" IS NULL AND o."id" = translate(rtrim(encode(sha256(convert_to(g."id", 'UTF8')), 'base64'), '='), '+/', '-_');
