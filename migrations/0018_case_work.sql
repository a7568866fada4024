-- Support cases worked in the staff console: who has a case, who closed it and how, the
-- comments on it; the audit trail filtered by the console.
ALTER TABLE support_cases ADD COLUMN assignee_id uuid REFERENCES staff_users (id);
ALTER TABLE support_cases ADD COLUMN closed_at timestamptz;
ALTER TABLE support_cases ADD COLUMN closed_by uuid REFERENCES staff_users (id);
ALTER TABLE support_cases ADD COLUMN resolution text NOT NULL DEFAULT ''
  CHECK (length(resolution) <= 4000);
-- The staff queue: every airline's cases by status, newest first.
CREATE INDEX support_cases_queue ON support_cases (status, created_at DESC, id DESC);
CREATE INDEX support_cases_assignee ON support_cases (assignee_id, status) WHERE assignee_id IS NOT NULL;

CREATE TABLE case_comments (
  id         bigserial PRIMARY KEY,
  case_id    uuid NOT NULL REFERENCES support_cases (id),
  author_id  uuid NOT NULL REFERENCES staff_users (id),
  body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL
);
CREATE INDEX case_comments_case ON case_comments (case_id, id);

-- The console's audit trail pages newest first over every row (id) or one airline's rows, and
-- filters by actor or action; subject lookups use audit_log_subject.
CREATE INDEX audit_log_merchant_id ON audit_log (merchant_id, id);
CREATE INDEX audit_log_actor_id ON audit_log (actor, id);
CREATE INDEX audit_log_action_id ON audit_log (action, id);
CREATE INDEX audit_log_entity_id ON audit_log (entity, id);

-- An endpoint's deliveries, newest first, for the console.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
