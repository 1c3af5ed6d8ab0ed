-- Issue 14: bounded memory and exactly-once.

-- The csv-parser's duplicate detection (first occurrence of a SKU / vendor product ID in a file
-- wins) lives here instead of in the Lambda's heap: one row per distinct key of an upload, written
-- in chunks as the file streams by. Keys are stored as MD5 digests (16 bytes, any key length).
-- A parser retry re-inserts the same keys with the same row numbers, so the marks are stable.
-- Rows are deleted once the upload's notification is out.
CREATE TABLE upload_row_keys (
  upload_id   VARCHAR(50) NOT NULL REFERENCES upload_history (upload_id) ON DELETE CASCADE,
  key_kind    CHAR(1)     NOT NULL CONSTRAINT upload_row_keys_kind_check CHECK (key_kind IN ('s', 'v')),
  key_hash    BYTEA       NOT NULL,
  row_number  INTEGER     NOT NULL,
  PRIMARY KEY (upload_id, key_kind, key_hash)
);

-- The notification is claimed (notified_at set and committed) before SNS is called, so a crash
-- after the publish can never send a second one; the message ID is recorded after the publish.
-- notified_at set with notification_message_id NULL = claimed but not confirmed (see docs).
ALTER TABLE upload_history ADD COLUMN notification_message_id VARCHAR(100);
