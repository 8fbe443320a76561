-- The catalog's full-text index without GIN's pending list (issue 13), on PostgreSQL only:
-- FTS5 writes its index at once, in segments it merges itself (`automerge`), so SQLite has
-- nothing queued for a search to read. The same numbered file on both backends, as the
-- migrations' rule is.
SELECT 1;
