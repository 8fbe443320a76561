-- The catalog (issue 4): products of approved shops, with full-text search.
--
-- Money is integer paise, the GST rate integer basis points (contracts::gst). `stock` never goes
-- below zero: the CHECK is the last line of defence against overselling, behind the conditional
-- decrement of checkout. Times are unix seconds.
CREATE TABLE products (
    id          TEXT PRIMARY KEY NOT NULL,
    shop_id     TEXT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The seller's own code; unique within the shop (seed 000 §7.2).
    sku         TEXT NOT NULL,
    -- Harmonised System of Nomenclature code, 4 to 8 digits; printed on invoices (Rule 46).
    hsn         TEXT NOT NULL,
    price       INTEGER NOT NULL CHECK (price >= 0),
    gst_rate    INTEGER NOT NULL CHECK (gst_rate >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    category    TEXT NOT NULL,
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (shop_id, sku)
) STRICT;
-- Browsing: by category and by price, newest first; a shop's own list.
CREATE INDEX products_category ON products (category, created_at, id);
CREATE INDEX products_price ON products (price, id);
CREATE INDEX products_created ON products (created_at, id);
CREATE INDEX products_shop ON products (shop_id, created_at, id);

-- Full-text search over name and description (FTS5, an external-content table kept in step by
-- the triggers below). `unicode61` without stemming, like PostgreSQL's 'simple' configuration,
-- so both backends find the same products for the same words.
CREATE VIRTUAL TABLE products_fts USING fts5 (
    name, description,
    content = 'products', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name, description)
    VALUES (new.rowid, new.name, new.description);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, description)
    VALUES ('delete', old.rowid, old.name, old.description);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name, description ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, description)
    VALUES ('delete', old.rowid, old.name, old.description);
    INSERT INTO products_fts (rowid, name, description)
    VALUES (new.rowid, new.name, new.description);
END;

-- Product images: the object-store key of each, in display order.
CREATE TABLE product_images (
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    object_key TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
) STRICT;
