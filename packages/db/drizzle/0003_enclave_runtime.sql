CREATE TYPE "public"."enclave_log_stream" AS ENUM('build', 'runtime');--> statement-breakpoint
CREATE TABLE "enclave_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"enclave_id" uuid NOT NULL,
	"stream" "enclave_log_stream" NOT NULL,
	"line" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "enclaves" ADD COLUMN "measurement" text;--> statement-breakpoint
ALTER TABLE "enclaves" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "enclaves" ADD COLUMN "next_step_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enclaves" ADD COLUMN "created_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "enclaves" ADD COLUMN "created_by_client_id" text;--> statement-breakpoint
ALTER TABLE "enclave_logs" ADD CONSTRAINT "enclave_logs_enclave_id_enclaves_id_fk" FOREIGN KEY ("enclave_id") REFERENCES "public"."enclaves"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enclave_logs_enclave_idx" ON "enclave_logs" USING btree ("enclave_id","stream","id");--> statement-breakpoint
ALTER TABLE "enclaves" ADD CONSTRAINT "enclaves_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enclaves_next_step_idx" ON "enclaves" USING btree ("next_step_at");