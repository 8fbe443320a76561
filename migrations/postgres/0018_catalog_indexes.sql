-- The catalog at scale (issue 13): every listing sort served by an index, the filters too.
-- Newest first was already served (products_created; with a category, products_category;
-- a shop's own, products_shop); these serve the price sorts within a category and within a
-- shop, so neither sorts every matching product in a temp B-tree before cutting a page.
CREATE INDEX products_category_price ON products (category, price, id);
CREATE INDEX products_shop_price ON products (shop_id, price, id);
