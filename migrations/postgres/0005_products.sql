-- The catalog (issue 4): products of approved shops, with full-text search.
--
-- Money is integer paise, the GST rate integer basis points (contracts::gst). `stock` never goes
-- below zero: the CHECK is the last line of defence against overselling, behind the conditional
-- decrement of checkout. Times are unix seconds.
CREATE TABLE products (
    id          UUID PRIMARY KEY,
    shop_id     UUID NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The seller's own code; unique within the shop (seed 000 §7.2).
    sku         TEXT NOT NULL,
    -- Harmonised System of Nomenclature code, 4 to 8 digits; printed on invoices (Rule 46).
    hsn         TEXT NOT NULL,
    price       BIGINT NOT NULL CHECK (price >= 0),
    gst_rate    INTEGER NOT NULL CHECK (gst_rate >= 0),
    stock       BIGINT NOT NULL CHECK (stock >= 0),
    category    TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    -- Full-text search over name and description. The 'simple' configuration (no stemming),
    -- like SQLite's unicode61 tokenizer, so both backends find the same products.
    search      TSVECTOR GENERATED ALWAYS AS
                  (to_tsvector('simple', name || ' ' || description)) STORED,
    UNIQUE (shop_id, sku)
);
-- Browsing: by category and by price, newest first; a shop's own list.
CREATE INDEX products_category ON products (category, created_at, id);
CREATE INDEX products_price ON products (price, id);
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_shop ON products (shop_id, created_at, id);
CREATE INDEX products_search ON products USING GIN (search);

-- Product images: the object-store key of each, in display order.
CREATE TABLE product_images (
    product_id   UUID NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    object_key   TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);
