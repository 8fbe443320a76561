-- Carts (issue 4). A guest's cart has no owner and is reached by its id alone (a random UUID
-- the browser keeps); a customer's cart has an owner, one per account, and only the owner
-- reaches it. A guest cart is merged into the customer's at sign-in and then deleted.
-- Prices are not stored: a cart is priced from the catalog each time it is shown.
CREATE TABLE carts (
    id         TEXT PRIMARY KEY NOT NULL,
    owner_id   TEXT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE cart_items (
    cart_id    TEXT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    -- Lines show in the order they were first added: 1, 2, 3... within the cart.
    position   INTEGER NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (cart_id, product_id)
) STRICT;
