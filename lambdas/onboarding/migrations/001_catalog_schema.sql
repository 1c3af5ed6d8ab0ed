-- Seed 002, section 6: the permanent catalog of the product onboarding system.
-- Tables, columns, constraints and index names follow the seed; additions are marked "added".

CREATE TABLE vendors (
  vendor_id    VARCHAR(50)  PRIMARY KEY,
  vendor_name  VARCHAR(200) NOT NULL,
  email        VARCHAR(255) NOT NULL,
  phone        VARCHAR(20),
  -- added: NOT NULL and the allowed values; only 'active' vendors may upload.
  status       VARCHAR(20)  NOT NULL DEFAULT 'active'
               CONSTRAINT vendors_status_check CHECK (status IN ('active', 'inactive', 'suspended')),
  created_at   TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE product_categories (
  category_id    SERIAL       PRIMARY KEY,
  category_name  VARCHAR(100) NOT NULL UNIQUE,
  description    TEXT,
  is_active      BOOLEAN      NOT NULL DEFAULT TRUE,
  created_at     TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- added: the validator matches categories case-insensitively, one lookup per batch.
CREATE UNIQUE INDEX idx_category_name_lower ON product_categories (lower(category_name));

CREATE TABLE upload_history (
  upload_id                VARCHAR(50)  PRIMARY KEY,
  -- NULL when the upload names a vendor that does not exist (the upload is recorded as failed).
  vendor_id                VARCHAR(50)  REFERENCES vendors (vendor_id),
  file_name                VARCHAR(255) NOT NULL,
  file_size_bytes          BIGINT       CONSTRAINT upload_history_size_check CHECK (file_size_bytes >= 0),
  total_records            INTEGER      CONSTRAINT upload_history_total_check CHECK (total_records >= 0),
  valid_records            INTEGER      NOT NULL DEFAULT 0 CONSTRAINT upload_history_valid_check CHECK (valid_records >= 0),
  error_records            INTEGER      NOT NULL DEFAULT 0 CONSTRAINT upload_history_error_check CHECK (error_records >= 0),
  status                   VARCHAR(20)  NOT NULL DEFAULT 'processing'
                           CONSTRAINT upload_history_status_check CHECK (status IN ('processing', 'completed', 'partial', 'failed')),
  error_file_s3_key        VARCHAR(500),
  upload_timestamp         TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
  processing_started_at    TIMESTAMPTZ,
  processing_completed_at  TIMESTAMPTZ,
  -- added: where the file is, why it failed, and when the single notification went out.
  s3_bucket                VARCHAR(63),
  s3_key                   VARCHAR(1024),
  failure_reason           TEXT,
  notified_at              TIMESTAMPTZ,
  CONSTRAINT upload_history_failed_reason_check CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
);
CREATE INDEX idx_vendor_upload ON upload_history (vendor_id, upload_timestamp DESC);
CREATE INDEX idx_status ON upload_history (status);

CREATE TABLE products (
  product_id         SERIAL        PRIMARY KEY,
  vendor_id          VARCHAR(50)   NOT NULL REFERENCES vendors (vendor_id),
  vendor_product_id  VARCHAR(100)  NOT NULL,
  product_name       VARCHAR(200)  NOT NULL,
  category           VARCHAR(100)  NOT NULL,
  subcategory        VARCHAR(100),
  description        TEXT,
  sku                VARCHAR(100)  NOT NULL,
  brand              VARCHAR(100),
  price              DECIMAL(10,2) NOT NULL CONSTRAINT products_price_check CHECK (price > 0),
  compare_at_price   DECIMAL(10,2),
  stock_quantity     INTEGER       NOT NULL CONSTRAINT products_stock_check CHECK (stock_quantity >= 0),
  unit               VARCHAR(20)   DEFAULT 'piece',
  weight_kg          DECIMAL(10,3),
  dimensions_cm      VARCHAR(50),
  image_url          TEXT,
  upload_id          VARCHAR(50),
  -- added: the staged record (UploadRecords record_id) this product came from; makes redelivery idempotent.
  source_record_id   VARCHAR(50),
  status             VARCHAR(20)   DEFAULT 'active',
  created_at         TIMESTAMPTZ   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at         TIMESTAMPTZ   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT products_vendor_product_key UNIQUE (vendor_id, vendor_product_id),
  CONSTRAINT products_source_check CHECK ((upload_id IS NULL) = (source_record_id IS NULL))
);
CREATE INDEX idx_vendor_id ON products (vendor_id);
CREATE INDEX idx_category ON products (category);
CREATE INDEX idx_upload_id ON products (upload_id);
CREATE UNIQUE INDEX idx_sku ON products (sku);
-- added: one product per staged record.
CREATE UNIQUE INDEX idx_products_source_record ON products (upload_id, source_record_id) WHERE upload_id IS NOT NULL;

CREATE TABLE validation_errors (
  error_id           SERIAL       PRIMARY KEY,
  upload_id          VARCHAR(50)  NOT NULL REFERENCES upload_history (upload_id),
  vendor_id          VARCHAR(50)  REFERENCES vendors (vendor_id),
  -- added: the staged record, and the physical line of the CSV where the row starts.
  record_id          VARCHAR(50)  NOT NULL,
  row_number         INTEGER      NOT NULL,
  line_number        INTEGER,
  vendor_product_id  VARCHAR(100),
  error_type         VARCHAR(50)  NOT NULL CONSTRAINT validation_errors_type_check CHECK (error_type IN (
                       'MISSING_REQUIRED_FIELDS', 'INVALID_PRICE', 'INVALID_STOCK_QUANTITY',
                       'FIELD_LENGTH_EXCEEDED', 'INVALID_CATEGORY', 'DUPLICATE_SKU',
                       'DUPLICATE_VENDOR_PRODUCT_ID',
                       -- added: a row the CSV structure check rejected, and an optional field that is not a valid value.
                       'MALFORMED_ROW', 'INVALID_FIELD_FORMAT')),
  error_field        VARCHAR(100),
  error_message      TEXT         NOT NULL,
  original_data      JSONB,
  created_at         TIMESTAMPTZ  NOT NULL DEFAULT CURRENT_TIMESTAMP,
  -- added: one error per rule per row, so a redelivered batch cannot duplicate errors.
  CONSTRAINT validation_errors_record_rule_key UNIQUE (upload_id, record_id, error_type)
);
CREATE INDEX idx_upload_errors ON validation_errors (upload_id);
CREATE INDEX idx_error_type ON validation_errors (error_type);
