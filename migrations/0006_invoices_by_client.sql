-- The credit-line check looks for a client's overdue credit invoices on every options read.
CREATE INDEX invoices_client_status ON invoices (client_id, method, status);
