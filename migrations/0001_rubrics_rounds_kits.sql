CREATE TABLE "kits" (
	"id" text NOT NULL,
	"version" integer NOT NULL,
	"kit" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "kits_id_version_pk" PRIMARY KEY("id","version")
);
--> statement-breakpoint
CREATE TABLE "room_rounds" (
	"room_id" text NOT NULL,
	"round" integer NOT NULL,
	"question_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"final_timer" jsonb,
	"feedback_shared_at" timestamp with time zone,
	"shared_rubric_id" text,
	CONSTRAINT "room_rounds_room_id_round_pk" PRIMARY KEY("room_id","round")
);
--> statement-breakpoint
CREATE TABLE "rubrics" (
	"id" text PRIMARY KEY NOT NULL,
	"room_id" text NOT NULL,
	"round" integer NOT NULL,
	"link_id" text NOT NULL,
	"interviewer_name" text NOT NULL,
	"draft" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "room_events" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "room_rounds" ADD CONSTRAINT "room_rounds_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rubrics" ADD CONSTRAINT "rubrics_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rubrics_room_round_link_idx" ON "rubrics" USING btree ("room_id","round","link_id");--> statement-breakpoint
INSERT INTO "room_rounds" ("room_id", "round", "question_id", "started_at") SELECT "id", 1, "question_id", "created_at" FROM "rooms" ON CONFLICT DO NOTHING;
