CREATE TABLE "workspace_clients" (
	"workspace_id" uuid NOT NULL,
	"client_id" text NOT NULL,
	"client_name" text NOT NULL,
	"identified_by" text NOT NULL,
	"redirect_uris" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"requested_by" uuid,
	"scope_ceiling" jsonb,
	"access_token_ttl" integer,
	"refresh_token_ttl" integer,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_clients_workspace_id_client_id_pk" PRIMARY KEY("workspace_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "workspace_policies" ADD COLUMN "unknown_clients" text DEFAULT 'allow' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspace_clients" ADD CONSTRAINT "workspace_clients_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_clients" ADD CONSTRAINT "workspace_clients_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_clients" ADD CONSTRAINT "workspace_clients_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workspace_clients_client_idx" ON "workspace_clients" USING btree ("client_id");--> statement-breakpoint
-- Every app already connected in a workspace is one of its apps, approved: it was let in under the policy of its day.
INSERT INTO "workspace_clients" ("workspace_id", "client_id", "client_name", "identified_by", "redirect_uris", "status", "first_seen_at", "last_seen_at")
SELECT "workspace_id", "client_id",
  coalesce(max("client_name"), "client_id"),
  CASE WHEN bool_or("via" = 'enterprise_idp') THEN 'enterprise_grant' WHEN "client_id" ~ '^https?://' THEN 'metadata_document' ELSE 'registration' END,
  coalesce(jsonb_agg(DISTINCT "redirect_uri") FILTER (WHERE "redirect_uri" IS NOT NULL), '[]'::jsonb),
  'approved', min("created_at"), greatest(max("created_at"), max("last_used_at"))
FROM "grants" GROUP BY "workspace_id", "client_id"
ON CONFLICT DO NOTHING;
