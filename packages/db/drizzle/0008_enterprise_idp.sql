ALTER TABLE "grants" ADD COLUMN "via" text DEFAULT 'consent' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "enterprise_idp_issuer" text;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "enterprise_jit_membership" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "enterprise_email_domain" text;--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_policies_enterprise_idp_issuer_key" ON "workspace_policies" USING btree ("enterprise_idp_issuer");